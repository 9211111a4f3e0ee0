// Guest orders in the use cases, against fakes: who counts as an order's buyer (is_buyer), the
// tokens GuestOrders issues and opens, and how Registrations places a guest order: the buyer
// checked, the address's record reused, a buyer_changed answer decided again, the token in the
// answer, and the per-client quota.
#include "app/guests.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "app/registrations.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

RegistrationDetail order_of(std::string id, std::string user_id, std::optional<GuestBuyer> guest = std::nullopt) {
  RegistrationDetail d;
  d.registration.id = std::move(id);
  d.registration.user_id = std::move(user_id);
  d.guest = std::move(guest);
  return d;
}

TEST(IsBuyer, AnAccountBuysItsOwnOrdersAndTheGuestOrdersOfItsProvedAddress) {
  Principal const kim{"kim", Role::attendee};
  EXPECT_TRUE(is_buyer(kim, order_of("r1", "kim")));
  EXPECT_FALSE(is_buyer(kim, order_of("r1", "lee")));
  GuestBuyer guest{.id = "g1", .name = "Kim", .email = "kim@example.com"};
  EXPECT_FALSE(is_buyer(kim, order_of("r2", "g1", guest))) << "not before the address is proved";
  guest.account_id = "kim";
  EXPECT_TRUE(is_buyer(kim, order_of("r2", "g1", guest)));
}

TEST(IsBuyer, AnOrderTokenOpensItsOwnOrderOnlyAndNamesNoAccount) {
  Principal const holder{.user_id = {}, .roles = {}, .token_version = 0, .order_id = "r2"};
  GuestBuyer const guest{.id = "g1", .name = "Kim", .email = "kim@example.com", .account_id = {}};
  EXPECT_TRUE(is_buyer(holder, order_of("r2", "g1", guest)));
  EXPECT_FALSE(is_buyer(holder, order_of("r3", "g1", guest))) << "another order of the same buyer";
  EXPECT_FALSE(is_buyer(holder, order_of("r4", "")));
  Principal const nobody{};
  EXPECT_FALSE(is_buyer(nobody, order_of("r5", ""))) << "an empty id is nobody's";
}

TEST(GuestOrders, IssuesRandomTokensKeepsTheirDigestsAndRetiresThemOnReissue) {
  test::FakeStore store;
  test::PlainDigest digest;
  test::CountingEntropy entropy;
  test::FakeClock clock;
  GuestOrders guests(store, digest, entropy, clock);
  auto const link = guests.new_link();
  EXPECT_EQ(link.token_hash, digest.digest(link.token));
  store.order_tokens[link.token_hash] = "r1";
  EXPECT_EQ(guests.open(link.token)->order_id, "r1");
  EXPECT_TRUE(guests.open(link.token)->user_id.empty());
  EXPECT_FALSE(guests.open("unknown"));
  EXPECT_FALSE(guests.open(""));
  auto const added = guests.add_token("r1");
  EXPECT_EQ(guests.open(added)->order_id, "r1");
  EXPECT_EQ(guests.open(link.token)->order_id, "r1") << "adding keeps the others";
  guests.reissue("r1", OutboxEntry{.id = "m1", .registration_id = "r1"});
  EXPECT_FALSE(guests.open(link.token));
  EXPECT_FALSE(guests.open(added));
  ASSERT_EQ(store.order_token_mail.size(), 1u);
  EXPECT_EQ(guests.open(store.order_token_mail[0].secret)->order_id, "r1") << "the message carries the fresh token";
}

class GuestRegistrationsTest : public ::testing::Test {
 protected:
  GuestRegistrationsTest() {
    Event event;
    event.id = "free";
    event.organizer_id = "olga";
    event.details.name = "Free";
    event.details.starts_at = clock_.now() + 72h;
    event.details.timezone = "Europe/Berlin";
    event.details.capacity = 100;
    event.details.currency = "EUR";
    store_.events["free"] = event;
  }

  static TicketingSettings settings() {
    TicketingSettings s;
    s.guest_orders_per_hour = 2;
    return s;
  }

