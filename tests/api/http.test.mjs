// The HTTP layer: routing errors, limits, request ids, tracing, problem documents, CORS,
// security headers, operations endpoints, OpenAPI inventory, rate limits, graceful shutdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  startServer, api, signup, eventBody, createEvent, assertProblem, waitExit, listFiles, PG_MODE,
} from './harness.mjs';

let srv;
let base;
let org;

before(async () => {
  srv = await startServer();
  base = srv.baseUrl;
  org = await signup(base, 'organizer');
});

after(async () => {
  await srv?.stop();
});

describe('routing errors', () => {
  it('404 problem+json for an unknown route', async () => {
    assertProblem(await api(base, 'GET', '/api/nope'), 404, 'unknown API route');
    assertProblem(await api(base, 'POST', '/api/nope', { body: {} }), 404, 'unknown API route, POST');
  });

  it('405 with an Allow header for a wrong method', async () => {
    const r = await api(base, 'PATCH', '/api/events', { token: org.accessToken, body: {} });
    assertProblem(r, 405, 'PATCH /api/events');
    const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim().toUpperCase());
    assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow: ${r.headers.get('allow')}`);
    assert.ok(!allow.includes('PATCH'));

    const r2 = await api(base, 'DELETE', '/api/events', { token: org.accessToken });
    assertProblem(r2, 405, 'DELETE /api/events');
    assert.ok(r2.headers.get('allow'), 'Allow header on 405');

    const e = await createEvent(base, org.accessToken);
    const r3 = await api(base, 'POST', `/api/events/${e.eventId}`, { token: org.accessToken, body: {} });
    assertProblem(r3, 405, 'POST /api/events/{id}');
    const allow3 = (r3.headers.get('allow') || '').split(',').map((s) => s.trim().toUpperCase());
    for (const m of ['GET', 'PUT', 'DELETE']) assert.ok(allow3.includes(m), `Allow: ${r3.headers.get('allow')}`);
  });
});

describe('limits', () => {
  it('413 for a body over 1 MiB', async () => {
    const big = eventBody({ description: 'x'.repeat(1024 * 1024 + 10) });
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body: big });
    assertProblem(r, 413, 'body over 1 MiB');
  });

  it('accepts a body just under 1 MiB (not rejected for size)', async () => {
    const body = eventBody({ description: 'y'.repeat(1000 * 1000) });
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body });
    assert.notEqual(r.status, 413, r.text.slice(0, 300));
  });

  it('431 for a request header over 16 KiB', async () => {
    const r = await api(base, 'GET', '/api/events', { headers: { 'X-Big': 'a'.repeat(17 * 1024) } });
    assert.equal(r.status, 431, r.text.slice(0, 300));
  });

  it('the server still answers after the oversized requests', async () => {
    const r = await api(base, 'GET', '/healthz');
    assert.equal(r.status, 200);
  });
});

describe('request ids and tracing', () => {
  it('every response carries X-Request-Id', async () => {
    const rs = await Promise.all([
      api(base, 'GET', '/healthz'),
      api(base, 'GET', '/api/events'),
      api(base, 'GET', '/api/nope'),
      api(base, 'GET', '/api/me'),
      api(base, 'PATCH', '/api/events'),
      api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: '{' }),
      api(base, 'GET', '/metrics'),
    ]);
    const ids = rs.map((r) => r.headers.get('x-request-id'));
    for (const [i, id] of ids.entries()) assert.ok(id && id.length > 0, `response ${i} (${rs[i].status}) has no X-Request-Id`);
    assert.equal(new Set(ids).size, ids.length, `request ids are unique: ${ids}`);
  });

  it('propagates a W3C traceparent trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const r = await api(base, 'GET', '/api/events', { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    assert.equal(r.status, 200);
    const tp = r.headers.get('traceparent');
    assert.ok(tp, 'response has a traceparent header');
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(tp);
    assert.ok(m, `traceparent format: ${tp}`);
    assert.equal(m[1], traceId);
  });

  it('ignores a malformed traceparent without failing the request', async () => {
    const r = await api(base, 'GET', '/healthz', { headers: { traceparent: 'garbage' } });
    assert.equal(r.status, 200);
  });
});

describe('problem documents', () => {
  it('errors use application/problem+json with type, title, status, detail', async () => {
    const cases = [
      [await api(base, 'GET', '/api/nope'), 404],
      [await api(base, 'GET', '/api/me'), 401],
      [await api(base, 'GET', '/api/events?limit=0'), 400],
      [await api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: '{' }), 400],
      [await api(base, 'GET', '/api/events/does-not-exist'), 404],
    ];
    for (const [r, status] of cases) assertProblem(r, status);
  });

  it('never leaks internals', async () => {
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: '{"name": \u0000}' });
    assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
    assert.doesNotMatch(r.text, /sqlite|SELECT |std::|exception|\.cpp|stack/i);
  });
});

describe('security headers', () => {
  it('X-Content-Type-Options: nosniff on JSON, problem and text responses', async () => {
    for (const path of ['/api/events', '/api/nope', '/healthz', '/metrics']) {
      const r = await api(base, 'GET', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('no CORS headers when no origins are configured', async () => {
    const r = await api(base, 'GET', '/api/events', { headers: { Origin: 'https://evil.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });
});

describe('CORS (ADMIT_CORS_ORIGINS=https://app.example)', () => {
  let cors;
  before(async () => { cors = await startServer({ env: { ADMIT_CORS_ORIGINS: 'https://app.example' } }); });
  after(async () => { await cors?.stop(); });

  it('answers a preflight from an allowed origin with 204', async () => {
    const r = await api(cors.baseUrl, 'OPTIONS', '/api/events', {
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
    const methods = (r.headers.get('access-control-allow-methods') || '').toUpperCase();
    assert.match(methods, /POST/, `Allow-Methods: ${methods}`);
    const hdrs = (r.headers.get('access-control-allow-headers') || '').toLowerCase();
    assert.match(hdrs, /authorization/, `Allow-Headers: ${hdrs}`);
    assert.match(hdrs, /content-type/, `Allow-Headers: ${hdrs}`);
  });

  it('gives no Access-Control-Allow-Origin to another origin', async () => {
    const r = await api(cors.baseUrl, 'OPTIONS', '/api/events', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(r.headers.get('access-control-allow-origin'), null, `status ${r.status}`);
    const g = await api(cors.baseUrl, 'GET', '/api/events', { headers: { Origin: 'https://evil.example' } });
    assert.equal(g.headers.get('access-control-allow-origin'), null);
  });

  it('adds Access-Control-Allow-Origin to actual requests from the allowed origin', async () => {
    const r = await api(cors.baseUrl, 'GET', '/api/events', { headers: { Origin: 'https://app.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.notEqual(r.headers.get('access-control-allow-origin'), '*');
    const vary = (r.headers.get('vary') || '').toLowerCase();
    assert.match(vary, /origin/, `Vary: ${vary}`);
  });
});

describe('operations endpoints', () => {
  it('GET /healthz → 200 {"status":"ok"}', async () => {
    const r = await api(base, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
  });

  it('GET /readyz → 200', async () => {
    const r = await api(base, 'GET', '/readyz');
    assert.equal(r.status, 200, r.text);
  });

  it('GET /metrics → Prometheus text with request counters and histograms', async () => {
    await api(base, 'GET', '/api/events');
    const r = await api(base, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^(text\/plain|application\/openmetrics-text)/);
    assert.ok(r.text.includes('admit_http_requests_total{'), 'admit_http_requests_total{');
    assert.ok(r.text.includes('admit_http_request_duration_seconds_bucket{'), 'admit_http_request_duration_seconds_bucket{');
    assert.match(r.text, /# TYPE admit_http_requests_total counter/);
    assert.match(r.text, /# TYPE admit_http_request_duration_seconds histogram/);
    // The scrape itself is in flight while the server renders it.
    assert.match(r.text, /# TYPE admit_http_requests_in_flight gauge/);
    const inFlight = /^admit_http_requests_in_flight (\d+)$/m.exec(r.text);
    assert.ok(inFlight && Number(inFlight[1]) >= 1, `requests in flight: ${inFlight?.[1]}`);
  });

  it('GET /metrics → the process metrics Prometheus clients export, with plausible values', async () => {
    const r = await api(base, 'GET', '/metrics');
    const metric = (name, type) => {
      assert.match(r.text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} is a ${type}`);
      const m = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(r.text);
      assert.ok(m, `${name} has a value`);
      return Number(m[1]);
    };
    const cpu = metric('process_cpu_seconds_total', 'counter');
    assert.ok(cpu > 0 && cpu < 3600, `cpu ${cpu}`);
    const rss = metric('process_resident_memory_bytes', 'gauge');
    assert.ok(rss > 1e6 && rss < 2e9, `rss ${rss}`);
    assert.ok(metric('process_virtual_memory_bytes', 'gauge') >= rss);
    const fds = metric('process_open_fds', 'gauge');
    assert.ok(fds >= 4, `at least stdin, stdout, stderr and the listening socket: ${fds}`);
    assert.ok(metric('process_max_fds', 'gauge') > fds);
    const started = metric('process_start_time_seconds', 'gauge') * 1000;
    assert.ok(started <= Date.now() && started > Date.now() - 3600_000, `started ${new Date(started).toISOString()}`);
  });

  it('GET /api/openapi.json → OpenAPI 3.1 covering every route', async () => {
    const r = await api(base, 'GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /json/);
    assert.equal(r.json.openapi, '3.1.0');
    assert.ok(r.json.info && r.json.paths, 'info and paths');
    const norm = (p) => p.replace(/\{[^}]+\}/g, '{}');
    const paths = new Map(Object.entries(r.json.paths).map(([p, v]) => [norm(p), v]));
    const routes = [
      ['post', '/api/auth/signup'], ['post', '/api/auth/login'], ['post', '/api/auth/refresh'],
      ['post', '/api/auth/logout'], ['get', '/api/me'], ['get', '/api/me/events'],
      ['get', '/.well-known/jwks.json'],
      ['get', '/api/events'], ['post', '/api/events'],
      ['get', '/api/events/{}'], ['put', '/api/events/{}'], ['delete', '/api/events/{}'],
      ['get', '/healthz'], ['get', '/readyz'], ['get', '/metrics'], ['get', '/api/openapi.json'],
    ];
    const missing = routes.filter(([m, p]) => !paths.get(p)?.[m]).map(([m, p]) => `${m.toUpperCase()} ${p}`);
    assert.deepEqual(missing, [], `routes missing from the OpenAPI document: ${missing.join(', ')}`);
  });
});

