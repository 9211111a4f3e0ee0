// Black-box test harness for Admit: starts the real binary, talks HTTP to it.
// Only Node 20 built-ins (node:test, node:assert, global fetch) are used here.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

export const PASSWORD = 'correct horse battery';

export function admitBin() {
  const bin = process.env.ADMIT_BIN;
  if (!bin) {
    throw new Error('ADMIT_BIN is not set: point it at the admit binary (e.g. tests/api/run.sh build/release/src/admit)');
  }
  return bin;
}

/** Waits until `proc` exits; resolves {code, signal}, or null after `ms` milliseconds. */
export function waitExit(proc, ms) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => { proc.off('exit', onExit); resolve(null); }, ms);
    function onExit(code, signal) { clearTimeout(timer); resolve({ code, signal }); }
    proc.once('exit', onExit);
  });
}

// ---- PostgreSQL mode ----
// With ADMIT_TEST_DATABASE_URL set (an admin URL such as scripts/pg-server.sh prints, whose role
// may create databases), every server runs on PostgreSQL: each data dir gets its own fresh
// database, named after the data dir, so a server restarted on the same data dir (the kill -9
// tests) finds its data again; stop() drops it together with the data dir.

/** The admin URL of the PostgreSQL server the suite runs against, or undefined (SQLite). */
export const TEST_DATABASE_URL = process.env.ADMIT_TEST_DATABASE_URL || undefined;
/** True when the servers started here run on PostgreSQL. */
export const PG_MODE = Boolean(TEST_DATABASE_URL);

