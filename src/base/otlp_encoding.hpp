#pragma once

/// OTLP/HTTP's protobuf body for spans (opentelemetry-proto 1.x, collector/trace/v1
/// ExportTraceServiceRequest), encoded by hand: the few messages it needs are varints,
/// fixed-width numbers and length-delimited fields, so no protobuf library is linked.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/trace.hpp"

namespace admit::trace {

/// Protobuf wire format, just what OTLP needs.
class ProtoWriter {
 public:
  void varint(std::uint64_t value);
  /// A field's key: number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
  void tag(std::uint32_t field, std::uint8_t wire_type) { varint((std::uint64_t{field} << 3) | wire_type); }
  void uint_field(std::uint32_t field, std::uint64_t value);
  void int_field(std::uint32_t field, std::int64_t value) { uint_field(field, static_cast<std::uint64_t>(value)); }
  void bool_field(std::uint32_t field, bool value);
  void fixed64_field(std::uint32_t field, std::uint64_t value);
  void double_field(std::uint32_t field, double value);
  /// A string, bytes or an already encoded message.
  void bytes_field(std::uint32_t field, std::string_view bytes);
  void bytes_field(std::uint32_t field, std::span<std::uint8_t const> bytes);

  std::string const& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Who emits the spans: service.name, service.version, host.name … (the Resource's attributes).
struct Resource {
  std::vector<Attribute> attributes;
};

/// One ExportTraceServiceRequest: one ResourceSpans with one ScopeSpans ("admit") holding `spans`.
std::string encode_export_request(Resource const& resource, std::span<SpanRecord const> spans);

}  // namespace admit::trace
