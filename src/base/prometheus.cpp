#include "base/prometheus.hpp"

#include <array>
#include <charconv>

namespace admit::prometheus {
namespace {

/// `value` as printf's %.<precision>g (general) or %.<precision>f (fixed) writes it.
void append_number(std::string& out, double value, std::chars_format format, int precision) {
  std::array<char, 64> text{};
  auto const written = std::to_chars(text.data(), text.data() + text.size(), value, format, precision);
  out.append(text.data(), written.ptr);
}

}  // namespace

TextWriter& TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  return *this;
}

void TextWriter::begin_sample(std::string_view name, std::initializer_list<Label> labels) {
  out_.append(name);
  if (labels.size() == 0) {
    out_.push_back(' ');
    return;
  }
  char separator = '{';
  for (auto const& label : labels) {
    out_.push_back(separator);
    separator = ',';
    out_.append(label.name).append("=\"");
    for (char c : label.value) {
      if (c == '\\' || c == '"') {
        out_.push_back('\\');
        out_.push_back(c);
      } else if (c == '\n') {
        out_.append("\\n");
      } else {
        out_.push_back(c);
      }
    }
    out_.push_back('"');
  }
  out_.append("} ");
}

TextWriter& TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
  begin_sample(name, labels);
  out_.append(std::to_string(value)).push_back('\n');
  return *this;
}

TextWriter& TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, double value) {
  begin_sample(name, labels);
  append_number(out_, value, std::chars_format::general, 15);
  out_.push_back('\n');
  return *this;
}

TextWriter& TextWriter::sample(std::string_view name, std::initializer_list<Label> labels,
                               std::chrono::nanoseconds value) {
  begin_sample(name, labels);
  append_number(out_, static_cast<double>(value.count()) / 1e9, std::chars_format::fixed, 9);
  out_.push_back('\n');
  return *this;
}

}  // namespace admit::prometheus
