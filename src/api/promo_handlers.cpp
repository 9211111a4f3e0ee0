// Promo and access codes: the organizer's CRUD, and the event page opened with `?code=`.

#include <limits>

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/json_writer.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace admit::api {
namespace {

/// The body of a POST or PUT (a PUT replaces the whole code).
std::expected<PromoCodeInput, Response> read_promo_input(Request const& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::unexpected(std::move(input.error()));
  input->allow_only({"code", "discountPercent", "discountAmount", "ticketTypeIds", "unlocksTicketTypeIds", "maxUses",
                     "maxUsesPerBuyer", "validFrom", "validUntil"});
  PromoCodeInput in;
  in.code = input->string("code", true).value_or("");
  in.discount_percent = input->number("discountPercent");
  in.discount_amount = input->number("discountAmount");
  in.ticket_type_ids = input->strings("ticketTypeIds", 100).value_or(std::vector<std::string>{});
  in.unlocks_type_ids = input->strings("unlocksTicketTypeIds", 100).value_or(std::vector<std::string>{});
  std::vector<FieldError> invalid;
  auto const int32_field = [&](std::string_view field) -> std::optional<std::int32_t> {
    auto const v = input->integer(field);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<std::int32_t>::min() || *v > std::numeric_limits<std::int32_t>::max()) {
      invalid.push_back({std::string(field), "is out of range"});
      return std::nullopt;
    }
    return static_cast<std::int32_t>(*v);
  };
  in.max_uses = int32_field("maxUses");
  in.max_uses_per_buyer = int32_field("maxUsesPerBuyer");
  auto const time_field = [&](std::string_view field) -> std::optional<Timestamp> {
    auto const text = input->string(field);
    if (!text) return std::nullopt;
    auto parsed = parse_rfc3339(*text);
    if (!parsed) invalid.push_back({std::string(field), "must be an RFC 3339 date-time such as 2026-12-01T09:00:00Z"});
    return parsed;
  };
  in.valid_from = time_field("validFrom");
  in.valid_until = time_field("validUntil");
  if (auto errors = input->errors()) return std::unexpected(std::move(*errors));
  if (!invalid.empty()) {
    return std::unexpected(
        problem(Error{Errc::invalid_input, "The promo code is not acceptable.", std::move(invalid)}));
  }
  return in;
}

Response promo_response(unsigned status, Result<PromoCode> const& code) {
  if (!code) return problem(code.error());
  JsonWriter w;
  write_promo_code(w, *code);
  return json_response(status, w.take());
}

/// Who tries a code: the client address and the signed-in account, if any.
PromoAttempts::Who attempt_of(Request const& request) {
  return {.client = request.client,
          .exempt = request.client_is_proxy,
          .account = request.principal ? std::string_view(request.principal->user_id) : std::string_view()};
}

}  // namespace

Response create_promo_code(PromoCodes& codes, Request& request) {
  auto input = read_promo_input(request);
  if (!input) return std::move(input.error());
  auto created = codes.create(*request.principal, request.param("id"), *input, request.actor());
  auto response = promo_response(201, created);
  if (created) response.with_header("Location", "/api/events/" + created->event_id + "/promo-codes/" + created->id);
  return response;
}

Response list_promo_codes(PromoCodes& codes, Request& request) {
  auto query = ListingQuery::parse(request.query);
  if (!query) return std::move(query.error());
  if (auto bad = query->problem()) return std::move(*bad);
  auto page = codes.list(*request.principal, request.param("id"), query->cursor(), query->limit());
  if (!page) return problem(page.error());
  JsonWriter w;
  write_page(w, *page, write_promo_code);
  return json_response(200, w.take());
}

Response get_promo_code(PromoCodes& codes, Request& request) {
  return promo_response(200, codes.get(*request.principal, request.param("id"), request.param("promoCodeId")));
}

Response update_promo_code(PromoCodes& codes, Request& request) {
  auto input = read_promo_input(request);
  if (!input) return std::move(input.error());
  return promo_response(200, codes.replace(*request.principal, request.param("id"), request.param("promoCodeId"),
                                           *input, request.actor()));
}

Response delete_promo_code(PromoCodes& codes, Request& request) {
  auto deleted = codes.remove(*request.principal, request.param("id"), request.param("promoCodeId"), request.actor());
  if (!deleted) return problem(deleted.error());
  return Response{.status = 204, .content_type = {}, .body = {}, .headers = {}};
}

Response get_event(PromoCodes& codes, Request& request) {
  auto const params = QueryParams::parse(request.query);
  std::optional<std::string> code;
  if (params) code = params->get("code");
  auto const* viewer = request.principal ? &*request.principal : nullptr;
  auto found = codes.event_with_code(request.param("id"), viewer, code, attempt_of(request));
  if (!found) return problem(found.error());
  auto& event = found->event;
  // Hidden types are the organizer's to see, and those the code unlocks its holder's.
  if (!viewer || viewer->user_id != event.organizer_id) {
    std::erase_if(event.ticket_types, [&](TicketType const& t) {
      return t.details.hidden && !(found->code && found->code->details.unlocks(t.id));
    });
  }
  JsonWriter w;
  write_event_with_promo(w, event, found->code ? &*found->code : nullptr);
  return json_response(200, w.take());
}

}  // namespace admit::api
