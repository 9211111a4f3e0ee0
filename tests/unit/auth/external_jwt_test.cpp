#include "auth/external_jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <stdexcept>

#include "base/encoding.hpp"
#include "support/fakes.hpp"

namespace admit::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char kIssuer[] = "https://id.example.test";
constexpr char kClient[] = "admit-web";
Timestamp const kNow{std::chrono::seconds{1'800'000'000}};

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

unsigned char const* bytes(std::string const& text) {
  return reinterpret_cast<unsigned char const*>(text.data());
}

std::string bn_param(EVP_PKEY* key, char const* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no parameter");
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

/// A signer as the issuer holds it, and its public JWK.
struct TestKey {
  std::string alg;
  std::string kid;
  Pkey pkey;                                  // RS256, ES256
  std::array<unsigned char, 64> ed_secret{};  // EdDSA
  std::array<unsigned char, 32> ed_public{};

  static TestKey rsa(std::string kid, unsigned bits = 2048) {
    TestKey key{"RS256", std::move(kid), {}};
    key.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
    return key;
  }
  static TestKey ec(std::string kid) {
    TestKey key{"ES256", std::move(kid), {}};
    key.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    return key;
  }
  static TestKey ed(std::string kid) {
    TestKey key{"EdDSA", std::move(kid), {}};
    crypto_sign_keypair(key.ed_public.data(), key.ed_secret.data());
    return key;
  }

  json::object jwk() const {
    json::object out{{"kid", kid}, {"use", "sig"}};
    if (alg == "RS256") {
      out["kty"] = "RSA";
      out["n"] = base64url_encode(bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N));
      out["e"] = base64url_encode(bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E));
    } else if (alg == "ES256") {
      out["kty"] = "EC";
      out["crv"] = "P-256";
      auto x = bn_param(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X);
      auto y = bn_param(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
      x.insert(0, 32 - x.size(), '\0');
      y.insert(0, 32 - y.size(), '\0');
      out["x"] = base64url_encode(x);
      out["y"] = base64url_encode(y);
    } else {
      out["kty"] = "OKP";
      out["crv"] = "Ed25519";
      out["x"] = base64url_encode(ed_public);
    }
    return out;
  }

  std::string sign(std::string const& input) const {
    if (alg == "EdDSA") {
      std::array<unsigned char, crypto_sign_BYTES> signature{};
      crypto_sign_detached(signature.data(), nullptr, bytes(input), input.size(), ed_secret.data());
      return {reinterpret_cast<char const*>(signature.data()), signature.size()};
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get());
    std::size_t length = 0;
    EVP_DigestSign(ctx.get(), nullptr, &length, bytes(input), input.size());
    std::string der(length, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, bytes(input), input.size());
    der.resize(length);
    if (alg == "RS256") return der;
    // JWS wants r||s, each 32 bytes, not DER.
    auto const* p = bytes(der);
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }
};

std::string jwks(std::initializer_list<TestKey const*> keys) {
  json::array list;
  for (auto const* key : keys) list.push_back(key->jwk());
  return json::serialize(json::object{{"keys", std::move(list)}});
}

json::object id_claims() {
  auto const now = kNow.time_since_epoch().count();
  return {{"iss", kIssuer}, {"aud", kClient},   {"sub", "person-1"},
          {"iat", now},     {"exp", now + 300}, {"nonce", "n-0S6_WzA2Mj"}};
}

std::string token(TestKey const& key, json::object const& claims, json::object header = {}) {
  if (!header.contains("alg")) header["alg"] = key.alg;
  if (!header.contains("kid")) header["kid"] = key.kid;
  auto const input = base64url_encode(json::serialize(header)) + '.' + base64url_encode(json::serialize(claims));
  return input + '.' + base64url_encode(key.sign(input));
}

class ExternalJwtTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  /// A key set that serves `document` and counts its fetches.
  ExternalKeySet key_set(std::string const* served) {
    return ExternalKeySet([served] { return *served; }, 60s, 1h, steady.function());
  }

  std::expected<json::object, std::string> verify(std::string const& jwt, ExternalKeySet& keys,
                                                  ExternalTokenKind kind = ExternalTokenKind::id_token) {
    return verify_external_jwt(jwt, keys, rules, kind, kNow);
  }

  test::ManualSteadyClock steady;
  ExternalTokenRules rules{.issuer = kIssuer, .client_id = kClient, .leeway = 60s};
  TestKey rsa = TestKey::rsa("rsa-1");
  TestKey ec = TestKey::ec("ec-1");
  TestKey ed = TestKey::ed("ed-1");
  std::string document = jwks({&rsa, &ec, &ed});
};

TEST_F(ExternalJwtTest, AcceptsRs256Es256AndEdDsa) {
  auto keys = key_set(&document);
  for (auto const* key : {&rsa, &ec, &ed}) {
    auto const claims = verify(token(*key, id_claims()), keys);
    ASSERT_TRUE(claims) << key->alg << ": " << claims.error();
    EXPECT_EQ(claims->at("sub").as_string(), "person-1");
  }
  EXPECT_EQ(keys.fetches(), 1);  // one fetch serves every later token
}

TEST_F(ExternalJwtTest, RefusesATamperedPayload) {
  auto keys = key_set(&document);
  for (auto const* key : {&rsa, &ec, &ed}) {
    auto jwt = token(*key, id_claims());
    auto const first_dot = jwt.find('.');
    auto const second_dot = jwt.find('.', first_dot + 1);
    auto claims = id_claims();
    claims["sub"] = "person-2";
    jwt.replace(first_dot + 1, second_dot - first_dot - 1, base64url_encode(json::serialize(claims)));
    EXPECT_EQ(verify(jwt, keys).error(), "bad signature") << key->alg;
  }
}

TEST_F(ExternalJwtTest, RefusesAlgNone) {
  auto keys = key_set(&document);
  json::object header{{"alg", "none"}, {"kid", rsa.kid}};
  auto const unsigned_token =
      base64url_encode(json::serialize(header)) + '.' + base64url_encode(json::serialize(id_claims())) + '.';
  EXPECT_EQ(verify(unsigned_token, keys).error(), "algorithm not accepted");
}

TEST_F(ExternalJwtTest, RefusesHs256KeyedWithThePublicKey) {
  auto keys = key_set(&document);
  // The classic confusion: the attacker MACs with the public JWK's bytes, hoping the verifier
  // takes the header's algorithm with the key it found.
  json::object header{{"alg", "HS256"}, {"kid", rsa.kid}, {"typ", "JWT"}};
  auto const input = base64url_encode(json::serialize(header)) + '.' + base64url_encode(json::serialize(id_claims()));
  auto const secret = json::serialize(rsa.jwk());
  std::array<unsigned char, 32> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), bytes(input), input.size(), mac.data(), &length);
  EXPECT_EQ(verify(input + '.' + base64url_encode(mac), keys).error(), "algorithm not accepted");
}

