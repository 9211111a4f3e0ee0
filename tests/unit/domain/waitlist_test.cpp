#include "domain/waitlist.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace admit {
namespace {

std::vector<WaitingEntry> entries(std::vector<std::pair<std::string, std::int32_t>> const& asks) {
  std::vector<WaitingEntry> out;
  out.reserve(asks.size());
  for (std::size_t i = 0; i < asks.size(); ++i) {
    out.push_back({.id = "w" + std::to_string(i), .ticket_type_id = asks[i].first, .quantity = asks[i].second});
  }
  return out;
}

/// The rule stated as a property of a set of offers, checked by brute force over every subset:
/// the offers fit what is free (per type and event), and every entry left waiting does not fit
/// what the offers to entries before it leave free. Returns every subset (as bit masks) that
/// satisfies it; the rule is meant to leave exactly one.
std::vector<unsigned> lawful_offer_sets(FreeSeats const& free, std::vector<WaitingEntry> const& waiting) {
  auto const type_free = [&](std::string const& id) -> std::optional<std::optional<std::int32_t>> {
    for (auto const& t : free.types) {
      if (t.ticket_type_id == id) return t.free;
    }
    return std::nullopt;  // unknown type: never fits
  };
  // Whether entry e fits once the entries of `mask` before index `before` have their seats.
  auto const fits = [&](unsigned mask, std::size_t before, WaitingEntry const& e) {
    auto const own = type_free(e.ticket_type_id);
    if (!own) return false;
    std::int32_t event_used = 0;
    std::int32_t type_used = 0;
    for (std::size_t j = 0; j < before; ++j) {
      if ((mask & (1U << j)) == 0) continue;
      event_used += waiting[j].quantity;
      if (waiting[j].ticket_type_id == e.ticket_type_id) type_used += waiting[j].quantity;
    }
    if (e.quantity > free.event - event_used) return false;
    return !*own || e.quantity <= **own - type_used;
  };
  std::vector<unsigned> lawful;
  for (unsigned mask = 0; mask < (1U << waiting.size()); ++mask) {
    bool ok = true;
    for (std::size_t i = 0; i < waiting.size() && ok; ++i) {
      bool const offered = (mask & (1U << i)) != 0;
      // An offered entry fits after the offers before it; a passed-over one does not.
      ok = fits(mask, i, waiting[i]) == offered;
    }
    if (ok) lawful.push_back(mask);
  }
  return lawful;
}

unsigned mask_of(std::vector<std::size_t> const& offers) {
  unsigned mask = 0;
  for (auto i : offers) mask |= 1U << i;
  return mask;
}

TEST(ChooseOffers, AgreesWithTheRuleOnEverySmallCase) {
  std::vector<std::optional<std::int32_t>> const quotas{std::nullopt, 0, 1, 2, 3};
  std::vector<std::pair<std::string, std::int32_t>> const asks{{"a", 1}, {"a", 2}, {"a", 3},
                                                               {"b", 1}, {"b", 2}, {"c", 1}};
  std::int64_t cases = 0;
  for (std::int32_t event = 0; event <= 5; ++event) {
    for (auto const& qa : quotas) {
      for (auto const& qb : quotas) {
        FreeSeats const free{.event = event, .types = {{"a", qa}, {"b", qb}}};
        // Every sequence of up to 4 entries over the asks (type c is not the event's).
        std::function<void(std::vector<std::pair<std::string, std::int32_t>>&)> walk =
            [&](std::vector<std::pair<std::string, std::int32_t>>& seq) {
              auto const waiting = entries(seq);
              auto const chosen = choose_offers(free, waiting);
              auto const lawful = lawful_offer_sets(free, waiting);
              ASSERT_EQ(lawful.size(), 1U) << "the rule leaves exactly one set of offers";
              ASSERT_EQ(mask_of(chosen), lawful.front()) << "event " << event << ", " << seq.size() << " entries";
              ++cases;
              if (seq.size() == 4) return;
              for (auto const& ask : asks) {
                seq.push_back(ask);
                walk(seq);
                seq.pop_back();
              }
            };
        std::vector<std::pair<std::string, std::int32_t>> seq;
        walk(seq);
      }
    }
  }
  EXPECT_EQ(cases, 6 * 5 * 5 * (1 + 6 + 36 + 216 + 1296));
}

TEST(ChooseOffers, OffersInJoiningOrder) {
  FreeSeats const free{.event = 2, .types = {{"a", std::nullopt}}};
  EXPECT_EQ(choose_offers(free, entries({{"a", 1}, {"a", 1}, {"a", 1}})), (std::vector<std::size_t>{0, 1}));
}

TEST(ChooseOffers, PassesOverAnEntryThatDoesNotFitAndServesTheNext) {
  FreeSeats const free{.event = 2, .types = {{"a", std::nullopt}}};
  EXPECT_EQ(choose_offers(free, entries({{"a", 3}, {"a", 2}, {"a", 1}})), (std::vector<std::size_t>{1}));
}

TEST(ChooseOffers, AnEarlierEntryThatFitsGoesFirstEvenWhenALaterOneWouldUseMoreSeats) {
  FreeSeats const free{.event = 3, .types = {{"a", std::nullopt}}};
  EXPECT_EQ(choose_offers(free, entries({{"a", 1}, {"a", 3}, {"a", 2}})), (std::vector<std::size_t>{0, 2}));
}

TEST(ChooseOffers, NeverOffersMoreThanATypeHasFree) {
  FreeSeats const free{.event = 10, .types = {{"a", 1}, {"b", std::nullopt}}};
  EXPECT_EQ(choose_offers(free, entries({{"a", 2}, {"a", 1}, {"a", 1}, {"b", 4}})), (std::vector<std::size_t>{1, 3}));
}

TEST(ChooseOffers, NeverOffersMoreThanTheEventHasFree) {
  FreeSeats const free{.event = 2, .types = {{"a", 5}, {"b", 5}}};
  EXPECT_EQ(choose_offers(free, entries({{"a", 1}, {"b", 1}, {"a", 1}})), (std::vector<std::size_t>{0, 1}));
}

TEST(ChooseOffers, NothingFreeNothingOffered) {
  FreeSeats const free{.event = 0, .types = {{"a", std::nullopt}}};
  EXPECT_TRUE(choose_offers(free, entries({{"a", 1}})).empty());
  FreeSeats const negative{.event = -3, .types = {{"a", -1}}};
  EXPECT_TRUE(choose_offers(negative, entries({{"a", 1}})).empty());
}

TEST(ChooseOffers, AnEntryOfAnotherTypeNeverFits) {
  FreeSeats const free{.event = 5, .types = {{"a", std::nullopt}}};
  EXPECT_EQ(choose_offers(free, entries({{"gone", 1}, {"a", 1}})), (std::vector<std::size_t>{1}));
}

TEST(ChooseOffers, AnEntryOfATypeNotOnSaleIsPassedOverAndTheOtherTypesServed) {
  FreeSeats const free{.event = 5, .types = {{"closed", 5, false}, {"a", std::nullopt, true}}};
  EXPECT_EQ(choose_offers(free, entries({{"closed", 1}, {"a", 1}, {"closed", 1}})), (std::vector<std::size_t>{1}));
}

using std::chrono::hours;
using std::chrono::minutes;
constexpr Timestamp kAt{std::chrono::seconds{1'800'000'000}};

TEST(OffersOpen, OnlyWhileABuyerCouldOrderTheType) {
  OfferWindow const always{.sales_start = std::nullopt, .sales_end = std::nullopt, .event_starts_at = kAt + hours(48)};
  EXPECT_TRUE(offers_open(always, kAt));
  EXPECT_FALSE(
      offers_open({.sales_start = kAt + hours(1), .sales_end = std::nullopt, .event_starts_at = kAt + hours(48)}, kAt))
      << "before its sale begins";
  EXPECT_FALSE(offers_open({.sales_start = std::nullopt, .sales_end = kAt, .event_starts_at = kAt + hours(48)}, kAt))
      << "from its sale's end on";
  EXPECT_TRUE(offers_open(
      {.sales_start = std::nullopt, .sales_end = kAt + minutes(1), .event_starts_at = kAt + hours(48)}, kAt));
  EXPECT_FALSE(offers_open({.sales_start = std::nullopt, .sales_end = std::nullopt, .event_starts_at = kAt}, kAt))
      << "once the event began";
  EXPECT_TRUE(line_over(kAt, kAt));
  EXPECT_FALSE(line_over(kAt + std::chrono::seconds(1), kAt));
}

TEST(OfferEnd, NeverAfterTheTypesSaleNorTheEventsStart) {
  EXPECT_EQ(offer_end({.sales_start = std::nullopt, .sales_end = std::nullopt, .event_starts_at = kAt + hours(48)}, kAt,
                      hours(24)),
            kAt + hours(24));
  EXPECT_EQ(offer_end({.sales_start = std::nullopt, .sales_end = kAt + hours(2), .event_starts_at = kAt + hours(48)},
                      kAt, hours(24)),
            kAt + hours(2));
  EXPECT_EQ(offer_end({.sales_start = std::nullopt, .sales_end = kAt + hours(30), .event_starts_at = kAt + hours(3)},
                      kAt, hours(24)),
            kAt + hours(3));
}

}  // namespace
}  // namespace admit
