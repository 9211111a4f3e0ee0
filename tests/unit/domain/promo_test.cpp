#include "domain/promo.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "domain/placement.hpp"

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

Timestamp const kNow = sys_days{2026y / June / 1} + 12h;

PromoCodeDraft percent(std::int32_t bp) {
  return PromoCodeDraft{.code = "SAVE", .discount_percent_bp = bp};
}

PromoCodeDraft amount(std::int64_t minor) {
  return PromoCodeDraft{.code = "SAVE", .discount_amount_minor = minor};
}

std::vector<std::string> const kTypes{"ga", "vip", "secret"};

bool names(std::vector<FieldError> const& errors, std::string_view field) {
  return std::ranges::any_of(errors, [&](FieldError const& e) { return e.field == field; });
}

// ---- the code's shape ----------------------------------------------------------------

TEST(CheckPromoCode, AcceptsAPercentageAnAmountOrAPureAccessCode) {
  auto p = percent(1050);
  EXPECT_TRUE(check_promo_code(p, kTypes).empty());
  auto a = amount(0);  // a zero amount is a code that only counts uses
  EXPECT_TRUE(check_promo_code(a, kTypes).empty());
  PromoCodeDraft access{.code = "  vip-door ", .unlocks_type_ids = {"secret"}};
  EXPECT_TRUE(check_promo_code(access, kTypes).empty());
  EXPECT_EQ(access.code, "vip-door");  // trimmed in place
}

