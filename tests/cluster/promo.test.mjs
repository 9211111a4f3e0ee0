// A promo code's uses on two nodes sharing one PostgreSQL database: a code with maxUses N
// hammered through both nodes at once by more buyers than N never gets more than N uses, and
// its `uses` equals the orders that hold it; expiring holds on both nodes' sweepers give each
// use back once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, api, signup, createEvent, mapPool, sleep } from './cluster.mjs';
import { psql } from '../api/harness.mjs';

let c;

before(async () => {
  c = await startCluster({ nodes: 2, env: { ADMIT_PROMO_ATTEMPTS_PER_HOUR: '0' } });
});

after(async () => {
  if (c) await c.stop();
});

const holding = async (codeId) => Number((await psql(c.database,
  `SELECT COUNT(*) FROM registrations WHERE promo_code_id = '${codeId}' AND status IN ('pending_payment', 'confirmed');`))
  .trim());
const usesOf = async (codeId) =>
  Number((await psql(c.database, `SELECT uses FROM promo_codes WHERE id = '${codeId}';`)).trim());

describe('a promo code on two nodes', () => {
  it('uses never exceed maxUses and equal the orders holding the code, placed and expired', async () => {
    const [n1, n2] = c.nodeUrls;
    const org = await signup(n1, 'organizer');
    const e = await createEvent(n1, org.accessToken, { price: 30, capacity: 1000, maxPerAttendee: 5 });
    const maxUses = 12;
    const made = await api(n1, 'POST', `/api/events/${e.eventId}/promo-codes`,
      { token: org.accessToken, body: { code: 'TWONODES', discountPercent: 10, maxUses } });
    assert.equal(made.status, 201, made.text);
    const codeId = made.json.promoCodeId;
    const buyers = await mapPool(Array.from({ length: 60 }, (_, i) => i), 10,
      async (i) => ({ token: (await signup(i % 2 ? n2 : n1, 'attendee')).accessToken, node: i % 2 ? n2 : n1 }));
    const results = await mapPool(buyers, 60, ({ token, node }) => api(node, 'POST', '/api/registrations',
      { token, body: { eventId: e.eventId, quantity: 1, promoCode: 'twonodes' } }));
    const placed = results.filter((r) => r.status === 201);
    for (const r of results) {
      assert.ok(r.status === 201 || (r.status === 409 && /promo-code-used-up$/.test(r.json?.type)),
        `${r.status} ${r.text}`);
    }
    assert.equal(placed.length, maxUses, 'exactly maxUses orders got the code');
    assert.equal(await usesOf(codeId), maxUses);
    assert.equal(await holding(codeId), maxUses);
    // Every hold runs out at once; both nodes' sweepers race to expire them.
    await psql(c.database, `UPDATE registrations SET hold_expires_at = 1000 WHERE promo_code_id = '${codeId}';`);
    const end = Date.now() + 20_000;
    while (await holding(codeId) > 0 && Date.now() < end) await sleep(200);
    assert.equal(await holding(codeId), 0);
    assert.equal(await usesOf(codeId), 0, 'each expired hold gave its use back once');
  });
});
