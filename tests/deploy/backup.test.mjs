// `admit backup` and `admit restore` on SQLite against the real binary: a backup taken while a
// flash sale runs (many orders at once over HTTP) restores to a database that passes
// integrity_check and holds every registration acknowledged (201) before the backup began; a
// restore over a running server is refused; a damaged archive changes nothing; a restored data
// dir serves, its keys verifying the access tokens and tickets issued before; scheduled backups
// (ADMIT_BACKUP_DIR) keep ADMIT_BACKUP_KEEP files and say so in /metrics.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, signup, createEvent, registerOk, admitBin } from '../api/harness.mjs';
import { waitFor } from './support.mjs';

const FAST_ARGON2 = { ADMIT_ARGON2_MEMORY_KIB: '1024' };
const scratch = [];
after(async () => { for (const d of scratch) await rm(d, { recursive: true, force: true }); });

async function tempDir(prefix) {
  const d = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

/** Runs `admit ARGS…` with the data dir `dataDir`; resolves {code, stdout, stderr, ms}. */
function admit(args, dataDir, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(admitBin(), args, {
      env: { ...process.env, ADMIT_DATA_DIR: dataDir, ADMIT_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

const sqlite = (db, sql) => execFileSync('sqlite3', ['-batch', db, sql], { encoding: 'utf8' }).trim();

async function digestOf(path) {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

describe('admit backup during a flash sale', () => {
  it('restores to a database that passes integrity_check and holds every registration acknowledged before the backup began', async () => {
    const srv = await startServer({ env: FAST_ARGON2 });
    try {
      const base = srv.baseUrl;
      const org = await signup(base, 'organizer');
      const event = await createEvent(base, org.accessToken, { price: 0, capacity: 100_000, maxPerAttendee: 100 });
      const attendees = await Promise.all(Array.from({ length: 40 }, () => signup(base, 'attendee')));

      // The sale: 48 orders in flight at any time until told to stop, each 201 noted as it arrives.
      const acknowledged = [];
      let selling = true;
      let next = 0;
      const failures = [];
      const buyer = async () => {
        while (selling) {
          const who = attendees[next++ % attendees.length];
          const r = await api(base, 'POST', '/api/registrations', {
            token: who.accessToken, body: { eventId: event.eventId, quantity: 1 },
          });
          if (r.status === 201) acknowledged.push(r.json.registrationId);
          else if (r.status !== 409) failures.push(`${r.status} ${r.text}`);
        }
      };
      const buyers = Array.from({ length: 48 }, buyer);
      await waitFor('the sale under way', () => acknowledged.length >= 400, { ms: 60_000, everyMs: 20 });

      const archive = join(await tempDir('admit-backup-out-'), 'sale.tar');
      const beforeBackup = acknowledged.slice(); // every 201 received before the backup starts
      const backup = admit(['backup', archive], srv.dataDir);
      const result = await backup;
      const duringBackup = acknowledged.length - beforeBackup.length;
      await waitFor('more sales after the backup', () => acknowledged.length > beforeBackup.length + duringBackup + 100,
        { ms: 30_000, everyMs: 20 });
      selling = false;
      await Promise.all(buyers);
      assert.deepEqual(failures.slice(0, 3), [], 'every order was placed or refused as sold out');

      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /backup written: .*admit-backup\.json admit\.db jwt-signing-key\.json/);
      // One pass over the file, not a copy that restarts on every write: it ends however busy the writer is.
      assert.ok(result.ms < 20_000, `the backup took ${result.ms} ms`);
      assert.ok(duringBackup > 0, 'orders were acknowledged while the backup ran');
      console.log(`backup during the sale: ${Math.round(result.ms)} ms, ${beforeBackup.length} orders acknowledged before it, ` +
        `${duringBackup} while it ran, ${acknowledged.length} in all; ${result.stdout.trim()}`);

      const restored = await tempDir('admit-restored-');
      const r = await admit(['restore', archive], restored);
      assert.equal(r.code, 0, r.stderr);
      const db = join(restored, 'admit.db');
      assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
      const ids = new Set(sqlite(db, `SELECT id FROM registrations WHERE event_id = '${event.eventId}'`).split('\n'));
      const missing = beforeBackup.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], `${missing.length} acknowledged registrations are missing from the backup`);
      const seats = Number(sqlite(db, `SELECT registered_count FROM events WHERE id = '${event.eventId}'`));
      assert.equal(seats, ids.size, 'the seat count is that of the same moment as the registrations');
      assert.ok(ids.size < acknowledged.length, 'the orders acknowledged well after the backup are not in it');
      assert.equal((await stat(db)).mode & 0o777, 0o600, 'the database is the owner\'s alone');
    } finally {
      await srv.stop();
    }
  });
});

describe('admit restore', () => {
  it('is refused while a server runs on the data dir, and changes nothing', async () => {
    const srv = await startServer({ env: FAST_ARGON2 });
    try {
      const org = await signup(srv.baseUrl, 'organizer');
      const archive = join(await tempDir('admit-backup-out-'), 'b.tar');
      assert.equal((await admit(['backup', archive], srv.dataDir)).code, 0);
      await createEvent(srv.baseUrl, org.accessToken); // after the backup: a restore would lose it
      const before = await digestOf(join(srv.dataDir, 'jwt-signing-key.json'));

      const r = await admit(['restore', archive], srv.dataDir);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /a server \(or a backup\) is running on the data dir .*admit\.lock.*stop it first/);
      assert.deepEqual((await readdir(srv.dataDir)).filter((n) => n.startsWith('before-restore') || n.startsWith('.admit')), []);
      assert.equal(await digestOf(join(srv.dataDir, 'jwt-signing-key.json')), before);
      const mine = await api(srv.baseUrl, 'GET', '/api/me/events', { token: org.accessToken });
      assert.equal(mine.status, 200);
      assert.equal(mine.json.items.length, 1, 'the event made after the backup is still there');
    } finally {
      await srv.stop();
    }
  });

  it('refuses an archive whose database fails its check before replacing anything', async () => {
    const srv = await startServer({ env: FAST_ARGON2 });
    const dataDir = srv.dataDir;
    const out = await tempDir('admit-backup-out-');
    try {
      await signup(srv.baseUrl, 'organizer');
      assert.equal((await admit(['backup', join(out, 'good.tar')], dataDir)).code, 0);
    } finally {
      await srv.stop({ keepDataDir: true });
    }
    scratch.push(dataDir);
    // A plain tar: the manifest's header and block, then admit.db's header, then its bytes. A
    // page in the middle of the database overwritten (its b-tree page header made nonsense).
    const tar = await readFile(join(out, 'good.tar'));
    const dbStart = tar.indexOf('SQLite format 3\0');
    assert.ok(dbStart > 0);
    const pageSize = tar.readUInt16BE(dbStart + 16);
    const pages = Number(sqlite(join(dataDir, 'admit.db'), 'PRAGMA page_count'));
    const damaged = Buffer.from(tar);
    for (let p = 1; p < pages; p++) damaged.fill(0x5a, dbStart + p * pageSize, dbStart + p * pageSize + 12);
    await writeFile(join(out, 'damaged.tar'), damaged);
    const before = await digestOf(join(dataDir, 'admit.db'));

    const r = await admit(['restore', join(out, 'damaged.tar')], dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fails integrity_check, nothing was changed/);
    assert.equal(await digestOf(join(dataDir, 'admit.db')), before);
    assert.deepEqual((await readdir(dataDir)).filter((n) => n.startsWith('before-restore') || n.startsWith('.admit')), []);

    const notOurs = join(out, 'other.tar');
    execFileSync('tar', ['-cf', notOurs, '-C', dataDir, 'jwt-signing-key.json']);
    const o = await admit(['restore', notOurs], dataDir);
    assert.equal(o.code, 1);
    assert.match(o.stderr, /is not an admit backup/);
  });

  it('gives a data dir that serves: the restored keys verify the tokens and tickets issued before the backup', async () => {
    const env = { ...FAST_ARGON2, ADMIT_PUBLIC_URL: 'http://tickets.example' }; // one issuer across the servers
    const first = await startServer({ env });
    const out = await tempDir('admit-backup-out-');
    let org;
    let att;
    let ticket;
    try {
      org = await signup(first.baseUrl, 'organizer');
      att = await signup(first.baseUrl, 'attendee');
      const event = await createEvent(first.baseUrl, org.accessToken, { price: 0 });
      ticket = (await registerOk(first.baseUrl, att.accessToken, event.eventId, 1)).tickets[0];
      const r = await admit(['backup', join(out, 'b.tar.zst')], first.dataDir);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await first.stop();
    }

    // A server on a fresh data dir has other keys: the old token means nothing to it.
    const stranger = await startServer({ env });
    try {
      assert.equal((await api(stranger.baseUrl, 'GET', '/api/me', { token: att.accessToken })).status, 401);
    } finally {
      await stranger.stop();
    }

    const dataDir = await tempDir('admit-restored-');
    const r = await admit(['restore', join(out, 'b.tar.zst')], dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await readdir(dataDir)).sort(), ['admit.db', 'admit.lock', 'jwt-signing-key.json']);
    const restored = await startServer({ env: { ...env, ADMIT_DATA_DIR: dataDir } });
    try {
      const me = await api(restored.baseUrl, 'GET', '/api/me', { token: att.accessToken });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.email, att.email);
      const scan = await api(restored.baseUrl, 'POST', '/api/tickets/validate', {
        token: org.accessToken, body: { qrCode: ticket.qrCode },
      });
      assert.equal(scan.status, 200, scan.text);
      assert.equal(scan.json.result, 'valid');
      const refreshed = await api(restored.baseUrl, 'POST', '/api/auth/refresh', { body: { refreshToken: att.refreshToken } });
      assert.equal(refreshed.status, 200, refreshed.text);
    } finally {
      await restored.stop({ keepDataDir: true });
    }
  });
});

