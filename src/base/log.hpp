#pragma once

#include <string>
#include <string_view>

namespace admit::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
bool enabled(Level level);
/// "debug", "info", "warn", "error"; nullopt-like false when unknown.
bool parse_level(std::string_view text, Level& out);

/// Writes one JSON log line: {"ts":…,"level":…,"msg":…,<fields>} where `fields` is either
/// empty or already-serialised JSON members ("\"status\":200,\"route\":\"/x\"").
void write(Level level, std::string_view message, std::string_view fields = {});
/// An info line written whatever the level (the ready line, shutdown), flushed at once.
void notice(std::string_view message, std::string_view fields = {});
/// Pushes buffered lines out (called on a timer and at exit; warnings flush at once).
void flush();

inline void info(std::string_view message, std::string_view fields = {}) {
  write(Level::info, message, fields);
}
inline void warn(std::string_view message, std::string_view fields = {}) {
  write(Level::warn, message, fields);
}
inline void error(std::string_view message, std::string_view fields = {}) {
  write(Level::error, message, fields);
}

/// `text` as a JSON string literal, quotes included.
std::string quote(std::string_view text);

}  // namespace admit::log
