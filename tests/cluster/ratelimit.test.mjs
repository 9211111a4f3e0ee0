// Rate limits are per node (README, "Many nodes on PostgreSQL"): each node counts a client's
// requests in its own memory, so through a balancer that spreads them over N nodes a client
// gets about N times one node's allowance. The client is named by X-Forwarded-For, which the
// nodes believe from HAProxy (ADMIT_TRUSTED_PROXIES=127.0.0.1); HAProxy adds its own line
// naming its peer after whatever lines the client sent, and only that line is believed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startCluster, api, problemMismatch, sleep } from './cluster.mjs';

const NODES = 2;
const AUTH_BURST = 6;  // ADMIT_RATE_LIMIT_AUTH=6 per minute on each node
const PER_CLIENT = 8;  // ADMIT_MAX_CONNECTIONS_PER_CLIENT on each node
let c;

before(async () => {
  c = await startCluster({
    nodes: NODES,
    env: { ADMIT_RATE_LIMIT: '5', ADMIT_RATE_LIMIT_AUTH: String(AUTH_BURST), ADMIT_MAX_CONNECTIONS_PER_CLIENT: String(PER_CLIENT) },
  });
});

/** One request over its own connection from `localAddress`; header values may be arrays (one line each). */
function request(url, { method = 'GET', headers = {}, body, localAddress = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) };
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress, agent: false, timeout: 20_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

after(async () => {
  if (c) await c.stop();
});

/** Fires `n` requests at once as client `ip`; returns how many were allowed (200). */
async function burst(base, ip, n) {
  const rs = await Promise.all(Array.from({ length: n }, () =>
    api(base, 'GET', '/api/events?limit=1', { headers: { 'X-Forwarded-For': ip } })));
  for (const r of rs.filter((x) => x.status !== 200)) {
    assert.equal(problemMismatch(r, 429), '', `refused requests are 429 problem documents: ${r.status} ${r.text}`);
  }
  return rs.filter((r) => r.status === 200).length;
}

describe('rate limits across nodes', () => {
  it('one node allows a client its burst; two nodes behind the balancer allow about twice that', async (t) => {
    const one = await burst(c.nodeUrls[0], '10.9.0.1', 80);
    const all = await burst(c.balancer, '10.9.0.2', 80);
    t.diagnostic(`ADMIT_RATE_LIMIT=5: one node allowed ${one} of 80 at once, ${NODES} nodes through the balancer ${all}`);
    assert.ok(one > 0 && one < 80, `one node limits the client: ${one} of 80 allowed`);
    assert.ok(all >= 1.5 * one && all <= NODES * one + 10,
      `through ${NODES} nodes about ${NODES} × ${one} allowed, got ${all}`);
    // Another client is not affected by the first one's use.
    assert.ok(await burst(c.balancer, '10.9.0.3', 4) === 4, 'a fresh client is served');
  });
});

describe('a client cannot choose its address behind HAProxy', () => {
  it('forged X-Forwarded-For lines from 127.0.0.2 do not escape the login limit', async (t) => {
    const got = [];
    for (let i = 0; i < NODES * AUTH_BURST + 8; i++) {
      const r = await request(`${c.balancer}/api/auth/login`, {
        method: 'POST',
        localAddress: '127.0.0.2',
        headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`, `192.0.2.${i + 1}`] },
        body: { email: `nobody-${randomBytes(6).toString('hex')}@example.com`, password: 'wrong password' },
      });
      got.push(r.status);
    }
    const allowed = got.filter((s) => s === 401).length;
    t.diagnostic(`login through the balancer with forged lines: ${allowed} of ${got.length} answered, the rest ${[...new Set(got.filter((s) => s !== 401))]}`);
    assert.ok(allowed <= NODES * AUTH_BURST + 1, `at most ${NODES} × ${AUTH_BURST} logins allowed, got ${allowed}: ${got}`);
    assert.ok(got.slice(-4).every((s) => s === 429), `the last ones are refused: ${got}`);
  });

  it('forged X-Forwarded-For lines from 127.0.0.3 do not escape the general limit', async () => {
    const rs = await Promise.all(Array.from({ length: 80 }, (_, i) => request(`${c.balancer}/api/events?limit=1`, {
      localAddress: '127.0.0.3', headers: { 'X-Forwarded-For': [`198.51.100.${i + 1}`] },
    })));
    const allowed = rs.filter((r) => r.status === 200).length;
    assert.ok(allowed < 60, `the client is limited as one: ${allowed} of 80 allowed`);
    assert.ok(rs.every((r) => r.status === 200 || r.status === 429), JSON.stringify(rs.map((r) => r.status)));
  });
});

describe('connection limits behind HAProxy (ADMIT_MAX_CONNECTIONS_PER_CLIENT=8)', () => {
  /** Opens `n` idle sockets to `url`'s port from `localAddress`; resolves how many the node closed at once. */
  async function idleRefused(url, n, localAddress) {
    const { hostname, port } = new URL(url);
    const sockets = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
      const s = net.connect({ host: hostname, port: Number(port), localAddress });
      s.on('error', () => {});
      s.resume();  // read, so that the node's close is seen
      s.on('close', () => { s.closedEarly = true; });
      s.on('connect', () => resolve(s));
    })));
    await sleep(500);
    const refused = sockets.filter((s) => s.closedEarly).length;
    for (const s of sockets) s.destroy();
    return refused;
  }

  it('a node refuses a ninth idle socket from one address but not from the proxy\'s', async () => {
    assert.equal(await idleRefused(c.nodeUrls[0], 20, '127.0.0.4'), 20 - PER_CLIENT);
    assert.equal(await idleRefused(c.nodeUrls[0], 20, '127.0.0.1'), 0, 'HAProxy\'s address is a trusted proxy: exempt');
  });

  it('many clients through the balancer at once are all served', async () => {
    const rs = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      request(`${c.balancer}/healthz`, { localAddress: `127.0.2.${(i % 30) + 1}` })));
    assert.ok(rs.every((r) => r.status === 200), JSON.stringify(rs.map((r) => r.status)));
  });
});
