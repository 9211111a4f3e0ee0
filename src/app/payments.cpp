#include "app/payments.hpp"

#include <memory>

#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/thread_name.hpp"

namespace admit {
namespace {

IntentView view_of(StoredPayment const& payment) {
  return {{payment.intent_id, payment.client_secret, payment.amount_minor, payment.currency, payment.status},
          payment.provider};
}

/// The digits of a card number typed with spaces or dashes; nullopt unless 12 to 19 digits.
std::optional<std::string> card_digits(std::string_view card_number) {
  std::string digits;
  for (char c : card_number) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return std::nullopt;
    }
  }
  if (digits.size() < 12 || digits.size() > 19) return std::nullopt;
  return digits;
}

}  // namespace

Payments::Payments(RegistrationStore& registrations, PaymentStore& payments, PaymentProvider& provider,
                   PaymentSandbox* sandbox, Webhooks& webhooks, TicketCodes& codes, Entropy& entropy,
                   Clock const& clock, std::string publishable_key, GuestOrders* guests)
    : registrations_(registrations),
      payments_(payments),
      provider_(provider),
      sandbox_(sandbox),
      webhooks_(webhooks),
      codes_(codes),
      entropy_(entropy),
      clock_(clock),
      publishable_key_(std::move(publishable_key)),
      guests_(guests),
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
      log::error("payment background job failed", {{"error", e.what()}});
    }
  }
}

Result<IntentView> Payments::create_intent(Principal const& who, std::string_view registration_id,
                                           std::string_view idempotency_key) {
  // Keys are kept per payer: the account, or for the holder of an order token, that order.
  auto const payer = who.order_id ? "order:" + *who.order_id : who.user_id;
  if (!idempotency_key.empty()) {
    if (auto earlier = payments_.payment_by_key(payer, idempotency_key)) {
      if (earlier->registration_id != registration_id) {
        return fail(Errc::idempotency_mismatch, "This Idempotency-Key was already used for another registration.");
      }
      return view_of(*earlier);
    }
  }
  auto detail = registrations_.find_registration(registration_id);
  // Another attendee's registration does not exist, as far as this caller can tell.
  if (!detail || !is_buyer(who, *detail)) return fail(Errc::not_found, "No registration of yours has this id.");
  auto const& r = detail->registration;
  if (r.source == RegistrationSource::comp) {
    return fail(Errc::comp_not_payable, "This is a complimentary order: there is nothing to pay.");
  }
  if (r.status != RegistrationStatus::pending_payment) {
    return fail(Errc::conflict, r.status == RegistrationStatus::confirmed
                                    ? "This registration is already paid."
                                    : "This registration is not waiting for payment.");
  }
  if (r.hold_expires_at && *r.hold_expires_at <= clock_.now()) {
    return fail(Errc::conflict,
                "The seats were held until " + format_rfc3339(*r.hold_expires_at) + "; register again to pay.");
  }
  if (auto existing = payments_.payment_of(registration_id)) {
    return view_of(*existing);
  }
  // The key names the registration, so two racing requests create one intent at the
  // provider; the client's own key, when it sent one, is folded in.
  auto const key = "admit-intent-" + r.id + (idempotency_key.empty() ? "" : "-" + std::string(idempotency_key));
  try {
    auto intent = provider_.create_intent(r.id, r.amount_minor, r.currency, key);
    if (!payments_.save_intent(r.id, payer, provider_.name(), intent, idempotency_key, clock_.now())) {
      return fail(Errc::idempotency_mismatch, "This Idempotency-Key was already used for another registration.");
    }
    if (auto saved = payments_.payment_of(registration_id)) {
      return view_of(*saved);
    }
    return IntentView{std::move(intent), std::string(provider_.name())};
  } catch (ProviderError const& e) {
    return fail(Errc::payment_provider, e.what());
  }
}

void Payments::receive_webhook(std::string_view payload, std::string_view signature_header,
                               Completion<Result<PaymentEventOutcome>> done) {
  // The signature covers the raw bytes, so it is checked before anything is read.
  if (!webhooks_.verify(payload, signature_header, clock_.now())) {
    invalid_signatures_.fetch_add(1, std::memory_order_relaxed);
    return done(fail(Errc::invalid_signature,
                     "The Stripe-Signature header does not sign this payload with our secret, or it is too old "
                     "(more than 5 minutes)."));
  }
  auto event = webhooks_.read_event(payload);
  if (!event) return done(std::unexpected(std::move(event.error())));
  handle_event(*event, std::move(done));
}

