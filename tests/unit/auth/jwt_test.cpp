#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "auth/crypto.hpp"
#include "base/encoding.hpp"
#include "support/fakes.hpp"

namespace admit::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::FakeClock;

JwtSettings test_settings() {
  return {.issuer = "https://admit.test", .audience = "admit-api", .lifetime = 15min, .leeway = 30s};
}

Principal organizer() {
  return {.user_id = "user-1", .roles = Role::attendee | Role::organizer};
}

unsigned char const* bytes(std::string const& text) {
  return reinterpret_cast<unsigned char const*>(text.data());
}

std::string b64(std::string const& text) {
  return base64url_encode(text);
}

/// A token with arbitrary header and claims, signed as EdDSA with `key` — what a holder of our
/// key (that is, nobody else) could produce, so each verifier rule can be tested on its own.
std::string sign_eddsa(SigningKey const& key, json::object const& header, json::object const& claims) {
  auto input = b64(json::serialize(header)) + '.' + b64(json::serialize(claims));
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, bytes(input), input.size(), key.secret_key.data());
  return input + '.' + base64url_encode(signature);
}

struct TokenParts {
  json::object header;
  json::object claims;
  std::string signature;  ///< decoded bytes
};

TokenParts split(std::string const& token) {
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  return {json::parse(*base64url_decode(token.substr(0, first))).as_object(),
          json::parse(*base64url_decode(token.substr(first + 1, second - first - 1))).as_object(),
          *base64url_decode(token.substr(second + 1))};
}

/// Declared first in a fixture, so libsodium is ready before any key member is generated.
struct CryptoReady {
  CryptoReady() { init_crypto(); }
};

class JwtTokensTest : public ::testing::Test {
 protected:
  JwtTokens make_tokens(SigningKey const& signing, JwtSettings settings = test_settings(),
                        std::vector<SigningKey> also_trusted = {}) {
    return JwtTokens(signing, std::move(also_trusted), std::move(settings), clock_, entropy_);
  }

  json::object eddsa_header() const { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key_.kid}}; }

  json::object valid_claims() const {
    auto const now = clock_.now().time_since_epoch().count();
    return {{"sub", "user-1"},
            {"roles", json::array{"attendee"}},
            {"iss", "https://admit.test"},
            {"aud", "admit-api"},
            {"iat", now},
            {"nbf", now},
            {"exp", now + 900},
            {"jti", "id-1"}};
  }

  /// The reason `tokens_` gives for rejecting a token signed with our key.
  std::string rejection(json::object const& header, json::object const& claims) {
    auto const result = tokens_.verify(sign_eddsa(key_, header, claims));
    EXPECT_FALSE(result.has_value());
    return result.has_value() ? "accepted" : result.error();
  }

  CryptoReady crypto_;
  FakeClock clock_;
  SodiumEntropy entropy_;
  SigningKey key_ = generate_signing_key();
  JwtTokens tokens_ = make_tokens(key_);
};

TEST_F(JwtTokensTest, IssuedTokenVerifiesToTheSamePrincipal) {
  auto const issued = tokens_.issue(organizer());
  EXPECT_EQ(issued.expires_in, 15min);

  auto const principal = tokens_.verify(issued.token);
  ASSERT_TRUE(principal.has_value()) << principal.error();
  EXPECT_EQ(principal->user_id, "user-1");
  EXPECT_EQ(principal->roles, Role::attendee | Role::organizer);
}

TEST_F(JwtTokensTest, IssuedTokenCarriesTheDocumentedHeaderAndClaims) {
  auto const parts = split(tokens_.issue(organizer()).token);
  auto const now = clock_.now().time_since_epoch().count();

  EXPECT_EQ(parts.header, (json::object{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key_.kid}}));
  EXPECT_EQ(parts.claims.at("sub"), "user-1");
  EXPECT_EQ(parts.claims.at("roles"), (json::array{"attendee", "organizer"}));
  EXPECT_EQ(parts.claims.at("iss"), "https://admit.test");
  EXPECT_EQ(parts.claims.at("aud"), "admit-api");
  EXPECT_EQ(parts.claims.at("iat").as_int64(), now);
  EXPECT_EQ(parts.claims.at("nbf").as_int64(), now);
  EXPECT_EQ(parts.claims.at("exp").as_int64(), now + 900);
  EXPECT_EQ(parts.claims.at("jti").as_string().size(), 22u);
  EXPECT_EQ(parts.signature.size(), crypto_sign_BYTES);
}

