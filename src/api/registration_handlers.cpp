#include "api/handlers.hpp"

#include <algorithm>

#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "domain/money.hpp"

namespace admit::api {
namespace {

Response registration_response(unsigned status, Result<RegistrationDetail> const& detail) {
  if (!detail) return problem(detail.error());
  JsonWriter w;
  write_registration(w, *detail);
  return json_response(status, w.take());
}

/// A CSV field: quoted when it holds a separator, quote or line break; a leading =, +, -,
/// @, tab or carriage return gets a ' so spreadsheets do not run it as a formula (OWASP).
void append_csv_field(std::string& out, std::string_view value, bool free_text) {
  std::string text;
  if (free_text && !value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' || value[0] == '\t' ||
       value[0] == '\r')) {
    text.push_back('\'');
  }
  text += value;
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    out += text;
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string registrations_csv(std::vector<RegistrationRow> const& rows, std::vector<Question> const& questions) {
  std::vector<Question const*> asked;  // the per-order questions, one column each
  for (auto const& q : questions) {
    if (q.details.scope == QuestionScope::order) asked.push_back(&q);
  }
  std::string out =
      "registrationId,status,quantity,amount,currency,attendeeName,attendeeEmail,registeredAt,checkedIn,paymentId,"
      "emailStatus,ticketTypes,source,discount,refundedAmount";
  for (auto const* q : asked) {
    out.push_back(',');
    append_csv_field(out, q->details.label, true);
  }
  out += "\r\n";
  for (auto const& row : rows) {
    auto const& r = row.registration;
    auto const exponent = currency_exponent(r.currency).value_or(2);
    JsonWriter amount;
    amount.money(r.amount_minor, exponent);
    // The discount is what the order's items cost at their list prices less what it came to.
    JsonWriter discount;
    discount.money(std::max<std::int64_t>(0, row.list_price_minor - r.amount_minor), exponent);
    JsonWriter refunded;
    refunded.money(r.refunded_minor, exponent);
    std::string_view const fields[] = {r.id,
                                       status_name(r.status),
                                       {},
                                       amount.str(),
                                       r.currency,
                                       row.attendee_name,
                                       row.attendee_email,
                                       {},
                                       {},
                                       r.payment_id ? std::string_view(*r.payment_id) : std::string_view{},
                                       row.email ? mail_status_name(row.email->status) : std::string_view{},
                                       row.ticket_types,
                                       source_name(r.source),
                                       discount.str(),
                                       refunded.str()};
    auto const quantity = std::to_string(r.quantity);
    auto const registered = format_rfc3339(r.registered_at);
    auto const checked_in = std::to_string(row.checked_in);
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) out.push_back(',');
      std::string_view value = fields[i];
      if (i == 2) value = quantity;
      if (i == 7) value = registered;
      if (i == 8) value = checked_in;
      // Only what people typed can carry a formula; ids and numbers stay exact.
      append_csv_field(out, value, i == 5 || i == 6 || i == 11);
    }
    for (auto const* q : asked) {
      out.push_back(',');
      auto const answer = std::ranges::find(row.answers, q->id, &Answer::question_id);
      append_csv_field(out, answer == row.answers.end() ? std::string() : answer_text(answer->value), true);
    }
    out += "\r\n";
  }
  return out;
}

std::string tickets_csv(std::vector<TicketRow> const& rows, std::vector<Question> const& questions) {
  std::vector<Question const*> asked;  // the per-ticket questions, one column each
  for (auto const& q : questions) {
    if (q.details.scope == QuestionScope::ticket) asked.push_back(&q);
  }
  std::string out = "ticketId,registrationId,ticketType,holderName,holderEmail,status,checkedInAt";
  for (auto const* q : asked) {
    out.push_back(',');
    append_csv_field(out, q->details.label, true);
  }
  out += "\r\n";
  for (auto const& row : rows) {
    auto const& t = row.ticket;
    out += t.id;
    out.push_back(',');
    out += t.registration_id;
    out.push_back(',');
    append_csv_field(out, row.ticket_type, true);
    out.push_back(',');
    append_csv_field(out, t.holder_name, true);
    out.push_back(',');
    append_csv_field(out, t.holder_email.value_or(""), true);
    out.push_back(',');
    out += display_status(t);
    out.push_back(',');
    if (t.validated_at) out += format_rfc3339(*t.validated_at);
    for (auto const* q : asked) {
      out.push_back(',');
      auto const answer = std::ranges::find(t.answers, q->id, &Answer::question_id);
      append_csv_field(out, answer == t.answers.end() ? std::string() : answer_text(answer->value), true);
    }
    out += "\r\n";
  }
  return out;
}