void Payments::handle_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done) {
  if (event.type == "refund.updated" || event.type == "refund.failed" || event.type == "charge.refunded") {
    return handle_refund_event(event, std::move(done));
  }
  bool const succeeded = event.type == "payment_intent.succeeded";
  bool const failed = event.type == "payment_intent.payment_failed";
  if (!succeeded && !failed) return done(PaymentEventOutcome{PaymentEventResult::ignored, {}});
  auto const payment = payments_.find_payment(event.intent_id);
  if (!payment) return done(PaymentEventOutcome{PaymentEventResult::unknown, {}});
  auto const now = clock_.now();
  // Tickets are signed before the write, as for free registrations; `done` moves into `finish`
  // below, so every early answer comes first.
  std::vector<Ticket> tickets;
  OrderLink link;
  if (succeeded) {
    auto const detail = registrations_.find_registration(payment->registration_id);
    if (!detail) return done(PaymentEventOutcome{PaymentEventResult::unknown, {}});
    if (detail->tickets.empty())
      tickets = issue_tickets(detail->registration, detail->items, detail->attendees, codes_, entropy_, now);
    if (detail->guest) {
      // A guest's tickets name the buyer where no holder was given (an account's get the
      // account's name when read), and the confirmation carries the order's link.
      for (auto& t : tickets) {
        if (t.holder_name.empty()) t.holder_name = detail->guest->name;
      }
      if (guests_) link = guests_->new_link();
    }
  }

  auto finish = [this, done = std::move(done)](Result<PaymentResult> applied) {
    if (!applied) return done(std::unexpected(applied.error()));
    switch (applied->outcome) {
      case PaymentApplied::confirmed:
        return done(PaymentEventOutcome{PaymentEventResult::confirmed, applied->registration_id});
      case PaymentApplied::already_done:
        return done(PaymentEventOutcome{PaymentEventResult::already_done, applied->registration_id});
      case PaymentApplied::duplicate_event:
        return done(PaymentEventOutcome{PaymentEventResult::duplicate, applied->registration_id});
      case PaymentApplied::unknown_payment: return done(PaymentEventOutcome{PaymentEventResult::unknown, {}});
      case PaymentApplied::failure_recorded:
        return done(PaymentEventOutcome{PaymentEventResult::failure_recorded, applied->registration_id});
      case PaymentApplied::refund_needed:
        refund_later();
        return done(PaymentEventOutcome{PaymentEventResult::refunding, applied->registration_id});
    }
    done(PaymentEventOutcome{PaymentEventResult::ignored, {}});
  };
  if (failed) {
    return payments_.apply_payment_failure(event.id, event.intent_id, event.failure_message, now, std::move(finish));
  }
  payments_.apply_payment_success(event.id, event.intent_id, std::move(tickets), std::move(link), now,
                                  std::move(finish));
}

void Payments::handle_refund_event(PaymentEvent const& event, Completion<Result<PaymentEventOutcome>> done) {
  // Only final states move a refund; a pending one (or one needing the customer) waits for the
  // next event.
  std::vector<RefundState> settled;
  for (auto const& refund : event.refunds) {
    if (!refund.id.empty() && (refund.status == "succeeded" || refund.status == "failed")) settled.push_back(refund);
  }
  if (settled.empty()) return done(PaymentEventOutcome{PaymentEventResult::ignored, {}});
  payments_.apply_refund_states(event.id, event.type, std::move(settled), clock_.now(),
                                [done = std::move(done)](Result<RefundApplied> applied) {
                                  if (!applied) return done(std::unexpected(applied.error()));
                                  switch (*applied) {
                                    case RefundApplied::recorded:
                                      return done(PaymentEventOutcome{PaymentEventResult::refund_settled, {}});
                                    case RefundApplied::already_done:
                                      return done(PaymentEventOutcome{PaymentEventResult::already_done, {}});
                                    case RefundApplied::duplicate_event:
                                      return done(PaymentEventOutcome{PaymentEventResult::duplicate, {}});
                                    case RefundApplied::unknown_refund: break;
                                  }
                                  done(PaymentEventOutcome{PaymentEventResult::unknown, {}});
                                });
}

