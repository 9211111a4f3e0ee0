#include "auth/crypto.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace admit::auth {
namespace {

bool is_base64url(std::string const& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

class Argon2idHasherTest : public ::testing::Test {
 protected:
  Argon2idHasherTest() { init_crypto(); }

  // The smallest cost libsodium allows, so the suite stays fast; production uses the defaults.
  Argon2idHasher hasher_{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
};

TEST_F(Argon2idHasherTest, VerifiesTheHashedPassword) {
  auto const hash = hasher_.hash("correct horse battery staple");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(hasher_.verify(hash, "correct horse battery staple"));
}

TEST_F(Argon2idHasherTest, RejectsAWrongPassword) {
  auto const hash = hasher_.hash("correct horse battery staple");
  EXPECT_FALSE(hasher_.verify(hash, "correct horse battery stapler"));
  EXPECT_FALSE(hasher_.verify(hash, ""));
}

TEST_F(Argon2idHasherTest, SaltsEveryHash) {
  auto const first = hasher_.hash("same password");
  auto const second = hasher_.hash("same password");
  EXPECT_NE(first, second);
  EXPECT_TRUE(hasher_.verify(first, "same password"));
  EXPECT_TRUE(hasher_.verify(second, "same password"));
}

TEST_F(Argon2idHasherTest, VerifiesHashesOfAnotherCost) {
  // Hashes carry their parameters, so raising the cost keeps old hashes valid.
  auto const old_hash = hasher_.hash("password one");
  Argon2idHasher costlier(crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN * 2);
  EXPECT_NE(costlier.hash("password one").substr(0, 30), old_hash.substr(0, 30));
  EXPECT_TRUE(costlier.verify(old_hash, "password one"));
}

TEST_F(Argon2idHasherTest, ReturnsFalseForMalformedHashes) {
  auto const hash = hasher_.hash("password");
  std::string with_nul = hash;
  with_nul.insert(with_nul.begin() + 20, '\0');
  std::string const truncated = hash.substr(0, hash.size() - 5);
  std::string const too_long(crypto_pwhash_STRBYTES + 10, 'a');

  for (std::string const& bad : {std::string(), std::string("garbage"), std::string("$argon2id$"),
                                 std::string("$argon2id$v=19$m=8,t=1,p=1$$"), with_nul, truncated, too_long}) {
    EXPECT_FALSE(hasher_.verify(bad, "password")) << bad;
  }
}

TEST(Argon2idHasher, RefusesLimitsLibsodiumWouldReject) {
  EXPECT_THROW(Argon2idHasher(0, crypto_pwhash_MEMLIMIT_MIN), std::invalid_argument);
  EXPECT_THROW(Argon2idHasher(crypto_pwhash_OPSLIMIT_MIN, 1024), std::invalid_argument);
}

TEST(SodiumEntropy, IdsAre22UrlSafeCharacters) {
  init_crypto();
  SodiumEntropy entropy;
  auto const id = entropy.new_id();
  EXPECT_EQ(id.size(), 22u);
  EXPECT_TRUE(is_base64url(id)) << id;
}

TEST(SodiumEntropy, SecretsAre43UrlSafeCharacters) {
  init_crypto();
  SodiumEntropy entropy;
  auto const secret = entropy.new_secret();
  EXPECT_EQ(secret.size(), 43u);
  EXPECT_TRUE(is_base64url(secret)) << secret;
}

TEST(SodiumEntropy, IdsAreDistinct) {
  init_crypto();
  SodiumEntropy entropy;
  std::unordered_set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(entropy.new_id());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(Sha256Digest, MatchesTheFips180Vector) {
  Sha256Digest digest;
  EXPECT_EQ(digest.digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest.digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace admit::auth
