#include "app/staff.hpp"

#include <algorithm>

namespace admit {

Staff::Staff(UserStore& users, EventStore& events, StaffStore& staff, Tickets& tickets, Entropy& entropy,
             Clock const& clock)
    : users_(users), events_(events), staff_(staff), tickets_(tickets), entropy_(entropy), clock_(clock) {}

Result<Event> Staff::organizer_event(Principal const& who, std::string_view event_id) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer manages its staff.");
  return std::move(*event);
}

Result<User> Staff::caller(Principal const& who) {
  auto user = users_.find_user(who.user_id);
  if (!user) return fail(Errc::unauthenticated, "This account no longer exists.");
  return std::move(*user);
}

Result<InviteResult> Staff::invite(Principal const& who, std::string_view event_id, std::string_view email,
                                   Actor const& actor) {
  auto const address = normalize_email(email);
  if (!address)
    return fail(Errc::invalid_input, "The email is not valid.", {{"email", "must be a valid email address"}});
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  // The invitation names the event to someone else, and a draft is its organizer's alone.
  if (event->status == EventStatus::draft)
    return fail(Errc::conflict, "This event is a draft: publish it before inviting door staff.");
  auto const now = clock_.now();
  StaffInvitation fresh{
      .id = entropy_.new_id(),
      .event_id = event->id,
      .email = *address,
      .status = StaffStatus::invited,
      .user_id = {},
      .name = {},
      .event_name = event->details.name,
      .invited_at = now,
      .expires_at = now + kStaffInvitationLifetime,
      .accepted_at = std::nullopt,
  };
  return staff_.invite_staff(fresh, actor);
}

Result<std::vector<StaffInvitation>> Staff::list_event_staff(Principal const& who, std::string_view event_id) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  return staff_.list_event_staff(event_id, clock_.now());
}

Result<std::vector<StaffInvitation>> Staff::my_invitations(Principal const& who) {
  auto user = caller(who);
  if (!user) return std::unexpected(user.error());
  return staff_.list_staff_invitations(user->email, clock_.now());
}

Result<StaffInvitation> Staff::accept(Principal const& who, std::string_view invitation_id, Actor const& actor) {
  auto user = caller(who);
  if (!user) return std::unexpected(user.error());
  auto const now = clock_.now();
  // The invitation went to an address: only an account that proved it receives mail there
  // may take up the right it grants. Someone else's invitation stays a 404 either way.
  if (!user->email_verified()) {
    auto const mine = staff_.list_staff_invitations(user->email, now);
    if (std::ranges::find(mine, invitation_id, &StaffInvitation::id) == mine.end()) {
      return fail(Errc::not_found, "No invitation of yours has this id.");
    }
    return fail(Errc::email_unverified,
                "Verify your email address first (use the link we sent you, or ask for a new one); then accept.");
  }
  switch (staff_.accept_staff_invitation(invitation_id, user->email, user->id, now, actor)) {
    case InvitationAnswer::accepted:
    case InvitationAnswer::already_active: break;
    case InvitationAnswer::expired:
      return fail(Errc::invitation_expired, "This invitation has expired; ask the organizer for a new one.");
    case InvitationAnswer::not_found: return fail(Errc::not_found, "No invitation of yours has this id.");
  }
  auto const mine = staff_.list_staff_invitations(user->email, now);
  auto const it = std::ranges::find(mine, invitation_id, &StaffInvitation::id);
  // Removed by the organizer right after it was accepted.
  if (it == mine.end() || it->status != StaffStatus::active) {
    return fail(Errc::not_found, "No invitation of yours has this id.");
  }
  return *it;
}

Result<void> Staff::decline(Principal const& who, std::string_view invitation_id, Actor const& actor) {
  auto user = caller(who);
  if (!user) return std::unexpected(user.error());
  auto const gone = staff_.decline_staff_invitation(invitation_id, user->email, clock_.now(), actor);
  if (!gone) return fail(Errc::not_found, "No invitation of yours has this id.");
  if (!gone->user_id.empty()) tickets_.forget_staff(gone->event_id, gone->user_id);
  return {};
}

Result<void> Staff::remove(Principal const& who, std::string_view event_id, std::string_view invitation_id,
                           Actor const& actor) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  auto const gone = staff_.remove_staff_invitation(event_id, invitation_id, clock_.now(), actor);
  if (!gone) return fail(Errc::not_found, "This event has no staff invitation with this id.");
  if (!gone->user_id.empty()) tickets_.forget_staff(gone->event_id, gone->user_id);
  return {};
}

}  // namespace admit
