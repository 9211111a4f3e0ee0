// Withdrawing an account's rights reaches every node: `admit user revoke` and `admit user disable`
// run once against the shared PostgreSQL database, and within 5 s each node refuses the access
// tokens issued before, although each node had just admitted them (and kept them in its caches).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startCluster, api, signup, createEvent, futureDate, problemMismatch, sleep, PASSWORD } from './cluster.mjs';

const NODES = 2;
let c;

before(async () => {
  c = await startCluster({ nodes: NODES });
});

after(async () => {
  if (c) await c.stop();
});

function admitCli(args) {
  return new Promise((resolve) => {
    execFile(process.env.ADMIT_BIN, args,
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ADMIT_DATABASE_URL: c.database, ADMIT_DATA_DIR: c.dir } },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

const eventBody = () => ({
  name: 'After the revoke', description: 'x', date: futureDate(30), timezone: 'Europe/Berlin',
  location: 'Arena', capacity: 10, price: 0, currency: 'EUR',
});

/** Polls every node with `probe(nodeUrl)` until none answers `from`; returns the seconds it took per node. */
async function untilRefusedEverywhere(probe, from, limitMs = 8000) {
  const start = Date.now();
  const took = new Array(NODES).fill(null);
  const last = new Array(NODES).fill(null);
  while (took.includes(null) && Date.now() - start < limitMs) {
    await Promise.all(c.nodeUrls.map(async (url, i) => {
      if (took[i] !== null) return;
      const r = await probe(url);
      last[i] = r;
      if (r.status !== from) took[i] = (Date.now() - start) / 1000;
    }));
    await sleep(100);
  }
  return { took, last };
}

function assertInvalidToken(r, msg) {
  assert.equal(problemMismatch(r, 401), '', `${msg}: ${r.status} ${r.text}`);
  assert.match(r.headers.get('www-authenticate') || '', /error="invalid_token"/, msg);
}

describe('revoking and disabling on many nodes', () => {
  it('a revoked organizer\'s old token cannot create events on any node within 5 s', async (t) => {
    const org = await signup(c.balancer, 'organizer');
    // Every node admits the token first, so each holds it (and the account) in its caches.
    for (const url of c.nodeUrls) await createEvent(url, org.accessToken);

    const cli = await admitCli(['user', 'revoke', org.email, 'organizer']);
    assert.equal(cli.code, 0, cli.stderr);
    for (const url of c.nodeUrls) {
      const r = await api(url, 'POST', '/api/auth/refresh', { body: { refreshToken: org.refreshToken } });
      assert.equal(problemMismatch(r, 401), '', `refresh on ${url} right after the revoke: ${r.status} ${r.text}`);
    }
    const { took, last } = await untilRefusedEverywhere(
      (url) => api(url, 'POST', '/api/events', { token: org.accessToken, body: eventBody() }), 201);
    t.diagnostic(`refused after ${took.join(' s, ')} s on the ${NODES} nodes`);
    last.forEach((r, i) => assertInvalidToken(r, `node ${i + 1}`));
    for (const s of took) assert.ok(s !== null && s <= 5, `every node refuses within 5 s: ${took}`);
  });

  it('a disabled account is refused on every node within 5 s, and signs in again on each once enabled', async (t) => {
    const who = await signup(c.balancer, 'attendee');
    for (const url of c.nodeUrls) {
      assert.equal((await api(url, 'GET', '/api/registrations', { token: who.accessToken })).status, 200);
    }
    const cli = await admitCli(['user', 'disable', who.email]);
    assert.equal(cli.code, 0, cli.stderr);
    for (const url of c.nodeUrls) {
      const r = await api(url, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
      assert.equal(problemMismatch(r, 401, 'urn:admit:problem:account-disabled'), '', `login on ${url}`);
    }
    const { took, last } = await untilRefusedEverywhere(
      (url) => api(url, 'GET', '/api/registrations', { token: who.accessToken }), 200);
    t.diagnostic(`refused after ${took.join(' s, ')} s on the ${NODES} nodes`);
    last.forEach((r, i) => assertInvalidToken(r, `node ${i + 1}`));
    for (const s of took) assert.ok(s !== null && s <= 5, `every node refuses within 5 s: ${took}`);

    assert.equal((await admitCli(['user', 'enable', who.email])).code, 0);
    for (const url of c.nodeUrls) {
      const r = await api(url, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
      assert.equal(r.status, 200, `login on ${url} after enable: ${r.text}`);
      // The fresh token works on every node at once, even where the disabled state is cached.
      for (const other of c.nodeUrls) {
        const me = await api(other, 'GET', '/api/registrations', { token: r.json.accessToken });
        assert.equal(me.status, 200, `a token from ${url} on ${other}: ${me.text}`);
      }
    }
  });
});
