// Rate limits are per node (README, "Many nodes on PostgreSQL"): each node counts a client's
// requests in its own memory, so through a balancer that spreads them over N nodes a client
// gets about N times one node's allowance. The client is named by X-Forwarded-For, which the
// nodes believe from HAProxy (ADMIT_TRUSTED_PROXIES=127.0.0.1); HAProxy appends its own peer.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, api, problemMismatch } from './cluster.mjs';

const NODES = 2;
let c;

before(async () => {
  c = await startCluster({ nodes: NODES, env: { ADMIT_RATE_LIMIT: '5' } });
});

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