TEST_F(ExternalJwtTest, RefusesAnAlgorithmOtherThanTheKeys) {
  auto keys = key_set(&document);
  // Signed by the EC key, but the header claims RS256 and names the EC key: no RS256 key has that id.
  EXPECT_FALSE(verify(token(ec, id_claims(), {{"alg", "RS256"}, {"kid", ec.kid}}), keys));
  // An Ed25519 signature under the RSA key's id.
  EXPECT_FALSE(verify(token(ed, id_claims(), {{"alg", "EdDSA"}, {"kid", rsa.kid}}), keys));
}

TEST_F(ExternalJwtTest, RefusesWrongIssuerAudienceAndAuthorizedParty) {
  auto keys = key_set(&document);
  auto claims = id_claims();
  claims["iss"] = "https://evil.example.test";
  EXPECT_EQ(verify(token(rsa, claims), keys).error(), "wrong issuer");

  claims = id_claims();
  claims["aud"] = "another-client";
  EXPECT_EQ(verify(token(rsa, claims), keys).error(), "wrong audience");

  claims = id_claims();
  claims["aud"] = json::array{kClient, "another-client"};
  EXPECT_EQ(verify(token(rsa, claims), keys).error(), "wrong authorized party");  // several audiences need azp
  claims["azp"] = kClient;
  EXPECT_TRUE(verify(token(rsa, claims), keys));
  claims["azp"] = "another-client";
  EXPECT_EQ(verify(token(rsa, claims), keys).error(), "wrong authorized party");
}