describe('scheduled backups', () => {
  it('take one every ADMIT_BACKUP_INTERVAL, keep the newest ADMIT_BACKUP_KEEP, and report them in /metrics', async () => {
    const dir = await tempDir('admit-scheduled-');
    const srv = await startServer({
      env: { ...FAST_ARGON2, ADMIT_BACKUP_DIR: dir, ADMIT_BACKUP_INTERVAL: '1s', ADMIT_BACKUP_KEEP: '2' },
    });
    const seen = new Set();
    try {
      await signup(srv.baseUrl, 'organizer');
      await waitFor('five scheduled backups', async () => {
        const names = (await readdir(dir)).filter((n) => /^admit-\d{8}T\d{6}Z\.tar$/.test(n));
        names.forEach((n) => seen.add(n));
        assert.ok(names.length <= 2 + 1, `${names}`); // the newest may land just before the oldest goes
        return seen.size >= 5;
      }, { ms: 30_000, everyMs: 100 });
      const metrics = await (await fetch(`${srv.baseUrl}/metrics`)).text();
      assert.match(metrics, /^admit_backup_interval_seconds 1$/m);
      assert.match(metrics, /^admit_backup_failures_total 0$/m);
      const last = Number(/^admit_backup_last_success_seconds (\S+)$/m.exec(metrics)[1]);
      assert.ok(Math.abs(last - Date.now() / 1000) < 10, `last success ${last}`);
      assert.ok(Number(/^admit_backup_last_size_bytes (\S+)$/m.exec(metrics)[1]) > 0);
    } finally {
      await srv.stop();
    }
    const left = (await readdir(dir)).sort();
    assert.equal(left.length, 2, `${left}`);
    assert.deepEqual(left, [...seen].sort().slice(-2), 'the newest two are kept');
    const r = await admit(['restore', join(dir, left[1])], await tempDir('admit-restored-'));
    assert.equal(r.code, 0, r.stderr);
  });

  it('are for SQLite: a PostgreSQL node refuses ADMIT_BACKUP_DIR and points at pgBackRest', async () => {
    const r = await admit(['serve', '--listen', '127.0.0.1:0'], await tempDir('admit-pg-'), {
      ADMIT_DATABASE_URL: 'postgresql://admit:admit@127.0.0.1:1/admit', ADMIT_BACKUP_DIR: '/tmp/x',
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pgBackRest/);
  });

  it('reads ADMIT_BACKUP_INTERVAL as seconds or with a unit, and refuses nonsense', async () => {
    for (const bad of ['0', '1w', 'h', '-5', '400d']) {
      const r = await admit(['serve'], await tempDir('admit-bad-'), { ADMIT_BACKUP_DIR: '/tmp/x', ADMIT_BACKUP_INTERVAL: bad });
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /ADMIT_BACKUP_INTERVAL must be a duration/);
    }
  });
});
