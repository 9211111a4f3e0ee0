#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
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
  /// Made at once, except for a payment made with one of the pending-refund cards below; the id
  /// is the same for the same key, as a retried Stripe refund's is.
  RefundOutcome refund(std::string const& intent_id, std::int64_t amount_minor,
                       std::string const& idempotency_key) override;

  /// 4242 4242 4242 4242 succeeds; 4000 0000 0000 9995 is declined for insufficient funds;
  /// 4000 0000 0000 0002 and every other number are declined (generic_decline). 4000 0000 0000
  /// 7726 and 4000 0000 0000 5126 succeed, and their refunds stay pending until settle_refund:
  /// 7726's then succeed, 5126's fail (expired_or_canceled_card), as with Stripe's test cards of
  /// those numbers. The event is a payment_intent.succeeded or payment_intent.payment_failed of
  /// `payment`'s intent.
  SandboxCharge charge(StoredPayment const& payment, std::string_view card_digits, Timestamp now) override;
  /// refund.updated (succeeded) or refund.failed for a refund of an intent paid with a
  /// pending-refund card; nullopt for any other intent.
  std::optional<std::string> settle_refund(std::string const& intent_id, std::string const& refund_id,
                                           std::int64_t amount_minor, Timestamp now) override;

 private:
  /// Whether refunds of the intent end succeeded (true) or failed, once they have been pending.
  std::optional<bool> pending_refund_fate(std::string const& intent_id);

  Entropy& entropy_;
  std::mutex mutex_;
  /// Intents paid with a pending-refund card (this process only: the sandbox keeps no state).
  std::map<std::string, bool, std::less<>> pending_refunds_;
};

}  // namespace admit::payments
