#include "domain/placement.hpp"

#include <algorithm>
#include <map>

namespace admit {
namespace {

/// A decision that says nothing but its outcome.
PlacementDecision only(Placement outcome) {
  PlacementDecision decision;
  decision.outcome = outcome;
  return decision;
}

/// A refusal of item `item`.
PlacementDecision refuse_item(Placement outcome, std::size_t item) {
  auto decision = only(outcome);
  decision.item = item;
  return decision;
}

}  // namespace

TypeOnSale const* SaleSnapshot::find_type(std::string_view id) const {
  auto const found = std::ranges::find(types, id, &TypeOnSale::id);
  return found == types.end() ? nullptr : &*found;
}

TypeOnSale* SaleSnapshot::find_type(std::string_view id) {
  auto const found = std::ranges::find(types, id, &TypeOnSale::id);
  return found == types.end() ? nullptr : &*found;
}

std::int32_t SaleSnapshot::seats_left(TypeOnSale const& type) const {
  if (!type.capacity) return event_seats.left();
  return std::min(*type.capacity - type.sold, event_seats.left());
}

std::int32_t OrderTerms::seats() const {
  std::int64_t total = 0;
  for (auto const& item : items) total += item.quantity;
  return static_cast<std::int32_t>(std::min<std::int64_t>(total, INT32_MAX));
}

PlacementDecision decide_placement(OrderFacts const& facts, OrderTerms const& order, Timestamp now) {
  switch (facts.key) {
    case KeyUse::same_request: return only(Placement::replayed);
    case KeyUse::other_request: return only(Placement::idempotency_mismatch);
    case KeyUse::unused: break;
  }
  if (!facts.sale) return only(Placement::event_not_found);
  auto const& sale = *facts.sale;
  if (!sale.published || sale.starts_at <= now) return only(Placement::event_closed);
  if (order.items.empty()) return refuse_item(Placement::order_quantity, 0);
  PromoCodeDraft const* code = nullptr;
  if (!order.promo_code_id.empty()) {
    if (!facts.promo || facts.promo->id != order.promo_code_id) return only(Placement::promo_invalid);
    if (check_promo_use(facts.promo, order.event_id, now) == PromoVerdict::invalid) {
      return only(Placement::promo_invalid);
    }
    code = &facts.promo->code;
  }

  // Seats the order asks of each type, over all its items (in case one type appears twice).
  std::map<TypeOnSale const*, std::int32_t> per_type;
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    auto const& item = order.items[i];
    auto const* type = sale.find_type(item.ticket_type_id);
    bool const unlocked = order.sees_hidden || (code && code->unlocks(item.ticket_type_id));
    if (!type || (type->hidden && !unlocked)) return refuse_item(Placement::ticket_type_unknown, i);
    if (type->unit_price_minor != item.unit_price_minor) return refuse_item(Placement::price_changed, i);
    auto const discount = code ? discount_per_ticket(type->unit_price_minor, *code, type->id) : 0;
    if (discount != item.discount_minor) return refuse_item(Placement::price_changed, i);
    if (item.quantity < type->min_per_order || item.quantity > type->max_per_order) {
      auto decision = refuse_item(Placement::order_quantity, i);
      decision.min_per_order = type->min_per_order;
      decision.max_per_order = type->max_per_order;
      return decision;
    }
    if (!type->on_sale(now)) return refuse_item(Placement::sales_closed, i);
    per_type[type] += item.quantity;
  }

  if (code && check_promo_use(facts.promo, order.event_id, now) == PromoVerdict::used_up) {
    return only(Placement::promo_used_up);
  }

  auto const seats = order.seats();
  PlacementDecision decision;
  decision.seats_left = sale.event_seats.left();
  decision.attendee_limit = sale.max_per_attendee;
  auto const verdict = check_attendee_order(facts.holdings, seats, sale.max_per_attendee, order.waits_for_payment,
                                            order.hold_rules, now);
  if (verdict != AttendeeVerdict::allowed) {
    decision.outcome = placement_of(verdict);
    decision.retry_at = hold_cooldown_end(facts.holdings, order.hold_rules);
    return decision;
  }
  if (order.capped_by_client() && facts.client_open_holds >= order.client_hold_limit) {
    decision.outcome = Placement::client_hold_limit;
    return decision;
  }
  if (seats > decision.seats_left) {
    decision.outcome = Placement::sold_out;
    return decision;
  }
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    auto const* type = sale.find_type(order.items[i].ticket_type_id);
    if (per_type[type] > sale.seats_left(*type)) {
      decision.outcome = Placement::sold_out;
      decision.item = i;
      decision.seats_left = std::max(0, sale.seats_left(*type));
      return decision;
    }
  }
  decision.seats_left -= seats;
  if (order.waits_for_payment && order.proposed_hold_end) {
    decision.hold_end = hold_end(facts.holdings, *order.proposed_hold_end, now);
  }
  return decision;
}

void count_placed(OrderFacts& facts, OrderTerms const& order) {
  auto const seats = order.seats();
  facts.holdings.seats += seats;
  if (order.waits_for_payment) ++facts.holdings.open_holds;
  if (order.capped_by_client()) ++facts.client_open_holds;
  if (facts.promo && !order.promo_code_id.empty()) {
    ++facts.promo->uses;
    ++facts.promo->buyer_uses;
  }
  if (facts.sale) {
    facts.sale->event_seats.taken += seats;
    for (auto const& item : order.items) {
      if (auto* type = facts.sale->find_type(item.ticket_type_id)) type->sold += item.quantity;
    }
  }
}

}  // namespace admit