describe('global rate limit (ADMIT_RATE_LIMIT=5)', () => {
  let limited;
  before(async () => { limited = await startServer({ env: { ADMIT_RATE_LIMIT: '5' } }); });
  after(async () => { await limited?.stop(); });

  it('a burst of 50 GET /api/events meets 429 with Retry-After', async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, () => api(limited.baseUrl, 'GET', '/api/events')));
    const limitedRs = rs.filter((r) => r.status === 429);
    const ok = rs.filter((r) => r.status === 200);
    assert.ok(limitedRs.length > 0, `no 429 in a burst of 50: ${rs.map((r) => r.status)}`);
    assert.ok(ok.length > 0, 'some requests pass');
    assert.equal(ok.length + limitedRs.length, 50, `only 200/429: ${rs.map((r) => r.status)}`);
    const r = limitedRs[0];
    assertProblem(r, 429, 'global limit');
    const ra = r.headers.get('retry-after');
    assert.match(ra ?? '', /^\d+$/, `Retry-After: ${ra}`);
    assert.ok(Number(ra) >= 1);
  });

  it('/healthz, /readyz and /metrics are exempt', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => api(limited.baseUrl, 'GET', path)));
      assert.deepEqual([...new Set(rs.map((r) => r.status))], [200], `${path}: ${rs.map((r) => r.status)}`);
    }
  });
});

