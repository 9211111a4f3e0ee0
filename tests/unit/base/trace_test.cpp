#include "base/trace.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/otlp_encoding.hpp"

namespace admit::trace {
namespace {

constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParent[] = "00f067aa0ba902b7";

std::string header(std::string_view version, std::string_view trace, std::string_view parent, std::string_view flags) {
  return std::string(version) + "-" + std::string(trace) + "-" + std::string(parent) + "-" + std::string(flags);
}

TEST(ParseTraceparent, ReadsTheW3cExample) {
  auto const context = parse_traceparent(header("00", kTrace, kParent, "01"));
  ASSERT_TRUE(context);
  EXPECT_EQ(hex(context->trace_id), kTrace);
  EXPECT_EQ(hex(context->span_id), kParent);
  EXPECT_TRUE(context->sampled);
  EXPECT_EQ(format_traceparent(*context), header("00", kTrace, kParent, "01"));
}

TEST(ParseTraceparent, ReadsTheSampledFlagOnly) {
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, kParent, "00"))->sampled);
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, kParent, "02"))->sampled);
  EXPECT_TRUE(parse_traceparent(header("00", kTrace, kParent, "03"))->sampled);
}

TEST(ParseTraceparent, RejectsAllZeroIds) {
  EXPECT_FALSE(parse_traceparent(header("00", std::string(32, '0'), kParent, "01")));
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, std::string(16, '0'), "01")));
}

TEST(ParseTraceparent, RejectsInvalidVersions) {
  EXPECT_FALSE(parse_traceparent(header("ff", kTrace, kParent, "01")));
  EXPECT_FALSE(parse_traceparent(header("0g", kTrace, kParent, "01")));
  EXPECT_FALSE(parse_traceparent(header("0", kTrace, kParent, "01")));
  // Version 00 has exactly four fields; a later version may add some after a dash.
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, kParent, "01") + "-ab"));
  EXPECT_TRUE(parse_traceparent(header("01", kTrace, kParent, "01") + "-ab"));
  EXPECT_FALSE(parse_traceparent(header("01", kTrace, kParent, "01") + "ab"));
}

TEST(ParseTraceparent, RejectsMalformedIds) {
  EXPECT_FALSE(parse_traceparent(header("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kParent, "01")));  // upper case
  EXPECT_FALSE(parse_traceparent(header("00", std::string(kTrace).substr(1), kParent, "01")));
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, "00f067aa0ba902bz", "01")));
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, kParent, "1")));
  EXPECT_FALSE(parse_traceparent(header("00", kTrace, kParent, "0x")));
  EXPECT_FALSE(parse_traceparent(""));
  EXPECT_FALSE(parse_traceparent("garbage"));
  auto underscores = header("00", kTrace, kParent, "01");
  underscores[2] = '_';
  EXPECT_FALSE(parse_traceparent(underscores));
}

TEST(NewIds, AreNeverZeroAndDiffer) {
  auto const a = new_trace_id();
  auto const b = new_trace_id();
  EXPECT_NE(a, b);
  EXPECT_NE(hex(a), std::string(32, '0'));
  EXPECT_NE(new_span_id(), new_span_id());
}

SpanRecord named(std::string name) {
  SpanRecord record;
  record.name = std::move(name);
  return record;
}

TEST(SpanQueue, DropsAndCountsWhatDoesNotFit) {
  SpanQueue queue(2);
  EXPECT_TRUE(queue.push(named("a")));
  EXPECT_TRUE(queue.push(named("b")));
  EXPECT_FALSE(queue.push(named("c")));
  EXPECT_FALSE(queue.push(named("d")));
  EXPECT_EQ(queue.dropped(), 2U);
  EXPECT_EQ(queue.size(), 2U);
  auto const taken = queue.take_all();
  ASSERT_EQ(taken.size(), 2U);
  EXPECT_EQ(taken[0].name, "a");
  EXPECT_EQ(taken[1].name, "b");
  EXPECT_EQ(queue.size(), 0U);
  EXPECT_TRUE(queue.push(named("e")));
  queue.count_dropped(5);
  EXPECT_EQ(queue.dropped(), 7U);
}

