#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/error.hpp"
#include "domain/mail.hpp"
#include "domain/questions.hpp"
#include "domain/time.hpp"

namespace admit {

enum class RegistrationStatus : std::uint8_t {
  pending_payment,  ///< seats held until hold_expires_at, waiting for payment
  confirmed,        ///< seats taken, tickets issued
  cancelled,        ///< seats released, tickets void
  expired,          ///< the hold ran out before payment
  refund_pending,   ///< cancelled after payment; the refund is under way
  refunded,         ///< cancelled after payment; money returned
  offered,          ///< a waiting-list offer: seats held for the entry until hold_expires_at; not an order yet
};

/// Every status with the name it is stored and shown under.
inline constexpr std::array<std::pair<RegistrationStatus, std::string_view>, 7> kRegistrationStatuses{{
    {RegistrationStatus::pending_payment, "pending_payment"},
    {RegistrationStatus::confirmed, "confirmed"},
    {RegistrationStatus::cancelled, "cancelled"},
    {RegistrationStatus::expired, "expired"},
    {RegistrationStatus::refund_pending, "refund_pending"},
    {RegistrationStatus::refunded, "refunded"},
    {RegistrationStatus::offered, "offered"},
}};

constexpr std::string_view status_name(RegistrationStatus s) {
  for (auto const& [status, name] : kRegistrationStatuses) {
    if (status == s) return name;
  }
  return "unknown";
}

std::optional<RegistrationStatus> parse_registration_status(std::string_view s);

/// Whether a registration in this state holds seats: the one list every seat count uses (the
/// stores' SQL spells it once, checked against this function by the compiler: store/policy.hpp).
constexpr bool holds_seats(RegistrationStatus s) {
  return s == RegistrationStatus::pending_payment || s == RegistrationStatus::confirmed ||
         s == RegistrationStatus::offered;
}

/// Whether a registration in this state is an order (placed by its buyer): a waiting-list offer
/// holds seats but is not one until it is claimed.
constexpr bool is_order(RegistrationStatus s) {
  return s != RegistrationStatus::offered;
}

/// One line of an order: seats of one ticket type at the price they were ordered at.
struct RegistrationItem {
  std::string ticket_type_id;
  std::string name;  ///< read model: the type's name
  std::int32_t quantity = 1;
  std::int64_t unit_price_minor = 0;
  std::int64_t discount_minor = 0;  ///< off each ticket by the order's promo code

  constexpr std::int64_t discounted_unit_price_minor() const { return unit_price_minor - discount_minor; }
};

/// Where an order came from: bought (or free) through the shop, or issued by the organizer as
/// a complimentary ticket (never paid, never refunded).
enum class RegistrationSource : std::uint8_t { order, comp };

constexpr std::string_view source_name(RegistrationSource s) {
  return s == RegistrationSource::comp ? "comp" : "order";
}

struct Registration {
  std::string id;
  std::string event_id;
  std::string ticket_type_id;  ///< the first item's type
  std::string user_id;
  std::int32_t quantity = 1;  ///< seats over all its items
  RegistrationStatus status = RegistrationStatus::confirmed;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::optional<std::string> payment_id;
  Timestamp registered_at;
  std::optional<Timestamp> hold_expires_at;
  Timestamp updated_at;
  RegistrationSource source = RegistrationSource::order;
  /// Money returned or being returned: partial cancellations' refunds, or the whole amount once
  /// the order was cancelled after payment.
  std::int64_t refunded_minor = 0;
  std::optional<std::string> promo_code_id{};  ///< the promo code it used; one order is one use
  std::optional<std::string> promo_code{};     ///< that code as written when ordered
  std::int64_t discount_minor = 0;             ///< the code's discount over all its tickets
};

/// valid (used or not: Ticket::validated_at), cancelled with its whole registration, or void:
/// cancelled alone, its registration going on (a partial cancellation).
enum class TicketStatus : std::uint8_t { valid, cancelled, voided };

struct Ticket {
  std::string id;
  std::string registration_id;
  std::string event_id;
  std::string user_id;
  TicketStatus status = TicketStatus::valid;
  std::string qr_code;
  Timestamp generated_at;
  std::optional<Timestamp> validated_at;
  std::int32_t position = 0;  ///< 1-based within its registration
  std::string holder_name;    ///< who it is for: the name the buyer gave, or the buyer's own
  std::string ticket_type_id;
  std::optional<std::string> holder_email{};  ///< when the buyer gave one
  Answers answers{};                          ///< to the per-ticket questions, canonical
};

/// Who one ticket of an order is for, as the buyer named them (`attendees[i]`), with the
/// answers to the per-ticket questions; one per seat, in ticket order.
struct Attendee {
  std::string name;  ///< empty: the buyer's own name
  std::optional<std::string> email{};
  Answers answers{};

  friend bool operator==(Attendee const&, Attendee const&) = default;
};

/// Who bought an order without an account (a guest order): a record of its own, one per
/// address. Its id is the order's user_id, so it is what the tickets' codes sign; it never
/// changes, also when an account later proves the address and the guest's orders join it.
struct GuestBuyer {
  std::string id;
  std::string name;
  std::string email;                        ///< normalised (normalize_email)
  std::optional<std::string> account_id{};  ///< the account that proved the address, once one did
};

/// "valid", "used" (validated once), "cancelled" or "void", as clients see a ticket.
std::string_view display_status(Ticket const& t);

/// A registration with its tickets.
struct RegistrationDetail {
  Registration registration;
  std::vector<Ticket> tickets;
  std::optional<EmailDelivery> email{};   ///< its latest confirmation; nullopt while none is due
  std::vector<RegistrationItem> items{};  ///< in the order the buyer listed them
  Answers answers{};                      ///< to the per-order questions, canonical
  std::vector<Attendee> attendees{};      ///< one per seat, or none (every ticket is the buyer's)
  std::optional<GuestBuyer> guest{};      ///< set for a guest order: its buyer
};

inline constexpr std::int32_t kMaxQuantityPerOrder = 100;
inline constexpr std::size_t kMaxHolderName = 200;

/// The rules for who a ticket is for, naming fields under `path` ("attendees[1]"): a name of
/// 1 to 200 characters once trimmed, an email that is one. Trims the name and normalises the
/// email in place. The answers are check_answers' (domain/questions.hpp).
std::vector<FieldError> check_holder(Attendee& attendee, std::string const& path);

/// A short fingerprint of an order's holders and answers (as checked), for the request hash an
/// idempotency key promises: a retry that names other holders or answers is another request.
/// Empty when the order has neither, so those orders hash as they always did. FNV-1a (64 bits)
/// over length-prefixed fields: stable across builds and nodes, and enough to tell a client's
/// changed retry from its replay (the key is the caller's own; this guards against mistakes,
/// not against an adversary, who could only replay their own order).
std::string order_details_fingerprint(Answers const& order_answers, std::vector<Attendee> const& attendees);

/// The rules for a guest order's buyer, naming `buyer.name` and `buyer.email`: a name as a
/// holder's (1 to 200 characters once trimmed) and an email address, required. Trims the name
/// and normalises the email in place.
std::vector<FieldError> check_buyer(GuestBuyer& buyer);

/// The quantity rule for one order; empty when acceptable.
std::vector<FieldError> check_quantity(std::int64_t quantity);

}  // namespace admit
