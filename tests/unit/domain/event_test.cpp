#include "domain/event.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

EventDraft valid_draft() {
  return EventDraft{
      .name = "Jazz night",
      .description = "Three sets, one bar.",
      .starts_at = sys_days{2026y / December / 15} + 20h,
      .timezone = "Europe/Berlin",
      .location = "Blue Note, Berlin",
      .capacity = 100,
      .price_minor = 2500,
      .currency = "EUR",
      .max_per_attendee = 10,
      .cancellation_deadline = std::nullopt,
      .hold_seconds = std::nullopt,
      .ends_at = std::nullopt,
  };
}

std::vector<std::string> fields_of(std::vector<FieldError> const& errors) {
  std::vector<std::string> fields;
  for (auto const& e : errors) fields.push_back(e.field);
  return fields;
}

std::vector<std::string> only(std::string field) {
  return {std::move(field)};
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(CheckEvent, AcceptsAValidDraft) {
  EXPECT_TRUE(check_event(valid_draft()).empty());
}

TEST(CheckEvent, AcceptsAFreeEvent) {
  auto d = valid_draft();
  d.price_minor = 0;
  EXPECT_TRUE(check_event(d).empty());
}

TEST(CheckEvent, RejectsBlankName) {
  auto d = valid_draft();
  d.name = "";
  EXPECT_EQ(fields_of(check_event(d)), only("name"));
  d.name = " \t\r\n";
  EXPECT_EQ(fields_of(check_event(d)), only("name"));
}

TEST(CheckEvent, RejectsNameLongerThan200Characters) {
  auto d = valid_draft();
  d.name = repeat("n", 200);
  EXPECT_TRUE(check_event(d).empty());
  d.name = repeat("n", 201);
  EXPECT_EQ(fields_of(check_event(d)), only("name"));
}

TEST(CheckEvent, CountsNameLengthInCodePoints) {
  auto d = valid_draft();
  d.name = repeat("\u00e9", 200);  // 400 bytes
  EXPECT_TRUE(check_event(d).empty());
  d.name = repeat("\u00e9", 201);
  EXPECT_EQ(fields_of(check_event(d)), only("name"));
}

TEST(CheckEvent, RejectsOverlongDescription) {
  auto d = valid_draft();
  d.description = repeat("d", 10'000);
  EXPECT_TRUE(check_event(d).empty());
  d.description = repeat("d", 10'001);
  EXPECT_EQ(fields_of(check_event(d)), only("description"));
}

TEST(CheckEvent, AllowsEmptyDescription) {
  auto d = valid_draft();
  d.description = "";
  EXPECT_TRUE(check_event(d).empty());
}

TEST(CheckEvent, RejectsBlankLocation) {
  auto d = valid_draft();
  d.location = "";
  EXPECT_EQ(fields_of(check_event(d)), only("location"));
  d.location = "   ";
  EXPECT_EQ(fields_of(check_event(d)), only("location"));
}

TEST(CheckEvent, RejectsLocationLongerThan500Characters) {
  auto d = valid_draft();
  d.location = repeat("l", 500);
  EXPECT_TRUE(check_event(d).empty());
  d.location = repeat("l", 501);
  EXPECT_EQ(fields_of(check_event(d)), only("location"));
}

TEST(CheckEvent, RejectsCapacityOutOfRange) {
  auto d = valid_draft();
  d.max_per_attendee = 1;
  d.capacity = 0;
  EXPECT_EQ(fields_of(check_event(d)), only("capacity"));
  d.capacity = -5;
  EXPECT_EQ(fields_of(check_event(d)), only("capacity"));
  d.capacity = 1'000'001;
  EXPECT_EQ(fields_of(check_event(d)), only("capacity"));
}

TEST(CheckEvent, AcceptsCapacityAtTheBounds) {
  auto d = valid_draft();
  d.max_per_attendee = 1;
  d.capacity = 1;
  EXPECT_TRUE(check_event(d).empty());
  d.capacity = 1'000'000;
  EXPECT_TRUE(check_event(d).empty());
}

TEST(CheckEvent, RejectsMaxPerAttendeeAboveCapacity) {
  auto d = valid_draft();
  d.capacity = 5;
  d.max_per_attendee = 6;
  EXPECT_EQ(fields_of(check_event(d)), only("maxPerAttendee"));
  d.max_per_attendee = 5;
  EXPECT_TRUE(check_event(d).empty());
}

TEST(CheckEvent, RejectsMaxPerAttendeeBelowOne) {
  auto d = valid_draft();
  d.max_per_attendee = 0;
  EXPECT_EQ(fields_of(check_event(d)), only("maxPerAttendee"));
}

TEST(CheckEvent, RejectsNegativePrice) {
  auto d = valid_draft();
  d.price_minor = -1;
  EXPECT_EQ(fields_of(check_event(d)), only("price"));
}

TEST(CheckEvent, RejectsUnknownCurrency) {
  auto d = valid_draft();
  d.currency = "XXX";
  EXPECT_EQ(fields_of(check_event(d)), only("currency"));
  d.currency = "eur";
  EXPECT_EQ(fields_of(check_event(d)), only("currency"));
  d.currency = "";
  EXPECT_EQ(fields_of(check_event(d)), only("currency"));
}

TEST(CheckEvent, RejectsYearOutOfRange) {
  auto d = valid_draft();
  d.starts_at = sys_days{1999y / December / 31} + 23h;
  EXPECT_EQ(fields_of(check_event(d)), only("date"));
  d.starts_at = sys_days{2201y / January / 1};
  EXPECT_EQ(fields_of(check_event(d)), only("date"));
  d.starts_at = Timestamp{};
  EXPECT_EQ(fields_of(check_event(d)), only("date"));
}

TEST(CheckEvent, AcceptsYearsAtTheBounds) {
  auto d = valid_draft();
  d.starts_at = sys_days{2000y / January / 1};
  EXPECT_TRUE(check_event(d).empty());
  d.starts_at = sys_days{2200y / December / 31} + 23h + 59min + 59s;
  EXPECT_TRUE(check_event(d).empty());
}

TEST(CheckEvent, ReportsEveryBrokenRule) {
  EventDraft d{
      .name = "",
      .description = "",
      .starts_at = Timestamp{},
      .timezone = "",
      .location = "",
      .capacity = 0,
      .price_minor = -1,
      .currency = "???",
      .max_per_attendee = 0,
      .cancellation_deadline = std::nullopt,
      .hold_seconds = std::nullopt,
      .ends_at = std::nullopt,
  };
  EXPECT_EQ(fields_of(check_event(d)),
            (std::vector<std::string>{"name", "location", "capacity", "maxPerAttendee", "price", "currency", "date"}));
}

TEST(Event, SeatsLeftIsCapacityMinusRegistered) {
  Event e{.id = "e",
          .organizer_id = "o",
          .details = valid_draft(),
          .registered_count = 30,
          .status = EventStatus::published,
          .created_at = {},
          .updated_at = {}};
  EXPECT_EQ(e.seats_left(), 70);
}

TEST(EventStatus, NamesRoundTrip) {
  EXPECT_EQ(status_name(EventStatus::published), "published");
  EXPECT_EQ(status_name(EventStatus::cancelled), "cancelled");
  EXPECT_EQ(parse_event_status("published"), EventStatus::published);
  EXPECT_EQ(parse_event_status("cancelled"), EventStatus::cancelled);
  EXPECT_EQ(status_name(EventStatus::draft), "draft");
  EXPECT_EQ(parse_event_status("draft"), EventStatus::draft);
  EXPECT_EQ(parse_event_status("Published"), std::nullopt);
  EXPECT_EQ(parse_event_status("Draft"), std::nullopt);
}

Event event_of(std::string organizer_id, EventStatus status) {
  return Event{.id = "e",
               .organizer_id = std::move(organizer_id),
               .details = valid_draft(),
               .registered_count = 0,
               .status = status,
               .created_at = {},
               .updated_at = {}};
}

TEST(VisibleTo, ADraftIsItsOrganizersAlone) {
  auto const draft = event_of("olga", EventStatus::draft);
  EXPECT_TRUE(visible_to(draft, "olga"));
  EXPECT_FALSE(visible_to(draft, "rita")) << "another organizer";
  EXPECT_FALSE(visible_to(draft, "")) << "anonymous";
}

TEST(VisibleTo, PublishedAndCancelledEventsAreEveryones) {
  for (auto const status : {EventStatus::published, EventStatus::cancelled}) {
    auto const event = event_of("olga", status);
    EXPECT_TRUE(visible_to(event, "olga"));
    EXPECT_TRUE(visible_to(event, "rita"));
    EXPECT_TRUE(visible_to(event, ""));
  }
}

TEST(VisibleTo, AnonymousNeverMatchesAnOrganizerWithoutId) {
  EXPECT_FALSE(visible_to(event_of("", EventStatus::draft), ""));
}

TEST(CheckEvent, TheEndIsAfterTheStart) {
  auto draft = valid_draft();
  draft.ends_at = draft.starts_at + 1s;
  EXPECT_TRUE(check_event(draft).empty());
  draft.ends_at = draft.starts_at + 72h;
  EXPECT_TRUE(check_event(draft).empty());
  draft.ends_at = draft.starts_at;
  EXPECT_EQ(fields_of(check_event(draft)), only("endDate")) << "an end at the start is no end";
  draft.ends_at = draft.starts_at - 1h;
  EXPECT_EQ(fields_of(check_event(draft)), only("endDate"));
  draft.ends_at = std::nullopt;
  EXPECT_TRUE(check_event(draft).empty()) << "the end is optional";
}

}  // namespace
}  // namespace admit

namespace admit {
namespace {

TEST(CheckEvent, RefusesAPriceWhoseLargestOrderExceedsOnePaymentsMaximum) {
  auto draft = valid_draft();
  draft.max_per_attendee = 10;
  draft.price_minor = 9'999'999;  // 10 × 99,999.99 = 999,999.90: one payment can carry it
  EXPECT_TRUE(check_event(draft).empty());
  draft.price_minor = 10'000'000;  // 10 × 100,000.00 is beyond 999,999.99
  EXPECT_EQ(fields_of(check_event(draft)), std::vector<std::string>{"price"});
  // An order never has more than 100 seats, however high the attendee's limit.
  draft.capacity = 1000;
  draft.max_per_attendee = 1000;
  draft.price_minor = 999'999;
  EXPECT_TRUE(check_event(draft).empty());
  draft.price_minor = 1'000'000;
  EXPECT_EQ(fields_of(check_event(draft)), std::vector<std::string>{"price"});
}

TEST(CheckEvent, TheCancellationDeadlineIsNotAfterTheStart) {
  auto draft = valid_draft();
  draft.cancellation_deadline = draft.starts_at;
  EXPECT_TRUE(check_event(draft).empty());
  draft.cancellation_deadline = draft.starts_at + 1s;
  EXPECT_EQ(fields_of(check_event(draft)), std::vector<std::string>{"cancellationDeadline"});
}

TEST(CheckEvent, HoldSecondsAreBetweenAMinuteAndADay) {
  auto draft = valid_draft();
  for (int ok : {60, 900, 86'400}) {
    draft.hold_seconds = ok;
    EXPECT_TRUE(check_event(draft).empty()) << ok;
  }
  for (int bad : {0, 59, 86'401}) {
    draft.hold_seconds = bad;
    EXPECT_EQ(fields_of(check_event(draft)), std::vector<std::string>{"holdSeconds"}) << bad;
  }
}

}  // namespace
}  // namespace admit
