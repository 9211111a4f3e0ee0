#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::payments {

/// The offline provider: Stripe-shaped intents with no network. A payment's outcome is decided
/// by the Stripe test card it is paid with (stripe.com/docs/testing) and reported by the event
/// Stripe would send, which the caller signs and delivers to the webhook like Stripe's own.
class SandboxProvider final : public PaymentProvider, public PaymentSandbox {
 public:
  explicit SandboxProvider(Entropy& entropy) : entropy_(entropy) {}
  std::string_view name() const override { return "sandbox"; }
  PaymentIntent create_intent(std::string const& registration_id, std::int64_t amount_minor,
                              std::string const& currency, std::string const& idempotency_key) override;
  PaymentIntent retrieve_intent(std::string const& intent_id) override;
  /// Always made at once; the id is the same for the same key, as a retried Stripe refund's is.
  RefundOutcome refund(std::string const& intent_id, std::int64_t amount_minor,
                       std::string const& idempotency_key) override;

  /// 4242 4242 4242 4242 succeeds; 4000 0000 0000 9995 is declined for insufficient funds;
  /// 4000 0000 0000 0002 and every other number are declined (generic_decline). The event is a
  /// payment_intent.succeeded or payment_intent.payment_failed of `payment`'s intent.
  SandboxCharge charge(StoredPayment const& payment, std::string_view card_digits, Timestamp now) override;

 private:
  Entropy& entropy_;
};

}  // namespace admit::payments
