#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "domain/time.hpp"

namespace admit {

/// Door staff are invited per event by address: the organizer names an address, the person
/// with an account at that address accepts, and only then may they scan that event. There is
/// no global staff role.
enum class StaffStatus : std::uint8_t {
  invited,  ///< waiting for the person to accept or decline, until it expires
  active,   ///< accepted: the account may scan the event's tickets
};

/// How long an invitation may be accepted.
inline constexpr auto kStaffInvitationLifetime = std::chrono::days(14);

struct StaffInvitation {
  std::string id;
  std::string event_id;
  std::string email;  ///< normalised
  StaffStatus status = StaffStatus::invited;
  std::string user_id;  ///< the account that accepted; empty while invited
  std::string name;     ///< that account's name; empty while invited
  std::string event_name;
  Timestamp invited_at;
  Timestamp expires_at;  ///< an invited (not yet accepted) invitation is void from then on
  std::optional<Timestamp> accepted_at;

  /// Whether an invitation still waiting for an answer can no longer be accepted.
  bool expired(Timestamp now) const { return status == StaffStatus::invited && expires_at <= now; }
};

inline std::string_view status_name(StaffStatus s) {
  return s == StaffStatus::active ? "active" : "invited";
}

}  // namespace admit
