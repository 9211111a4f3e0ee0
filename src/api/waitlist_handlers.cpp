// The waiting list: joining, the guest's confirmation, the organizer's line, offers and leaving.
// Claiming an offer is POST /api/registrations with waitlistOfferToken (registration_handlers).

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "domain/money.hpp"

namespace admit::api {
namespace {

void write_entry(JsonWriter& w, WaitlistEntry const& e) {
  w.begin_object();
  w.field("waitlistEntryId", e.id).field("eventId", e.event_id).field("ticketTypeId", e.ticket_type_id);
  w.field("quantity", static_cast<std::int64_t>(e.quantity));
  w.field("name", e.name).field("email", e.email);
  w.field("position", static_cast<std::int64_t>(e.position));
  w.field("status", waitlist_status_name(e.status));
  w.key("confirmed").value(e.confirmed);
  w.key("offerExpiresAt");
  if (e.offer_expires_at && e.status == WaitlistStatus::offered) {
    w.value(format_rfc3339(*e.offer_expires_at));
  } else {
    w.null();
  }
  w.field("createdAt", format_rfc3339(e.created_at));
  w.end_object();
}

Response entry_response(unsigned status, Result<WaitlistEntry> const& entry) {
  if (!entry) return problem(entry.error());
  JsonWriter w;
  write_entry(w, *entry);
  return json_response(status, w.take());
}

}  // namespace

Response join_waitlist(Waitlist& waitlist, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"ticketTypeId", "quantity", "name", "email", "promoCode"});
  auto type = input->string("ticketTypeId");
  auto code = input->string("promoCode");
  auto quantity = input->integer("quantity");
  auto name = input->string("name");
  auto email = input->string("email");
  if (auto bad = input->errors()) return std::move(*bad);
  if (!request.principal && (!name || !email)) {
    return problem(Error{Errc::unauthenticated, "Sign in, or give a name and an email to join as a guest."});
  }
  return entry_response(201, waitlist.join(request.principal ? *request.principal : Principal{},
                                           {.event_id = std::string(request.param("id")),
                                            .ticket_type_id = std::move(type),
                                            .quantity = quantity.value_or(1),
                                            .name = name.value_or(""),
                                            .email = email.value_or(""),
                                            .promo_code = std::move(code),
                                            .client_address = request.client,
                                            .client_exempt = request.client_is_proxy},
                                           request.actor()));
}

Response confirm_waitlist_entry(Waitlist& waitlist, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"token"});
  auto token = input->string("token", true);
  if (auto bad = input->errors()) return std::move(*bad);
  return entry_response(200, waitlist.confirm(*token, request.actor()));
}

Response list_waitlist(Waitlist& waitlist, Request& request) {
  auto query = ListingQuery::parse(request.query);
  if (!query) return std::move(query.error());
  if (auto bad = query->problem()) return std::move(*bad);
  auto listed = waitlist.list(*request.principal, request.param("id"), query->cursor(), query->limit());
  if (!listed) return problem(listed.error());
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (auto const& e : listed->page.items) write_entry(w, e);
  w.end_array();
  w.key("nextCursor");
  if (listed->page.next_cursor) {
    w.value(*listed->page.next_cursor);
  } else {
    w.null();
  }
  w.key("paused").value(listed->paused);
  w.end_object();
  return json_response(200, w.take());
}

namespace {
Response paused_response(Result<bool> const& paused) {
  if (!paused) return problem(paused.error());
  JsonWriter w;
  w.begin_object().key("paused").value(*paused).end_object();
  return json_response(200, w.take());
}
}  // namespace

Response pause_waitlist(Waitlist& waitlist, Request& request) {
  return paused_response(waitlist.set_paused(*request.principal, request.param("id"), true, request.actor()));
}

Response resume_waitlist(Waitlist& waitlist, Request& request) {
  return paused_response(waitlist.set_paused(*request.principal, request.param("id"), false, request.actor()));
}

Response list_my_waitlist(Waitlist& waitlist, Request& request) {
  auto mine = waitlist.mine(*request.principal);
  if (!mine) return problem(mine.error());
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (auto const& e : *mine) write_entry(w, e);
  w.end_array().end_object();
  return json_response(200, w.take());
}

Response leave_waitlist(Waitlist& waitlist, Request& request) {
  auto removed = waitlist.remove(request.principal ? *request.principal : Principal{}, request.param("id"),
                                 request.param("entryId"), request.header("X-Offer-Token"), request.actor());
  if (!removed) return problem(removed.error());
  return Response{.status = 204, .content_type = {}, .body = {}, .headers = {}};
}

Response get_waitlist_offer(Waitlist& waitlist, Request& request) {
  auto offer = waitlist.offer(request.principal ? *request.principal : Principal{}, request.param("entryId"),
                              request.header("X-Offer-Token"));
  if (!offer) return problem(offer.error());
  auto const exponent = currency_exponent(offer->currency).value_or(2);
  auto const& e = offer->entry;
  JsonWriter w;
  w.begin_object();
  w.field("waitlistEntryId", e.id).field("eventId", e.event_id).field("eventName", offer->event_name);
  w.field("ticketTypeId", e.ticket_type_id).field("ticketTypeName", offer->ticket_type_name);
  w.field("quantity", static_cast<std::int64_t>(e.quantity));
  w.key("unitPrice").money(offer->unit_price_minor, exponent);
  w.field("currency", offer->currency);
  w.field("status", waitlist_status_name(e.status));
  w.key("offerExpiresAt");
  if (e.offer_expires_at && e.status == WaitlistStatus::offered) {
    w.value(format_rfc3339(*e.offer_expires_at));
  } else {
    w.null();
  }
  w.end_object();
  return json_response(200, w.take());
}

}  // namespace admit::api
