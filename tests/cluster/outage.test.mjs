// PostgreSQL restarted in the middle of a flash sale on two nodes behind HAProxy: during the
// outage every failed request is a clear 503 problem document (from a node, or from HAProxy once
// it has taken the unready nodes out); afterwards the nodes recover by themselves, and nothing
// acknowledged is lost and nothing is oversold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startCluster, api, signup, createEvent, eventRegistrations, seatsByStatus, mapPool, statusSummary,
  problemMismatch, sleep,
} from './cluster.mjs';

const NODES = 2;
let c;
let lb;
let org;
let crowd;

before(async () => {
  c = await startCluster({ nodes: NODES });
  lb = c.balancer;
  org = await signup(lb, 'organizer');
  crowd = await mapPool(Array.from({ length: 30 }), 10, () => signup(lb, 'attendee'));
});

after(async () => {
  if (c) await c.stop();
});

describe('PostgreSQL restarted mid-sale', () => {
  it('503 problem documents during the outage, recovery after, nothing lost or oversold', async (t) => {
    const e = await createEvent(lb, org.accessToken, { capacity: 1_000_000, maxPerAttendee: 100_000 });
    const log = [];             // {at, status, type, node, problem, reg?}
    const acked = [];
    const strange = [];
    const t0 = Date.now();
    let stopAt = Infinity;
    let startedAt = Infinity;
    let done = false;
    let soldOutSeen = 0;

    const loops = crowd.map(async (u) => {
      while (!done) {
        let r;
        const at = Date.now() - t0;
        try {
          r = await api(lb, 'POST', '/api/registrations', { token: u.accessToken, body: { eventId: e.eventId, quantity: 1 } });
        } catch (err) {
          strange.push(`${at} ms: network error ${err.message}`);
          await sleep(50);
          continue;
        }
        const entry = { at, status: r.status, type: r.json?.type, node: r.node };
        log.push(entry);
        if (r.status === 201) {
          acked.push({ reg: r.json, user: u, at });
        } else if (r.status === 503) {
          const why = problemMismatch(r, 503, 'urn:admit:problem:unavailable');
          if (why) strange.push(`${at} ms: 503 that is not a problem document: ${why}`);
          await sleep(20);
        } else if (r.status === 409 && r.json?.type === 'urn:admit:problem:sold-out') {
          soldOutSeen++;
          await sleep(20);
        } else {
          strange.push(`${at} ms: ${r.status} from ${r.node}: ${r.text.slice(0, 300)}`);
          await sleep(20);
        }
      }
    });

    try {
      await sleep(1500);
      stopAt = Date.now() - t0;
      await c.stopDatabase();
      await sleep(3000);
      const down = await Promise.all(c.nodeUrls.map((base) => api(base, 'GET', '/readyz')));
      for (const r of down) assert.equal(problemMismatch(r, 503), '', `/readyz while the database is down: ${r.status} ${r.text}`);
      await c.startDatabase();
      startedAt = Date.now() - t0;

      // Recovery: registrations succeed again within 15 s, through the balancer, on every node.
      let recoveredAt = Infinity;
      for (let i = 0; i < 150 && recoveredAt === Infinity; i++) {
        const after201 = acked.filter((a) => a.at > startedAt);
        if (after201.length >= 20) recoveredAt = after201[0].at;
        else await sleep(100);
      }
      assert.ok(recoveredAt < Infinity, `no registration succeeded within 15 s of the database's restart: ${statusSummary(log.filter((x) => x.at > startedAt))}\n${await c.logs()}`);
      for (const base of c.nodeUrls) {
        let ready = 0;
        for (let i = 0; i < 100 && ready !== 200; i++) {
          ready = (await api(base, 'GET', '/readyz')).status;
          if (ready !== 200) await sleep(100);
        }
        assert.equal(ready, 200, `${base} is ready again`);
      }
      await sleep(1000);
      // Sell out: capacity down to what is taken + 150; the loops keep asking.
      const taken = (await api(lb, 'GET', `/api/events/${e.eventId}`)).json.registeredCount;
      const capacity = taken + 150;
      const put = await api(lb, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { capacity, maxPerAttendee: capacity } });
      assert.equal(put.status, 200, `PUT capacity: ${put.status} ${put.text}`);
      for (let i = 0; i < 100 && soldOutSeen < 30; i++) await sleep(100);
    } finally {
      done = true;
      await Promise.all(loops);
    }

    const during = log.filter((x) => x.at > stopAt && x.at < startedAt);
    const firstAfter = acked.find((a) => a.at > startedAt);
    t.diagnostic(`database stopped at ${stopAt} ms, started at ${startedAt} ms, first 201 after it at ${firstAfter?.at} ms; ` +
      `during the outage ${statusSummary(during)} (503s from a node ${during.filter((x) => x.status === 503 && x.node).length}, ` +
      `from HAProxy ${during.filter((x) => x.status === 503 && !x.node).length}); in all ${acked.length} acknowledged, ${statusSummary(log)}`);
    assert.equal(strange.length, 0, `only 201, 409 sold-out and 503 problem documents: ${statusSummary(log)}; ${strange.length} others:\n${strange.slice(0, 10).join('\n')}`);
    assert.ok(during.filter((x) => x.status === 503).length > 0, `503s during the outage: ${statusSummary(during)}`);
    assert.ok(soldOutSeen >= 30, `the sale sold out after recovery (${soldOutSeen} sold-out replies)`);

    // Nothing acknowledged is lost; the count matches the registrations; capacity holds exactly.
    const ev = (await api(lb, 'GET', `/api/events/${e.eventId}`)).json;
    const regs = await eventRegistrations(lb, org.accessToken, e.eventId);
    const listed = new Set(regs.filter((g) => g.status === 'confirmed').map((g) => g.registrationId));
    const lost = acked.filter((a) => !listed.has(a.reg.registrationId));
    assert.deepEqual(lost.map((a) => `${a.at} ms ${a.reg.registrationId}`), [], `acknowledged registrations lost: ${lost.length} of ${acked.length}`);
    assert.deepEqual(seatsByStatus(regs), { confirmed: ev.capacity }, 'sold out exactly');
    assert.equal(ev.registeredCount, ev.capacity, 'registeredCount equals capacity');
    // A 503 may hide a commit whose answer was lost with the connection, never more than that.
    const unavailable = log.filter((x) => x.status === 503).length;
    assert.ok(regs.length - acked.length <= unavailable, `unacknowledged registrations ${regs.length - acked.length} > 503s ${unavailable}`);
    for (const base of c.nodeUrls) {
      const g = await api(base, 'GET', `/api/events/${e.eventId}`);
      assert.equal(g.json.registeredCount, ev.capacity, base);
    }
  });
});
