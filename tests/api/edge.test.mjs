// The HTTP edge against an outside attacker: who the client is behind trusted proxies (every
// X-Forwarded-For line, CIDR ranges, normalised addresses; through nginx too), connection
// limits per client and in all, the header timeout, RFC 9112's framing rules, and /metrics on
// its own listen address.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, rm, chmod, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, api, assertProblem, waitExit } from './harness.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request over a fresh connection from `localAddress` (127.0.0.x), with header values that
 * may be arrays (each element its own header line). Resolves {status, headers, json, text}.
 */
function request(url, { method = 'GET', headers = {}, body, localAddress = '127.0.0.1', timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress, agent: false,
      timeout: timeoutMs,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), json, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/**
 * Sends `text` on a raw connection and collects what comes back until the server closes it (or
 * `timeoutMs` passes). Resolves {data, closed, ms}.
 */
function raw(port, text, { localAddress = '127.0.0.1', timeoutMs = 5000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host, port, localAddress });
    let data = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ data, closed: false, ms: Date.now() - started }); }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('connect', () => { if (text) socket.write(text); });
    socket.on('data', (d) => { data += d; });
    socket.on('close', () => { clearTimeout(timer); resolve({ data, closed: true, ms: Date.now() - started }); });
    socket.on('error', (e) => { if (e.code === 'ECONNRESET') return; clearTimeout(timer); reject(e); });
  });
}

/** Parses a raw HTTP/1.1 response: {status, headers (lower-case names), body, json}. */
function parseResponse(data) {
  const end = data.indexOf('\r\n\r\n');
  assert.ok(end > 0, `a complete response head, got ${JSON.stringify(data.slice(0, 300))}`);
  const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = data.slice(end + 4);
  let json;
  try { json = JSON.parse(body); } catch { json = undefined; }
  return { status: Number(statusLine.split(' ')[1]), headers, body, json };
}

function assertRawProblem(data, status, msg) {
  const r = parseResponse(data);
  assert.equal(r.status, status, `${msg}: ${data.slice(0, 400)}`);
  assert.match(r.headers['content-type'] || '', /^application\/problem\+json/, msg);
  assert.equal(r.json?.status, status, `${msg}: ${r.body}`);
  assert.equal(typeof r.json?.detail, 'string', msg);
  return r;
}

/** Opens `n` idle connections from `localAddress`; resolves the sockets, each with .closedAt set once closed. */
async function openIdle(port, n, localAddress) {
  const sockets = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    socket.received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => { socket.received += d; });
    socket.on('error', () => {});
    socket.on('close', () => { socket.closedAt = Date.now(); });
    socket.on('connect', () => resolve(socket));
    socket.on('error', () => resolve(socket));
  })));
  return sockets;
}

async function metricValue(url, name) {
  const r = await request(url);
  assert.equal(r.status, 200, `GET ${url}: ${r.status}`);
  const line = r.text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** A login with a fresh address each time, so only the per-client limit can refuse it. */
function login(base, { headers = {}, localAddress } = {}) {
  return request(`${base}/api/auth/login`, {
    method: 'POST', headers, localAddress,
    body: { email: `nobody-${randomBytes(6).toString('hex')}@example.com`, password: 'wrong password' },
  });
}

/** Sends `n` requests one after another with `make(i)`; resolves their statuses. */
async function statuses(n, make) {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await make(i)).status);
  return out;
}

const AUTH_BURST = 6;  // ADMIT_RATE_LIMIT_AUTH=6 per minute: a burst of 6, then one every 10 s

