// Door staff invitations: the organizer's side (invite, list, remove) and the invited
// person's (list, accept, decline).

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"

namespace admit::api {
namespace {

/// The fields both sides see. Nothing about the account behind the address appears before
/// the invitation is accepted.
void write_invitation_state(JsonWriter& w, StaffInvitation const& invitation) {
  w.field("invitationId", invitation.id).field("eventId", invitation.event_id);
  w.field("status", status_name(invitation.status));
  if (invitation.status == StaffStatus::invited) w.field("expiresAt", format_rfc3339(invitation.expires_at));
}

}  // namespace

Response invite_event_staff(Staff& staff, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email"});
  auto email = input->string("email", true);
  if (auto bad = input->errors()) return std::move(*bad);
  auto invited = staff.invite(*request.principal, request.param("id"), *email, request.actor());
  if (!invited) return problem(invited.error());
  JsonWriter w;
  w.begin_object();
  write_invitation_state(w, invited->invitation);
  w.field("email", invited->invitation.email);
  w.end_object();
  // 201 for a new invitation; 200 when the address already had an open one, returned as is.
  return json_response(invited->created ? 201 : 200, w.take());
}

Response list_event_staff(Staff& staff, Request& request) {
  auto listed = staff.list_event_staff(*request.principal, request.param("id"));
  if (!listed) return problem(listed.error());
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (auto const& invitation : *listed) {
    w.begin_object();
    write_invitation_state(w, invitation);
    w.field("email", invitation.email).field("invitedAt", format_rfc3339(invitation.invited_at));
    if (invitation.status == StaffStatus::active) {
      w.field("name", invitation.name);
      if (invitation.accepted_at) w.field("acceptedAt", format_rfc3339(*invitation.accepted_at));
    }
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

Response remove_event_staff(Staff& staff, Request& request) {
  auto removed = staff.remove(*request.principal, request.param("id"), request.param("invitationId"), request.actor());
  if (!removed) return problem(removed.error());
  return no_content();
}

Response list_my_staff_invitations(Staff& staff, Request& request) {
  auto listed = staff.my_invitations(*request.principal);
  if (!listed) return problem(listed.error());
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (auto const& invitation : *listed) {
    w.begin_object();
    write_invitation_state(w, invitation);
    w.field("eventName", invitation.event_name);
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

Response accept_staff_invitation(Staff& staff, Request& request) {
  auto accepted = staff.accept(*request.principal, request.param("invitationId"), request.actor());
  if (!accepted) return problem(accepted.error());
  JsonWriter w;
  w.begin_object();
  write_invitation_state(w, *accepted);
  w.field("eventName", accepted->event_name);
  w.end_object();
  return json_response(200, w.take());
}

Response decline_staff_invitation(Staff& staff, Request& request) {
  auto declined = staff.decline(*request.principal, request.param("invitationId"), request.actor());
  if (!declined) return problem(declined.error());
  return no_content();
}

}  // namespace admit::api
