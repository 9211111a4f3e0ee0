// A waiting-list claim goes through the database writer as an ordinary order does: the I/O
// thread that received it never waits for the write. With one I/O thread and the claim's write
// held up (another connection holds SQLite's write lock, or on PostgreSQL the entry's row lock),
// /healthz is still answered at once; once the lock goes, the claim completes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, createEvent, signup } from './harness.mjs';

let srv, base, org;

before(async () => {
  srv = await startServer({
    env: {
      ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_THREADS: '1', ADMIT_WAITLIST_OFFER_SECONDS: '600',
      ADMIT_PUBLIC_URL: 'https://tickets.example',
    },
  });
  base = srv.baseUrl;
  org = await signup(base, 'organizer');
});

after(async () => {
  await srv?.stop();
});

/** Holds the lock a claim of `entryId` needs until release() is called; resolves once held. */
async function holdClaimLock(entryId) {
  const pg = srv.databaseUrl && srv.databaseUrl.startsWith('postgres');
  const child = pg
    ? spawn('psql', ['-X', '-q', '-A', '-t', srv.databaseUrl], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn('sqlite3', ['-batch', join(srv.dataDir, 'admit.db')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const held = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('held')) resolve();
    });
    child.on('exit', () => reject(new Error(`the lock holder exited: ${out}`)));
  });
  child.stdin.write(pg
    ? `BEGIN; SELECT 1 FROM waitlist_entries WHERE id = '${entryId}' FOR UPDATE; SELECT 'held';\n`
    : ".timeout 5000\nBEGIN IMMEDIATE;\nSELECT 'held';\n");
  await held;
  return {
    release: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', resolve);
      child.stdin.end('COMMIT;\n');
    }),
  };
}

describe('a claim and the I/O thread', () => {
  it('with one I/O thread, /healthz answers while a claim waits for the database; then the claim completes', async () => {
    const e = await createEvent(base, org.accessToken, { capacity: 1, price: 0 });
    const holder = await signup(base, 'attendee');
    const waiter = await signup(base, 'attendee');
    const placed = await api(base, 'POST', '/api/registrations', { token: holder.accessToken, body: { eventId: e.eventId } });
    assert.equal(placed.status, 201, placed.text);
    const entry = await api(base, 'POST', `/api/events/${e.eventId}/waitlist`,
      { token: waiter.accessToken, body: { quantity: 1 } });
    assert.equal(entry.status, 201, entry.text);
    const cancelled = await api(base, 'POST', `/api/registrations/${placed.json.registrationId}/cancel`,
      { token: holder.accessToken });
    assert.equal(cancelled.status, 200, cancelled.text);

    const lock = await holdClaimLock(entry.json.waitlistEntryId);
    let claimed;
    try {
      claimed = api(base, 'POST', '/api/registrations', {
        token: waiter.accessToken, body: { eventId: e.eventId, waitlistEntryId: entry.json.waitlistEntryId },
      });
      // Give the claim time to reach the writer, then ask the one I/O thread for something else.
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) });
      assert.equal(health.status, 200);
      assert.ok(Date.now() - started < 1500, 'answered while the claim waits');
    } finally {
      await lock.release();
    }
    const done = await claimed;
    assert.equal(done.status, 201, done.text);
    assert.equal(done.json.status, 'confirmed');
  });
});
