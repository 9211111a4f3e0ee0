#include "app/payments.hpp"
#include "base/thread_name.hpp"

#include "base/log.hpp"

namespace admit {

Payments::Payments(Store& store, PaymentProvider& provider, WebhookSignatures& signatures, TicketCodes& codes,
                   Entropy& entropy, Clock const& clock, std::string publishable_key)
    : store_(store),
      provider_(provider),
      signatures_(signatures),
      codes_(codes),
      entropy_(entropy),
      clock_(clock),
      publishable_key_(std::move(publishable_key)),
      worker_([this](std::stop_token const& stop) { background_loop(stop); }) {}

Payments::~Payments() {
  worker_.request_stop();
  wake_.notify_all();
}

void Payments::background_loop(std::stop_token const& stop) {
  name_this_thread("admit-refunds");
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [this] { return !work_.empty(); });
      if (work_.empty()) return;
      job = std::move(work_.front());
      work_.pop_front();
    }
    try {
      job();
    } catch (std::exception const& e) {
      log::error("payment background job failed", "\"error\":" + log::quote(e.what()));
    }
  }
}

Result<IntentView> Payments::create_intent(Principal const& who, std::string_view registration_id,
                                           std::string_view idempotency_key) {
  if (!idempotency_key.empty()) {
    if (auto earlier = store_.payment_by_key(who.user_id, idempotency_key)) {
      if (earlier->registration_id != registration_id) {
        return fail(Errc::idempotency_mismatch, "This Idempotency-Key was already used for another registration.");
      }
      return IntentView{
          {earlier->intent_id, earlier->client_secret, earlier->amount_minor, earlier->currency, earlier->status},
          earlier->provider};
    }
  }
  auto detail = store_.find_registration(registration_id);
  // Another attendee's registration does not exist, as far as this caller can tell.
  if (!detail || detail->registration.user_id != who.user_id) {
    return fail(Errc::not_found, "No registration of yours has this id.");
  }
  auto const& r = detail->registration;
  if (r.status != RegistrationStatus::pending_payment) {
    return fail(Errc::conflict, r.status == RegistrationStatus::confirmed
                                    ? "This registration is already paid."
                                    : "This registration is not waiting for payment.");
  }
  if (r.hold_expires_at && *r.hold_expires_at <= clock_.now()) {
    return fail(Errc::conflict,
                "The seats were held until " + format_rfc3339(*r.hold_expires_at) + "; register again to pay.");
  }
  if (auto existing = store_.payment_of(registration_id)) {
    return IntentView{
        {existing->intent_id, existing->client_secret, existing->amount_minor, existing->currency, existing->status},
        existing->provider};
  }
  // The key names the registration, so two racing requests create one intent at the
  // provider; the client's own key, when it sent one, is folded in.
  auto const key = "admit-intent-" + r.id + (idempotency_key.empty() ? "" : "-" + std::string(idempotency_key));
  try {
    auto intent = provider_.create_intent(r.id, r.amount_minor, r.currency, key);
    if (!store_.save_intent(r.id, who.user_id, provider_.name(), intent, idempotency_key, clock_.now())) {
      return fail(Errc::idempotency_mismatch, "This Idempotency-Key was already used for another registration.");
    }
    if (auto saved = store_.payment_of(registration_id)) {
      return IntentView{{saved->intent_id, saved->client_secret, saved->amount_minor, saved->currency, saved->status},
                        saved->provider};
    }
    return IntentView{std::move(intent), std::string(provider_.name())};
  } catch (ProviderError const& e) {
    return fail(Errc::payment_provider, e.what());
  }
}

bool Payments::verify_webhook(std::string_view payload, std::string_view signature_header) {
  return signatures_.verify(payload, signature_header, clock_.now());
}

std::string Payments::sign_event(std::string_view payload) {
  return signatures_.sign(payload, clock_.now());
}

