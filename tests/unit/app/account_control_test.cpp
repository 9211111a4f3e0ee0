// The account gate (which tokens still count) and the login throttle, with a fake store and a
// clock the tests move by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "app/account_gate.hpp"
#include "app/login_throttle.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;

Principal token_of(std::string id, std::int64_t version) {
  return Principal{.user_id = std::move(id), .roles = Role::organizer, .token_version = version};
}

class AccountGateTest : public ::testing::Test {
 protected:
  void SetUp() override { users_.accounts["ada"] = AccountState{.token_version = 0, .disabled = false}; }

  test::ManualSteadyClock clock_;
  test::FakeStore users_;
  AccountGate gate_{users_, 2000ms, clock_.function()};
};

TEST_F(AccountGateTest, AdmitsATokenOfTheAccountsCurrentVersion) {
  EXPECT_TRUE(gate_.check(token_of("ada", 0)));
}

TEST_F(AccountGateTest, RefusesTokensOfMissingDisabledOrChangedAccounts) {
  auto const gone = gate_.check(token_of("nobody", 0));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::unauthenticated);
  EXPECT_NE(gone.error().detail.find("no longer exists"), std::string::npos);

  users_.accounts["dis"] = AccountState{.token_version = 1, .disabled = true};
  auto const disabled = gate_.check(token_of("dis", 1));
  ASSERT_FALSE(disabled);
  EXPECT_NE(disabled.error().detail.find("disabled"), std::string::npos);

  users_.accounts["old"] = AccountState{.token_version = 3, .disabled = false};
  auto const stale = gate_.check(token_of("old", 2));
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().detail.find("rights changed"), std::string::npos);
}

TEST_F(AccountGateTest, AsksTheStoreAtMostOncePerMaxAgeForABusyAccount) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(gate_.check(token_of("ada", 0)));
  EXPECT_EQ(users_.account_state_lookups, 1);
  clock_.now += 1999ms;
  ASSERT_TRUE(gate_.check(token_of("ada", 0)));
  EXPECT_EQ(users_.account_state_lookups, 1);
  clock_.now += 1ms;
  ASSERT_TRUE(gate_.check(token_of("ada", 0)));
  EXPECT_EQ(users_.account_state_lookups, 2);
  // Refusals are remembered as well: a vanished account's token does not cost a lookup each.
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(gate_.check(token_of("nobody", 0)));
  EXPECT_EQ(users_.account_state_lookups, 3);
}

TEST_F(AccountGateTest, AChangeIsSeenOnceTheCachedStateIsOlderThanMaxAge) {
  ASSERT_TRUE(gate_.check(token_of("ada", 0)));
  users_.accounts["ada"] = AccountState{.token_version = 1, .disabled = true};  // another node, the CLI
  clock_.now += 1s;
  EXPECT_TRUE(gate_.check(token_of("ada", 0))) << "within max age the cached state stands";
  clock_.now += 1s;
  EXPECT_FALSE(gate_.check(token_of("ada", 0)));
}

TEST_F(AccountGateTest, ATokenNewerThanTheCachedStateIsCheckedAtOnce) {
  users_.accounts["ada"] = AccountState{.token_version = 1, .disabled = true};
  ASSERT_FALSE(gate_.check(token_of("ada", 1)));
  // Enabled elsewhere: the version moved on, and the token it signs in with says so.
  users_.accounts["ada"] = AccountState{.token_version = 2, .disabled = false};
  EXPECT_TRUE(gate_.check(token_of("ada", 2)));
  // An older token gains nothing from that.
  EXPECT_FALSE(gate_.check(token_of("ada", 1)));
}

TEST_F(AccountGateTest, AnOutageIsAnOutage) {
  users_.down = true;
  EXPECT_THROW((void)gate_.check(token_of("ada", 0)), Outage);
}

TEST_F(AccountGateTest, RecheckAsksNowAndPausesAfterAnOutage) {
  ASSERT_TRUE(gate_.check(token_of("ada", 0)));
  users_.accounts.erase("ada");
  EXPECT_TRUE(gate_.check(token_of("ada", 0))) << "cached";
  EXPECT_FALSE(gate_.recheck(token_of("ada", 0))) << "asked the store";
  EXPECT_FALSE(gate_.check(token_of("ada", 0))) << "and the cache learnt it";

  users_.down = true;
  auto const before = users_.account_state_lookups;
  EXPECT_TRUE(gate_.recheck(token_of("ada", 0))) << "an outage explains nothing";
  EXPECT_TRUE(gate_.recheck(token_of("ada", 0)));
  EXPECT_EQ(users_.account_state_lookups, before + 1) << "one failed lookup pauses rechecks";
  clock_.now += 1s;
  users_.down = false;
  EXPECT_FALSE(gate_.recheck(token_of("ada", 0)));
}

// ---- login throttle --------------------------------------------------------------------

