#pragma once

/// One request/response exchange, independent of the transport (plain or TLS): everything
/// between "a complete request arrived" and "this response goes out".

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "api/router.hpp"
#include "base/trace.hpp"
#include "http/client_address.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"

namespace admit::http {

namespace beast_http = boost::beast::http;
using BeastRequest = beast_http::request<beast_http::string_body>;
using BeastResponse = beast_http::response<beast_http::string_body>;

/// State shared by every connection.
struct ServerContext {
  ServerConfig config;
  AddressRanges trusted;  ///< config.trusted_proxies, parsed
  api::Router const* router = nullptr;
  Metrics& metrics;
  RateLimiter auth_limiter;
  RateLimiter general_limiter;
  bool tls = false;
  StaticFiles* web = nullptr;
};

/// The far end of a connection, worked out once when it is accepted.
struct Peer {
  IpAddress address;
  std::string text;               ///< address.to_string()
  bool trusted = false;           ///< a trusted proxy: its X-Forwarded-For is read
  bool metrics_listener = false;  ///< accepted on ADMIT_METRICS_LISTEN
};

/// What the session needs to finish an exchange after routing: either a response ready now,
/// or a handler to run (perhaps on the worker pool) and then finish().
struct Prepared {
  api::Request request;
  api::Route const* route = nullptr;  ///< null when `response` is already final
  api::Response response;
  std::string route_name;
  trace::SpanId caller_span{};      ///< the caller's span (from traceparent), all zero when none
  std::uint64_t start_unix_ns = 0;  ///< set when the request's span is recorded
  std::string origin;               ///< when allowed by CORS
  std::chrono::steady_clock::time_point started;
};

/// Reads headers, ids, client address, CORS, route and rate limits.
Prepared prepare(ServerContext& context, BeastRequest const& request, Peer const& peer);
/// Runs the route's handler, turning exceptions into 503 (outage) or 500 (bug). `finished`
/// runs once prepared.response holds the answer: before this returns for ordinary routes,
/// later (on another thread) for routes whose use case completes asynchronously.
void run_handler(ServerContext const& context, Prepared& prepared, std::function<void()> const& finished);
/// Builds the wire response, records metrics and writes the access log line.
BeastResponse finish(ServerContext& context, BeastRequest const& request, Prepared& prepared, bool keep_alive);
/// Why a request's header cannot be served, by RFC 9112's rules that Beast leaves to the
/// server: an HTTP/1.1 request without exactly one Host (400); a Transfer-Encoding other than
/// chunked (501), chunked twice, or on HTTP/1.0 (400). Its framing is in doubt, so the
/// connection is closed after the answer.
struct EarlyProblem {
  unsigned status;
  std::string_view slug;
  std::string_view title;
  std::string_view detail;
};
std::optional<EarlyProblem> framing_problem(beast_http::request_header<> const& head);

/// A response for a request that could not even be read (431, 413, 400, 501).
BeastResponse early_error(ServerContext& context, unsigned status, std::string_view slug, std::string_view title,
                          std::string_view detail);

}  // namespace admit::http