void register_attendee(Registrations& registrations, Request& request, Respond respond) {
  auto input = JsonInput::parse(request);
  // Without an Authorization header only a well-formed guest order is one: anything else is
  // the 401 it always was.
  if (!input && !request.principal) {
    return respond(problem(Error{Errc::unauthenticated, "Sign in, or name a buyer to order without an account."}));
  }
  if (!input) return respond(std::move(input.error()));
  input->allow_only({"eventId", "quantity", "items", "attendees", "answers", "buyer", "waitlistOfferToken",
                     "waitlistEntryId", "promoCode"});
  auto offer_token = input->string("waitlistOfferToken");
  auto offer_entry = input->string("waitlistEntryId");
  auto event_id = input->string("eventId", true);
  auto promo_code = input->string("promoCode");
  // An empty code field is no code.
  if (promo_code && promo_code->find_first_not_of(" \t") == std::string::npos) promo_code.reset();
  auto quantity = input->integer("quantity");
  std::vector<RequestedItem> items;
  if (auto listed = input->objects("items", kMaxQuantityPerOrder)) {
    if (listed->empty()) {
      return respond(problem(Error{
          Errc::invalid_input, "The order is not acceptable.", {{"items", "must name at least one ticket type"}}}));
    }
    for (auto& item : *listed) {
      item.allow_only({"ticketTypeId", "quantity"});
      auto type = item.string("ticketTypeId", true);
      auto seats = item.integer("quantity", true);
      items.push_back({type.value_or(""), seats.value_or(1)});
    }
    if (quantity) {
      return respond(problem(Error{Errc::invalid_input,
                                   "The order is not acceptable.",
                                   {{"quantity", "is given per item when the order has items"}}}));
    }
  }
  // At most one answer per question an event may have (Questions::kMaxPerEvent).
  constexpr std::size_t kMaxAnswers = Questions::kMaxPerEvent;
  std::optional<std::vector<Attendee>> attendees;
  if (auto listed = input->objects("attendees", kMaxQuantityPerOrder)) {
    attendees.emplace();
    for (auto& entry : *listed) {
      entry.allow_only({"name", "email", "answers"});
      auto name = entry.string("name", true);
      auto email = entry.string("email");
      auto answers = entry.answers("answers", kMaxAnswers);
      attendees->push_back({name.value_or(""), std::move(email), answers.value_or(Answers{})});
    }
  }
  auto answers = input->answers("answers", kMaxAnswers);
  std::optional<GuestBuyer> guest;
  if (auto buyer = input->object("buyer")) {
    buyer->allow_only({"name", "email"});
    auto name = buyer->string("name", true);
    auto email = buyer->string("email", true);
    guest = GuestBuyer{.id = {}, .name = name.value_or(""), .email = email.value_or(""), .account_id = {}};
  }
  bool const claims_offer = offer_token || offer_entry;
  if (claims_offer && (!items.empty() || quantity)) {
    return respond(problem(Error{Errc::invalid_input,
                                 "The order is not acceptable.",
                                 {{"items", "come from the waiting-list offer; give none"}}}));
  }
  // Who orders: the signed-in account, or without an Authorization header a guest buyer (or the
  // guest whose waiting-list offer it claims).
  // Naming an entry without its link's token claims it as its owner: signed in.
  if (!request.principal && !guest && !offer_token) {
    return respond(problem(Error{Errc::unauthenticated, "Sign in, or name a buyer to order without an account."}));
  }
  if (auto bad = input->errors()) return respond(std::move(*bad));
  if (request.principal && guest) {
    return respond(problem(Error{Errc::invalid_input,
                                 "The order is not acceptable.",
                                 {{"buyer", "is only for orders without an account; you are signed in"}}}));
  }
  auto const key = request.header("Idempotency-Key");
  if (key.size() > 255) {
    return respond(problem(Error{Errc::invalid_input,
                                 "The Idempotency-Key is too long.",
                                 {{"Idempotency-Key", "must be at most 255 characters"}}}));
  }
  registrations.register_attendee(request.principal ? *request.principal : Principal{},
                                  {.event_id = *event_id,
                                   .quantity = quantity.value_or(1),
                                   .items = std::move(items),
                                   .attendees = std::move(attendees),
                                   .answers = answers.value_or(Answers{}),
                                   .idempotency_key = std::string(key),
                                   .client_address = request.client,
                                   .client_exempt = request.client_is_proxy,
                                   .guest = std::move(guest),
                                   .waitlist_offer_token = offer_token.value_or(""),
                                   .waitlist_entry_id = offer_entry.value_or(""),
                                   .promo_code = std::move(promo_code)},
                                  request.actor(), [respond = std::move(respond)](Result<Registered> registered) {
                                    if (!registered) return respond(problem(registered.error()));
                                    JsonWriter w;
                                    write_registration(w, registered->detail, registered->order_token);
                                    auto response = json_response(201, w.take());
                                    response.with_header("Location",
                                                         "/api/registrations/" + registered->detail.registration.id);
                                    if (registered->replayed) response.with_header("Idempotent-Replayed", "true");
                                    respond(std::move(response));
                                  });
}