describe('client address behind trusted proxies (ADMIT_TRUSTED_PROXIES=127.0.0.1/32, 10.0.0.0/8)', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      env: {
        ADMIT_TRUSTED_PROXIES: '127.0.0.1/32, 10.0.0.0/8',
        ADMIT_RATE_LIMIT_AUTH: String(AUTH_BURST),
        ADMIT_RATE_LIMIT: '3',  // burst 6
        ADMIT_ARGON2_MEMORY_KIB: '1024',
      },
    });
  });
  after(async () => { await srv?.stop(); });

  it('a forged first X-Forwarded-For line does not escape the login limit', async () => {
    // As HAProxy forwards it: the client's own line first, the proxy's line (the real peer) after.
    const got = await statuses(AUTH_BURST + 4, (i) => login(srv.baseUrl, {
      headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`, '203.0.113.7'] },
    }));
    assert.deepEqual(got.slice(0, AUTH_BURST), Array(AUTH_BURST).fill(401), `the burst is served: ${got}`);
    assert.deepEqual(got.slice(AUTH_BURST), [429, 429, 429, 429], `then the client is limited: ${got}`);
    // Another client behind the same proxy is not.
    const other = await login(srv.baseUrl, { headers: { 'X-Forwarded-For': ['203.0.113.7', '203.0.113.8'] } });
    assert.equal(other.status, 401, other.text);
  });

  it('a forged first X-Forwarded-For line does not escape the general limit', async () => {
    const got = await statuses(12, (i) => request(`${srv.baseUrl}/api/events?limit=1`, {
      headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`, '203.0.113.17'] },
    }));
    assert.ok(got.includes(429), `the client meets the limit: ${got}`);
    const r = await request(`${srv.baseUrl}/api/events?limit=1`, { headers: { 'X-Forwarded-For': '203.0.113.18' } });
    assert.equal(r.status, 200, 'another client is served');
  });

  it('trusted proxies may be CIDR ranges: hops inside 10.0.0.0/8 are passed over', async () => {
    const got = await statuses(AUTH_BURST + 2, (i) => login(srv.baseUrl, {
      headers: { 'X-Forwarded-For': `198.51.100.${i + 1}, 203.0.113.27, 10.1.2.3, 10.200.0.1` },
    }));
    assert.deepEqual(got.slice(AUTH_BURST), [429, 429], `203.0.113.27 is the client: ${got}`);
    const other = await login(srv.baseUrl, { headers: { 'X-Forwarded-For': '203.0.113.28, 10.1.2.3' } });
    assert.equal(other.status, 401, `203.0.113.28 is another client: ${other.text}`);
  });

  it('one host has one address: ::ffff:203.0.113.37 is 203.0.113.37', async () => {
    const got = await statuses(AUTH_BURST, () => login(srv.baseUrl, { headers: { 'X-Forwarded-For': '203.0.113.37' } }));
    assert.ok(got.every((s) => s === 401), `${got}`);
    const mapped = await login(srv.baseUrl, { headers: { 'X-Forwarded-For': '::ffff:203.0.113.37' } });
    assert.equal(mapped.status, 429, `the IPv4-mapped spelling shares the bucket: ${mapped.text}`);
    const bracketed = await login(srv.baseUrl, { headers: { 'X-Forwarded-For': '[2001:DB8::1]:4711' } });
    assert.equal(bracketed.status, 401, bracketed.text);
  });

  it('a Forwarded header is not believed', async () => {
    const got = await statuses(AUTH_BURST + 2, (i) => login(srv.baseUrl, {
      headers: { Forwarded: `for=198.51.100.${i + 1}`, 'X-Forwarded-For': '203.0.113.47' },
    }));
    assert.deepEqual(got.slice(AUTH_BURST), [429, 429], `${got}`);
  });

  it('a peer that is not a trusted proxy cannot name a client at all', async () => {
    const got = await statuses(AUTH_BURST + 2, (i) => login(srv.baseUrl, {
      localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
    }));
    assert.deepEqual(got.slice(AUTH_BURST), [429, 429], `${got}`);
  });
});

describe('startup refuses a trusted proxy that is neither an address nor a range', () => {
  it('exits 2 naming the entry', async () => {
    await assert.rejects(startServer({ env: { ADMIT_TRUSTED_PROXIES: '127.0.0.1, proxy.internal' } }),
      (e) => /proxy\.internal/.test(e.message) && /code 2/.test(e.message));
  });
});

