#include "api/json_mapping.hpp"

#include <cstdio>

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
  w.field("emailVerified", user.email_verified());
  w.end_object();
}

void write_event(JsonWriter& w, Event const& e) {
  auto const& d = e.details;
  w.begin_object();
  w.field("eventId", e.id);
  w.field("name", d.name);
  w.field("description", d.description);
  w.field("date", format_rfc3339(d.starts_at));
  w.key("endDate");
  write_time(w, d.ends_at);
  w.field("timezone", d.timezone);
  w.field("location", d.location);
  w.field("capacity", d.capacity);
  w.field("registeredCount", e.registered_count);
  w.field("seatsLeft", e.seats_left());
  w.field("maxPerAttendee", d.max_per_attendee);
  w.key("cancellationDeadline");
  write_time(w, d.cancellation_deadline);
  w.key("holdSeconds");
  if (d.hold_seconds) {
    w.value(static_cast<std::int64_t>(*d.hold_seconds));
  } else {
    w.null();
  }
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

void write_time(JsonWriter& w, std::optional<Timestamp> const& t) {
  if (t) {
    w.value(format_rfc3339(*t));
  } else {
    w.null();
  }
}

void write_ticket(JsonWriter& w, Ticket const& t) {
  w.begin_object();
  w.field("ticketId", t.id);
  w.field("registrationId", t.registration_id);
  w.field("eventId", t.event_id);
  w.field("userId", t.user_id);
  w.field("holderName", t.holder_name);
  w.field("qrCode", t.qr_code);
  w.field("status", display_status(t));
  w.field("generatedAt", format_rfc3339(t.generated_at));
  w.key("validatedAt");
  write_time(w, t.validated_at);
  w.end_object();
}

namespace {

void write_registration_fields(JsonWriter& w, Registration const& r) {
  w.field("registrationId", r.id);
  w.field("userId", r.user_id);
  w.field("eventId", r.event_id);
  w.field("status", status_name(r.status));
  w.field("quantity", r.quantity);
  w.key("amount").money(r.amount_minor, currency_exponent(r.currency).value_or(2));
  w.field("currency", r.currency);
  w.key("paymentId");
  if (r.payment_id) {
    w.value(*r.payment_id);
  } else {
    w.null();
  }
  w.field("registeredAt", format_rfc3339(r.registered_at));
  w.key("holdExpiresAt");
  write_time(w, r.hold_expires_at);
}

/// A registration's latest confirmation: null while none is due.
void write_email(JsonWriter& w, std::optional<EmailDelivery> const& email) {
  w.key("email");
  if (!email) {
    w.null();
    return;
  }
  w.begin_object();
  w.field("status", mail_status_name(email->status));
  w.field("attempts", email->attempts);
  if (!email->last_error.empty()) w.field("lastError", email->last_error);
  if (email->sent_at) w.field("sentAt", format_rfc3339(*email->sent_at));
  w.end_object();
}

}  // namespace

void write_registration(JsonWriter& w, RegistrationDetail const& d) {
  w.begin_object();
  write_registration_fields(w, d.registration);
  write_email(w, d.email);
  w.key("tickets").begin_array();
  for (auto const& t : d.tickets) write_ticket(w, t);
  w.end_array();
  w.end_object();
}

void write_registration_row(JsonWriter& w, RegistrationRow const& row) {
  w.begin_object();
  write_registration_fields(w, row.registration);
  w.key("attendee").begin_object().field("name", row.attendee_name).field("email", row.attendee_email).end_object();
  w.field("checkedIn", row.checked_in);
  write_email(w, row.email);
  w.end_object();
}

std::string key_id_text(std::uint32_t key_id) {
  char buffer[9];
  (void)std::snprintf(buffer, sizeof buffer, "%08x", key_id);  // 8 hex digits always fit
  return buffer;
}

}  // namespace admit::api
