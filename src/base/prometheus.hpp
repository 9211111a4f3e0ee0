#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace admit::prometheus {

/// One label of a sample: name="value".
struct Label {
  std::string_view name;
  std::string_view value;
};

/// Appends metrics to `out` in Prometheus' text exposition format (version 0.0.4): a family's
/// HELP and TYPE lines, then its samples, one line each. Label values are escaped as the
/// format requires; names are the caller's constants.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  /// The HELP and TYPE lines that introduce a family's samples.
  TextWriter& family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample: a count, a figure with up to 15 significant digits, or seconds to the nanosecond.
  TextWriter& sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  TextWriter& sample(std::string_view name, std::initializer_list<Label> labels, double value);
  TextWriter& sample(std::string_view name, std::initializer_list<Label> labels, std::chrono::nanoseconds value);
  /// A family with one sample and no labels.
  template <class Value>
  TextWriter& metric(std::string_view name, std::string_view type, std::string_view help, Value value) {
    return family(name, type, help).sample(name, {}, value);
  }

 private:
  void begin_sample(std::string_view name, std::initializer_list<Label> labels);

  std::string& out_;
};

}  // namespace admit::prometheus
