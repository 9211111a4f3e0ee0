#include "auth/jwt.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "base/encoding.hpp"

namespace admit::auth {
namespace json = boost::json;

static_assert(sizeof(SigningKey::public_key) == crypto_sign_PUBLICKEYBYTES);
static_assert(sizeof(SigningKey::secret_key) == crypto_sign_SECRETKEYBYTES);

namespace {

constexpr std::string_view kAlgorithm = "EdDSA";
constexpr std::string_view kType = "JWT";
/// Ours are a few hundred bytes; anything far larger is not worth parsing.
constexpr std::size_t kMaxTokenLength = std::size_t{8} * 1024;
constexpr std::size_t kMaxKeyFileSize = std::size_t{64} * 1024;
/// 9999-12-31T23:59:59Z. Bounding NumericDates keeps `exp + leeway` from overflowing.
constexpr std::int64_t kMaxNumericDate = 253'402'300'799;

using Rejection = std::unexpected<std::string>;

std::span<unsigned char const> bytes_of(std::string_view text) {
  return {reinterpret_cast<unsigned char const*>(text.data()), text.size()};
}

SigningKey key_from_seed(unsigned char const* seed) {
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed);
  key.kid = jwk_thumbprint(key.public_key);
  return key;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  return std::move(parsed.get_object());
}

json::string const* string_member(json::object const& object, std::string_view name) {
  auto const* member = object.if_contains(name);
  return member != nullptr ? member->if_string() : nullptr;
}

/// A NumericDate in whole seconds; fractional or out-of-range values are not accepted because
/// this service never issues them.
std::optional<Timestamp> numeric_date(json::value const& value) {
  std::int64_t seconds = 0;
  if (auto const* signed_value = value.if_int64()) {
    seconds = *signed_value;
  } else if (auto const* unsigned_value = value.if_uint64();
             unsigned_value != nullptr && *unsigned_value <= kMaxNumericDate) {
    seconds = static_cast<std::int64_t>(*unsigned_value);
  } else {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxNumericDate) return std::nullopt;
  return Timestamp{std::chrono::seconds{seconds}};
}

/// Account ids are URL-safe text of modest length (Entropy::new_id makes 22 characters); a
/// subject that is anything else names no account, whoever signed it.
bool is_account_id(std::string_view id) {
  constexpr std::size_t kMaxIdLength = 64;
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool audience_matches(json::value const& aud, std::string_view expected) {
  if (auto const* single = aud.if_string()) return *single == expected;
  if (auto const* many = aud.if_array()) {
    for (auto const& entry : *many) {
      if (auto const* text = entry.if_string(); text != nullptr && *text == expected) return true;
    }
  }
  return false;
}

// ---- key file ------------------------------------------------------------------------------

[[noreturn]] void fail_on_file(std::string const& what, std::filesystem::path const& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

/// Owns a file descriptor, so that every early throw closes it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor const&) = delete;
  FileDescriptor& operator=(FileDescriptor const&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now and reports failure, which for a file just written can be a lost write.
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

/// Wipes a secret held in a std::string once it goes out of scope.
struct WipeOnExit {
  std::string& text;
  ~WipeOnExit() { sodium_memzero(text.data(), text.size()); }
};

SigningKey parse_key_file(std::string const& text, std::filesystem::path const& path) {
  auto const malformed = [&](std::string_view why) {
    return std::runtime_error("signing key file " + path.string() + " is malformed: " + std::string(why));
  };
  auto const object = parse_object(text);
  if (!object) throw malformed("not a JSON object");
  auto const* seed_text = string_member(*object, "seed");
  if (seed_text == nullptr) throw malformed("no \"seed\" string");
  auto seed = base64url_decode(*seed_text);
  if (!seed) throw malformed("\"seed\" is not base64url");
  WipeOnExit const wipe{*seed};
  if (seed->size() != crypto_sign_SEEDBYTES) throw malformed("\"seed\" is not 32 bytes");
  auto key = key_from_seed(reinterpret_cast<unsigned char const*>(seed->data()));
  // The kid is derived, so a stored one that differs means the file was edited by hand.
  if (auto const* kid = object->if_contains("kid");
      kid != nullptr && !(kid->is_string() && kid->get_string() == key.kid)) {
    throw malformed("\"kid\" does not match the key");
  }
  return key;
}

SigningKey read_key_file(FileDescriptor& file, std::filesystem::path const& path) {
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) fail_on_file("cannot stat signing key file", path);
  if (!S_ISREG(info.st_mode)) throw std::runtime_error("signing key file " + path.string() + " is not a regular file");
  if (static_cast<std::size_t>(info.st_size) > kMaxKeyFileSize) {
    throw std::runtime_error("signing key file " + path.string() + " is too large to be a key");
  }
  // A key others can read is a key others can forge tokens with.
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0 && ::fchmod(file.get(), S_IRUSR | S_IWUSR) != 0) {
    fail_on_file("signing key file is readable by group or others and cannot be restricted to 0600:", path);
  }

  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  WipeOnExit const wipe{text};
  std::size_t filled = 0;
  while (filled < text.size()) {
    auto const n = ::read(file.get(), text.data() + filled, text.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_on_file("cannot read signing key file", path);
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  text.resize(filled);
  return parse_key_file(text, path);
}

void write_all(FileDescriptor const& file, std::string_view text, std::filesystem::path const& path) {
  while (!text.empty()) {
    auto const n = ::write(file.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_on_file("cannot write", path);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void create_key_file(SigningKey const& key, std::filesystem::path const& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());

  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), key.secret_key.data());
  std::string text = R"({"kid":")" + key.kid + R"(","seed":")" + base64url_encode(seed) + "\"}\n";
  sodium_memzero(seed.data(), seed.size());
  WipeOnExit const wipe{text};

  // Written beside the target and renamed over it: a reader sees no key or a whole key, and the
  // key is 0600 from its first byte. The random suffix keeps a crashed run's leftover from
  // blocking O_EXCL.
  std::array<unsigned char, 8> suffix{};
  randombytes_buf(suffix.data(), suffix.size());
  auto const temporary = std::filesystem::path(path.string() + ".tmp-" + hex_encode(suffix));
  FileDescriptor file(::open(temporary.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR));
  if (file.get() < 0) fail_on_file("cannot create", temporary);
  try {
    write_all(file, text, temporary);
    if (::fsync(file.get()) != 0) fail_on_file("cannot sync", temporary);
    if (!file.close()) fail_on_file("cannot close", temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail_on_file("cannot rename signing key file into", path);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  // Make the rename itself durable; a directory that cannot be synced only loses that guarantee.
  auto const directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  FileDescriptor const dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

}  // namespace

std::optional<CompactJws> split_compact_jws(std::string_view token) {
  auto const first_dot = token.find('.');
  auto const second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = base64url_decode(token.substr(0, first_dot));
  auto claims = base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  auto signature = base64url_decode(token.substr(second_dot + 1));
  if (!header || !claims || !signature) return std::nullopt;
  return CompactJws{.header = std::move(*header),
                    .claims = std::move(*claims),
                    .signature = std::move(*signature),
                    .signing_input = token.substr(0, second_dot)};
}

std::string jwk_thumbprint(std::array<unsigned char, 32> const& public_key) {
  // RFC 7638 §3.2: the required members only, in lexicographic order, with no whitespace.
  auto const canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + base64url_encode(public_key) + "\"}";
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes_of(canonical).data(), canonical.size());
  return base64url_encode(digest);
}

SigningKey generate_signing_key() {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto key = key_from_seed(seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey signing_key_from_seed(std::string_view seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) throw std::invalid_argument("a signing key seed has 32 bytes");
  return key_from_seed(reinterpret_cast<unsigned char const*>(seed.data()));
}

SigningKey load_or_create_signing_key(std::filesystem::path const& path) {
  FileDescriptor existing(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (existing.get() >= 0) return read_key_file(existing, path);
  if (errno != ENOENT) fail_on_file("cannot open signing key file", path);
  auto key = generate_signing_key();
  create_key_file(key, path);
  return key;
}

// ---- tokens --------------------------------------------------------------------------------

JwtTokens::JwtTokens(SigningKey signing, std::vector<SigningKey> also_trusted, JwtSettings settings, Clock const& clock,
                     Entropy& entropy)
    : settings_(std::move(settings)), clock_(clock), entropy_(entropy) {
  keys_.reserve(1 + also_trusted.size());
  keys_.push_back(std::move(signing));
  for (auto& key : also_trusted) keys_.push_back(std::move(key));
}

IssuedToken JwtTokens::issue(Principal const& who) {
  // Such a token could never verify; issuing one is a bug in the caller.
  if (who.user_id.empty()) throw std::invalid_argument("an access token needs a subject");
  auto const& key = keys_.front();
  auto const issued_at = clock_.now().time_since_epoch().count();

  json::object header;
  header["alg"] = kAlgorithm;
  header["typ"] = kType;
  header["kid"] = key.kid;

  json::array roles;
  for (auto const name : who.roles.names()) roles.emplace_back(name);
  json::object claims;
  claims["sub"] = who.user_id;
  claims["roles"] = std::move(roles);
  claims["iss"] = settings_.issuer;
  claims["aud"] = settings_.audience;
  claims["iat"] = issued_at;
  claims["nbf"] = issued_at;
  claims["exp"] = issued_at + settings_.lifetime.count();
  claims["jti"] = entropy_.new_id();
  claims["ver"] = who.token_version;
  if (who.signed_in_at) claims["auth_time"] = who.signed_in_at->time_since_epoch().count();

  auto token = base64url_encode(json::serialize(header)) + '.' + base64url_encode(json::serialize(claims));
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, bytes_of(token).data(), token.size(), key.secret_key.data());
  token += '.';
  token += base64url_encode(signature);
  return {std::move(token), settings_.lifetime};
}

std::expected<Principal, std::string> JwtTokens::verify(std::string_view token) {
  auto const now = clock_.now();
  std::string key(token);
  {
    std::lock_guard const lock(cache_mutex_);
    if (auto const hit = cache_.find(key); hit != cache_.end()) {
      // The same expiry rule as verify_uncached, so the cache never outlives the token.
      if (now < hit->second.expires_at + settings_.leeway) return hit->second.principal;
      cache_.erase(hit);
      return Rejection("expired");
    }
  }

  Timestamp expires_at;
  auto principal = verify_uncached(token, expires_at);
  if (!principal) return principal;

  std::lock_guard const lock(cache_mutex_);
  // Wholesale clearing keeps the bound without any bookkeeping; the cost is one signature check
  // per live token afterwards.
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.insert_or_assign(std::move(key), CacheEntry{*principal, expires_at});
  return principal;
}

std::expected<Principal, std::string> JwtTokens::verify_uncached(std::string_view token, Timestamp& expires_at) {
  if (token.size() > kMaxTokenLength) return Rejection("token too long");
  auto const jws = split_compact_jws(token);
  if (!jws) return Rejection("malformed token");
  auto const signing_input = jws->signing_input;
  auto const& signature = jws->signature;

  // The header is read before the signature is checked, so it may only choose among our own keys
  // and our one algorithm; it can never name the verification method (RFC 8725 §3.1).
  auto const header = parse_object(jws->header);
  if (!header) return Rejection("malformed header");
  auto const* alg = string_member(*header, "alg");
  if (alg == nullptr || *alg != kAlgorithm) return Rejection("algorithm not accepted");
  if (header->contains("crit")) return Rejection("critical header not understood");
  if (auto const* typ = header->if_contains("typ");
      typ != nullptr && !(typ->is_string() && typ->get_string() == kType)) {
    return Rejection("wrong token type");
  }
  auto const* kid = string_member(*header, "kid");
  if (kid == nullptr) return Rejection("missing key id");
  SigningKey const* key = nullptr;
  for (auto const& candidate : keys_) {
    if (*kid == candidate.kid) key = &candidate;
  }
  if (key == nullptr) return Rejection("unknown key id");

  if (signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(bytes_of(signature).data(), bytes_of(signing_input).data(), signing_input.size(),
                                  key->public_key.data()) != 0) {
    return Rejection("bad signature");
  }

  auto const claims = parse_object(jws->claims);
  if (!claims) return Rejection("malformed claims");
  auto const* iss = string_member(*claims, "iss");
  if (iss == nullptr || *iss != settings_.issuer) return Rejection("wrong issuer");
  auto const* aud = claims->if_contains("aud");
  if (aud == nullptr || !audience_matches(*aud, settings_.audience)) return Rejection("wrong audience");

  auto const now = clock_.now();
  auto const* exp_value = claims->if_contains("exp");
  if (exp_value == nullptr) return Rejection("missing expiry");
  auto const exp = numeric_date(*exp_value);
  if (!exp) return Rejection("malformed expiry");
  if (now >= *exp + settings_.leeway) return Rejection("expired");
  if (auto const* nbf_value = claims->if_contains("nbf")) {
    auto const nbf = numeric_date(*nbf_value);
    if (!nbf) return Rejection("malformed not-before");
    if (*nbf > now + settings_.leeway) return Rejection("not yet valid");
  }
  auto const* iat_value = claims->if_contains("iat");
  if (iat_value == nullptr) return Rejection("missing issue time");
  auto const iat = numeric_date(*iat_value);
  if (!iat) return Rejection("malformed issue time");
  if (*iat > now + settings_.leeway) return Rejection("issued in the future");

  auto const* sub = string_member(*claims, "sub");
  if (sub == nullptr || sub->empty()) return Rejection("missing subject");
  if (!is_account_id(*sub)) return Rejection("the subject is not an account id");
  // The account's token version when the token was issued; tokens from before versions existed
  // carry none and count as version 0.
  std::int64_t version = 0;
  if (auto const* ver = claims->if_contains("ver")) {
    auto const* number = ver->if_int64();
    if (number == nullptr || *number < 0) return Rejection("malformed token version");
    version = *number;
  }
  auto const* role_names = claims->if_contains("roles");
  if (role_names == nullptr || !role_names->is_array()) return Rejection("missing roles");
  Roles roles;
  for (auto const& name : role_names->get_array()) {
    auto const* text = name.if_string();
    if (text != nullptr && is_retired_role(*text)) continue;  // issued before the role was retired: grants nothing
    auto const role = text != nullptr ? parse_role(*text) : std::nullopt;
    if (!role) return Rejection("unknown role");
    roles = roles.with(*role);
  }

  std::optional<Timestamp> signed_in_at;
  if (auto const* auth_time = claims->if_contains("auth_time")) {
    signed_in_at = numeric_date(*auth_time);
    if (!signed_in_at) return Rejection("malformed sign-in time");
  }

  expires_at = *exp;
  return Principal{.user_id = std::string(*sub),
                   .roles = roles,
                   .token_version = version,
                   .order_id = {},
                   .signed_in_at = signed_in_at};
}

std::string JwtTokens::jwks_json() const {
  json::array keys;
  for (auto const& key : keys_) {
    keys.emplace_back(json::object{
        {"kty", "OKP"},
        {"crv", "Ed25519"},
        {"x", base64url_encode(key.public_key)},
        {"kid", key.kid},
        {"alg", kAlgorithm},
        {"use", "sig"},
    });
  }
  return json::serialize(json::object{{"keys", std::move(keys)}});
}

}  // namespace admit::auth
