#include "api/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace admit::api {

void append_json_string(std::string& out, std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('"');
  std::size_t copied = 0;  // text before this index is in out already
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto const u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\' && u != 0x7F) continue;
    out.append(text, copied, i - copied);
    copied = i + 1;
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 15]);
    }
  }
  out.append(text, copied);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  char buffer[24];
  auto const [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  (void)ec;
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  separate();
  if (!std::isfinite(number)) {
    out_ += "null";  // JSON has no infinities; the domain never stores one
    return *this;
  }
  char buffer[32];
  auto const [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::money(std::int64_t minor, int exponent) {
  separate();
  if (minor < 0) {
    out_.push_back('-');
    minor = -minor;
  }
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  out_ += std::to_string(minor / scale);
  std::int64_t fraction = minor % scale;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, static_cast<std::size_t>(exponent) - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out_.push_back('.');
    out_ += digits;
  }
  return *this;
}

}  // namespace admit::api
