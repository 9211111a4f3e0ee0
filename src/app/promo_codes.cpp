#include "app/promo_codes.hpp"

#include "base/encoding.hpp"
#include "domain/money.hpp"

namespace admit {

PromoAttempts::PromoAttempts(int per_hour) : quota_(per_hour, std::chrono::hours(1)) {}

std::optional<Error> PromoAttempts::refusal(Who const& who) {
  std::optional<std::chrono::seconds> wait;
  if (!who.exempt && !who.client.empty()) wait = quota_.wait("client\n" + std::string(who.client));
  if (!who.account.empty()) {
    if (auto const account_wait = quota_.wait("account\n" + std::string(who.account))) {
      wait = std::max(wait.value_or(std::chrono::seconds(0)), *account_wait);
    }
  }
  if (!wait) return std::nullopt;
  Error error{Errc::too_many_code_attempts,
              "Too many wrong promo codes; try again in " + std::to_string(wait->count()) + " seconds.",
              {}};
  error.retry_after = *wait;
  return error;
}

void PromoAttempts::failed(Who const& who) {
  if (!who.exempt && !who.client.empty()) quota_.take("client\n" + std::string(who.client));
  if (!who.account.empty()) quota_.take("account\n" + std::string(who.account));
}

PromoCodes::PromoCodes(EventStore& events, PromoCodeStore& codes, Entropy& entropy, Clock const& clock,
                       PromoAttempts& attempts)
    : events_(events), codes_(codes), entropy_(entropy), clock_(clock), attempts_(attempts) {}

Result<Event> PromoCodes::organizer_event(Principal const& who, std::string_view event_id, bool changes) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may do this.");
  if (changes && event->status == EventStatus::cancelled) {
    return fail(Errc::conflict, "A cancelled event cannot be changed.");
  }
  return std::move(*event);
}

namespace {

std::vector<std::string> type_ids(Event const& event) {
  std::vector<std::string> ids;
  ids.reserve(event.ticket_types.size());
  for (auto const& t : event.ticket_types) ids.push_back(t.id);
  return ids;
}

}  // namespace

Result<PromoCodeDraft> PromoCodes::checked_draft(PromoCodeInput const& input, Event const& event) {
  std::vector<FieldError> errors;
  PromoCodeDraft draft{.code = input.code,
                       .ticket_type_ids = input.ticket_type_ids,
                       .unlocks_type_ids = input.unlocks_type_ids,
                       .max_uses = input.max_uses,
                       .max_uses_per_buyer = input.max_uses_per_buyer,
                       .valid_from = input.valid_from,
                       .valid_until = input.valid_until};
  if (input.discount_percent) {
    // Basis points: a percentage with at most 2 decimals is a whole number of them.
    auto const bp = to_minor_units(*input.discount_percent, 2);
    if (!bp || *bp <= 0 || *bp > 10'000) {
      errors.push_back({"discountPercent", "must be more than 0 and at most 100, with at most 2 decimals"});
    } else {
      draft.discount_percent_bp = static_cast<std::int32_t>(*bp);
    }
  }
  if (input.discount_amount) {
    auto const exponent = currency_exponent(event.details.currency).value_or(2);
    auto const minor = to_minor_units(*input.discount_amount, exponent);
    if (!minor) {
      errors.push_back({"discountAmount", "must be an amount of " + event.details.currency +
                                              " of at least 0, with at most " + std::to_string(exponent) +
                                              " decimals"});
    } else {
      draft.discount_amount_minor = minor;
    }
  }
  if (errors.empty()) errors = check_promo_code(draft, type_ids(event));
  if (!errors.empty()) return fail(Errc::invalid_input, "The promo code is not acceptable.", std::move(errors));
  return draft;
}

Result<PromoCode> PromoCodes::written(PromoChange change, Event const& event, std::string_view id) {
  switch (change) {
    case PromoChange::done: break;
    case PromoChange::not_found: return fail(Errc::not_found, "No promo code of this event has this id.");
    case PromoChange::code_taken:
      return fail(Errc::conflict, "The event has a code with this text already (codes ignore case).",
                  {{"code", "is taken by another code of this event"}});
    case PromoChange::below_uses:
      return fail(Errc::conflict, "maxUses cannot be below the uses already made.",
                  {{"maxUses", "is below the code's uses"}});
    case PromoChange::used: return fail(Errc::promo_code_used, "A used code stays for the books.");
  }
  auto code = codes_.promo_code_by_id(event.id, id);
  if (!code) return fail(Errc::not_found, "No promo code of this event has this id.");
  code->currency = event.details.currency;
  return std::move(*code);
}

