#include "base/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace admit::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;

constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};

std::string timestamp() {
  using namespace std::chrono;
  auto const now = system_clock::now();
  auto const ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  auto const day = floor<days>(now);
  year_month_day const ymd{day};
  hh_mm_ss const hms{floor<seconds>(now - day)};
  char buffer[40];
  (void)std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                      static_cast<long>(hms.seconds().count()), static_cast<long>(ms));
  return buffer;
}

}  // namespace

void set_level(Level level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

bool enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

bool parse_level(std::string_view text, Level& out) {
  for (int i = 0; i < 4; ++i) {
    if (kNames[i] == text) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

namespace {

/// Appends `text` as a JSON string literal, quotes included.
void append_quoted(std::string& out, std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void emit(Level level, std::string_view message, std::initializer_list<Field> fields, bool flush_now) {
  std::string line =
      "{\"ts\":\"" + timestamp() + "\",\"level\":\"" + std::string(kNames[static_cast<int>(level)]) + "\",\"msg\":";
  append_quoted(line, message);
  for (auto const& field : fields) field.append_to(line);
  line += "}\n";
  std::lock_guard lock(g_mutex);
  // A log line that cannot be written has nowhere else to go.
  (void)std::fwrite(line.data(), 1, line.size(), stdout);
  if (flush_now) (void)std::fflush(stdout);
}

}  // namespace

void Field::append_to(std::string& line) const {
  if (kind_ == Kind::absent) return;
  line.push_back(',');
  append_quoted(line, name_);
  line.push_back(':');
  if (kind_ == Kind::number) {
    line += std::to_string(number_);
  } else {
    append_quoted(line, text_);
  }
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (enabled(level)) emit(level, message, fields, level >= Level::warn);
}

void notice(std::string_view message, std::initializer_list<Field> fields) {
  emit(Level::info, message, fields, true);
}

void flush() {
  std::lock_guard lock(g_mutex);
  (void)std::fflush(stdout);
}

}  // namespace admit::log
