#pragma once

/// The waiting list's one rule: which waiting entries get offers when seats are free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
};

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
/// was served. Never more than is free, per type and per event. An entry of a type not in `free`
/// never fits.
std::vector<std::size_t> choose_offers(FreeSeats const& free, std::vector<WaitingEntry> const& waiting);

}  // namespace admit
