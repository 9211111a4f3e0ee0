#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/guests.hpp"
#include "app/ports.hpp"
#include "app/registrations.hpp"

namespace admit {

/// A payment intent as its buyer sees it, with the provider that holds it.
struct IntentView {
  PaymentIntent intent;
  std::string provider;
};

struct CheckoutSetup {
  std::string provider;         ///< sandbox or stripe
  std::string publishable_key;  ///< empty when the provider needs none or none is configured
};

/// What applying a provider event did.
enum class PaymentEventResult {
  confirmed,         ///< this event confirmed the registration and issued its tickets
  duplicate,         ///< this event was applied before; nothing changed
  already_done,      ///< the intent's outcome was applied before, or changes nothing now
  failure_recorded,  ///< a failed attempt was noted; the hold stays
  refunding,         ///< paid too late (hold ended and seats gone, or cancelled): being refunded
  refund_settled,    ///< a refund the provider had pending succeeded or failed, and is recorded
  unknown,           ///< no registration has this intent
  ignored,           ///< an event type Admit does not act on
};

struct PaymentEventOutcome {
  PaymentEventResult result;
  std::string registration_id;  ///< empty when unknown or ignored
};

/// Paying for registrations: intents, webhook events, holds that run out, refunds.
class Payments {
 public:
  /// `sandbox` is the sandbox's card network when `provider` is the sandbox, else null.
  /// `publishable_key` is the provider's key a browser may hold (Stripe's pk_…), or empty.
  /// `guests` gives a paid guest order's confirmation a token for its link.
  Payments(RegistrationStore& registrations, PaymentStore& payments, PaymentProvider& provider, PaymentSandbox* sandbox,
           Webhooks& webhooks, TicketCodes& codes, Entropy& entropy, Clock const& clock,
           std::string publishable_key = {}, GuestOrders* guests = nullptr);
  ~Payments();
  Payments(Payments const&) = delete;
  Payments& operator=(Payments const&) = delete;

  /// An intent for the caller's registration (is_buyer: also a guest order's token holder) that
  /// is waiting for payment; asking again returns the same intent, so a double click never
  /// charges twice.
  Result<IntentView> create_intent(Principal const& who, std::string_view registration_id,
                                   std::string_view idempotency_key);
  /// Applies a webhook delivery (handle_event) when `signature_header` signs `payload` and it
  /// carries an event: Errc::invalid_signature, malformed_input or invalid_input otherwise.
  void receive_webhook(std::string_view payload, std::string_view signature_header,
                       Completion<Result<PaymentEventOutcome>> done);
  /// Applies a provider event at most once; repeats and reordering change nothing.
  void handle_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done);
  /// refund.updated, refund.failed and charge.refunded: the final states of refunds made earlier.
  void handle_refund_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done);
  /// Pays the caller's sandbox intent with a test card (spaces and dashes ignored). The outcome
  /// reaches the registration as Stripe's would: a signed event through receive_webhook. Paid:
  /// the registration as it is now; declined: Errc::payment_declined naming the decline code.
  void confirm_sandbox_payment(Principal const& who, std::string_view intent_id, std::string_view card_number,
                               Completion<Result<RegistrationDetail>> done);
  /// What a browser needs to take a card: the provider's name and its publishable key.
  CheckoutSetup checkout_setup() const { return {std::string(provider_.name()), publishable_key_}; }

  /// Makes the refunds that are due (refund_due) in the background, soon.
  void refund_later();
  /// Ends holds whose time is up; safe to run on every node at once.
  int release_expired_holds();
  /// Refunds cancelled paid registrations that still wait for their money (event
  /// cancellations, crashes mid-refund); safe to repeat, the provider refunds once per key.
  void refund_due();
  /// At start: confirms registrations whose payment succeeded while no one was listening.
  void reconcile();
  /// This node's figures in Prometheus' text format: webhook deliveries refused for their signature.
  std::string metrics_text() const;

 private:
  void refund_now(DueRefund const& due);
  void background_loop(std::stop_token const& stop);

  RegistrationStore& registrations_;
  PaymentStore& payments_;
  PaymentProvider& provider_;
  PaymentSandbox* sandbox_;
  Webhooks& webhooks_;
  TicketCodes& codes_;
  Entropy& entropy_;
  Clock const& clock_;
  std::string publishable_key_;
  GuestOrders* guests_;
  std::atomic<std::uint64_t> invalid_signatures_{0};

  // Refunds talk to the network: never on the database's writer thread, never on an I/O
  // thread. They run here, one after another.
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::function<void()>> work_;
  std::jthread worker_;
};

}  // namespace admit