TEST(CheckPromoCode, RefusesBothDiscountsNeitherWithoutUnlocksAndPercentagesOutOfRange) {
  auto both = percent(1000);
  both.discount_amount_minor = 500;
  EXPECT_TRUE(names(check_promo_code(both, kTypes), "discountAmount"));
  PromoCodeDraft neither{.code = "NOTHING"};
  EXPECT_TRUE(names(check_promo_code(neither, kTypes), "discountPercent"));
  for (std::int32_t bp : {0, -1, 10'001}) {
    auto p = percent(bp);
    EXPECT_TRUE(names(check_promo_code(p, kTypes), "discountPercent")) << bp;
  }
  auto hundred = percent(10'000);
  EXPECT_TRUE(check_promo_code(hundred, kTypes).empty());
  auto negative = amount(-1);
  EXPECT_TRUE(names(check_promo_code(negative, kTypes), "discountAmount"));
}

TEST(CheckPromoCode, RefusesBadCodesForeignTypesLimitsAndABackwardWindow) {
  for (std::string const& code :
       std::vector<std::string>{"AB", std::string(41, 'A'), "SPACE IN", "ÜBER", "semi;colon"}) {
    auto p = percent(500);
    p.code = code;
    EXPECT_TRUE(names(check_promo_code(p, kTypes), "code")) << code;
  }
  auto p = percent(500);
  p.ticket_type_ids = {"ga", "other-event-type"};
  p.unlocks_type_ids = {"secret", "secret"};
  p.max_uses = -1;
  p.max_uses_per_buyer = 0;
  p.valid_from = kNow;
  p.valid_until = kNow;
  auto const errors = check_promo_code(p, kTypes);
  EXPECT_TRUE(names(errors, "ticketTypeIds[1]"));
  EXPECT_TRUE(names(errors, "unlocksTicketTypeIds[1]"));
  EXPECT_TRUE(names(errors, "maxUses"));
  EXPECT_TRUE(names(errors, "maxUsesPerBuyer"));
  EXPECT_TRUE(names(errors, "validUntil"));
  EXPECT_FALSE(names(errors, "ticketTypeIds[0]"));
}

TEST(PromoCodeKey, IgnoresCaseAndSurroundingBlanks) {
  EXPECT_EQ(promo_code_key(" EarlyBird-26 "), "EARLYBIRD-26");
  EXPECT_EQ(promo_code_key("earlybird-26"), promo_code_key("EARLYBIRD-26"));
}

// ---- discounts -----------------------------------------------------------------------

TEST(DiscountPerTicket, RoundsAPercentageHalfUpToTheMinorUnit) {
  EXPECT_EQ(discount_per_ticket(1999, percent(1000), "ga"), 200);  // 199.9 → 200
  EXPECT_EQ(discount_per_ticket(1005, percent(1000), "ga"), 101);  // 100.5 → 101 (half up)
  EXPECT_EQ(discount_per_ticket(1004, percent(1000), "ga"), 100);  // 100.4 → 100
  EXPECT_EQ(discount_per_ticket(333, percent(3333), "ga"), 111);   // 110.9889 → 111
  EXPECT_EQ(discount_per_ticket(2500, percent(10'000), "ga"), 2500);
  EXPECT_EQ(discount_per_ticket(1, percent(1), "ga"), 0);  // 0.0001 → 0
}

TEST(DiscountPerTicket, TotalsAddUpBecauseEachTicketIsRoundedOnItsOwn) {
  // Three tickets at 9.99 with 15 % off: 1.4985 each → 1.50; the order's discount is 3 × 1.50
  // and its amount 3 × 8.49, which add up to 3 × 9.99 to the cent.
  auto const off = discount_per_ticket(999, percent(1500), "ga");
  EXPECT_EQ(off, 150);
  EXPECT_EQ(3 * (999 - off) + 3 * off, 3 * 999);
  EXPECT_EQ(3 * (999 - off), 2547);
  // Rounding the whole order instead would take 4.50 (4.4955 → 4.50): the same here, but not
  // for 7 tickets at 0.07 with 50 % off: per ticket 0.035 → 0.04, 7 × 0.04 = 0.28, not 0.25.
  EXPECT_EQ(7 * discount_per_ticket(7, percent(5000), "ga"), 28);
}

TEST(DiscountPerTicket, CapsAnAmountAtThePriceAndAppliesOnlyToItsTypes) {
  EXPECT_EQ(discount_per_ticket(2500, amount(500), "ga"), 500);
  EXPECT_EQ(discount_per_ticket(300, amount(500), "ga"), 300);  // never below zero
  EXPECT_EQ(discount_per_ticket(0, amount(500), "ga"), 0);      // a free ticket stays free
  auto only_vip = amount(500);
  only_vip.ticket_type_ids = {"vip"};
  EXPECT_EQ(discount_per_ticket(2500, only_vip, "ga"), 0);
  EXPECT_EQ(discount_per_ticket(9000, only_vip, "vip"), 500);
  PromoCodeDraft access{.code = "DOOR", .unlocks_type_ids = {"secret"}};
  EXPECT_EQ(discount_per_ticket(9000, access, "secret"), 0);
}

// ---- using a code --------------------------------------------------------------------

PromoFacts facts(PromoCodeDraft code, std::int32_t uses = 0, std::int32_t buyer_uses = 0) {
  return PromoFacts{.id = "p1", .event_id = "e1", .code = std::move(code), .uses = uses, .buyer_uses = buyer_uses};
}

TEST(CheckPromoUse, UnknownExpiredNotYetValidAndOtherEventsCodesAreOneRefusal) {
  EXPECT_EQ(check_promo_use(std::nullopt, "e1", kNow), PromoVerdict::invalid);
  EXPECT_EQ(check_promo_use(facts(percent(500)), "e2", kNow), PromoVerdict::invalid);
  auto expired = percent(500);
  expired.valid_until = kNow;  // no longer from then on
  EXPECT_EQ(check_promo_use(facts(expired), "e1", kNow), PromoVerdict::invalid);
  auto early = percent(500);
  early.valid_from = kNow + 1s;
  EXPECT_EQ(check_promo_use(facts(early), "e1", kNow), PromoVerdict::invalid);
  early.valid_from = kNow;
  EXPECT_EQ(check_promo_use(facts(early), "e1", kNow), PromoVerdict::usable);
}

TEST(CheckPromoUse, AUsedUpCodeInAllOrForTheBuyerIsUsedUp) {
  auto limited = percent(500);
  limited.max_uses = 3;
  limited.max_uses_per_buyer = 1;
  EXPECT_EQ(check_promo_use(facts(limited, 2, 0), "e1", kNow), PromoVerdict::usable);
  EXPECT_EQ(check_promo_use(facts(limited, 3, 0), "e1", kNow), PromoVerdict::used_up);
  EXPECT_EQ(check_promo_use(facts(limited, 1, 1), "e1", kNow), PromoVerdict::used_up);
  limited.max_uses = 0;  // a code switched off by its organizer
  EXPECT_EQ(check_promo_use(facts(limited, 0, 0), "e1", kNow), PromoVerdict::used_up);
}

// ---- in the placement decision -------------------------------------------------------

OrderFacts sale_with(std::optional<PromoFacts> promo) {
  OrderFacts f;
  f.sale = SaleSnapshot{.published = true,
                        .starts_at = kNow + 24h * 30,
                        .max_per_attendee = 10,
                        .event_seats = {.capacity = 100, .taken = 0},
                        .types = {TypeOnSale{.id = "ga", .unit_price_minor = 2500},
                                  TypeOnSale{.id = "secret", .unit_price_minor = 9000, .hidden = true}}};
  f.promo = std::move(promo);
  return f;
}

OrderTerms order_of(std::string type, std::int64_t price, std::int64_t discount, std::string code = "p1") {
  return OrderTerms{
      .items = {OrderItem{
          .ticket_type_id = std::move(type), .quantity = 2, .unit_price_minor = price, .discount_minor = discount}},
      .event_id = "e1",
      .promo_code_id = std::move(code)};
}

TEST(DecidePlacementWithCode, PlacesAtTheCodesPriceAndCountsTheUse) {
  auto f = sale_with(facts(percent(2000)));
  auto const order = order_of("ga", 2500, 500);
  EXPECT_EQ(decide_placement(f, order, kNow).outcome, Placement::placed);
  count_placed(f, order);
  EXPECT_EQ(f.promo->uses, 1);
  EXPECT_EQ(f.promo->buyer_uses, 1);
}

TEST(DecidePlacementWithCode, ADiscountThatNoLongerHoldsIsAPriceChange) {
  EXPECT_EQ(decide_placement(sale_with(facts(percent(1000))), order_of("ga", 2500, 500), kNow).outcome,
            Placement::price_changed);
  // Without a code, no discount may be claimed.
  EXPECT_EQ(decide_placement(sale_with(std::nullopt), order_of("ga", 2500, 500, ""), kNow).outcome,
            Placement::price_changed);
}

TEST(DecidePlacementWithCode, InvalidCodesAreOneOutcomeAndUsedUpAnother) {
  EXPECT_EQ(decide_placement(sale_with(std::nullopt), order_of("ga", 2500, 0), kNow).outcome, Placement::promo_invalid);
  auto other = facts(percent(2000));
  other.event_id = "e2";
  EXPECT_EQ(decide_placement(sale_with(other), order_of("ga", 2500, 500), kNow).outcome, Placement::promo_invalid);
  auto limited = percent(2000);
  limited.max_uses = 5;
  EXPECT_EQ(decide_placement(sale_with(facts(limited, 5)), order_of("ga", 2500, 500), kNow).outcome,
            Placement::promo_used_up);
}

TEST(DecidePlacementWithCode, AHiddenTypeIsOrderableOnlyWithACodeThatUnlocksIt) {
  PromoCodeDraft access{.code = "DOOR", .unlocks_type_ids = {"secret"}};
  EXPECT_EQ(decide_placement(sale_with(facts(access)), order_of("secret", 9000, 0), kNow).outcome, Placement::placed);
  EXPECT_EQ(decide_placement(sale_with(facts(percent(1000))), order_of("secret", 9000, 900), kNow).outcome,
            Placement::ticket_type_unknown);
  EXPECT_EQ(decide_placement(sale_with(std::nullopt), order_of("secret", 9000, 0, ""), kNow).outcome,
            Placement::ticket_type_unknown);
}

}  // namespace
}  // namespace admit
