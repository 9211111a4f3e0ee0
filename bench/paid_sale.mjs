// Paid flash sale, end to end over HTTP: each buyer registers, creates a payment intent and
// pays in the sandbox with 4242… (which Admit turns into a signed webhook and confirms).
// Usage: node bench/paid_sale.mjs BASE_URL EVENT_ID TOKENS_FILE SECONDS CONCURRENCY
import { readFileSync } from 'node:fs';

const [base, eventId, tokensFile, seconds = '10', concurrency = '64'] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').trim().split('\n');
const deadline = performance.now() + Number(seconds) * 1000;
const latencies = [];
const counts = { purchased: 0, soldOut: 0, other: 0 };
let next = 0;

async function post(path, token, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function buyer() {
  while (performance.now() < deadline) {
    const token = tokens[next++ % tokens.length];
    const started = performance.now();
    const reg = await post('/api/registrations', token, { eventId });
    if (reg.status === 409) { counts.soldOut++; continue; }
    if (reg.status !== 201) { counts.other++; continue; }
    const intent = await post('/api/payments/create-intent', token, { registrationId: reg.json.registrationId });
    if (intent.status !== 201) { counts.other++; continue; }
    const paid = await post('/api/payments/sandbox/confirm', token,
      { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' });
    if (paid.status === 200 && paid.json.status === 'confirmed') {
      counts.purchased++;
      latencies.push(performance.now() - started);
    } else {
      counts.other++;
    }
  }
}

const began = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, buyer));
const elapsed = (performance.now() - began) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
console.log(JSON.stringify({
  purchasesPerSecond: Math.round(counts.purchased / elapsed),
  p50ms: Number(pct(0.5).toFixed(2)),
  p99ms: Number(pct(0.99).toFixed(2)),
  ...counts,
  seconds: Number(elapsed.toFixed(2)),
}));
