#include "domain/order_rules.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Timestamp const kNow = sys_days{2026y / June / 1} + 12h;
HoldRules const kRules{.length = 15min, .max_open_per_account = 1};

TEST(AttendeeLimit, CountsWhatIsHeldAndWhatIsAsked) {
  EXPECT_TRUE(within_attendee_limit(0, 1, 1));
  EXPECT_FALSE(within_attendee_limit(1, 1, 1));
  EXPECT_TRUE(within_attendee_limit(7, 3, 10));
  EXPECT_FALSE(within_attendee_limit(7, 4, 10));
}

TEST(CheckAttendeeOrder, AllowsAFirstOrder) {
  EXPECT_EQ(check_attendee_order({}, 2, 10, true, kRules, kNow), AttendeeVerdict::allowed);
}

TEST(CheckAttendeeOrder, RefusesASecondUnpaidOrder) {
  AttendeeHoldings const one_open{.seats = 1, .open_holds = 1, .last_lapse = {}, .cancelled_hold_end = {}};
  EXPECT_EQ(check_attendee_order(one_open, 1, 10, true, kRules, kNow), AttendeeVerdict::hold_open);
  // A free order holds nothing, so only the seat limit applies to it.
  EXPECT_EQ(check_attendee_order(one_open, 1, 10, false, kRules, kNow), AttendeeVerdict::allowed);
}

TEST(CheckAttendeeOrder, KeepsAnAttendeeWhoseHoldLapsedOutForAHoldsLength) {
  AttendeeHoldings const lapsed{.seats = 0, .open_holds = 0, .last_lapse = kNow, .cancelled_hold_end = {}};
  EXPECT_EQ(check_attendee_order(lapsed, 1, 10, true, kRules, kNow + 14min), AttendeeVerdict::hold_cooldown);
  EXPECT_EQ(hold_cooldown_end(lapsed, kRules), kNow + 15min);
  EXPECT_EQ(check_attendee_order(lapsed, 1, 10, true, kRules, kNow + 15min), AttendeeVerdict::allowed);
}

TEST(CheckAttendeeOrder, RefusesMoreSeatsThanTheAttendeeMayHold) {
  AttendeeHoldings const two{.seats = 2, .open_holds = 0, .last_lapse = {}, .cancelled_hold_end = {}};
  EXPECT_EQ(check_attendee_order(two, 1, 2, false, kRules, kNow), AttendeeVerdict::attendee_limit);
}

TEST(HoldEnd, NeverOutlastsAHoldTheAttendeeCancelled) {
  AttendeeHoldings cancelled{.seats = 0, .open_holds = 0, .last_lapse = {}, .cancelled_hold_end = kNow + 10min};
  EXPECT_EQ(hold_end(cancelled, kNow + 20min, kNow + 5min), kNow + 10min);
  cancelled.cancelled_hold_end = kNow - 1min;  // long over
  EXPECT_EQ(hold_end(cancelled, kNow + 15min, kNow), kNow + 15min);
}

CancellationFacts facts(Timestamp now, int admitted = 0) {
  return CancellationFacts{.now = now,
                           .starts_at = kNow + days{30},
                           .deadline = kNow + days{20},
                           .quantity = 3,
                           .admitted = admitted,
                           .unpaid_hold = false};
}

TEST(CancellationPolicy, TheHolderCancelsUntilTheDeadline) {
  EXPECT_EQ(holder_may_cancel(facts(kNow + days{19})), CancellationVerdict::allowed);
  EXPECT_EQ(holder_may_cancel(facts(kNow + days{20})), CancellationVerdict::deadline_passed);
  auto no_deadline = facts(kNow + days{29});
  no_deadline.deadline.reset();
  EXPECT_EQ(holder_may_cancel(no_deadline), CancellationVerdict::allowed);
  no_deadline.now = kNow + days{30};
  EXPECT_EQ(holder_may_cancel(no_deadline), CancellationVerdict::deadline_passed);
}

TEST(CancellationPolicy, AUsedTicketClosesCancellation) {
  EXPECT_EQ(holder_may_cancel(facts(kNow, 1)), CancellationVerdict::ticket_used);
  EXPECT_TRUE(organizer_needs_reason(facts(kNow, 1)));
  EXPECT_FALSE(organizer_needs_reason(facts(kNow)));
}

TEST(CancellationPolicy, AnUnpaidHoldMayAlwaysBeLetGo) {
  auto hold = facts(kNow + days{25});
  hold.unpaid_hold = true;
  EXPECT_EQ(holder_may_cancel(hold), CancellationVerdict::allowed);
}

TEST(CancellationPolicy, ReleasesOnlyUnusedSeatsBeforeTheStart) {
  EXPECT_EQ(seats_released(facts(kNow)), 3);
  EXPECT_EQ(seats_released(facts(kNow, 2)), 1);
  EXPECT_EQ(seats_released(facts(kNow + days{30})), 0);
}

TEST(AttendeeOf, AGuestOrderCountsAgainstTheAccountThatProvedItsAddress) {
  EXPECT_EQ(attendee_of("g1", std::string("u1")), "u1");
  EXPECT_EQ(attendee_of("g1", std::nullopt), "g1") << "until an account proves the address";
  EXPECT_EQ(attendee_of("g1", std::string()), "g1");
  EXPECT_EQ(attendee_of("u1", std::nullopt), "u1") << "an account's own order";
}

TEST(HoldingsTogether, AddSeatsAndHoldsAndKeepTheLaterEnds) {
  Timestamp const t{std::chrono::seconds{1'000}};
  AttendeeHoldings const guest{.seats = 2, .open_holds = 1, .last_lapse = t, .cancelled_hold_end = std::nullopt};
  AttendeeHoldings const account{
      .seats = 1, .open_holds = 0, .last_lapse = t + std::chrono::hours(1), .cancelled_hold_end = t};
  auto const both = holdings_together(guest, account);
  EXPECT_EQ(both.seats, 3);
  EXPECT_EQ(both.open_holds, 1);
  EXPECT_EQ(both.last_lapse, t + std::chrono::hours(1));
  EXPECT_EQ(both.cancelled_hold_end, t);
  EXPECT_EQ(holdings_together(AttendeeHoldings{}, AttendeeHoldings{}).last_lapse, std::nullopt);
}

}  // namespace
}  // namespace admit