TEST_F(JwtTokensTest, TokensHaveDistinctIds) {
  auto const a = split(tokens_.issue(organizer()).token);
  auto const b = split(tokens_.issue(organizer()).token);
  EXPECT_NE(a.claims.at("jti"), b.claims.at("jti"));
}

TEST_F(JwtTokensTest, RejectsTamperedClaims) {
  auto const token = tokens_.issue({.user_id = "user-1", .roles = Role::attendee}).token;
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  auto claims = split(token).claims;
  claims["roles"] = json::array{"attendee", "admin"};
  auto const forged = token.substr(0, first) + '.' + b64(json::serialize(claims)) + token.substr(second);

  auto const result = tokens_.verify(forged);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "bad signature");
}

TEST_F(JwtTokensTest, RejectsTamperedSignature) {
  auto const token = tokens_.issue(organizer()).token;
  auto const second = token.rfind('.');
  auto signature = *base64url_decode(token.substr(second + 1));
  signature[10] = static_cast<char>(signature[10] ^ 0x01);
  auto const forged = token.substr(0, second + 1) + b64(signature);

  auto const result = tokens_.verify(forged);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "bad signature");
}

TEST_F(JwtTokensTest, RejectsTruncatedSignature) {
  auto const token = tokens_.issue(organizer()).token;
  EXPECT_FALSE(tokens_.verify(token.substr(0, token.size() - 4)).has_value());
}

TEST_F(JwtTokensTest, AcceptsWithinLeewayAfterExpiry) {
  auto const token = tokens_.issue(organizer()).token;
  clock_.advance(15min + 29s);
  EXPECT_TRUE(tokens_.verify(token).has_value());
}

TEST_F(JwtTokensTest, RejectsExpiredToken) {
  auto const token = tokens_.issue(organizer()).token;
  clock_.advance(15min + 30s);

  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "expired");
}

TEST_F(JwtTokensTest, CachedTokenIsRejectedOnceExpired) {
  auto const token = tokens_.issue(organizer()).token;
  ASSERT_TRUE(tokens_.verify(token).has_value());
  ASSERT_TRUE(tokens_.verify(token).has_value());

  clock_.advance(15min + 30s);
  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "expired");
  EXPECT_FALSE(tokens_.verify(token).has_value());
}

TEST_F(JwtTokensTest, RejectsTokenNotYetValid) {
  auto claims = valid_claims();
  claims["nbf"] = claims["iat"].as_int64() + 31;
  EXPECT_EQ(rejection(eddsa_header(), claims), "not yet valid");
}

TEST_F(JwtTokensTest, AcceptsNotBeforeWithinLeeway) {
  auto claims = valid_claims();
  claims["nbf"] = claims["iat"].as_int64() + 30;
  EXPECT_TRUE(tokens_.verify(sign_eddsa(key_, eddsa_header(), claims)).has_value());
}

TEST_F(JwtTokensTest, RejectsTokenIssuedInTheFuture) {
  auto claims = valid_claims();
  claims["iat"] = claims["iat"].as_int64() + 31;
  EXPECT_EQ(rejection(eddsa_header(), claims), "issued in the future");
}

TEST_F(JwtTokensTest, RejectsWrongAudience) {
  auto settings = test_settings();
  settings.audience = "billing-api";
  auto const token = make_tokens(key_, settings).issue(organizer()).token;

  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "wrong audience");
}

TEST_F(JwtTokensTest, AcceptsAudienceArrayContainingOurs) {
  auto claims = valid_claims();
  claims["aud"] = json::array{"billing-api", "admit-api"};
  EXPECT_TRUE(tokens_.verify(sign_eddsa(key_, eddsa_header(), claims)).has_value());
}

TEST_F(JwtTokensTest, RejectsAudienceArrayWithoutOurs) {
  auto claims = valid_claims();
  claims["aud"] = json::array{"billing-api"};
  EXPECT_EQ(rejection(eddsa_header(), claims), "wrong audience");
}

