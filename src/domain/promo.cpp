#include "domain/promo.hpp"

#include <algorithm>
#include <set>

namespace admit {
namespace {

bool code_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void check_type_ids(std::vector<std::string> const& ids, std::vector<std::string> const& event_type_ids,
                    std::string const& field, std::vector<FieldError>& errors) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto const path = field + "[" + std::to_string(i) + "]";
    if (std::ranges::find(event_type_ids, ids[i]) == event_type_ids.end()) {
      errors.push_back({path, "is not a ticket type of this event"});
    } else if (!seen.insert(ids[i]).second) {
      errors.push_back({path, "names a type twice"});
    }
  }
}

}  // namespace

bool PromoCodeDraft::valid_at(Timestamp now) const {
  return (!valid_from || *valid_from <= now) && (!valid_until || now < *valid_until);
}

bool PromoCodeDraft::discounts(std::string_view type_id) const {
  return ticket_type_ids.empty() || std::ranges::find(ticket_type_ids, type_id) != ticket_type_ids.end();
}

bool PromoCodeDraft::unlocks(std::string_view type_id) const {
  return std::ranges::find(unlocks_type_ids, type_id) != unlocks_type_ids.end();
}

std::string promo_code_key(std::string_view code) {
  std::string key(trimmed(code));
  for (auto& c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return key;
}

std::vector<FieldError> check_promo_code(PromoCodeDraft& draft, std::vector<std::string> const& event_type_ids) {
  std::vector<FieldError> errors;
  draft.code = std::string(trimmed(draft.code));
  if (draft.code.size() < kMinCodeLength || draft.code.size() > kMaxCodeLength ||
      !std::ranges::all_of(draft.code, code_character)) {
    errors.push_back({"code", "must be 3 to 40 letters, digits, '-' or '_'"});
  }
  if (draft.discount_percent_bp && draft.discount_amount_minor) {
    errors.push_back({"discountAmount", "cannot be given with discountPercent: a code takes one kind of discount"});
  }
  if (draft.discount_percent_bp && (*draft.discount_percent_bp <= 0 || *draft.discount_percent_bp > 10'000)) {
    errors.push_back({"discountPercent", "must be more than 0 and at most 100, with at most 2 decimals"});
  }
  if (draft.discount_amount_minor && *draft.discount_amount_minor < 0) {
    errors.push_back({"discountAmount", "must not be negative"});
  }
  if (!draft.discount_percent_bp && !draft.discount_amount_minor && draft.unlocks_type_ids.empty()) {
    errors.push_back(
        {"discountPercent", "is required (or discountAmount, or unlocksTicketTypeIds for an access code)"});
  }
  check_type_ids(draft.ticket_type_ids, event_type_ids, "ticketTypeIds", errors);
  check_type_ids(draft.unlocks_type_ids, event_type_ids, "unlocksTicketTypeIds", errors);
  if (draft.max_uses && *draft.max_uses < 0) errors.push_back({"maxUses", "must not be negative"});
  if (draft.max_uses_per_buyer && *draft.max_uses_per_buyer < 1) {
    errors.push_back({"maxUsesPerBuyer", "must be at least 1"});
  }
  if (draft.valid_from && draft.valid_until && *draft.valid_until <= *draft.valid_from) {
    errors.push_back({"validUntil", "must be after validFrom"});
  }
  return errors;
}

std::int64_t discount_per_ticket(std::int64_t price_minor, PromoCodeDraft const& code, std::string_view type_id) {
  if (price_minor <= 0 || !code.discounts(type_id)) return 0;
  std::int64_t off = 0;
  if (code.discount_percent_bp) {
    // price × bp / 10000, half-up: (price × bp + 5000) / 10000 in integers.
    off = (price_minor * std::int64_t{*code.discount_percent_bp} + 5'000) / 10'000;
  } else if (code.discount_amount_minor) {
    off = *code.discount_amount_minor;
  }
  return std::clamp<std::int64_t>(off, 0, price_minor);
}

PromoVerdict check_promo_use(std::optional<PromoFacts> const& code, std::string_view event_id, Timestamp now) {
  if (!code || code->event_id != event_id || !code->code.valid_at(now)) return PromoVerdict::invalid;
  auto const& c = code->code;
  if (c.max_uses && code->uses + 1 > *c.max_uses) return PromoVerdict::used_up;
  if (c.max_uses_per_buyer && code->buyer_uses + 1 > *c.max_uses_per_buyer) return PromoVerdict::used_up;
  return PromoVerdict::usable;
}

}  // namespace admit
