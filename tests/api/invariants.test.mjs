// The invariants of registrations and tickets (DESIGN.md, issue 3), each proven over HTTP:
// 1. no oversell under hundreds of simultaneous requests;
// 2. acknowledged registrations, scans and cancellations survive kill -9, three times over on one data dir;
// 3. simultaneous scans of one ticket admit it exactly once;
// 4. nobody reads or changes what is not theirs;
// 5. bad input gets a 4xx and changes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  startServer, api, signup, createEvent, assertProblem, waitExit, PASSWORD, uniqueWord,
  registerFor, registerOk, collectPages, mapPool, tamperQrSignature, verifyQrOffline, makeStaff, waitForMailIdle,
} from './harness.mjs';

const FAST_ARGON2 = { ADMIT_ARGON2_MEMORY_KIB: '1024' };

let srv;
let base;
let org;
let org2;
let crowd;  // 300 attendees

before(async () => {
  srv = await startServer({ env: FAST_ARGON2 });
  base = srv.baseUrl;
  [org, org2] = await Promise.all([signup(base, 'organizer'), signup(base, 'organizer')]);
  crowd = await mapPool(Array.from({ length: 300 }), 32, () => signup(base, 'attendee'));
});

after(async () => {
  await srv?.stop();
});

const getEvent = async (id, b = base) => {
  const r = await api(b, 'GET', `/api/events/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const analytics = async (id, token = org.accessToken, b = base) => {
  const r = await api(b, 'GET', `/api/events/${id}/analytics`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const login = async (who, b = base) => {
  const r = await api(b, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  return r.json.accessToken;
};
const statusSummary = (rs) => {
  const m = {};
  for (const r of rs) {
    const k = `${r.status} ${r.json?.type ?? ''}`.trim();
    m[k] = (m[k] ?? 0) + 1;
  }
  return JSON.stringify(m);
};

describe('invariant 1: no oversell', () => {
  it('300 simultaneous requests for 50 seats: exactly 50 confirmed, 250 sold out; counts agree', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 50, maxPerAttendee: 1 });
    const rs = await Promise.all(crowd.map((u) => registerFor(base, u.accessToken, e.eventId, 1)));
    const ok = rs.filter((r) => r.status === 201);
    const soldOut = rs.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:sold-out');
    assert.equal(ok.length, 50, statusSummary(rs));
    assert.equal(soldOut.length, 250, statusSummary(rs));
    for (const r of ok) {
      assert.equal(r.json.status, 'confirmed');
      assert.equal(r.json.tickets.length, 1);
    }
    assert.equal(new Set(ok.map((r) => r.json.userId)).size, 50, 'fifty different attendees');
    assert.equal(new Set(ok.flatMap((r) => r.json.tickets.map((t) => t.ticketId))).size, 50, 'fifty distinct tickets');

    const ev = await getEvent(e.eventId);
    assert.equal(ev.registeredCount, 50);
    if ('seatsLeft' in ev) assert.equal(ev.seatsLeft, 0);
    const a = await analytics(e.eventId);
    assert.equal(a.confirmed, 50);
    assert.equal(a.registeredCount, 50);
    assert.equal(a.pending, 0);
    const listed = await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken, { limit: 7 });
    assert.equal(listed.items.length, 50);
    assert.deepEqual(listed.items.map((i) => i.registrationId).sort(), ok.map((r) => r.json.registrationId).sort());

    // Release five seats, then 250 more simultaneous requests: exactly five get them.
    const released = ok.slice(0, 5);
    const cancels = await Promise.all(released.map((r) => api(base, 'POST',
      `/api/registrations/${r.json.registrationId}/cancel`, { token: crowd.find((u) => u.user.userId === r.json.userId).accessToken })));
    for (const c of cancels) assert.equal(c.status, 200, c.text);
    assert.equal((await getEvent(e.eventId)).registeredCount, 45);
    const losers = crowd.filter((u) => !ok.some((r) => r.json.userId === u.user.userId));
    const rs2 = await Promise.all(losers.map((u) => registerFor(base, u.accessToken, e.eventId, 1)));
    assert.equal(rs2.filter((r) => r.status === 201).length, 5, statusSummary(rs2));
    assert.equal(rs2.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:sold-out').length, 245, statusSummary(rs2));
    assert.equal((await getEvent(e.eventId)).registeredCount, 50);
    assert.equal((await analytics(e.eventId)).confirmed, 50);
    const confirmed = (await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken, { limit: 100 }))
      .items.filter((i) => i.status === 'confirmed');
    assert.equal(confirmed.length, 50);
  });

  it('mixed quantities: seats taken never exceed capacity and the last seat is sold', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 50, maxPerAttendee: 3 });
    const qs = crowd.map((_, i) => 1 + (i % 3));
    const rs = await Promise.all(crowd.map((u, i) => registerFor(base, u.accessToken, e.eventId, qs[i])));
    let taken = 0;
    let singleRefused = false;
    rs.forEach((r, i) => {
      if (r.status === 201) {
        taken += qs[i];
        assert.equal(r.json.quantity, qs[i]);
        assert.equal(r.json.tickets.length, qs[i]);
      } else {
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.type, 'urn:admit:problem:sold-out', r.text);
        if (qs[i] === 1) singleRefused = true;
      }
    });
    assert.ok(taken <= 50, `oversold: ${taken} seats of 50`);
    // A request for one seat is refused only when nothing is left.
    if (singleRefused) assert.equal(taken, 50, 'a single seat was refused while seats were left');
    assert.equal((await getEvent(e.eventId)).registeredCount, taken);
    const listed = await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken, { limit: 100 });
    assert.equal(listed.items.reduce((s, i) => s + i.quantity, 0), taken);
  });

  it('paid event: holds never exceed capacity either', async () => {
    const e = await createEvent(base, org.accessToken, { price: 7.5, currency: 'USD', capacity: 30, maxPerAttendee: 1 });
    const rs = await Promise.all(crowd.map((u) => registerFor(base, u.accessToken, e.eventId, 1)));
    assert.equal(rs.filter((r) => r.status === 201 && r.json.status === 'pending_payment').length, 30, statusSummary(rs));
    assert.equal(rs.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:sold-out').length, 270, statusSummary(rs));
    assert.equal((await getEvent(e.eventId)).registeredCount, 30);
    const a = await analytics(e.eventId);
    assert.equal(a.pending, 30);
    assert.equal(a.confirmed, 0);
  });

  it('one attendee hammering with 60 parallel single-seat requests stays within maxPerAttendee', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 100, maxPerAttendee: 4 });
    const u = crowd[0];
    const rs = await Promise.all(Array.from({ length: 60 }, () => registerFor(base, u.accessToken, e.eventId, 1)));
    assert.equal(rs.filter((r) => r.status === 201).length, 4, statusSummary(rs));
    assert.equal(rs.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:attendee-limit').length, 56, statusSummary(rs));
    assert.equal((await getEvent(e.eventId)).registeredCount, 4);
  });
});

describe('invariant 2: acknowledged writes survive kill -9', () => {
  it('three rounds of SIGKILL under streams of registrations, scans and cancellations lose nothing; counts stay consistent', async (tc) => {
    let s = await startServer({ env: FAST_ARGON2 });
    const dataDir = s.dataDir;
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    try {
      const o = await signup(s.baseUrl, 'organizer');
      const users = await mapPool(Array.from({ length: 40 }), 20, () => signup(s.baseUrl, 'attendee'));
      const e = await createEvent(s.baseUrl, o.accessToken, { price: 0, capacity: 100000, maxPerAttendee: 10000 });

      const allAcked = new Map();  // registrationId -> {reg, user}: every 201 ever received
      const untouched = [];        // acknowledged registrations not yet scanned or cancelled
      const scanAcked = new Map(); // ticketId -> validatedAt of an acknowledged "valid"
      const scanTried = new Set(); // ticketIds a scan was sent for (acknowledged or cut by a kill)
      const cancelAcked = new Set();
      const cancelTried = new Set();
      // Registrations for round 1's scanners and cancellers.
      const seed = await mapPool(Array.from({ length: 240 }), 20,
        (_, i) => registerOk(s.baseUrl, users[i % users.length].accessToken, e.eventId, 1).then((reg) => ({ reg, user: users[i % users.length] })));
      for (const a of seed) { allAcked.set(a.reg.registrationId, a); untouched.push(a); }

      for (let round = 1; round <= 3; round++) {
        const b = s.baseUrl;
        const acked = [];
        const bad = [];
        let killed = false;
        let afterKillErrors = 0;
        let scans = 0;
        let cancels = 0;
        const scanQueue = untouched.splice(0, Math.min(150, Math.floor(untouched.length / 2)));
        const cancelQueue = untouched.splice(0, Math.min(60, untouched.length));

        // The kill comes from another process at a moment unrelated to this event loop, so it can land
        // while requests sit in the server's commit queue.
        const t0 = Date.now();
        const killer = spawn('sh', ['-c', `sleep 0.4; kill -9 ${s.proc.pid}`], { stdio: 'ignore' });
        s.proc.once('exit', () => { killed = true; });
        const netErrors = [];
        /** Sends one request; returns the reply, or null after a network error (checked against the kill time below). */
        async function send(label, fn) {
          try {
            return await fn();
          } catch (err) {
            netErrors.push({ at: Date.now() - t0, what: `${label}: ${err.message} ${err.cause?.code ?? ''}` });
            return null;
          }
        }
        const regLoops = users.map(async (u) => {
          while (!killed) {
            const r = await send('register', () => api(b, 'POST', '/api/registrations',
              { token: u.accessToken, body: { eventId: e.eventId, quantity: 1 } }));
            if (!r) return;
            if (r.status === 201) acked.push({ reg: r.json, user: u });
            else bad.push(`register: ${r.status} ${r.text.slice(0, 300)}`);
          }
        });
        const scanLoops = Array.from({ length: 8 }, async () => {
          while (!killed && scanQueue.length) {
            const t = scanQueue.shift().reg.tickets[0];
            scanTried.add(t.ticketId);
            const r = await send('validate', () => api(b, 'POST', '/api/tickets/validate',
              { token: o.accessToken, body: { qrCode: t.qrCode, eventId: e.eventId } }));
            if (!r) return;
            if (r.status === 200 && r.json.result === 'valid') { scanAcked.set(t.ticketId, r.json.validatedAt); scans++; }
            else bad.push(`validate: ${r.status} ${r.text.slice(0, 300)}`);
            await sleep(25);
          }
        });
        const cancelLoops = Array.from({ length: 4 }, async () => {
          while (!killed && cancelQueue.length) {
            const { reg, user } = cancelQueue.shift();
            cancelTried.add(reg.registrationId);
            const r = await send('cancel', () => api(b, 'POST', `/api/registrations/${reg.registrationId}/cancel`,
              { token: user.accessToken }));
            if (!r) return;
            if (r.status === 200 && r.json.status === 'cancelled') { cancelAcked.add(reg.registrationId); cancels++; }
            else bad.push(`cancel: ${r.status} ${r.text.slice(0, 300)}`);
            await sleep(25);
          }
        });
        const exit = await waitExit(s.proc, 10_000);
        assert.equal(exit?.signal, 'SIGKILL', `the server was killed: ${JSON.stringify(exit)}`);
        await waitExit(killer, 5000);
        await Promise.all([...regLoops, ...scanLoops, ...cancelLoops]);
        await s.stop({ keepDataDir: true });

        assert.deepEqual(bad, [], `round ${round}: only the expected replies or network errors after the kill`);
        assert.deepEqual(netErrors.filter((x) => x.at < 390), [], `round ${round}: network errors before the kill`);
        afterKillErrors = netErrors.length;
        assert.ok(acked.length > 0, `round ${round}: some registrations were acknowledged before the kill`);
        for (const a of acked) {
          assert.equal(a.reg.status, 'confirmed');
          assert.equal(a.reg.tickets.length, 1);
          allAcked.set(a.reg.registrationId, a);
        }

        s = await startServer({ env: { ...FAST_ARGON2, ADMIT_DATA_DIR: dataDir } });
        const nb = s.baseUrl;
        // The token issuer names the listening port, which changed: sign everybody in again.
        for (const u of [o, ...users]) u.accessToken = await login(u, nb);

        // Every registration acknowledged in this round is there, confirmed, with its ticket.
        const missing = [];
        await mapPool(acked, 32, async (a) => {
          const r = await api(nb, 'GET', `/api/registrations/${a.reg.registrationId}`, { token: a.user.accessToken });
          if (r.status !== 200) { missing.push(`${a.reg.registrationId}: ${r.status} ${r.text.slice(0, 200)}`); return; }
          if (r.json.status !== 'confirmed' || r.json.tickets.length !== 1 ||
              r.json.tickets[0].ticketId !== a.reg.tickets[0].ticketId || r.json.tickets[0].qrCode !== a.reg.tickets[0].qrCode) {
            missing.push(`${a.reg.registrationId}: changed after restart: ${r.text.slice(0, 300)}`);
          }
        });
        assert.deepEqual(missing, [], `round ${round}: ${acked.length} acknowledged registrations after restart`);

        // Every acknowledged registration of all rounds is listed, in the state its acknowledged requests left it.
        const listed = (await collectPages(nb, `/api/events/${e.eventId}/registrations`, o.accessToken, { limit: 100 })).items;
        const byId = new Map(listed.map((i) => [i.registrationId, i]));
        const problems = [];
        for (const id of allAcked.keys()) {
          const it = byId.get(id);
          if (!it) { problems.push(`${id}: acknowledged but lost`); continue; }
          const want = cancelAcked.has(id) ? ['cancelled'] : cancelTried.has(id) ? ['confirmed', 'cancelled'] : ['confirmed'];
          if (!want.includes(it.status)) problems.push(`${id}: ${it.status}, expected ${want.join(' or ')}`);
        }
        for (const it of listed) {
          if (!['confirmed', 'cancelled'].includes(it.status)) problems.push(`${it.registrationId}: status ${it.status}`);
        }

        // Tickets as their holders see them: acknowledged scans stay used with their time, cancellations void.
        const keys = (await api(nb, 'GET', `/api/events/${e.eventId}/scan-keys`, { token: o.accessToken })).json.keys;
        const tickets = new Map();
        const ownIds = new Set();
        for (const u of users) {
          const own = (await collectPages(nb, '/api/registrations', u.accessToken, { limit: 100 })).items
            .filter((r) => r.eventId === e.eventId);
          for (const r of own) {
            ownIds.add(r.registrationId);
            if (r.tickets.length !== r.quantity) problems.push(`${r.registrationId}: ${r.tickets.length} tickets for ${r.quantity} seats`);
            for (const t of r.tickets) {
              tickets.set(t.ticketId, { t, reg: r });
              if (!verifyQrOffline(t.qrCode, keys)) problems.push(`${t.ticketId}: QR does not verify`);
              const want = r.status === 'cancelled' ? ['cancelled']
                : scanAcked.has(t.ticketId) ? ['used'] : scanTried.has(t.ticketId) ? ['valid', 'used'] : ['valid'];
              if (!want.includes(t.status)) problems.push(`${t.ticketId}: ${t.status}, expected ${want.join(' or ')}`);
            }
          }
        }
        for (const [tid, at] of scanAcked) {
          const got = tickets.get(tid)?.t;
          if (!got || got.validatedAt !== at) problems.push(`${tid}: acknowledged scan at ${at}, now ${got?.status} ${got?.validatedAt}`);
        }
        assert.deepEqual(problems, [], `round ${round}: state after restart`);
        assert.equal(ownIds.size, byId.size, 'attendees\' lists and the organizer\'s list agree');

        // Counts agree: event counter, organizer's list, tickets, analytics.
        const confirmed = listed.filter((i) => i.status === 'confirmed');
        const seats = confirmed.reduce((sum, i) => sum + i.quantity, 0);
        const cancelledSeats = listed.filter((i) => i.status === 'cancelled').reduce((sum, i) => sum + i.quantity, 0);
        const live = [...tickets.values()].filter(({ t }) => t.status !== 'cancelled');
        const used = live.filter(({ t }) => t.status === 'used');
        const ev = await getEvent(e.eventId, nb);
        assert.equal(ev.registeredCount, seats, `round ${round}: registeredCount vs listed seats`);
        assert.equal(live.length, seats, `round ${round}: live tickets vs seats`);
        for (const it of listed) {
          const n = used.filter(({ reg }) => reg.registrationId === it.registrationId).length;
          if (it.checkedIn !== n) problems.push(`${it.registrationId}: checkedIn ${it.checkedIn}, ${n} used tickets`);
        }
        assert.deepEqual(problems, [], 'checkedIn per registration');
        const a = await analytics(e.eventId, o.accessToken, nb);
        assert.equal(a.registeredCount, seats);
        assert.equal(a.confirmed, seats);
        assert.equal(a.cancelled, cancelledSeats);
        assert.equal(a.checkedIn, used.length);

        // A ticket whose scan was acknowledged is never admitted again.
        const again = await mapPool([...scanAcked], 16, ([tid, at]) => api(nb, 'POST', '/api/tickets/validate',
          { token: o.accessToken, body: { qrCode: tickets.get(tid).t.qrCode } }).then((r) => ({ tid, at, r })));
        for (const { tid, at, r } of again) {
          assert.equal(r.json?.result, 'already_used', `${tid}: ${r.text}`);
          assert.equal(r.json.validatedAt, at);
        }

        untouched.push(...acked);
        tc.diagnostic(`round ${round}: ${acked.length} registrations, ${scans} scans, ${cancels} cancellations acknowledged; ` +
          `${afterKillErrors} network errors after the kill; ${seats} seats, ${used.length} checked in after restart`);
      }
      // The recovered server still takes registrations.
      await registerOk(s.baseUrl, users[0].accessToken, e.eventId, 1);
    } finally {
      await s.stop();
    }
  });
});

describe('invariant 3: a ticket is admitted once', () => {
  it('50 simultaneous scans: exactly one valid, 49 already_used, one validatedAt', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0 });
    const t = (await registerOk(base, crowd[1].accessToken, e.eventId, 1)).tickets[0];
    const rs = await Promise.all(Array.from({ length: 50 },
      () => api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, body: { qrCode: t.qrCode } })));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const results = rs.map((r) => r.json.result);
    assert.equal(results.filter((x) => x === 'valid').length, 1, JSON.stringify(results));
    assert.equal(results.filter((x) => x === 'already_used').length, 49, JSON.stringify(results));
    const times = new Set(rs.map((r) => r.json.validatedAt));
    assert.equal(times.size, 1, `one validation time: ${[...times]}`);
    const g = await api(base, 'GET', `/api/tickets/${t.ticketId}`, { token: org.accessToken });
    assert.equal(g.json.status, 'used');
    assert.equal(g.json.validatedAt, [...times][0]);
    assert.equal((await analytics(e.eventId)).checkedIn, 1);
  });

  it('two doors (organizer and staff) scanning 10 tickets 20 times each at once: each admitted once', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 20 });
    const door = await signup(base, 'attendee');
    await makeStaff(base, org.accessToken, e.eventId, door);
    const doorToken = await login(door);
    const reg = await registerOk(base, crowd[2].accessToken, e.eventId, 10);
    const jobs = [];
    for (let i = 0; i < 20; i++) {
      for (const t of reg.tickets) {
        const token = i % 2 ? doorToken : org.accessToken;
        jobs.push(api(base, 'POST', '/api/tickets/validate', { token, body: { qrCode: t.qrCode, eventId: e.eventId } })
          .then((r) => ({ t, r })));
      }
    }
    const done = await Promise.all(jobs);
    for (const t of reg.tickets) {
      const mine = done.filter((d) => d.t.ticketId === t.ticketId).map((d) => d.r);
      for (const r of mine) assert.equal(r.status, 200, r.text);
      assert.equal(mine.filter((r) => r.json.result === 'valid').length, 1, `${t.ticketId}: ${mine.map((r) => r.json.result)}`);
      assert.equal(mine.filter((r) => r.json.result === 'already_used').length, 19);
      assert.equal(new Set(mine.map((r) => r.json.validatedAt)).size, 1);
    }
    assert.equal((await analytics(e.eventId)).checkedIn, 10);
    const listed = (await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken)).items;
    assert.equal(listed[0].checkedIn, 10);
  });
});

describe('invariant 4: nobody reads or changes what is not theirs', () => {
  it('attendee B and organizer B are refused everywhere; A\'s data is unchanged', async () => {
    const [attA, attB] = [crowd[10], crowd[11]];
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 20 });
    const own = await createEvent(base, org2.accessToken, { price: 0, capacity: 20 });
    const reg = await registerOk(base, attA.accessToken, e.eventId, 2);
    const t = reg.tickets[0];
    await waitForMailIdle(base);  // the confirmation's email status settles first
    const before = await api(base, 'GET', `/api/registrations/${reg.registrationId}`, { token: attA.accessToken });
    const evBefore = await getEvent(e.eventId);
    // A door-staff invitation of A's event, for an address that is neither B's.
    const invited = await api(base, 'POST', `/api/events/${e.eventId}/staff`,
      { token: org.accessToken, body: { email: attA.email } });
    assert.equal(invited.status, 201, invited.text);
    const inv = invited.json.invitationId;

    const B = attB.accessToken;
    const O = org2.accessToken;
    const matrix = [
      ['attendee B reads A\'s registration', 'GET', `/api/registrations/${reg.registrationId}`, B, 404],
      ['attendee B reads A\'s ticket', 'GET', `/api/tickets/${t.ticketId}`, B, 404],
      ['attendee B asks for A\'s download', 'GET', `/api/tickets/${t.ticketId}/download`, B, 404],
      ['attendee B cancels A\'s registration', 'POST', `/api/registrations/${reg.registrationId}/cancel`, B, 404],
      ['attendee B lists the event\'s registrations', 'GET', `/api/events/${e.eventId}/registrations`, B, 403],
      ['attendee B reads analytics', 'GET', `/api/events/${e.eventId}/analytics`, B, 403],
      ['attendee B reads scan keys', 'GET', `/api/events/${e.eventId}/scan-keys`, B, 403],
      ['attendee B validates A\'s ticket', 'POST', '/api/tickets/validate', B, 403, { qrCode: t.qrCode }],
      ['attendee B adds staff', 'POST', `/api/events/${e.eventId}/staff`, B, 403, { email: attB.email }],
      ['organizer B lists A\'s registrations', 'GET', `/api/events/${e.eventId}/registrations`, O, 403],
      ['organizer B exports A\'s CSV', 'GET', `/api/events/${e.eventId}/registrations?format=csv`, O, 403],
      ['organizer B reads A\'s analytics', 'GET', `/api/events/${e.eventId}/analytics`, O, 403],
      ['organizer B adds staff to A\'s event', 'POST', `/api/events/${e.eventId}/staff`, O, 403, { email: org2.email }],
      ['organizer B lists A\'s staff', 'GET', `/api/events/${e.eventId}/staff`, O, 403],
      ['organizer B removes A\'s staff invitation', 'DELETE', `/api/events/${e.eventId}/staff/${inv}`, O, 403],
      ['organizer B removes it through B\'s own event', 'DELETE', `/api/events/${own.eventId}/staff/${inv}`, O, 404],
      ['organizer B accepts an invitation addressed to A', 'POST', `/api/staff-invitations/${inv}/accept`, O, 404],
      ['attendee B accepts an invitation addressed to A', 'POST', `/api/staff-invitations/${inv}/accept`, B, 404],
      ['attendee B declines an invitation addressed to A', 'POST', `/api/staff-invitations/${inv}/decline`, B, 404],
      ['attendee B removes A\'s staff invitation', 'DELETE', `/api/events/${e.eventId}/staff/${inv}`, B, 403],
      ['organizer B reads A\'s scan keys', 'GET', `/api/events/${e.eventId}/scan-keys`, O, 403],
      ['organizer B rotates A\'s scan keys', 'POST', `/api/events/${e.eventId}/scan-keys/rotate`, O, 403],
      ['organizer B validates A\'s ticket', 'POST', '/api/tickets/validate', O, 403, { qrCode: t.qrCode }],
      ['organizer B validates A\'s ticket naming A\'s event', 'POST', '/api/tickets/validate', O, 403, { qrCode: t.qrCode, eventId: e.eventId }],
      ['organizer B reads the registration', 'GET', `/api/registrations/${reg.registrationId}`, O, 404],
      ['organizer B reads the ticket', 'GET', `/api/tickets/${t.ticketId}`, O, 404],
      ['organizer B cancels the registration', 'POST', `/api/registrations/${reg.registrationId}/cancel`, O, 404],
      ['anonymous reads the registration', 'GET', `/api/registrations/${reg.registrationId}`, undefined, 401],
      ['anonymous reads the ticket', 'GET', `/api/tickets/${t.ticketId}`, undefined, 401],
      ['anonymous validates', 'POST', '/api/tickets/validate', undefined, 401, { qrCode: t.qrCode }],
    ];
    const failures = [];
    for (const [label, method, path, token, want, body] of matrix) {
      const r = await api(base, method, path, { token, body });
      const isProblem = /^application\/problem\+json/.test(r.headers.get('content-type') || '');
      if (r.status !== want || !isProblem) failures.push(`${label}: want ${want}, got ${r.status} ${r.text.slice(0, 200)}`);
      if (r.text.includes(t.qrCode) || (want !== 401 && r.text.includes(attA.email))) failures.push(`${label}: leaks A's data`);
    }
    // Organizer B's validation against their own event must not admit A's ticket.
    const wrong = await api(base, 'POST', '/api/tickets/validate', { token: O, body: { qrCode: t.qrCode, eventId: own.eventId } });
    if (!(wrong.status === 403 || (wrong.status === 200 && wrong.json.result === 'wrong_event'))) {
      failures.push(`organizer B validating A's ticket at B's event: ${wrong.status} ${wrong.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);

    // B's own lists show none of A's data.
    const bList = await collectPages(base, '/api/registrations', B);
    assert.ok(!bList.items.some((r) => r.registrationId === reg.registrationId));
    const oList = await collectPages(base, `/api/events/${own.eventId}/registrations`, O);
    assert.deepEqual(oList.items, []);

    const after = await api(base, 'GET', `/api/registrations/${reg.registrationId}`, { token: attA.accessToken });
    assert.deepEqual(after.json, before.json, 'A\'s registration and tickets unchanged');
    assert.equal(after.json.tickets[0].status, 'valid');
    assert.deepEqual(await getEvent(e.eventId), evBefore);
    const staff = await api(base, 'GET', `/api/events/${e.eventId}/staff`, { token: org.accessToken });
    assert.deepEqual(staff.json.items.map((i) => [i.invitationId, i.status]), [[inv, 'invited']], 'the invitation is untouched');
  });
});

describe('invariant 5: bad input changes nothing', () => {
  it('each bad request gets its 4xx (or "invalid") and leaves counts, lists and tickets as they were', async () => {
    const [a, b, c] = [crowd[20], crowd[21], crowd[22]];
    const e = await createEvent(base, org.accessToken, { price: 0, capacity: 6, maxPerAttendee: 3 });
    const e2 = await createEvent(base, org.accessToken, { price: 0, capacity: 6 });
    const key = uniqueWord('idem');
    const reg = await registerOk(base, a.accessToken, e.eventId, 2, { headers: { 'Idempotency-Key': key } });
    await registerOk(base, b.accessToken, e.eventId, 3); // one seat left
    // The confirmations go out meanwhile (their email status moves on): let them, first.
    await waitForMailIdle(base);
    const t = reg.tickets[0];
    const { url } = (await api(base, 'GET', `/api/tickets/${t.ticketId}/download`, { token: a.accessToken })).json;
    const u = new URL(url, base);
    const sigName = [...u.searchParams.keys()].find((k) => /sig/i.test(k));
    const expName = [...u.searchParams.keys()].find((k) => /exp/i.test(k));
    const sig = u.searchParams.get(sigName);
    const badSig = new URL(u);
    badSig.searchParams.set(sigName, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const badExp = new URL(u);
    badExp.searchParams.set(expName, String(Number(u.searchParams.get(expName)) + 3600));

    async function snapshot() {
      const ev = await getEvent(e.eventId);
      return {
        registeredCount: ev.registeredCount,
        other: (await getEvent(e2.eventId)).registeredCount,
        mine: (await collectPages(base, '/api/registrations', a.accessToken, { limit: 100 })).items,
        theirs: (await collectPages(base, '/api/registrations', c.accessToken, { limit: 100 })).items,
        organizer: (await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken, { limit: 100 })).items,
        analytics: await analytics(e.eventId),
        ticket: (await api(base, 'GET', `/api/tickets/${t.ticketId}`, { token: a.accessToken })).json,
      };
    }
    const reg0 = (body, token = a.accessToken, headers = {}) => () => api(base, 'POST', '/api/registrations', { token, body, headers });
    const val = (body, token = org.accessToken) => () => api(base, 'POST', '/api/tickets/validate', { token, body });
    const cases = [
      ['unknown event', reg0({ eventId: 'AAAAAAAAAAAAAAAAAAAAAA' }), 404],
      ['quantity 0', reg0({ eventId: e.eventId, quantity: 0 }), 400],
      ['quantity 1000', reg0({ eventId: e.eventId, quantity: 1000 }), 400],
      ['quantity "x"', reg0({ eventId: e.eventId, quantity: 'x' }), 400],
      ['quantity -1', reg0({ eventId: e.eventId, quantity: -1 }), 400],
      ['quantity 1.5', reg0({ eventId: e.eventId, quantity: 1.5 }), 400],
      ['eventId of the wrong type', reg0({ eventId: ['x'], quantity: 1 }), 400],
      ['unknown field', reg0({ eventId: e.eventId, quantity: 1, status: 'confirmed' }), 400],
      ['malformed JSON', () => api(base, 'POST', '/api/registrations', { token: a.accessToken, rawBody: '{"eventId":' }), 400],
      ['text/plain', () => api(base, 'POST', '/api/registrations',
        { token: a.accessToken, rawBody: JSON.stringify({ eventId: e2.eventId }), headers: { 'Content-Type': 'text/plain' } }), 415],
      ['anonymous', reg0({ eventId: e2.eventId }, null), 401],
      ['over the attendee limit', reg0({ eventId: e.eventId, quantity: 2 }), 409],
      ['sold out', reg0({ eventId: e.eventId, quantity: 2 }, c.accessToken), 409],
      ['idempotency key reused with another body', reg0({ eventId: e.eventId, quantity: 1 }, a.accessToken, { 'Idempotency-Key': key }), 409],
      ['cancel someone else\'s registration', () => api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`, { token: c.accessToken }), 404],
      ['cancel an unknown registration', () => api(base, 'POST', '/api/registrations/AAAAAAAAAAAAAAAAAAAAAA/cancel', { token: a.accessToken }), 404],
      ['validate without qrCode', val({}), 400],
      ['validate a tampered QR', val({ qrCode: tamperQrSignature(t.qrCode) }), 200, 'invalid'],
      ['validate garbage', val({ qrCode: 'A' + 'B'.repeat(188) }), 200, 'invalid'],
      ['validate at the wrong event', val({ qrCode: t.qrCode, eventId: e2.eventId }), 200, 'wrong_event'],
      ['validate by another organizer', val({ qrCode: t.qrCode }, org2.accessToken), 403],
      ['validate by the holder', val({ qrCode: t.qrCode }, a.accessToken), 403],
      ['download with a tampered signature', () => fetch(badSig).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers })), 403],
      ['download with a changed expiry', () => fetch(badExp).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers })), 403],
    ];
    const base0 = await snapshot();
    assert.equal(base0.registeredCount, 5);
    for (const [label, send, want, result] of cases) {
      const r = await send();
      assert.equal(r.status, want, `${label}: ${r.status} ${r.text.slice(0, 300)}`);
      if (want >= 400) assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, `${label}: problem document`);
      if (result) assert.equal(JSON.parse(r.text).result, result, `${label}: ${r.text}`);
      assert.deepEqual(await snapshot(), base0, `${label} changed something`);
    }
    // The ticket was never admitted by any of that.
    const v = await api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, body: { qrCode: t.qrCode } });
    assert.equal(v.json.result, 'valid');
  });
});