TEST_F(JwtTokensTest, RejectsWrongIssuer) {
  auto settings = test_settings();
  settings.issuer = "https://evil.test";
  auto const token = make_tokens(key_, settings).issue(organizer()).token;

  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "wrong issuer");
}

TEST_F(JwtTokensTest, RejectsAlgNone) {
  json::object const header{{"alg", "none"}, {"kid", key_.kid}};
  auto const token = b64(json::serialize(header)) + '.' + b64(json::serialize(valid_claims())) + '.';

  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "algorithm not accepted");
}

TEST_F(JwtTokensTest, RejectsHmacKeyedWithThePublicKey) {
  // The algorithm-confusion attack: the public key is public, so an HMAC keyed with it is forgeable.
  json::object const header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key_.kid}};
  auto const input = b64(json::serialize(header)) + '.' + b64(json::serialize(valid_claims()));
  static_assert(crypto_auth_hmacsha256_KEYBYTES == 32);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256(mac.data(), bytes(input), input.size(), key_.public_key.data());
  auto const token = input + '.' + base64url_encode(mac);

  auto const result = tokens_.verify(token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "algorithm not accepted");
}

TEST_F(JwtTokensTest, RejectsMissingAlg) {
  json::object const header{{"typ", "JWT"}, {"kid", key_.kid}};
  EXPECT_EQ(rejection(header, valid_claims()), "algorithm not accepted");
}

TEST_F(JwtTokensTest, RejectsCriticalHeader) {
  auto header = eddsa_header();
  header["crit"] = json::array{"exp"};
  EXPECT_EQ(rejection(header, valid_claims()), "critical header not understood");
}

TEST_F(JwtTokensTest, RejectsOtherTokenType) {
  auto header = eddsa_header();
  header["typ"] = "JOSE+JSON";
  EXPECT_EQ(rejection(header, valid_claims()), "wrong token type");
}

TEST_F(JwtTokensTest, AcceptsHeaderWithoutType) {
  auto header = eddsa_header();
  header.erase("typ");
  EXPECT_TRUE(tokens_.verify(sign_eddsa(key_, header, valid_claims())).has_value());
}

TEST_F(JwtTokensTest, RejectsUnknownKeyId) {
  auto header = eddsa_header();
  header["kid"] = "not-a-key-we-hold";
  EXPECT_EQ(rejection(header, valid_claims()), "unknown key id");
}

TEST_F(JwtTokensTest, RejectsTokenOfAnotherKeyPair) {
  auto const other = generate_signing_key();
  auto const result = tokens_.verify(make_tokens(other).issue(organizer()).token);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "unknown key id");
}

TEST_F(JwtTokensTest, RejectsAnotherKeyPairClaimingOurKeyId) {
  auto const other = generate_signing_key();
  auto const result = tokens_.verify(sign_eddsa(other, eddsa_header(), valid_claims()));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "bad signature");
}

TEST_F(JwtTokensTest, VerifiesTokensOfAlsoTrustedKeys) {
  auto const previous = generate_signing_key();
  auto const old_token = make_tokens(previous).issue(organizer()).token;

  auto rotated = make_tokens(key_, test_settings(), {previous});
  auto const principal = rotated.verify(old_token);
  ASSERT_TRUE(principal.has_value()) << principal.error();
  EXPECT_EQ(principal->user_id, "user-1");
  // New tokens are signed with the new key only.
  EXPECT_EQ(split(rotated.issue(organizer()).token).header.at("kid").as_string(), std::string_view(key_.kid));
}

TEST_F(JwtTokensTest, RejectsClaimsThatDoNotNameAPrincipal) {
  auto no_subject = valid_claims();
  no_subject.erase("sub");
  EXPECT_EQ(rejection(eddsa_header(), no_subject), "missing subject");

  auto empty_subject = valid_claims();
  empty_subject["sub"] = "";
  EXPECT_EQ(rejection(eddsa_header(), empty_subject), "missing subject");

  auto unknown_role = valid_claims();
  unknown_role["roles"] = json::array{"attendee", "superuser"};
  EXPECT_EQ(rejection(eddsa_header(), unknown_role), "unknown role");

  auto no_roles = valid_claims();
  no_roles.erase("roles");
  EXPECT_EQ(rejection(eddsa_header(), no_roles), "missing roles");
}

