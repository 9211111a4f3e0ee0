#include "domain/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Event sample_event() {
  Event event;
  event.id = "evt_0123";
  event.details.name = "東京デベロッパーサミット 2027; talks, workshops";
  event.details.description = "Day one: talks.\nDay two: workshops \\ labs.";
  event.details.location = "東京国際フォーラム, 東京都千代田区";
  event.details.starts_at = sys_days{2026y / December / 15} + 19h;
  event.details.timezone = "Asia/Tokyo";
  return event;
}

CalendarDetails details() {
  return {.stamp = sys_days{2026y / December / 1} + 8h + 5min + 9s,
          .url = "https://tickets.example.com/events/evt_0123",
          .uid_domain = "tickets.example.com"};
}

/// The physical lines, without their CRLF; fails the test on a bare LF or a missing final CRLF.
std::vector<std::string> physical_lines(std::string const& text) {
  std::vector<std::string> lines;
  EXPECT_TRUE(text.ends_with("\r\n"));
  std::size_t start = 0;
  while (start < text.size()) {
    auto const end = text.find("\r\n", start);
    if (end == std::string::npos) break;
    auto line = text.substr(start, end - start);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "a bare LF in " << line;
    lines.push_back(std::move(line));
    start = end + 2;
  }
  return lines;
}

/// The content lines, unfolded as a calendar program reads them (RFC 5545 §3.1).
std::vector<std::string> content_lines(std::string const& text) {
  std::vector<std::string> lines;
  for (auto& line : physical_lines(text)) {
    if (!line.empty() && line.front() == ' ') {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
  }
  return lines;
}

bool has(std::vector<std::string> const& lines, std::string const& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(EscapeCalendarText, EscapesBackslashSemicolonCommaAndLineBreaks) {
  EXPECT_EQ(escape_calendar_text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
  EXPECT_EQ(escape_calendar_text("tab\tkept, bell\x07 dropped"), "tab\tkept\\, bell dropped");
  EXPECT_EQ(escape_calendar_text("東京"), "東京");
}

TEST(FoldCalendarLine, LeavesSeventyFiveOctetsAloneAndFoldsLonger) {
  std::string const exact(75, 'a');
  EXPECT_EQ(fold_calendar_line(exact), exact + "\r\n");
  std::string const longer(76, 'a');
  EXPECT_EQ(fold_calendar_line(longer), exact + "\r\n a\r\n");
}

TEST(FoldCalendarLine, NeverSplitsAUtf8Character) {
  std::string line = "SUMMARY:";
  for (int i = 0; i < 60; ++i) line += "東";  // three octets each
  auto const folded = fold_calendar_line(line);
  std::string unfolded;
  for (auto const& physical : physical_lines(folded)) {
    EXPECT_LE(physical.size(), 75U);
    auto const content = unfolded.empty() ? physical : physical.substr(1);
    ASSERT_FALSE(content.empty());
    EXPECT_NE(static_cast<unsigned char>(content.front()) & 0xC0, 0x80) << "a line starts inside a character";
    // Each physical line is whole characters: its last lead byte has all its continuation bytes.
    auto lead = content.size() - 1;
    while (lead > 0 && (static_cast<unsigned char>(content[lead]) & 0xC0) == 0x80) --lead;
    auto const lead_byte = static_cast<unsigned char>(content[lead]);
    std::size_t const length = lead_byte < 0x80 ? 1 : lead_byte >= 0xF0 ? 4 : lead_byte >= 0xE0 ? 3 : 2;
    EXPECT_EQ(content.size() - lead, length) << "a line ends inside a character";
    unfolded += content;
  }
  EXPECT_EQ(unfolded, line);
}

TEST(EventCalendar, DescribesTheEventInUtcWithTheAssumedLength) {
  auto const text = event_calendar(sample_event(), details());
  auto const lines = content_lines(text);
  ASSERT_GE(lines.size(), 4U);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_TRUE(has(lines, "VERSION:2.0"));
  EXPECT_TRUE(has(lines, "PRODID:-//Admit//Admit event tickets//EN"));
  EXPECT_TRUE(has(lines, "METHOD:PUBLISH"));
  EXPECT_TRUE(has(lines, "BEGIN:VEVENT"));
  EXPECT_TRUE(has(lines, "END:VEVENT"));
  EXPECT_TRUE(has(lines, "UID:evt_0123@tickets.example.com"));
  EXPECT_TRUE(has(lines, "DTSTAMP:20261201T080509Z"));
  EXPECT_TRUE(has(lines, "DTSTART:20261215T190000Z"));
  EXPECT_TRUE(has(lines, "DTEND:20261215T210000Z")) << "two hours when nothing says when it ends";
  EXPECT_TRUE(has(lines, "SUMMARY:東京デベロッパーサミット 2027\\; talks\\, workshops"));
  EXPECT_TRUE(has(lines, "LOCATION:東京国際フォーラム\\, 東京都千代田区"));
  EXPECT_TRUE(has(lines, "DESCRIPTION:Day one: talks.\\nDay two: workshops \\\\ labs."));
  EXPECT_TRUE(has(lines, "URL:https://tickets.example.com/events/evt_0123"));
  EXPECT_TRUE(has(lines, "STATUS:CONFIRMED"));
  EXPECT_TRUE(has(lines, "SEQUENCE:0"));
  for (auto const& line : physical_lines(text)) EXPECT_LE(line.size(), 75U) << line;
}

TEST(EventCalendar, TheEventsOwnEndAndNoUrl) {
  auto event = sample_event();
  event.details.ends_at = event.details.starts_at + 26h;
  auto d = details();
  d.url.clear();
  auto const lines = content_lines(event_calendar(event, d));
  EXPECT_TRUE(has(lines, "DTEND:20261216T210000Z"));
  EXPECT_FALSE(std::any_of(lines.begin(), lines.end(), [](auto const& l) { return l.starts_with("URL"); }));
}

TEST(EventCalendar, ACancelledEventReplacesTheEntryWithTheSameUid) {
  auto event = sample_event();
  auto const confirmed = content_lines(event_calendar(event, details()));
  event.status = EventStatus::cancelled;
  auto later = details();
  later.stamp += 48h;
  auto const cancelled = content_lines(event_calendar(event, later));
  EXPECT_TRUE(has(cancelled, "STATUS:CANCELLED"));
  EXPECT_TRUE(has(cancelled, "SEQUENCE:1"));
  EXPECT_FALSE(has(cancelled, "STATUS:CONFIRMED"));
  EXPECT_TRUE(has(cancelled, "UID:evt_0123@tickets.example.com"));
  EXPECT_TRUE(has(confirmed, "UID:evt_0123@tickets.example.com"));
}

TEST(EventCalendar, ALineBreakInAFieldCannotStartAProperty) {
  auto event = sample_event();
  event.details.name = "Party\r\nEND:VEVENT\r\nBEGIN:VEVENT";
  event.details.location = "Hall\nATTACH:http://evil.example";
  auto d = details();
  d.url = "https://x.example/\r\nATTACH:http://evil.example";
  auto const lines = content_lines(event_calendar(event, d));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "BEGIN:VEVENT"), 1);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "END:VEVENT"), 1);
  EXPECT_FALSE(std::any_of(lines.begin(), lines.end(), [](auto const& l) { return l.starts_with("ATTACH"); }));
}

}  // namespace
}  // namespace admit