void Payments::handle_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done) {
  bool const succeeded = event.type == "payment_intent.succeeded";
  bool const failed = event.type == "payment_intent.payment_failed";
  if (!succeeded && !failed) return done(PaymentEventOutcome{"ignored", {}});
  auto const payment = store_.find_payment(event.intent_id);
  if (!payment) return done(PaymentEventOutcome{"unknown", {}});
  auto const now = clock_.now();
  // Tickets are signed before the write, as for free registrations; `done` moves into `finish`
  // below, so every early answer comes first.
  std::vector<Ticket> tickets;
  if (succeeded) {
    auto const detail = store_.find_registration(payment->registration_id);
    if (!detail) return done(PaymentEventOutcome{"unknown", {}});
    if (detail->tickets.empty()) tickets = issue_tickets(detail->registration, codes_, entropy_, now);
  }

  auto finish = [this, done = std::move(done), intent_id = event.intent_id](Result<PaymentResult> applied) {
    if (!applied) return done(std::unexpected(applied.error()));
    switch (applied->outcome) {
      case PaymentApplied::confirmed: return done(PaymentEventOutcome{"confirmed", applied->registration_id});
      case PaymentApplied::already_done: return done(PaymentEventOutcome{"already_done", applied->registration_id});
      case PaymentApplied::duplicate_event: return done(PaymentEventOutcome{"duplicate", applied->registration_id});
      case PaymentApplied::unknown_payment: return done(PaymentEventOutcome{"unknown", {}});
      case PaymentApplied::failure_recorded:
        return done(PaymentEventOutcome{"failure_recorded", applied->registration_id});
      case PaymentApplied::refund_needed:
        refund_later(applied->registration_id, intent_id);
        return done(PaymentEventOutcome{"refunding", applied->registration_id});
    }
    done(PaymentEventOutcome{"ignored", {}});
  };
  if (failed) {
    return store_.apply_payment_failure(event.id, event.intent_id, event.failure_message, now, std::move(finish));
  }
  store_.apply_payment_success(event.id, event.intent_id, std::move(tickets), now, std::move(finish));
}

Result<StoredPayment> Payments::sandbox_payment(Principal const& who, std::string_view intent_id) {
  if (provider_.name() != "sandbox") {
    return fail(Errc::not_found, "The sandbox is off: this server takes real payments.");
  }
  auto payment = store_.find_payment(intent_id);
  if (!payment || payment->user_id != who.user_id) return fail(Errc::not_found, "No payment of yours has this id.");
  return std::move(*payment);
}

void Payments::refund_later(std::string registration_id, std::string intent_id) {
  {
    std::lock_guard lock(mutex_);
    work_.push_back([this, registration_id = std::move(registration_id), intent_id = std::move(intent_id)] {
      refund_now(registration_id, intent_id);
    });
  }
  wake_.notify_one();
}

void Payments::refund_now(std::string const& registration_id, std::string const& intent_id) {
  // The key is the registration: however often this runs, the provider refunds once.
  auto const outcome = provider_.refund(intent_id, "admit-refund-" + registration_id);
  store_.record_refund(registration_id, outcome.id, outcome.completed, clock_.now());
  log::info("refunded",
            "\"registrationId\":" + log::quote(registration_id) + ",\"refundId\":" + log::quote(outcome.id));
}

int Payments::release_expired_holds() {
  return store_.expire_holds(clock_.now());
}

void Payments::refund_due() {
  for (auto const& payment : store_.refunds_due()) {
    try {
      refund_now(payment.registration_id, payment.intent_id);
    } catch (std::exception const& e) {
      log::warn("refund failed; will retry",
                "\"registrationId\":" + log::quote(payment.registration_id) + ",\"error\":" + log::quote(e.what()));
    }
  }
}

void Payments::reconcile() {
  for (auto const& payment : store_.pending_payments()) {
    try {
      auto const intent = provider_.retrieve_intent(payment.intent_id);
      if (intent.status != "succeeded") continue;
      // The success was missed (a crash between the charge and our confirmation): apply it
      // now, under an event id of our own so a late delivery of the real event is harmless.
      handle_event({"reconcile-" + payment.intent_id, "payment_intent.succeeded", payment.intent_id, {}},
                   [](Result<PaymentEventOutcome>) {});
    } catch (std::exception const& e) {
      log::warn("reconciliation skipped a payment",
                "\"intentId\":" + log::quote(payment.intent_id) + ",\"error\":" + log::quote(e.what()));
    }
  }
}

CardOutcome sandbox_card_outcome(std::string_view card_number) {
  // Stripe's documented test cards (stripe.com/docs/testing).
  if (card_number == "4242424242424242") return {true, {}, {}};
  if (card_number == "4000000000009995") {
    return {false, "insufficient_funds", "Your card has insufficient funds."};
  }
  if (card_number == "4000000000000002") return {false, "generic_decline", "Your card was declined."};
  return {false, "generic_decline",
          "Your card was declined. In the sandbox, pay with the test card 4242 4242 4242 4242."};
}

}  // namespace admit
