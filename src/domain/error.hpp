#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace admit {

/// Every expected failure a use case can report. The HTTP status for each lives in one
/// place (api/problem.cpp); bugs and outages are exceptions instead.
enum class Errc {
  invalid_input,        ///< the request is malformed or breaks a rule; `fields` says where
  malformed_input,      ///< a body that is not the JSON object expected
  invalid_signature,    ///< a webhook delivery whose signature does not hold
  unauthenticated,      ///< no identity, or a bad one
  invalid_credentials,  ///< wrong email or password
  account_disabled,     ///< the right password for an account an administrator disabled
  throttled,            ///< too many failed attempts; `retry_after` says when to try again
  too_many_requests,    ///< too many requests of this kind (e.g. mail to one address); see `retry_after`
  forbidden,            ///< known caller, not allowed
  email_unverified,     ///< allowed only once the account has verified its address
  not_found,
  conflict,  ///< the resource's state does not allow this
  email_taken,
  capacity_below_sold,
  sold_out,
  sales_closed,         ///< a ticket type of the order is not on sale now (its sales window)
  attendee_limit,       ///< the attendee would hold more seats than the event allows
  hold_open,            ///< the attendee has an unpaid order holding seats of the event already
  hold_cooldown,        ///< the attendee's last hold of the event ran out unpaid moments ago
  too_many_holds,       ///< the client address holds as many unpaid orders of the event as it may
  cancellation_closed,  ///< the cancellation policy no longer lets the holder cancel
  idempotency_mismatch,
  payment_declined,        ///< the card or payment method was refused
  payment_provider,        ///< the payment provider refused or failed the request
  unavailable,             ///< a dependency is down; retry later
  invitation_expired,      ///< a staff invitation was not accepted in time
  last_admin,              ///< the change would leave the instance without an enabled admin
  not_sold_out,            ///< joining a waiting list for what can be ordered now
  already_waiting,         ///< the person is in that waiting line already
  offer_not_available,     ///< a waiting-list offer that is unknown, expired, claimed, removed or another's
  comp_not_payable,        ///< a complimentary order: nothing to pay
  too_many_code_attempts,  ///< too many wrong promo codes from this client or account; see `retry_after`
  promo_used_up,           ///< the promo code's uses (in all or the buyer's) are spent
  promo_code_used,         ///< a used promo code stays for the books: it cannot be deleted
};

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  Errc code;
  std::string detail;
  std::vector<FieldError> fields{};
  std::chrono::seconds retry_after{0};  ///< for Errc::throttled: when the client may try again
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string detail, std::vector<FieldError> fields = {}) {
  return std::unexpected(Error{code, std::move(detail), std::move(fields)});
}

}  // namespace admit
