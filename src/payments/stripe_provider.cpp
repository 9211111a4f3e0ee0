#include "payments/stripe_provider.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "base/encoding.hpp"
#include "base/log.hpp"

namespace admit::payments {
namespace {

constexpr char kApiVersion[] = "2020-08-27";
constexpr char kUserAgent[] = "Admit/0.1";
constexpr std::size_t kMaxBody = std::size_t{1} << 20;  // Stripe's objects are a few KiB
constexpr std::size_t kMaxIdempotencyKey = 255;         // Stripe's limit
constexpr std::size_t kExcerpt = 200;                   // of a body that is not Stripe's error shape
constexpr std::size_t kMaxMessage = 500;                // of Stripe's own message
constexpr auto kBackoffStep = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(2000);

void init_curl_once() {
  // curl_global_init is not thread-safe; a failed init leaves the flag unset, so it is retried.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Outage("Stripe is not reachable: libcurl failed to start");
    }
  });
}

bool has_control_chars(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string upper(std::string text) {
  for (auto& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

/// The start of a body for a message: control characters blanked, cut at a UTF-8 boundary.
std::string excerpt(std::string_view body, std::size_t limit = kExcerpt) {
  std::string out(body.substr(0, limit));
  if (body.size() > limit) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (body.size() > limit) out += "…";
  return out;
}

/// What one HTTP attempt ended with: a transport error, or a status and body.
struct Answer {
  CURLcode code = CURLE_OK;
  std::string detail;  ///< curl's explanation of a transport error
  long status = 0;
  std::string body;
  std::chrono::milliseconds retry_after{-1};  ///< negative: no Retry-After in seconds
};

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = *static_cast<std::string*>(user);
  auto const n = size * count;
  if (body.size() + n > kMaxBody) return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  body.append(data, n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

Answer perform(StripeSettings const& settings, char const* method, std::string const& url, std::string const& form_body,
               std::string const& idempotency_key) {
  std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) throw Outage("Stripe is not reachable: libcurl could not create a handle");
  CURL* const h = handle.get();

  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&headers](std::string const& line) {
    curl_slist* const grown = curl_slist_append(headers.get(), line.c_str());
    if (!grown) throw Outage("Stripe is not reachable: out of memory");
    (void)headers.release();
    headers.reset(grown);
  };
  if (!settings.secret_key.empty()) add_header("Authorization: Bearer " + settings.secret_key);
  add_header(std::string("Stripe-Version: ") + kApiVersion);
  add_header("Accept: application/json");
  if (!idempotency_key.empty()) add_header("Idempotency-Key: " + idempotency_key);
  add_header("Expect:");  // no 100-continue round trip

  Answer answer;
  char error[CURL_ERROR_SIZE] = {};
  long const timeout_ms = static_cast<long>(settings.timeout.count());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
  if (std::string_view(method) == "POST") {
    add_header("Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form_body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form_body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  answer.code = curl_easy_perform(h);
  if (answer.code != CURLE_OK) {
    answer.detail = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(answer.code));
    return answer;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_header* retry_after = nullptr;
  if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &retry_after) == CURLHE_OK && retry_after) {
    std::string_view const value = retry_after->value;
    long long seconds = 0;
    auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && end == value.data() + value.size() && seconds >= 0) {
      answer.retry_after = std::chrono::seconds(std::min(seconds, 3600LL));
    }
  }
  return answer;
}

/// Failures that may pass: the connection could not be made, broke, or took too long. The
/// others (a malformed URL, a certificate that does not verify) will not heal by retrying.
bool transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

bool retryable_status(long status) {
  return status == 409 || status == 429 || status >= 500;
}

/// Stripe's error body {"error": {"type", "code", "decline_code", "message", "param"}} as
/// "<message> (HTTP …, type …, code …, param …)"; empty when the body is not of that shape.
std::string stripe_error(long status, std::string_view body) {
  boost::system::error_code ec;
  auto const parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return {};
  auto const* error = parsed.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  auto const& fields = error->as_object();
  auto text = [&fields](char const* key) -> std::string {
    auto const* v = fields.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  auto message = text("message");
  if (message.empty()) return {};
  auto details = " (HTTP " + std::to_string(status);
  for (char const* key : {"type", "code", "decline_code", "param"}) {
    auto const value = text(key);
    if (value.empty()) continue;
    details += ", ";
    details += key;
    details += ' ';
    details += value;
  }
  return excerpt(message, kMaxMessage) + details + ')';
}

/// What went wrong in a non-2xx answer, in Stripe's words when the body is Stripe's.
std::string describe(Answer const& answer) {
  auto stripe = stripe_error(answer.status, answer.body);
  if (!stripe.empty()) return stripe;
  auto text = "HTTP " + std::to_string(answer.status);
  if (!answer.body.empty()) text += ": " + excerpt(answer.body);
  return text;
}

std::string describe_failure(Answer const& answer) {
  return answer.code != CURLE_OK ? answer.detail : describe(answer);
}

/// `text` with the secret key masked, should a server ever echo it.
std::string redact(std::string text, std::string_view secret) {
  if (secret.size() < 4) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "sk_***");
  }
  return text;
}

boost::json::object parse_object(std::string const& body, char const* what) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    throw Outage(std::string("Stripe answered with an unreadable ") + what + ": " + excerpt(body));
  }
  return std::move(parsed.as_object());
}

