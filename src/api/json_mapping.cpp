#include "api/json_mapping.hpp"

#include <cstdio>

#include "domain/money.hpp"

namespace admit::api {

void write_user_fields(JsonWriter& w, User const& user) {
  w.field("userId", user.id);
  w.field("email", user.email);
  w.field("name", user.name);
  w.key("roles").begin_array();
  for (auto name : user.roles.names()) w.value(name);
  w.end_array();
  w.field("createdAt", format_rfc3339(user.created_at));
  w.field("emailVerified", user.email_verified());
}

void write_user(JsonWriter& w, User const& user) {
  w.begin_object();
  write_user_fields(w, user);
  w.end_object();
}

void write_event(JsonWriter& w, Event const& e) {
  write_event_with_promo(w, e, nullptr);
}

namespace {

void write_optional_money(JsonWriter& w, std::string_view key, std::optional<std::int64_t> minor, int exponent) {
  w.key(key);
  if (minor) {
    w.money(*minor, exponent);
  } else {
    w.null();
  }
}

void write_ids(JsonWriter& w, std::string_view key, std::vector<std::string> const& ids) {
  w.key(key).begin_array();
  for (auto const& id : ids) w.value(id);
  w.end_array();
}

/// A percentage from basis points (1050 → 10.5), exact as money with 2 decimals is.
void write_percent(JsonWriter& w, std::optional<std::int32_t> bp) {
  w.key("discountPercent");
  if (bp) {
    w.money(*bp, 2);
  } else {
    w.null();
  }
}

}  // namespace

void write_promo_code(JsonWriter& w, PromoCode const& c) {
  auto const& d = c.details;
  auto const exponent = currency_exponent(c.currency).value_or(2);
  w.begin_object();
  w.field("promoCodeId", c.id);
  w.field("eventId", c.event_id);
  w.field("code", d.code);
  write_percent(w, d.discount_percent_bp);
  write_optional_money(w, "discountAmount", d.discount_amount_minor, exponent);
  write_ids(w, "ticketTypeIds", d.ticket_type_ids);
  write_ids(w, "unlocksTicketTypeIds", d.unlocks_type_ids);
  w.key("maxUses");
  if (d.max_uses) {
    w.value(static_cast<std::int64_t>(*d.max_uses));
  } else {
    w.null();
  }
  w.key("maxUsesPerBuyer");
  if (d.max_uses_per_buyer) {
    w.value(static_cast<std::int64_t>(*d.max_uses_per_buyer));
  } else {
    w.null();
  }
  w.key("validFrom");
  write_time(w, d.valid_from);
  w.key("validUntil");
  write_time(w, d.valid_until);
  w.field("uses", c.uses);
  w.field("createdAt", format_rfc3339(c.created_at));
  w.end_object();
}

void write_event_with_promo(JsonWriter& w, Event const& e, PromoCode const* promo) {
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
  if (!e.ticket_types.empty()) {
    w.key("ticketTypes").begin_array();
    for (auto const& t : e.ticket_types) write_ticket_type(w, t, e);
    w.end_array();
  }
  if (promo) {
    // The code the page was opened with: what the buyer gets with it.
    w.key("promo").begin_object();
    w.field("code", promo->details.code);
    write_percent(w, promo->details.discount_percent_bp);
    write_optional_money(w, "discountAmount", promo->details.discount_amount_minor,
                         currency_exponent(d.currency).value_or(2));
    write_ids(w, "ticketTypeIds", promo->details.ticket_type_ids);
    write_ids(w, "unlocksTicketTypeIds", promo->details.unlocks_type_ids);
    w.end_object();
  }
  w.end_object();
}

void write_ticket_type(JsonWriter& w, TicketType const& t, Event const& e) {
  auto const& d = t.details;
  auto const exponent = currency_exponent(e.details.currency).value_or(2);
  w.begin_object();
  w.field("ticketTypeId", t.id);
  w.field("name", d.name);
  w.field("description", d.description);
  w.key("price").money(d.price_minor, exponent);
  w.key("capacity");
  if (d.capacity) {
    w.value(static_cast<std::int64_t>(*d.capacity));
  } else {
    w.null();
  }
  w.field("sold", t.sold);
  w.field("available", t.available(e.status == EventStatus::published ? e.seats_left() : 0));
  w.key("salesStart");
  write_time(w, d.sales_start);
  w.key("salesEnd");
  write_time(w, d.sales_end);
  w.field("minPerOrder", d.min_per_order);
  w.field("maxPerOrder", d.max_per_order);
  w.field("hidden", d.hidden);
  w.field("position", d.position);
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

namespace {

void write_answers(JsonWriter& w, Answers const& answers) {
  w.begin_object();
  for (auto const& answer : answers) {
    w.key(answer.question_id);
    std::visit(
        [&](auto const& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            w.begin_array();
            for (auto const& choice : value) w.value(choice);
            w.end_array();
          } else {
            w.value(value);
          }
        },
        answer.value);
  }
  w.end_object();
}

}  // namespace

void write_ticket(JsonWriter& w, Ticket const& t) {
  w.begin_object();
  w.field("ticketId", t.id);
  w.field("registrationId", t.registration_id);
  w.field("eventId", t.event_id);
  w.field("userId", t.user_id);
  w.field("holderName", t.holder_name);
  w.field("qrCode", t.qr_code);
  w.field("status", display_status(t));
  w.field("ticketTypeId", t.ticket_type_id);
  if (t.holder_email) w.field("holderEmail", *t.holder_email);
  if (!t.answers.empty()) write_answers(w.key("answers"), t.answers);
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
  w.key("discount").money(r.discount_minor, currency_exponent(r.currency).value_or(2));
  w.key("promoCode");
  if (r.promo_code) {
    w.value(*r.promo_code);
  } else {
    w.null();
  }
  w.key("paymentId");
  if (r.payment_id) {
    w.value(*r.payment_id);
  } else {
    w.null();
  }
  w.field("registeredAt", format_rfc3339(r.registered_at));
  w.key("holdExpiresAt");
  write_time(w, r.hold_expires_at);
  w.field("source", source_name(r.source));
  w.key("refundedAmount").money(r.refunded_minor, currency_exponent(r.currency).value_or(2));
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

void write_registration(JsonWriter& w, RegistrationDetail const& d, std::string_view order_token) {
  w.begin_object();
  write_registration_fields(w, d.registration);
  write_email(w, d.email);
  w.field("guest", d.guest.has_value());
  if (d.guest) w.key("buyer").begin_object().field("name", d.guest->name).field("email", d.guest->email).end_object();
  if (!order_token.empty()) w.field("orderToken", order_token);
  auto const exponent = currency_exponent(d.registration.currency).value_or(2);
  w.key("items").begin_array();
  for (auto const& item : d.items) {
    w.begin_object();
    w.field("ticketTypeId", item.ticket_type_id);
    w.field("name", item.name);
    w.field("quantity", item.quantity);
    w.key("unitPrice").money(item.unit_price_minor, exponent);
    w.key("discountedUnitPrice").money(item.discounted_unit_price_minor(), exponent);
    w.key("amount").money(item.discounted_unit_price_minor() * item.quantity, exponent);
    w.end_object();
  }
  w.end_array();
  write_answers(w.key("answers"), d.answers);
  w.key("tickets").begin_array();
  for (auto const& t : d.tickets) write_ticket(w, t);
  w.end_array();
  w.end_object();
}

void write_registration(JsonWriter& w, RegistrationDetail const& d) {
  write_registration(w, d, {});
}

void write_registration_row(JsonWriter& w, RegistrationRow const& row) {
  w.begin_object();
  write_registration_fields(w, row.registration);
  w.key("attendee").begin_object().field("name", row.attendee_name).field("email", row.attendee_email).end_object();
  w.field("checkedIn", row.checked_in);
  write_email(w, row.email);
  write_answers(w.key("answers"), row.answers);
  w.end_object();
}

std::string key_id_text(std::uint32_t key_id) {
  char buffer[9];
  (void)std::snprintf(buffer, sizeof buffer, "%08x", key_id);  // 8 hex digits always fit
  return buffer;
}

}  // namespace admit::api
