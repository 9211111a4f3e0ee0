#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace admit::auth {

/// One signature-verification key of an external issuer's JWK Set (RFC 7517), usable with
/// exactly one algorithm: RS256 (RSA, at least 2048 bits), ES256 (EC P-256) or EdDSA (Ed25519).
class ExternalKey {
 public:
  ExternalKey(std::string kid, std::string alg, std::shared_ptr<void> evp_key, std::string raw_ed25519);

  std::string const& kid() const { return kid_; }
  std::string const& alg() const { return alg_; }
  /// Whether `signature` signs `input` under this key with its algorithm (JWS encoding: ES256 as
  /// r||s, 64 bytes).
  bool verifies(std::string_view input, std::string_view signature) const;

 private:
  std::string kid_;
  std::string alg_;
  std::shared_ptr<void> evp_key_;  ///< EVP_PKEY for RS256 and ES256 (OpenSSL 3 EVP)
  std::string ed25519_;            ///< the raw 32-byte public key for EdDSA (libsodium)
};

/// The signing keys of a JWK Set document. Keys meant for encryption (`use: enc`), of another
/// type or curve, RSA keys under 2048 bits and malformed entries are skipped; a document that
/// is not a JWK Set at all is an error.
std::expected<std::vector<ExternalKey>, std::string> parse_jwks(std::string_view document);

/// The issuer's JWK Set, fetched when first needed and cached. A token naming a key the cache
/// lacks (the issuer rotated its keys) makes it fetch again, at most once per `min_interval`,
/// so a flood of tokens with invented key ids costs one fetch, not one per request. A set older
/// than `max_age` is fetched again on its next use, so a key the issuer withdrew stops counting.
class ExternalKeySet {
 public:
  /// Returns the JWK Set document; throws (Outage) when the issuer cannot be reached.
  using Fetch = std::function<std::string()>;
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  ExternalKeySet(Fetch fetch, std::chrono::seconds min_interval = std::chrono::seconds(60),
                 std::chrono::seconds max_age = std::chrono::hours(1),
                 SteadyClock now = std::chrono::steady_clock::now);

  /// The key a token's header names (`kid`; without one, the set's only key of `alg`), or why
  /// there is none. Throws when it had to fetch and could not, and holds no usable set.
  std::expected<std::shared_ptr<ExternalKey const>, std::string> find(std::string_view kid, std::string_view alg,
                                                                      bool may_fetch = true);

  /// What find(kid, alg) would do about fetching now: nothing, wait for a fetch (the key is not
  /// in the set held, and the set may be fetched again), or fetch a stale set while serving it.
  enum class FetchNeed { none, key_missing, stale };
  FetchNeed fetch_need(std::string_view kid, std::string_view alg) const;

  /// The `kid` and `alg` of a compact JWS's header; nullopt when it has none readable.
  static std::optional<std::pair<std::string, std::string>> key_of(std::string_view token);

  /// How many times the set was fetched (successfully or not).
  int fetches() const;

 private:
  using Keys = std::shared_ptr<std::vector<ExternalKey> const>;
  static std::shared_ptr<ExternalKey const> lookup(Keys const& keys, std::string_view kid, std::string_view alg);
  void refresh(std::chrono::steady_clock::time_point now);

  Fetch fetch_;
  std::chrono::seconds min_interval_;
  std::chrono::seconds max_age_;
  SteadyClock now_;

  mutable std::mutex mutex_;  ///< guards the members below; never held across a fetch
  Keys keys_;
  std::chrono::steady_clock::time_point fetched_at_{};    ///< of the set held
  std::chrono::steady_clock::time_point last_attempt_{};  ///< of the last fetch, failed or not
  bool attempted_ = false;
  int fetches_ = 0;
  std::mutex fetching_;  ///< one fetch at a time
};

/// What a token from the external issuer must satisfy besides its signature.
struct ExternalTokenRules {
  std::string issuer;     ///< `iss`, exactly
  std::string client_id;  ///< our client: in `aud` (ID tokens), or `client_id`/`aud` (access tokens)
  std::chrono::seconds leeway{60};
  /// Whether finding the token's key may fetch the key set on the caller's thread; when not,
  /// a key the set does not hold yet is refused (the caller fetches it elsewhere: prefetch).
  bool may_fetch_keys = true;
};

enum class ExternalTokenKind {
  id_token,      ///< OIDC Core §3.1.3.7: aud holds the client; azp, when present, is the client
  access_token,  ///< RFC 9068 (typ at+jwt) or Cognito's (token_use access): client_id or aud
};

/// Verifies a JWT of the external issuer and returns its claims: RS256, ES256 or EdDSA only (the
/// header's `alg` must be the key's own algorithm, so `none` or HS256 keyed with a public key
/// never verify), then `iss`, the audience rules of `kind`, `exp` (required), `nbf` and `iat`
/// within the leeway, and a `sub`. The nonce is the caller's to check.
std::expected<boost::json::object, std::string> verify_external_jwt(std::string_view token, ExternalKeySet& keys,
                                                                    ExternalTokenRules const& rules,
                                                                    ExternalTokenKind kind, Timestamp now);

}  // namespace admit::auth
