// Paid flash sale load generator: many buyers, each on its own keep-alive connection, each
// purchase three requests in a row (register → create-intent → sandbox confirm with the test
// card 4242…, which Admit turns into a signed webhook and confirms). Plain C++ on Asio and
// Beast's HTTP parser, so that the generator costs far less CPU than the server it loads.
//
// Usage: paid_sale HOST PORT EVENT_ID TOKENS_FILE SECONDS CONCURRENCY [THREADS]
//
// Buyers start purchases until SECONDS have passed and then finish the purchase in hand, so
// every registration the generator made is either counted as purchased or as a failure:
// nothing is left half done by the generator itself. Prints one JSON line: purchases/s over
// the whole run, latency percentiles of a whole purchase, counts by outcome, and the CPU
// seconds the generator used (user + system), to show it was not the bottleneck.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Shared {
  std::string host;
  tcp::endpoint endpoint;
  std::string event_id;
  std::vector<std::string> tokens;
  Clock::time_point deadline;
  std::atomic<std::uint64_t> next_token{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;  // of completed purchases
  std::uint64_t purchased = 0, sold_out = 0, other = 0, connection_errors = 0;
  std::uint64_t step_status[3][6] = {};  // per step: 2xx/3xx/4xx/5xx/other/transport
  std::string first_error;
};

/// The string value of "name":"…" in a JSON body (the server's ids contain no escapes).
std::string json_string(std::string const& body, std::string_view name) {
  std::string const key = "\"" + std::string(name) + "\":\"";
  auto const at = body.find(key);
  if (at == std::string::npos) return {};
  auto const start = at + key.size();
  auto const end = body.find('"', start);
  if (end == std::string::npos) return {};
  return body.substr(start, end - start);
}

struct Connection {
  explicit Connection(asio::any_io_executor ex) : socket(ex) {}
  tcp::socket socket;
  boost::beast::flat_buffer buffer;
  std::string out;
};