TEST(SpanQueue, WakesTheExporterWhenABatchIsReady) {
  SpanQueue queue(8);
  int wakes = 0;
  queue.on_batch_ready(3, [&wakes] { ++wakes; });
  queue.push(named("a"));
  queue.push(named("b"));
  EXPECT_EQ(wakes, 0);
  queue.push(named("c"));
  EXPECT_EQ(wakes, 1);
  queue.push(named("d"));
  EXPECT_EQ(wakes, 1);  // once per batch, not per span
  (void)queue.take_all();
  for (char const* name : {"e", "f", "g"}) queue.push(named(name));
  EXPECT_EQ(wakes, 2);
}

TEST(Tracer, FollowsTheCallersSampledFlag) {
  Tracer const never(0.0, 8);
  auto sampled = parse_traceparent(header("00", kTrace, kParent, "01"));
  auto const child = never.start(sampled);
  EXPECT_TRUE(child.sampled);
  EXPECT_EQ(hex(child.trace_id), kTrace);
  EXPECT_NE(hex(child.span_id), kParent);

  Tracer const always(1.0, 8);
  auto const unsampled_child = always.start(parse_traceparent(header("00", kTrace, kParent, "00")));
  EXPECT_FALSE(unsampled_child.sampled);
}

TEST(Tracer, SamplesNewTracesAtTheRatio) {
  Tracer const always(1.0, 8);
  Tracer const never(0.0, 8);
  Tracer const half(0.5, 8);
  int sampled = 0;
  for (int i = 0; i < 4000; ++i) {
    EXPECT_TRUE(always.start(std::nullopt).sampled);
    EXPECT_FALSE(never.start(std::nullopt).sampled);
    sampled += half.start(std::nullopt).sampled ? 1 : 0;
  }
  EXPECT_GT(sampled, 1700);
  EXPECT_LT(sampled, 2300);
}

class WithTracer : public ::testing::Test {
 protected:
  void SetUp() override { install(&tracer_); }
  void TearDown() override { install(nullptr); }
  Tracer tracer_{1.0, 16};
};

TEST_F(WithTracer, ASpanUnderTheCurrentOneIsItsChild) {
  auto const request = tracer_.start(parse_traceparent(header("00", kTrace, kParent, "01")));
  {
    Scope const scope(request);
    Span span("use case");
    span.set("n", std::int64_t{3});
    EXPECT_TRUE(span.recording());
  }
  EXPECT_FALSE(current().valid());  // the scope restored the previous (none)
  auto const spans = tracer_.queue().take_all();
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].name, "use case");
  EXPECT_EQ(spans[0].trace_id, request.trace_id);
  EXPECT_EQ(spans[0].parent_span_id, request.span_id);
  EXPECT_NE(spans[0].span_id, request.span_id);
  EXPECT_LE(spans[0].start_unix_ns, spans[0].end_unix_ns);
  ASSERT_EQ(spans[0].attributes.size(), 1U);
}

TEST_F(WithTracer, NothingIsRecordedUnderAnUnsampledOrMissingParent) {
  {
    Span orphan("no parent");
    EXPECT_FALSE(orphan.recording());
    Scope const scope(tracer_.start(parse_traceparent(header("00", kTrace, kParent, "00"))));
    Span unsampled("unsampled");
    EXPECT_FALSE(unsampled.recording());
  }
  EXPECT_EQ(tracer_.queue().size(), 0U);
}

TEST_F(WithTracer, SpanUntilDoneEndsWhenTheCompletionRuns) {
  std::function<void(int)> done;
  int got = 0;
  {
    Scope const scope(tracer_.start(std::nullopt));
    done = span_until_done("db", "sqlite", std::function<void(int)>([&got](int v) { got = v; }));
  }
  EXPECT_EQ(tracer_.queue().size(), 0U);
  done(7);
  EXPECT_EQ(got, 7);
  auto const spans = tracer_.queue().take_all();
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].kind, SpanKind::client);
}

