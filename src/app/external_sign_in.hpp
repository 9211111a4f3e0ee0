#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/accounts.hpp"
#include "app/ports.hpp"

namespace admit {

/// A person as a verified token of the external identity provider describes them.
struct ExternalPerson {
  std::string issuer;
  std::string subject;  ///< `sub`: with the issuer, what names the person for good
  std::string email;    ///< as the provider has it; may be empty
  bool email_verified = false;
  std::string name;                 ///< may be empty
  std::vector<std::string> groups;  ///< the roles claim (ADMIT_OIDC_ROLES_CLAIM)
  bool groups_present = false;      ///< the token has the roles claim at all (empty or not)
  Timestamp expires_at{};           ///< the token's `exp`
};

/// What the authorization request carries besides the client's own settings.
struct AuthorizationRequest {
  std::string state;
  std::string nonce;
  std::string code_verifier;  ///< PKCE; the provider is sent its S256 challenge
};

/// The external OpenID provider (auth/oidc_provider). Calls block on the network and throw
/// Outage when the provider cannot be reached or answers with something unusable.
class IdentityProvider {
 public:
  virtual ~IdentityProvider() = default;
  virtual std::string const& issuer() const = 0;
  /// The provider's authorization endpoint with the request (response_type code, PKCE S256).
  virtual std::string authorization_url(AuthorizationRequest const& request) = 0;
  /// Trades an authorization code for tokens and verifies the ID token, its nonce included:
  /// the person, or why not (the provider refused the code, the token is not valid).
  virtual std::expected<ExternalPerson, std::string> redeem_code(std::string_view code, std::string_view code_verifier,
                                                                 std::string_view nonce) = 0;
  /// Verifies one of the provider's own JWT access tokens (resource-server mode): the person,
  /// or why the token proves nothing.
  virtual std::expected<ExternalPerson, std::string> verify_access_token(std::string_view token) = 0;
  /// AccessTokens::prepare for the provider's access tokens: true when verifying `token` needs a
  /// key the provider's key set, as last fetched, does not hold and may be fetched again; the
  /// fetch then runs (once, however many tokens wait for it) off the caller's thread and
  /// `ready` runs after it. verify_access_token itself never waits on the provider.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): overrides keep `ready` (moved into their queue)
  virtual bool prepare_access_token(std::string_view /*token*/, std::function<void()> /*ready*/) { return false; }
};

/// The provider's groups mapped to Admit's roles, as ADMIT_OIDC_ROLE_MAP writes it:
/// `Organizers=organizer,Attendees=attendee,Admins=admin`. A group may map to one role; several
/// groups may map to the same role.
using RoleMap = std::vector<std::pair<std::string, Role>>;
std::expected<RoleMap, std::string> parse_role_map(std::string_view text);
Roles map_groups(RoleMap const& map, std::vector<std::string> const& groups);

/// Whether `return_to` is a path of the web app itself: it starts with one `/`, holds no
/// backslash, control character or scheme, so a redirect to it never leaves the site.
bool is_app_path(std::string_view return_to);

struct ExternalSignInSettings {
  std::string display_name;  ///< "Sign in with {display_name}"
  std::string public_url;    ///< where the web app and the API live
  RoleMap role_map;
  std::chrono::seconds flow_lifetime{600};  ///< to sign in at the provider
  std::chrono::seconds code_lifetime{60};   ///< for the web app to exchange the code
};

/// Sign-in through an external OpenID provider: the authorization-code flow with PKCE, state and
/// nonce, the person linked by issuer and subject, their groups mapped to roles at every sign-in,
/// and an Admit session handed to the web app through a one-time code.
class ExternalSignIn {
 public:
  ExternalSignIn(IdentityProvider& provider, ExternalIdentityStore& store, Accounts& accounts, TokenDigest& digest,
                 Entropy& entropy, Clock const& clock, ExternalSignInSettings settings);

  std::string const& issuer() const { return provider_.issuer(); }
  std::string const& display_name() const { return settings_.display_name; }
  /// Where the provider sends the browser back: `{public_url}/api/auth/oidc/callback`.
  std::string redirect_uri() const;

  /// Starts a sign-in that returns to `return_to` (default `/`): the provider's URL to send the
  /// browser to. Errc::invalid_input naming `returnTo` for anything but a path of the app;
  /// throws Outage when the provider's configuration cannot be fetched.
  Result<std::string> start(std::optional<std::string_view> return_to);

  struct Callback {
    std::string state;
    std::string code;
    std::string error;  ///< the provider's `error` (access_denied, …)
  };
  /// Finishes a sign-in: the web app's URL to send the browser to, always —
  /// `/auth/callback#code=…&returnTo=…` on success, `/auth/callback#error=…` otherwise
  /// (access_denied and the provider's other errors, invalid_state, expired, invalid_token,
  /// account_disabled, provider_unavailable). A flow finishes at most once.
  std::string finish(Callback const& callback, Actor const& actor);

  /// Trades the one-time code for Admit's tokens, as a log-in does; Errc::invalid_input naming
  /// `code` when it is unknown, used or expired.
  Result<SessionTokens> exchange(std::string_view code);

  /// The account and roles one of the provider's access tokens stands for (resource-server
  /// mode), linking the person as a sign-in does; why not, when it does not verify.
  /// An access token without the roles claim leaves the account's roles as they are.
  std::expected<std::pair<Principal, Timestamp>, std::string> principal_for_access_token(std::string_view token,
                                                                                         Actor const& actor);
  /// IdentityProvider::prepare_access_token.
  bool prepare_access_token(std::string_view token, std::function<void()> ready) {
    return provider_.prepare_access_token(token, std::move(ready));
  }

 private:
  std::string web_callback(std::string_view fragment) const;
  User link(ExternalPerson const& person, bool roles_known, Actor const& actor);

  IdentityProvider& provider_;
  ExternalIdentityStore& store_;
  Accounts& accounts_;
  TokenDigest& digest_;
  Entropy& entropy_;
  Clock const& clock_;
  ExternalSignInSettings settings_;
};

/// Bearer tokens in resource-server mode: Admit's own access tokens as always, and the provider's
/// JWT access tokens besides. Admit's are tried first and cost what they always did; a token
/// Admit did not sign (no key of Admit's, or not EdDSA) goes to the provider's verification,
/// whose answers are cached until the token expires.
class BearerTokens final : public AccessTokens {
 public:
  BearerTokens(AccessTokens& own, ExternalSignIn& external, Clock const& clock);
  IssuedToken issue(Principal const& who) override { return own_.issue(who); }
  std::expected<Principal, std::string> verify(std::string_view token) override;
  bool may_defer() const override { return true; }
  bool prepare(std::string_view token, std::function<void()> ready) override;

 private:
  AccessTokens& own_;
  ExternalSignIn& external_;
  Clock const& clock_;
  struct Verified {
    Principal principal;
    Timestamp expires_at;
  };
  static constexpr std::size_t kCacheLimit = 20'000;
  std::mutex mutex_;
  std::unordered_map<std::string, Verified> cache_;
};

}  // namespace admit
