#pragma once

/// The columns each entity is selected with and the one reader that turns such a row into the
/// entity, for both engines: `Row` is an SQLite statement on its current row or a PostgreSQL
/// result's row (pg::Row), both offering text, integer, optional_integer and is_null by column.
/// A column list's macro takes the table alias as a prefix ("" for none, "e." …).

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports.hpp"
#include "domain/event.hpp"
#include "domain/mail.hpp"
#include "domain/registration.hpp"
#include "domain/staff.hpp"
#include "domain/user.hpp"
#include "store/answer_rows.hpp"

namespace admit {

/// Typed reading of one row's columns, counted from `first` (where an entity's columns start
/// in a wider select list).
template <class Row>
class Cells {
 public:
  explicit Cells(Row const& row, int first = 0) : row_(row), first_(first) {}

  std::string text(int i) const { return row_.text(first_ + i); }
  std::int64_t integer(int i) const { return row_.integer(first_ + i); }
  std::int32_t int32(int i) const { return static_cast<std::int32_t>(integer(i)); }
  Timestamp time(int i) const { return Timestamp{std::chrono::seconds{integer(i)}}; }
  std::optional<std::string> optional_text(int i) const {
    return row_.is_null(first_ + i) ? std::nullopt : std::optional<std::string>(text(i));
  }
  std::optional<std::int32_t> optional_int32(int i) const {
    return row_.is_null(first_ + i) ? std::nullopt : std::optional<std::int32_t>(int32(i));
  }
  std::optional<Timestamp> optional_time(int i) const {
    return row_.is_null(first_ + i) ? std::nullopt : std::optional<Timestamp>(time(i));
  }

