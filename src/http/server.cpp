#include "http/server.hpp"
#include "base/thread_name.hpp"

#include <sys/resource.h>
#include <sys/socket.h>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <thread>

#include "api/problem.hpp"
#include "base/log.hpp"
#include "http/connection_limits.hpp"
#include "http/exchange.hpp"

namespace admit::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

namespace {

/// Raises the soft limit on open files to the hard one (the kernel's default soft limit of
/// 1024 is for select(), which nothing here uses); returns the limit now in force, or 0 when
/// there is none.
std::size_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur != limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // An unlimited hard limit cannot be the soft one; the kernel's ceiling (fs.nr_open) can.
    if (raised.rlim_cur == RLIM_INFINITY) raised.rlim_cur = 1u << 20;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 0 : static_cast<std::size_t>(limit.rlim_cur);
}

/// The total connection limit: the configured one, never above what the descriptors allow
/// once the reserve and a few for each thread (SQLite opens a reader's files per thread) are
/// kept back.
std::size_t connection_limit(ServerConfig const& config, std::size_t threads) {
  auto const descriptors = raise_descriptor_limit();
  std::size_t room = 0;
  if (descriptors != 0) {
    auto const reserve = config.reserved_descriptors + 4 * threads;
    room = descriptors > 2 * reserve ? descriptors - reserve : descriptors / 2;
  }
  if (config.max_connections == 0) return room;
  if (room != 0 && config.max_connections > room) {
    log::warn("ADMIT_MAX_CONNECTIONS is above what the file descriptor limit allows; lowered",
              {{"configured", config.max_connections}, {"limit", room}, {"descriptors", descriptors}});
    return room;
  }
  return config.max_connections;
}

/// The whole response to a connection refused by a limit, written once before it is closed.
std::string refusal(ConnectionLimits::Verdict verdict) {
  auto const problem = verdict == ConnectionLimits::Verdict::per_client
                           ? api::problem(503, "too-many-connections", "Too many connections",
                                          "This address has too many connections open; close some and retry.")
                           : api::problem(503, "unavailable", "Temporarily unavailable",
                                          "The server has no room for another connection; retry shortly.");
  return "HTTP/1.1 503 Service Unavailable\r\nServer: admit\r\nContent-Type: " + problem.content_type +
         "\r\nCache-Control: no-store\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
         std::to_string(problem.body.size()) + "\r\n\r\n" + problem.body;
}

IpAddress ip_address(asio::ip::address const& address) {
  if (address.is_v4()) return IpAddress::v4(address.to_v4().to_bytes());
  return IpAddress::v6(address.to_v6().to_bytes());
}

}  // namespace

struct Server::Impl {
  static constexpr unsigned kWaiterThreads = 64;

  Impl(ServerConfig const& config, Metrics& metrics)
      : context{config,
                AddressRanges(config.trusted_proxies),
                nullptr,
                metrics,
                RateLimiter(config.auth_per_minute / 60.0, config.auth_per_minute),
                RateLimiter(config.general_per_second, config.general_per_second * 2),
                !config.tls_cert_file.empty()},
        limits(connection_limit(config, io_threads() + worker_threads() + kWaiterThreads),
               config.max_connections_per_client),
        refused_per_client(refusal(ConnectionLimits::Verdict::per_client)),
        refused_total(refusal(ConnectionLimits::Verdict::total)),
        web(config.web_dir),
        io(static_cast<int>(io_threads())),
        workers(worker_threads()),
        waiters(kWaiterThreads),
        acceptor(io),
        metrics_acceptor(io) {
    metrics.set_connection_limits(limits.total_limit(), limits.per_client_limit());
  }

  unsigned io_threads() const {
    auto const n = context.config.io_threads ? context.config.io_threads : std::thread::hardware_concurrency();
    return std::max(1u, n);
  }
  unsigned worker_threads() const {
    if (context.config.worker_threads) return context.config.worker_threads;
    return std::max(4u, 2 * std::thread::hardware_concurrency());
  }

  awaitable<void> accept_loop(tcp::acceptor& from, bool metrics_listener);
  /// Counts `socket` against the connection limits and serves it, or refuses it at once.
  void start_connection(tcp::socket socket, bool metrics_listener);
  /// Runs the route's handler and waits for its answer, which may come from another thread
  /// (a write waiting for its group commit); the coroutine resumes on its own executor.
  awaitable<void> answer(Prepared& prepared);
  template <class Stream>
  awaitable<void> serve(Stream& stream, Peer const& peer);
  awaitable<void> drain_then_stop();
  awaitable<void> housekeeping();

