// The waiting-list benchmark's cancellation phase (bench/waitlist.sh): every "token
// registrationId" line of the file in argv[3] is cancelled once, `concurrency` requests in flight
// over kept-alive connections (Node's fetch), so that the time measured is the server's and not a
// process per request. Then the same number of GET /healthz on the same client and connections,
// for the ratio DEVELOPERS.md asks for. Prints one JSON line: {cancelMs, healthzMs, failures}.
// Usage: node bench/cancel_all.mjs BASE_URL FILE [concurrency, default 8]
import { readFileSync } from 'node:fs';

const [base, file, concurrency = '8'] = process.argv.slice(2);
const jobs = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(' '));

async function drive(requests) {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = await requests[next++]();
      if (!r.ok) failures++;
      await r.arrayBuffer();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, failures };
}

const cancels = await drive(
  jobs.map(([token, id]) => () =>
    fetch(`${base}/api/registrations/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })),
);
const health = await drive(jobs.map(() => () => fetch(`${base}/healthz`)));
console.log(JSON.stringify({ cancelMs: Math.round(cancels.ms), healthzMs: Math.round(health.ms), failures: cancels.failures + health.failures }));