TEST_F(ExternalJwtTest, RefusesExpiredTokensBeyondTheLeeway) {
  auto keys = key_set(&document);
  auto const now = kNow.time_since_epoch().count();
  auto claims = id_claims();
  claims["exp"] = now - 30;  // within the 60 s leeway
  EXPECT_TRUE(verify(token(ec, claims), keys));
  claims["exp"] = now - 61;
  EXPECT_EQ(verify(token(ec, claims), keys).error(), "expired");
  claims.erase("exp");
  EXPECT_EQ(verify(token(ec, claims), keys).error(), "missing expiry");
  claims = id_claims();
  claims["iat"] = now + 3600;
  EXPECT_EQ(verify(token(ec, claims), keys).error(), "issued in the future");
}

TEST_F(ExternalJwtTest, UnknownKeyIdRefreshesOnceAndThenWaits) {
  auto keys = key_set(&document);
  ASSERT_TRUE(verify(token(rsa, id_claims()), keys));
  ASSERT_EQ(keys.fetches(), 1);

  // The issuer rotates: a new key appears in its set; the first token naming it fetches again.
  auto rotated = TestKey::ec("ec-2");
  document = jwks({&rotated});
  steady.now += 61s;
  auto const fresh = verify(token(rotated, id_claims()), keys);
  ASSERT_TRUE(fresh) << fresh.error();
  EXPECT_EQ(keys.fetches(), 2);

  // The old RSA key left the set: its tokens no longer verify.
  EXPECT_FALSE(verify(token(rsa, id_claims()), keys));

  // Invented key ids within the interval cost no fetch at all.
  auto stranger = TestKey::ed("nobody-knows");
  for (int i = 0; i < 5; ++i) {
    steady.now += 10s;
    EXPECT_FALSE(verify(token(stranger, id_claims()), keys));
  }
  EXPECT_EQ(keys.fetches(), 2);
  steady.now += 11s;
  EXPECT_FALSE(verify(token(stranger, id_claims()), keys));
  EXPECT_EQ(keys.fetches(), 3);
}

TEST_F(ExternalJwtTest, AStaleSetIsFetchedAgainAndServesWhileTheIssuerIsAway) {
  bool down = false;
  ExternalKeySet keys(
      [&] {
        if (down) throw std::runtime_error("unreachable");
        return document;
      },
      60s, 1h, steady.function());
  ASSERT_TRUE(verify(token(ed, id_claims()), keys));
  down = true;
  steady.now += 2h;
  EXPECT_TRUE(verify(token(ed, id_claims()), keys));  // the old set still serves
  EXPECT_EQ(keys.fetches(), 2);

  ExternalKeySet never([]() -> std::string { throw std::runtime_error("unreachable"); }, 60s, 1h, steady.function());
  EXPECT_THROW((void)verify(token(ed, id_claims()), never), std::runtime_error);
}

TEST_F(ExternalJwtTest, SmallRsaKeysAndEncryptionKeysAreNotUsed) {
  auto small = TestKey::rsa("rsa-small", 1024);
  auto encryption = TestKey::ec("ec-enc");
  auto jwk = encryption.jwk();
  jwk["use"] = "enc";
  auto const set = json::serialize(json::object{{"keys", json::array{small.jwk(), jwk}}});
  auto const parsed = parse_jwks(set);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
}

TEST_F(ExternalJwtTest, AccessTokensNeedToSayTheyAreOne) {
  auto keys = key_set(&document);
  auto const now = kNow.time_since_epoch().count();
  // Cognito's shape: no aud, client_id and token_use.
  json::object cognito{{"iss", kIssuer}, {"client_id", kClient}, {"sub", "person-1"},
                       {"iat", now},     {"exp", now + 300},     {"token_use", "access"}};
  EXPECT_TRUE(verify(token(rsa, cognito), keys, ExternalTokenKind::access_token));
  cognito["client_id"] = "another-client";
  EXPECT_EQ(verify(token(rsa, cognito), keys, ExternalTokenKind::access_token).error(), "wrong audience");

  // RFC 9068's shape: typ at+jwt.
  json::object rfc9068{{"iss", kIssuer}, {"aud", kClient}, {"sub", "person-1"}, {"iat", now}, {"exp", now + 300}};
  EXPECT_TRUE(verify(token(ec, rfc9068, {{"typ", "at+jwt"}}), keys, ExternalTokenKind::access_token));
  // …which is no ID token.
  EXPECT_EQ(verify(token(ec, rfc9068, {{"typ", "at+jwt"}}), keys).error(), "not an ID token");

  // An ID token is not an access token, although its audience is our client.
  EXPECT_EQ(verify(token(ec, id_claims()), keys, ExternalTokenKind::access_token).error(), "not an access token");
}

}  // namespace
}  // namespace admit::auth