std::string string_field(boost::json::object const& object, char const* key) {
  auto const* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

PaymentIntent to_intent(std::string const& body) {
  auto const object = parse_object(body, "payment intent");
  PaymentIntent intent;
  intent.id = string_field(object, "id");
  if (intent.id.empty()) throw Outage("Stripe answered with a payment intent without an id: " + excerpt(body));
  intent.client_secret = string_field(object, "client_secret");
  if (auto const* amount = object.if_contains("amount")) {
    if (amount->is_int64()) intent.amount_minor = amount->as_int64();
    if (amount->is_uint64()) intent.amount_minor = static_cast<std::int64_t>(amount->as_uint64());
  }
  intent.currency = upper(string_field(object, "currency"));
  intent.status = string_field(object, "status");
  return intent;
}

}  // namespace

StripeProvider::StripeProvider(StripeSettings settings) : settings_(std::move(settings)) {
  while (!settings_.api_base.empty() && settings_.api_base.back() == '/') settings_.api_base.pop_back();
  auto const& base = settings_.api_base;
  if (!(base.starts_with("https://") || base.starts_with("http://")) || has_control_chars(base)) {
    throw std::invalid_argument("the Stripe API base must be an http(s) URL, not '" + base + "'");
  }
  // The key goes into a header line; it never appears in a message.
  if (has_control_chars(settings_.secret_key)) {
    throw std::invalid_argument("the Stripe secret key contains control characters");
  }
  if (settings_.max_attempts < 1) throw std::invalid_argument("Stripe max_attempts must be at least 1");
  if (settings_.timeout <= std::chrono::milliseconds::zero()) {
    throw std::invalid_argument("the Stripe timeout must be positive");
  }
  init_curl_once();
}

std::string StripeProvider::call(char const* method, std::string const& path, std::string const& form_body,
                                 std::string const& idempotency_key) {
  if (idempotency_key.size() > kMaxIdempotencyKey || has_control_chars(idempotency_key)) {
    throw ProviderError("the idempotency key for Stripe must be at most 255 printable characters");
  }
  auto const url = settings_.api_base + path;
  for (int attempt = 1;; ++attempt) {
    attempts_.fetch_add(1, std::memory_order_relaxed);
    auto const answer = perform(settings_, method, url, form_body, idempotency_key);

    if (answer.code == CURLE_OK && answer.status >= 200 && answer.status < 300) return answer.body;

    bool const retry = answer.code != CURLE_OK ? transient(answer.code) : retryable_status(answer.status);
    if (answer.code == CURLE_OK && !retry) {
      if (answer.status == 401) {
        throw ProviderError(redact("Stripe did not accept the secret key: " + describe(answer), settings_.secret_key));
      }
      throw ProviderError(redact("Stripe refused the request: " + describe(answer), settings_.secret_key));
    }
    auto const failure = redact(describe_failure(answer), settings_.secret_key);
    if (!retry || attempt >= settings_.max_attempts) {
      std::string what = "Stripe is not reachable: ";
      what.append(failure).append(" (").append(method).append(" ").append(path);
      what.append(", attempt ").append(std::to_string(attempt)).append(" of ");
      what.append(std::to_string(settings_.max_attempts)).append(")");
      throw Outage(what);
    }

    auto delay = answer.retry_after >= std::chrono::milliseconds::zero()
                     ? answer.retry_after
                     : std::chrono::milliseconds(kBackoffStep * attempt);
    delay = std::min(delay, std::chrono::milliseconds(kMaxBackoff));
    log::warn("stripe request failed, retrying with the same idempotency key",
              {{"path", path}, {"attempt", attempt}, {"error", failure}, {"retry_in_ms", delay.count()}});
    std::this_thread::sleep_for(delay);
  }
}

PaymentIntent StripeProvider::create_intent(std::string const& registration_id, std::int64_t amount_minor,
                                            std::string const& currency, std::string const& idempotency_key) {
  auto const amount = std::to_string(amount_minor);
  auto const currency_code = lower(currency);
  auto const description = "Admit registration " + registration_id;
  auto const body = form_urlencoded({{"amount", amount},
                                     {"currency", currency_code},
                                     {"metadata[registrationId]", registration_id},
                                     {"payment_method_types[]", "card"},
                                     {"description", description}});
  return to_intent(call("POST", "/v1/payment_intents", body, idempotency_key));
}

PaymentIntent StripeProvider::retrieve_intent(std::string const& intent_id) {
  return to_intent(call("GET", "/v1/payment_intents/" + percent_encode(intent_id), {}, {}));
}

RefundOutcome StripeProvider::refund(std::string const& intent_id, std::int64_t amount_minor,
                                     std::string const& idempotency_key) {
  auto const body = form_urlencoded({{"payment_intent", intent_id}, {"amount", std::to_string(amount_minor)}});
  auto const object = parse_object(call("POST", "/v1/refunds", body, idempotency_key), "refund");
  RefundOutcome outcome;
  outcome.id = string_field(object, "id");
  if (outcome.id.empty()) throw Outage("Stripe answered with a refund without an id");
  outcome.completed = string_field(object, "status") == "succeeded";
  return outcome;
}

}  // namespace admit::payments
