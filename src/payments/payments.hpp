#pragma once

#include <string>

#include "app/ports.hpp"

namespace admit::payments {

/// Stripe's webhook signatures, exactly as Stripe documents them: the Stripe-Signature header
/// "t=<unix seconds>,v1=<hex>[,v1=…]", each v1 an HMAC-SHA256 keyed with the whole secret
/// (whsec_… as is) over "<t>.<raw body>"; any matching v1 is accepted, compared in constant
/// time, and t must lie within the tolerance of now.
class StripeSignatures final : public WebhookSignatures {
 public:
  explicit StripeSignatures(std::string secret, std::chrono::seconds tolerance = std::chrono::seconds(300));
  bool verify(std::string_view payload, std::string_view header, Timestamp now) override;
  std::string sign(std::string_view payload, Timestamp now) override;

 private:
  std::string mac_hex(std::string_view timestamp, std::string_view payload) const;
  std::string secret_;
  std::chrono::seconds tolerance_;
};

/// The offline provider: Stripe-shaped intents with no network. The outcome of a payment is
/// decided by the test card given to POST /api/payments/sandbox/confirm and arrives as a
/// signed webhook, like Stripe's.
class SandboxProvider final : public PaymentProvider {
 public:
  explicit SandboxProvider(Entropy& entropy) : entropy_(entropy) {}
  std::string_view name() const override { return "sandbox"; }
  PaymentIntent create_intent(std::string const& registration_id, std::int64_t amount_minor,
                              std::string const& currency, std::string const& idempotency_key) override;
  PaymentIntent retrieve_intent(std::string const& intent_id) override;
  RefundOutcome refund(std::string const& intent_id, std::string const& idempotency_key) override;

 private:
  Entropy& entropy_;
};

}  // namespace admit::payments
