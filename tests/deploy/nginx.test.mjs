// The nginx site (deploy/nginx/admit.conf) as shipped, with only its addresses and certificate
// paths replaced: a self-signed certificate made by openssl in a temp dir, nginx on free
// loopback ports in its own prefix (stopped by PID), two `admit serve` nodes behind it with
// ADMIT_TRUSTED_PROXIES=127.0.0.1. `nginx -t` accepts it; requests over TLS reach both nodes,
// each of which takes the client's address from X-Forwarded-For as the README says (the
// address nginx saw, not one the client wrote); plain HTTP is redirected; /metrics is not public.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer } from '../api/harness.mjs';
import { freePort, findBinary, waitFor, startDaemon } from './support.mjs';

const SITE = resolve(import.meta.dirname, '../../deploy/nginx/admit.conf');
const nginxBin = findBinary('/usr/sbin/nginx', '/usr/bin/nginx');
const HOST = 'tickets.example.com';

/** Replaces `from` (a string or a regex) in `text`, insisting that it is there. */
function swap(text, from, to) {
  const next = text.replace(from, to);
  assert.notEqual(next, text, `the site no longer has ${from}`);
  return next;
}

/** One request from `localAddress` (127.0.0.x); resolves {status, headers, body}. */
function request(url, { localAddress = '127.0.0.2', headers = {}, ca } = {}) {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolveReq, reject) => {
    const req = lib.request({
      host: '127.0.0.1', port: u.port, path: u.pathname + u.search, method: 'GET', localAddress, agent: false,
      headers: { Host: HOST, ...headers }, ca, servername: HOST, timeout: 10_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolveReq({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The request log line of `requestId` that node `srv` wrote, or undefined. */
function loggedRequest(srv, requestId) {
  return srv.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .find((e) => e.msg === 'request' && e.reqId === requestId);
}

describe('the nginx site in front of two nodes', { skip: !nginxBin && 'nginx is not installed (bash scripts/install-deps.sh)' }, () => {
  let prefix;
  let nodes = [];
  let nginx;
  let ca;
  let httpsBase;
  let httpBase;

  before(async () => {
    prefix = await mkdtemp(join(tmpdir(), 'admit-nginx-site-'));
    await chmod(prefix, 0o755); // nginx's workers run as nobody
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`,
      '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')], { stdio: 'ignore' });
    ca = await readFile(join(prefix, 'cert.pem'));
    nodes = await Promise.all([0, 1].map(() => startServer({
      env: { ADMIT_TRUSTED_PROXIES: '127.0.0.1', ADMIT_LOG_LEVEL: 'info', ADMIT_PUBLIC_URL: `https://${HOST}` },
    })));
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    httpsBase = `https://127.0.0.1:${httpsPort}`;
    httpBase = `http://127.0.0.1:${httpPort}`;

    let site = await readFile(SITE, 'utf8');
    site = swap(site, /^ {4}server 127\.0\.0\.1:8080 (.*)$/m,
      nodes.map((n) => `    server 127.0.0.1:${n.port} $1`).join('\n'));
    site = swap(site, /^ {4}listen 80;\n {4}listen \[::\]:80;$/m, `    listen 127.0.0.1:${httpPort};`);
    site = swap(site, /^ {4}listen 443 ssl http2;\n {4}listen \[::\]:443 ssl http2;$/m, `    listen 127.0.0.1:${httpsPort} ssl http2;`);
    site = swap(site, /^ {4}ssl_certificate \S+;$/m, `    ssl_certificate ${join(prefix, 'cert.pem')};`);
    site = swap(site, /^ {4}ssl_certificate_key \S+;$/m, `    ssl_certificate_key ${join(prefix, 'key.pem')};`);
    await writeFile(join(prefix, 'admit.conf'), site);
    // What Debian's /etc/nginx/nginx.conf provides around a site, in the test's own prefix.
    await writeFile(join(prefix, 'nginx.conf'), `
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/admit.conf;
}
`);
  });
  after(async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it('nginx -t accepts the site', () => {
    const r = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /syntax is ok/);
    assert.match(r.stderr, /test is successful/);
    assert.doesNotMatch(r.stderr, /\[warn\]|\[emerg\]/, r.stderr);
  });

  it('serves both nodes over TLS, each taking the client address nginx saw, not the forged one', async () => {
    nginx = startDaemon(nginxBin, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { signal: 'SIGQUIT' });
    await waitFor('nginx over TLS', async () => {
      if (nginx.proc.exitCode !== null) throw new Error(`nginx exited: ${nginx.output()}`);
      return (await request(`${httpsBase}/healthz`, { ca })).status === 200;
    }, { ms: 10_000, everyMs: 100 });

    const served = new Set();
    for (let i = 0; i < 4; i++) {
      const id = `nginx-${randomBytes(6).toString('hex')}`;
      const r = await request(`${httpsBase}/api/events?limit=1`, {
        ca, headers: { 'X-Request-Id': id, 'X-Forwarded-For': '203.0.113.9' },
      });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers['x-request-id'], id);
      assert.match(r.headers['strict-transport-security'] ?? '', /max-age=\d+/);
      const node = await waitFor(`the log line of ${id}`, async () => nodes.findIndex((n) => loggedRequest(n, id)) + 1);
      served.add(node);
      const line = loggedRequest(nodes[node - 1], id);
      assert.equal(line.client, '127.0.0.2', `the client as the node saw it: ${JSON.stringify(line)}`);
    }
    assert.deepEqual([...served].sort(), [1, 2], 'requests reach both nodes');
  });

  it('redirects plain HTTP to HTTPS and keeps /metrics off the public site', async () => {
    const redirect = await request(`${httpBase}/api/events?limit=1`);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, `https://${HOST}/api/events?limit=1`);
    const metrics = await request(`${httpsBase}/metrics`, { ca });
    assert.equal(metrics.status, 404);
    assert.doesNotMatch(metrics.body, /admit_http_requests_total/);
  });
});
