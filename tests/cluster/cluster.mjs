// Multi-node test helpers: a whole cluster started by scripts/cluster.sh (PostgreSQL, several
// `admit serve` nodes, HAProxy in front), and requests that record which node answered.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLUSTER_SH = join(REPO, 'scripts/cluster.sh');
const PG_SERVER_SH = join(REPO, 'scripts/pg-server.sh');

export const WEBHOOK_SECRET = 'whsec_cluster_test_secret';
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a script; resolves {code, stdout, stderr}. Rejects on a non-zero exit unless `allowFail`. */
function runScript(args, { env = {}, allowFail = false, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile('bash', args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (err && !allowFail) reject(new Error(`bash ${args.join(' ')} failed (${err.message})\n${stdout}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      });
  });
}

/** KEY=VALUE lines → object. */
function parseLines(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Starts a cluster of `nodes` admit nodes behind HAProxy with its own PostgreSQL server.
 * Rate limits are off and password hashing is cheap, so tests can sign up many users.
 * Returns {dir, balancer, nodeUrls, database, killNode, startNode, stopDatabase, startDatabase,
 * nodeLog, stop}.
 */
export async function startCluster({ nodes = 3, env = {} } = {}) {
  if (!process.env.ADMIT_BIN) throw new Error('ADMIT_BIN is not set (tests/cluster/run.sh <admit binary>)');
  const dir = await mkdtemp(join(tmpdir(), 'admit-cluster-test-'));
  const clusterEnv = {
    ADMIT_RATE_LIMIT: '0',
    ADMIT_RATE_LIMIT_AUTH: '0',
    ADMIT_ARGON2_MEMORY_KIB: '1024',
    ADMIT_PAYMENT_PROVIDER: 'sandbox',
    ADMIT_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ADMIT_LOG_LEVEL: process.env.ADMIT_TEST_LOG_LEVEL || 'warn',
    ...env,
  };
  let started;
  try {
    started = await runScript([CLUSTER_SH, 'start', dir, '--nodes', String(nodes)], { env: clusterEnv });
  } catch (e) {
    await runScript([CLUSTER_SH, 'stop', dir], { allowFail: true });
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const info = parseLines(started.stdout);
  const nodeUrls = Array.from({ length: nodes }, (_, i) => info[`node${i + 1}`]);
  assert.ok(info.balancer && nodeUrls.every(Boolean), `cluster.sh start printed: ${started.stdout}`);

  const c = {
    dir,
    balancer: info.balancer,
    nodeUrls,
    database: info.database,
    /** kill -9 node i (1-based), as a crash would; resolves once it is gone. */
    async killNode(i, signal = 'KILL') {
      await runScript([CLUSTER_SH, 'kill-node', dir, String(i), signal]);
    },
    /** (Re)starts node i on its port; resolves its URL once it is ready. */
    async startNode(i) {
      const r = await runScript([CLUSTER_SH, 'start-node', dir, String(i)], { env: clusterEnv });
      return parseLines(r.stdout)[`node${i}`];
    },
    async nodePid(i) {
      return Number((await readFile(join(dir, `node-${i}.pid`), 'utf8')).trim());
    },
    /** Stops PostgreSQL (fast shutdown: sessions are cut, open transactions roll back). */
    async stopDatabase() {
      await runScript([PG_SERVER_SH, 'stop', join(dir, 'pg')]);
    },
    async startDatabase() {
      await runScript([PG_SERVER_SH, 'start', join(dir, 'pg')]);
    },
    async nodeLog(i) {
      return readFile(join(dir, `node-${i}.log`), 'utf8').catch(() => '');
    },
    async logs() {
      const parts = [];
      for (let i = 1; i <= nodes; i++) parts.push(`--- node ${i}\n${(await c.nodeLog(i)).slice(-4000)}`);
      parts.push(`--- haproxy\n${(await readFile(join(dir, 'haproxy.log'), 'utf8').catch(() => '')).slice(-4000)}`);
      return parts.join('\n');
    },
    async stop() {
      await runScript([CLUSTER_SH, 'stop', dir], { allowFail: true, timeout: 180_000 });
      if (!process.env.ADMIT_KEEP_CLUSTER) await rm(dir, { recursive: true, force: true });
    },
  };
  return c;
}

/**
 * One HTTP request with a 20 s timeout. Returns {status, headers, json, text, node} (node: the
 * X-Admit-Node header HAProxy adds, e.g. "node2"), or throws on a network error.
 */
export async function api(base, method, path, { token, body, headers = {}, rawBody, timeoutMs = 20_000 } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try { json = text.length ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, headers: res.headers, json, text, node: res.headers.get('x-admit-node') };
}

/** A problem document with `status` (and, if given, `type`)? Returns a reason string when not, else ''. */
export function problemMismatch(r, status, type) {
  const ct = r.headers.get('content-type') || '';
  if (r.status !== status) return `status ${r.status}, expected ${status}`;
  if (!/^application\/problem\+json/.test(ct)) return `content-type ${ct}`;
  if (!r.json || r.json.status !== status || typeof r.json.title !== 'string' || typeof r.json.detail !== 'string') return `body ${r.text.slice(0, 300)}`;
  if (type && r.json.type !== type) return `type ${r.json.type}, expected ${type}`;
  return '';
}

// Runs `fn(item, index)` over `items` with at most `width` in flight (the black-box suites' helper).
export { mapPool } from '../api/harness.mjs';

/** A compact histogram of statuses (and problem types) for assertion messages. */
export function statusSummary(rs) {
  const m = new Map();
  for (const r of rs) {
    const k = r ? `${r.status}${r.json?.type ? ' ' + r.json.type : ''}` : 'network error';
    m.set(k, (m.get(k) || 0) + 1);
  }
  return JSON.stringify(Object.fromEntries(m));
}

export function futureDate(days) {
  return new Date(Math.floor((Date.now() + days * 86_400_000) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let counter = 0;
export function uniqueEmail(prefix = 'u') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}@cluster.example`;
}

export const PASSWORD = 'correct horse battery';

/** Signs up through `base`; asserts 201; returns {email, password, accessToken, refreshToken, user, node}. */
export async function signup(base, role = 'attendee') {
  const email = uniqueEmail(role);
  const r = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: `Cluster ${role}`, role } });
  assert.equal(r.status, 201, `signup: ${r.status} ${r.text}`);
  return { email, password: PASSWORD, accessToken: r.json.accessToken, refreshToken: r.json.refreshToken, user: r.json.user, node: r.node };
}

/** Creates an event as `token`; asserts 201. */
export async function createEvent(base, token, overrides = {}) {
  const r = await api(base, 'POST', '/api/events', {
    token,
    body: {
      name: `Cluster sale ${Date.now().toString(36)}`,
      description: 'Many nodes, one database',
      date: futureDate(30),
      timezone: 'Europe/Berlin',
      location: 'Arena',
      capacity: 100,
      price: 0,
      currency: 'EUR',
      ...overrides,
    },
  });
  assert.equal(r.status, 201, `create event: ${r.status} ${r.text}`);
  return r.json;
}

/** Every registration of an event, through the organizer's list (all pages). */
export async function eventRegistrations(base, token, eventId) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 10_000; page++) {
    const q = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api(base, 'GET', `/api/events/${eventId}/registrations?${q}`, { token });
    assert.equal(r.status, 200, `registrations list: ${r.status} ${r.text.slice(0, 300)}`);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('registrations list did not end');
}

/** Seats per status among `regs`. */
export function seatsByStatus(regs) {
  const out = {};
  for (const g of regs) out[g.status] = (out[g.status] || 0) + (g.quantity ?? 1);
  return out;
}
