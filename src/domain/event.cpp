#include "domain/event.hpp"

#include <algorithm>

#include "domain/money.hpp"
#include "domain/registration.hpp"

namespace admit {
namespace {

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

std::string_view status_name(EventStatus s) {
  switch (s) {
    case EventStatus::published: return "published";
    case EventStatus::cancelled: return "cancelled";
    case EventStatus::draft: return "draft";
  }
  return "cancelled";
}

std::optional<EventStatus> parse_event_status(std::string_view s) {
  if (s == "published") return EventStatus::published;
  if (s == "cancelled") return EventStatus::cancelled;
  if (s == "draft") return EventStatus::draft;
  return std::nullopt;
}

bool visible_to(EventStatus status, std::string_view organizer_id, std::string_view user_id) {
  return status != EventStatus::draft || (!user_id.empty() && organizer_id == user_id);
}

bool visible_to(Event const& event, std::string_view user_id) {
  return visible_to(event.status, event.organizer_id, user_id);
}

std::vector<FieldError> check_event(EventDraft const& d) {
  std::vector<FieldError> errors;
  if (blank(d.name)) {
    errors.push_back({"name", "must not be empty"});
  } else if (utf8_length(d.name) > 200) {
    errors.push_back({"name", "must be at most 200 characters"});
  }
  if (utf8_length(d.description) > 10'000) errors.push_back({"description", "must be at most 10000 characters"});
  if (blank(d.location)) {
    errors.push_back({"location", "must not be empty"});
  } else if (utf8_length(d.location) > 500) {
    errors.push_back({"location", "must be at most 500 characters"});
  }
  if (d.capacity < 1 || d.capacity > EventDraft::kMaxCapacity) {
    errors.push_back({"capacity", "must be between 1 and 1000000"});
  }
  if (d.max_per_attendee < 1) {
    errors.push_back({"maxPerAttendee", "must be at least 1"});
  } else if (d.capacity >= 1 && d.max_per_attendee > d.capacity) {
    errors.push_back({"maxPerAttendee", "must not exceed capacity"});
  }
  if (d.price_minor < 0) {
    errors.push_back({"price", "must not be negative"});
  } else if (d.max_per_attendee >= 1) {
    // The largest order one attendee can place must stay payable in one payment.
    auto const largest_order = std::min(d.max_per_attendee, kMaxQuantityPerOrder);
    if (d.price_minor > EventDraft::kMaxOrderAmountMinor / largest_order) {
      errors.push_back({"price", "times the largest order (" + std::to_string(largest_order) +
                                     " seats) must not exceed 99999999 minor units of the currency, the most one "
                                     "payment may be"});
    }
  }
  if (!currency_exponent(d.currency)) errors.push_back({"currency", "must be a supported ISO 4217 code"});
  using namespace std::chrono;
  auto const year_of = year_month_day{floor<days>(d.starts_at)}.year();
  if (year_of < year{2000} || year_of > year{2200}) errors.push_back({"date", "must be between 2000 and 2200"});
  if (d.cancellation_deadline && *d.cancellation_deadline > d.starts_at) {
    errors.push_back({"cancellationDeadline", "must not be after the event's date"});
  }
  if (d.ends_at && *d.ends_at <= d.starts_at) errors.push_back({"endDate", "must be after the event's date"});
  if (d.hold_seconds &&
      (*d.hold_seconds < EventDraft::kMinHoldSeconds || *d.hold_seconds > EventDraft::kMaxHoldSeconds)) {
    errors.push_back({"holdSeconds", "must be between 60 and 86400 seconds, or null for the instance's default"});
  }
  return errors;
}

}  // namespace admit
