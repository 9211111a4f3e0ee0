#include "auth/external_jwt.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <utility>

#include "auth/jwt.hpp"
#include "base/encoding.hpp"

namespace admit::auth {
namespace json = boost::json;

namespace {

using Rejection = std::unexpected<std::string>;

constexpr std::size_t kMaxTokenLength = std::size_t{16} * 1024;
constexpr int kMinRsaBits = 2048;
constexpr std::size_t kEs256Half = 32;
constexpr std::int64_t kMaxNumericDate = 253'402'300'799;  // 9999-12-31T23:59:59Z

struct EvpKeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct EvpCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct SigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

unsigned char const* bytes(std::string_view text) {
  return reinterpret_cast<unsigned char const*>(text.data());
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  return std::move(parsed.get_object());
}

std::string text_member(json::object const& object, std::string_view name) {
  auto const* member = object.if_contains(name);
  if (member == nullptr || !member->is_string()) return {};
  return std::string(member->get_string());
}

/// A base64url member decoded, or nullopt when missing or malformed.
std::optional<std::string> bytes_member(json::object const& object, std::string_view name) {
  auto const* member = object.if_contains(name);
  if (member == nullptr || !member->is_string()) return std::nullopt;
  return base64url_decode(member->get_string());
}

std::unique_ptr<BIGNUM, BnFree> big_number(std::string const& big_endian) {
  return std::unique_ptr<BIGNUM, BnFree>(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
}

/// An EVP_PKEY made from parameters, or null when OpenSSL refuses them.
std::shared_ptr<void> key_from_params(char const* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
  if (!params) return nullptr;
  std::unique_ptr<EVP_PKEY_CTX, EvpCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0 || key == nullptr) return nullptr;
  return {key, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); }};
}

std::shared_ptr<void> rsa_key(json::object const& jwk) {
  auto const n = bytes_member(jwk, "n");
  auto const e = bytes_member(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  auto modulus = big_number(*n);
  auto exponent = big_number(*e);
  if (!modulus || !exponent || BN_num_bits(modulus.get()) < kMinRsaBits) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) == 0 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) == 0) {
    return nullptr;
  }
  return key_from_params("RSA", builder.get());
}

std::shared_ptr<void> p256_key(json::object const& jwk) {
  if (text_member(jwk, "crv") != "P-256") return nullptr;
  auto const x = bytes_member(jwk, "x");
  auto const y = bytes_member(jwk, "y");
  if (!x || !y || x->size() != kEs256Half || y->size() != kEs256Half) return nullptr;
  std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 0 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 0) {
    return nullptr;
  }
  // EVP_PKEY_fromdata checks that the point lies on the curve.
  return key_from_params("EC", builder.get());
}

/// The JWS ES256 signature (r||s, 32 bytes each) in the DER form OpenSSL verifies.
std::optional<std::string> es256_der(std::string_view signature) {
  if (signature.size() != 2 * kEs256Half) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  auto* r = BN_bin2bn(bytes(signature), static_cast<int>(kEs256Half), nullptr);
  auto* s = BN_bin2bn(bytes(signature) + kEs256Half, static_cast<int>(kEs256Half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) == 0) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int const length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::optional<Timestamp> numeric_date(json::value const& value) {
  std::int64_t seconds = 0;
  if (auto const* number = value.if_int64()) {
    seconds = *number;
  } else if (auto const* unsigned_number = value.if_uint64(); unsigned_number != nullptr) {
    if (*unsigned_number > static_cast<std::uint64_t>(kMaxNumericDate)) return std::nullopt;
    seconds = static_cast<std::int64_t>(*unsigned_number);
  } else if (auto const* real = value.if_double()) {
    // Some issuers write fractional seconds; whole seconds are precise enough.
    if (!(*real >= 0 && *real <= static_cast<double>(kMaxNumericDate))) return std::nullopt;
    seconds = static_cast<std::int64_t>(*real);
  } else {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxNumericDate) return std::nullopt;
  return Timestamp{std::chrono::seconds{seconds}};
}

bool contains_text(json::value const& value, std::string_view expected) {
  if (auto const* single = value.if_string()) return *single == expected;
  if (auto const* many = value.if_array()) {
    for (auto const& entry : *many) {
      if (auto const* text = entry.if_string(); text != nullptr && *text == expected) return true;
    }
  }
  return false;
}

std::size_t audience_count(json::value const& value) {
  if (auto const* many = value.if_array()) return many->size();
  return 1;
}

}  // namespace

// ---- keys ----------------------------------------------------------------------------------

ExternalKey::ExternalKey(std::string kid, std::string alg, std::shared_ptr<void> evp_key, std::string raw_ed25519)
    : kid_(std::move(kid)), alg_(std::move(alg)), evp_key_(std::move(evp_key)), ed25519_(std::move(raw_ed25519)) {}

