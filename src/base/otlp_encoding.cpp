#include "base/otlp_encoding.hpp"

#include <algorithm>
#include <bit>

namespace admit::trace {
namespace {

constexpr std::uint8_t kVarint = 0;
constexpr std::uint8_t kFixed64 = 1;
constexpr std::uint8_t kLengthDelimited = 2;

/// common.v1.AnyValue
std::string any_value(AttributeValue const& value) {
  ProtoWriter w;
  if (auto const* text = std::get_if<std::string>(&value)) w.bytes_field(1, *text);
  if (auto const* flag = std::get_if<bool>(&value)) w.bool_field(2, *flag);
  if (auto const* number = std::get_if<std::int64_t>(&value)) w.int_field(3, *number);
  if (auto const* real = std::get_if<double>(&value)) w.double_field(4, *real);
  return w.take();
}

/// common.v1.KeyValue
std::string key_value(Attribute const& attribute) {
  ProtoWriter w;
  w.bytes_field(1, attribute.key);
  w.bytes_field(2, any_value(attribute.value));
  return w.take();
}

/// trace.v1.Span
std::string span_message(SpanRecord const& span) {
  ProtoWriter w;
  w.bytes_field(1, span.trace_id);
  w.bytes_field(2, span.span_id);
  bool const root = std::all_of(span.parent_span_id.begin(), span.parent_span_id.end(), [](auto b) { return b == 0; });
  if (!root) w.bytes_field(4, span.parent_span_id);
  w.bytes_field(5, span.name);
  w.uint_field(6, static_cast<std::uint64_t>(span.kind));
  w.fixed64_field(7, span.start_unix_ns);
  w.fixed64_field(8, span.end_unix_ns);
  for (auto const& attribute : span.attributes) w.bytes_field(9, key_value(attribute));
  if (span.status != StatusCode::unset) {
    ProtoWriter status;  // trace.v1.Status: code = 3
    status.uint_field(3, static_cast<std::uint64_t>(span.status));
    w.bytes_field(15, status.bytes());
  }
  return w.take();
}

}  // namespace

void ProtoWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ProtoWriter::uint_field(std::uint32_t field, std::uint64_t value) {
  tag(field, kVarint);
  varint(value);
}

void ProtoWriter::bool_field(std::uint32_t field, bool value) {
  uint_field(field, value ? 1 : 0);
}

void ProtoWriter::fixed64_field(std::uint32_t field, std::uint64_t value) {
  tag(field, kFixed64);
  for (int i = 0; i < 8; ++i) {  // little-endian
    out_.push_back(static_cast<char>(value & 0xff));
    value >>= 8;
  }
}

void ProtoWriter::double_field(std::uint32_t field, double value) {
  fixed64_field(field, std::bit_cast<std::uint64_t>(value));
}

void ProtoWriter::bytes_field(std::uint32_t field, std::string_view bytes) {
  tag(field, kLengthDelimited);
  varint(bytes.size());
  out_.append(bytes);
}

void ProtoWriter::bytes_field(std::uint32_t field, std::span<std::uint8_t const> bytes) {
  bytes_field(field, std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
}

std::string encode_export_request(Resource const& resource, std::span<SpanRecord const> spans) {
  ProtoWriter resource_message;  // resource.v1.Resource
  for (auto const& attribute : resource.attributes) resource_message.bytes_field(1, key_value(attribute));

  ProtoWriter scope;  // common.v1.InstrumentationScope
  scope.bytes_field(1, "admit");

  ProtoWriter scope_spans;  // trace.v1.ScopeSpans
  scope_spans.bytes_field(1, scope.bytes());
  for (auto const& span : spans) scope_spans.bytes_field(2, span_message(span));

  ProtoWriter resource_spans;  // trace.v1.ResourceSpans
  resource_spans.bytes_field(1, resource_message.bytes());
  resource_spans.bytes_field(2, scope_spans.bytes());

  ProtoWriter request;  // collector.trace.v1.ExportTraceServiceRequest
  request.bytes_field(1, resource_spans.bytes());
  return request.take();
}

}  // namespace admit::trace
