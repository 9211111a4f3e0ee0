#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http_types.hpp"
#include "app/account_gate.hpp"
#include "app/guests.hpp"
#include "app/ports.hpp"

namespace admit::api {

using Handler = std::function<Response(Request&)>;
/// Delivers a response later, from any thread.
using Respond = std::function<void(Response)>;
/// A handler whose use case completes later (a write waiting for its group commit): it
/// must call `respond` exactly once; the request stays alive until it does.
using AsyncHandler = std::function<void(Request&, Respond)>;

/// Who may call a route. Ownership ("your own event") is the use case's check.
enum class Access {
  anyone,  ///< no token needed
  viewer,  ///< no token needed; a token, when sent, must be valid and names the caller
  user,    ///< any valid access token
  /// Any valid access token, or, without an Authorization header, a guest order's token in
  /// X-Order-Token (one that opens no order is a 404): the use case lets it at that order only.
  buyer,
  organizer,  ///< a token with the organizer role
  admin,      ///< a token with the admin role
};

/// Where the HTTP layer runs a handler.
enum class Execution {
  inline_io,    ///< quick: on the I/O thread
  worker_pool,  ///< CPU-heavy (password hashing, PDF rendering): on a pool sized to the cores
  blocking,     ///< mostly waiting (a commit, a payment provider): on a larger pool of waiters
};

/// Which rate limit applies.
enum class RateClass {
  none,     ///< health and metrics probes
  auth,     ///< sign-up, login, refresh: per minute, strict
  general,  ///< everything else: per second, generous
};

struct Route {
  std::string_view method;
  std::string_view pattern;  ///< "/api/events/{id}"; also the route's name in metrics and logs
  Access access;
  Execution execution;
  RateClass rate;
  Handler handler;               ///< set for ordinary routes
  AsyncHandler async_handler{};  ///< set instead for routes that answer later
};

/// Matches requests against the route table and runs the matching handler after the route's
/// access check. A function from request to response: no sockets involved.
class Router {
 public:
  /// With `accounts`, every verified token is also checked against its account's current state
  /// (it exists, is enabled, and has not lost rights since the token was issued).
  /// With `orders`, Access::buyer routes also take guest order tokens.
  Router(std::vector<Route> routes, AccessTokens& tokens, AccountGate* accounts = nullptr,
         GuestOrders* orders = nullptr);

  struct Match {
    Route const* route;
  };
  /// The matching route (filling `request.params`), or the 404 / 405 problem to send.
  std::variant<Match, Response> match(Request& request) const;
  /// Authenticates as the route requires, then runs its handler: `respond` gets the
  /// response, now (ordinary routes) or later (async routes).
  void dispatch_async(Route const& route, Request& request, Respond respond) const;
  /// Whether dispatch_async may answer `request` later even when `route` answers at once: its
  /// bearer token may have to wait for the identity provider's keys (AccessTokens::prepare),
  /// which happens off the caller's thread.
  bool may_answer_later(Route const& route, Request const& request) const;
  /// match + dispatch.
  Response handle(Request& request) const;

 private:
  /// dispatch_async; with `may_wait`, a token refused for a key not fetched yet is checked
  /// again once the fetch is done.
  void dispatch(Route const& route, Request& request, Respond respond, bool may_wait) const;
  /// The 401/403 problem when the request may not use the route; sets request.principal.
  std::optional<Response> authenticate(Route const& route, Request& request) const;

  struct Compiled {
    std::vector<std::string_view> segments;  ///< "{id}" segments match anything non-empty
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
  AccessTokens& tokens_;
  AccountGate* accounts_;
  GuestOrders* orders_;
};

/// Decodes %XX escapes; nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace admit::api
