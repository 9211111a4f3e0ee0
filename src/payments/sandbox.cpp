#include "payments/sandbox.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace admit::payments {
namespace {

struct CardOutcome {
  bool succeeded;
  std::string decline_code;
  std::string message;
};

CardOutcome test_card_outcome(std::string_view card_digits) {
  if (card_digits == "4242424242424242") return {true, {}, {}};
  if (card_digits == "4000000000009995") return {false, "insufficient_funds", "Your card has insufficient funds."};
  if (card_digits == "4000000000000002") return {false, "generic_decline", "Your card was declined."};
  if (card_digits == "4000000000007726" || card_digits == "4000000000005126") return {true, {}, {}};
  return {false, "generic_decline",
          "Your card was declined. In the sandbox, pay with the test card 4242 4242 4242 4242."};
}

}  // namespace

PaymentIntent SandboxProvider::create_intent(std::string const&, std::int64_t amount_minor, std::string const& currency,
                                             std::string const&) {
  auto id = "pi_sandbox_" + entropy_.new_id();
  auto secret = id + "_secret_" + entropy_.new_secret().substr(0, 24);
  return {std::move(id), std::move(secret), amount_minor, currency, "requires_payment_method"};
}

PaymentIntent SandboxProvider::retrieve_intent(std::string const& intent_id) {
  // The sandbox's only truth is the webhook it delivered; nothing is outstanding elsewhere.
  return {intent_id, {}, 0, {}, "requires_payment_method"};
}

RefundOutcome SandboxProvider::refund(std::string const& intent_id, std::int64_t amount_minor,
                                      std::string const& idempotency_key) {
  // FNV-1a of the key: one id per refund, stable across retries and nodes.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char const c : idempotency_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string suffix(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4U) suffix[static_cast<std::size_t>(i)] = digits[hash & 0xFU];
  return {"re_sandbox_" + intent_id.substr(intent_id.size() > 11 ? 11 : 0) + "_" + std::to_string(amount_minor) + "_" +
              suffix,
          !pending_refund_fate(intent_id).has_value()};
}

std::optional<bool> SandboxProvider::pending_refund_fate(std::string const& intent_id) {
  std::lock_guard lock(mutex_);
  auto const found = pending_refunds_.find(intent_id);
  if (found == pending_refunds_.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> SandboxProvider::settle_refund(std::string const& intent_id, std::string const& refund_id,
                                                          std::int64_t amount_minor, Timestamp now) {
  namespace json = boost::json;
  auto const fate = pending_refund_fate(intent_id);
  if (!fate) return std::nullopt;
  auto const succeeded = *fate;
  auto const seconds = static_cast<std::int64_t>(now.time_since_epoch().count());
  json::object refund;
  refund["id"] = refund_id;
  refund["object"] = "refund";
  refund["amount"] = amount_minor;
  refund["payment_intent"] = intent_id;
  refund["status"] = succeeded ? "succeeded" : "failed";
  if (succeeded) {
    refund["failure_reason"] = nullptr;
  } else {
    refund["failure_reason"] = "expired_or_canceled_card";
  }
  json::object data;
  data["object"] = std::move(refund);
  json::object event;
  event["id"] = "evt_sandbox_" + refund_id;
  event["object"] = "event";
  event["api_version"] = "2020-08-27";
  event["created"] = seconds;
  event["livemode"] = false;
  event["type"] = succeeded ? "refund.updated" : "refund.failed";
  event["data"] = std::move(data);
  return json::serialize(event);
}

SandboxCharge SandboxProvider::charge(StoredPayment const& payment, std::string_view card_digits, Timestamp now) {
  namespace json = boost::json;
  auto outcome = test_card_outcome(card_digits);
  if (card_digits == "4000000000007726" || card_digits == "4000000000005126") {
    std::lock_guard lock(mutex_);
    pending_refunds_[payment.intent_id] = card_digits == "4000000000007726";
  }
  auto const seconds = static_cast<std::int64_t>(now.time_since_epoch().count());
  // The id tells two attempts on one intent apart (a decline, then a success).
  auto const last4 = card_digits.substr(card_digits.size() >= 4 ? card_digits.size() - 4 : 0);
  auto const id = "evt_sandbox_" + payment.intent_id.substr(std::min<std::size_t>(11, payment.intent_id.size())) + "_" +
                  std::to_string(seconds) + "_" + std::string(last4);

  json::object metadata;
  metadata["registrationId"] = payment.registration_id;
  json::object intent;
  intent["id"] = payment.intent_id;
  intent["object"] = "payment_intent";
  intent["amount"] = payment.amount_minor;
  intent["currency"] = payment.currency;
  intent["status"] = outcome.succeeded ? "succeeded" : "requires_payment_method";
  intent["metadata"] = std::move(metadata);
  if (outcome.succeeded) {
    intent["last_payment_error"] = nullptr;
  } else {
    json::object error;
    error["code"] = "card_declined";
    error["decline_code"] = outcome.decline_code;
    error["message"] = outcome.message;
    error["type"] = "card_error";
    intent["last_payment_error"] = std::move(error);
  }
  json::object data;
  data["object"] = std::move(intent);
  json::object event;
  event["id"] = id;
  event["object"] = "event";
  event["api_version"] = "2020-08-27";
  event["created"] = seconds;
  event["livemode"] = false;
  event["type"] = outcome.succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed";
  event["data"] = std::move(data);
  return {outcome.succeeded, std::move(outcome.decline_code), std::move(outcome.message), json::serialize(event)};
}

}  // namespace admit::payments