TEST_F(JwtTokensTest, TheRetiredStaffRoleInATokenGrantsNothing) {
  // Tokens issued before door staff became per-event invitations may still name "staff".
  auto claims = valid_claims();
  claims["roles"] = json::array{"attendee", "staff"};
  auto const principal = tokens_.verify(sign_eddsa(key_, eddsa_header(), claims));
  ASSERT_TRUE(principal.has_value()) << principal.error();
  EXPECT_EQ(principal->roles, Roles(Role::attendee));
  EXPECT_EQ(principal->roles.bits(), 1);

  claims["roles"] = json::array{"staff"};
  auto const only_staff = tokens_.verify(sign_eddsa(key_, eddsa_header(), claims));
  ASSERT_TRUE(only_staff.has_value()) << only_staff.error();
  EXPECT_EQ(only_staff->roles, Roles());
}

TEST_F(JwtTokensTest, ATokenCarriesItsAccountsTokenVersion) {
  auto who = organizer();
  who.token_version = 7;
  auto const token = tokens_.issue(who).token;
  EXPECT_EQ(split(token).claims.at("ver").as_int64(), 7);
  auto const principal = tokens_.verify(token);
  ASSERT_TRUE(principal.has_value()) << principal.error();
  EXPECT_EQ(principal->token_version, 7);

  // Tokens issued before versions existed carry none: version 0.
  auto const old = tokens_.verify(sign_eddsa(key_, eddsa_header(), valid_claims()));
  ASSERT_TRUE(old.has_value()) << old.error();
  EXPECT_EQ(old->token_version, 0);

  for (json::value const& bad : {json::value(-1), json::value("7"), json::value(1.5), json::value(nullptr)}) {
    auto claims = valid_claims();
    claims["ver"] = bad;
    EXPECT_EQ(rejection(eddsa_header(), claims), "malformed token version") << json::serialize(bad);
  }
}

TEST_F(JwtTokensTest, RejectsASubjectThatIsNotAnAccountId) {
  for (std::string const& sub : std::vector<std::string>{"not an id", "u'1", "a/b", "\xc3\xa9t\xc3\xa9",
                                                         std::string(65, 'a'), std::string("a\0b", 3)}) {
    auto claims = valid_claims();
    claims["sub"] = sub;
    EXPECT_EQ(rejection(eddsa_header(), claims), "the subject is not an account id") << sub;
  }
  auto longest = valid_claims();
  longest["sub"] = std::string(64, 'a');
  EXPECT_TRUE(tokens_.verify(sign_eddsa(key_, eddsa_header(), longest)).has_value());
}

TEST_F(JwtTokensTest, RejectsClaimsWithoutTimes) {
  auto no_expiry = valid_claims();
  no_expiry.erase("exp");
  EXPECT_EQ(rejection(eddsa_header(), no_expiry), "missing expiry");

  auto no_issue_time = valid_claims();
  no_issue_time.erase("iat");
  EXPECT_EQ(rejection(eddsa_header(), no_issue_time), "missing issue time");

  auto text_expiry = valid_claims();
  text_expiry["exp"] = "tomorrow";
  EXPECT_EQ(rejection(eddsa_header(), text_expiry), "malformed expiry");

  auto huge_expiry = valid_claims();
  huge_expiry["exp"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(rejection(eddsa_header(), huge_expiry), "malformed expiry");
}

TEST_F(JwtTokensTest, RejectsMalformedTokens) {
  auto const token = tokens_.issue(organizer()).token;
  for (std::string const& bad : {std::string(), std::string("abc"), std::string("a.b"), token + ".extra", "=" + token,
                                 token.substr(0, token.find('.')) + "..x"}) {
    EXPECT_FALSE(tokens_.verify(bad).has_value()) << bad;
  }
}

TEST_F(JwtTokensTest, JwksListsEveryTrustedKey) {
  auto const previous = generate_signing_key();
  auto const rotated = make_tokens(key_, test_settings(), {previous});
  auto const jwks = json::parse(rotated.jwks_json()).as_object();

  auto const& keys = jwks.at("keys").as_array();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], (json::object{{"kty", "OKP"},
                                   {"crv", "Ed25519"},
                                   {"x", base64url_encode(key_.public_key)},
                                   {"kid", key_.kid},
                                   {"alg", "EdDSA"},
                                   {"use", "sig"}}));
  EXPECT_EQ(keys[1].as_object().at("kid").as_string(), std::string_view(previous.kid));
}

