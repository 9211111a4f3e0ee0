#include "http/exchange.hpp"

#include <sodium.h>
#include <atomic>
#include <boost/url/parse.hpp>
#include <memory>

#include "api/problem.hpp"
#include "base/encoding.hpp"
#include "base/log.hpp"
#include "base/trace.hpp"

namespace admit::http {
namespace {

std::string random_hex(std::size_t bytes) {
  unsigned char buffer[32];
  randombytes_buf(buffer, bytes);
  return hex_encode({buffer, bytes});
}

bool is_safe_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

bool origin_allowed(ServerConfig const& config, std::string_view origin) {
  if (origin.empty()) return false;
  for (auto const& allowed : config.cors_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

}  // namespace

Prepared prepare(ServerContext& context, BeastRequest const& request, Peer const& peer) {
  Prepared p;
  p.started = std::chrono::steady_clock::now();
  auto& r = p.request;

  auto const method = request.method_string();
  r.method = std::string_view(method.data(), method.size());
  r.body = request.body();
  for (auto const& field : request) {
    auto const name = field.name_string();
    auto const value = field.value();
    r.headers.emplace_back(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
  }

  // The request's span continues the caller's trace; without a tracer it is not recorded, but
  // its trace id still names the request in the log and the response's traceparent.
  auto const caller = trace::parse_traceparent(r.header("traceparent"));
  if (auto const* tracer = trace::tracer()) {
    r.trace = tracer->start(caller);
  } else {
    r.trace.trace_id = caller ? caller->trace_id : trace::new_trace_id();
    r.trace.span_id = trace::new_span_id();
  }
  if (caller) p.caller_span = caller->span_id;
  if (r.trace.sampled) p.start_unix_ns = trace::now_unix_ns();
  auto const incoming_id = r.header("X-Request-Id");
  if (is_safe_request_id(incoming_id)) {
    r.request_id = std::string(incoming_id);
  } else {
    r.request_id = caller ? trace::hex(caller->trace_id) : random_hex(16);
  }
  auto const client = client_address(context.trusted, peer.address, peer.trusted, r.headers);
  r.client = client == peer.address ? peer.text : client.to_string();
  // A trusted proxy that names no client is exempt from the per-client caps.
  r.client_is_proxy = context.trusted.contains(client);

  auto const origin = r.header("Origin");
  if (origin_allowed(context.config, origin)) p.origin = std::string(origin);

  auto const target = request.target();
  auto parsed = boost::urls::parse_origin_form(std::string_view(target.data(), target.size()));
  if (!parsed) {
    p.route_name = "invalid";
    p.response = api::problem(400, "bad-request", "Bad request", "The request target is not a valid path.");
    return p;
  }
  auto const path = parsed->encoded_path();
  auto const query = parsed->encoded_query();
  r.path = std::string_view(path.data(), path.size());
  r.query = std::string_view(query.data(), query.size());

  // With ADMIT_METRICS_LISTEN, /metrics is served there and only there.
  if (!context.config.metrics_host.empty() && (r.path == "/metrics") != peer.metrics_listener) {
    p.route_name = "unmatched";
    p.response = api::problem(404, "not-found", "Not found", "No resource lives at this path.");
    return p;
  }

  // A CORS preflight is answered here; it never reaches a handler.
  if (request.method() == beast_http::verb::options) {
    p.route_name = "preflight";
    if (!origin.empty() && !r.header("Access-Control-Request-Method").empty()) {
      if (p.origin.empty()) {
        p.response = api::problem(403, "forbidden", "Origin not allowed", "This origin may not call the API.");
        return p;
      }
      p.response = api::no_content();
      p.response.with_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
          .with_header("Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Idempotency-Key, X-Order-Token, X-Request-Id, traceparent")
          .with_header("Access-Control-Max-Age", "600");
      return p;
    }
  }

  auto matched = context.router->match(r);
  if (auto* response = std::get_if<api::Response>(&matched)) {
    bool const read = request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
    if (read && response->status == 404 && context.web) {
      if (auto file = context.web->serve(r.path, r.header("Accept-Encoding"), r.header("If-None-Match"))) {
        p.route_name = "static";
        p.response = std::move(*file);
        return p;
      }
    }
    p.route_name = "unmatched";
    p.response = std::move(*response);
    return p;
  }
  p.route = std::get<api::Router::Match>(matched).route;
  p.route_name = std::string(p.route->pattern);

  RateLimiter* limiter = nullptr;
  if (p.route->rate == api::RateClass::auth) limiter = &context.auth_limiter;
  if (p.route->rate == api::RateClass::general) limiter = &context.general_limiter;
  if (limiter) {
    if (auto wait = limiter->acquire(r.client)) {
      context.metrics.count_rate_limited();
      p.route = nullptr;
      p.response = api::problem(
          429, "rate-limited", "Too many requests",
          "This client sent too many requests; retry after " + std::to_string(wait->count()) + " seconds.");
      p.response.with_header("Retry-After", std::to_string(wait->count()));
    }
  }
  return p;
}

namespace {

api::Response failure_response(std::exception_ptr const& failure, std::string const& request_id) {
  try {
    std::rethrow_exception(failure);
  } catch (Outage const& e) {
    log::error("dependency failure", {{"error", e.what()}, {"reqId", request_id}});
    return api::problem(503, "unavailable", "Temporarily unavailable",
                        "A service Admit depends on is not answering; retry shortly.");
  } catch (std::exception const& e) {
    log::error("unhandled exception", {{"error", e.what()}, {"reqId", request_id}});
  } catch (...) {
    log::error("unhandled exception", {{"reqId", request_id}});
  }
  return api::problem(500, "internal-error", "Internal error",
                      "Something went wrong on our side; it has been logged with the request id.");
}

/// The request's server span, named and described as OpenTelemetry's HTTP conventions say
/// (semantic conventions 1.26: the route template, never the raw path, in the name).
void record_request_span(ServerContext const& context, BeastRequest const& request, Prepared const& p) {
  auto* tracer = trace::tracer();
  if (tracer == nullptr) return;
  trace::SpanRecord span;
  span.trace_id = p.request.trace.trace_id;
  span.span_id = p.request.trace.span_id;
  span.parent_span_id = p.caller_span;
  span.kind = trace::SpanKind::server;
  span.start_unix_ns = p.start_unix_ns;
  span.end_unix_ns = trace::now_unix_ns();
  auto const method = std::string(p.request.method);
  span.name = p.route ? method + " " + p.route_name : method;
  auto const status = static_cast<std::int64_t>(p.response.status);
  // A server span's 4xx is the client's error, not the server's.
  span.status = status >= 500 ? trace::StatusCode::error : trace::StatusCode::unset;
  auto& a = span.attributes;
  a.reserve(10);
  a.push_back({"http.request.method", method});
  if (p.route) a.push_back({"http.route", p.route_name});
  a.push_back({"admit.route", p.route_name});
  a.push_back({"url.path", std::string(p.request.path)});
  a.push_back({"url.scheme", std::string(context.tls ? "https" : "http")});
  a.push_back({"http.response.status_code", status});
  a.push_back({"network.protocol.version", std::string(request.version() == 10 ? "1.0" : "1.1")});
  a.push_back({"client.address", p.request.client});
  a.push_back({"server.address", context.config.host});
  if (auto const agent = p.request.header("User-Agent"); !agent.empty()) {
    a.push_back({"user_agent.original", std::string(agent)});
  }
  if (status >= 500) a.push_back({"error.type", std::to_string(status)});
  tracer->finish(std::move(span));
}

}  // namespace

void run_handler(ServerContext const& context, Prepared& p, std::function<void()> const& finished) {
  // Exactly one of the handler's respond() and the catch below delivers the answer.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  // Spans started while the handler runs here (the token check, the use case) are this
  // request's children; what the handler hands to other threads captures it at hand-over.
  trace::Scope const scope(p.request.trace);
  try {
    context.router->dispatch_async(*p.route, p.request, [&p, finished, answered](api::Response response) {
      if (answered->exchange(true)) return;
      p.response = std::move(response);
      finished();
    });
  } catch (...) {
    if (answered->exchange(true)) return;
    p.response = failure_response(std::current_exception(), p.request.request_id);
    finished();
  }
}

BeastResponse finish(ServerContext& context, BeastRequest const& request, Prepared& p, bool keep_alive) {
  auto& out = p.response;
  BeastResponse res{static_cast<beast_http::status>(out.status), request.version()};
  res.set(beast_http::field::server, "admit");
  if (!out.content_type.empty()) res.set(beast_http::field::content_type, out.content_type);
  bool cache_control_set = false;
  for (auto const& [name, value] : out.headers) {
    res.set(name, value);
    cache_control_set = cache_control_set || boost::beast::iequals(name, "Cache-Control");
  }
  if (!cache_control_set) res.set(beast_http::field::cache_control, "no-store");
  res.set("X-Request-Id", p.request.request_id);
  res.set("traceparent", trace::format_traceparent(p.request.trace));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  if (context.tls) res.set(beast_http::field::strict_transport_security, "max-age=31536000; includeSubDomains");
  if (!p.origin.empty()) {
    res.set(beast_http::field::access_control_allow_origin, p.origin);
    res.set(beast_http::field::vary, "Origin");
    res.set(beast_http::field::access_control_expose_headers, "X-Request-Id, Location, Retry-After, traceparent");
  }
  auto const body_size = out.body.size();
  if (request.method() != beast_http::verb::head) res.body() = std::move(out.body);
  res.keep_alive(keep_alive);
  res.content_length(body_size);

  auto const elapsed = std::chrono::steady_clock::now() - p.started;
  context.metrics.observe(p.route_name, p.request.method, out.status, elapsed);
  if (p.start_unix_ns != 0) record_request_span(context, request, p);
  if (log::enabled(log::Level::info)) {
    auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    auto const& principal = p.request.principal;
    auto const trace_id = trace::hex(p.request.trace.trace_id);
    auto const span_id = trace::hex(p.request.trace.span_id);
    log::info("request", {{"reqId", p.request.request_id},
                          {"traceId", trace_id},
                          {"spanId", span_id},
                          {"method", p.request.method},
                          {"path", p.request.path},
                          {"route", p.route_name},
                          {"status", out.status},
                          {"durUs", micros},
                          {"client", p.request.client},
                          {"userId", principal ? std::optional<std::string_view>(principal->user_id) : std::nullopt}});
  }
  return res;
}

std::optional<EarlyProblem> framing_problem(beast_http::request_header<> const& head) {
  if (head.version() >= 11) {
    auto const hosts = head.count(beast_http::field::host);
    if (hosts == 0) {
      return EarlyProblem{400, "bad-request", "Bad request", "An HTTP/1.1 request needs a Host header."};
    }
    if (hosts > 1) {
      return EarlyProblem{400, "bad-request", "Bad request", "The request has more than one Host header."};
    }
  }
  auto const [first, last] = head.equal_range(beast_http::field::transfer_encoding);
  if (first == last) return std::nullopt;
  if (head.version() < 11) {
    return EarlyProblem{400, "bad-request", "Bad request", "An HTTP/1.0 request cannot have a Transfer-Encoding."};
  }
  int chunked = 0;
  for (auto line = first; line != last; ++line) {
    auto const value = line->value();
    std::string_view rest(value.data(), value.size());
    while (!rest.empty()) {
      auto const comma = rest.find(',');
      auto coding = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
      if (coding.empty()) continue;
      if (!boost::beast::iequals(coding, "chunked")) {
        return EarlyProblem{501, "not-implemented", "Not implemented",
                            "Only the chunked transfer coding is supported."};
      }
      ++chunked;
    }
  }
  if (chunked != 1) {
    return EarlyProblem{400, "bad-request", "Bad request", "Transfer-Encoding must name chunked exactly once."};
  }
  return std::nullopt;
}

BeastResponse early_error(ServerContext& context, unsigned status, std::string_view slug, std::string_view title,
                          std::string_view detail) {
  auto out = api::problem(status, slug, title, detail);
  BeastResponse res{static_cast<beast_http::status>(status), 11};
  res.set(beast_http::field::server, "admit");
  res.set(beast_http::field::content_type, out.content_type);
  res.set(beast_http::field::cache_control, "no-store");
  res.set("X-Request-Id", random_hex(16));
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(out.body);
  res.keep_alive(false);
  res.prepare_payload();
  context.metrics.observe("unread", "UNKNOWN", status, std::chrono::nanoseconds{0});
  return res;
}

}  // namespace admit::http
