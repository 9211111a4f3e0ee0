#include "domain/placement.hpp"

namespace admit {
namespace {

/// A decision that says nothing but its outcome.
PlacementDecision only(Placement outcome) {
  PlacementDecision decision;
  decision.outcome = outcome;
  return decision;
}

}  // namespace

PlacementDecision decide_placement(OrderFacts const& facts, OrderTerms const& order, Timestamp now) {
  switch (facts.key) {
    case KeyUse::same_request: return only(Placement::replayed);
    case KeyUse::other_request: return only(Placement::idempotency_mismatch);
    case KeyUse::unused: break;
  }
  if (!facts.sale) return only(Placement::event_not_found);
  auto const& sale = *facts.sale;
  if (!sale.published || sale.starts_at <= now) return only(Placement::event_closed);
  if (sale.unit_price_minor != order.unit_price_minor) return only(Placement::price_changed);

  PlacementDecision decision;
  decision.seats_left = sale.seats_left();
  decision.attendee_limit = sale.max_per_attendee;
  auto const verdict = check_attendee_order(facts.holdings, order.quantity, sale.max_per_attendee,
                                            order.waits_for_payment, order.hold_rules, now);
  if (verdict != AttendeeVerdict::allowed) {
    decision.outcome = placement_of(verdict);
    decision.retry_at = hold_cooldown_end(facts.holdings, order.hold_rules);
    return decision;
  }
  if (order.capped_by_client() && facts.client_open_holds >= order.client_hold_limit) {
    decision.outcome = Placement::client_hold_limit;
    return decision;
  }
  if (order.quantity > decision.seats_left) {
    decision.outcome = Placement::sold_out;
    return decision;
  }
  decision.seats_left -= order.quantity;
  if (order.waits_for_payment && order.proposed_hold_end) {
    decision.hold_end = hold_end(facts.holdings, *order.proposed_hold_end, now);
  }
  return decision;
}

void count_placed(OrderFacts& facts, OrderTerms const& order) {
  facts.holdings.seats += order.quantity;
  if (order.waits_for_payment) ++facts.holdings.open_holds;
  if (order.capped_by_client()) ++facts.client_open_holds;
  if (facts.sale) {
    facts.sale->event_seats.taken += order.quantity;
    if (facts.sale->type_seats) facts.sale->type_seats->taken += order.quantity;
  }
}

}  // namespace admit
