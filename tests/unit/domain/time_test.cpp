#include "domain/time.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Timestamp at(year_month_day date, hours h = 0h, minutes m = 0min, seconds s = 0s) {
  return sys_days{date} + h + m + s;
}

TEST(ParseRfc3339, ReadsUtcWithZ) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00Z"), at(2026y / December / 15, 9h));
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), Timestamp{});
  EXPECT_EQ(parse_rfc3339("2026-12-15T23:59:59Z"), at(2026y / December / 15, 23h, 59min, 59s));
}

TEST(ParseRfc3339, ShiftsOffsetsToUtc) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T10:00:00+01:00"), at(2026y / December / 15, 9h));
  EXPECT_EQ(parse_rfc3339("2026-12-15T03:30:00-05:30"), at(2026y / December / 15, 9h));
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+00:00"), at(2026y / December / 15, 9h));
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00-00:00"), at(2026y / December / 15, 9h));
}

TEST(ParseRfc3339, ShiftsAcrossDayAndYearBoundaries) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:30:00+01:00"), at(2025y / December / 31, 23h, 30min));
  EXPECT_EQ(parse_rfc3339("2025-12-31T23:00:00-02:00"), at(2026y / January / 1, 1h));
}

TEST(ParseRfc3339, TruncatesFractionalSeconds) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:05.999Z"), at(2026y / December / 15, 9h, 0min, 5s));
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:05.1+01:00"), at(2026y / December / 15, 8h, 0min, 5s));
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:05.123456789Z"), at(2026y / December / 15, 9h, 0min, 5s));
}

TEST(ParseRfc3339, AcceptsLowerCaseSeparatorAndZone) {
  EXPECT_EQ(parse_rfc3339("2026-12-15t09:00:00z"), at(2026y / December / 15, 9h));
  EXPECT_EQ(parse_rfc3339("2026-12-15t09:00:00Z"), at(2026y / December / 15, 9h));
}

TEST(ParseRfc3339, AcceptsLeapDayOnlyInLeapYears) {
  EXPECT_EQ(parse_rfc3339("2028-02-29T12:00:00Z"), at(2028y / February / 29, 12h));
  EXPECT_EQ(parse_rfc3339("2000-02-29T12:00:00Z"), at(2000y / February / 29, 12h));
  EXPECT_EQ(parse_rfc3339("2027-02-29T12:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2100-02-29T12:00:00Z"), std::nullopt);
}

TEST(ParseRfc3339, RejectsImpossibleDates) {
  EXPECT_EQ(parse_rfc3339("2026-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-13-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-00-10T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-04-31T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-00T00:00:00Z"), std::nullopt);
}

TEST(ParseRfc3339, RejectsImpossibleTimes) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:60:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:61Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+24:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+01:60"), std::nullopt);
}

TEST(ParseRfc3339, RejectsMissingZone) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00.5"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15"), std::nullopt);
}

TEST(ParseRfc3339, RejectsTrailingJunk) {
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00Zjunk"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00Z "), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+01:00:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+01:001"), std::nullopt);
}

TEST(ParseRfc3339, RejectsMalformedText) {
  EXPECT_EQ(parse_rfc3339("tomorrow"), std::nullopt);
  EXPECT_EQ(parse_rfc3339(""), std::nullopt);
  EXPECT_EQ(parse_rfc3339(" 2026-12-15T09:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15X09:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026/12/15T09:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("26-12-15T09:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T9:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00.Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+01"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+0100"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-15T09:00:00+1:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("-026-12-15T09:00:00Z"), std::nullopt);
}

TEST(FormatRfc3339, WritesUtcWithZ) {
  EXPECT_EQ(format_rfc3339(at(2026y / December / 15, 9h, 5min, 7s)), "2026-12-15T09:05:07Z");
  EXPECT_EQ(format_rfc3339(Timestamp{}), "1970-01-01T00:00:00Z");
}

TEST(FormatRfc3339, HandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(format_rfc3339(Timestamp{-1s}), "1969-12-31T23:59:59Z");
}

TEST(FormatRfc3339, RoundTripsThroughParse) {
  for (auto const* text : {"2026-12-15T09:00:00Z", "2000-01-01T00:00:00Z", "2028-02-29T23:59:59Z",
                           "2199-12-31T12:34:56Z", "1969-12-31T23:59:59Z"}) {
    auto const parsed = parse_rfc3339(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(format_rfc3339(*parsed), text);
  }
  for (auto const t : {Timestamp{0s}, Timestamp{1'800'000'123s}, Timestamp{-86'401s}, Timestamp{4'102'444'799s}}) {
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t) << format_rfc3339(t);
  }
}

TEST(FormatRfc3339, NormalisesOffsetsToUtc) {
  auto const parsed = parse_rfc3339("2026-12-15T10:00:00.75+01:00");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(format_rfc3339(*parsed), "2026-12-15T09:00:00Z");
}

TEST(FormatDate, WritesTheUtcCalendarDate) {
  EXPECT_EQ(format_date(at(2026y / December / 15, 9h)), "2026-12-15");
  EXPECT_EQ(format_date(at(2026y / December / 15, 23h, 59min, 59s)), "2026-12-15");
  EXPECT_EQ(format_date(at(2027y / January / 1)), "2027-01-01");
  EXPECT_EQ(format_date(Timestamp{-1s}), "1969-12-31");
}

TEST(FormatDate, UsesTheUtcDateOfAnOffsetTime) {
  auto const parsed = parse_rfc3339("2026-01-01T00:30:00+01:00");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(format_date(*parsed), "2025-12-31");
}

}  // namespace
}  // namespace admit
