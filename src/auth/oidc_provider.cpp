#include "auth/oidc_provider.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "base/encoding.hpp"
#include "base/log.hpp"
#include "base/thread_name.hpp"

namespace admit::auth {
namespace json = boost::json;

namespace {

constexpr char kUserAgent[] = "Admit/0.1";
constexpr std::size_t kMaxBody = std::size_t{1} << 20;  // discovery, JWK Sets and token replies are small
constexpr std::size_t kExcerpt = 200;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Outage("libcurl failed to start");
  });
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = *static_cast<std::string*>(user);
  auto const n = size * count;
  if (body.size() + n > kMaxBody) return 0;  // aborts the transfer
  body.append(data, n);
  return n;
}

struct Answer {
  long status = 0;
  std::string body;
};

/// One HTTP exchange with the provider: GET, or POST of a form when `form` is set. Throws Outage
/// when no answer came (refused, timed out, a certificate that does not verify).
Answer exchange(std::string const& url, std::chrono::milliseconds timeout, std::string const* form = nullptr,
                std::string const& authorization = {}) {
  std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) throw Outage("the identity provider is not reachable: libcurl could not create a handle");
  CURL* const h = handle.get();
  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&headers](std::string const& line) {
    curl_slist* const grown = curl_slist_append(headers.get(), line.c_str());
    if (grown == nullptr) throw Outage("out of memory");
    (void)headers.release();
    headers.reset(grown);
  };
  add_header("Accept: application/json");
  if (!authorization.empty()) add_header("Authorization: " + authorization);

  Answer answer;
  std::array<char, CURL_ERROR_SIZE> error{};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
  if (form != nullptr) {
    add_header("Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form->c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form->size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  auto const code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    throw Outage("the identity provider is not reachable: " +
                 std::string(error[0] != '\0' ? error.data() : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kExcerpt));
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string text_member(json::object const& object, std::string_view name) {
  auto const* member = object.if_contains(name);
  return member != nullptr && member->is_string() ? std::string(member->get_string()) : std::string();
}

bool has_text(json::object const& object, std::string_view name, std::string_view wanted) {
  auto const* member = object.if_contains(name);
  if (member == nullptr || !member->is_array()) return false;
  return std::any_of(member->get_array().begin(), member->get_array().end(),
                     [&](json::value const& v) { return v.is_string() && v.get_string() == wanted; });
}

/// Whether `url` may carry secrets: https, or http to this machine (a provider in a test).
bool acceptable_url(std::string_view url) {
  if (url.starts_with("https://")) return true;
  for (std::string_view const local : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.starts_with(local) &&
        (url.size() == local.size() || url[local.size()] == ':' || url[local.size()] == '/')) {
      return true;
    }
  }
  return false;
}

json::object parse_object(std::string const& body, char const* what) {
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    throw Outage(std::string("the identity provider answered with an unreadable ") + what + ": " + excerpt(body));
  }
  return std::move(parsed.get_object());
}

/// The groups in a claim: an array of strings, or one string of names separated by spaces or
/// commas (some providers flatten the list).
std::vector<std::string> groups_in(json::value const& claim) {
  std::vector<std::string> groups;
  if (auto const* list = claim.if_array()) {
    groups.reserve(list->size());
    for (auto const& entry : *list) {
      if (entry.is_string()) groups.emplace_back(entry.get_string());
    }
  } else if (auto const* text = claim.if_string()) {
    std::string current;
    for (char const c : *text) {
      if (c == ' ' || c == ',') {
        if (!current.empty()) groups.push_back(std::move(current));
        current.clear();
      } else {
        current += c;
      }
    }
    if (!current.empty()) groups.push_back(std::move(current));
  }
  return groups;
}

}  // namespace

OidcProvider::OidcProvider(OidcSettings settings)
    : settings_(std::move(settings)), keys_([this] {
        auto const uri = metadata().jwks_uri;
        auto const answer = exchange(uri, settings_.timeout);
        if (answer.status != 200) {
          throw Outage("the identity provider's JWK Set answered HTTP " + std::to_string(answer.status));
        }
        return answer.body;
      }) {
  if (!acceptable_url(settings_.issuer)) {
    throw std::invalid_argument("ADMIT_OIDC_ISSUER must be an https URL (http only on this machine), not '" +
                                settings_.issuer + "'");
  }
  if (settings_.client_id.empty()) throw std::invalid_argument("ADMIT_OIDC_CLIENT_ID is required with an issuer");
  init_curl_once();
  prefetcher_ = std::thread([this] { prefetch_loop(); });
}

OidcProvider::~OidcProvider() {
  {
    std::lock_guard const lock(prefetch_mutex_);
    stopping_ = true;
  }
  prefetch_wanted_.notify_all();
  prefetcher_.join();
}

