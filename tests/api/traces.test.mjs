// Traces: with ADMIT_OTLP_ENDPOINT set, admit sends OTLP/HTTP protobuf spans to a collector.
// The test collector (support/otlp_collector.mjs) decodes them with a declaration checked
// against the OpenTelemetry project's own serializer (@opentelemetry/otlp-transformer).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, signup, createEvent, PG_MODE, admitBin } from './harness.mjs';
import { startCollector, checkDecoderAgainstOpenTelemetry } from './support/otlp_collector.mjs';

const DB_READ = PG_MODE ? 'postgresql' : 'sqlite read';
const DB_WRITE = PG_MODE ? 'postgresql registration batch' : 'sqlite write (group commit)';
const SERVER = 2;
const INTERNAL = 1;
const CLIENT = 3;

async function until(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const newTraceId = () => randomBytes(16).toString('hex');
const newSpanId = () => randomBytes(8).toString('hex');

function spansOf(collector, traceId) {
  return collector.spans.filter((s) => s.traceId === traceId);
}

/** Waits for a trace's server span and the `count` spans expected under it. */
function trace(collector, traceId, count) {
  return until(`${count} spans of trace ${traceId}`, () => {
    const spans = spansOf(collector, traceId);
    // Spans arrive as they end, the server span last: wait for it as well as for the count.
    return spans.length >= count && spans.some((s) => s.kind === SERVER) ? spans : null;
  });
}

function childOf(spans, parent, name) {
  const child = spans.find((s) => s.name === name && s.parentSpanId === parent.spanId);
  assert.ok(child, `no span "${name}" under "${parent.name}": ${JSON.stringify(spans.map((s) => [s.name, s.spanId, s.parentSpanId]))}`);
  assert.ok(child.start >= parent.start && child.end <= parent.end, `"${name}" lies within "${parent.name}"`);
  return child;
}

async function metric(base, name) {
  const r = await api(base, 'GET', '/metrics');
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(r.text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

describe('traces', () => {
  let collector;
  let srv;
  let base;
  let organizer;
  let attendee;
  let event;

  before(async () => {
    collector = await startCollector();
    srv = await startServer({ env: { ADMIT_OTLP_ENDPOINT: collector.url, ADMIT_LOG_LEVEL: 'info' } });
    base = srv.baseUrl;
    organizer = await signup(base, 'organizer');
    attendee = await signup(base, 'attendee');
    event = await createEvent(base, organizer.accessToken, { price: 0, capacity: 50 });
  });

  after(async () => {
    await srv?.stop();
    await collector?.close();
  });

  it('decodes with a declaration that reads what OpenTelemetry itself encodes', () => {
    checkDecoderAgainstOpenTelemetry(assert);
  });

  it("continues the caller's traceparent: request, use case and database spans, named by route", async () => {
    const traceId = newTraceId();
    const caller = newSpanId();
    const path = `/api/events/${event.eventId}`;
    const r = await api(base, 'GET', path, { headers: { traceparent: `00-${traceId}-${caller}-01` } });
    assert.equal(r.status, 200, r.text);
    const spans = await trace(collector, traceId, 3);

    const server = spans.find((s) => s.kind === SERVER);
    assert.ok(server, 'a server span');
    assert.equal(server.name, 'GET /api/events/{id}');
    assert.equal(server.parentSpanId, caller, "the caller's span is the server span's parent");
    assert.equal(server.attributes['http.route'], '/api/events/{id}');
    assert.equal(server.attributes['http.request.method'], 'GET');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.attributes['url.path'], path);
    assert.equal(server.attributes['url.scheme'], 'http');
    assert.equal(server.status, 0, 'a 200 leaves the status unset');
    assert.equal(r.headers.get('traceparent'), `00-${traceId}-${server.spanId}-01`, 'the response names the server span');

    const useCase = childOf(spans, server, 'get_event');
    assert.equal(useCase.kind, INTERNAL);
    const read = childOf(spans, useCase, DB_READ);
    assert.equal(read.kind, CLIENT);
    assert.equal(read.attributes['db.system'], PG_MODE ? 'postgresql' : 'sqlite');

    assert.equal(server.resource['service.name'], 'admit');
    assert.match(String(server.resource['service.version']), /^\d+\.\d+\.\d+/);
    assert.ok(server.resource['host.name'], 'host.name');
    assert.match(String(server.resource['service.instance.id']), /^[0-9a-f]{32}$/);
    assert.equal(server.scope, 'admit');
    assert.deepEqual(collector.requests.contentTypes, new Set(['application/x-protobuf']));

    // The request's log line carries the trace and span ids, so logs and traces join.
    const line = await until('the request log line', () => srv.stdout().split('\n').find((l) => l.includes(`"spanId":"${server.spanId}"`)));
    const logged = JSON.parse(line);
    assert.equal(logged.traceId, traceId);
    assert.equal(logged.route, '/api/events/{id}');
  });

  it("gives a write its database batch's span under the use case", async () => {
    const traceId = newTraceId();
    const r = await api(base, 'POST', '/api/registrations', {
      token: attendee.accessToken,
      body: { eventId: event.eventId, quantity: 1 },
      headers: { traceparent: `00-${traceId}-${newSpanId()}-01` },
    });
    assert.equal(r.status, 201, r.text);
    const spans = await trace(collector, traceId, 3);
    const server = spans.find((s) => s.kind === SERVER);
    assert.equal(server.name, 'POST /api/registrations');
    assert.equal(server.attributes['http.response.status_code'], 201);
    const useCase = childOf(spans, server, 'register_attendee');
    childOf(spans, useCase, DB_WRITE);
  });

  it('starts a new trace without a traceparent, and records none under an unsampled one', async () => {
    const unsampled = newTraceId();
    assert.equal((await api(base, 'GET', '/api/events', { headers: { traceparent: `00-${unsampled}-${newSpanId()}-00` } })).status, 200);
    const fresh = await api(base, 'GET', '/healthz');
    const [, freshTrace, freshSpan, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(fresh.headers.get('traceparent'));
    assert.equal(flags, '01');
    const [root] = await trace(collector, freshTrace, 1);
    assert.equal(root.spanId, freshSpan);
    assert.equal(root.parentSpanId, '', 'a root span has no parent');
    assert.equal(root.name, 'GET /healthz');
    // The exporter sends in order: the unsampled request's spans would have come before these.
    assert.deepEqual(spansOf(collector, unsampled), []);
  });

  it('names an unmatched request by its method only, never its raw path', async () => {
    const traceId = newTraceId();
    const r = await api(base, 'GET', `/api/no-such-thing/${randomBytes(4).toString('hex')}`, { headers: { traceparent: `00-${traceId}-${newSpanId()}-01` } });
    assert.equal(r.status, 404);
    const [span] = await trace(collector, traceId, 1);
    assert.equal(span.name, 'GET');
    assert.equal(span.attributes['http.route'], undefined);
    assert.equal(span.attributes['http.response.status_code'], 404);
  });
});

describe('traces at a sample ratio of 0', () => {
  let collector;
  let srv;

  before(async () => {
    collector = await startCollector();
    srv = await startServer({ env: { ADMIT_OTLP_ENDPOINT: collector.url, ADMIT_OTLP_SAMPLE_RATIO: '0' } });
  });

  after(async () => {
    await srv?.stop();
    await collector?.close();
  });

  it("records no new trace, but follows a caller's sampled flag", async () => {
    const unrecorded = await api(srv.baseUrl, 'GET', '/healthz');
    const [, freshTrace, , flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(unrecorded.headers.get('traceparent'));
    assert.equal(flags, '00');
    const traceId = newTraceId();
    assert.equal((await api(srv.baseUrl, 'GET', '/healthz', { headers: { traceparent: `00-${traceId}-${newSpanId()}-01` } })).status, 200);
    await trace(collector, traceId, 1);
    assert.deepEqual(spansOf(collector, freshTrace), []);
  });
});

describe('a dead collector', () => {
  let collector;
  let srv;
  let eventPath;

  before(async () => {
    collector = await startCollector();
    // A small queue, so that a hung export (2 s) fills it within the burst.
    srv = await startServer({ env: { ADMIT_OTLP_ENDPOINT: collector.url, ADMIT_OTLP_QUEUE_SIZE: '256' } });
    const organizer = await signup(srv.baseUrl, 'organizer');
    eventPath = `/api/events/${(await createEvent(srv.baseUrl, organizer.accessToken)).eventId}`;
  });

  after(async () => {
    await srv?.stop();
    await collector?.close();
  });

  /** `total` event reads over `concurrency` kept-alive clients; `during(i)` runs before the i-th. */
  async function burst(total, concurrency, during = () => {}) {
    const latencies = [];
    let next = 0;
    async function client() {
      while (next < total) {
        const i = next++;
        during(i);
        const started = process.hrtime.bigint();
        const r = await fetch(srv.baseUrl + eventPath);
        await r.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        assert.equal(r.status, 200);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, client));
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return { p50: at(0.5), p99: at(0.99) };
  }

  it('leaves request latency alone when the collector hangs or dies mid-load, and counts the dropped spans', async (t) => {
    const N = 1500;
    const C = 16;
    await burst(200, C);  // warm-up
    const up = await burst(N, C);
    const exportedBefore = await metric(srv.baseUrl, 'admit_trace_spans_exported_total');
    assert.ok(exportedBefore > 0, 'spans reached the collector while it was up');
    const droppedBefore = await metric(srv.baseUrl, 'admit_trace_spans_dropped_total');

    // A collector that takes connections and never answers, from a tenth of the way in: the
    // queue fills while an export hangs for its 2 s timeout.
    const hung = await burst(N, C, (i) => { if (i === N / 10) collector.setMode('blackhole'); });
    // Then none at all: connections refused.
    await collector.close();
    const gone = await burst(N, C);

    const within = (dead, label) => {
      const report = `${label}: p50 ${dead.p50.toFixed(2)} ms, p99 ${dead.p99.toFixed(2)} ms; ` +
        `collector up: p50 ${up.p50.toFixed(2)} ms, p99 ${up.p99.toFixed(2)} ms`;
      t.diagnostic(report);
      assert.ok(dead.p50 <= (3 * up.p50) + 5 && dead.p99 <= (3 * up.p99) + 30, report);
    };
    within(hung, 'collector hung');
    within(gone, 'collector gone');

    const dropped = await metric(srv.baseUrl, 'admit_trace_spans_dropped_total');
    assert.ok(dropped > droppedBefore, `dropped spans counted (${droppedBefore} → ${dropped})`);
    assert.ok(await metric(srv.baseUrl, 'admit_trace_spans_failed_total') > 0, 'failed exports counted');
  });
});

describe('tracing settings', () => {
  it('refuses to start with a sample ratio outside 0..1, a collector URL that is not http(s), or an empty queue', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'admit-traces-settings-'));
    try {
      for (const [name, value] of [['ADMIT_OTLP_SAMPLE_RATIO', '1.5'], ['ADMIT_OTLP_SAMPLE_RATIO', '-0.1'],
        ['ADMIT_OTLP_ENDPOINT', 'ftp://127.0.0.1:4318'], ['ADMIT_OTLP_QUEUE_SIZE', '0']]) {
        const run = spawnSync(admitBin(), ['serve'], {
          env: { ...process.env, ADMIT_LISTEN: '127.0.0.1:0', ADMIT_DATA_DIR: dataDir, [name]: value },
          encoding: 'utf8', timeout: 10_000,
        });
        // Exited by itself (a server that started would run until the timeout killed it), and failed.
        assert.ok(typeof run.status === 'number' && run.status !== 0, `${name}=${value} should stop the start (${run.status}, ${run.signal})`);
        assert.match(run.stderr + run.stdout, new RegExp(name), `the message names ${name}`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
