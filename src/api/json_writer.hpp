#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace admit::api {

/// Writes compact JSON straight into a string. Faster than building a value tree, and it
/// writes money as exact decimals from minor units (99.99, never 9.999E1).
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(char const* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  /// The shortest text that reads back as `number` (1.5, 42, 1e+15); null when not finite.
  JsonWriter& value(double number);
  JsonWriter& null();
  /// Minor units as a decimal number: (9999, 2) → 99.99, (2500, 2) → 25, (1500, 0) → 1500.
  JsonWriter& money(std::int64_t minor, int exponent);

  template <class T>
  JsonWriter& field(std::string_view name, T const& v) {
    key(name);
    return value(v);
  }

  std::string take() { return std::move(out_); }
  std::string const& str() const { return out_; }

 private:
  void separate();

  std::string out_;
  std::vector<bool> first_;  ///< per open container: nothing written in it yet
  bool after_key_ = false;
};

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace admit::api
