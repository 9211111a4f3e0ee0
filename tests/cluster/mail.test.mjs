// Two `admit serve` nodes on one PostgreSQL database share one outbox (scripts/cluster.sh), and
// send through one real SMTP server (npm smtp-server with STARTTLS + AUTH PLAIN; every message
// read back by mailparser, tests/api/support/smtp_peer.mjs): registrations spread over both
// nodes are each confirmed exactly once, both nodes sending; a node killed with SIGKILL while
// the SMTP server is down leaves its messages to the other; and a node killed in the middle of
// a delivery (its claim held, the SMTP server never answering) has its messages delivered by
// the other node once the claim's lease (ADMIT_MAIL_LEASE_SECONDS) runs out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startCluster, api, signup, createEvent, mapPool, sleep } from './cluster.mjs';
import { startSmtpPeer } from '../api/support/smtp_peer.mjs';
import { psql } from '../api/harness.mjs';

const NODES = 2;
const LEASE_SECONDS = 3;
let c;       // the cluster
let peer;    // the SMTP server both nodes send through
let org;
let crowd;   // attendees

before(async () => {
  peer = await startSmtpPeer();
  c = await startCluster({
    nodes: NODES,
    env: {
      ADMIT_SMTP_URL: peer.url(),
      ADMIT_SMTP_CA_FILE: peer.caFile,
      ADMIT_MAIL_FROM: 'Admit Tickets <tickets@admit.test>',
      ADMIT_MAIL_RETRY_BASE_MS: '200',
      ADMIT_MAIL_LEASE_SECONDS: String(LEASE_SECONDS),
      // One sender thread per node: a node claims 8 messages at a time and takes a while to send
      // them, so the other node's claims overlap with its own.
      ADMIT_MAIL_CONCURRENCY: '1',
    },
  });
  org = await signup(c.balancer, 'organizer');
  crowd = await mapPool(Array.from({ length: 40 }), 10, () => signup(c.balancer, 'attendee'));
});

after(async () => {
  if (c) await c.stop();
  if (peer) await peer.close();
});

const messageIdOf = (outboxId) => `<${outboxId}@admit.test>`;
const confirmationsOf = (reg) => peer.messages.filter((m) => m.parsed.messageId === messageIdOf(`registration_confirmed.${reg.registrationId}`));

/** Polls `fn` every `interval` ms until it returns something truthy; throws after `ms`. */
async function waitFor(what, fn, ms = 30_000, interval = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await sleep(interval);
  }
}

