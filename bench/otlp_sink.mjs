// A collector for benchmarks: answers every OTLP/HTTP POST with 200 without decoding it, and
// counts the bytes. Prints its port, then, on SIGTERM, the requests and bytes it took.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (c) => { bytes += c.length; });
  req.on('end', () => { requests += 1; res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => {
  console.log(`requests ${requests} bytes ${bytes}`);
  process.exit(0);
});
