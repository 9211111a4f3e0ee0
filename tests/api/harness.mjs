// Black-box test harness for Admit: starts the real binary, talks HTTP to it.
// Only Node 20 built-ins (node:test, node:assert, global fetch) are used here.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
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

/**
 * Starts `ADMIT_BIN serve` on a free loopback port with a fresh data dir.
 * Returns {baseUrl, port, proc, dataDir, stderr(), stop({keepDataDir})}.
 */
export async function startServer({ env = {}, args = [] } = {}) {
  const bin = admitBin();
  const dataDir = env.ADMIT_DATA_DIR ?? await mkdtemp(join(tmpdir(), 'admit-api-test-'));
  const fullEnv = {
    ...process.env,
    ADMIT_LISTEN: '127.0.0.1:0',
    ADMIT_DATA_DIR: dataDir,
    ADMIT_RATE_LIMIT_AUTH: '0',
    ADMIT_RATE_LIMIT: '0',
    // ADMIT_TEST_LOG_LEVEL raises the server's log level when diagnosing a failure.
    ADMIT_LOG_LEVEL: process.env.ADMIT_TEST_LOG_LEVEL || 'warn',
    ...env,
    ADMIT_DATA_DIR: dataDir,
  };
  const proc = spawn(bin, ['serve', ...args], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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
    await rm(dataDir, { recursive: true, force: true });
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
    if (!keepDataDir) await rm(dataDir, { recursive: true, force: true });
    return result;
  }

  return { baseUrl: `${scheme}://127.0.0.1:${port}`, port, proc, dataDir, stop, stderr: () => stderr };
}

/**
 * One HTTP request. `body` is sent as JSON; `rawBody` (string/Buffer) is sent as is with
 * content-type application/json unless `headers` names another.
 * Returns {status, headers (a Headers), json (parsed or undefined), text}.
 */
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