// ---- key ids and key files -----------------------------------------------------------------

TEST(JwkThumbprint, MatchesRfc8037Example) {
  // RFC 8037 Appendix A.3.
  auto const x = base64url_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  ASSERT_TRUE(x.has_value());
  ASSERT_EQ(x->size(), 32u);
  std::array<unsigned char, 32> public_key{};
  std::copy(x->begin(), x->end(), public_key.begin());
  EXPECT_EQ(jwk_thumbprint(public_key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(JwkThumbprint, IsTheKeyIdOfAGeneratedKey) {
  init_crypto();
  auto const key = generate_signing_key();
  EXPECT_EQ(key.kid, jwk_thumbprint(key.public_key));
  EXPECT_EQ(key.kid.size(), 43u);
}

class SigningKeyFileTest : public ::testing::Test {
 protected:
  SigningKeyFileTest() {
    init_crypto();
    std::string pattern = ::testing::TempDir() + "admit-key-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    path_ = dir_ / "keys" / "nested" / "jwt-signing.json";
  }
  ~SigningKeyFileTest() override { std::filesystem::remove_all(dir_); }

  static ::mode_t mode_of(std::filesystem::path const& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0);
    return info.st_mode & 0777;
  }

  void write(std::string const& text) {
    std::filesystem::create_directories(path_.parent_path());
    std::ofstream(path_) << text;
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(SigningKeyFileTest, CreatesAPrivateFileInMissingDirectories) {
  auto const key = load_or_create_signing_key(path_);
  ASSERT_TRUE(std::filesystem::is_regular_file(path_));
  EXPECT_EQ(mode_of(path_), 0600u);
  EXPECT_EQ(key.kid, jwk_thumbprint(key.public_key));
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(path_.parent_path()), {}), 1);
}

TEST_F(SigningKeyFileTest, LoadsTheSameKeyAgain) {
  auto const created = load_or_create_signing_key(path_);
  auto const loaded = load_or_create_signing_key(path_);
  EXPECT_EQ(loaded.kid, created.kid);
  EXPECT_EQ(loaded.public_key, created.public_key);
  EXPECT_EQ(loaded.secret_key, created.secret_key);
}

TEST_F(SigningKeyFileTest, TokensSurviveARestart) {
  FakeClock clock;
  SodiumEntropy entropy;
  JwtTokens before(load_or_create_signing_key(path_), {}, test_settings(), clock, entropy);
  auto const token = before.issue(organizer()).token;
  JwtTokens after(load_or_create_signing_key(path_), {}, test_settings(), clock, entropy);
  EXPECT_TRUE(after.verify(token).has_value());
}

TEST_F(SigningKeyFileTest, RestrictsAGroupReadableFile) {
  load_or_create_signing_key(path_);
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  load_or_create_signing_key(path_);
  EXPECT_EQ(mode_of(path_), 0600u);
}

TEST_F(SigningKeyFileTest, ThrowsOnACorruptFile) {
  write("not json at all");
  EXPECT_THROW(load_or_create_signing_key(path_), std::runtime_error);
}

TEST_F(SigningKeyFileTest, ThrowsOnASeedOfTheWrongLength) {
  write(R"({"seed":"AAAA"})");
  EXPECT_THROW(load_or_create_signing_key(path_), std::runtime_error);
}

TEST_F(SigningKeyFileTest, ThrowsWhenTheKidDoesNotMatchTheSeed) {
  auto const key = load_or_create_signing_key(path_);
  std::string text;
  std::getline(std::ifstream(path_), text);
  text.replace(text.find(key.kid), key.kid.size(), jwk_thumbprint(generate_signing_key().public_key));
  write(text);
  EXPECT_THROW(load_or_create_signing_key(path_), std::runtime_error);
}

}  // namespace
}  // namespace admit::auth
