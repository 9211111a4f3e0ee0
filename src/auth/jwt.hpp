#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/ports.hpp"

namespace admit::auth {

/// An Ed25519 key pair with its key id (the RFC 7638 JWK thumbprint, base64url).
struct SigningKey {
  std::string kid;
  std::array<unsigned char, 32> public_key{};
  std::array<unsigned char, 64> secret_key{};  ///< libsodium's seed||public form
};

/// The RFC 7638 JWK thumbprint of an Ed25519 public key (SHA-256 over its canonical OKP JWK),
/// base64url. It serves as the key id, so a kid always names exactly one public key.
std::string jwk_thumbprint(std::array<unsigned char, 32> const& public_key);

/// A compact JWS (RFC 7515 §7.1) taken apart: its header, claims and signature decoded, and the
/// signing input (the token up to its second dot, a view into it). nullopt unless the token has
/// exactly three parts, each strict base64url. Nothing is trusted yet: the caller verifies.
struct CompactJws {
  std::string header;
  std::string claims;
  std::string signature;
  std::string_view signing_input;
};
std::optional<CompactJws> split_compact_jws(std::string_view token);

/// Loads the signing key from `path`, or generates one and writes it there with mode 0600
/// (the directory is created when missing). An existing file that group or others may read is
/// narrowed to 0600. Throws when the file exists but is unusable.
SigningKey load_or_create_signing_key(std::filesystem::path const& path);

/// A fresh key, for tests.
SigningKey generate_signing_key();

/// The key a 32-byte seed determines: nodes that share the seed (through the database)
/// sign and verify the same tokens.
SigningKey signing_key_from_seed(std::string_view seed);

struct JwtSettings {
  std::string issuer;    ///< `iss`, e.g. the public URL
  std::string audience;  ///< `aud`
  std::chrono::seconds lifetime{15 * 60};
  std::chrono::seconds leeway{30};  ///< clock skew tolerated on exp / nbf / iat
};

/// EdDSA (Ed25519) JWT access tokens, RFC 7519 / RFC 8037. Verification accepts only
/// `alg: EdDSA` with a `kid` it holds — never `none`, never an HMAC with the public key —
/// and checks signature, exp, nbf, iss and aud, and that `sub` looks like an account id. Tokens
/// carry the account's token version (claim `ver`), which the caller compares with the account's
/// current one (AccountGate). Successful verifications are cached until the token expires, so a
/// busy client does not pay for a signature check on every request.
class JwtTokens final : public AccessTokens {
 public:
  /// Signs with `signing`; verifies tokens of `signing` and of every key in `also_trusted`
  /// (previous keys during a rotation).
  JwtTokens(SigningKey signing, std::vector<SigningKey> also_trusted, JwtSettings settings, Clock const& clock,
            Entropy& entropy);

  IssuedToken issue(Principal const& who) override;
  std::expected<Principal, std::string> verify(std::string_view token) override;

  /// The JWK Set of every trusted public key, as JSON text for /.well-known/jwks.json.
  std::string jwks_json() const;

 private:
  std::expected<Principal, std::string> verify_uncached(std::string_view token, Timestamp& expires_at);

  std::vector<SigningKey> keys_;  ///< keys_[0] signs
  JwtSettings settings_;
  Clock const& clock_;
  Entropy& entropy_;

  struct CacheEntry {
    Principal principal;
    Timestamp expires_at;
  };
  static constexpr std::size_t kCacheLimit = 100'000;
  mutable std::mutex cache_mutex_;
  std::unordered_map<std::string, CacheEntry> cache_;
};

}  // namespace admit::auth
