#include "payments/stripe_provider.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace admit::payments {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char kIntentJson[] = R"({"id":"pi_local_1","object":"payment_intent","amount":2500,"currency":"eur",)"
                               R"("client_secret":"pi_local_1_secret_abc","status":"requires_payment_method"})";

/// A listening TCP socket on 127.0.0.1 with a port of the kernel's choosing.
int listen_on_loopback(std::uint16_t& port) {
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

/// A port on 127.0.0.1 where nothing listens (bound once, then closed).
std::uint16_t closed_port() {
  std::uint16_t port = 0;
  ::close(listen_on_loopback(port));
  return port;
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 that answers each request with the next scripted
/// reply (the last one repeats) and records every request it was sent.
class ScriptedServer {
 public:
  struct Reply {
    int status = 200;
    std::string body{};
    std::vector<std::string> headers{};  ///< extra header lines, e.g. "Retry-After: 1"
    std::chrono::milliseconds delay{};   ///< wait this long before answering (or until the client leaves)
  };
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body{};
  };

  explicit ScriptedServer(std::vector<Reply> replies) : replies_(std::move(replies)) {
    listener_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  ScriptedServer(ScriptedServer const&) = delete;
  ScriptedServer& operator=(ScriptedServer const&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  /// Waits up to `wait` for `fd` to become readable; false on timeout or when stopping.
  bool readable(int fd, std::chrono::milliseconds wait) {
    auto const until = Clock::now() + wait;
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
      if (Clock::now() >= until) return false;
    }
    return false;
  }

  void serve() {
    while (!stop_) {
      if (!readable(listener_, 50ms)) continue;
      int const client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      handle(client);
      ::close(client);
    }
  }

  void handle(int client) {
    std::string data;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!readable(client, 2s)) return;
      auto const n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    Request request;
    std::string_view head(data.data(), header_end);
    auto const line_end = head.find("\r\n");
    auto const request_line = head.substr(0, line_end);
    auto const sp1 = request_line.find(' ');
    auto const sp2 = request_line.find(' ', sp1 + 1);
    request.method = std::string(request_line.substr(0, sp1));
    request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
    while (!head.empty()) {
      auto const end = head.find("\r\n");
      auto const line = head.substr(0, end);
      head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
      auto const colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      request.headers[name] = std::string(value);
    }
    std::size_t length = 0;
    if (auto it = request.headers.find("content-length"); it != request.headers.end()) length = std::stoul(it->second);
    request.body = data.substr(header_end + 4);
    while (request.body.size() < length) {
      if (!readable(client, 2s)) return;
      auto const n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request.body.append(buffer, static_cast<std::size_t>(n));
    }

    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = replies_.at(std::min(requests_.size(), replies_.size() - 1));
      requests_.push_back(std::move(request));
    }
    if (reply.delay > 0ms && readable(client, reply.delay)) return;  // the client gave up
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
    out += "Content-Type: application/json\r\nConnection: close\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    for (auto const& h : reply.headers) out += h + "\r\n";
    out += "\r\n" + reply.body;
    for (std::size_t sent = 0; sent < out.size();) {
      auto const n = ::send(client, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  std::vector<Reply> replies_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::thread thread_;
};

StripeProvider local_provider(std::string const& base, int max_attempts = 3, std::chrono::milliseconds timeout = 2s) {
  return StripeProvider(
      {.api_base = base, .secret_key = "sk_test_local_secret_4242", .timeout = timeout, .max_attempts = max_attempts});
}

template <class Error, class F>
std::string message_of(F&& call) {
  try {
    call();
  } catch (Error const& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return {};
}

// ---- against a local scripted server (always run) --------------------------------------

TEST(StripeProvider, SendsStripeShapedCreateRequest) {
  ScriptedServer server({{.status = 200, .body = kIntentJson}});
  auto provider = local_provider(server.base_url());

  auto const intent = provider.create_intent("reg 1&x=y/ü", 2500, "EUR", "idem-create-1");

  EXPECT_EQ(intent.id, "pi_local_1");
  EXPECT_EQ(intent.client_secret, "pi_local_1_secret_abc");
  EXPECT_EQ(intent.amount_minor, 2500);
  EXPECT_EQ(intent.currency, "EUR");
  EXPECT_EQ(intent.status, "requires_payment_method");

  auto const requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  auto const& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/payment_intents");
  EXPECT_EQ(r.body,
            "amount=2500&currency=eur&metadata[registrationId]=reg%201%26x%3Dy%2F%C3%BC"
            "&payment_method_types[]=card&description=Admit%20registration%20reg%201%26x%3Dy%2F%C3%BC");
  EXPECT_EQ(r.headers.at("authorization"), "Bearer sk_test_local_secret_4242");
  EXPECT_EQ(r.headers.at("idempotency-key"), "idem-create-1");
  EXPECT_EQ(r.headers.at("stripe-version"), "2020-08-27");
  EXPECT_EQ(r.headers.at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.headers.at("user-agent"), "Admit/0.1");
}

TEST(StripeProvider, RetriesServerErrorsWithTheSameIdempotencyKey) {
  ScriptedServer server({{.status = 500, .body = "{}"},
                         {.status = 502, .body = "<html>bad gateway</html>"},
                         {.status = 200, .body = kIntentJson}});
  auto provider = local_provider(server.base_url());

  auto const started = Clock::now();
  auto const intent = provider.create_intent("reg_1", 2500, "eur", "idem-retry-1");
  auto const elapsed = Clock::now() - started;

  EXPECT_EQ(intent.id, "pi_local_1");
  auto const requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (auto const& r : requests) {
    EXPECT_EQ(r.headers.at("idempotency-key"), "idem-retry-1");
    EXPECT_EQ(r.body, requests[0].body);
  }
  EXPECT_EQ(provider.attempts(), 3u);
  EXPECT_GE(elapsed, 300ms);  // 100 ms after the first failure, 200 ms after the second
}

TEST(StripeProvider, RetriesIdempotencyConflictsAndHonoursRetryAfter) {
  ScriptedServer server({{.status = 409, .body = "{}"},
                         {.status = 429, .body = "{}", .headers = {"Retry-After: 1"}},
                         {.status = 200, .body = R"({"id":"re_local_1","status":"succeeded"})"}});
  auto provider = local_provider(server.base_url());

  auto const started = Clock::now();
  auto const outcome = provider.refund("pi_local_1", 1250, "idem-refund-1");
  auto const elapsed = Clock::now() - started;

  EXPECT_EQ(outcome.id, "re_local_1");
  EXPECT_TRUE(outcome.completed);
  auto const requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (auto const& r : requests) {
    EXPECT_EQ(r.target, "/v1/refunds");
    EXPECT_EQ(r.body, "payment_intent=pi_local_1&amount=1250");
    EXPECT_EQ(r.headers.at("idempotency-key"), "idem-refund-1");
  }
  EXPECT_GE(elapsed, 1100ms);  // 100 ms backoff, then the 1 s Stripe asked for
}

TEST(StripeProvider, PersistentServerErrorsBecomeAnOutage) {
  ScriptedServer server(
      {{.status = 503, .body = R"({"error":{"type":"api_error","message":"Stripe is down for maintenance"}})"}});
  auto provider = local_provider(server.base_url(), 4);

  auto const message = message_of<Outage>([&] { provider.create_intent("reg_1", 100, "usd", "idem-down"); });

  EXPECT_NE(message.find("Stripe is not reachable"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  EXPECT_NE(message.find("Stripe is down for maintenance"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_EQ(provider.attempts(), 4u);
}

TEST(StripeProvider, StripeErrorBodyBecomesAProviderErrorWithoutRetry) {
  ScriptedServer server({{.status = 400,
                          .body = R"({"error":{"type":"invalid_request_error","code":"amount_too_small",)"
                                  R"("message":"Amount must be at least €0.50 eur","param":"amount"}})"}});
  auto provider = local_provider(server.base_url());

  auto const message = message_of<ProviderError>([&] { provider.create_intent("reg_1", 10, "eur", "idem-small"); });

  EXPECT_EQ(message,
            "Stripe refused the request: Amount must be at least €0.50 eur "
            "(HTTP 400, type invalid_request_error, code amount_too_small, param amount)");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(StripeProvider, CardErrorCarriesTheDeclineCode) {
  ScriptedServer server(
      {{.status = 402,
        .body = R"({"error":{"type":"card_error","code":"card_declined",)"
                R"("decline_code":"insufficient_funds","message":"Your card has insufficient funds."}})"}});
  auto provider = local_provider(server.base_url());

  auto const message = message_of<ProviderError>([&] { provider.retrieve_intent("pi_1"); });

  EXPECT_NE(message.find("Your card has insufficient funds."), std::string::npos) << message;
  EXPECT_NE(message.find("decline_code insufficient_funds"), std::string::npos) << message;
}

TEST(StripeProvider, ForeignErrorBodyIsQuotedWithItsStatus) {
  ScriptedServer server({{.status = 404, .body = "<html>\n<h1>Not Found</h1></html>"}});
  auto provider = local_provider(server.base_url());

  auto const message = message_of<ProviderError>([&] { provider.retrieve_intent("pi_missing"); });

  EXPECT_EQ(message, "Stripe refused the request: HTTP 404: <html> <h1>Not Found</h1></html>");
}

TEST(StripeProvider, RejectedKeyIsAProviderErrorThatNeverShowsTheKey) {
  ScriptedServer server({{.status = 401,
                          .body = R"({"error":{"type":"invalid_request_error",)"
                                  R"("message":"Invalid API Key provided: sk_test_local_secret_4242"}})"}});
  auto provider = local_provider(server.base_url());

  auto const message = message_of<ProviderError>([&] { provider.retrieve_intent("pi_1"); });

  EXPECT_NE(message.find("did not accept the secret key"), std::string::npos) << message;
  EXPECT_EQ(message.find("sk_test_local_secret_4242"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(StripeProvider, RetrieveEncodesTheIdAndSendsNoIdempotencyKey) {
  ScriptedServer server({{.status = 200, .body = kIntentJson}});
  auto provider = local_provider(server.base_url() + "/");

  auto const intent = provider.retrieve_intent("pi_1/../x y");

  EXPECT_EQ(intent.currency, "EUR");
  auto const requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/v1/payment_intents/pi_1%2F..%2Fx%20y");
  EXPECT_FALSE(requests[0].headers.contains("idempotency-key"));
}

TEST(StripeProvider, PendingRefundIsNotCompleted) {
  ScriptedServer server({{.status = 200, .body = R"({"id":"re_2","object":"refund","status":"pending"})"}});
  auto provider = local_provider(server.base_url());

  auto const outcome = provider.refund("pi_2", 500, "idem-refund-2");

  EXPECT_EQ(outcome.id, "re_2");
  EXPECT_FALSE(outcome.completed);
}

TEST(StripeProvider, UnreadableSuccessBodyIsAnOutage) {
  ScriptedServer server({{.status = 200, .body = "not json"}});
  auto provider = local_provider(server.base_url());

  auto const message = message_of<Outage>([&] { provider.retrieve_intent("pi_1"); });

  EXPECT_NE(message.find("unreadable payment intent"), std::string::npos) << message;
}

TEST(StripeProvider, UnreachableBaseIsAnOutageAfterEveryAttempt) {
  auto provider = local_provider("http://127.0.0.1:" + std::to_string(closed_port()));

  auto const started = Clock::now();
  auto const message = message_of<Outage>([&] { provider.create_intent("reg_1", 100, "eur", "idem-unreachable"); });
  auto const elapsed = Clock::now() - started;

  EXPECT_NE(message.find("Stripe is not reachable"), std::string::npos) << message;
  EXPECT_EQ(message.find("sk_test_local_secret_4242"), std::string::npos) << message;
  EXPECT_EQ(provider.attempts(), 3u);
  EXPECT_GE(elapsed, 300ms);
}

TEST(StripeProvider, SlowAnswerTimesOutAndIsRetried) {
  ScriptedServer server({{.status = 200, .body = kIntentJson, .delay = 5s}});
  auto provider = local_provider(server.base_url(), 2, 200ms);

  auto const started = Clock::now();
  auto const message = message_of<Outage>([&] { provider.retrieve_intent("pi_slow"); });
  auto const elapsed = Clock::now() - started;

  EXPECT_NE(message.find("Stripe is not reachable"), std::string::npos) << message;
  EXPECT_EQ(provider.attempts(), 2u);
  EXPECT_LT(elapsed, 3s);
}

TEST(StripeProvider, ServesSeveralThreadsAtOnce) {
  ScriptedServer server({{.status = 200, .body = kIntentJson}});
  auto provider = local_provider(server.base_url());

  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (provider.create_intent("reg_" + std::to_string(i), 100, "eur", "idem-" + std::to_string(i)).id ==
          "pi_local_1") {
        ++succeeded;
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(succeeded.load(), 8);
  EXPECT_EQ(server.requests().size(), 8u);
}

TEST(StripeProvider, RejectsUnusableSettings) {
  EXPECT_THROW(StripeProvider({.api_base = "ftp://example.com", .secret_key = "sk_test_x"}), std::invalid_argument);
  EXPECT_THROW(StripeProvider({.api_base = "https://api.stripe.com", .secret_key = "sk_test_x\r\nX: y"}),
               std::invalid_argument);
  EXPECT_THROW(StripeProvider({.api_base = "https://api.stripe.com", .secret_key = "sk", .max_attempts = 0}),
               std::invalid_argument);
  EXPECT_EQ(StripeProvider({.secret_key = "sk_test_x"}).name(), "stripe");
}

TEST(StripeProvider, RejectsAnIdempotencyKeyThatCannotBeAHeader) {
  auto provider = local_provider("http://127.0.0.1:" + std::to_string(closed_port()));
  EXPECT_THROW(provider.refund("pi_1", 500, "key\r\nX-Injected: 1"), ProviderError);
  EXPECT_EQ(provider.attempts(), 0u);
}

// ---- against Prism serving Stripe's own API description -------------------------------

class StripeAgainstPrism : public testing::Test {
 protected:
  void SetUp() override {
    char const* url = std::getenv("STRIPE_MOCK_URL");
    if (!url || !*url) GTEST_SKIP() << "STRIPE_MOCK_URL is unset: run through tests/payments/run_with_prism.sh";
    base_ = url;
  }
  StripeProvider provider(std::string key = "sk_test_admit_prism") {
    return StripeProvider({.api_base = base_, .secret_key = std::move(key), .timeout = 5s, .max_attempts = 2});
  }
  std::string base_;
};

TEST_F(StripeAgainstPrism, CreatesAnIntentThatMatchesStripesSchema) {
  // Prism answers 422 to anything off Stripe's schema, which would surface as ProviderError.
  auto const intent = provider().create_intent("reg 1&x=y/ü", 2500, "EUR", "idem-prism-create");

  EXPECT_TRUE(intent.id.starts_with("pi_")) << intent.id;
  EXPECT_FALSE(intent.client_secret.empty());
  EXPECT_GT(intent.amount_minor, 0);
  EXPECT_EQ(intent.currency.size(), 3u);
  EXPECT_EQ(intent.currency, [&] {
    auto up = intent.currency;
    for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up;
  }());
  EXPECT_FALSE(intent.status.empty());
}

TEST_F(StripeAgainstPrism, RetrievesAnIntent) {
  auto const intent = provider().retrieve_intent("pi_1KmRa3ARuRTs9TwLhA84P9aj");

  EXPECT_TRUE(intent.id.starts_with("pi_")) << intent.id;
  EXPECT_FALSE(intent.client_secret.empty());
  EXPECT_FALSE(intent.status.empty());
}

TEST_F(StripeAgainstPrism, RefundsAnIntent) {
  auto const outcome = provider().refund("pi_1KmRa3ARuRTs9TwLhA84P9aj", 500, "idem-prism-refund");

  EXPECT_TRUE(outcome.id.starts_with("re")) << outcome.id;
}

TEST_F(StripeAgainstPrism, MissingKeyIsRefusedAsAConfigurationError) {
  auto keyless = provider("");

  auto const message = message_of<ProviderError>([&] { keyless.create_intent("reg_1", 2500, "eur", "idem-nokey"); });

  EXPECT_NE(message.find("did not accept the secret key"), std::string::npos) << message;
  EXPECT_EQ(keyless.attempts(), 1u);
}

}  // namespace
}  // namespace admit::payments