Result<PromoCode> PromoCodes::create(Principal const& who, std::string_view event_id, PromoCodeInput const& input,
                                     Actor const& actor) {
  auto event = organizer_event(who, event_id, true);
  if (!event) return std::unexpected(event.error());
  auto draft = checked_draft(input, *event);
  if (!draft) return std::unexpected(std::move(draft.error()));
  if (codes_.list_promo_codes(event_id, std::nullopt, static_cast<int>(kMaxCodesPerEvent)).size() >=
      kMaxCodesPerEvent) {
    return fail(Errc::conflict, "An event may have at most 1000 promo codes.");
  }
  PromoCode const code{.id = entropy_.new_id(),
                       .event_id = event->id,
                       .details = std::move(*draft),
                       .uses = 0,
                       .created_at = clock_.now()};
  return written(codes_.add_promo_code(code, code.created_at, actor), *event, code.id);
}

Result<Page<PromoCode>> PromoCodes::list(Principal const& who, std::string_view event_id,
                                         std::optional<std::string> const& cursor, int limit) {
  auto event = organizer_event(who, event_id, false);
  if (!event) return std::unexpected(event.error());
  std::vector<FieldError> errors;
  auto const after = check_page_request(
      limit, cursor,
      [](std::string_view text) -> std::optional<std::string> {
        auto key = base64url_decode(text);
        if (!key || key->empty()) return std::nullopt;
        return key;
      },
      errors);
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  return read_page(
      limit,
      [&](int rows) {
        auto codes = codes_.list_promo_codes(event_id, after, rows);
        for (auto& code : codes) code.currency = event->details.currency;
        return codes;
      },
      [](PromoCode const& last) { return base64url_encode(promo_code_key(last.details.code)); });
}

Result<PromoCode> PromoCodes::get(Principal const& who, std::string_view event_id, std::string_view id) {
  auto event = organizer_event(who, event_id, false);
  if (!event) return std::unexpected(event.error());
  return written(PromoChange::done, *event, id);
}

Result<PromoCode> PromoCodes::replace(Principal const& who, std::string_view event_id, std::string_view id,
                                      PromoCodeInput const& input, Actor const& actor) {
  auto event = organizer_event(who, event_id, true);
  if (!event) return std::unexpected(event.error());
  auto draft = checked_draft(input, *event);
  if (!draft) return std::unexpected(std::move(draft.error()));
  PromoCode const code{
      .id = std::string(id), .event_id = event->id, .details = std::move(*draft), .uses = 0, .created_at = {}};
  return written(codes_.update_promo_code(code, clock_.now(), actor), *event, id);
}

Result<void> PromoCodes::remove(Principal const& who, std::string_view event_id, std::string_view id,
                                Actor const& actor) {
  auto event = organizer_event(who, event_id, false);
  if (!event) return std::unexpected(event.error());
  auto const change = codes_.delete_promo_code(event_id, id, clock_.now(), actor);
  if (change == PromoChange::done) return {};
  return std::unexpected(written(change, *event, id).error());
}

Result<PromoCode> PromoCodes::find_for_buyer(std::string_view event_id, std::string_view code,
                                             PromoAttempts::Who const& who, std::string const& field) {
  if (auto refused = attempts_.refusal(who)) return std::unexpected(std::move(*refused));
  auto const key = promo_code_key(code);
  std::optional<PromoCode> found;
  // A text no code could have is never looked up, but counts as a failure all the same.
  if (!key.empty() && key.size() <= kMaxCodeLength) found = codes_.find_promo_code(event_id, key);
  if (!found || !found->details.valid_at(clock_.now())) {
    attempts_.failed(who);
    return fail(Errc::invalid_input, "The order is not acceptable.", {{field, "is not a valid code for this event"}});
  }
  return std::move(*found);
}

Result<EventWithCode> PromoCodes::event_with_code(std::string_view event_id, Principal const* viewer,
                                                  std::optional<std::string> const& code,
                                                  PromoAttempts::Who const& who) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, viewer ? std::string_view(viewer->user_id) : std::string_view())) {
    return fail(Errc::not_found, "No event has this id.");
  }
  EventWithCode out{.event = std::move(*event), .code = std::nullopt};
  if (!code) return out;
  auto found = find_for_buyer(event_id, *code, who, "code");
  if (!found) {
    if (found.error().code == Errc::invalid_input) {
      return fail(Errc::not_found, "No promo code of this event is this one.",
                  {{"code", "is not a valid code for this event"}});
    }
    return std::unexpected(std::move(found.error()));
  }
  found->currency = out.event.details.currency;
  out.code = std::move(*found);
  return out;
}

Result<std::optional<PromoCode>> entered_code(PromoCodes* codes, std::string_view event_id,
                                              std::optional<std::string> const& entered,
                                              PromoAttempts::Who const& who) {
  if (!entered) return std::optional<PromoCode>();
  if (!codes) {
    return fail(Errc::invalid_input, "The order is not acceptable.",
                {{"promoCode", "is not a valid code for this event"}});
  }
  auto found = codes->find_for_buyer(event_id, *entered, who, "promoCode");
  if (!found) return std::unexpected(std::move(found.error()));
  return std::optional<PromoCode>(std::move(*found));
}

}  // namespace admit