bool ExternalKey::verifies(std::string_view input, std::string_view signature) const {
  if (alg_ == "EdDSA") {
    return ed25519_.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(bytes(signature), bytes(input), input.size(), bytes(ed25519_)) == 0;
  }
  if (!evp_key_) return false;
  std::string der;
  if (alg_ == "ES256") {
    auto converted = es256_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(evp_key_.get())) <= 0) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input), input.size()) == 1;
}

std::expected<std::vector<ExternalKey>, std::string> parse_jwks(std::string_view document) {
  auto const set = parse_object(document);
  if (!set) return Rejection("the JWK Set is not a JSON object");
  auto const* entries = set->if_contains("keys");
  if (entries == nullptr || !entries->is_array()) return Rejection("the JWK Set has no \"keys\" array");
  std::vector<ExternalKey> keys;
  keys.reserve(entries->get_array().size());
  for (auto const& entry : entries->get_array()) {
    auto const* jwk = entry.if_object();
    if (jwk == nullptr) continue;
    if (auto const use = text_member(*jwk, "use"); !use.empty() && use != "sig") continue;
    auto const kty = text_member(*jwk, "kty");
    auto const declared = text_member(*jwk, "alg");
    auto kid = text_member(*jwk, "kid");
    if (kty == "RSA" && (declared.empty() || declared == "RS256")) {
      if (auto key = rsa_key(*jwk)) keys.emplace_back(std::move(kid), "RS256", std::move(key), std::string());
    } else if (kty == "EC" && (declared.empty() || declared == "ES256")) {
      if (auto key = p256_key(*jwk)) keys.emplace_back(std::move(kid), "ES256", std::move(key), std::string());
    } else if (kty == "OKP" && (declared.empty() || declared == "EdDSA") && text_member(*jwk, "crv") == "Ed25519") {
      auto x = bytes_member(*jwk, "x");
      if (x && x->size() == crypto_sign_PUBLICKEYBYTES)
        keys.emplace_back(std::move(kid), "EdDSA", nullptr, std::move(*x));
    }
  }
  return keys;
}

ExternalKeySet::ExternalKeySet(Fetch fetch, std::chrono::seconds min_interval, std::chrono::seconds max_age,
                               SteadyClock now)
    : fetch_(std::move(fetch)), min_interval_(min_interval), max_age_(max_age), now_(std::move(now)) {}

std::shared_ptr<ExternalKey const> ExternalKeySet::lookup(Keys const& keys, std::string_view kid,
                                                          std::string_view alg) {
  if (!keys) return nullptr;
  ExternalKey const* found = nullptr;
  int candidates = 0;
  for (auto const& key : *keys) {
    if (key.alg() != alg) continue;
    if (!kid.empty() ? key.kid() == kid : ++candidates == 1) found = &key;
  }
  if (kid.empty() && candidates != 1) return nullptr;  // which one is meant is ambiguous
  if (found == nullptr) return nullptr;
  return {keys, found};  // shares ownership of the whole set
}

ExternalKeySet::FetchNeed ExternalKeySet::fetch_need(std::string_view kid, std::string_view alg) const {
  auto const now = now_();
  std::lock_guard const lock(mutex_);
  bool const may_fetch = !attempted_ || now - last_attempt_ >= min_interval_;
  if (!may_fetch) return FetchNeed::none;
  if (!lookup(keys_, kid, alg)) return FetchNeed::key_missing;
  return now - fetched_at_ >= max_age_ ? FetchNeed::stale : FetchNeed::none;
}

std::optional<std::pair<std::string, std::string>> ExternalKeySet::key_of(std::string_view token) {
  if (token.size() > kMaxTokenLength) return std::nullopt;
  auto const jws = split_compact_jws(token);
  if (!jws) return std::nullopt;
  auto const header = parse_object(jws->header);
  if (!header) return std::nullopt;
  return std::make_pair(text_member(*header, "kid"), text_member(*header, "alg"));
}

std::expected<std::shared_ptr<ExternalKey const>, std::string> ExternalKeySet::find(std::string_view kid,
                                                                                    std::string_view alg,
                                                                                    bool may_fetch) {
  auto const now = now_();
  Keys keys;
  bool due = false;
  {
    std::lock_guard const lock(mutex_);
    keys = keys_;
    bool const fetch_allowed = may_fetch && (!attempted_ || now - last_attempt_ >= min_interval_);
    bool const stale = !keys || now - fetched_at_ >= max_age_;
    due = fetch_allowed && (stale || !lookup(keys, kid, alg));
  }
  if (auto key = lookup(keys, kid, alg); key && !due) return key;
  if (due) {
    try {
      refresh(now);
    } catch (...) {
      // A stale set still serves while the issuer is away; no set at all is an outage.
      if (!keys) throw;
    }
    std::lock_guard const lock(mutex_);
    keys = keys_;
  }
  if (auto key = lookup(keys, kid, alg)) return key;
  return Rejection("no key of the issuer matches the token's key id and algorithm");
}

