#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "domain/money.hpp"

namespace admit::api {

namespace json = boost::json;

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

void receive_webhook(Payments& payments, Request& request, Respond respond) {
  // The signature covers the raw bytes, so it is checked before anything is parsed.
  if (!payments.verify_webhook(request.body, request.header("Stripe-Signature"))) {
    return respond(problem(400, "invalid-signature", "Invalid webhook signature",
                           "The Stripe-Signature header does not sign this payload with our secret, or it is too "
                           "old (more than 5 minutes)."));
  }
  boost::system::error_code ec;
  auto const value = json::parse(request.body, ec);
  if (ec || !value.is_object()) {
    return respond(problem(400, "malformed-json", "Malformed JSON", "The webhook payload is not a JSON object."));
  }
  auto const& root = value.as_object();
  auto text = [](json::value const* v) { return v && v->is_string() ? std::string(v->get_string()) : std::string(); };
  PaymentEvent event;
  event.id = text(root.if_contains("id"));
  event.type = text(root.if_contains("type"));
  if (auto const* data = root.if_contains("data"); data && data->is_object()) {
    if (auto const* object = data->as_object().if_contains("object"); object && object->is_object()) {
      event.intent_id = text(object->as_object().if_contains("id"));
      if (auto const* error = object->as_object().if_contains("last_payment_error"); error && error->is_object()) {
        event.failure_message = text(error->as_object().if_contains("message"));
      }
    }
  }
  if (event.id.empty() || event.type.empty()) {
    return respond(problem(400, "validation-error", "The request is not valid", "The event has no id or type."));
  }
  payments.handle_event(event, [respond = std::move(respond)](Result<PaymentEventOutcome> outcome) {
    if (!outcome) return respond(problem(outcome.error()));
    JsonWriter w;
    w.begin_object().field("received", true).field("result", outcome->result);
    if (!outcome->registration_id.empty()) w.field("registrationId", outcome->registration_id);
    w.end_object();
    respond(json_response(200, w.take()));
  });
}

void confirm_sandbox_payment(Payments& payments, Registrations& registrations, Request& request, Respond respond) {
  auto input = JsonInput::parse(request);
  if (!input) return respond(std::move(input.error()));
  input->allow_only({"paymentIntentId", "cardNumber"});
  auto intent_id = input->string("paymentIntentId", true);
  auto card = input->string("cardNumber", true);
  if (auto bad = input->errors()) return respond(std::move(*bad));
  std::string digits;
  for (char c : *card) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      digits.clear();
      break;
    }
  }
  if (digits.size() < 12 || digits.size() > 19) {
    return respond(problem(Error{Errc::invalid_input,
                                 "The card number is not valid.",
                                 {{"cardNumber", "must be 12 to 19 digits, e.g. the test card 4242 4242 4242 4242"}}}));
  }
  auto payment = payments.sandbox_payment(*request.principal, *intent_id);
  if (!payment) return respond(problem(payment.error()));

  // The outcome travels as a Stripe-shaped, signed event through the webhook handler, the
  // same code that Stripe's own deliveries go through.
  auto const outcome = sandbox_card_outcome(digits);
  auto const now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  JsonWriter event;
  event.begin_object()
      .field("id", "evt_sandbox_" + payment->intent_id.substr(11) + "_" +
                       std::to_string(now.time_since_epoch().count()) + "_" + digits.substr(digits.size() - 4))
      .field("object", "event")
      .field("api_version", "2020-08-27")
      .field("created", static_cast<std::int64_t>(now.time_since_epoch().count()))
      .field("livemode", false)
      .field("type", outcome.succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed")
      .key("data")
      .begin_object()
      .key("object")
      .begin_object()
      .field("id", payment->intent_id)
      .field("object", "payment_intent")
      .field("amount", payment->amount_minor)
      .field("currency", payment->currency)
      .field("status", outcome.succeeded ? "succeeded" : "requires_payment_method")
      .key("metadata")
      .begin_object()
      .field("registrationId", payment->registration_id)
      .end_object()
      .key("last_payment_error");
  if (outcome.succeeded) {
    event.null();
  } else {
    event.begin_object()
        .field("code", "card_declined")
        .field("decline_code", outcome.decline_code)
        .field("message", outcome.message)
        .field("type", "card_error")
        .end_object();
  }
  event.end_object().end_object().end_object();

  struct Delivery {
    std::string payload;
    std::string signature;
    Request request;
  };
  auto delivery = std::make_shared<Delivery>();
  delivery->payload = event.take();
  delivery->signature = payments.sign_event(delivery->payload);
  delivery->request.method = "POST";
  delivery->request.path = "/api/payments/webhook";
  delivery->request.body = delivery->payload;
  delivery->request.headers = {{"Content-Type", "application/json"}, {"Stripe-Signature", delivery->signature}};
  delivery->request.request_id = request.request_id;
  delivery->request.client = request.client;

  auto const principal = *request.principal;
  receive_webhook(payments, delivery->request,
                  [delivery, outcome, principal, registration_id = payment->registration_id, &registrations,
                   respond = std::move(respond)](Response delivered) {
                    if (delivered.status != 200) return respond(std::move(delivered));
                    if (!outcome.succeeded) {
                      return respond(problem(
                          Error{Errc::payment_declined, outcome.message, {{"cardNumber", outcome.decline_code}}}));
                    }
                    auto detail = registrations.get_registration(principal, registration_id);
                    if (!detail) return respond(problem(detail.error()));
                    JsonWriter w;
                    write_registration(w, *detail);
                    respond(json_response(200, w.take()));
                  });
}

}  // namespace admit::api
