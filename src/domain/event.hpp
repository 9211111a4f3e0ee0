#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace admit {

/// A draft is prepared by its organizer, seen by nobody else and not on sale until it is
/// published; a published event may be cancelled. Never back to draft.
enum class EventStatus : std::uint8_t { published, cancelled, draft };

std::string_view status_name(EventStatus s);
std::optional<EventStatus> parse_event_status(std::string_view s);

/// What an organizer writes about an event. Read-only fields (id, organizer, counts,
/// status) are not part of it, so they can never be taken from input.
struct EventDraft {
  std::string name;
  std::string description;
  Timestamp starts_at;
  std::string timezone;
  std::string location;
  std::int32_t capacity = 0;
  std::int64_t price_minor = 0;
  std::string currency = "USD";
  std::int32_t max_per_attendee = kDefaultMaxPerAttendee;
  /// After it the holder can no longer cancel; nullopt: the event's start (following it when
  /// the date changes).
  std::optional<Timestamp> cancellation_deadline;
  /// How long an unpaid order holds its seats; nullopt: the instance's setting.
  std::optional<std::int32_t> hold_seconds;
  /// When the event ends, after its start; nullopt: not said.
  std::optional<Timestamp> ends_at;

  static constexpr std::int32_t kDefaultMaxPerAttendee = 10;
  static constexpr std::int32_t kMaxCapacity = 1'000'000;
  static constexpr std::int32_t kMinHoldSeconds = 60;
  static constexpr std::int32_t kMaxHoldSeconds = 24 * 60 * 60;
  /// The largest amount one payment may have, in minor units: Stripe's limit for most
  /// currencies (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
  static constexpr std::int64_t kMaxOrderAmountMinor = 99'999'999;
};

struct Event {
  std::string id;
  std::string organizer_id;
  EventDraft details;
  std::int32_t registered_count = 0;  ///< confirmed and held seats
  EventStatus status = EventStatus::published;
  Timestamp created_at;
  Timestamp updated_at;

  std::int32_t seats_left() const { return details.capacity - registered_count; }
};

/// Every kind of ticket an event sells. An event starts with one default type built from
/// its price and capacity; registrations and tickets point at a type.
struct TicketType {
  std::string id;
  std::string event_id;
  std::string name;
  std::int64_t price_minor = 0;
  std::int32_t capacity = 0;
};

/// Whether `user_id` may learn that the event exists: a draft is its organizer's alone, to
/// everyone else (admins and door staff too) it does not exist. Empty `user_id`: anonymous.
bool visible_to(Event const& event, std::string_view user_id);
bool visible_to(EventStatus status, std::string_view organizer_id, std::string_view user_id);

/// The rules an event's details must satisfy; empty when they do. The time zone's existence
/// is checked by the caller, which has the zone database.
std::vector<FieldError> check_event(EventDraft const& draft);

}  // namespace admit
