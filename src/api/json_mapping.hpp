#pragma once

#include "api/json_writer.hpp"
#include "app/accounts.hpp"
#include "app/paging.hpp"
#include "app/registrations.hpp"
#include "app/tickets.hpp"
#include "domain/event.hpp"
#include "domain/user.hpp"

namespace admit::api {

void write_user(JsonWriter& w, User const& user);
/// The person's fields of write_user, inside an object the caller opened (to add its own).
void write_user_fields(JsonWriter& w, User const& user);
void write_event(JsonWriter& w, Event const& event);
/// … with `promo: {…}`, the code the event page was opened with (none when null).
void write_event_with_promo(JsonWriter& w, Event const& event, PromoCode const* promo);
void write_promo_code(JsonWriter& w, PromoCode const& code);
/// One ticket type of event `e` (its currency, its seats left).
void write_ticket_type(JsonWriter& w, TicketType const& t, Event const& e);
void write_session(JsonWriter& w, SessionTokens const& session);
void write_ticket(JsonWriter& w, Ticket const& ticket);
void write_registration(JsonWriter& w, RegistrationDetail const& detail);
/// With a guest order's token, shown once in the answer that placed (or replayed) it.
void write_registration(JsonWriter& w, RegistrationDetail const& detail, std::string_view order_token);
void write_registration_row(JsonWriter& w, RegistrationRow const& row);
/// "2026-12-15T09:00:00Z" or null.
void write_time(JsonWriter& w, std::optional<Timestamp> const& t);
std::string key_id_text(std::uint32_t key_id);

/// One page of a listing: {"items":[…],"nextCursor":"…"} with a null cursor on the last page.
template <class T, class WriteItem>
void write_page(JsonWriter& w, Page<T> const& page, WriteItem&& write_item) {
  w.begin_object().key("items").begin_array();
  for (auto const& item : page.items) write_item(w, item);
  w.end_array().key("nextCursor");
  if (page.next_cursor) {
    w.value(*page.next_cursor);
  } else {
    w.null();
  }
  w.end_object();
}

}  // namespace admit::api
