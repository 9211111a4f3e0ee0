#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/paging.hpp"
#include "app/ports.hpp"

namespace admit {

/// The fields an organizer sends; absent fields keep their current value on update and take
/// their defaults on create.
struct EventPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<Timestamp> starts_at;
  std::optional<std::string> timezone;
  std::optional<std::string> location;
  std::optional<std::int32_t> capacity;
  std::optional<double> price;  ///< in major units (99.99), converted with the currency's exponent
  std::optional<std::string> currency;
  std::optional<std::int32_t> max_per_attendee;
  /// Outer nullopt: unchanged; inner nullopt: back to the default (the event's start).
  std::optional<std::optional<Timestamp>> cancellation_deadline;
  /// Outer nullopt: unchanged; inner nullopt: back to the instance's hold length.
  std::optional<std::optional<std::int32_t>> hold_seconds;
  /// Outer nullopt: unchanged; inner nullopt: no end said.
  std::optional<std::optional<Timestamp>> ends_at;
  /// On create only: "draft" (only its organizer sees it, not on sale until published) or
  /// "published" (the default).
  std::optional<std::string> status;
};

struct ListEventsRequest {
  std::optional<std::string> text;
  std::optional<Timestamp> from;  ///< default: now, so only upcoming events
  std::optional<Timestamp> to;
  std::optional<std::string> cursor;
  int limit = kDefaultPageSize;
  /// Lists this organizer's own events, cancelled and past ones included.
  std::optional<std::string> organizer_id;
};

struct StaffEventsRequest {
  std::optional<Timestamp> from;  ///< default: a day before now
  std::optional<std::string> cursor;
  int limit = kDefaultPageSize;
};

/// Publishing and browsing events.
class Events {
 public:
  Events(EventStore& events, StaffStore& staff, Entropy& entropy, Clock const& clock);

  /// Creates an event owned by the calling organizer, published or as a draft, with one
  /// default ticket type.
  Result<Event> create_event(Principal const& who, EventPatch const& input, Actor const& actor);
  /// Any event by id, cancelled ones included (their status says so); a draft only for its
  /// organizer (`viewer`: nullptr when anonymous), not found for anyone else.
  Result<Event> get_event(std::string_view id, Principal const* viewer);
  /// Puts a draft of the calling organizer on sale; a published event stays as it is (so a
  /// repeated request changes nothing), a cancelled one is a conflict.
  Result<Event> publish_event(Principal const& who, std::string_view id, Actor const& actor);
  /// Published events in start order, one page at a time; the organizer's own listing has
  /// their drafts and cancelled events too.
  Result<Page<Event>> list_events(ListEventsRequest const& request);
  /// Changes an event of the calling organizer; capacity never drops below seats taken.
  Result<Event> update_event(Principal const& who, std::string_view id, EventPatch const& patch, Actor const& actor);
  /// Cancels an event of the calling organizer (a draft too).
  Result<Event> cancel_event(Principal const& who, std::string_view id, Actor const& actor);
  /// The not-cancelled events the caller is door staff of, in start order, one page at a
  /// time; by default those that started less than a day ago or start later, so an event in
  /// progress stays on the list.
  Result<Page<Event>> list_staff_events(Principal const& who, StaffEventsRequest const& request);

  /// From now on an organizer whose address is not verified may not create a paid event nor
  /// make a free one paid (Errc::email_unverified); `users` (which must outlive this object)
  /// tells. Off by default (ADMIT_REQUIRE_VERIFIED_ORGANIZERS).
  void require_verified_organizers(UserStore& users) { verified_organizers_from_ = &users; }

 private:
  Result<Event> owned_event(Principal const& who, std::string_view id);
  /// Errc::email_unverified when the rule above is on and `who` may not sell at `price_minor`.
  Result<void> check_may_sell(Principal const& who, std::int64_t price_minor);

  EventStore& events_;
  StaffStore& staff_;
  Entropy& entropy_;
  Clock const& clock_;
  UserStore* verified_organizers_from_ = nullptr;  ///< set: paid events need a verified organizer
};

/// Opaque text for a listing position, and back; nullopt for text this did not produce.
std::string encode_cursor(EventCursor const& cursor);
std::optional<EventCursor> decode_cursor(std::string_view text);

/// Whether the IANA time zone database knows this zone ("Europe/Berlin").
bool is_known_time_zone(std::string_view name);

}  // namespace admit