/// POSTs a JSON body and reads the response; false on a transport error.
asio::awaitable<bool> post(Connection& c, Shared& s, std::string_view path, std::string const& token,
                           std::string const& body, http::response<http::string_body>& response) {
  c.out.clear();
  c.out.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(s.host);
  c.out.append("\r\nContent-Type: application/json\r\nAuthorization: Bearer ").append(token);
  c.out.append("\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  auto [write_error, written] =
      co_await asio::async_write(c.socket, asio::buffer(c.out), asio::as_tuple(asio::use_awaitable));
  (void)written;
  if (write_error) co_return false;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  auto [read_error, read] = co_await http::async_read(c.socket, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)read;
  if (read_error) co_return false;
  response = parser.release();
  co_return true;
}

void count_step(Shared& s, int step, int status) {
  int const bucket = status == 0 ? 5 : status >= 200 && status < 600 ? status / 100 - 2 : 4;
  std::lock_guard lock(s.mutex);
  ++s.step_status[step][bucket];
}

asio::awaitable<void> buyer(Shared& s) {
  auto executor = co_await asio::this_coro::executor;
  Connection c(executor);
  auto [connect_error] = co_await c.socket.async_connect(s.endpoint, asio::as_tuple(asio::use_awaitable));
  if (connect_error) {
    std::lock_guard lock(s.mutex);
    ++s.connection_errors;
    co_return;
  }
  c.socket.set_option(tcp::no_delay(true));
  std::string const register_body = "{\"eventId\":\"" + s.event_id + "\"}";
  http::response<http::string_body> response;
  std::vector<double> latencies;
  std::uint64_t purchased = 0, sold_out = 0, other = 0;
  std::string error;
  auto fail = [&](int step, std::string what) {
    ++other;
    if (error.empty()) error = "step " + std::to_string(step + 1) + ": " + what;
  };
  while (Clock::now() < s.deadline) {
    auto const& token = s.tokens[s.next_token.fetch_add(1, std::memory_order_relaxed) % s.tokens.size()];
    auto const started = Clock::now();
    if (!co_await post(c, s, "/api/registrations", token, register_body, response)) {
      count_step(s, 0, 0);
      fail(0, "transport error");
      break;
    }
    int const registered = response.result_int();
    count_step(s, 0, registered);
    if (registered == 409) {
      ++sold_out;
      continue;
    }
    auto const registration_id = json_string(response.body(), "registrationId");
    if (registered != 201 || registration_id.empty()) {
      fail(0, std::to_string(registered) + " " + response.body().substr(0, 200));
      continue;
    }
    if (!co_await post(c, s, "/api/payments/create-intent", token, "{\"registrationId\":\"" + registration_id + "\"}",
                       response)) {
      count_step(s, 1, 0);
      fail(1, "transport error");
      break;
    }
    count_step(s, 1, response.result_int());
    auto const intent_id = json_string(response.body(), "paymentIntentId");
    if (response.result_int() != 200 || intent_id.empty()) {
      fail(1, std::to_string(response.result_int()) + " " + response.body().substr(0, 200));
      continue;
    }
    if (!co_await post(c, s, "/api/payments/sandbox/confirm", token,
                       "{\"paymentIntentId\":\"" + intent_id + "\",\"cardNumber\":\"4242424242424242\"}", response)) {
      count_step(s, 2, 0);
      fail(2, "transport error");
      break;
    }
    count_step(s, 2, response.result_int());
    if (response.result_int() == 200 && json_string(response.body(), "status") == "confirmed") {
      ++purchased;
      latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    } else {
      fail(2, std::to_string(response.result_int()) + " " + response.body().substr(0, 200));
    }
  }
  boost::system::error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_both, ignored);
  std::lock_guard lock(s.mutex);
  s.purchased += purchased;
  s.sold_out += sold_out;
  s.other += other;
  s.latencies_ms.insert(s.latencies_ms.end(), latencies.begin(), latencies.end());
  if (s.first_error.empty()) s.first_error = error;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto const seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string json_escape(std::string const& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: paid_sale HOST PORT EVENT_ID TOKENS_FILE SECONDS CONCURRENCY [THREADS]\n";
    return 2;
  }
  Shared s;
  s.host = argv[1];
  s.endpoint = tcp::endpoint(asio::ip::make_address(argv[1]), static_cast<unsigned short>(std::stoi(argv[2])));
  s.event_id = argv[3];
  {
    std::ifstream in(argv[4]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) s.tokens.push_back(line);
    }
  }
  if (s.tokens.empty()) {
    std::cerr << "no tokens in " << argv[4] << "\n";
    return 2;
  }
  double const seconds = std::stod(argv[5]);
  int const concurrency = std::stoi(argv[6]);
  int const threads = argc > 7 ? std::max(1, std::stoi(argv[7])) : 1;

  asio::io_context io(threads);
  auto const began = Clock::now();
  s.deadline = began + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
  double const cpu_before = cpu_seconds();
  for (int i = 0; i < concurrency; ++i) asio::co_spawn(io, buyer(s), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  double const elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  double const cpu = cpu_seconds() - cpu_before;

  auto& l = s.latencies_ms;
  std::sort(l.begin(), l.end());
  auto const pct = [&](double p) {
    return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(p * static_cast<double>(l.size())))];
  };
  std::string steps;
  char const* names[3] = {"register", "createIntent", "confirm"};
  for (int i = 0; i < 3; ++i) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "%s\"%s\":{\"2xx\":%llu,\"4xx\":%llu,\"5xx\":%llu,\"transport\":%llu}",
                  i ? "," : "", names[i], static_cast<unsigned long long>(s.step_status[i][0]),
                  static_cast<unsigned long long>(s.step_status[i][2]),
                  static_cast<unsigned long long>(s.step_status[i][3]),
                  static_cast<unsigned long long>(s.step_status[i][5]));
    steps += buffer;
  }
  std::printf(
      "{\"purchasesPerSecond\":%.0f,\"p50ms\":%.2f,\"p99ms\":%.2f,\"purchased\":%llu,\"soldOut\":%llu,\"other\":%llu,"
      "\"connectionErrors\":%llu,\"seconds\":%.2f,\"requestsPerSecond\":%.0f,\"loadgenCpuSeconds\":%.2f,"
      "\"loadgenCpuShare\":%.2f,\"steps\":{%s},\"firstError\":\"%s\"}\n",
      static_cast<double>(s.purchased) / elapsed, pct(0.5), pct(0.99), static_cast<unsigned long long>(s.purchased),
      static_cast<unsigned long long>(s.sold_out), static_cast<unsigned long long>(s.other),
      static_cast<unsigned long long>(s.connection_errors), elapsed,
      static_cast<double>(s.step_status[0][0] + s.step_status[0][2] + s.step_status[1][0] + s.step_status[1][2] +
                          s.step_status[2][0] + s.step_status[2][2]) /
          elapsed,
      cpu, cpu / elapsed, steps.c_str(), json_escape(s.first_error).c_str());
  return s.connection_errors > 0 ? 1 : 0;
}