void ExternalKeySet::refresh(std::chrono::steady_clock::time_point now) {
  std::lock_guard const one_fetch(fetching_);
  {
    std::lock_guard const lock(mutex_);
    // Another thread fetched while this one waited.
    if (attempted_ && last_attempt_ >= now) return;
    attempted_ = true;
    last_attempt_ = now_();
    ++fetches_;
  }
  auto parsed = parse_jwks(fetch_());
  if (!parsed) throw std::runtime_error("the issuer's JWK Set is unusable: " + parsed.error());
  auto fresh = std::make_shared<std::vector<ExternalKey> const>(std::move(*parsed));
  std::lock_guard const lock(mutex_);
  keys_ = std::move(fresh);
  fetched_at_ = last_attempt_;
}

int ExternalKeySet::fetches() const {
  std::lock_guard const lock(mutex_);
  return fetches_;
}

// ---- tokens --------------------------------------------------------------------------------

std::expected<json::object, std::string> verify_external_jwt(std::string_view token, ExternalKeySet& keys,
                                                             ExternalTokenRules const& rules, ExternalTokenKind kind,
                                                             Timestamp now) {
  if (token.size() > kMaxTokenLength) return Rejection("token too long");
  auto const jws = split_compact_jws(token);
  if (!jws) return Rejection("malformed token");

  // The header only picks one of the issuer's keys; the key decides the algorithm, so `none`,
  // HS256 or any algorithm other than the key's own never verifies (RFC 8725 §3.1).
  auto const header = parse_object(jws->header);
  if (!header) return Rejection("malformed header");
  auto const alg = text_member(*header, "alg");
  if (alg != "RS256" && alg != "ES256" && alg != "EdDSA") return Rejection("algorithm not accepted");
  if (header->contains("crit")) return Rejection("critical header not understood");
  auto const typ = text_member(*header, "typ");
  bool const typed_access = typ == "at+jwt" || typ == "application/at+jwt";
  auto const key = keys.find(text_member(*header, "kid"), alg, rules.may_fetch_keys);
  if (!key) return Rejection(key.error());
  if (!(*key)->verifies(jws->signing_input, jws->signature)) return Rejection("bad signature");

  auto claims = parse_object(jws->claims);
  if (!claims) return Rejection("malformed claims");
  if (text_member(*claims, "iss") != rules.issuer) return Rejection("wrong issuer");

  auto const* aud = claims->if_contains("aud");
  auto const token_use = text_member(*claims, "token_use");  // Cognito's
  if (kind == ExternalTokenKind::id_token) {
    if (typed_access || (!token_use.empty() && token_use != "id")) return Rejection("not an ID token");
    if (aud == nullptr || !contains_text(*aud, rules.client_id)) return Rejection("wrong audience");
    auto const azp = text_member(*claims, "azp");
    if (!azp.empty() ? azp != rules.client_id : audience_count(*aud) > 1) return Rejection("wrong authorized party");
  } else {
    // An ID token carries our client in `aud` too; only a token that says it is an access token
    // may be one, so an ID token leaked from a browser never becomes a bearer credential.
    bool const access = typed_access || token_use == "access" || text_member(*claims, "typ") == "Bearer";
    if (!access) return Rejection("not an access token");
    bool const ours = text_member(*claims, "client_id") == rules.client_id ||
                      (aud != nullptr && contains_text(*aud, rules.client_id));
    if (!ours) return Rejection("wrong audience");
  }

  auto const* exp_value = claims->if_contains("exp");
  if (exp_value == nullptr) return Rejection("missing expiry");
  auto const exp = numeric_date(*exp_value);
  if (!exp) return Rejection("malformed expiry");
  if (now >= *exp + rules.leeway) return Rejection("expired");
  if (auto const* nbf_value = claims->if_contains("nbf")) {
    auto const nbf = numeric_date(*nbf_value);
    if (!nbf) return Rejection("malformed not-before");
    if (*nbf > now + rules.leeway) return Rejection("not yet valid");
  }
  if (auto const* iat_value = claims->if_contains("iat")) {
    auto const iat = numeric_date(*iat_value);
    if (!iat) return Rejection("malformed issue time");
    if (*iat > now + rules.leeway) return Rejection("issued in the future");
  } else if (kind == ExternalTokenKind::id_token) {
    return Rejection("missing issue time");
  }
  if (text_member(*claims, "sub").empty()) return Rejection("missing subject");
  return std::move(*claims);
}

}  // namespace admit::auth