TEST(Span, RecordsNothingWithoutATracer) {
  Tracer tracer(1.0, 4);
  auto const context = tracer.start(std::nullopt);
  Span span(context, "x");
  EXPECT_FALSE(span.recording());
}

// ---- the protobuf encoder ------------------------------------------------------------------

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(ProtoWriter, EncodesVarintsAsProtobufDoes) {
  ProtoWriter w;
  w.varint(0);
  w.varint(1);
  w.varint(127);
  w.varint(128);
  w.varint(300);
  w.varint(~std::uint64_t{0});
  EXPECT_EQ(w.bytes(), bytes({0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              0xff, 0x01}));
}

TEST(ProtoWriter, EncodesFieldsWithTheirWireTypes) {
  ProtoWriter w;
  w.uint_field(1, 150);                    // the protobuf guide's example: 08 96 01
  w.bytes_field(2, "testing");             // 12 07 74 65 73 74 69 6e 67
  w.int_field(3, -1);                      // two's complement, ten bytes
  w.fixed64_field(7, 0x0102030405060708);  // little-endian
  w.double_field(4, 1.5);
  w.bool_field(15, true);
  std::string expected = bytes({0x08, 0x96, 0x01, 0x12, 0x07}) + "testing" +
                         bytes({0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}) +
                         bytes({0x39, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}) +
                         bytes({0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f}) + bytes({0x78, 0x01});
  EXPECT_EQ(w.bytes(), expected);
}

/// A minimal protobuf reader: the fields of one message, by number, as raw values.
struct Field {
  std::uint32_t number;
  int wire;
  std::uint64_t number_value;
  std::string bytes;
};

std::vector<Field> read_message(std::string_view in) {
  std::vector<Field> fields;
  std::size_t at = 0;
  auto varint = [&] {
    std::uint64_t value = 0;
    for (int shift = 0; at < in.size(); shift += 7) {
      auto const byte = static_cast<unsigned char>(in[at++]);
      value |= std::uint64_t{byte & 0x7fU} << shift;
      if ((byte & 0x80U) == 0) return value;
    }
    ADD_FAILURE() << "truncated varint";
    return value;
  };
  while (at < in.size()) {
    auto const key = varint();
    Field f{static_cast<std::uint32_t>(key >> 3), static_cast<int>(key & 7), 0, {}};
    if (f.wire == 0) {
      f.number_value = varint();
    } else if (f.wire == 1) {
      std::memcpy(&f.number_value, in.data() + at, 8);
      at += 8;
    } else if (f.wire == 2) {
      auto const length = varint();
      f.bytes = std::string(in.substr(at, length));
      at += length;
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire;
      return fields;
    }
    fields.push_back(std::move(f));
  }
  EXPECT_EQ(at, in.size());
  return fields;
}

std::vector<Field> all(std::vector<Field> const& fields, std::uint32_t number) {
  std::vector<Field> out;
  for (auto const& f : fields) {
    if (f.number == number) out.push_back(f);
  }
  return out;
}

std::string hex_of(std::string_view raw) {
  TraceId id{};
  EXPECT_EQ(raw.size(), id.size());
  std::memcpy(id.data(), raw.data(), std::min(raw.size(), id.size()));
  return hex(id);
}

Field one(std::vector<Field> const& fields, std::uint32_t number) {
  auto const found = all(fields, number);
  EXPECT_EQ(found.size(), 1U) << "field " << number;
  return found.empty() ? Field{} : found[0];
}

