#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::auth {

/// libsodium's CSPRNG. Call sodium_init() (init_crypto) once before use.
class SodiumEntropy final : public Entropy {
 public:
  std::string new_id() override;
  std::string new_secret() override;
};

/// Argon2id (libsodium crypto_pwhash_str) with the OWASP Password Storage Cheat Sheet's
/// setting m=19 MiB, t=2, p=1 by default. Hashes carry their own parameters, so raising
/// the cost later still verifies old hashes.
class Argon2idHasher final : public PasswordHasher {
 public:
  explicit Argon2idHasher(std::uint64_t ops_limit = 2, std::size_t mem_limit_bytes = std::size_t{19} * 1024 * 1024);
  std::string hash(std::string_view password) override;
  bool verify(std::string_view hash, std::string_view password) override;

 private:
  std::uint64_t ops_limit_;
  std::size_t mem_limit_;
};

/// SHA-256 of a high-entropy token, hex encoded. No salt is needed: the tokens are 256-bit random.
class Sha256Digest final : public TokenDigest {
 public:
  std::string digest(std::string_view token) override;
};

/// Initialises libsodium; throws when it cannot.
void init_crypto();

}  // namespace admit::auth