/** Runs SQL through psql against `url`; resolves stdout. */
export function psql(url, sql) {
  return new Promise((resolve, reject) => {
    const child = execFile('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'],
      { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`psql ${url.replace(/:[^:@/]*@/, ':***@')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    child.stdin.end(sql);
  });
}

/** The test database's name for a data dir: stable across restarts on that dir. */
export function databaseNameFor(dataDir) {
  return `admit_t_${createHash('sha256').update(resolvePath(dataDir)).digest('hex').slice(0, 24)}`;
}

/** `adminUrl` with its database replaced by `name`. */
export function databaseUrl(adminUrl, name) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.href;
}

/** Creates the data dir's database unless it exists; returns its URL. */
export async function ensureTestDatabase(dataDir, adminUrl = TEST_DATABASE_URL) {
  const name = databaseNameFor(dataDir);
  await psql(adminUrl, `SELECT format('CREATE DATABASE %I', '${name}')
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${name}') \\gexec\n`);
  return databaseUrl(adminUrl, name);
}

/** Drops the data dir's database (closing any connection left to it). */
export async function dropTestDatabase(dataDir, adminUrl = TEST_DATABASE_URL) {
  // FORCE ends the connections to it, but only those a non-superuser may signal: an autovacuum
  // worker at work on the database (or any superuser's session) makes the drop fail. Such a
  // worker is done within moments, so try again while that is the reason, for up to 10 s.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await psql(adminUrl, `DROP DATABASE IF EXISTS ${databaseNameFor(dataDir)} WITH (FORCE);\n`);
      return;
    } catch (e) {
      const busy = /process is being terminated|terminate superuser process|pg_signal_backend|being accessed by other users/.test(e.message);
      if (!busy || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Starts `ADMIT_BIN serve` on a free loopback port with a fresh data dir (and, in PostgreSQL
 * mode, the data dir's own database unless `env` names ADMIT_DATABASE_URL). `prefix` runs the
 * binary through another command, e.g. ['bash', '-c', 'ulimit -n 256 && exec "$@"', 'bash'].
 * Returns {baseUrl, port, proc, dataDir, databaseUrl, stdout(), stderr(), stop({keepDataDir})}.
 */
export async function startServer({ env = {}, args = [], prefix = [] } = {}) {
  const bin = admitBin();
  const freshDir = env.ADMIT_DATA_DIR === undefined;
  const dataDir = env.ADMIT_DATA_DIR ?? await mkdtemp(join(tmpdir(), 'admit-api-test-'));
  const ownDatabase = PG_MODE && env.ADMIT_DATABASE_URL === undefined;
  let dbUrl = env.ADMIT_DATABASE_URL;
  if (ownDatabase) {
    try {
      dbUrl = await ensureTestDatabase(dataDir);
    } catch (e) {
      if (freshDir) await rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
  const fullEnv = {
    ...process.env,
    ADMIT_LISTEN: '127.0.0.1:0',
    ADMIT_DATA_DIR: dataDir,
    ADMIT_RATE_LIMIT_AUTH: '0',
    ADMIT_RATE_LIMIT: '0',
    // ADMIT_TEST_LOG_LEVEL raises the server's log level when diagnosing a failure.
    ADMIT_LOG_LEVEL: process.env.ADMIT_TEST_LOG_LEVEL || 'warn',
    ...(dbUrl !== undefined ? { ADMIT_DATABASE_URL: dbUrl } : {}),
    ...env,
    ADMIT_DATA_DIR: dataDir,
  };
  delete fullEnv.ADMIT_TEST_DATABASE_URL;
  const command = [...prefix, bin, 'serve', ...args];
  const proc = spawn(command[0], command.slice(1), { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stdout.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 1e6) stderr = stderr.slice(-5e5); });

  let port;
  let scheme = 'http';
  try {
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`admit did not report "listening on http://127.0.0.1:<port>" within 10 s\n` +
          `stdout:\n${stdout}\nstderr:\n${stderr}`));
      }, 10_000);
      proc.stdout.on('data', (d) => {
        stdout += d;
        const m = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) { clearTimeout(timer); scheme = m[1]; resolve(Number(m[2])); }
      });
      proc.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${bin}: ${e.message}`)); });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`admit exited before it was ready (code ${code}, signal ${signal})\n` +
          `stdout:\n${stdout}\nstderr:\n${stderr}`));
      });
    });
  } catch (e) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await waitExit(proc, 5000);
    await rm(dataDir, { recursive: true, force: true });
    if (ownDatabase && freshDir) await dropTestDatabase(dataDir).catch(() => {});
    throw e;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  proc.stdout.on('data', () => {});

  let stopped = null;
  async function stop({ keepDataDir = false } = {}) {
    if (!stopped) {
      stopped = (async () => {
        let result = await waitExit(proc, 0);
        if (!result) {
          proc.kill('SIGTERM');
          result = await waitExit(proc, 5000);
          if (!result) {
            proc.kill('SIGKILL');
            await waitExit(proc, 5000);
            result = { code: null, signal: 'SIGKILL', killed: true };
          }
        }
        return result;
      })();
    }
    const result = await stopped;
    if (!keepDataDir) {
      await rm(dataDir, { recursive: true, force: true });
      if (ownDatabase) await dropTestDatabase(dataDir);
    }
    return result;
  }

  const srv = {
    baseUrl: `${scheme}://127.0.0.1:${port}`, port, proc, dataDir, databaseUrl: dbUrl, stop,
    stdout: () => stdout, stderr: () => stderr,
  };
  serversByBase.set(srv.baseUrl, srv);
  return srv;
}

/** The servers started by startServer, by base URL, for helpers given only the URL. */
const serversByBase = new Map();

/**
 * Marks the account of `email` verified, as using its verification link would: straight in the
 * server's database, for suites about something else (password_reset.test.mjs follows the link
 * itself). `base` must be a server startServer started.
 */
export async function verifyEmail(base, email) {
  const srv = serversByBase.get(base);
  if (!srv) throw new Error(`verifyEmail: no server of this process listens at ${base}`);
  assert.match(email, /^[^'\\]+$/, 'an address that needs no SQL quoting');
  await databaseSql(srv,
    `UPDATE users SET email_verified_at = created_at WHERE email = '${email.toLowerCase()}' AND email_verified_at IS NULL;`);
}

/** Waits until the server's outbox has nothing left to send (its /metrics say so). */
export async function waitForMailIdle(base, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const waiting = [...text.matchAll(/^admit_mail_outbox_backlog\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    if (waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`the outbox still holds ${waiting} messages after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One HTTP request. `body` is sent as JSON; `rawBody` (string/Buffer) is sent as is with
 * content-type application/json unless `headers` names another.
 * Returns {status, headers (a Headers), json (parsed or undefined), text}.
 */
// A server for a test file and an account for each of `roles` on it, made at once:
// `({ srv, base, accounts: [org, att] } = await startWithAccounts(['organizer', 'attendee']))`.
export async function startWithAccounts(roles, options = {}) {
  const srv = await startServer(options);
  const base = srv.baseUrl;
  const accounts = await Promise.all(roles.map((role) => signup(base, role)));
  return { srv, base, accounts };
}

export async function api(base, method, path, { token, body, headers = {}, rawBody } = {}) {
  const h = { ...headers };
  const lower = Object.fromEntries(Object.keys(h).map((k) => [k.toLowerCase(), k]));
  if (token && !lower.authorization) h.Authorization = `Bearer ${token}`;
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !lower['content-type']) h['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json;
  if (text.length) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  return { status: res.status, headers: res.headers, json, text };
}

export function uniqueWord(prefix = 'w') {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

export function uniqueEmail() {
  return `u-${randomBytes(8).toString('hex')}@example.com`;
}

/** Signs up a fresh user with `role` ("attendee" | "organizer"); asserts 201. */
export async function signup(base, role = 'attendee', extra = {}) {
  const email = uniqueEmail();
  const password = PASSWORD;
  const name = `Test ${role} ${randomBytes(3).toString('hex')}`;
  const r = await api(base, 'POST', '/api/auth/signup', { body: { email, password, name, role, ...extra } });
  assert.equal(r.status, 201, `signup as ${role} failed: ${r.status} ${r.text}`);
  return {
    user: r.json.user,
    accessToken: r.json.accessToken,
    refreshToken: r.json.refreshToken,
    email,
    password,
    name,
  };
}

/** RFC 3339 UTC timestamp `days` from now, whole seconds. */
export function futureDate(days, extraSeconds = 0) {
  const ms = Date.now() + days * 86_400_000 + extraSeconds * 1000;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A valid event body; override any field. */
export function eventBody(overrides = {}) {
  return {
    name: `Concert ${randomBytes(3).toString('hex')}`,
    description: 'An evening of music',
    date: futureDate(30),
    timezone: 'Europe/Berlin',
    location: 'Berlin, Columbiahalle',
    capacity: 100,
    price: 25.5,
    currency: 'EUR',
    ...overrides,
  };
}

/** Creates an event as `token`; asserts 201 and returns the event. */
export async function createEvent(base, token, overrides = {}) {
  const r = await api(base, 'POST', '/api/events', { token, body: eventBody(overrides) });
  assert.equal(r.status, 201, `create event failed: ${r.status} ${r.text}`);
  return r.json;
}

/** Asserts an RFC 9457 problem document with `status`. */
export function assertProblem(r, status, msg = '') {
  const where = `${msg ? msg + ': ' : ''}got ${r.status} ${r.headers.get('content-type')} ${r.text.slice(0, 500)}`;
  assert.equal(r.status, status, where);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /^application\/problem\+json/, `content-type should be application/problem+json; ${where}`);
  assert.ok(r.json && typeof r.json === 'object', `body should be JSON; ${where}`);
  assert.equal(typeof r.json.type, 'string', `problem.type; ${where}`);
  assert.equal(typeof r.json.title, 'string', `problem.title; ${where}`);
  assert.equal(r.json.status, status, `problem.status; ${where}`);
  assert.equal(typeof r.json.detail, 'string', `problem.detail; ${where}`);
  assert.doesNotMatch(r.text, /<html|<!doctype/i, 'no HTML in problem bodies');
}

/** Asserts a 400 validation problem whose errors[] names `field`. */
export function assertFieldError(r, field, msg = '') {
  assertProblem(r, 400, msg);
  assert.ok(Array.isArray(r.json.errors), `errors[] expected (${msg}): ${r.text}`);
  for (const e of r.json.errors) {
    assert.equal(typeof e.field, 'string', `errors[].field (${msg}): ${r.text}`);
    assert.equal(typeof e.message, 'string', `errors[].message (${msg}): ${r.text}`);
  }
  const fields = r.json.errors.map((e) => e.field);
  assert.ok(fields.some((f) => f === field || f.replace(/^\/|^body\./, '') === field),
    `errors[] should name field "${field}" (${msg}); got ${JSON.stringify(fields)}`);
}

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Imports the `jose` installed under tests/node. */
export async function importJose() {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  let resolved;
  try {
    resolved = require.resolve('jose');
  } catch (e) {
    throw new Error(`jose is not installed under tests/node (run npm ci --prefix tests/node): ${e.message}`);
  }
  return import(pathToFileURL(resolved).href);
}

/** All files below `dir`, recursively. */
export async function listFiles(dir) {
  const out = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...await listFiles(p));
    else out.push({ path: p, name: ent.name, stat: await stat(p) });
  }
  return out;
}

// ---- Registrations, tickets and QR codes (helpers added for the registration/ticket suites) ----
// Import declarations are hoisted, so these work from the end of the module too.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

/** POST /api/registrations as `token`; returns the raw api() reply (no assertion). */
export function registerFor(base, token, eventId, quantity, { headers = {}, extra = {} } = {}) {
  const body = { eventId, ...extra };
  if (quantity !== undefined) body.quantity = quantity;
  return api(base, 'POST', '/api/registrations', { token, body, headers });
}

/** Registers and asserts 201; returns the registration. */
export async function registerOk(base, token, eventId, quantity, opts = {}) {
  const r = await registerFor(base, token, eventId, quantity, opts);
  assert.equal(r.status, 201, `registration failed: ${r.status} ${r.text}`);
  return r.json;
}

/**
 * Follows nextCursor through a list endpoint. `path` may carry a query string.
 * Returns {items, sizes} (sizes: the item count of each page).
 */
export async function collectPages(base, path, token, { limit, maxPages = 1000 } = {}) {
  const items = [];
  const sizes = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const u = new URL(path, 'http://x');
    if (limit !== undefined) u.searchParams.set('limit', String(limit));
    if (cursor !== null) u.searchParams.set('cursor', cursor);
    const r = await api(base, 'GET', u.pathname + u.search, { token });
    assert.equal(r.status, 200, `GET ${u.pathname}${u.search}: ${r.status} ${r.text.slice(0, 500)}`);
    assert.ok(Array.isArray(r.json.items), `items[] expected: ${r.text.slice(0, 500)}`);
    assert.ok('nextCursor' in r.json, `nextCursor expected: ${r.text.slice(0, 500)}`);
    items.push(...r.json.items);
    sizes.push(r.json.items.length);
    cursor = r.json.nextCursor;
    if (cursor === null) return { items, sizes };
    assert.equal(typeof cursor, 'string');
  }
  throw new Error(`pagination of ${path} did not end after ${maxPages} pages`);
}

/** Runs `fn(item, index)` over `items` with at most `width` in flight; resolves the results in order. */
export async function mapPool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Decodes unpadded base64url (RFC 4648 §5) strictly; throws on other characters. */
export function b64urlBytes(s) {
  assert.match(s, /^[A-Za-z0-9_-]*$/, `not base64url: ${s}`);
  return Buffer.from(s, 'base64url');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes unpadded RFC 4648 base32 (A-Z2-7); throws on other characters. */
export function base32Bytes(s) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)} in ${s}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** Encodes bytes as unpadded RFC 4648 base32. */
export function base32String(buf) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Parses an Admit QR string: "A" + base32(0x01 | keyId:4 | ticketId:16 | eventId:16 | userId:16 | sig:64).
 * Returns {version, keyId (8 hex chars), ticketId, eventId, userId (as base64url), signed, signature, bytes}.
 */
export function parseQr(qr) {
  assert.equal(typeof qr, 'string', 'qrCode should be a string');
  assert.match(qr, /^A[A-Z2-7]+$/, `qrCode should be "A" + base32: ${qr}`);
  const bytes = base32Bytes(qr.slice(1));
  assert.equal(bytes.length, 117, `QR payload should be 117 bytes, got ${bytes.length}: ${qr}`);
  return {
    version: bytes[0],
    keyId: bytes.subarray(1, 5).toString('hex'),
    ticketId: bytes.subarray(5, 21).toString('base64url'),
    eventId: bytes.subarray(21, 37).toString('base64url'),
    userId: bytes.subarray(37, 53).toString('base64url'),
    signed: bytes.subarray(0, 53),
    signature: bytes.subarray(53, 117),
    bytes,
  };
}

/** A KeyObject for a raw 32-byte Ed25519 public key given as base64url. */
export function ed25519PublicKey(publicKeyB64url) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyB64url }, format: 'jwk' });
}

/** True when `qr`'s signature verifies under the scan key whose keyId the QR names. */
export function verifyQrOffline(qr, keys) {
  const p = parseQr(qr);
  const key = keys.find((k) => k.keyId === p.keyId);
  if (!key) return false;
  return cryptoVerify(null, p.signed, ed25519PublicKey(key.publicKey), p.signature);
}

/** `qr` with one base32 character inside the signature part changed. */
export function tamperQrSignature(qr, index = 150) {
  const c = qr[index];
  const repl = c === 'Q' ? 'R' : 'Q';
  return qr.slice(0, index) + repl + qr.slice(index + 1);
}

function run(cmd, args, { encoding = 'utf8' } = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Checks a PDF with poppler and zbar (tools nobody here wrote): returns {text, qr} where
 * text is `pdftotext` output and qr is what `zbarimg` decodes from the page rendered at 200 dpi.
 */
export async function inspectPdf(pdf) {
  const dir = await mkdtemp(join(tmpdir(), 'admit-pdf-'));
  try {
    const file = join(dir, 'ticket.pdf');
    await writeFile(file, pdf);
    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    await run('pdftoppm', ['-r', '200', '-png', '-singlefile', file, join(dir, 'page')]);
    let qr = '';
    try {
      qr = await run('zbarimg', ['--raw', '-q', join(dir, 'page.png')]);
    } catch (e) {
      qr = `<zbarimg found nothing: ${e.message}>`;
    }
    return { text, qr: qr.replace(/\n$/, '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parses RFC 4180 CSV (CRLF or LF line ends) into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && !fieldStarted) { quoted = true; fieldStarted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; fieldStarted = false; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; fieldStarted = false; i++; continue; }
    field += c; fieldStarted = true; i++;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (fieldStarted || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ---- Payments (helpers added for the payments suite) ----

/**
 * The `stripe` npm package installed under tests/node: Stripe's own SDK, whose
 * `webhooks.generateTestHeaderString({payload, secret, timestamp})` signs webhook payloads.
 */
export function importStripe() {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  let mod;
  try {
    mod = require('stripe');
  } catch (e) {
    throw new Error(`stripe is not installed under tests/node (run npm ci --prefix tests/node): ${e.message}`);
  }
  return mod.default ?? mod;
}

/**
 * Makes `who` (a signup() result) door staff of an event the way people do it: the organizer
 * invites the address, then `who` accepts the invitation. Returns the invitation id.
 */
export async function makeStaff(base, organizerToken, eventId, who) {
  await verifyEmail(base, who.email);  // accepting needs a verified address
  const invited = await api(base, 'POST', `/api/events/${eventId}/staff`,
    { token: organizerToken, body: { email: who.email } });
  assert.ok([200, 201].includes(invited.status), `invite ${who.email}: ${invited.status} ${invited.text}`);
  const accepted = await api(base, 'POST', `/api/staff-invitations/${invited.json.invitationId}/accept`,
    { token: who.accessToken });
  assert.equal(accepted.status, 200, `accept as ${who.email}: ${accepted.text}`);
  return invited.json.invitationId;
}

/**
 * Runs SQL against a server's own database (started by startServer): psql on PostgreSQL, the
 * sqlite3 shell on SQLite (waiting up to 5 s for the server's writer). Resolves the output.
 * For what the API deliberately cannot do, such as moving a record's time into the past.
 */
export function databaseSql(srv, sql) {
  if (srv.databaseUrl && srv.databaseUrl.startsWith('postgres')) return psql(srv.databaseUrl, sql);
  return new Promise((resolve, reject) => {
    const child = execFile('sqlite3', ['-batch', join(srv.dataDir, 'admit.db')],
      { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`sqlite3 failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    child.stdin.end(`.timeout 5000\n${sql}\n`);
  });
}

/** A Stripe-shaped event (as Stripe sends them, API version 2020-08-27) about a payment intent. */
export function stripeEvent(type, intent, { id = uniqueWord('evt_') } = {}) {
  const succeeded = type === 'payment_intent.succeeded';
  return {
    id,
    object: 'event',
    api_version: '2020-08-27',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: {
      object: {
        id: intent.paymentIntentId,
        object: 'payment_intent',
        amount: Math.round((intent.amount ?? 0) * 100),
        currency: (intent.currency ?? 'usd').toLowerCase(),
        status: succeeded ? 'succeeded' : 'requires_payment_method',
        metadata: intent.registrationId ? { registrationId: intent.registrationId } : {},
        last_payment_error: succeeded ? null : { code: 'card_declined', decline_code: 'generic_decline' },
      },
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET /api/events/{id}, which must answer 200; its body. */
export async function getEvent(base, id) {
  const r = await api(base, 'GET', `/api/events/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** GET /api/registrations/{id} as `token`, which must answer 200; its body. */
export async function getRegistration(base, id, token) {
  const r = await api(base, 'GET', `/api/registrations/${id}`, { token });
  assert.equal(r.status, 200, `GET /api/registrations/${id}: ${r.status} ${r.text}`);
  return r.json;
}
