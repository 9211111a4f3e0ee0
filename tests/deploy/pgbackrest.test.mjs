// Point-in-time recovery of Admit's PostgreSQL with pgBackRest, as deploy/pgbackrest/ ships it:
// on its own PostgreSQL (scripts/pg-server.sh in a temp dir, not the server other suites share),
// the configuration as shipped with only its paths and port replaced, admit-pitr.sh turns WAL
// archiving on and creates the stanza; a full backup, registrations through a real admit node,
// an incremental backup, more registrations, a remembered time, more registrations; then
// restored to that time: the database holds exactly the registrations committed before it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, signup, createEvent, registerOk, psql } from '../api/harness.mjs';
import { findBinary, sleep, waitFor } from './support.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const pgServer = join(ROOT, 'scripts/pg-server.sh');
const pitr = join(ROOT, 'deploy/pgbackrest/admit-pitr.sh');
const missing = (!findBinary('/usr/bin/pgbackrest') && 'pgbackrest is not installed (bash scripts/install-deps.sh)')
  || (process.getuid?.() !== 0 && 'PostgreSQL runs as the postgres user via runuser: needs root');

describe('pgBackRest: restore to a point in time', { skip: missing }, () => {
  let dir;
  let url;
  let env;
  const pg = (...args) => execFileSync('bash', [pgServer, ...args, dir], { encoding: 'utf8' }).trim();
  const script = (...args) => spawnSync('bash', [pitr, ...args], { encoding: 'utf8', env });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admit-pgbackrest-'));
    url = pg('start');
    // The shipped configuration, with only where things are replaced.
    const port = new URL(url).port;
    for (const sub of ['repo', 'log', 'lock']) await mkdir(join(dir, sub));
    const conf = (await readFile(join(ROOT, 'deploy/pgbackrest/pgbackrest.conf'), 'utf8'))
      .replace(/^repo1-path=.*$/m, `repo1-path=${join(dir, 'repo')}`)
      .replace(/^log-path=.*$/m, `log-path=${join(dir, 'log')}`)
      .replace(/^lock-path=.*$/m, `lock-path=${join(dir, 'lock')}`)
      .replace(/^pg1-path=.*$/m, `pg1-path=${join(dir, 'data')}`)
      .replace(/^pg1-port=.*$/m, `pg1-port=${port}`)
      .replace(/^pg1-socket-path=.*$/m, `pg1-socket-path=${dir}`);
    await writeFile(join(dir, 'pgbackrest.conf'), conf);
    await chmod(join(dir, 'pgbackrest.conf'), 0o640);
    execFileSync('chown', ['-R', 'postgres:', join(dir, 'repo'), join(dir, 'log'), join(dir, 'lock'), join(dir, 'pgbackrest.conf')]);
    env = { ...process.env, ADMIT_PGBACKREST_CONFIG: join(dir, 'pgbackrest.conf') };
  });
  after(async () => {
    if (dir) {
      try { pg('stop'); } catch { /* not running */ }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('setup asks for a restart once, then archives WAL into the stanza', () => {
    const first = script('setup');
    assert.equal(first.status, 3, first.stderr + first.stdout);
    assert.match(first.stderr, /restart PostgreSQL for archive_mode/);
    pg('stop');
    pg('start');
    const second = script('setup');
    assert.equal(second.status, 0, second.stderr + second.stdout);
    assert.match(second.stdout + second.stderr, /check command end: completed successfully/);
  });

  it('restores exactly the registrations committed before the chosen time', async () => {
    const admit = await startServer({ env: { ADMIT_DATABASE_URL: url, ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    const committed = { beforeTarget: [], afterTarget: [] };
    let eventId;
    let target;
    try {
      const base = admit.baseUrl;
      const org = await signup(base, 'organizer');
      const event = await createEvent(base, org.accessToken, { price: 0, capacity: 1000, maxPerAttendee: 100 });
      eventId = event.eventId;
      const att = await signup(base, 'attendee');
      const sell = async (n, into) => {
        for (let i = 0; i < n; i++) into.push((await registerOk(base, att.accessToken, eventId, 1)).registrationId);
      };

      const full = script('full');
      assert.equal(full.status, 0, full.stderr + full.stdout);
      await sell(10, committed.beforeTarget);
      const incr = script('incr');
      assert.equal(incr.status, 0, incr.stderr + incr.stdout);
      await sell(10, committed.beforeTarget);
      // The target lies between two commits, with a margin on each side for the clock's grain.
      await sleep(1100);
      target = new Date().toISOString().replace('T', ' ').replace('Z', '+00');
      await sleep(1100);
      await sell(15, committed.afterTarget);
      // A backup after the target archives the WAL that holds the later commits (recovery
      // stops at the first commit after the target, so it must find one) and must not be
      // chosen for a restore to an earlier time.
      const later = script('incr');
      assert.equal(later.status, 0, later.stderr + later.stdout);
      const info = script('info');
      assert.match(info.stdout, /full backup:/);
      assert.equal((info.stdout.match(/incr backup:/g) ?? []).length, 2, info.stdout);
    } finally {
      await admit.stop();
    }
    const count = async () => Number((await psql(url, `SELECT count(*) FROM registrations WHERE event_id = '${eventId}'`)).trim());
    assert.equal(await count(), 35);

    pg('stop');
    const restored = script('restore', target);
    assert.equal(restored.status, 0, restored.stderr + restored.stdout);
    assert.match(restored.stdout + restored.stderr, /restore command end: completed successfully/);
    pg('start');
    await waitFor('recovery to end and PostgreSQL to promote', async () =>
      (await psql(url, 'SELECT pg_is_in_recovery()')).trim() === 'f', { ms: 60_000, everyMs: 250 });

    const ids = (await psql(url, `SELECT id FROM registrations WHERE event_id = '${eventId}' ORDER BY id`))
      .trim().split('\n').filter(Boolean);
    assert.deepEqual(ids, [...committed.beforeTarget].sort(), 'exactly the registrations committed before the target');
    const seats = Number((await psql(url, `SELECT registered_count FROM events WHERE id = '${eventId}'`)).trim());
    assert.equal(seats, committed.beforeTarget.length, 'the seat count of the same moment');

    // The restored database takes writes again (promoted) and serves an admit node.
    const again = await startServer({ env: { ADMIT_DATABASE_URL: url, ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    try {
      const att = await signup(again.baseUrl, 'attendee');
      await registerOk(again.baseUrl, att.accessToken, eventId, 1);
    } finally {
      await again.stop();
    }
    assert.equal(await count(), committed.beforeTarget.length + 1);
  });
});
