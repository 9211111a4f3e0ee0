#include "domain/calendar.hpp"

#include <algorithm>
#include <cstdio>

namespace admit {
namespace {

constexpr std::size_t kMaxLineOctets = 75;  // RFC 5545 §3.1, not counting the line break

bool is_control(char c) {
  auto const u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

/// A DATE-TIME in UTC form: 20261215T190000Z.
std::string utc_date_time(Timestamp t) {
  using namespace std::chrono;
  auto const day_point = floor<days>(t);
  year_month_day const ymd{day_point};
  hh_mm_ss const hms{t - day_point};
  char buffer[64];
  (void)std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                      static_cast<long>(hms.seconds().count()));
  return buffer;
}

/// A value that is not TEXT (UID, URL): control characters cannot appear in a content line.
std::string without_controls(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  std::copy_if(value.begin(), value.end(), std::back_inserter(out), [](char c) { return !is_control(c); });
  return out;
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

std::string escape_calendar_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char const c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\r':
        out += "\\n";
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        break;
      case '\n': out += "\\n"; break;
      default:
        if (!is_control(c) || c == '\t') out += c;
    }
  }
  return out;
}

std::string fold_calendar_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 64 * 3 + 2);
  std::size_t room = kMaxLineOctets;
  while (line.size() > room) {
    std::size_t cut = room;
    // Never between the bytes of one character: back up to the start of the one at `cut`.
    while (cut > 0 && is_utf8_continuation(line[cut])) --cut;
    if (cut == 0) cut = room;  // not UTF-8 at all: a cut anywhere is as good as any
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    room = kMaxLineOctets - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string event_calendar(Event const& event, CalendarDetails const& details) {
  auto const& d = event.details;
  auto const ends_at = d.ends_at.value_or(d.starts_at + kAssumedEventLength);
  bool const cancelled = event.status == EventStatus::cancelled;

  std::string out;
  auto const line = [&out](std::string_view name, std::string_view value) {
    std::string content(name);
    content += ':';
    content += value;
    out += fold_calendar_line(content);
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//Admit//Admit event tickets//EN");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("BEGIN", "VEVENT");
  line("UID", without_controls(event.id + "@" + details.uid_domain));
  line("DTSTAMP", utc_date_time(details.stamp));
  line("DTSTART", utc_date_time(d.starts_at));
  line("DTEND", utc_date_time(ends_at));
  // A calendar program replaces the entry with the same UID only by a higher SEQUENCE: the
  // cancellation must outrank the confirmation that added it.
  line("SEQUENCE", cancelled ? "1" : "0");
  line("SUMMARY", escape_calendar_text(d.name));
  if (!d.location.empty()) line("LOCATION", escape_calendar_text(d.location));
  if (!d.description.empty()) line("DESCRIPTION", escape_calendar_text(d.description));
  if (!details.url.empty()) line("URL", without_controls(details.url));
  line("STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  return out;
}

}  // namespace admit