void OidcProvider::prefetch_loop() {
  name_this_thread("admit-oidc-keys");
  std::unique_lock lock(prefetch_mutex_);
  while (true) {
    prefetch_wanted_.wait(lock, [this] { return stopping_ || prefetching_; });
    if (stopping_) break;
    auto const [kid, alg] = prefetch_key_;
    lock.unlock();
    try {
      (void)keys_.find(kid, alg);  // fetches, as it is due; the tokens' verification reads the result
    } catch (std::exception const& e) {
      log::warn("identity provider key set fetch failed", {{"error", e.what()}});
    }
    lock.lock();
    prefetching_ = false;
    auto ready = std::exchange(waiting_, {});
    lock.unlock();
    for (auto& callback : ready) callback();
    lock.lock();
  }
  // Requests still waiting hear now; their tokens' keys stay unknown.
  auto ready = std::exchange(waiting_, {});
  lock.unlock();
  for (auto& callback : ready) callback();
}

bool OidcProvider::prepare_access_token(std::string_view token, std::function<void()> ready) {
  auto key = ExternalKeySet::key_of(token);
  if (!key || (key->second != "RS256" && key->second != "ES256" && key->second != "EdDSA")) return false;
  std::lock_guard const lock(prefetch_mutex_);
  if (stopping_) return false;
  // A fetch under way may bring this key too: wait for it rather than refuse meanwhile.
  if (prefetching_) {
    waiting_.push_back(std::move(ready));
    return true;
  }
  auto const need = keys_.fetch_need(key->first, key->second);
  if (need == ExternalKeySet::FetchNeed::none) return false;
  prefetching_ = true;
  prefetch_key_ = std::move(*key);
  // A stale set still verifies the token: it is refreshed behind it, and nobody waits.
  if (need == ExternalKeySet::FetchNeed::key_missing) waiting_.push_back(std::move(ready));
  prefetch_wanted_.notify_one();
  return need == ExternalKeySet::FetchNeed::key_missing;
}

ProviderMetadata OidcProvider::metadata() {
  auto const now = std::chrono::steady_clock::now();
  {
    std::lock_guard const lock(mutex_);
    if (metadata_ && now - metadata_at_ < settings_.metadata_max_age) return *metadata_;
  }
  auto issuer = settings_.issuer;
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  auto const answer = exchange(issuer + "/.well-known/openid-configuration", settings_.timeout);
  if (answer.status != 200) {
    std::lock_guard const lock(mutex_);
    // A provider that answered before keeps serving from what it said.
    if (metadata_) return *metadata_;
    throw Outage("the identity provider's discovery answered HTTP " + std::to_string(answer.status));
  }
  auto const document = parse_object(answer.body, "discovery document");
  // OpenID Connect Discovery §4.3: the issuer it names must be exactly the one asked.
  if (text_member(document, "issuer") != settings_.issuer) {
    throw Outage("the identity provider's discovery names the issuer '" + text_member(document, "issuer") + "', not '" +
                 settings_.issuer + "'");
  }
  ProviderMetadata fresh{
      .authorization_endpoint = text_member(document, "authorization_endpoint"),
      .token_endpoint = text_member(document, "token_endpoint"),
      .jwks_uri = text_member(document, "jwks_uri"),
  };
  for (auto const* url : {&fresh.authorization_endpoint, &fresh.token_endpoint, &fresh.jwks_uri}) {
    if (!acceptable_url(*url)) throw Outage("the identity provider's discovery lacks an https endpoint");
  }
  if (document.contains("code_challenge_methods_supported") &&
      !has_text(document, "code_challenge_methods_supported", "S256")) {
    throw Outage("the identity provider does not support PKCE with S256");
  }
  fresh.client_secret_post_only = document.contains("token_endpoint_auth_methods_supported") &&
                                  !has_text(document, "token_endpoint_auth_methods_supported", "client_secret_basic") &&
                                  has_text(document, "token_endpoint_auth_methods_supported", "client_secret_post");
  std::lock_guard const lock(mutex_);
  metadata_ = std::make_shared<ProviderMetadata const>(fresh);
  metadata_at_ = now;
  return fresh;
}

std::string OidcProvider::authorization_url(AuthorizationRequest const& request) {
  auto const endpoint = metadata().authorization_endpoint;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<unsigned char const*>(request.code_verifier.data()),
                     request.code_verifier.size());
  auto const challenge = base64url_encode(digest);
  auto const query = form_urlencoded({{"response_type", "code"},
                                      {"client_id", settings_.client_id},
                                      {"redirect_uri", settings_.redirect_uri},
                                      {"scope", settings_.scope},
                                      {"state", request.state},
                                      {"nonce", request.nonce},
                                      {"code_challenge", challenge},
                                      {"code_challenge_method", "S256"}});
  return endpoint + (endpoint.find('?') == std::string::npos ? '?' : '&') + query;
}