  ServerContext context;
  ConnectionLimits limits;
  std::string const refused_per_client;
  std::string const refused_total;
  StaticFiles web;
  asio::io_context io;
  asio::thread_pool workers;
  /// Threads that mostly wait (for a group commit, for a payment provider), so that a handful
  /// of slow waits never holds up the CPU pool.
  asio::thread_pool waiters;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;  ///< open only with ADMIT_METRICS_LISTEN
  std::unique_ptr<ssl::context> tls;
  std::atomic<bool> draining{false};
};

namespace {

template <class Stream>
beast::tcp_stream& tcp_layer(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

/// Counts a request as in flight (for the metrics and for a graceful shutdown) for as long as
/// it lives, whichever way the connection's loop leaves it.
class InFlight {
 public:
  explicit InFlight(Metrics& metrics) : metrics_(metrics) { metrics_.request_started(); }
  ~InFlight() { metrics_.request_finished(); }
  InFlight(InFlight const&) = delete;
  InFlight& operator=(InFlight const&) = delete;

 private:
  Metrics& metrics_;
};

template <class Stream>
awaitable<void> close_stream(Stream& stream) {
  if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
    tcp_layer(stream).expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(kTuple);
  }
  boost::system::error_code ignored;
  tcp_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

template <class Stream>
awaitable<void> Server::Impl::serve(Stream& stream, Peer const& peer) {
  auto const& config = context.config;
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(config.body_limit);

    // A new connection must say something soon; a kept-alive one may rest between requests.
    tcp_layer(stream).expires_after(first ? config.header_timeout : config.idle_timeout);
    auto [header_error, header_bytes] = co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
    (void)header_bytes;
    if (header_error) {
      if (first && header_error == beast::error::timeout) context.metrics.count_header_timeout();
      if (header_error == beast_http::error::body_limit) {
        // Beast checks Content-Length against the limit while reading the header.
        auto res =
            early_error(context, 413, "payload-too-large", "Payload too large",
                        "The request body exceeds the limit of " + std::to_string(config.body_limit) + " bytes.");
        co_await beast_http::async_write(stream, res, kTuple);
      } else if (header_error == beast_http::error::header_limit) {
        auto res =
            early_error(context, 431, "headers-too-large", "Request header fields too large",
                        "The request headers exceed the limit of " + std::to_string(config.header_limit) + " bytes.");
        co_await beast_http::async_write(stream, res, kTuple);
      } else if (header_error.category() == beast_http::make_error_code(beast_http::error::bad_target).category() &&
                 header_error != beast_http::error::end_of_stream &&
                 header_error != beast_http::error::partial_message) {
        auto res = early_error(context, 400, "bad-request", "Bad request", "The request is not valid HTTP/1.1.");
        co_await beast_http::async_write(stream, res, kTuple);
      }
      break;  // a closed, timed-out or broken connection needs no answer
    }
    InFlight const counted(context.metrics);

    auto const& head = parser.get();
    if (auto const problem = framing_problem(head)) {
      auto res = early_error(context, problem->status, problem->slug, problem->title, problem->detail);
      co_await beast_http::async_write(stream, res, kTuple);
      break;
    }
    if (auto const length = parser.content_length(); length && *length > config.body_limit) {
      auto res = early_error(context, 413, "payload-too-large", "Payload too large",
                             "The request body exceeds the limit of " + std::to_string(config.body_limit) + " bytes.");
      co_await beast_http::async_write(stream, res, kTuple);
      break;
    }
    if (beast::iequals(head[beast_http::field::expect], "100-continue")) {
      beast_http::response<beast_http::empty_body> go_on{beast_http::status::continue_, head.version()};
      co_await beast_http::async_write(stream, go_on, kTuple);
    }

    tcp_layer(stream).expires_after(config.read_timeout);
    if (!parser.is_done()) {
      auto [body_error, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
      (void)body_bytes;
      if (body_error) {
        if (body_error == beast_http::error::body_limit) {
          auto res = early_error(context, 413, "payload-too-large", "Payload too large",
                                 "The request body exceeds the limit.");
          co_await beast_http::async_write(stream, res, kTuple);
        } else if (body_error.category() == beast_http::make_error_code(beast_http::error::bad_chunk).category() &&
                   body_error != beast_http::error::end_of_stream && body_error != beast_http::error::partial_message) {
          // A malformed chunk: say so before closing, since the client cannot tell otherwise.
          auto res = early_error(context, 400, "bad-request", "Bad request", "The request body is not valid HTTP/1.1.");
          co_await beast_http::async_write(stream, res, kTuple);
        }
        break;
      }
    }

    auto request = parser.release();
    Prepared prepared = prepare(context, request, peer);
    if (prepared.route) {
      if (prepared.route->execution == api::Execution::worker_pool) {
        // Resumes on this connection's strand once the handler answered on the pool.
        co_await asio::co_spawn(workers, answer(prepared), use_awaitable);
      } else if (prepared.route->execution == api::Execution::blocking) {
        co_await asio::co_spawn(waiters, answer(prepared), use_awaitable);
      } else if (prepared.route->async_handler || context.router->may_answer_later(*prepared.route, prepared.request)) {
        co_await answer(prepared);
      } else {
        // An ordinary quick route answers before run_handler returns: no suspension, no post.
        run_handler(context, prepared, [] {});
      }
    }
    bool const keep_alive = request.keep_alive() && !draining.load(std::memory_order_relaxed);
    auto response = finish(context, request, prepared, keep_alive);
    tcp_layer(stream).expires_after(config.read_timeout);
    auto [write_error, written] = co_await beast_http::async_write(stream, response, kTuple);
    (void)written;
    if (write_error || !keep_alive) break;
  }
  co_await close_stream(stream);
}

awaitable<void> Server::Impl::answer(Prepared& prepared) {
  co_await asio::async_initiate<decltype(use_awaitable), void()>(
      [this, &prepared](auto handler) {
        using Handler = decltype(handler);
        // The answer may come from the database's writer thread. That thread touches only
        // this pointer and the io_context's plain executor: copies of the connection's strand
        // are made and dropped on I/O threads only.
        auto* waiting = new Handler(std::move(handler));
        auto const io_executor = io.get_executor();
        run_handler(context, prepared, [waiting, io_executor] {
          asio::post(io_executor, [waiting] {
            Handler resume(std::move(*waiting));
            delete waiting;
            auto const executor = asio::get_associated_executor(resume);
            asio::dispatch(executor, std::move(resume));
          });
        });
      },
      use_awaitable);
}

awaitable<void> Server::Impl::accept_loop(tcp::acceptor& from, bool metrics_listener) {
  constexpr auto kFirstPause = std::chrono::milliseconds(10);
  constexpr auto kLongestPause = std::chrono::milliseconds(1000);
  auto pause = kFirstPause;
  std::chrono::steady_clock::time_point last_logged{};
  std::uint64_t unlogged = 0;
  for (;;) {
    auto [error, socket] = co_await from.async_accept(asio::make_strand(io), kTuple);
    if (error) {
      if (error == asio::error::operation_aborted || !from.is_open()) co_return;
      // Out of file descriptors and the like: back off, longer each time it fails again, and
      // say so at most once a second.
      context.metrics.count_accept_error();
      auto const now = std::chrono::steady_clock::now();
      if (now - last_logged >= std::chrono::seconds(1)) {
        log::warn("accept failed", {{"error", error.message()}, {"alsoFailedSinceLastLogged", unlogged}});
        last_logged = now;
        unlogged = 0;
      } else {
        ++unlogged;
      }
      asio::steady_timer wait(io, pause);
      co_await wait.async_wait(kTuple);
      pause = std::min(pause * 2, kLongestPause);
      continue;
    }
    pause = kFirstPause;
    start_connection(std::move(socket), metrics_listener);
  }
}

void Server::Impl::start_connection(tcp::socket socket, bool metrics_listener) {
  boost::system::error_code ignored;
  auto const remote = socket.remote_endpoint(ignored);
  if (ignored) return;  // gone already
  Peer peer{
      .address = ip_address(remote.address()), .text = {}, .trusted = false, .metrics_listener = metrics_listener};
  peer.trusted = context.trusted.contains(peer.address);
  auto const verdict = limits.open(peer.address, peer.trusted);
  if (verdict != ConnectionLimits::Verdict::admitted) {
    bool const per_client = verdict == ConnectionLimits::Verdict::per_client;
    context.metrics.count_connection_refused(per_client);
    if (!tls || metrics_listener) {
      // One write that cannot block into a fresh socket's empty buffer; whatever it achieves, the
      // connection is closed straight after.
      auto const& answer = per_client ? refused_per_client : refused_total;
      (void)::send(socket.native_handle(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    socket.close(ignored);
    return;
  }
  peer.text = peer.address.to_string();
  socket.set_option(tcp::no_delay(true), ignored);
  auto executor = socket.get_executor();
  asio::co_spawn(
      executor,
      [this, socket = std::move(socket), peer = std::move(peer)]() mutable -> awaitable<void> {
        struct Counted {
          Impl& impl;
          Peer const& peer;
          ~Counted() {
            impl.limits.close(peer.address, peer.trusted);
            impl.context.metrics.connection_closed();
          }
        };
        context.metrics.connection_opened();
        Counted const counted{*this, peer};
        if (tls && !peer.metrics_listener) {
          beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
          tcp_layer(stream).expires_after(context.config.header_timeout);
          auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
          if (!handshake_error) co_await serve(stream, peer);
        } else {
          beast::tcp_stream stream(std::move(socket));
          co_await serve(stream, peer);
        }
      },
      [](std::exception_ptr const& failure) {
        if (!failure) return;
        try {
          std::rethrow_exception(failure);
        } catch (std::exception const& e) {
          log::error("connection failed", {{"error", e.what()}});
        }
      });
}

awaitable<void> Server::Impl::drain_then_stop() {
  auto const deadline = std::chrono::steady_clock::now() + context.config.shutdown_grace;
  asio::steady_timer timer(io);
  int quiet_rounds = 0;
  // Two quiet looks in a row: a request read just as draining began is counted by then.
  while (quiet_rounds < 2 && std::chrono::steady_clock::now() < deadline) {
    quiet_rounds = context.metrics.requests_in_flight() == 0 ? quiet_rounds + 1 : 0;
    timer.expires_after(std::chrono::milliseconds(25));
    co_await timer.async_wait(kTuple);
  }
  if (context.metrics.requests_in_flight() != 0) log::warn("shutdown grace period over; abandoning requests in flight");
  io.stop();
}

awaitable<void> Server::Impl::housekeeping() {
  asio::steady_timer timer(io);
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [error] = co_await timer.async_wait(kTuple);
    if (error || draining) co_return;
    log::flush();
    context.auth_limiter.prune();
    context.general_limiter.prune();
  }
}

Server::Server(ServerConfig const& config, Metrics& metrics) : impl_(std::make_unique<Impl>(config, metrics)) {}

Server::~Server() = default;

std::string Server::bind() {
  auto& impl = *impl_;
  auto const& config = impl.context.config;
  if (impl.context.tls) {
    impl.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    impl.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    impl.tls->use_certificate_chain_file(config.tls_cert_file);
    impl.tls->use_private_key_file(config.tls_key_file, ssl::context::pem);
  }
  tcp::endpoint const endpoint(asio::ip::make_address(config.host), config.port);
  impl.acceptor.open(endpoint.protocol());
  impl.acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl.acceptor.bind(endpoint);
  impl.acceptor.listen(asio::socket_base::max_listen_connections);
  if (!config.metrics_host.empty()) {
    try {
      tcp::endpoint const metrics_endpoint(asio::ip::make_address(config.metrics_host), config.metrics_port);
      impl.metrics_acceptor.open(metrics_endpoint.protocol());
      impl.metrics_acceptor.set_option(tcp::acceptor::reuse_address(true));
      impl.metrics_acceptor.bind(metrics_endpoint);
      impl.metrics_acceptor.listen(asio::socket_base::max_listen_connections);
    } catch (boost::system::system_error const& e) {
      throw std::runtime_error("cannot listen on ADMIT_METRICS_LISTEN " + config.metrics_host + ":" +
                               std::to_string(config.metrics_port) + ": " + e.code().message());
    }
  }
  auto const bound = impl.acceptor.local_endpoint();
  auto const address = bound.address().to_string();
  auto const host = bound.address().is_v6() ? "[" + address + "]" : address;
  return std::string(impl.context.tls ? "https://" : "http://") + host + ":" + std::to_string(bound.port());
}

std::string Server::metrics_url() const {
  if (!impl_->metrics_acceptor.is_open()) return {};
  boost::system::error_code error;
  auto const bound = impl_->metrics_acceptor.local_endpoint(error);
  if (error) return {};
  auto const address = bound.address().to_string();
  auto const host = bound.address().is_v6() ? "[" + address + "]" : address;
  return "http://" + host + ":" + std::to_string(bound.port()) + "/metrics";
}

std::size_t Server::max_connections() const {
  return impl_->limits.total_limit();
}

void Server::run(api::Router const& router, std::function<void()> const& on_ready) {
  auto& impl = *impl_;
  impl.context.router = &router;
  if (impl.web.enabled()) impl.context.web = &impl.web;

  asio::signal_set signals(impl.io, SIGINT, SIGTERM);
  signals.async_wait([&impl](boost::system::error_code const& error, int signal) {
    if (error) return;
    log::notice("shutting down", {{"signal", signal}});
    impl.draining = true;
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.metrics_acceptor.close(ignored);
    asio::co_spawn(impl.io, impl.drain_then_stop(), asio::detached);
  });

  asio::co_spawn(impl.io, impl.accept_loop(impl.acceptor, false), asio::detached);
  if (impl.metrics_acceptor.is_open()) {
    asio::co_spawn(impl.io, impl.accept_loop(impl.metrics_acceptor, true), asio::detached);
  }
  asio::co_spawn(impl.io, impl.housekeeping(), asio::detached);
  on_ready();

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < impl.io_threads(); ++i) {
    threads.emplace_back([&impl] {
      name_this_thread("admit-io");
      impl.io.run();
    });
  }
  impl.io.run();
  for (auto& t : threads) t.join();
  impl.workers.join();
  impl.waiters.join();
  log::flush();
}

}  // namespace admit::http
