// The figures the alert rules (deploy/prometheus/admit-rules.yml) are written against: the
// database probe, webhook deliveries refused for their signature, and the hold sweeper's last
// good pass. (Disk faults are checked in disk_fault.test.mjs, where a disk refuses writes.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, api, signup, createEvent, registerFor } from './harness.mjs';

const SECRET = 'whsec_monitoring_test_secret';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of an unlabelled sample in Prometheus text, or undefined when absent. */
function sample(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function metrics(base) {
  const r = await api(base, 'GET', '/metrics');
  assert.equal(r.status, 200);
  return r.text;
}

/** A Stripe-Signature header as Stripe computes it: t=…,v1=HMAC-SHA256(secret, "t.payload"). */
function stripeSignature(payload, secret, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}

describe('metrics behind the alert rules', () => {
  let s;
  before(async () => {
    s = await startServer({ env: { ADMIT_STRIPE_WEBHOOK_SECRET: SECRET, ADMIT_HOLD_SECONDS: '1', ADMIT_ARGON2_MEMORY_KIB: '1024' } });
  });
  after(async () => { await s?.stop(); });

  it('admit_db_up is 1 and admit_db_ping_seconds a small duration while the database answers', async () => {
    const text = await metrics(s.baseUrl);
    assert.match(text, /^# TYPE admit_db_up gauge$/m);
    assert.equal(sample(text, 'admit_db_up'), 1);
    const ping = sample(text, 'admit_db_ping_seconds');
    assert.ok(ping > 0 && ping < 1, `ping ${ping}`);
  });

  it('admit_payment_webhook_signature_failures_total counts forged deliveries, not signed ones', async () => {
    const before = sample(await metrics(s.baseUrl), 'admit_payment_webhook_signature_failures_total');
    assert.equal(before, 0);
    const payload = JSON.stringify({
      id: 'evt_monitoring_1', object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_monitoring_unknown', object: 'payment_intent', status: 'succeeded', amount: 100, currency: 'eur' } },
    });
    const post = (signature) => api(s.baseUrl, 'POST', '/api/payments/webhook', {
      rawBody: payload, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    });
    const signed = await post(stripeSignature(payload, SECRET));
    assert.ok(signed.status < 300, `a signed delivery is accepted: ${signed.status} ${signed.text}`);
    for (const forged of [stripeSignature(payload, 'whsec_wrong'), 't=1,v1=00', '']) {
      const r = await post(forged);
      assert.equal(r.status, 400, r.text);
    }
    assert.equal(sample(await metrics(s.baseUrl), 'admit_payment_webhook_signature_failures_total'), 3);
  });

  it('admit_hold_sweep_last_success_seconds follows the sweeper, once a second, in Unix time', async () => {
    const first = sample(await metrics(s.baseUrl), 'admit_hold_sweep_last_success_seconds');
    const now = Date.now() / 1000;
    assert.ok(Math.abs(now - first) < 3, `${first} is near now (${now})`);
    await sleep(2200);
    const later = sample(await metrics(s.baseUrl), 'admit_hold_sweep_last_success_seconds');
    assert.ok(later - first >= 1, `the timestamp moved on: ${first} → ${later}`);
    assert.equal(sample(await metrics(s.baseUrl), 'admit_hold_sweep_failures_total'), 0);
  });

  it('admit_holds_expired_total counts the unpaid holds the sweeper ended (ADMIT_HOLD_SECONDS=1)', async () => {
    assert.equal(sample(await metrics(s.baseUrl), 'admit_holds_expired_total'), 0);
    const org = await signup(s.baseUrl, 'organizer');
    const e = await createEvent(s.baseUrl, org.accessToken, { capacity: 10, price: 20 });
    for (let i = 0; i < 2; i++) {
      const att = await signup(s.baseUrl, 'attendee');
      const r = await registerFor(s.baseUrl, att.accessToken, e.eventId, 1);
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.status, 'pending_payment', r.text);
    }
    const deadline = Date.now() + 5000;
    while (sample(await metrics(s.baseUrl), 'admit_holds_expired_total') < 2 && Date.now() < deadline) await sleep(200);
    assert.equal(sample(await metrics(s.baseUrl), 'admit_holds_expired_total'), 2);
  });
});
