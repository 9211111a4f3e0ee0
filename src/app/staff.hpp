#pragma once

#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "app/tickets.hpp"

namespace admit {

/// Door staff by invitation. The organizer names an address and learns nothing about it (not
/// whether an account has it, nor whose); the person signed in with that address accepts or
/// declines; only an accepted invitation lets them scan, and only that event's tickets.
class Staff {
 public:
  Staff(UserStore& users, EventStore& events, StaffStore& staff, Tickets& tickets, Entropy& entropy,
        Clock const& clock);

  /// Invites `email` to scan the event's tickets (its organizer only). The same reply whether
  /// or not an account has the address; an open invitation of the address is returned as it
  /// is (`created` false) instead of a second one.
  Result<InviteResult> invite(Principal const& who, std::string_view event_id, std::string_view email,
                              Actor const& actor);
  /// The event's open invitations and active staff, for its organizer.
  Result<std::vector<StaffInvitation>> list_event_staff(Principal const& who, std::string_view event_id);
  /// The caller's open and accepted invitations (by their account's address).
  Result<std::vector<StaffInvitation>> my_invitations(Principal const& who);
  /// Accepts an invitation addressed to the caller; 404 for anyone else's, 410 once expired,
  /// Errc::email_unverified (403) for the caller's own open one until the caller's address is
  /// verified (an expired one is then a 404). Accepting twice is not an error.
  Result<StaffInvitation> accept(Principal const& who, std::string_view invitation_id, Actor const& actor);
  /// Declines an invitation addressed to the caller (or gives up an accepted one).
  Result<void> decline(Principal const& who, std::string_view invitation_id, Actor const& actor);
  /// Removes an invitation of the event (its organizer only), and with it the right to scan:
  /// at once on this node, within Tickets' staff cache time (a second) on every other.
  Result<void> remove(Principal const& who, std::string_view event_id, std::string_view invitation_id,
                      Actor const& actor);

 private:
  Result<Event> organizer_event(Principal const& who, std::string_view event_id);
  Result<User> caller(Principal const& who);

  UserStore& users_;
  EventStore& events_;
  StaffStore& staff_;
  Tickets& tickets_;
  Entropy& entropy_;
  Clock const& clock_;
};

}  // namespace admit
