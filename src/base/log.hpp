#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace admit::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
bool enabled(Level level);
/// "debug", "info", "warn", "error"; nullopt-like false when unknown.
bool parse_level(std::string_view text, Level& out);

/// One member of a log line's JSON object: a name and a text, a whole number, or nothing
/// (an empty optional leaves the member out). Texts are escaped by the logger; a field only
/// refers to its name and text, so it lives as long as the call that writes it.
class Field {
 public:
  Field(std::string_view name, std::string_view text) : name_(name), text_(text), kind_(Kind::text) {}
  Field(std::string_view name, char const* text) : Field(name, std::string_view(text)) {}
  Field(std::string_view name, std::string const& text) : Field(name, std::string_view(text)) {}
  Field(std::string_view name, std::optional<std::string_view> text)
      : name_(name), text_(text.value_or("")), kind_(text ? Kind::text : Kind::absent) {}
  template <std::integral Number>
  requires(!std::same_as<Number, bool> && !std::same_as<Number, char>) Field(std::string_view name, Number number)
      : name_(name), number_(static_cast<std::int64_t>(number)), kind_(Kind::number) {}

  /// Appends `,"name":value` to a line; nothing for an absent value.
  void append_to(std::string& line) const;

 private:
  enum class Kind { text, number, absent };
  std::string_view name_;
  std::string_view text_;
  std::int64_t number_ = 0;
  Kind kind_;
};

/// Writes one JSON log line: {"ts":…,"level":…,"msg":…,<fields>}.
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
/// An info line written whatever the level (the ready line, shutdown), flushed at once.
void notice(std::string_view message, std::initializer_list<Field> fields = {});
/// Pushes buffered lines out (called on a timer and at exit; warnings flush at once).
void flush();

inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::info, message, fields);
}
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::warn, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::error, message, fields);
}

}  // namespace admit::log
