// External sign-in's use case against a scripted provider and the fake store: the flow kept by
// its state's digest and used once, returnTo kept inside the app, the provider's answers turned
// into the web app's redirect, the one-time code, and the groups mapped at every sign-in.
#include "app/external_sign_in.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

class UnusedTokens final : public AccessTokens {
 public:
  IssuedToken issue(Principal const& who) override { return {"access-for-" + who.user_id, 900s}; }
  std::expected<Principal, std::string> verify(std::string_view) override { return std::unexpected("unused"); }
};

/// A provider whose next redeemed code yields `person` (or `refusal`), and which checks the
/// verifier and nonce it is handed against those of the last authorization request.
class ScriptedProvider final : public IdentityProvider {
 public:
  std::string const& issuer() const override { return issuer_; }
  std::string authorization_url(AuthorizationRequest const& request) override {
    if (down) throw Outage("the provider does not answer");
    requests.push_back(request);
    return "https://id.example.test/authorize?state=" + request.state;
  }
  std::expected<ExternalPerson, std::string> redeem_code(std::string_view code, std::string_view code_verifier,
                                                         std::string_view nonce) override {
    if (down) throw Outage("the provider does not answer");
    auto const& issued = requests.at(std::stoul(std::string(code)));
    if (issued.code_verifier != code_verifier) return std::unexpected("wrong verifier");
    if (issued.nonce != nonce) return std::unexpected("wrong nonce");
    return person;
  }
  std::expected<ExternalPerson, std::string> verify_access_token(std::string_view) override { return person; }

  ExternalPerson person{.issuer = "https://id.example.test",
                        .subject = "sub-1",
                        .email = "Ada@Example.com",
                        .email_verified = true,
                        .name = "Ada",
                        .groups = {"Organizers"},
                        .groups_present = true};
  std::vector<AuthorizationRequest> requests;
  bool down = false;

 private:
  std::string issuer_ = "https://id.example.test";
};

class ExternalSignInTest : public ::testing::Test {
 protected:
  /// The state of the n-th authorization request, and the code the provider hands back for it.
  std::string state(std::size_t n) const { return provider_.requests.at(n).state; }

  std::string complete(std::size_t n) {
    return sign_in_.finish({.state = state(n), .code = std::to_string(n), .error = ""}, Actor{});
  }

  static std::string fragment_value(std::string const& url, std::string const& key) {
    auto const hash = url.find('#');
    auto const at = url.find(key + "=", hash);
    if (hash == std::string::npos || at == std::string::npos) return {};
    auto const end = url.find('&', at);
    return url.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
  }

  test::FakeStore store_;
  test::PlainHasher hasher_;
  UnusedTokens tokens_;
  test::PlainDigest digest_;
  test::CountingEntropy entropy_;
  test::FakeClock clock_;
  ScriptedProvider provider_;
  Accounts accounts_{store_, store_, hasher_, tokens_, digest_, entropy_, clock_};
  ExternalSignIn sign_in_{provider_,
                          store_,
                          accounts_,
                          digest_,
                          entropy_,
                          clock_,
                          {.display_name = "Example",
                           .public_url = "https://tickets.example.com/",
                           .role_map = *parse_role_map("Organizers=organizer, Attendees=attendee,Admins=admin")}};
};

TEST(ReturnTo, OnlyPathsOfTheAppPass) {
  EXPECT_TRUE(is_app_path("/"));
  EXPECT_TRUE(is_app_path("/events/abc?x=1#top"));
  for (auto const* bad : {"", "events", "https://evil.example/", "//evil.example", "/\\evil.example", "/a\\b",
                          "javascript:alert(1)", "/a\nb", "\\\\evil"}) {
    EXPECT_FALSE(is_app_path(bad)) << bad;
  }
}

TEST(RoleMap, ParsesGroupsAndRefusesUnknownRoles) {
  auto const map = parse_role_map(" Organizers = organizer ,Admins=admin,,");
  ASSERT_TRUE(map);
  EXPECT_EQ(map_groups(*map, {"Admins", "Other"}), Roles(Role::admin));
  EXPECT_EQ(map_groups(*map, {"Organizers", "Admins"}), Role::organizer | Role::admin);
  EXPECT_FALSE(parse_role_map("Organizers=superuser"));
  EXPECT_FALSE(parse_role_map("Organizers"));
  EXPECT_FALSE(parse_role_map("=admin"));
}

TEST_F(ExternalSignInTest, StartKeepsOnlyTheStatesDigestWithAFreshNonceAndVerifier) {
  auto const url = sign_in_.start("/events");
  ASSERT_TRUE(url);
  ASSERT_EQ(provider_.requests.size(), 1U);
  auto const& request = provider_.requests[0];
  EXPECT_NE(request.state, request.nonce);
  EXPECT_NE(request.nonce, request.code_verifier);
  ASSERT_EQ(store_.sign_in_flows.size(), 1U);
  auto const& [hash, flow] = *store_.sign_in_flows.begin();
  EXPECT_EQ(hash, digest_.digest(request.state));
  EXPECT_EQ(flow.return_to, "/events");
  EXPECT_EQ(flow.expires_at, clock_.now() + 600s);
  EXPECT_EQ(sign_in_.redirect_uri(), "https://tickets.example.com/api/auth/oidc/callback");
}

