#include "domain/placement.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Timestamp const kNow = sys_days{2026y / June / 1} + 12h;

/// An open sale of 100 seats at 25.00 a seat, 10 taken, at most 4 per attendee.
SaleSnapshot open_sale() {
  return SaleSnapshot{.published = true,
                      .starts_at = kNow + 24h * 30,
                      .max_per_attendee = 4,
                      .unit_price_minor = 2500,
                      .event_seats = {.capacity = 100, .taken = 10},
                      .type_seats = {}};
}

OrderFacts facts_of(SaleSnapshot sale) {
  OrderFacts facts;
  facts.sale = sale;
  return facts;
}

/// A paid order of two seats at the sale's price, holding for 15 minutes.
OrderTerms paid_order(std::int32_t quantity = 2) {
  return OrderTerms{.quantity = quantity,
                    .unit_price_minor = 2500,
                    .waits_for_payment = true,
                    .hold_rules = {.length = 15min, .max_open_per_account = 1},
                    .proposed_hold_end = kNow + 15min,
                    .client_hold_limit = 0};
}

TEST(DecidePlacement, PlacesAnOrderThatFitsAndCountsItsSeats) {
  auto const decision = decide_placement(facts_of(open_sale()), paid_order(), kNow);
  EXPECT_EQ(decision.outcome, Placement::placed);
  EXPECT_EQ(decision.seats_left, 88);
  EXPECT_EQ(decision.attendee_limit, 4);
  EXPECT_EQ(decision.hold_end, kNow + 15min);
  EXPECT_FALSE(decision.retry_at);
}

TEST(DecidePlacement, AFreeOrderHoldsNothing) {
  auto order = paid_order();
  order.waits_for_payment = false;
  auto const decision = decide_placement(facts_of(open_sale()), order, kNow);
  EXPECT_EQ(decision.outcome, Placement::placed);
  EXPECT_FALSE(decision.hold_end);
}

TEST(DecidePlacement, AKeyUsedBeforeDecidesBeforeAnythingElse) {
  OrderFacts facts;  // no sale at all: the earlier order's outcome still stands
  facts.key = KeyUse::same_request;
  EXPECT_EQ(decide_placement(facts, paid_order(), kNow).outcome, Placement::replayed);
  facts.key = KeyUse::other_request;
  EXPECT_EQ(decide_placement(facts, paid_order(), kNow).outcome, Placement::idempotency_mismatch);
}

TEST(DecidePlacement, RefusesAMissingEvent) {
  EXPECT_EQ(decide_placement(OrderFacts{}, paid_order(), kNow).outcome, Placement::event_not_found);
}

TEST(DecidePlacement, RefusesACancelledOrStartedEvent) {
  auto cancelled = open_sale();
  cancelled.published = false;
  EXPECT_EQ(decide_placement(facts_of(cancelled), paid_order(), kNow).outcome, Placement::event_closed);
  auto started = open_sale();
  started.starts_at = kNow;
  EXPECT_EQ(decide_placement(facts_of(started), paid_order(), kNow).outcome, Placement::event_closed);
  started.starts_at = kNow + 1s;
  EXPECT_EQ(decide_placement(facts_of(started), paid_order(), kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, RefusesAnOrderComputedWithAnotherPrice) {
  auto sale = open_sale();
  sale.unit_price_minor = 3000;
  auto const decision = decide_placement(facts_of(sale), paid_order(), kNow);
  EXPECT_EQ(decision.outcome, Placement::price_changed);
  EXPECT_EQ(decision.seats_left, 0);  // nothing is said about seats at a price the buyer did not see
}

TEST(DecidePlacement, KeepsTheAttendeeLimitAcrossOrders) {
  auto facts = facts_of(open_sale());
  facts.holdings.seats = 3;
  auto order = paid_order(2);
  order.waits_for_payment = false;
  auto const decision = decide_placement(facts, order, kNow);
  EXPECT_EQ(decision.outcome, Placement::attendee_limit);
  EXPECT_EQ(decision.attendee_limit, 4);
  EXPECT_EQ(decision.seats_left, 90);
  order.quantity = 1;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, RefusesASecondOpenHoldAndSaysNothingOfRetrying) {
  auto facts = facts_of(open_sale());
  facts.holdings.seats = 1;
  facts.holdings.open_holds = 1;
  auto const decision = decide_placement(facts, paid_order(1), kNow);
  EXPECT_EQ(decision.outcome, Placement::hold_open);
  EXPECT_FALSE(decision.retry_at);
}

TEST(DecidePlacement, RefusesAHoldDuringTheCooldownAndSaysUntilWhen) {
  auto facts = facts_of(open_sale());
  facts.holdings.last_lapse = kNow - 5min;
  auto const decision = decide_placement(facts, paid_order(), kNow);
  EXPECT_EQ(decision.outcome, Placement::hold_cooldown);
  EXPECT_EQ(decision.retry_at, kNow + 10min);
}

TEST(DecidePlacement, AHoldNeverOutlastsOneTheAttendeeCancelled) {
  auto facts = facts_of(open_sale());
  facts.holdings.cancelled_hold_end = kNow + 4min;
  auto const decision = decide_placement(facts, paid_order(), kNow);
  EXPECT_EQ(decision.outcome, Placement::placed);
  EXPECT_EQ(decision.hold_end, kNow + 4min);
}

TEST(DecidePlacement, CapsTheUnpaidOrdersOfOneClientAddress) {
  auto facts = facts_of(open_sale());
  facts.client_open_holds = 3;
  auto order = paid_order();
  order.client_hold_limit = 3;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::client_hold_limit);
  facts.client_open_holds = 2;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
  // A free order holds nothing, and a limit of 0 means no cap.
  facts.client_open_holds = 3;
  order.waits_for_payment = false;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
  order.waits_for_payment = true;
  order.client_hold_limit = 0;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, TheAttendeeRulesComeBeforeTheClientCapAndTheCapBeforeSeats) {
  auto sale = open_sale();
  sale.event_seats.taken = 100;
  auto facts = facts_of(sale);
  facts.client_open_holds = 5;
  auto order = paid_order();
  order.client_hold_limit = 5;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::client_hold_limit);
  facts.holdings.open_holds = 1;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::hold_open);
}

