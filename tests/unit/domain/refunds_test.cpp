#include "domain/refunds.hpp"

#include <gtest/gtest.h>

#include <array>

namespace admit {
namespace {

Ticket ticket(std::string id, std::int32_t position, TicketStatus status = TicketStatus::valid) {
  Ticket t;
  t.id = std::move(id);
  t.position = position;
  t.status = status;
  return t;
}

std::vector<RegistrationItem> const kItems{
    {.ticket_type_id = "vip", .name = "VIP", .quantity = 2, .unit_price_minor = 5000},
    {.ticket_type_id = "std", .name = "Standard", .quantity = 1, .unit_price_minor = 1999},
};

TEST(PricePaidForTicket, FollowsTheItemsInTicketOrder) {
  EXPECT_EQ(price_paid_for_ticket(kItems, 1), 5000);
  EXPECT_EQ(price_paid_for_ticket(kItems, 2), 5000);
  EXPECT_EQ(price_paid_for_ticket(kItems, 3), 1999);
  EXPECT_EQ(price_paid_for_ticket(kItems, 4), 0);  // no such ticket: nothing was paid for it
}

TEST(PricePaidForTicket, IsThePriceAfterThePromoCodesDiscount) {
  // 25 % off 20.00 a ticket: each ticket cost 15.00, and that is what its cancellation returns.
  std::vector<RegistrationItem> const discounted{
      {.ticket_type_id = "std", .name = "Standard", .quantity = 2, .unit_price_minor = 2000, .discount_minor = 500},
  };
  EXPECT_EQ(price_paid_for_ticket(discounted, 1), 1500);
  EXPECT_EQ(price_paid_for_ticket(discounted, 2), 1500);
}

TEST(RefundFor, IsExactlyThePricesPaidForTheTickets) {
  std::array<std::int64_t, 2> const prices{5000, 1999};
  EXPECT_EQ(refund_for(prices, 0, 11999, true), 6999);
  std::array<std::int64_t, 1> const one{5000};
  EXPECT_EQ(refund_for(one, 0, 10000, true), 5000);  // one of two tickets: exactly half
}

TEST(RefundFor, NeverExceedsWhatIsLeftOfTheOrder) {
  std::array<std::int64_t, 1> const one{5000};
  EXPECT_EQ(refund_for(one, 6000, 10000, true), 4000);
  EXPECT_EQ(refund_for(one, 10000, 10000, true), 0);
  EXPECT_EQ(refund_for(one, 12000, 10000, true), 0);  // over-refunded books never make it negative
  std::array<std::int64_t, 2> const dear{9000, 9000};
  EXPECT_EQ(refund_for(dear, 0, 10000, true), 10000);  // never more than the order's amount
}

TEST(RefundFor, TheSumOverEveryCancellationNeverExceedsTheAmount) {
  // Every way of cancelling three tickets one by one or together refunds the amount at most.
  std::int64_t const amount = 10000;  // e.g. a discount made the tickets cheaper than listed
  std::array<std::int64_t, 3> const prices{4000, 4000, 4000};
  std::int64_t refunded = 0;
  for (auto const price : prices) refunded += refund_for(std::span(&price, 1), refunded, amount, true);
  EXPECT_EQ(refunded, amount);
}

TEST(RefundFor, AnUnpaidOrderOrACompRefundsNothing) {
  std::array<std::int64_t, 1> const one{5000};
  EXPECT_EQ(refund_for(one, 0, 5000, false), 0);
  std::array<std::int64_t, 1> const negative{-100};
  EXPECT_EQ(refund_for(negative, 0, 5000, true), 0);
}

TEST(RefundRemainder, IsWhatIsLeftNeverBelowZero) {
  EXPECT_EQ(refund_remainder(10000, 0), 10000);
  EXPECT_EQ(refund_remainder(10000, 5000), 5000);
  EXPECT_EQ(refund_remainder(10000, 12000), 0);
}

TEST(SelectTicketsToCancel, TakesTheNamedValidTicketsInTicketOrder) {
  std::vector<Ticket> const tickets{ticket("t1", 1), ticket("t2", 2), ticket("t3", 3)};
  auto const selected = select_tickets_to_cancel({"t3", "t1"}, tickets);
  ASSERT_TRUE(selected);
  ASSERT_EQ(selected->size(), 2u);
  EXPECT_EQ((*selected)[0].id, "t1");
  EXPECT_EQ((*selected)[1].id, "t3");
  EXPECT_FALSE(cancels_every_ticket(*selected, tickets));
  auto const all = select_tickets_to_cancel({"t1", "t2", "t3"}, tickets);
  ASSERT_TRUE(all);
  EXPECT_TRUE(cancels_every_ticket(*all, tickets));
}

TEST(SelectTicketsToCancel, RefusesBadListsNamingTicketIds) {
  auto used = ticket("t2", 2);
  used.validated_at = Timestamp{std::chrono::seconds{1}};
  std::vector<Ticket> const tickets{ticket("t1", 1), used, ticket("t3", 3, TicketStatus::voided),
                                    ticket("t4", 4, TicketStatus::cancelled)};
  for (auto const& ids :
       std::vector<std::vector<std::string>>{{}, {"t1", "t1"}, {"other"}, {"t2"}, {"t3"}, {"t4"}, {"t1", "other"}}) {
    auto const refused = select_tickets_to_cancel(ids, tickets);
    ASSERT_FALSE(refused) << ids.size();
    EXPECT_EQ(refused.error().field, "ticketIds");
  }
}

TEST(CancelsEveryTicket, CountsOnlyTheValidOnes) {
  std::vector<Ticket> const tickets{ticket("t1", 1), ticket("t2", 2, TicketStatus::voided)};
  auto const last = select_tickets_to_cancel({"t1"}, tickets);
  ASSERT_TRUE(last);
  EXPECT_TRUE(cancels_every_ticket(*last, tickets));
}

TEST(PartialRefundKey, NamesTheRegistrationAndTheSortedTickets) {
  std::vector<Ticket> const selected{ticket("b", 1), ticket("a", 2)};
  EXPECT_EQ(partial_refund_key("r1", selected), "cancel:r1:a,b");
  EXPECT_EQ(whole_refund_key("r1"), "admit-refund-r1");
}

}  // namespace
}  // namespace admit
