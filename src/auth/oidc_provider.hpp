#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/external_sign_in.hpp"
#include "auth/external_jwt.hpp"

namespace admit::auth {

struct OidcSettings {
  std::string issuer;  ///< exactly as the provider's `iss` (and its discovery) spell it
  std::string client_id;
  std::string client_secret;                   ///< empty for a public client
  std::string redirect_uri;                    ///< `{public URL}/api/auth/oidc/callback`, registered with the provider
  std::string roles_claim = "cognito:groups";  ///< a claim name; a dotted path (realm_access.roles) when absent
  std::string scope = "openid email profile";
  std::chrono::milliseconds timeout{5000};      ///< per HTTP request to the provider
  std::chrono::seconds leeway{60};              ///< clock skew tolerated on exp / nbf / iat
  std::chrono::seconds metadata_max_age{3600};  ///< discovery is fetched again after this
};

/// What the provider's discovery document (`/.well-known/openid-configuration`) says.
struct ProviderMetadata {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  bool client_secret_post_only = false;  ///< the token endpoint takes client_secret_post, not _basic
};

/// An OpenID Connect provider over libcurl: discovery (the issuer in the document must be the
/// configured one), the authorization request with PKCE S256, the code traded at the token
/// endpoint (client_secret_basic, or _post when that is all it takes), and its tokens verified
/// against its JWK Set (ExternalKeySet). Safe to call from several threads at once.
class OidcProvider final : public IdentityProvider {
 public:
  /// Throws std::invalid_argument for an unusable issuer URL (https, or http on loopback).
  explicit OidcProvider(OidcSettings settings);
  ~OidcProvider() override;
  OidcProvider(OidcProvider const&) = delete;
  OidcProvider& operator=(OidcProvider const&) = delete;

  std::string const& issuer() const override { return settings_.issuer; }
  std::string authorization_url(AuthorizationRequest const& request) override;
  std::expected<ExternalPerson, std::string> redeem_code(std::string_view code, std::string_view code_verifier,
                                                         std::string_view nonce) override;
  std::expected<ExternalPerson, std::string> verify_access_token(std::string_view token) override;
  bool prepare_access_token(std::string_view token, std::function<void()> ready) override;

 private:
  ProviderMetadata metadata();
  ExternalPerson person_of(boost::json::object const& claims) const;

  OidcSettings settings_;
  std::mutex mutex_;
  std::shared_ptr<ProviderMetadata const> metadata_;
  std::chrono::steady_clock::time_point metadata_at_{};
  ExternalKeySet keys_;

  /// The key set's fetches for access tokens, on a thread of their own (never a request's).
  void prefetch_loop();
  std::mutex prefetch_mutex_;  ///< guards the members below
  std::condition_variable prefetch_wanted_;
  bool prefetching_ = false;  ///< a fetch is asked for or under way; `waiting_` runs after it
  bool stopping_ = false;
  std::pair<std::string, std::string> prefetch_key_;  ///< the kid and alg it fetches for
  std::vector<std::function<void()>> waiting_;
  std::thread prefetcher_;
};

}  // namespace admit::auth