  RegisterRequest request(std::string name, std::string email, std::string client = "192.0.2.7") {
    RegisterRequest r;
    r.event_id = "free";
    r.client_address = std::move(client);
    r.guest = GuestBuyer{.id = {}, .name = std::move(name), .email = std::move(email), .account_id = {}};
    return r;
  }

  Result<Registered> order(RegisterRequest const& r) {
    std::optional<Result<Registered>> answer;
    registrations_.register_attendee(Principal{}, r, Actor{}, [&](Result<Registered> result) { answer = result; });
    if (!answer) return fail(Errc::unavailable, "no answer");
    return std::move(*answer);
  }

  test::FakeStore store_;
  test::FakeTicketCodes codes_;
  test::CountingEntropy entropy_;
  test::PlainDigest digest_;
  test::FakeClock clock_;
  GuestOrders guests_{store_, digest_, entropy_, clock_};
  Registrations registrations_{store_, store_, store_, codes_, entropy_, clock_, settings(), &guests_};
};

TEST_F(GuestRegistrationsTest, NamesTheBuyersFieldsAndWritesNothing) {
  auto const bad = order(request(" ", "not an address"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_input);
  ASSERT_EQ(bad.error().fields.size(), 2u);
  EXPECT_EQ(bad.error().fields[0].field, "buyer.name");
  EXPECT_EQ(bad.error().fields[1].field, "buyer.email");
  EXPECT_TRUE(store_.orders.empty());
}

TEST_F(GuestRegistrationsTest, PlacesTheOrderForTheAddresssRecordWithItsTokenInTheAnswer) {
  store_.guests["kim@example.com"] = GuestBuyer{.id = "g-kim", .name = "Kim", .email = "kim@example.com"};
  auto const placed = order(request("  Kim Park ", "Kim@Example.COM"));
  ASSERT_TRUE(placed) << placed.error().detail;
  ASSERT_EQ(store_.orders.size(), 1u);
  auto const& written = store_.orders[0];
  EXPECT_EQ(written.registration.user_id, "g-kim") << "the address's record, found case-blind";
  ASSERT_TRUE(written.guest);
  EXPECT_EQ(written.guest->name, "Kim Park");
  EXPECT_EQ(written.tickets.at(0).user_id, "g-kim") << "the code signs the buyer record's id";
  EXPECT_FALSE(placed->order_token.empty());
  EXPECT_EQ(written.link.token, placed->order_token);
  EXPECT_EQ(written.link.token_hash, digest_.digest(placed->order_token));
}

TEST_F(GuestRegistrationsTest, ANewAddressGetsAFreshRecordAndIsDecidedAgainWhenAnotherOrderMadeOne) {
  store_.on_place = [this](NewRegistration const& o) {
    if (store_.orders.size() == 1) store_.guests[o.guest->email] = GuestBuyer{.id = "g-first", .email = o.guest->email};
  };
  PlacementResult changed;
  changed.outcome = Placement::buyer_changed;
  store_.placements.push_back(changed);
  auto const placed = order(request("Lee", "lee@example.com"));
  ASSERT_TRUE(placed) << placed.error().detail;
  ASSERT_EQ(store_.orders.size(), 2u);
  EXPECT_NE(store_.orders[0].registration.user_id, "g-first");
  EXPECT_EQ(store_.orders[1].registration.user_id, "g-first");
}

TEST_F(GuestRegistrationsTest, OneClientAddressPlacesAtMostItsQuotaOfGuestOrders) {
  EXPECT_TRUE(order(request("A", "a@example.com")));
  EXPECT_TRUE(order(request("B", "b@example.com")));
  auto const third = order(request("C", "c@example.com"));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, Errc::too_many_requests);
  EXPECT_GE(third.error().retry_after, 1s);
  EXPECT_EQ(store_.orders.size(), 2u);
  EXPECT_TRUE(order(request("D", "d@example.com", "198.51.100.9"))) << "another client address";
  auto exempt = request("E", "e@example.com");
  exempt.client_exempt = true;
  EXPECT_TRUE(order(exempt)) << "a trusted proxy";
}

}  // namespace
}  // namespace admit