describe('process', () => {
  it('exits 0 within 5 s on SIGTERM; the signing key file is mode 0600', async () => {
    const s = await startServer();
    try {
      // Make sure a key exists (signup issues a token) and a request went through.
      await signup(s.baseUrl, 'attendee');
      s.proc.kill('SIGTERM');
      const res = await waitExit(s.proc, 5000);
      assert.ok(res, 'exited within 5 s of SIGTERM');
      assert.equal(res.code, 0, `exit code (signal ${res.signal})\nstderr:\n${s.stderr()}`);

      // On PostgreSQL the signing key's seed lives in the database, shared by every node.
      if (PG_MODE) return;
      const files = await listFiles(s.dataDir);
      const keys = files.filter((f) => f.name.toLowerCase().includes('key'));
      assert.ok(keys.length > 0, `no key file in the data dir: ${files.map((f) => f.path)}`);
      for (const f of keys) {
        assert.equal(f.stat.mode & 0o077, 0, `${f.path} mode ${(f.stat.mode & 0o777).toString(8)}`);
      }
    } finally {
      await s.stop();
    }
  });

  it('restarts on the same data dir and keeps users and tokens valid', async () => {
    const s = await startServer();
    let s2;
    try {
      const acct = await signup(s.baseUrl, 'organizer');
      const e = await createEvent(s.baseUrl, acct.accessToken);
      await s.stop({ keepDataDir: true });
      s2 = await startServer({ env: { ADMIT_DATA_DIR: s.dataDir } });
      const me = await api(s2.baseUrl, 'GET', '/api/me', { token: acct.accessToken });
      // The issuer carries the port, which changed; logging in again must work regardless.
      const login = await api(s2.baseUrl, 'POST', '/api/auth/login', { body: { email: acct.email, password: acct.password } });
      assert.equal(login.status, 200, login.text);
      assert.ok(me.status === 200 || me.status === 401, `me: ${me.status}`);
      const g = await api(s2.baseUrl, 'GET', `/api/events/${e.eventId}`);
      assert.equal(g.status, 200, 'the event survived a restart');
      assert.equal(g.json.name, e.name);
    } finally {
      await s2?.stop();
      await s.stop();
    }
  });
});