/** The nginx binary Debian installs, or null. */
function findNginx() {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (existsSync(p)) return p;
  try { return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || null; } catch { return null; }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** nginx on a free 127.0.0.1 port proxying to `upstream` with its own prefix; stopped by PID. */
async function startNginx(bin, upstream) {
  const prefix = await mkdtemp(join(tmpdir(), 'admit-nginx-'));
  await chmod(prefix, 0o755);  // the workers may run as nobody
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, `
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
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`);
  const proc = spawn(bin, ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${stderr} ${await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '')}`);
    try {
      if ((await request(`${base}/healthz`, { timeoutMs: 1000 })).status === 200) break;
    } catch { /* not up yet */ }
    if (i > 100) throw new Error(`nginx did not answer within 10 s: ${stderr}`);
    await sleep(100);
  }
  return {
    base,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGQUIT');
        if (!await waitExit(proc, 5000)) { proc.kill('SIGKILL'); await waitExit(proc, 5000); }
      }
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

describe('through nginx (proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for)', () => {
  const nginxBin = findNginx();
  let srv;
  let nginx;
  before(async () => {
    if (!nginxBin) return;
    srv = await startServer({
      env: {
        ADMIT_TRUSTED_PROXIES: '127.0.0.1',
        ADMIT_RATE_LIMIT_AUTH: String(AUTH_BURST),
        ADMIT_RATE_LIMIT: '3',
        ADMIT_ARGON2_MEMORY_KIB: '1024',
      },
    });
    nginx = await startNginx(nginxBin, srv.baseUrl);
  });
  after(async () => {
    await nginx?.stop();
    await srv?.stop();
  });

  it('a client forging X-Forwarded-For lines meets the login limit; another client does not', { skip: !nginxBin && 'nginx is not installed (bash scripts/install-deps.sh)' }, async () => {
    const got = await statuses(AUTH_BURST + 3, (i) => login(nginx.base, {
      localAddress: '127.0.0.2',
      headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`, `192.0.2.${i + 1}`] },
    }));
    assert.deepEqual(got.slice(0, AUTH_BURST), Array(AUTH_BURST).fill(401), `${got}`);
    assert.deepEqual(got.slice(AUTH_BURST), [429, 429, 429], `${got}`);
    const other = await login(nginx.base, { localAddress: '127.0.0.3', headers: { 'X-Forwarded-For': '198.51.100.1' } });
    assert.equal(other.status, 401, `127.0.0.3 is another client: ${other.text}`);
  });

  it('a client forging X-Forwarded-For lines meets the general limit; another client does not', { skip: !nginxBin && 'nginx is not installed' }, async () => {
    const got = await statuses(12, (i) => request(`${nginx.base}/api/events?limit=1`, {
      localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`] },
    }));
    assert.ok(got.includes(429), `${got}`);
    const other = await request(`${nginx.base}/api/events?limit=1`, { localAddress: '127.0.0.5' });
    assert.equal(other.status, 200);
  });
});

describe('connection limits (ADMIT_MAX_CONNECTIONS_PER_CLIENT=20, ADMIT_HEADER_TIMEOUT_SECONDS=2, 256 descriptors)', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      env: {
        ADMIT_MAX_CONNECTIONS_PER_CLIENT: '20',
        ADMIT_HEADER_TIMEOUT_SECONDS: '2',
        ADMIT_TRUSTED_PROXIES: '127.0.0.9',
      },
      // Few descriptors, as a small container has: an attacker could otherwise take them all.
      prefix: ['bash', '-c', 'ulimit -n 256 && exec "$@"', 'bash'],
    });
  });
  after(async () => { await srv?.stop(); });

  it('an attacker holding idle sockets from 127.0.0.2 does not lock out 127.0.0.1; its slow sockets close after the header timeout', async () => {
    const opened = Date.now();
    const sockets = await openIdle(srv.port, 300, '127.0.0.2');
    try {
      const health = await request(`${srv.baseUrl}/healthz`, { timeoutMs: 3000 });
      assert.equal(health.status, 200, 'another client is served while the attacker holds its sockets');
      await sleep(500);
      const refused = sockets.filter((s) => s.closedAt !== undefined);
      assert.ok(refused.length >= 280, `all but 20 of 300 closed at once, got ${refused.length}`);
      const answered = refused.filter((s) => s.received.startsWith('HTTP/1.1 503'));
      assert.ok(answered.length > 0, 'refused connections are told 503');
      const r = parseResponse(answered[0].received);
      assert.equal(r.headers['retry-after'], '1');
      assert.equal(r.json?.type, 'urn:admit:problem:too-many-connections');
      // The 20 admitted ones never send a header: closed after 2 s, not after the 75 s idle timeout.
      await sleep(3500);
      const lingering = sockets.filter((s) => s.closedAt === undefined);
      assert.equal(lingering.length, 0, `every idle socket closed within 4 s (${lingering.length} still open)`);
      const admittedClosedAfter = sockets.filter((s) => s.closedAt - opened > 1500).length;
      assert.ok(admittedClosedAfter >= 20, `20 admitted sockets closed at the header timeout, got ${admittedClosedAfter}`);
    } finally {
      for (const s of sockets) s.destroy();
    }
    const metrics = `${srv.baseUrl}/metrics`;
    assert.ok(await metricValue(metrics, 'admit_http_connections_refused_total{reason="per_client"}') >= 280);
    assert.ok(await metricValue(metrics, 'admit_http_header_timeouts_total') >= 20);
    assert.equal(await metricValue(metrics, 'admit_http_max_connections_per_client'), 20);
  });

  it('a header sent slowly is cut off at the header timeout too', async () => {
    const r = await raw(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 6000 });
    assert.ok(r.closed, 'closed by the server');
    assert.ok(r.ms >= 1500 && r.ms < 5000, `after about 2 s, took ${r.ms} ms`);
  });

  it('a kept-alive connection may rest between requests longer than the header timeout', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: srv.port });
    let data = '';
    let closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { data += d; });
    socket.on('close', () => { closed = true; });
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(3500);
    assert.ok(!closed, 'still open after 3.5 s idle');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(300);
    assert.equal(data.split('HTTP/1.1 200').length - 1, 2, data);
    socket.destroy();
  });

  it('a trusted proxy is exempt from the per-client limit', async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, () =>
      request(`${srv.baseUrl}/healthz`, { localAddress: '127.0.0.9' }).catch((e) => ({ status: e.message }))));
    // Keep 40 connections open at once from the proxy's address.
    const sockets = await openIdle(srv.port, 40, '127.0.0.9');
    try {
      await sleep(300);
      assert.equal(sockets.filter((s) => s.closedAt !== undefined).length, 0, 'none of 40 refused');
    } finally {
      for (const s of sockets) s.destroy();
    }
    assert.ok(rs.every((r) => r.status === 200), JSON.stringify(rs.map((r) => r.status)));
  });
});

describe('the total connection limit', () => {
  it('ADMIT_MAX_CONNECTIONS=30: the 31st connection gets 503 and Retry-After; a freed place is taken again', async () => {
    const srv = await startServer({ env: { ADMIT_MAX_CONNECTIONS: '30', ADMIT_MAX_CONNECTIONS_PER_CLIENT: '8' } });
    const sockets = [];
    try {
      // 4 clients × 8 connections: each client is within its own limit, together they fill the server.
      for (let i = 0; i < 4; i++) sockets.push(...await openIdle(srv.port, 8, `127.0.1.${i + 1}`));
      await sleep(300);
      const closed = sockets.filter((s) => s.closedAt !== undefined);
      assert.equal(closed.length, 2, `30 of 32 admitted, got ${32 - closed.length}`);
      const r = await raw(srv.port, '', { localAddress: '127.0.1.9', timeoutMs: 2000 });
      assert.ok(r.closed, 'closed at once');
      const answer = assertRawProblem(r.data, 503, 'over the total limit');
      assert.equal(answer.headers['retry-after'], '1');
      assert.equal(answer.json.type, 'urn:admit:problem:unavailable');
      for (const s of sockets) s.destroy();
      await sleep(300);
      const health = await request(`${srv.baseUrl}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(await metricValue(`${srv.baseUrl}/metrics`, 'admit_http_connections_refused_total{reason="total"}') >= 3);
      assert.equal(await metricValue(`${srv.baseUrl}/metrics`, 'admit_http_max_connections'), 30);
    } finally {
      for (const s of sockets) s.destroy();
      await srv.stop();
    }
  });

  it('the server raises its descriptor limit to the hard limit and keeps the connection limit below it', async () => {
    const srv = await startServer({ prefix: ['bash', '-c', 'ulimit -Sn 300 && ulimit -Hn 2000 && exec "$@"', 'bash'] });
    try {
      const metrics = `${srv.baseUrl}/metrics`;
      assert.equal(await metricValue(metrics, 'process_max_fds'), 2000, 'soft limit raised to the hard one');
      const cap = await metricValue(metrics, 'admit_http_max_connections');
      assert.ok(cap > 1000 && cap < 2000, `a total limit below 2000 descriptors with room to spare: ${cap}`);
      assert.equal(await metricValue(metrics, 'admit_http_max_connections_per_client'), 512, 'the default');
    } finally {
      await srv.stop();
    }
  });
});