TEST(EncodeExportRequest, NestsSpansUnderOneResourceAndScope) {
  SpanRecord root{.trace_id = parse_traceparent(header("00", kTrace, kParent, "01")).value().trace_id,
                  .span_id = new_span_id(),
                  .parent_span_id = {},
                  .name = "GET /api/events/{id}",
                  .kind = SpanKind::server,
                  .start_unix_ns = 1'700'000'000'000'000'000,
                  .end_unix_ns = 1'700'000'000'001'000'000,
                  .status = StatusCode::error,
                  .attributes = {{"http.response.status_code", std::int64_t{503}}, {"http.route", std::string("/x")}}};
  SpanRecord child = root;
  child.parent_span_id = root.span_id;
  child.span_id = new_span_id();
  child.name = "get_event";
  child.kind = SpanKind::internal;
  child.status = StatusCode::unset;
  child.attributes = {{"ok", true}, {"ratio", 0.25}};
  std::vector<SpanRecord> const spans{root, child};
  Resource const resource{{{"service.name", std::string("admit")}}};

  auto const request = read_message(encode_export_request(resource, spans));
  auto const resource_spans = read_message(one(request, 1).bytes);
  auto const resource_message = read_message(one(resource_spans, 1).bytes);
  auto const service = read_message(one(resource_message, 1).bytes);
  EXPECT_EQ(one(service, 1).bytes, "service.name");
  EXPECT_EQ(one(read_message(one(service, 2).bytes), 1).bytes, "admit");

  auto const scope_spans = read_message(one(resource_spans, 2).bytes);
  EXPECT_EQ(one(read_message(one(scope_spans, 1).bytes), 1).bytes, "admit");
  auto const encoded = all(scope_spans, 2);
  ASSERT_EQ(encoded.size(), 2U);

  auto const first = read_message(encoded[0].bytes);
  EXPECT_EQ(one(first, 1).bytes.size(), 16U);
  EXPECT_EQ(hex_of(one(first, 1).bytes), kTrace);
  EXPECT_EQ(one(first, 2).bytes.size(), 8U);
  EXPECT_TRUE(all(first, 4).empty());  // a root has no parent_span_id
  EXPECT_EQ(one(first, 5).bytes, "GET /api/events/{id}");
  EXPECT_EQ(one(first, 6).number_value, 2U);  // SPAN_KIND_SERVER
  EXPECT_EQ(one(first, 7).wire, 1);
  EXPECT_EQ(one(first, 7).number_value, root.start_unix_ns);
  EXPECT_EQ(one(first, 8).number_value, root.end_unix_ns);
  auto const attributes = all(first, 9);
  ASSERT_EQ(attributes.size(), 2U);
  auto const status_code = read_message(attributes[0].bytes);
  EXPECT_EQ(one(status_code, 1).bytes, "http.response.status_code");
  EXPECT_EQ(one(read_message(one(status_code, 2).bytes), 3).number_value, 503U);                 // int_value
  EXPECT_EQ(one(read_message(one(read_message(attributes[1].bytes), 2).bytes), 1).bytes, "/x");  // string_value
  EXPECT_EQ(one(read_message(one(first, 15).bytes), 3).number_value, 2U);                        // STATUS_CODE_ERROR

  auto const second = read_message(encoded[1].bytes);
  EXPECT_EQ(one(second, 4).bytes, one(first, 2).bytes);  // parent_span_id = the root's span_id
  EXPECT_EQ(one(second, 6).number_value, 1U);            // SPAN_KIND_INTERNAL
  EXPECT_TRUE(all(second, 15).empty());                  // status unset: left out
  auto const flags = all(second, 9);
  ASSERT_EQ(flags.size(), 2U);
  EXPECT_EQ(one(read_message(one(read_message(flags[0].bytes), 2).bytes), 2).number_value, 1U);  // bool_value
  auto const ratio = one(read_message(one(read_message(flags[1].bytes), 2).bytes), 4);           // double_value
  double value = 0;
  std::memcpy(&value, &ratio.number_value, 8);
  EXPECT_EQ(value, 0.25);
}

}  // namespace
}  // namespace admit::trace
