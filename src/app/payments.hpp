#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/ports.hpp"
#include "app/registrations.hpp"

namespace admit {

struct IntentView {
  PaymentIntent intent;
  std::string provider;
};

/// One event from the payment provider, as the webhook delivered it (already verified).
struct PaymentEvent {
  std::string id;         ///< evt_…
  std::string type;       ///< payment_intent.succeeded, payment_intent.payment_failed, …
  std::string intent_id;  ///< pi_…
  std::string failure_message;
};

struct CheckoutSetup {
  std::string provider;         ///< sandbox or stripe
  std::string publishable_key;  ///< empty when the provider needs none or none is configured
};

struct PaymentEventOutcome {
  std::string result;  ///< confirmed, duplicate, already_done, refunded, failed_recorded, ignored, unknown
  std::string registration_id;
};

/// What a Stripe test card number does in the sandbox.
struct CardOutcome {
  bool succeeded;
  std::string decline_code;  ///< generic_decline, insufficient_funds, …
  std::string message;       ///< for the buyer
};
CardOutcome sandbox_card_outcome(std::string_view card_number);

/// Paying for registrations: intents, webhook events, holds that run out, refunds.
class Payments {
 public:
  /// `publishable_key` is the provider's key a browser may hold (Stripe's pk_…), or empty.
  Payments(Store& store, PaymentProvider& provider, WebhookSignatures& signatures, TicketCodes& codes, Entropy& entropy,
           Clock const& clock, std::string publishable_key = {});
  ~Payments();
  Payments(Payments const&) = delete;
  Payments& operator=(Payments const&) = delete;

  /// An intent for the caller's registration that is waiting for payment; asking again
  /// returns the same intent, so a double click never charges twice.
  Result<IntentView> create_intent(Principal const& who, std::string_view registration_id,
                                   std::string_view idempotency_key);
  /// Whether a webhook delivery is authentic (Stripe's signature scheme).
  bool verify_webhook(std::string_view payload, std::string_view signature_header);
  /// Applies a verified provider event at most once; repeats and reordering change nothing.
  void handle_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done);

  /// The caller's sandbox intent, for the sandbox's test-card form.
  Result<StoredPayment> sandbox_payment(Principal const& who, std::string_view intent_id);
  /// Signs an event the sandbox delivers to our own webhook.
  std::string sign_event(std::string_view payload);
  std::string_view provider_name() const { return provider_.name(); }
  /// What a browser needs to take a card: the provider's name and its publishable key.
  CheckoutSetup checkout_setup() const { return {std::string(provider_.name()), publishable_key_}; }

  /// Refunds a registration's payment through the provider (in the background) and records it.
  void refund_later(std::string registration_id, std::string intent_id);
  /// Ends holds whose time is up; safe to run on every node at once.
  int release_expired_holds();
  /// Refunds cancelled paid registrations that still wait for their money (event
  /// cancellations, crashes mid-refund); safe to repeat, the provider refunds once per key.
  void refund_due();
  /// At start: confirms registrations whose payment succeeded while no one was listening.
  void reconcile();

 private:
  void refund_now(std::string const& registration_id, std::string const& intent_id);
  void background_loop(std::stop_token const& stop);

  Store& store_;
  PaymentProvider& provider_;
  WebhookSignatures& signatures_;
  TicketCodes& codes_;
  Entropy& entropy_;
  Clock const& clock_;
  std::string publishable_key_;

  // Refunds talk to the network: never on the database's writer thread, never on an I/O
  // thread. They run here, one after another.
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::function<void()>> work_;
  std::jthread worker_;
};

}  // namespace admit
