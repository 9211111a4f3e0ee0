#include "api/json_mapping.hpp"

#include "domain/money.hpp"

namespace admit::api {

void write_user(JsonWriter& w, User const& user) {
  w.begin_object();
  w.field("userId", user.id);
  w.field("email", user.email);
  w.field("name", user.name);
  w.key("roles").begin_array();
  for (auto name : user.roles.names()) w.value(name);
  w.end_array();
  w.field("createdAt", format_rfc3339(user.created_at));
  w.end_object();
}

void write_event(JsonWriter& w, Event const& e) {
  auto const& d = e.details;
  w.begin_object();
  w.field("eventId", e.id);
  w.field("name", d.name);
  w.field("description", d.description);
  w.field("date", format_rfc3339(d.starts_at));
  w.field("timezone", d.timezone);
  w.field("location", d.location);
  w.field("capacity", d.capacity);
  w.field("registeredCount", e.registered_count);
  w.field("seatsLeft", e.seats_left());
  w.field("maxPerAttendee", d.max_per_attendee);
  w.field("organizerId", e.organizer_id);
  w.key("price").money(d.price_minor, currency_exponent(d.currency).value_or(2));
  w.field("currency", d.currency);
  w.field("status", status_name(e.status));
  w.field("createdAt", format_rfc3339(e.created_at));
  w.field("updatedAt", format_rfc3339(e.updated_at));
  w.end_object();
}

void write_session(JsonWriter& w, SessionTokens const& s) {
  w.begin_object();
  w.key("user");
  write_user(w, s.user);
  w.field("accessToken", s.access.token);
  w.field("refreshToken", s.refresh_token);
  w.field("tokenType", "Bearer");
  w.field("expiresIn", static_cast<std::int64_t>(s.access.expires_in.count()));
  w.end_object();
}

}  // namespace admit::api