Response list_my_registrations(Registrations& registrations, Request& request) {
  auto query = ListingQuery::parse(request.query);
  if (!query) return std::move(query.error());
  if (auto bad = query->problem()) return std::move(*bad);
  auto result = registrations.list_my_registrations(*request.principal, query->cursor(), query->limit());
  if (!result) return problem(result.error());
  JsonWriter w;
  write_page(w, *result, [](JsonWriter& out, RegistrationDetail const& d) { write_registration(out, d); });
  return json_response(200, w.take());
}

Response get_registration(Registrations& registrations, Request& request) {
  return registration_response(200, registrations.get_registration(*request.principal, request.param("id")));
}

Response cancel_registration(Registrations& registrations, Request& request) {
  // The body is optional: the organizer's `reason`, needed outside the holder's policy.
  CancelRequest cancel;
  if (!request.body.empty()) {
    auto input = JsonInput::parse(request);
    if (!input) return std::move(input.error());
    input->allow_only({"reason", "ticketIds"});
    auto reason = input->string("reason");
    // Some tickets only (a partial cancellation); an empty list is refused by the use case.
    cancel.ticket_ids = input->strings("ticketIds", static_cast<std::size_t>(kMaxQuantityPerOrder));
    if (auto bad = input->errors()) return std::move(*bad);
    cancel.reason = reason.value_or("");
  }
  return registration_response(
      200, registrations.cancel_registration(*request.principal, request.param("id"), cancel, request.actor()));
}

Response resend_confirmation(Confirmations& confirmations, Request& request) {
  if (auto done = confirmations.resend(*request.principal, request.param("id")); !done) return problem(done.error());
  return accepted();
}

Response look_up_orders(Confirmations& confirmations, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email"});
  auto email = input->string("email", true);
  if (auto bad = input->errors()) return std::move(*bad);
  if (auto done = confirmations.send_order_links(*email, request.client); !done) return problem(done.error());
  return accepted();
}

