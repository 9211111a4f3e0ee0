// A test OTLP/HTTP collector: takes ExportTraceServiceRequest bodies (protobuf) on POST
// /v1/traces and decodes them.
//
// The decoding uses the OpenTelemetry project's npm package @opentelemetry/otlp-transformer
// (pinned in tests/node). Its 0.217.0 build ships no decoder for trace *requests* (its generated
// protobufjs module holds the metrics service only; traces are written by a hand-made writer),
// so the trace messages are declared below, from opentelemetry-proto's trace.proto, and read
// with protobufjs (the package's own dependency). checkDecoderAgainstOpenTelemetry() proves the
// declaration right: it decodes what OpenTelemetry's own ProtobufTraceSerializer writes.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../node/package.json', import.meta.url));
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const protobuf = require('protobufjs');

const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
  uint32 dropped_attributes_count = 5; fixed32 flags = 6;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const ExportTraceServiceRequest = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

const hex = (bytes) => Buffer.from(bytes ?? []).toString('hex');

function anyValue(v) {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v;
}

const attributes = (list) => Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));

/** Flat spans {traceId, spanId, parentSpanId, name, kind, start, end, status, attributes, resource, scope}. */
export function decodeTraces(body) {
  const message = ExportTraceServiceRequest.decode(body);
  const request = ExportTraceServiceRequest.toObject(message, { longs: String, defaults: false, oneofs: false });
  const spans = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId),
          name: s.name, kind: s.kind ?? 0, start: BigInt(s.startTimeUnixNano ?? 0), end: BigInt(s.endTimeUnixNano ?? 0),
          status: s.status?.code ?? 0, attributes: attributes(s.attributes), resource, scope: ss.scope?.name,
        });
      }
    }
  }
  return spans;
}

/** Encodes a span with OpenTelemetry's own serializer and checks that decodeTraces reads it back. */
export function checkDecoderAgainstOpenTelemetry(assert) {
  const resource = { attributes: { 'service.name': 'reference' } };
  const scope = { name: 'reference-scope', version: '1.0.0' };
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const span = {
    name: 'GET /things/{id}',
    kind: 1, // the API's SpanKind.SERVER; OTLP's SPAN_KIND_SERVER is 2
    spanContext: () => ({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 }),
    parentSpanContext: { traceId, spanId: 'a1a2a3a4a5a6a7a8', traceFlags: 1, isRemote: true },
    startTime: [1_700_000_000, 5], endTime: [1_700_000_001, 0],
    attributes: { 'http.route': '/things/{id}', 'http.response.status_code': 503, ok: true, ratio: 0.5 },
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 2 }, resource, instrumentationScope: scope,
  };
  const [decoded] = decodeTraces(ProtobufTraceSerializer.serializeRequest([span]));
  assert.equal(decoded.traceId, traceId);
  assert.equal(decoded.spanId, '00f067aa0ba902b7');
  assert.equal(decoded.parentSpanId, 'a1a2a3a4a5a6a7a8');
  assert.equal(decoded.name, 'GET /things/{id}');
  assert.equal(decoded.kind, 2);
  assert.equal(decoded.start, 1_700_000_000_000_000_005n);
  assert.equal(decoded.end, 1_700_000_001_000_000_000n);
  assert.equal(decoded.status, 2);
  assert.deepEqual(decoded.attributes, { 'http.route': '/things/{id}', 'http.response.status_code': 503, ok: true, ratio: 0.5 });
  assert.deepEqual(decoded.resource, { 'service.name': 'reference' });
  assert.equal(decoded.scope, 'reference-scope');
}

/**
 * Starts the collector on a free loopback port. mode: 'up' answers 200 and keeps the spans;
 * 'blackhole' takes the request and never answers (a hung collector). close() kills it.
 */
export async function startCollector() {
  const spans = [];
  const requests = { posts: 0, contentTypes: new Set() };
  const hung = new Set();
  let mode = 'up';
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'blackhole') { hung.add(res); return; }
      requests.posts += 1;
      requests.contentTypes.add(req.headers['content-type']);
      if (req.method !== 'POST' || req.url !== '/v1/traces') { res.writeHead(404).end(); return; }
      try {
        spans.push(...decodeTraces(Buffer.concat(chunks)));
      } catch (e) {
        requests.error = e;
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    setMode(m) { mode = m; },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
