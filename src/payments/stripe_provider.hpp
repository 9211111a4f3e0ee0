#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::payments {

struct StripeSettings {
  std::string api_base = "https://api.stripe.com";               ///< or Prism's http://127.0.0.1:4010 in tests
  std::string secret_key{};                                      ///< sk_test_… / sk_live_…; never logged
  std::chrono::milliseconds timeout = std::chrono::seconds(10);  ///< per HTTP attempt
  int max_attempts = 3;                                          ///< HTTP attempts per call, the first one included
};

/// Stripe's REST API (version 2020-08-27) over libcurl: PaymentIntents create and retrieve,
/// Refunds create. Network errors and 409/429/5xx answers are retried with the same
/// Idempotency-Key, so a retry never charges or refunds twice; when every attempt fails the
/// call throws Outage. Any other refusal throws ProviderError with Stripe's own message.
/// Safe to call from several threads at once.
class StripeProvider final : public PaymentProvider {
 public:
  /// Throws std::invalid_argument for an unusable base URL or secret key.
  explicit StripeProvider(StripeSettings settings);

  std::string_view name() const override { return "stripe"; }
  PaymentIntent create_intent(std::string const& registration_id, std::int64_t amount_minor,
                              std::string const& currency, std::string const& idempotency_key) override;
  PaymentIntent retrieve_intent(std::string const& intent_id) override;
  RefundOutcome refund(std::string const& intent_id, std::int64_t amount_minor,
                       std::string const& idempotency_key) override;

  /// HTTP attempts made so far, retries included.
  std::uint64_t attempts() const { return attempts_.load(std::memory_order_relaxed); }

 private:
  /// One request with its retries: the body of a 2xx answer, or throws Outage / ProviderError.
  std::string call(char const* method, std::string const& path, std::string const& form,
                   std::string const& idempotency_key);

  StripeSettings settings_;
  std::atomic<std::uint64_t> attempts_{0};
};

}  // namespace admit::payments