TEST(DecidePlacement, SellsTheLastSeatsAndNotOneMore) {
  auto sale = open_sale();
  sale.event_seats.taken = 98;
  auto const last = decide_placement(facts_of(sale), paid_order(2), kNow);
  EXPECT_EQ(last.outcome, Placement::placed);
  EXPECT_EQ(last.seats_left, 0);
  sale.event_seats.taken = 99;
  auto const over = decide_placement(facts_of(sale), paid_order(2), kNow);
  EXPECT_EQ(over.outcome, Placement::sold_out);
  EXPECT_EQ(over.seats_left, 1);
}

TEST(DecidePlacement, ATicketTypesOwnQuotaLimitsUnderTheEventsCapacity) {
  auto sale = open_sale();
  sale.type_seats = SeatPool{.capacity = 20, .taken = 19};
  auto const decision = decide_placement(facts_of(sale), paid_order(2), kNow);
  EXPECT_EQ(decision.outcome, Placement::sold_out);
  EXPECT_EQ(decision.seats_left, 1);
  // … and the event's capacity still limits a type with room of its own.
  sale.type_seats = SeatPool{.capacity = 50, .taken = 0};
  sale.event_seats.taken = 99;
  EXPECT_EQ(decide_placement(facts_of(sale), paid_order(2), kNow).outcome, Placement::sold_out);
}

TEST(CountPlaced, LaterOrdersOfTheSameWriteSeeTheSeatsAndHolds) {
  auto sale = open_sale();
  sale.event_seats.taken = 96;
  sale.type_seats = SeatPool{.capacity = 10, .taken = 6};
  auto facts = facts_of(sale);
  auto order = paid_order(2);
  order.client_hold_limit = 2;
  ASSERT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
  count_placed(facts, order);
  EXPECT_EQ(facts.sale->event_seats.taken, 98);
  EXPECT_EQ(facts.sale->type_seats->taken, 8);
  EXPECT_EQ(facts.holdings.seats, 2);
  EXPECT_EQ(facts.holdings.open_holds, 1);
  EXPECT_EQ(facts.client_open_holds, 1);
  // The same attendee's next unpaid order now meets its own open hold.
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::hold_open);
}

TEST(PlacementOf, MapsEveryRefusalOfTheAttendeeRules) {
  EXPECT_EQ(placement_of(AttendeeVerdict::allowed), Placement::placed);
  EXPECT_EQ(placement_of(AttendeeVerdict::attendee_limit), Placement::attendee_limit);
  EXPECT_EQ(placement_of(AttendeeVerdict::hold_open), Placement::hold_open);
  EXPECT_EQ(placement_of(AttendeeVerdict::hold_cooldown), Placement::hold_cooldown);
}

}  // namespace
}  // namespace admit
