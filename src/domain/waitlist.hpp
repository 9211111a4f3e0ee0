#pragma once

/// The waiting list's one rule: which waiting entries get offers when seats are free.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace admit {

/// A waiting-list entry's state: waiting → offered → claimed | expired, or removed (by the
/// organizer, its owner, or the event's cancellation) from waiting or offered.
enum class WaitlistStatus : std::uint8_t { waiting, offered, claimed, expired, removed };

std::string_view waitlist_status_name(WaitlistStatus status);
std::optional<WaitlistStatus> parse_waitlist_status(std::string_view name);

/// Whether an entry in this state is still in line (it has a position).
constexpr bool in_line(WaitlistStatus s) {
  return s == WaitlistStatus::waiting || s == WaitlistStatus::offered;
}

/// Seats free now in one ticket type (nullopt: the type has no quota of its own).
struct FreeTypeSeats {
  std::string ticket_type_id;
  std::optional<std::int32_t> free;
  bool open = true;  ///< its seats may be offered now (offers_open); when not, its entries are passed over
};

/// When a type's seats may be offered: its sale window and its event's start.
struct OfferWindow {
  std::optional<Timestamp> sales_start;  ///< nullopt: on sale from its creation
  std::optional<Timestamp> sales_end;    ///< nullopt: until the event starts
  Timestamp event_starts_at;
};

/// Whether a type's freed seats may be offered at `now`: as a buyer could order it then — its
/// sales have begun and not ended, and the event has not begun. Outside that window its entries
/// keep waiting and keep their place (the organizer may open the sale again, as pretix keeps a
/// list while its product is unavailable); once the event has begun the line is over
/// (line_over).
bool offers_open(OfferWindow const& window, Timestamp now);

/// When an offer made at `now` ends: `offer_for` later, but never after the type's sales end
/// nor the event's start, so an offer never sells a seat the sale itself no longer would.
Timestamp offer_end(OfferWindow const& window, Timestamp now, std::chrono::seconds offer_for);

/// Whether the event's waiting list is over for good at `now`: the event has begun. Every entry
/// still in line then ends (`expired`, a live offer's seats released) and its person is told.
constexpr bool line_over(Timestamp event_starts_at, Timestamp now) {
  return event_starts_at <= now;
}

/// What is free when the list is served: the event's seats left and each type's.
struct FreeSeats {
  std::int32_t event = 0;
  std::vector<FreeTypeSeats> types;
};

/// A waiting entry as the rule sees it: what it asks for. Entries are given in joining order.
struct WaitingEntry {
  std::string id;
  std::string ticket_type_id;
  std::int32_t quantity = 1;
};

/// The entries (indexes into `waiting`, ascending) that get offers now, strictly first come,
/// first served: walking in joining order, an entry whose quantity fits what is still free (of
/// its type and of the event) gets it; one that does not fit is passed over and keeps its place,
/// and the entries after it are served only from what is left once every earlier entry that fits
/// was served. Never more than is free, per type and per event. An entry of a type not in `free`,
/// or not open, never fits.
std::vector<std::size_t> choose_offers(FreeSeats const& free, std::vector<WaitingEntry> const& waiting);

}  // namespace admit
