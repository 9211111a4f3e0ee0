#include "domain/placement.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Timestamp const kNow = sys_days{2026y / June / 1} + 12h;

/// An open sale of 100 seats of one type ("ga") at 25.00 a seat, 10 taken, at most 4 per attendee.
SaleSnapshot open_sale() {
  return SaleSnapshot{.published = true,
                      .starts_at = kNow + 24h * 30,
                      .max_per_attendee = 4,
                      .event_seats = {.capacity = 100, .taken = 10},
                      .types = {TypeOnSale{.id = "ga", .unit_price_minor = 2500, .sold = 10}}};
}

/// open_sale() with two more types: "vip" at 90.00 with a quota of 5 (3 sold), and "early" at
/// 15.00 on sale for the next hour only.
SaleSnapshot three_type_sale() {
  auto sale = open_sale();
  sale.types.push_back(TypeOnSale{.id = "vip", .unit_price_minor = 9000, .capacity = 5, .sold = 3});
  sale.types.push_back(TypeOnSale{.id = "early",
                                  .unit_price_minor = 1500,
                                  .sales_start = kNow - 1h,
                                  .sales_end = kNow + 1h,
                                  .min_per_order = 1,
                                  .max_per_order = 2});
  sale.event_seats.taken = 13;
  return sale;
}

OrderFacts facts_of(SaleSnapshot sale) {
  OrderFacts facts;
  facts.sale = sale;
  return facts;
}

/// A paid order of two "ga" seats at the sale's price, holding for 15 minutes.
OrderTerms paid_order(std::int32_t quantity = 2) {
  return OrderTerms{.items = {OrderItem{.ticket_type_id = "ga", .quantity = quantity, .unit_price_minor = 2500}},
                    .sees_hidden = false,
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
  sale.types[0].unit_price_minor = 3000;
  auto const decision = decide_placement(facts_of(sale), paid_order(), kNow);
  EXPECT_EQ(decision.outcome, Placement::price_changed);
  EXPECT_EQ(decision.item, 0U);
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
  order.items[0].quantity = 1;
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
  auto sale = three_type_sale();
  auto order = paid_order();
  order.items = {{"ga", 1, 2500}, {"vip", 3, 9000}};  // vip has 2 left
  auto const decision = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(decision.outcome, Placement::sold_out);
  EXPECT_EQ(decision.item, 1U);
  EXPECT_EQ(decision.seats_left, 2);
  order.items[1].quantity = 2;
  EXPECT_EQ(decide_placement(facts_of(sale), order, kNow).outcome, Placement::placed);
  // … and the event's capacity still limits a type with room of its own.
  sale.event_seats.taken = 98;
  auto const event_full = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(event_full.outcome, Placement::sold_out);
  EXPECT_FALSE(event_full.item);
  EXPECT_EQ(event_full.seats_left, 2);
}

TEST(DecidePlacement, ItemsOfOneTypeShareItsQuota) {
  auto order = paid_order();
  order.items = {{"vip", 1, 9000}, {"vip", 2, 9000}};  // 3 of the 2 vip seats left
  EXPECT_EQ(decide_placement(facts_of(three_type_sale()), order, kNow).outcome, Placement::sold_out);
  order.items[1].quantity = 1;
  EXPECT_EQ(decide_placement(facts_of(three_type_sale()), order, kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, TheAttendeeLimitCountsEveryType) {
  auto facts = facts_of(three_type_sale());
  facts.holdings.seats = 1;
  auto order = paid_order();
  order.waits_for_payment = false;
  order.items = {{"ga", 2, 2500}, {"vip", 2, 9000}};  // 1 + 4 > 4
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::attendee_limit);
  order.items[1].quantity = 1;
  EXPECT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, RefusesATypeOfAnotherEventOrAHiddenOneAndNamesTheItem) {
  auto sale = three_type_sale();
  auto order = paid_order();
  order.items = {{"ga", 1, 2500}, {"elsewhere", 1, 2500}};
  auto const unknown = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(unknown.outcome, Placement::ticket_type_unknown);
  EXPECT_EQ(unknown.item, 1U);
  sale.types[1].hidden = true;
  order.items[1] = {"vip", 1, 9000};
  EXPECT_EQ(decide_placement(facts_of(sale), order, kNow).outcome, Placement::ticket_type_unknown);
  order.sees_hidden = true;  // the organizer
  EXPECT_EQ(decide_placement(facts_of(sale), order, kNow).outcome, Placement::placed);
}

TEST(DecidePlacement, KeepsEachItemWithinItsTypesLimitsPerOrder) {
  auto sale = three_type_sale();
  sale.types[0].min_per_order = 2;
  auto order = paid_order(1);
  auto const under = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(under.outcome, Placement::order_quantity);
  EXPECT_EQ(under.item, 0U);
  EXPECT_EQ(under.min_per_order, 2);
  order.items = {{"ga", 2, 2500}, {"early", 3, 1500}};  // early: at most 2
  auto const over = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(over.outcome, Placement::order_quantity);
  EXPECT_EQ(over.item, 1U);
  EXPECT_EQ(over.max_per_order, 2);
  order.items[1].quantity = 2;
  order.waits_for_payment = false;
  sale.max_per_attendee = 10;
  EXPECT_EQ(decide_placement(facts_of(sale), order, kNow).outcome, Placement::placed);
  order.items.clear();
  EXPECT_EQ(decide_placement(facts_of(sale), order, kNow).outcome, Placement::order_quantity);
}

TEST(DecidePlacement, SellsATypeFromItsSalesStartUntilJustBeforeItsSalesEnd) {
  auto sale = three_type_sale();
  auto order = paid_order();
  order.items = {{"ga", 1, 2500}, {"early", 1, 1500}};
  auto const window_start = kNow - 1h;
  auto const window_end = kNow + 1h;
  auto at = [&](Timestamp when) { return decide_placement(facts_of(sale), order, when); };
  EXPECT_EQ(at(window_start - 1s).outcome, Placement::sales_closed);
  EXPECT_EQ(at(window_start - 1s).item, 1U);
  EXPECT_EQ(at(window_start).outcome, Placement::placed);
  EXPECT_EQ(at(window_end - 1s).outcome, Placement::placed);
  EXPECT_EQ(at(window_end).outcome, Placement::sales_closed);
}

TEST(DecidePlacement, AnOrderIsAllOrNothing) {
  // The first item fits; the second does not: the decision refuses the whole order, and
  // count_placed is never called for it (the stores write only placed orders).
  auto sale = three_type_sale();
  sale.types[1].sold = 5;
  auto order = paid_order();
  order.items = {{"ga", 2, 2500}, {"vip", 1, 9000}};
  auto const decision = decide_placement(facts_of(sale), order, kNow);
  EXPECT_EQ(decision.outcome, Placement::sold_out);
  EXPECT_EQ(decision.item, 1U);
}

TEST(CountPlaced, LaterOrdersOfTheSameWriteSeeTheSeatsAndHolds) {
  auto facts = facts_of(three_type_sale());
  auto order = paid_order(1);
  order.items.push_back({"vip", 1, 9000});
  order.client_hold_limit = 2;
  ASSERT_EQ(decide_placement(facts, order, kNow).outcome, Placement::placed);
  count_placed(facts, order);
  EXPECT_EQ(facts.sale->event_seats.taken, 15);
  EXPECT_EQ(facts.sale->find_type("ga")->sold, 11);
  EXPECT_EQ(facts.sale->find_type("vip")->sold, 4);
  EXPECT_EQ(facts.sale->find_type("early")->sold, 0);
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
