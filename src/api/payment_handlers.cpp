#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "domain/money.hpp"

namespace admit::api {

Response create_payment_intent(Payments& payments, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"registrationId"});
  auto registration_id = input->string("registrationId", true);
  if (auto bad = input->errors()) return std::move(*bad);
  auto const key = request.header("Idempotency-Key");
  if (key.size() > 255) {
    return problem(Error{Errc::invalid_input,
                         "The Idempotency-Key is too long.",
                         {{"Idempotency-Key", "must be at most 255 characters"}}});
  }
  auto view = payments.create_intent(*request.principal, *registration_id, key);
  if (!view) return problem(view.error());
  JsonWriter w;
  w.begin_object()
      .field("paymentIntentId", view->intent.id)
      .field("clientSecret", view->intent.client_secret)
      .key("amount")
      .money(view->intent.amount_minor, currency_exponent(view->intent.currency).value_or(2))
      .field("currency", view->intent.currency)
      .field("provider", view->provider)
      .field("status", view->intent.status)
      .field("registrationId", *registration_id)
      .end_object();
  // 200, as Stripe answers the create: asking again returns the same intent.
  return json_response(200, w.take());
}

Response get_checkout_setup(Payments& payments, Request&) {
  auto const setup = payments.checkout_setup();
  JsonWriter w;
  w.begin_object().field("provider", setup.provider).key("publishableKey");
  if (setup.publishable_key.empty()) {
    w.null();
  } else {
    w.value(setup.publishable_key);
  }
  w.end_object();
  return json_response(200, w.take()).with_header("Cache-Control", "no-cache");
}

namespace {

std::string_view result_name(PaymentEventResult result) {
  switch (result) {
    case PaymentEventResult::confirmed: return "confirmed";
    case PaymentEventResult::duplicate: return "duplicate";
    case PaymentEventResult::already_done: return "already_done";
    case PaymentEventResult::failure_recorded: return "failure_recorded";
    case PaymentEventResult::refunding: return "refunding";
    case PaymentEventResult::refund_settled: return "refund_settled";
    case PaymentEventResult::unknown: return "unknown";
    case PaymentEventResult::ignored: break;
  }
  return "ignored";
}

}  // namespace

void receive_webhook(Payments& payments, Request& request, Respond respond) {
  payments.receive_webhook(request.body, request.header("Stripe-Signature"),
                           [respond = std::move(respond)](Result<PaymentEventOutcome> outcome) {
                             if (!outcome) return respond(problem(outcome.error()));
                             JsonWriter w;
                             w.begin_object().field("received", true).field("result", result_name(outcome->result));
                             if (!outcome->registration_id.empty()) w.field("registrationId", outcome->registration_id);
                             w.end_object();
                             respond(json_response(200, w.take()));
                           });
}

void confirm_sandbox_payment(Payments& payments, Request& request, Respond respond) {
  auto input = JsonInput::parse(request);
  if (!input) return respond(std::move(input.error()));
  input->allow_only({"paymentIntentId", "cardNumber"});
  auto intent_id = input->string("paymentIntentId", true);
  auto card = input->string("cardNumber", true);
  if (auto bad = input->errors()) return respond(std::move(*bad));
  payments.confirm_sandbox_payment(*request.principal, *intent_id, *card,
                                   [respond = std::move(respond)](Result<RegistrationDetail> paid) {
                                     if (!paid) return respond(problem(paid.error()));
                                     JsonWriter w;
                                     write_registration(w, *paid);
                                     respond(json_response(200, w.take()));
                                   });
}

}  // namespace admit::api