void Payments::confirm_sandbox_payment(Principal const& who, std::string_view intent_id, std::string_view card_number,
                                       Completion<Result<RegistrationDetail>> done) {
  auto const digits = card_digits(card_number);
  if (!digits) {
    return done(fail(Errc::invalid_input, "The card number is not valid.",
                     {{"cardNumber", "must be 12 to 19 digits, e.g. the test card 4242 4242 4242 4242"}}));
  }
  if (!sandbox_) return done(fail(Errc::not_found, "The sandbox is off: this server takes real payments."));
  auto const payment = payments_.find_payment(intent_id);
  auto const order = payment ? registrations_.find_registration(payment->registration_id) : std::nullopt;
  if (!payment || !order || !is_buyer(who, *order)) {
    return done(fail(Errc::not_found, "No payment of yours has this id."));
  }

  // The outcome travels as a Stripe-shaped, signed event through receive_webhook, the same
  // code that Stripe's own deliveries go through.
  auto const now = clock_.now();
  auto charge = std::make_shared<SandboxCharge const>(sandbox_->charge(*payment, *digits, now));
  receive_webhook(
      charge->event, webhooks_.sign(charge->event, now),
      [this, charge, who, registration_id = payment->registration_id,
       done = std::move(done)](Result<PaymentEventOutcome> delivered) {
        if (!delivered) return done(std::unexpected(std::move(delivered.error())));
        if (!charge->succeeded) {
          return done(fail(Errc::payment_declined, charge->message, {{"cardNumber", charge->decline_code}}));
        }
        auto detail = registrations_.find_registration(registration_id);
        if (!detail || !is_buyer(who, *detail)) {
          return done(fail(Errc::not_found, "No registration of yours has this id."));
        }
        done(std::move(*detail));
      });
}

void Payments::refund_later() {
  {
    std::lock_guard lock(mutex_);
    work_.push_back([this] { refund_due(); });
  }
  wake_.notify_one();
}

void Payments::refund_now(DueRefund const& due) {
  // The key names the refund (a partial cancellation's tickets, or the whole order's
  // remainder): however often this runs, on however many nodes, the provider refunds once.
  RefundOutcome outcome{.id = {}, .completed = true};
  if (due.amount_minor > 0) outcome = provider_.refund(due.intent_id, due.amount_minor, due.idempotency_key);
  auto const now = clock_.now();
  payments_.record_refund(due, outcome.id, outcome.completed, now);
  log::info("refunded",
            {{"registrationId", due.registration_id}, {"refundId", outcome.id}, {"amountMinor", due.amount_minor}});
  if (outcome.completed || !sandbox_) return;
  // A sandbox refund left pending ends through a signed event, as Stripe's would.
  if (auto settled = sandbox_->settle_refund(due.intent_id, outcome.id, due.amount_minor, now)) {
    receive_webhook(*settled, webhooks_.sign(*settled, now), [refund_id = outcome.id](Result<PaymentEventOutcome> got) {
      if (!got)
        log::warn("the sandbox's refund event was not applied",
                  {{"refundId", refund_id}, {"error", got.error().detail}});
    });
  }
}

std::string Payments::metrics_text() const {
  std::string out;
  prometheus::TextWriter(out).metric(
      "admit_payment_webhook_signature_failures_total", "counter",
      "Webhook deliveries refused because Stripe-Signature does not sign them with our secret or is too old.",
      std::uint64_t{invalid_signatures_.load(std::memory_order_relaxed)});
  return out;
}

int Payments::release_expired_holds() {
  return payments_.expire_holds(clock_.now());
}

void Payments::refund_due() {
  for (auto const& due : payments_.refunds_due()) {
    try {
      refund_now(due);
    } catch (std::exception const& e) {
      log::warn("refund failed; will retry", {{"registrationId", due.registration_id}, {"error", e.what()}});
    }
  }
}

void Payments::reconcile() {
  // The analyzer loses handle_event's callback (a std::function moved into the store's
  // completion) and reports it leaked at the loop's end, as in Router::handle.
  // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks)
  for (auto const& payment : payments_.pending_payments()) {
    try {
      auto const intent = provider_.retrieve_intent(payment.intent_id);
      if (intent.status != "succeeded") continue;
      // The success was missed (a crash between the charge and our confirmation): apply it
      // now, under an event id of our own so a late delivery of the real event is harmless.
      handle_event({"reconcile-" + payment.intent_id, "payment_intent.succeeded", payment.intent_id, {}},
                   [intent_id = payment.intent_id](Result<PaymentEventOutcome> applied) {
                     if (!applied) {
                       log::warn("reconciliation could not apply a payment",
                                 {{"intentId", intent_id}, {"error", applied.error().detail}});
                     }
                   });
    } catch (std::exception const& e) {
      log::warn("reconciliation skipped a payment", {{"intentId", payment.intent_id}, {"error", e.what()}});
    }
  }
}

}  // namespace admit