/** `/metrics` of one node: the value of the line `name{labels}`. */
async function metric(base, name) {
  const r = await api(base, 'GET', '/metrics');
  assert.equal(r.status, 200, r.text);
  const line = r.text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Nothing queued or retrying in the shared outbox (asked of `base`), and the SMTP server idle for a second. */
async function settled(base, ms = 60_000) {
  await waitFor('an empty outbox', async () =>
    await metric(base, 'admit_mail_outbox_backlog{state="queued"}') === 0 &&
    await metric(base, 'admit_mail_outbox_backlog{state="retrying"}') === 0, ms);
  // A second copy, if a node had sent one, would still be on its way: the peer stays quiet a while.
  let count = peer.transactions.length;
  let quietSince = Date.now();
  await waitFor('a quiet SMTP server', () => {
    if (peer.transactions.length !== count) {
      count = peer.transactions.length;
      quietSince = Date.now();
    }
    return Date.now() - quietSince >= 1000;
  }, ms);
}

/** Registers `people[i]` on node (i mod nodes.length) for a free event; returns the registrations. */
async function registerSpread(people, eventId, nodes) {
  return mapPool(people, 10, async (who, i) => {
    const r = await api(nodes[i % nodes.length], 'POST', '/api/registrations',
      { token: who.accessToken, body: { eventId, quantity: 1 } });
    assert.equal(r.status, 201, `registration ${i}: ${r.status} ${r.text}`);
    return r.json;
  });
}

/** Every registration confirmed exactly once, to its holder. */
function assertEachOnce(regs, people) {
  const counts = regs.map((reg) => confirmationsOf(reg).length);
  assert.deepEqual(counts.filter((n) => n !== 1), [], `each confirmation once; counts ${JSON.stringify(counts)}`);
  for (const [i, reg] of regs.entries()) assert.deepEqual(confirmationsOf(reg)[0].envelope.rcptTo, [people[i].email]);
}

async function emailOf(base, reg, who) {
  const r = await api(base, 'GET', `/api/registrations/${reg.registrationId}`, { token: who.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json.email;
}

describe('two nodes, one outbox', () => {
  it('40 free registrations spread over both nodes → every confirmation delivered exactly once', async () => {
    const e = await createEvent(c.balancer, org.accessToken, { capacity: 100 });
    await settled(c.nodeUrls[0]);  // whatever sign-up sent is out of the count below
    const sentBefore = await Promise.all(c.nodeUrls.map((u) => metric(u, 'admit_mail_messages_total{outcome="sent"}')));
    const regs = await registerSpread(crowd, e.eventId, c.nodeUrls);
    await waitFor('40 confirmations', () => regs.every((reg) => confirmationsOf(reg).length >= 1), 60_000);
    await settled(c.nodeUrls[0]);
    assertEachOnce(regs, crowd);
    const sentAfter = await Promise.all(c.nodeUrls.map((u) => metric(u, 'admit_mail_messages_total{outcome="sent"}')));
    const sentBy = sentAfter.map((n, i) => n - sentBefore[i]);
    assert.equal(sentBy.reduce((a, b) => a + b, 0), regs.length, `the nodes together sent each once: ${sentBy}`);
    assert.ok(sentBy.every((n) => n > 0), `both nodes took part: ${sentBy}`);
    if (process.env.ADMIT_TEST_VERBOSE) console.log(`confirmations sent per node: ${sentBy.join(', ')}`);
    for (const [i, reg] of regs.entries()) {
      const email = await emailOf(c.nodeUrls[(i + 1) % NODES], reg, crowd[i]);
      assert.deepEqual([email.status, email.attempts], ['sent', 1], JSON.stringify(email));
    }
  });

  it('SIGKILL of a node while the SMTP server is down → the other node delivers every message once it is back', async () => {
    const e = await createEvent(c.balancer, org.accessToken, { capacity: 100 });
    const people = crowd.slice(0, 20);
    await peer.stop();
    let regs;
    let killed = false;
    try {
      regs = await registerSpread(people, e.eventId, c.nodeUrls);
      // Both nodes have tried and failed: the messages wait in the outbox for another attempt.
      await waitFor('messages retrying', async () =>
        await metric(c.nodeUrls[1], 'admit_mail_outbox_backlog{state="retrying"}') >= 2, 20_000);
      await c.killNode(1);
      killed = true;
    } finally {
      await peer.restart();
    }
    try {
      await waitFor('20 confirmations', () => regs.every((reg) => confirmationsOf(reg).length >= 1), 60_000);
      await settled(c.nodeUrls[1]);
      assertEachOnce(regs, people);
      for (const [i, reg] of regs.entries()) {
        assert.equal((await emailOf(c.nodeUrls[1], reg, people[i])).status, 'sent');
      }
    } finally {
      if (killed) await c.startNode(1);  // the next test needs both nodes
    }
  });

  it('SIGKILL of a node in the middle of its deliveries → the other node sends them once the lease runs out', async () => {
    await settled(c.nodeUrls[0]);
    const e = await createEvent(c.balancer, org.accessToken, { capacity: 100 });
    const people = crowd.slice(20, 36);
    // Only node 1 runs, and the SMTP server's port accepts connections and never answers, so its
    // sender is stuck in the middle of its claimed messages when it is killed.
    await c.killNode(2);
    await peer.stop();
    const stuck = new Set();
    const blackhole = createServer((socket) => { stuck.add(socket); socket.on('error', () => {}); });
    await new Promise((resolve, reject) => {
      blackhole.once('error', reject);
      blackhole.listen(peer.port, '127.0.0.1', resolve);
    });
    let regs;
    let killedAt;
    let leased;
    try {
      regs = await registerSpread(people, e.eventId, [c.nodeUrls[0]]);
      await waitFor('node 1 in the middle of a delivery', () => stuck.size >= 1, 20_000, 50);
      await c.killNode(1);
      killedAt = Date.now();
      // The dead node's claims are still held: nobody may send those messages before the lease ends.
      leased = Number((await psql(c.database, 'SELECT COUNT(*) FROM mail_outbox WHERE status IN (\'queued\', \'retrying\') ' +
        'AND lease_until_ms > (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint;')).trim());
    } finally {
      for (const s of stuck) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
      await peer.restart();
    }
    assert.ok(leased >= 1, `node 1 held claims when it died: ${leased}`);
    for (const [i, reg] of regs.entries()) assert.equal(confirmationsOf(reg).length, 0, `registration ${i} not sent yet`);
    await c.startNode(2);
    await waitFor('16 confirmations', () => regs.every((reg) => confirmationsOf(reg).length >= 1), 60_000);
    const tookMs = Date.now() - killedAt;
    await settled(c.nodeUrls[1]);
    assertEachOnce(regs, people);
    for (const [i, reg] of regs.entries()) {
      assert.equal((await emailOf(c.nodeUrls[1], reg, people[i])).status, 'sent');
    }
    if (process.env.ADMIT_TEST_VERBOSE) console.log(`${leased} claims orphaned; all delivered by node 2 ${tookMs} ms after node 1 was killed`);
  });
});