describe('HTTP/1.1 framing (RFC 9112)', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it('an HTTP/1.1 request without Host is 400; HTTP/1.0 may omit it', async () => {
    const r = await raw(srv.port, 'GET /healthz HTTP/1.1\r\n\r\n');
    assertRawProblem(r.data, 400, 'HTTP/1.1 without Host');
    assert.ok(r.closed, 'and the connection is closed');
    const old = await raw(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(parseResponse(old.data).status, 200, old.data);
  });

  it('two Host headers are 400', async () => {
    const r = await raw(srv.port, 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    assertRawProblem(r.data, 400, 'two Host headers');
  });

  it('an unknown Transfer-Encoding is 501', async () => {
    for (const te of ['gzip', 'foo', 'gzip, chunked']) {
      const r = await raw(srv.port, `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n`);
      const answer = assertRawProblem(r.data, 501, `Transfer-Encoding: ${te}`);
      assert.equal(answer.json.type, 'urn:admit:problem:not-implemented');
      assert.ok(r.closed, 'the body cannot be found: the connection is closed');
    }
  });

  it('a malformed chunk size is 400 before the connection closes', async () => {
    const r = await raw(srv.port,
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
    assertRawProblem(r.data, 400, 'chunk size zz');
    assert.ok(r.closed);
  });

  it('a well-formed chunked request is served', async () => {
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' });
    const r = await raw(srv.port,
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.equal(parseResponse(r.data).status, 401, r.data);
  });
});

describe('/metrics on its own listen address', () => {
  it('ADMIT_METRICS_LISTEN serves /metrics there only; the public port answers 404', async () => {
    const srv = await startServer({ env: { ADMIT_METRICS_LISTEN: '127.0.0.1:0' } });
    try {
      const m = /"metricsUrl":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(srv.stdout());
      assert.ok(m, `the ready line names the metrics URL: ${srv.stdout()}`);
      const metrics = await request(m[1]);
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /^# TYPE admit_http_requests_total counter$/m);
      assert.match(metrics.text, /^admit_http_open_connections 1$/m);
      assertProblem(await api(srv.baseUrl, 'GET', '/metrics'), 404, 'not on the public port');
      assert.equal((await api(srv.baseUrl, 'GET', '/healthz')).status, 200, 'the public port serves the rest');
      const other = await request(m[1].replace('/metrics', '/healthz'));
      assert.equal(other.status, 404, 'the metrics port serves nothing else');
    } finally {
      await srv.stop();
    }
  });

  it('--metrics-listen does the same', async () => {
    const srv = await startServer({ args: ['--metrics-listen', '127.0.0.1:0'] });
    try {
      const m = /"metricsUrl":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(srv.stdout());
      assert.ok(m, srv.stdout());
      assert.equal((await request(m[1])).status, 200);
      assert.equal((await api(srv.baseUrl, 'GET', '/metrics')).status, 404);
    } finally {
      await srv.stop();
    }
  });

  it('without it /metrics stays on the public port', async () => {
    const srv = await startServer();
    try {
      assert.equal((await api(srv.baseUrl, 'GET', '/metrics')).status, 200);
    } finally {
      await srv.stop();
    }
  });
});
