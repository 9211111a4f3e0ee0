#pragma once

#include <chrono>
#include <string>

#include "app/ports.hpp"

namespace admit::payments {

/// Stripe's webhooks, exactly as Stripe documents them. The Stripe-Signature header is
/// "t=<unix seconds>,v1=<hex>[,v1=…]", each v1 an HMAC-SHA256 keyed with the whole secret
/// (whsec_… as is) over "<t>.<raw body>"; any matching v1 is accepted, compared in constant
/// time, and t must lie within the tolerance of now. The body is a Stripe event object whose
/// data.object is the payment intent.
class StripeWebhooks final : public Webhooks {
 public:
  explicit StripeWebhooks(std::string secret, std::chrono::seconds tolerance = std::chrono::seconds(300));
  bool verify(std::string_view payload, std::string_view header, Timestamp now) override;
  std::string sign(std::string_view payload, Timestamp now) override;
  Result<PaymentEvent> read_event(std::string_view payload) override;

 private:
  std::string mac_hex(std::string_view timestamp, std::string_view payload) const;
  std::string secret_;
  std::chrono::seconds tolerance_;
};

}  // namespace admit::payments
