#include "auth/crypto.hpp"

#include <array>
#include <chrono>

#include <sodium.h>

#include <stdexcept>

#include "base/encoding.hpp"

namespace admit::auth {
namespace {

template <std::size_t N>
std::string random_text() {
  std::array<unsigned char, N> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  auto text = base64url_encode(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return text;
}

}  // namespace

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string SodiumEntropy::new_id() {
  // 48 bits of milliseconds, then 80 random bits (as UUIDv7 does): still unguessable, and ids
  // made close in time share a prefix, so the database's indexes take a burst of new rows on
  // a few neighbouring pages instead of one random page each.
  std::array<unsigned char, 16> bytes{};
  auto const ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  randombytes_buf(bytes.data() + 6, bytes.size() - 6);
  return base64url_encode(bytes);
}

std::string SodiumEntropy::new_secret() {
  return random_text<32>();
}

Argon2idHasher::Argon2idHasher(std::uint64_t ops_limit, std::size_t mem_limit_bytes)
    : ops_limit_(ops_limit), mem_limit_(mem_limit_bytes) {
  // Refuse at wiring time rather than on the first sign-up.
  if (ops_limit_ < crypto_pwhash_OPSLIMIT_MIN || ops_limit_ > crypto_pwhash_OPSLIMIT_MAX ||
      mem_limit_ < crypto_pwhash_MEMLIMIT_MIN || mem_limit_ > crypto_pwhash_MEMLIMIT_MAX) {
    throw std::invalid_argument("Argon2id limits are outside what libsodium accepts");
  }
}

std::string Argon2idHasher::hash(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops_limit_, mem_limit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The limits were checked in the constructor, so this is the allocation failing.
    throw std::runtime_error("Argon2id hashing failed: out of memory");
  }
  return std::string(out.data());
}

bool Argon2idHasher::verify(std::string_view hash, std::string_view password) {
  // libsodium reads the hash up to its NUL: one inside the view would make it check a prefix,
  // and a hash that fills the whole buffer cannot be one libsodium wrote.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  std::string const terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string Sha256Digest::digest(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<unsigned char const*>(token.data()), token.size());
  return hex_encode(out);
}

}  // namespace admit::auth
