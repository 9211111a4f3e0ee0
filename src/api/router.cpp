#include "api/router.hpp"

#include <boost/beast/core/string.hpp>
#include <future>
#include <memory>

#include "api/problem.hpp"

namespace admit::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    auto const slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int const hi = hex_value(text[i + 1]);
    int const lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Router::Router(std::vector<Route> routes, AccessTokens& tokens, AccountGate* accounts, GuestOrders* orders)
    : routes_(std::move(routes)), tokens_(tokens), accounts_(accounts), orders_(orders) {
  compiled_.reserve(routes_.size());
  for (auto const& route : routes_) compiled_.push_back({split_path(route.pattern)});
}

std::variant<Router::Match, Response> Router::match(Request& request) const {
  auto const segments = split_path(request.path);
  std::string allowed;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    auto const& pattern = compiled_[i].segments;
    if (pattern.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t s = 0; s < pattern.size() && matches; ++s) {
      matches = is_param(pattern[s]) ? !segments[s].empty() : pattern[s] == segments[s];
    }
    if (!matches) continue;
    auto const& route = routes_[i];
    bool const method_ok = route.method == request.method || (route.method == "GET" && request.method == "HEAD");
    if (!method_ok) {
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
      if (route.method == "GET") allowed += ", HEAD";
      continue;
    }
    request.params.clear();
    for (std::size_t s = 0; s < pattern.size(); ++s) {
      if (!is_param(pattern[s])) continue;
      auto decoded = percent_decode(segments[s]);
      if (!decoded) return problem(404, "not-found", "Not found", "The path is not valid.");
      request.params.emplace_back(pattern[s].substr(1, pattern[s].size() - 2), std::move(*decoded));
    }
    return Match{&route};
  }
  if (!allowed.empty()) {
    auto response = problem(405, "method-not-allowed", "Method not allowed",
                            "This resource does not support " + std::string(request.method) + ".");
    response.with_header("Allow", allowed);
    return response;
  }
  return problem(404, "not-found", "Not found", "No resource lives at this path.");
}

std::optional<Response> Router::authenticate(Route const& route, Request& request) const {
  if (route.access == Access::anyone) return std::nullopt;
  auto const authorization = request.header("Authorization");
  if (route.access == Access::viewer && authorization.empty()) return std::nullopt;
  if (route.access == Access::buyer && authorization.empty() && !request.header("X-Order-Token").empty()) {
    auto holder = orders_ ? orders_->open(request.header("X-Order-Token")) : std::nullopt;
    // Retired, wrong or unknown: the order asked for is not this token's, and its existence
    // is not the caller's to learn.
    if (!holder) return problem(404, "not-found", "Not found", "No order of yours is opened by this order token.");
    request.principal = std::move(*holder);
    return std::nullopt;
  }
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return problem(401, "unauthenticated", "Authentication is required",
                   "Send an access token in the Authorization header: Bearer <token>.");
  }
  auto principal = tokens_.verify(authorization.substr(kScheme.size()));
  if (!principal) return invalid_token("The access token is not valid: " + principal.error() + ".");
  if (accounts_) {
    if (auto admitted = accounts_->check(*principal); !admitted) return invalid_token(admitted.error().detail);
  }
  request.principal = std::move(*principal);
  if (route.access == Access::organizer && !request.principal->roles.has(Role::organizer)) {
    return problem(403, "forbidden", "Not allowed", "Only organizers may do this.");
  }
  if (route.access == Access::admin && !request.principal->roles.has(Role::admin)) {
    return problem(403, "forbidden", "Not allowed", "Only admins may do this.");
  }
  return std::nullopt;
}

bool Router::may_answer_later(Route const& route, Request const& request) const {
  return route.access != Access::anyone && tokens_.may_defer() && !request.header("Authorization").empty();
}

void Router::dispatch_async(Route const& route, Request& request, Respond respond) const {
  dispatch(route, request, std::move(respond), true);
}

void Router::dispatch(Route const& route, Request& request, Respond respond, bool may_wait) const {
  if (auto denied = authenticate(route, request)) {
    constexpr std::string_view kScheme = "bearer ";
    auto const authorization = request.header("Authorization");
    if (may_wait && denied->status == 401 && tokens_.may_defer() && authorization.size() > kScheme.size()) {
      // The request (and so the route and the respond) lives until it is answered.
      // clang-analyzer reports a leak here falsely: the std::function owns the copied lambda, and
      // prepare() moves it into its queue or drops it (the analyzer loses it across the call).
      // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks)
      auto again = [this, &route, &request, respond]() { dispatch(route, request, respond, false); };
      if (tokens_.prepare(authorization.substr(kScheme.size()), again)) return;
    }
    return respond(std::move(*denied));
  }
  // The holder of an order token names no account: nothing for the account check to see.
  if (!request.principal || request.principal->order_id || !accounts_) {
    if (route.async_handler) return route.async_handler(request, std::move(respond));
    return respond(route.handler(request));
  }
  // The account check above may use a state a moment old; an account deleted since then makes
  // the use case fail (a write its row no longer admits, 503 or 500) or say it is gone (401).
  // Either way the token is what is wrong, and the client must hear so, not retry.
  // The request (and so its principal) lives until the response is delivered.
  auto explained = [accounts = accounts_, who = &*request.principal, respond = std::move(respond)](Response r) {
    if (r.status == 401) mark_invalid_token(r);
    if (r.status >= 500) {
      if (auto still = accounts->recheck(*who); !still) r = invalid_token(still.error().detail);
    }
    respond(std::move(r));
  };
  try {
    if (route.async_handler) return route.async_handler(request, explained);
    explained(route.handler(request));
  } catch (...) {
    auto still = accounts_->recheck(*request.principal);
    if (still) throw;
    explained(invalid_token(still.error().detail));
  }
}

Response Router::handle(Request& request) const {
  auto matched = match(request);
  if (auto* response = std::get_if<Response>(&matched)) return std::move(*response);
  // Blocks until an async route answers: for tests and tools, never on an I/O thread.
  auto promise = std::make_shared<std::promise<Response>>();
  auto future = promise->get_future();
  dispatch_async(*std::get<Match>(matched).route, request, [promise](Response r) { promise->set_value(std::move(r)); });
  // The analyzer loses the callback's std::function inside dispatch_async and calls it leaked.
  // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks)
  return future.get();
}

}  // namespace admit::api
