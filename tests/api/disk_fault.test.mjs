// A disk that refuses writes (simulated with the server's file size limit, RLIMIT_FSIZE, set
// from outside with prlimit) gives 503 problems and acknowledges nothing; reads go on; once
// the disk takes writes again the server works without a restart and has lost nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startServer, api, signup, createEvent, eventBody, registerFor, registerOk, assertProblem, PG_MODE,
} from './harness.mjs';

const FAST_ARGON2 = { ADMIT_ARGON2_MEMORY_KIB: '1024' };

/** Sets the soft limit on the size of files the process may write; the hard limit stays. */
function limitFileSize(pid, bytes) {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`]);
}

/** admit_db_write_faults_total from /metrics. */
async function writeFaults(base) {
  const text = (await api(base, 'GET', '/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith('admit_db_write_faults_total '));
  assert.ok(line, 'admit_db_write_faults_total is exported');
  return Number(line.split(' ')[1]);
}

describe('a disk that refuses writes (SQLite)', { skip: PG_MODE && 'the database is on another server' }, () => {
  it('503 while writes fail, nothing acknowledged is lost, and writes work again without a restart', async () => {
    let s = await startServer({ env: FAST_ARGON2 });
    const dataDir = s.dataDir;
    try {
      const org = await signup(s.baseUrl, 'organizer');
      const att = await signup(s.baseUrl, 'attendee');
      const e = await createEvent(s.baseUrl, org.accessToken, { capacity: 50, maxPerAttendee: 50, price: 0 });
      const before = [];
      for (let i = 0; i < 3; i++) before.push(await registerOk(s.baseUrl, att.accessToken, e.eventId, 1));

      assert.equal(await writeFaults(s.baseUrl), 0, 'no write fault before the disk refuses');
      limitFileSize(s.proc.pid, 1);
      for (let i = 0; i < 5; i++) {
        const r = await registerFor(s.baseUrl, att.accessToken, e.eventId, 1);
        assertProblem(r, 503, `registration ${i} while the disk refuses writes`);
        assert.ok(r.headers.get('retry-after'), 'Retry-After tells clients to come back');
      }
      assertProblem(await api(s.baseUrl, 'POST', '/api/auth/signup', {
        body: { email: `disk-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Disk Full' },
      }), 503, 'a sign-up while the disk refuses writes');
      assertProblem(await api(s.baseUrl, 'POST', '/api/events', {
        token: org.accessToken, body: eventBody(),
      }), 503, 'an event while the disk refuses writes');
      assertProblem(await api(s.baseUrl, 'POST', '/api/events', {
        token: org.accessToken, body: { name: 'Nope' },
      }), 400, 'bad input is still a 400');
      const scan = { qrCode: before[0].tickets[0].qrCode, eventId: e.eventId };
      assertProblem(await api(s.baseUrl, 'POST', '/api/tickets/validate', { token: org.accessToken, body: scan }),
        503, 'a scan while the disk refuses writes');
      const during = await api(s.baseUrl, 'GET', `/api/events/${e.eventId}`);
      assert.equal(during.status, 200, 'reads go on');
      assert.equal(during.json.registeredCount, 3, 'no failed write was counted');
      assert.equal(s.proc.exitCode, null, 'the server is still running');
      // What the AdmitDiskRefusingWrites alert watches: every refused write is counted.
      assert.ok(await writeFaults(s.baseUrl) >= 8, 'admit_db_write_faults_total counts the refused writes');

      limitFileSize(s.proc.pid, 'unlimited');
      const after = await registerOk(s.baseUrl, att.accessToken, e.eventId, 2);
      const admitted = await api(s.baseUrl, 'POST', '/api/tickets/validate', { token: org.accessToken, body: scan });
      assert.equal(admitted.status, 200, admitted.text);
      assert.equal(admitted.json.result, 'valid', 'the failed scan did not use the ticket');
      assert.equal((await api(s.baseUrl, 'GET', `/api/events/${e.eventId}`)).json.registeredCount, 5);

      // Everything acknowledged is on disk: a crash and a restart find it all, and only it.
      s.proc.kill('SIGKILL');
      await s.stop({ keepDataDir: true });
      s = await startServer({ env: { ...FAST_ARGON2, ADMIT_DATA_DIR: dataDir } });
      assert.equal((await api(s.baseUrl, 'GET', `/api/events/${e.eventId}`)).json.registeredCount, 5);
      const login = await api(s.baseUrl, 'POST', '/api/auth/login', { body: { email: att.email, password: att.password } });
      assert.equal(login.status, 200, login.text);
      const mine = await api(s.baseUrl, 'GET', '/api/registrations?limit=100', { token: login.json.accessToken });
      assert.equal(mine.status, 200, mine.text);
      const ids = mine.json.items.map((r) => r.registrationId).sort();
      assert.deepEqual(ids, [...before, after].map((r) => r.registrationId).sort());
    } finally {
      await s.stop();
    }
  });
});
