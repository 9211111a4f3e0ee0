// Account mail requests (password reset links) against the fake store, and the request quota
// that limits them, with a clock the tests move by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "app/accounts.hpp"
#include "app/request_quota.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

/// Access tokens are not what these tests look at.
class UnusedTokens final : public AccessTokens {
 public:
  IssuedToken issue(Principal const&) override { return {"token", 900s}; }
  std::expected<Principal, std::string> verify(std::string_view) override { return std::unexpected("unused"); }
};

class PasswordResetRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    accounts_.set_mail_limits({.resets_per_address = 3, .resets_per_client = 5, .window = 3600s}, steady_.function());
  }

  test::FakeStore store_;
  test::PlainHasher hasher_;
  UnusedTokens tokens_;
  test::PlainDigest digest_;
  test::CountingEntropy entropy_;
  test::FakeClock clock_;
  test::ManualSteadyClock steady_;
  Accounts accounts_{store_, store_, hasher_, tokens_, digest_, entropy_, clock_};
};

TEST_F(PasswordResetRequestTest, WritesTheTokensDigestAndTheLinkWithoutLookingForAnAccount) {
  ASSERT_TRUE(accounts_.request_password_reset("  Ada@Example.COM ", "10.0.0.1"));
  EXPECT_EQ(store_.user_lookups, 0) << "the answer cannot depend on whether the address has an account";
  ASSERT_EQ(store_.reset_requests.size(), 1u);
  auto const& token = store_.reset_requests[0];
  EXPECT_EQ(token.email, "ada@example.com");
  EXPECT_TRUE(token.user_id.empty());
  EXPECT_EQ(token.created_at, clock_.now());
  EXPECT_EQ(token.expires_at, clock_.now() + 30min);
  EXPECT_EQ(token.mail.kind, MailKind::password_reset);
  EXPECT_EQ(token.mail.recipient, "ada@example.com");
  EXPECT_FALSE(token.mail.id.empty());
  EXPECT_FALSE(token.mail.secret.empty());
  EXPECT_EQ(token.token_hash, digest_.digest(token.mail.secret)) << "only the digest is stored";
  EXPECT_NE(token.token_hash, token.mail.secret);
}

TEST_F(PasswordResetRequestTest, RefusesAMalformedAddressNamingEmailAndWritesNothing) {
  for (auto const* bad : {"", "ada", "ada@", "@example.com", "ada@example", "a b@example.com"}) {
    auto const refused = accounts_.request_password_reset(bad, "10.0.0.1");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, Errc::invalid_input);
    ASSERT_EQ(refused.error().fields.size(), 1u);
    EXPECT_EQ(refused.error().fields[0].field, "email");
  }
  EXPECT_TRUE(store_.reset_requests.empty());
}

TEST_F(PasswordResetRequestTest, LimitsLinksPerAddressWhateverItsSpelling) {
  ASSERT_TRUE(accounts_.request_password_reset("ada@example.com", "10.0.0.1"));
  ASSERT_TRUE(accounts_.request_password_reset("ADA@example.com", "10.0.0.2"));
  ASSERT_TRUE(accounts_.request_password_reset(" ada@EXAMPLE.com", "10.0.0.3"));
  auto const refused = accounts_.request_password_reset("ada@example.com", "10.0.0.4");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::too_many_requests);
  EXPECT_EQ(refused.error().retry_after, 1200s) << "one more every window / allowance";
  EXPECT_EQ(store_.reset_requests.size(), 3u) << "a refused request writes nothing";
  EXPECT_TRUE(accounts_.request_password_reset("grace@example.com", "10.0.0.4")) << "another address";
  steady_.now += 1199s;
  EXPECT_FALSE(accounts_.request_password_reset("ada@example.com", "10.0.0.5"));
  steady_.now += 1s;
  EXPECT_TRUE(accounts_.request_password_reset("ada@example.com", "10.0.0.5"));
}

TEST_F(PasswordResetRequestTest, LimitsLinksPerClientOverEveryAddress) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(accounts_.request_password_reset("u" + std::to_string(i) + "@example.com", "10.0.0.1"));
  }
  auto const refused = accounts_.request_password_reset("u9@example.com", "10.0.0.1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::too_many_requests);
  EXPECT_GT(refused.error().retry_after, 0s);
  EXPECT_TRUE(accounts_.request_password_reset("u9@example.com", "10.0.0.2")) << "another client";
  // The address of the refused request was not counted against.
  EXPECT_EQ(store_.reset_requests.size(), 6u);
  EXPECT_TRUE(accounts_.request_password_reset("u9@example.com", "10.0.0.3"));
  EXPECT_TRUE(accounts_.request_password_reset("u9@example.com", "10.0.0.4"));
}

TEST(RequestQuota, AllowsABurstThenOneMorePerShareOfTheWindow) {
  test::ManualSteadyClock steady;
  RequestQuota quota(2, 60s, steady.function());
  EXPECT_FALSE(quota.wait("k"));
  quota.take("k");
  EXPECT_FALSE(quota.wait("k"));
  quota.take("k");
  EXPECT_EQ(quota.wait("k"), 30s);
  EXPECT_FALSE(quota.wait("other"));
  steady.now += 29s;
  EXPECT_EQ(quota.wait("k"), 1s);
  steady.now += 1s;
  EXPECT_FALSE(quota.wait("k"));
  quota.take("k");
  EXPECT_EQ(quota.wait("k"), 30s);
  steady.now += 1h;
  EXPECT_FALSE(quota.wait("k"));
  quota.take("k");
  EXPECT_FALSE(quota.wait("k")) << "a long pause earns back the whole burst, no more";
  quota.take("k");
  EXPECT_TRUE(quota.wait("k"));
}

TEST(RequestQuota, ZeroTurnsItOff) {
  RequestQuota quota(0, 60s);
  for (int i = 0; i < 100; ++i) quota.take("k");
  EXPECT_FALSE(quota.wait("k"));
}

}  // namespace
}  // namespace admit