Response list_event_registrations(Registrations& registrations, Request& request) {
  auto query = ListingQuery::parse(request.query, {"format", "q", "rows"});
  if (!query) return std::move(query.error());
  auto const format = query->text("format");
  if (format && *format != "json" && *format != "csv") query->reject("format", "must be json or csv");
  auto const rows = query->text("rows");
  if (rows && *rows != "registrations" && *rows != "tickets") query->reject("rows", "must be registrations or tickets");
  if (rows == "tickets" && format != "csv") query->reject("rows", "is only for format=csv");
  if (auto bad = query->problem()) return std::move(*bad);
  bool const csv = format == "csv";
  if (rows == "tickets") {
    auto exported = registrations.export_event_tickets(*request.principal, request.param("id"));
    if (!exported) return problem(exported.error());
    Response response{.status = 200,
                      .content_type = "text/csv; charset=utf-8",
                      .body = tickets_csv(exported->rows, exported->questions),
                      .headers = {}};
    response.with_header("Content-Disposition",
                         "attachment; filename=\"tickets-" + std::string(request.param("id")) + ".csv\"");
    return response;
  }
  if (csv) {
    auto exported = registrations.export_event_registrations(*request.principal, request.param("id"),
                                                             query->text("q").value_or(""));
    if (!exported) return problem(exported.error());
    Response response{.status = 200,
                      .content_type = "text/csv; charset=utf-8",
                      .body = registrations_csv(exported->rows, exported->questions),
                      .headers = {}};
    response.with_header("Content-Disposition",
                         "attachment; filename=\"registrations-" + std::string(request.param("id")) + ".csv\"");
    return response;
  }
  auto result = registrations.list_event_registrations(*request.principal, request.param("id"), query->cursor(),
                                                       query->limit(), query->text("q").value_or(""));
  if (!result) return problem(result.error());
  JsonWriter w;
  write_page(w, *result, write_registration_row);
  return json_response(200, w.take());
}

Response get_event_analytics(Registrations& registrations, Request& request) {
  auto result = registrations.event_analytics(*request.principal, request.param("id"));
  if (!result) return problem(result.error());
  auto const& s = result->stats;
  auto const exponent = currency_exponent(result->currency).value_or(2);
  JsonWriter w;
  w.begin_object();
  w.field("eventId", request.param("id"));
  w.field("capacity", s.capacity);
  w.field("registeredCount", s.registered_count);
  w.field("confirmed", s.confirmed_seats);
  w.field("pending", s.pending_seats);
  w.field("offered", s.offered_seats);
  w.field("cancelled", s.cancelled_seats);
  w.field("checkedIn", s.checked_in);
  w.key("holds").begin_object();
  w.field("placed", s.holds_placed).field("paid", s.holds_paid).field("expired", s.holds_expired);
  w.end_object();
  w.key("revenue").money(s.revenue_minor, exponent);
  w.key("discount").money(s.discount_minor, exponent);
  w.key("refunded").money(s.refunded_minor, exponent);
  w.key("refundPending").money(s.refund_pending_minor, exponent);
  w.field("comps", s.comp_seats);
  w.field("currency", result->currency);
  w.key("byDay").begin_array();
  for (auto const& day : result->by_day) {
    w.begin_object().field("date", day.date).field("registrations", day.registrations);
    w.key("revenue").money(day.revenue_minor, exponent);
    w.key("discount").money(day.discount_minor, exponent);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(200, w.take());
}

}  // namespace admit::api

namespace admit::api {

Response issue_comps(Comps& comps, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"ticketTypeId", "attendees", "message"});
  CompRequest comp;
  comp.ticket_type_id = input->string("ticketTypeId");
  if (auto listed = input->objects("attendees", Comps::kMaxRecipients, true)) {
    for (auto& entry : *listed) {
      entry.allow_only({"name", "email"});
      auto name = entry.string("name", true);
      auto email = entry.string("email", true);
      comp.attendees.push_back({name.value_or(""), email.value_or("")});
    }
  }
  comp.message = input->string("message").value_or("");
  if (auto bad = input->errors()) return std::move(*bad);
  auto issued = comps.issue(*request.principal, request.param("id"), comp, request.actor());
  if (!issued) return problem(issued.error());
  JsonWriter w;
  w.begin_object().key("registrations").begin_array();
  for (auto const& detail : *issued) write_registration(w, detail);
  w.end_array().end_object();
  return json_response(201, w.take());
}

}  // namespace admit::api