 private:
  Row const& row_;
  int first_;
};

#define ADMIT_EVENT_COLUMNS(p)                                                                                 \
  p "id, " p "organizer_id, " p "name, " p "description, " p "starts_at, " p "timezone, " p "location, " p     \
    "capacity, " p "registered_count, " p "max_per_attendee, " p "price_minor, " p "currency, " p "status, " p \
    "created_at, " p "updated_at, " p "cancellation_deadline, " p "hold_seconds, " p "end_date"

template <class Row>
Event read_event(Row const& row, int first = 0) {
  Cells const c(row, first);
  return Event{
      .id = c.text(0),
      .organizer_id = c.text(1),
      .details =
          EventDraft{
              .name = c.text(2),
              .description = c.text(3),
              .starts_at = c.time(4),
              .timezone = c.text(5),
              .location = c.text(6),
              .capacity = c.int32(7),
              .price_minor = c.integer(10),
              .currency = c.text(11),
              .max_per_attendee = c.int32(9),
              .cancellation_deadline = c.optional_time(15),
              .hold_seconds = c.optional_int32(16),
              .ends_at = c.optional_time(17),
          },
      .registered_count = c.int32(8),
      .status = parse_event_status(c.text(12)).value_or(EventStatus::cancelled),
      .created_at = c.time(13),
      .updated_at = c.time(14),
  };
}

#define ADMIT_REGISTRATION_COLUMNS(p)                                                                                 \
  p "id, " p "event_id, " p "ticket_type_id, " p "user_id, " p "quantity, " p "status, " p "amount_minor, " p         \
    "currency, " p "payment_id, " p "hold_expires_at, " p "registered_at, " p "updated_at, " p "source, CASE WHEN " p \
    "status IN ('refund_pending', 'refunded') THEN " p "amount_minor ELSE " p "refunded_minor END"

template <class Row>
Registration read_registration(Row const& row, int first = 0) {
  Cells const c(row, first);
  return Registration{
      .id = c.text(0),
      .event_id = c.text(1),
      .ticket_type_id = c.text(2),
      .user_id = c.text(3),
      .quantity = c.int32(4),
      .status = parse_registration_status(c.text(5)).value_or(RegistrationStatus::cancelled),
      .amount_minor = c.integer(6),
      .currency = c.text(7),
      .payment_id = c.optional_text(8),
      .registered_at = c.time(10),
      .hold_expires_at = c.optional_time(9),
      .updated_at = c.time(11),
      .source = c.text(12) == "comp" ? RegistrationSource::comp : RegistrationSource::order,
      // Cancelled after payment, the whole amount goes (or went) back, partial refunds included.
      .refunded_minor = c.integer(13),
  };
}

/// Tickets with their holders and their types' names, for ADMIT_TICKET_COLUMNS and one more
/// column (the type's name), in the order their registrations were made.
#define ADMIT_EVENT_TICKETS_FROM                                                                            \
  " FROM tickets t LEFT JOIN users u ON u.id = t.user_id JOIN registrations r ON r.id = t.registration_id " \
  "LEFT JOIN ticket_types tt ON tt.id = t.ticket_type_id "

/// A ticket with its holder: needs `tickets t LEFT JOIN users u ON u.id = t.user_id` (the
/// buyer's account name, should a ticket of an account's order have been written without one;
/// a guest order's tickets always carry their holder's name, so no join with guest_buyers).
#define ADMIT_TICKET_COLUMNS                                                                              \
  "t.id, t.registration_id, t.event_id, t.user_id, t.status, t.qr_code, t.generated_at, t.validated_at, " \
  "t.position, COALESCE(NULLIF(t.holder_name, ''), u.name, ''), t.ticket_type_id, t.holder_email, t.answers"
#define ADMIT_TICKETS_FROM " FROM tickets t LEFT JOIN users u ON u.id = t.user_id "

template <class Row>
Ticket read_ticket(Row const& row, int first = 0) {
  Cells const c(row, first);
  return Ticket{
      .id = c.text(0),
      .registration_id = c.text(1),
      .event_id = c.text(2),
      .user_id = c.text(3),
      .status = c.text(4) == "cancelled" ? TicketStatus::cancelled
                : c.text(4) == "void"    ? TicketStatus::voided
                                         : TicketStatus::valid,
      .qr_code = c.text(5),
      .generated_at = c.time(6),
      .validated_at = c.optional_time(7),
      .position = c.int32(8),
      .holder_name = c.text(9),
      .ticket_type_id = c.optional_text(10).value_or(""),
      .holder_email = c.optional_text(11),
      .answers = read_answers(c.text(12)),
  };
}

#define ADMIT_TICKET_TYPE_COLUMNS(p)                                                                                   \
  p "id, " p "event_id, " p "name, " p "description, " p "price_minor, " p "capacity, " p "sold, " p "sales_start, " p \
    "sales_end, " p "min_per_order, " p "max_per_order, " p "hidden, " p "position"

template <class Row>
TicketType read_ticket_type(Row const& row, int first = 0) {
  Cells const c(row, first);
  return TicketType{
      .id = c.text(0),
      .event_id = c.text(1),
      .details =
          TicketTypeDraft{
              .name = c.text(2),
              .description = c.text(3),
              .price_minor = c.integer(4),
              .capacity = c.optional_int32(5),
              .sales_start = c.optional_time(7),
              .sales_end = c.optional_time(8),
              .min_per_order = c.int32(9),
              .max_per_order = c.int32(10),
              .hidden = c.integer(11) != 0,
              .position = c.int32(12),
          },
      .sold = c.int32(6),
  };
}

/// A ticket type as a placement decides on it, from ADMIT_TICKET_TYPE_COLUMNS.
inline TypeOnSale type_on_sale(TicketType const& t) {
  return TypeOnSale{.id = t.id,
                    .unit_price_minor = t.details.price_minor,
                    .capacity = t.details.capacity,
                    .sold = t.sold,
                    .sales_start = t.details.sales_start,
                    .sales_end = t.details.sales_end,
                    .min_per_order = t.details.min_per_order,
                    .max_per_order = t.details.max_per_order,
                    .hidden = t.details.hidden};
}

/// Only the columns a placement decides on (TypeOnSale), for the single writer's read: no names
/// or descriptions copied for an order. Read by read_type_on_sale.
#define ADMIT_TYPE_ON_SALE_COLUMNS(p)                                                                          \
  p "id, " p "price_minor, " p "capacity, " p "sold, " p "sales_start, " p "sales_end, " p "min_per_order, " p \
    "max_per_order, " p "hidden"

template <class Row>
TypeOnSale read_type_on_sale(Row const& row, int first = 0) {
  Cells const c(row, first);
  return TypeOnSale{.id = c.text(0),
                    .unit_price_minor = c.integer(1),
                    .capacity = c.optional_int32(2),
                    .sold = c.int32(3),
                    .sales_start = c.optional_time(4),
                    .sales_end = c.optional_time(5),
                    .min_per_order = c.int32(6),
                    .max_per_order = c.int32(7),
                    .hidden = c.integer(8) != 0};
}

/// A registration's items with their types' names, given the registration id's placeholder.
#define ADMIT_ITEMS_OF(id)                                                                      \
  "SELECT i.ticket_type_id, tt.name, i.quantity, i.unit_price_minor, "                          \
  "COALESCE(i.discounted_unit_price_minor, i.unit_price_minor) FROM registration_items i JOIN " \
  "ticket_types tt ON tt.id = i.ticket_type_id WHERE i.registration_id = " id " ORDER BY i.position"

template <class Row>
RegistrationItem read_item(Row const& row, int first = 0) {
  Cells const c(row, first);
  return RegistrationItem{.ticket_type_id = c.text(0),
                          .name = c.text(1),
                          .quantity = c.int32(2),
                          .unit_price_minor = c.integer(3),
                          .discount_minor = c.integer(3) - c.integer(4)};
}

#define ADMIT_USER_COLUMNS \
  "id, email, name, password_hash, roles, created_at, token_version, disabled_at, email_verified_at, erased_at"

template <class Row>
User read_user(Row const& row, int first = 0) {
  Cells const c(row, first);
  return User{
      .id = c.text(0),
      .email = c.text(1),
      .name = c.text(2),
      .password_hash = c.text(3),
      .roles = Roles(static_cast<std::uint8_t>(c.integer(4))),
      .created_at = c.time(5),
      .token_version = c.integer(6),
      .disabled_at = c.optional_time(7),
      .email_verified_at = c.optional_time(8),
      .erased_at = c.optional_time(9),
  };
}

/// A payment with its registration's attendee: needs `payments p JOIN registrations r ON …`.
#define ADMIT_PAYMENT_COLUMNS \
  "p.intent_id, p.registration_id, r.user_id, p.provider, p.amount_minor, p.currency, p.client_secret, p.status"

template <class Row>
StoredPayment read_payment(Row const& row, int first = 0) {
  Cells const c(row, first);
  return StoredPayment{
      .intent_id = c.text(0),
      .registration_id = c.text(1),
      .user_id = c.text(2),
      .provider = c.text(3),
      .amount_minor = c.integer(4),
      .currency = c.text(5),
      .client_secret = c.text(6),
      .status = c.text(7),
  };
}

/// A door-staff invitation with its event's name and the accepting account's name.
#define ADMIT_INVITATION_COLUMNS                                                                              \
  "i.id, i.event_id, i.email, i.status, COALESCE(i.user_id, ''), i.invited_at, i.expires_at, i.accepted_at, " \
  "COALESCE(u.name, ''), e.name"
#define ADMIT_INVITATION_FROM \
  " FROM staff_invitations i JOIN events e ON e.id = i.event_id LEFT JOIN users u ON u.id = i.user_id "

template <class Row>
StaffInvitation read_invitation(Row const& row, int first = 0) {
  Cells const c(row, first);
  auto const active = c.text(3) == "active";
  return StaffInvitation{
      .id = c.text(0),
      .event_id = c.text(1),
      .email = c.text(2),
      .status = active ? StaffStatus::active : StaffStatus::invited,
      .user_id = c.text(4),
      .name = active ? c.text(8) : std::string(),
      .event_name = c.text(9),
      .invited_at = c.time(5),
      .expires_at = c.time(6),
      .accepted_at = c.optional_time(7),
  };
}

/// A registration's latest confirmation (a resend is one too): join it with
/// ADMIT_EMAIL_JOIN("r.") over `registrations r`, select ADMIT_EMAIL_COLUMNS, read with
/// read_email_delivery. The rows are found by their ids (registration_mail_id:
/// `registration_confirmed.<registration>`, a resend's with `.<n>` after it), a range of the
/// outbox's primary key that ends below the prefix followed by '/', the character after '.'.
#define ADMIT_EMAIL_JOIN(p)                                                                         \
  " LEFT JOIN mail_outbox em ON em.id = (SELECT mo.id FROM mail_outbox mo "                         \
  "WHERE mo.id >= 'registration_confirmed.' || " p "id AND mo.id < 'registration_confirmed.' || " p \
  "id || '/' AND mo.registration_id = " p "id ORDER BY mo.created_at DESC, mo.id DESC LIMIT 1) "
#define ADMIT_EMAIL_COLUMNS "em.status, em.attempts, em.last_error, em.sent_at"

template <class Row>
std::optional<EmailDelivery> read_email_delivery(Row const& row, int first) {
  Cells const c(row, first);
  auto const stored = c.optional_text(0);
  if (!stored) return std::nullopt;
  auto status = parse_mail_status(*stored).value_or(MailStatus::failed);
  // Holders and organizers see four states: a message no cap let through failed for them.
  if (status == MailStatus::dropped || status == MailStatus::skipped) status = MailStatus::failed;
  return EmailDelivery{
      .status = status,
      .attempts = c.int32(1),
      .last_error = c.optional_text(2).value_or(""),
      .sent_at = c.optional_time(3),
  };
}

/// A registration with its latest confirmation, answers and attendees, over
/// `registrations r` ADMIT_EMAIL_JOIN("r."); read with read_detail (tickets and items apart).
#define ADMIT_GUEST_COLUMNS(p) p "id, " p "name, " p "email, " p "user_id"
/// A guest order's buyer as read with read_guest, over `registrations r` joined with its
/// `guest_buyers g`: the name this order gave (V025), where the record keeps the latest one
/// (orders before V025 were given the record's name then).
#define ADMIT_ORDER_GUEST_COLUMNS "g.id, COALESCE(r.buyer_name, g.name), g.email, g.user_id"

template <class Row>
GuestBuyer read_guest(Row const& row, int first = 0) {
  Cells const c(row, first);
  return GuestBuyer{.id = c.text(0), .name = c.text(1), .email = c.text(2), .account_id = c.optional_text(3)};
}

/// An order's promo code (id, as written) and its discount, read with read_promo_of_order.
#define ADMIT_PROMO_OF_ORDER(p) p "promo_code_id, " p "promo_code, " p "discount_minor"

template <class Row>
void read_promo_of_order(Row const& row, int first, Registration& r) {
  Cells const c(row, first);
  r.promo_code_id = c.optional_text(0);
  r.promo_code = c.optional_text(1);
  r.discount_minor = c.integer(2);
}

/// A registration with its email status, answers and (a guest order's) buyer: select
/// ADMIT_DETAIL_COLUMNS ADMIT_DETAIL_FROM, read with read_detail.
#define ADMIT_DETAIL_COLUMNS       \
  ADMIT_REGISTRATION_COLUMNS("r.") \
  ", " ADMIT_EMAIL_COLUMNS ", r.answers, r.attendees, " ADMIT_ORDER_GUEST_COLUMNS ", " ADMIT_PROMO_OF_ORDER("r.")
#define ADMIT_DETAIL_FROM " FROM registrations r" ADMIT_EMAIL_JOIN("r.") "LEFT JOIN guest_buyers g ON g.id = r.user_id "
/// An account's own registrations and those of the guest buyers whose address it proved, for
/// `WHERE` after ADMIT_DETAIL_FROM; `user` is the account id's placeholder.
#define ADMIT_OWNED_BY(user)                                                                 \
  "(r.user_id = " user " OR r.user_id IN (SELECT id FROM guest_buyers WHERE user_id = " user \
  ")) "                                                                                      \
  "AND r.status <> 'offered' "

template <class Row>
RegistrationDetail read_detail(Row const& row) {
  Cells const c(row);
  std::optional<GuestBuyer> guest;
  if (c.optional_text(20)) guest = read_guest(row, 20);
  RegistrationDetail detail{.registration = read_registration(row),
                            .tickets = {},
                            .email = read_email_delivery(row, 14),
                            .items = {},
                            .answers = read_answers(c.text(18)),
                            .attendees = read_attendees(c.text(19)),
                            .guest = std::move(guest)};
  read_promo_of_order(row, 24, detail.registration);
  return detail;
}

/// A registration as the organizer's list shows it: ADMIT_REGISTRATION_COLUMNS("r.") and these,
/// over ADMIT_REGISTRATION_ROWS_FROM (the buyer is an account or a guest).
#define ADMIT_REGISTRATION_ROWS_FROM                                                                \
  " FROM registrations r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN guest_buyers g ON g.id = " \
  "r.user_id" ADMIT_EMAIL_JOIN("r.")
#define ADMIT_BUYER_NAME "COALESCE(u.name, r.buyer_name, g.name, '')"
#define ADMIT_BUYER_EMAIL "COALESCE(u.email, g.email, '')"
/// An organizer's row of a registration; `types` is the engine's expression for its items as
/// "2 × VIP; 1 × Regular" (ADMIT_ITEMS_SUMMARY_SQLITE, ADMIT_ITEMS_SUMMARY_POSTGRES).
#define ADMIT_REGISTRATION_ROW_COLUMNS(types)                         \
  ADMIT_REGISTRATION_COLUMNS("r.")                                    \
  ", " ADMIT_BUYER_NAME ", " ADMIT_BUYER_EMAIL                        \
  ", (SELECT COUNT(*) FROM tickets t WHERE t.registration_id = r.id " \
  "AND t.validated_at IS NOT NULL), " ADMIT_EMAIL_COLUMNS ", " types  \
  ", r.answers, " ADMIT_LIST_PRICE_OF("r.id") ", " ADMIT_PROMO_OF_ORDER("r.")

/// An order's price before any discount: its items' list prices times their quantities, given
/// the registration id's expression.
#define ADMIT_LIST_PRICE_OF(id)                                                                                      \
  "(SELECT COALESCE(SUM(li.quantity * li.unit_price_minor), 0) FROM registration_items li WHERE li.registration_id " \
  "= " id ")"

#define ADMIT_ITEMS_SUMMARY_SQLITE                                                                             \
  "(SELECT group_concat(x, '; ') FROM (SELECT i.quantity || ' × ' || tt.name AS x FROM registration_items i " \
  "JOIN ticket_types tt ON tt.id = i.ticket_type_id WHERE i.registration_id = r.id ORDER BY i.position))"

#define ADMIT_ITEMS_SUMMARY_POSTGRES                                                                         \
  "(SELECT string_agg(i.quantity || ' × ' || tt.name, '; ' ORDER BY i.position) FROM registration_items i " \
  "JOIN ticket_types tt ON tt.id = i.ticket_type_id WHERE i.registration_id = r.id)"

template <class Row>
RegistrationRow read_registration_row(Row const& row) {
  Cells const c(row);
  RegistrationRow out{
      .registration = read_registration(row),
      .attendee_name = c.text(14),
      .attendee_email = c.text(15),
      .checked_in = c.int32(16),
      .email = read_email_delivery(row, 17),
      .ticket_types = c.optional_text(21).value_or(""),
      .answers = read_answers(c.text(22)),
      .list_price_minor = c.integer(23),
  };
  read_promo_of_order(row, 24, out.registration);
  return out;
}

}  // namespace admit