std::expected<ExternalPerson, std::string> OidcProvider::redeem_code(std::string_view code,
                                                                     std::string_view code_verifier,
                                                                     std::string_view nonce) {
  auto const meta = metadata();
  std::string authorization;
  std::string body;
  if (settings_.client_secret.empty() || meta.client_secret_post_only) {
    body = form_urlencoded({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", settings_.redirect_uri},
                            {"code_verifier", code_verifier},
                            {"client_id", settings_.client_id}});
    if (!settings_.client_secret.empty()) body += "&client_secret=" + percent_encode(settings_.client_secret);
  } else {
    // RFC 6749 §2.3.1: both parts form-encoded, then base64 (not base64url).
    authorization = "Basic ";
    auto const credentials = percent_encode(settings_.client_id) + ':' + percent_encode(settings_.client_secret);
    std::string encoded(sodium_base64_ENCODED_LEN(credentials.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<unsigned char const*>(credentials.data()),
                      credentials.size(), sodium_base64_VARIANT_ORIGINAL);
    encoded.resize(std::strlen(encoded.c_str()));
    authorization += encoded;
    body = form_urlencoded({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", settings_.redirect_uri},
                            {"code_verifier", code_verifier}});
  }
  auto const answer = exchange(meta.token_endpoint, settings_.timeout, &body, authorization);
  if (answer.status >= 500)
    throw Outage("the identity provider's token endpoint answered HTTP " + std::to_string(answer.status));
  if (answer.status != 200) {
    return std::unexpected("the provider refused the code: HTTP " + std::to_string(answer.status) + " " +
                           excerpt(answer.body));
  }
  auto const reply = parse_object(answer.body, "token reply");
  auto const id_token = text_member(reply, "id_token");
  if (id_token.empty()) return std::unexpected("the provider sent no ID token");
  auto const now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto claims = verify_external_jwt(
      id_token, keys_, {.issuer = settings_.issuer, .client_id = settings_.client_id, .leeway = settings_.leeway},
      ExternalTokenKind::id_token, now);
  if (!claims) return std::unexpected("the ID token is not valid: " + claims.error());
  // The nonce ties the token to this browser's flow: a token from another flow is refused.
  if (nonce.empty() || text_member(*claims, "nonce") != nonce) return std::unexpected("the ID token's nonce differs");
  return person_of(*claims);
}

std::expected<ExternalPerson, std::string> OidcProvider::verify_access_token(std::string_view token) {
  auto const now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto claims =
      verify_external_jwt(token, keys_,
                          // Never on a request's thread: prepare_access_token fetches what a token needs beforehand.
                          {.issuer = settings_.issuer,
                           .client_id = settings_.client_id,
                           .leeway = settings_.leeway,
                           .may_fetch_keys = false},
                          ExternalTokenKind::access_token, now);
  if (!claims) return std::unexpected(claims.error());
  return person_of(*claims);
}

ExternalPerson OidcProvider::person_of(json::object const& claims) const {
  ExternalPerson person;
  person.issuer = settings_.issuer;
  person.subject = text_member(claims, "sub");
  person.email = text_member(claims, "email");
  // Cognito has sent email_verified as the string "true".
  if (auto const* verified = claims.if_contains("email_verified")) {
    person.email_verified =
        (verified->is_bool() && verified->get_bool()) || (verified->is_string() && verified->get_string() == "true");
  }
  for (auto const* name : {"name", "preferred_username", "cognito:username", "username"}) {
    person.name = text_member(claims, name);
    if (!person.name.empty()) break;
  }
  json::value const* claim = claims.if_contains(settings_.roles_claim);
  if (claim == nullptr && settings_.roles_claim.find('.') != std::string::npos) {
    // A dotted path into nested objects, as Keycloak's realm_access.roles.
    json::object const* at = &claims;
    std::string_view path = settings_.roles_claim;
    while (at != nullptr && !path.empty()) {
      auto const dot = path.find('.');
      auto const* next = at->if_contains(path.substr(0, dot));
      if (dot == std::string_view::npos) {
        claim = next;
        break;
      }
      at = next != nullptr ? next->if_object() : nullptr;
      path.remove_prefix(dot + 1);
    }
  }
  if (claim != nullptr) person.groups = groups_in(*claim);
  person.groups_present = claim != nullptr;
  if (auto const* exp = claims.if_contains("exp")) {
    // verify_external_jwt checked it is a NumericDate.
    auto const seconds = exp->is_int64()    ? exp->get_int64()
                         : exp->is_uint64() ? static_cast<std::int64_t>(exp->get_uint64())
                         : exp->is_double() ? static_cast<std::int64_t>(exp->get_double())
                                            : 0;
    person.expires_at = Timestamp{std::chrono::seconds{seconds}};
  }
  return person;
}

}  // namespace admit::auth