TEST(LoginThrottleDelay, DoublesFromOneSecondAfterTheFreeFailuresUpToTheCap) {
  EXPECT_EQ(LoginThrottle::delay_after(4, 5, 900s), 0s);
  EXPECT_EQ(LoginThrottle::delay_after(5, 5, 900s), 1s);
  EXPECT_EQ(LoginThrottle::delay_after(6, 5, 900s), 2s);
  EXPECT_EQ(LoginThrottle::delay_after(9, 5, 900s), 16s);
  EXPECT_EQ(LoginThrottle::delay_after(15, 5, 900s), 900s);
  EXPECT_EQ(LoginThrottle::delay_after(1'000'000, 5, 900s), 900s);
  EXPECT_EQ(LoginThrottle::delay_after(100, 0, 900s), 0s) << "0 free failures: off";
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottleSettings settings() const {
    return {.free_per_address = 3,
            .free_per_account = 6,
            .max_delay_per_address = 900s,
            .max_delay_per_account = 60s,
            .remember_address = 24h,
            .forget_after = 24h};
  }
  /// One attempt that fails: nullopt when it was let through.
  std::optional<seconds> fail_once(std::string_view email, std::string_view client) {
    return throttle_.begin(email, client);
  }

  test::ManualSteadyClock clock_;
  LoginThrottle throttle_{settings(), clock_.function()};
};

TEST_F(LoginThrottleTest, OneAddressWaitsLongerAfterEachFailureBeyondItsFreeOnes) {
  for (int i = 0; i < 2; ++i) ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
  ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));  // the third failure starts the wait
  EXPECT_EQ(fail_once("ada@example.com", "10.0.0.1"), 1s);
  clock_.now += 1s;
  ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
  EXPECT_EQ(fail_once("ada@example.com", "10.0.0.1"), 2s);
  clock_.now += 2s;
  ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
  EXPECT_EQ(fail_once("ada@example.com", "10.0.0.1"), 4s);
  clock_.now += 1s;
  EXPECT_EQ(fail_once("ada@example.com", "10.0.0.1"), 3s) << "asking while refused does not lengthen the wait";
  // Another address, and another account from the same address, are not held back.
  EXPECT_FALSE(fail_once("ada@example.com", "10.0.0.2"));
  EXPECT_FALSE(fail_once("grace@example.com", "10.0.0.1"));
}

TEST_F(LoginThrottleTest, ManyAddressesTogetherMeetTheAccountsLowCap) {
  // Six addresses, one failure each: the account-wide counter reaches its free failures.
  for (int i = 0; i < 6; ++i) ASSERT_FALSE(fail_once("ada@example.com", "10.1.0." + std::to_string(i)));
  EXPECT_EQ(fail_once("ada@example.com", "10.1.0.99"), 1s);
  for (int round = 0; round < 20; ++round) {
    clock_.now += 60s;
    ASSERT_FALSE(fail_once("ada@example.com", "10.2.0." + std::to_string(round)));
  }
  EXPECT_EQ(fail_once("ada@example.com", "10.3.0.1"), 60s) << "never more than the account cap";
}

TEST_F(LoginThrottleTest, TheOwnersKnownAddressIsExemptFromTheAccountWideWait) {
  ASSERT_FALSE(throttle_.begin("ada@example.com", "192.0.2.7"));
  throttle_.succeeded("ada@example.com", "192.0.2.7");
  clock_.now += 1h;
  for (int i = 0; i < 30; ++i) (void)fail_once("ada@example.com", "10.1.0." + std::to_string(i));
  ASSERT_TRUE(fail_once("ada@example.com", "10.9.9.9")) << "the account is under attack";
  EXPECT_FALSE(throttle_.begin("ada@example.com", "192.0.2.7")) << "the owner's own address signs in";
  throttle_.succeeded("ada@example.com", "192.0.2.7");
  // Long after, the address is no longer remembered.
  clock_.now += 25h;
  for (int i = 0; i < 7; ++i) (void)fail_once("ada@example.com", "10.4.0." + std::to_string(i));
  EXPECT_TRUE(throttle_.begin("ada@example.com", "192.0.2.7"));
}

TEST_F(LoginThrottleTest, ASuccessClearsItsAddressesFailuresOnly) {
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
  clock_.now += 1s;
  ASSERT_FALSE(throttle_.begin("ada@example.com", "10.0.0.1"));
  throttle_.succeeded("ada@example.com", "10.0.0.1");
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(fail_once("ada@example.com", "10.0.0.1")) << "free failures again";
}

TEST_F(LoginThrottleTest, FailuresAreForgottenAfterAQuietDay) {
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
  clock_.now += 25h;
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(fail_once("ada@example.com", "10.0.0.1"));
}

TEST_F(LoginThrottleTest, ZeroFreeFailuresTurnsItOff) {
  LoginThrottle off({.free_per_address = 0, .free_per_account = 0}, clock_.function());
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(off.begin("ada@example.com", "10.0.0.1"));
}

}  // namespace
}  // namespace admit
