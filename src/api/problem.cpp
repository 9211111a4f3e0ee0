#include "api/problem.hpp"

#include "api/json_writer.hpp"

namespace admit::api {
namespace {

struct Mapping {
  unsigned status;
  std::string_view slug;
  std::string_view title;
};

Mapping mapping(Errc code) {
  switch (code) {
    case Errc::invalid_input: return {400, "validation-error", "The request is not valid"};
    case Errc::malformed_input: return {400, "malformed-json", "Malformed JSON"};
    case Errc::invalid_signature: return {400, "invalid-signature", "Invalid webhook signature"};
    case Errc::unauthenticated: return {401, "unauthenticated", "Authentication is required"};
    case Errc::invalid_credentials: return {401, "invalid-credentials", "Wrong email or password"};
    case Errc::account_disabled: return {401, "account-disabled", "The account is disabled"};
    case Errc::throttled: return {429, "login-throttled", "Too many failed sign-ins"};
    case Errc::too_many_requests: return {429, "rate-limited", "Too many requests"};
    case Errc::forbidden: return {403, "forbidden", "Not allowed"};
    case Errc::email_unverified: return {403, "email-unverified", "The email address is not verified"};
    case Errc::not_found: return {404, "not-found", "Not found"};
    case Errc::conflict: return {409, "conflict", "The resource's state does not allow this"};
    case Errc::email_taken: return {409, "email-taken", "The email is already registered"};
    case Errc::capacity_below_sold: return {409, "capacity-below-sold", "Capacity is below the seats taken"};
    case Errc::sold_out: return {409, "sold-out", "Sold out"};
    case Errc::sales_closed: return {409, "sales-closed", "Not on sale now"};
    case Errc::not_sold_out: return {409, "not-sold-out", "Not sold out"};
    case Errc::already_waiting: return {409, "already-waiting", "Already on the waiting list"};
    case Errc::offer_not_available: return {409, "offer-not-available", "Offer not available"};
    case Errc::attendee_limit: return {409, "attendee-limit", "Too many seats for one attendee"};
    case Errc::hold_open: return {409, "unpaid-order-open", "An unpaid order already holds seats"};
    case Errc::hold_cooldown: return {409, "hold-cooldown", "Seats cannot be held again yet"};
    case Errc::too_many_holds: return {429, "too-many-unpaid-orders", "Too many unpaid orders from this address"};
    case Errc::cancellation_closed: return {409, "cancellation-closed", "Cancellation is closed"};
    case Errc::comp_not_payable: return {409, "comp-not-payable", "A complimentary order is not paid for"};
    case Errc::idempotency_mismatch:
      return {409, "idempotency-mismatch", "The Idempotency-Key was used with a different request"};
    case Errc::payment_declined: return {402, "payment-declined", "The payment was declined"};
    case Errc::payment_provider: return {502, "payment-provider-error", "The payment provider refused the request"};
    case Errc::unavailable: return {503, "unavailable", "Temporarily unavailable"};
    case Errc::invitation_expired: return {410, "invitation-expired", "The invitation has expired"};
    case Errc::last_admin: return {409, "last-admin", "The instance would have no enabled admin"};
    case Errc::too_many_code_attempts: return {429, "too-many-code-attempts", "Too many wrong promo codes"};
    case Errc::promo_used_up: return {409, "promo-code-used-up", "The promo code is used up"};
    case Errc::promo_code_used: return {409, "promo-code-used", "The promo code was used"};
  }
  return {500, "internal-error", "Internal error"};
}

}  // namespace

Response problem(unsigned status, std::string_view slug, std::string_view title, std::string_view detail,
                 std::vector<FieldError> const& errors) {
  JsonWriter w;
  w.begin_object();
  w.field("type", std::string("urn:admit:problem:") + std::string(slug));
  w.field("title", title);
  w.field("status", static_cast<std::int64_t>(status));
  w.field("detail", detail);
  if (!errors.empty()) {
    w.key("errors").begin_array();
    for (auto const& e : errors) {
      w.begin_object().field("field", e.field).field("message", e.message).end_object();
    }
    w.end_array();
  }
  w.end_object();
  Response response{.status = status, .content_type = "application/problem+json", .body = w.take(), .headers = {}};
  if (status == 401) response.with_header("WWW-Authenticate", "Bearer realm=\"admit\"");
  // Every 503 is a passing fault (a database or disk that refuses work): come back shortly.
  if (status == 503) response.with_header("Retry-After", "1");
  return response;
}

Response problem(Error const& error) {
  auto const m = mapping(error.code);
  auto response = problem(m.status, m.slug, m.title, error.detail, error.fields);
  if (error.retry_after.count() > 0) response.with_header("Retry-After", std::to_string(error.retry_after.count()));
  return response;
}

void mark_invalid_token(Response& response) {
  // RFC 6750 §3.1: the token itself is what failed, so a client should get a new one (refresh
  // or sign in again) rather than send it again.
  for (auto& [name, value] : response.headers) {
    if (name == "WWW-Authenticate") value = "Bearer realm=\"admit\", error=\"invalid_token\"";
  }
}

Response invalid_token(std::string_view detail) {
  auto response = problem(401, "unauthenticated", "Authentication is required", detail);
  mark_invalid_token(response);
  return response;
}

}  // namespace admit::api