TEST_F(ExternalSignInTest, StartRefusesAReturnToOutsideTheApp) {
  auto const url = sign_in_.start("//evil.example/");
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().code, Errc::invalid_input);
  ASSERT_EQ(url.error().fields.size(), 1U);
  EXPECT_EQ(url.error().fields[0].field, "returnTo");
  EXPECT_TRUE(store_.sign_in_flows.empty());
  EXPECT_TRUE(provider_.requests.empty());
}

TEST_F(ExternalSignInTest, AProviderThatDoesNotAnswerStoresNothing) {
  provider_.down = true;
  EXPECT_THROW((void)sign_in_.start("/"), Outage);
  EXPECT_TRUE(store_.sign_in_flows.empty());
}

TEST_F(ExternalSignInTest, ASignInLinksThePersonAndHandsTheAppAOneTimeCode) {
  ASSERT_TRUE(sign_in_.start("/my tickets"));
  auto const landing = complete(0);
  EXPECT_TRUE(landing.starts_with("https://tickets.example.com/auth/callback#code=")) << landing;
  EXPECT_EQ(fragment_value(landing, "returnTo"), "/my%20tickets");
  auto const code = fragment_value(landing, "code");

  auto const session = sign_in_.exchange(code);
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_EQ(session->user.email, "ada@example.com");
  EXPECT_TRUE(session->user.email_verified());
  EXPECT_EQ(session->user.roles, Roles(Role::organizer));
  EXPECT_EQ(session->access.token, "access-for-" + session->user.id);

  auto const again = sign_in_.exchange(code);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fields.at(0).field, "code");
}

TEST_F(ExternalSignInTest, AStateWorksOnce) {
  ASSERT_TRUE(sign_in_.start("/"));
  EXPECT_FALSE(fragment_value(complete(0), "code").empty());
  EXPECT_EQ(fragment_value(complete(0), "error"), "invalid_state");
  auto const forged = sign_in_.finish({.state = "forged", .code = "0", .error = ""}, Actor{});
  EXPECT_EQ(fragment_value(forged, "error"), "invalid_state");
}

TEST_F(ExternalSignInTest, AnExpiredFlowIsRefused) {
  ASSERT_TRUE(sign_in_.start("/"));
  clock_.advance(601s);
  EXPECT_EQ(fragment_value(complete(0), "error"), "expired");
}

TEST_F(ExternalSignInTest, TheCodeExpires) {
  ASSERT_TRUE(sign_in_.start("/"));
  auto const code = fragment_value(complete(0), "code");
  clock_.advance(61s);
  EXPECT_FALSE(sign_in_.exchange(code));
}

TEST_F(ExternalSignInTest, TheProvidersErrorsReachTheAppAsPlainCodes) {
  ASSERT_TRUE(sign_in_.start("/"));
  ASSERT_TRUE(sign_in_.start("/"));
  auto const denied = sign_in_.finish({.state = state(0), .code = "", .error = "access_denied"}, Actor{});
  EXPECT_EQ(fragment_value(denied, "error"), "access_denied");
  // Anything but a plain OAuth error code is not passed on.
  auto const odd = sign_in_.finish({.state = state(1), .code = "", .error = "<script>"}, Actor{});
  EXPECT_EQ(fragment_value(odd, "error"), "provider_error");
}

TEST_F(ExternalSignInTest, ACodeFromAnotherFlowFailsOnItsVerifierAndNonce) {
  ASSERT_TRUE(sign_in_.start("/"));
  ASSERT_TRUE(sign_in_.start("/"));
  // The state of flow 0 with the code the provider issued to flow 1.
  auto const mixed = sign_in_.finish({.state = state(0), .code = "1", .error = ""}, Actor{});
  EXPECT_EQ(fragment_value(mixed, "error"), "invalid_token");
}

TEST_F(ExternalSignInTest, AProviderDownAtTheCallbackIsToldToTheApp) {
  ASSERT_TRUE(sign_in_.start("/"));
  provider_.down = true;
  EXPECT_EQ(fragment_value(complete(0), "error"), "provider_unavailable");
}

TEST_F(ExternalSignInTest, GroupsAreMappedAgainAtEverySignInAndAdmitsGrantsStay) {
  ASSERT_TRUE(sign_in_.start("/"));
  auto const first = sign_in_.exchange(fragment_value(complete(0), "code"));
  ASSERT_TRUE(first);
  auto& stored = store_.users.at(first->user.id);
  stored.roles = stored.roles.with(Role::admin);  // an admin's grant in Admit

  provider_.person.groups = {"Attendees"};
  ASSERT_TRUE(sign_in_.start("/"));
  auto const second = sign_in_.exchange(fragment_value(complete(1), "code"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->user.id, first->user.id);
  EXPECT_EQ(second->user.roles, Role::attendee | Role::admin);
  EXPECT_GT(second->user.token_version, first->user.token_version) << "losing organizer ends its tokens";
}

TEST_F(ExternalSignInTest, AnAddressAnotherAccountHasIsNotTaken) {
  User local;
  local.id = "local-1";
  local.email = "ada@example.com";
  local.name = "Local Ada";
  store_.users["local-1"] = local;
  ASSERT_TRUE(sign_in_.start("/"));
  auto const session = sign_in_.exchange(fragment_value(complete(0), "code"));
  ASSERT_TRUE(session);
  EXPECT_NE(session->user.id, "local-1");
  EXPECT_TRUE(session->user.email.ends_with("@users.invalid")) << session->user.email;
  EXPECT_FALSE(session->user.email_verified());
}

}  // namespace
}  // namespace admit
