#include "api/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/routes.hpp"
#include "app/accounts.hpp"
#include "app/events.hpp"
#include "support/fakes.hpp"

namespace admit::api {
namespace {

namespace json = boost::json;

/// Tokens are looked up in a table: "attendee-token" and "organizer-token" are valid.
class FakeAccessTokens final : public AccessTokens {
 public:
  IssuedToken issue(Principal const& who) override { return {who.user_id + "-token", std::chrono::seconds{900}}; }

  std::expected<Principal, std::string> verify(std::string_view token) override {
    last_verified = std::string(token);
    if (token == "attendee-token") return Principal{"attendee-1", Role::attendee};
    if (token == "organizer-token") return Principal{"organizer-1", Role::attendee | Role::organizer};
    return std::unexpected(std::string("the token is expired"));
  }

  std::string last_verified;
};

struct Call {
  std::string route;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<Principal> principal;
};

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(routes(), tokens_) {}

  /// A handler that records the call and answers 200 with the route's name.
  Handler record(std::string name) {
    return [this, name](Request& request) {
      Call call{name, {}, request.principal};
      for (auto const& [key, value] : request.params) call.params.emplace_back(std::string(key), value);
      calls_.push_back(std::move(call));
      return json_response(200, "\"" + name + "\"");
    };
  }

  std::vector<Route> routes() {
    using enum Access;
    using enum Execution;
    return {
        {"GET", "/healthz", anyone, inline_io, RateClass::none, record("health")},
        {"GET", "/api/me", user, inline_io, RateClass::general, record("me")},
        {"GET", "/api/me/events", organizer, inline_io, RateClass::general, record("my-events")},
        {"GET", "/api/events", anyone, inline_io, RateClass::general, record("list")},
        {"POST", "/api/events", organizer, worker_pool, RateClass::general, record("create")},
        {"GET", "/api/events/{id}", anyone, inline_io, RateClass::general, record("get")},
        {"PUT", "/api/events/{id}", organizer, worker_pool, RateClass::general, record("update")},
        {"DELETE", "/api/events/{id}", organizer, worker_pool, RateClass::general, record("cancel")},
        {"GET", "/api/events/{id}/tickets/{ticket}", anyone, inline_io, RateClass::general, record("ticket")},
        {"GET", "/api/drafts/{id}", viewer, inline_io, RateClass::general, record("viewed")},
    };
  }

  Response handle(std::string_view method, std::string_view path, std::string_view authorization = {}) {
    request_ = Request{};
    request_.method = method;
    request_.path = path;
    if (!authorization.empty()) request_.headers.emplace_back("Authorization", authorization);
    return router_.handle(request_);
  }

  static std::string header(Response const& response, std::string_view name) {
    for (auto const& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }

  static std::string problem_type(Response const& response) {
    auto const body = json::parse(response.body);
    return std::string(body.at("type").as_string());
  }

  std::vector<Call> calls_;
  FakeAccessTokens tokens_;
  Router router_;
  Request request_;
};

TEST_F(RouterTest, MatchesALiteralRoute) {
  auto const response = handle("GET", "/healthz");
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].route, "health");
  EXPECT_TRUE(calls_[0].params.empty());
}

TEST_F(RouterTest, PrefersTheRouteWithTheRightSegmentCount) {
  handle("GET", "/api/me/events", "Bearer organizer-token");
  handle("GET", "/api/me", "Bearer organizer-token");
  handle("GET", "/api/events");
  ASSERT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_[0].route, "my-events");
  EXPECT_EQ(calls_[1].route, "me");
  EXPECT_EQ(calls_[2].route, "list");
}

TEST_F(RouterTest, MatchesAParameterRouteAndFillsParams) {
  auto const response = handle("GET", "/api/events/abc123");
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].route, "get");
  EXPECT_EQ(calls_[0].params, (std::vector<std::pair<std::string, std::string>>{{"id", "abc123"}}));
  EXPECT_EQ(request_.param("id"), "abc123");
}

TEST_F(RouterTest, FillsSeveralParams) {
  handle("GET", "/api/events/e1/tickets/t9");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].params, (std::vector<std::pair<std::string, std::string>>{{"id", "e1"}, {"ticket", "t9"}}));
}

TEST_F(RouterTest, PercentDecodesParams) {
  handle("GET", "/api/events/caf%C3%A9%20night%2F2");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(request_.param("id"), "caf\u00e9 night/2");
}

TEST_F(RouterTest, RejectsMalformedPercentEscapeWith404) {
  for (auto const* path : {"/api/events/%zz", "/api/events/abc%2", "/api/events/%"}) {
    auto const response = handle("GET", path);
    EXPECT_EQ(response.status, 404u) << path;
  }
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, AnswersUnknownPathWith404Problem) {
  for (auto const* path : {"/nope", "/api/events/e1/extra", "/api/events/", "/api", "/", "/healthz/"}) {
    auto const response = handle("GET", path);
    EXPECT_EQ(response.status, 404u) << path;
    EXPECT_EQ(response.content_type, "application/problem+json") << path;
    EXPECT_EQ(problem_type(response), "urn:admit:problem:not-found") << path;
  }
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, AnswersWrongMethodWith405AndAllow) {
  auto const response = handle("PATCH", "/api/events/e1", "Bearer organizer-token");
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(problem_type(response), "urn:admit:problem:method-not-allowed");
  auto const allow = header(response, "Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("PUT"), std::string::npos) << allow;
  EXPECT_NE(allow.find("DELETE"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("POST"), std::string::npos) << allow;
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, ListsOnlyThePathsMethodsInAllow) {
  auto const response = handle("DELETE", "/api/events");
  EXPECT_EQ(response.status, 405u);
  auto const allow = header(response, "Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("PUT"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("DELETE"), std::string::npos) << allow;
}

TEST_F(RouterTest, HeadMatchesGet) {
  auto const response = handle("HEAD", "/api/events/e1");
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].route, "get");
}

TEST_F(RouterTest, HeadDoesNotMatchOtherMethods) {
  Router post_only({{"POST", "/submit", Access::anyone, Execution::inline_io, RateClass::general, record("submit")}},
                   tokens_);
  Request request;
  request.method = "HEAD";
  request.path = "/submit";
  auto const response = post_only.handle(request);
  EXPECT_EQ(response.status, 405u);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, MethodsAreCaseSensitive) {
  auto const response = handle("get", "/healthz");
  EXPECT_EQ(response.status, 405u);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, AnyoneRouteNeedsNoToken) {
  auto const response = handle("GET", "/api/events");
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_FALSE(calls_[0].principal);
}

TEST_F(RouterTest, ViewerRouteNeedsNoTokenAndNamesTheCallerWhoSendsOne) {
  EXPECT_EQ(handle("GET", "/api/drafts/d1").status, 200u);
  EXPECT_EQ(handle("GET", "/api/drafts/d1", "Bearer organizer-token").status, 200u);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_FALSE(calls_[0].principal) << "anonymous";
  ASSERT_TRUE(calls_[1].principal);
  EXPECT_EQ(calls_[1].principal->user_id, "organizer-1");
}

TEST_F(RouterTest, ViewerRouteRefusesABadToken) {
  // A client that sends a token it believes valid must learn it is not, rather than silently
  // see what anyone sees.
  EXPECT_EQ(handle("GET", "/api/drafts/d1", "Bearer stale-token").status, 401u);
  EXPECT_EQ(handle("GET", "/api/drafts/d1", "Basic b3JnOnB3").status, 401u);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, UserRouteWithoutAuthorizationIs401) {
  auto const response = handle("GET", "/api/me");
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(problem_type(response), "urn:admit:problem:unauthenticated");
  EXPECT_EQ(header(response, "WWW-Authenticate").rfind("Bearer", 0), 0u) << header(response, "WWW-Authenticate");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, OtherSchemesAre401) {
  for (auto const* authorization : {"Basic YWRhOnNlY3JldA==", "Basic xxx", "Bearer", "Bearer ", "Token attendee-token",
                                    "attendee-token", "Bearerattendee-token"}) {
    auto const response = handle("GET", "/api/me", authorization);
    EXPECT_EQ(response.status, 401u) << authorization;
    EXPECT_FALSE(header(response, "WWW-Authenticate").empty()) << authorization;
  }
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, InvalidTokenIs401WithTheReason) {
  auto const response = handle("GET", "/api/me", "Bearer forged-token");
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(tokens_.last_verified, "forged-token");
  EXPECT_NE(response.body.find("the token is expired"), std::string::npos) << response.body;
  EXPECT_FALSE(header(response, "WWW-Authenticate").empty());
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, ValidTokenSetsThePrincipal) {
  auto const response = handle("GET", "/api/me", "Bearer attendee-token");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(tokens_.last_verified, "attendee-token");
  ASSERT_EQ(calls_.size(), 1u);
  ASSERT_TRUE(calls_[0].principal);
  EXPECT_EQ(calls_[0].principal->user_id, "attendee-1");
  EXPECT_EQ(calls_[0].principal->roles, Roles(Role::attendee));
  ASSERT_TRUE(request_.principal);
  EXPECT_EQ(request_.actor().user_id, "attendee-1");
}

TEST_F(RouterTest, SchemeIsCaseInsensitive) {
  auto const response = handle("GET", "/api/me", "bearer attendee-token");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(handle("GET", "/api/me", "BEARER attendee-token").status, 200u);
}

TEST_F(RouterTest, OrganizerRouteWithAttendeeTokenIs403) {
  auto const response = handle("POST", "/api/events", "Bearer attendee-token");
  EXPECT_EQ(response.status, 403u);
  EXPECT_EQ(problem_type(response), "urn:admit:problem:forbidden");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, OrganizerRouteWithoutTokenIs401) {
  EXPECT_EQ(handle("DELETE", "/api/events/e1").status, 401u);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, OrganizerRouteWithOrganizerTokenRuns) {
  auto const response = handle("DELETE", "/api/events/e1", "Bearer organizer-token");
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].route, "cancel");
  ASSERT_TRUE(calls_[0].principal);
  EXPECT_EQ(calls_[0].principal->user_id, "organizer-1");
  EXPECT_EQ(request_.param("id"), "e1");
}

TEST(PercentDecode, DecodesEscapes) {
  EXPECT_EQ(percent_decode("a%20b"), "a b");
  EXPECT_EQ(percent_decode("%41%6a%6A"), "Ajj");
  EXPECT_EQ(percent_decode("plain"), "plain");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%g0"), std::nullopt);
  EXPECT_EQ(percent_decode("%0g"), std::nullopt);
}

// ---- the real route table against the OpenAPI document ----------------------------------

class NoProvider final : public PaymentProvider {
 public:
  std::string_view name() const override { return "none"; }
  PaymentIntent create_intent(std::string const&, std::int64_t, std::string const&, std::string const&) override {
    throw ProviderError("none");
  }
  PaymentIntent retrieve_intent(std::string const&) override { throw ProviderError("none"); }
  RefundOutcome refund(std::string const&, std::int64_t, std::string const&) override { throw ProviderError("none"); }
};

class NoWebhooks final : public Webhooks {
 public:
  bool verify(std::string_view, std::string_view, Timestamp) override { return false; }
  std::string sign(std::string_view, Timestamp) override { return {}; }
  Result<PaymentEvent> read_event(std::string_view) override { return fail(Errc::malformed_input, "none"); }
};

class RouteTableTest : public ::testing::Test {
 protected:
  // A store that holds nothing, and adapters never reached: these tests only look at the
  // route table, and make_routes only needs the use cases to exist.
  test::FakeStore store_;
  test::FakeClock clock_;
  test::CountingEntropy entropy_;
  test::PlainHasher hasher_;
  test::PlainDigest digest_;
  FakeAccessTokens tokens_;
  Accounts accounts_{store_, store_, hasher_, tokens_, digest_, entropy_, clock_};
  Events events_{store_, store_, entropy_, clock_};
  test::FakeTicketCodes codes_;
  test::FakeDownloadLinks links_;
  test::FakePrinter printer_;
  Registrations registrations_{store_, store_, store_, codes_, entropy_, clock_, {}};
  Comps comps_{store_, store_, store_, codes_, entropy_, clock_, nullptr};
  Tickets tickets_{store_, store_, store_, store_, codes_, links_, printer_, clock_, {}};
  NoProvider provider_;
  NoWebhooks webhooks_;
  Payments payments_{store_, store_, provider_, nullptr, webhooks_, codes_, entropy_, clock_};
  Staff staff_{store_, store_, store_, tickets_, entropy_, clock_};
  Confirmations confirmations_{store_, store_, store_, entropy_, clock_};
  Questions questions_{store_, store_, entropy_, clock_};
  PromoAttempts promo_attempts_{0};
  PromoCodes promo_codes_{store_, store_, entropy_, clock_, promo_attempts_};
  Administration administration_{store_, store_, store_, accounts_, clock_};
  Waitlist waitlist_{store_, store_, store_, store_, codes_, entropy_, links_, clock_, {}, nullptr};
  std::vector<Route> routes_ = make_routes(Services{
      .accounts = accounts_,
      .events = events_,
      .registrations = registrations_,
      .comps = comps_,
      .confirmations = confirmations_,
      .tickets = tickets_,
      .payments = payments_,
      .staff = staff_,
      .questions = questions_,
      .promo_codes = promo_codes_,
      .external_sign_in = nullptr,
      .admin = administration_,
      .waitlist = waitlist_,
      .ready = [] { return true; },
      .jwks_json = [] { return std::string(R"({"keys":[]})"); },
      .metrics = [] { return std::string("# metrics\n"); },
  });
  json::value openapi_ = json::parse(openapi_document());
};

using Operation = std::pair<std::string, std::string>;  // method, path

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_http_method(std::string_view key) {
  static std::set<std::string_view> const kMethods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  return kMethods.contains(key);
}

/// Each documented operation, by method and path.
std::map<Operation, json::object const*> documented_operations(json::value const& document) {
  std::map<Operation, json::object const*> operations;
  for (auto const& [path, item] : document.at("paths").as_object()) {
    for (auto const& [key, operation] : item.as_object()) {
      if (is_http_method(key)) operations[{upper(key), std::string(path)}] = &operation.as_object();
    }
  }
  return operations;
}

TEST_F(RouteTableTest, EveryRouteIsDocumented) {
  auto const documented = documented_operations(openapi_);
  for (auto const& route : routes_) {
    EXPECT_TRUE(documented.contains({std::string(route.method), std::string(route.pattern)}))
        << route.method << " " << route.pattern << " is served but not in openapi.json";
  }
}

TEST_F(RouteTableTest, EveryDocumentedOperationIsRouted) {
  std::set<Operation> routed;
  for (auto const& route : routes_) routed.insert({std::string(route.method), std::string(route.pattern)});
  auto const documented = documented_operations(openapi_);
  ASSERT_FALSE(documented.empty());
  for (auto const& [operation, _] : documented) {
    EXPECT_TRUE(routed.contains(operation))
        << operation.first << " " << operation.second << " is documented but not served";
  }
}

TEST_F(RouteTableTest, NoRouteIsListedTwice) {
  std::set<Operation> seen;
  for (auto const& route : routes_) {
    EXPECT_TRUE(seen.insert({std::string(route.method), std::string(route.pattern)}).second)
        << route.method << " " << route.pattern;
  }
}

TEST_F(RouteTableTest, DocumentedSecurityMatchesRouteAccess) {
  ASSERT_TRUE(openapi_.as_object().contains("security")) << "the document should require a token by default";
  auto const documented = documented_operations(openapi_);
  for (auto const& route : routes_) {
    auto const it = documented.find({std::string(route.method), std::string(route.pattern)});
    if (it == documented.end()) continue;  // reported by EveryRouteIsDocumented
    auto const& operation = *it->second;
    auto const* security = operation.if_contains("security");
    bool const documented_public = security && security->is_array() && security->as_array().empty();
    EXPECT_EQ(documented_public, route.access == Access::anyone) << route.method << " " << route.pattern;
    // A token is optional where one of the alternatives is the empty requirement {}.
    bool const documented_optional =
        security && security->is_array() && std::ranges::any_of(security->as_array(), [](json::value const& v) {
          return v.is_object() && v.as_object().empty();
        });
    EXPECT_EQ(documented_optional, route.access == Access::viewer) << route.method << " " << route.pattern;
    // A guest order's token (X-Order-Token) is documented exactly where the route lets buyers in.
    bool const documented_order_token =
        security && security->is_array() && std::ranges::any_of(security->as_array(), [](json::value const& v) {
          return v.is_object() && v.as_object().contains("orderToken");
        });
    EXPECT_EQ(documented_order_token, route.access == Access::buyer) << route.method << " " << route.pattern;

    auto const& responses = operation.at("responses").as_object();
    if (route.access != Access::anyone) {
      EXPECT_TRUE(responses.contains("401")) << route.method << " " << route.pattern << " should document 401";
    }
    if (route.access == Access::organizer || route.access == Access::admin) {
      EXPECT_TRUE(responses.contains("403")) << route.method << " " << route.pattern << " should document 403";
    }
    if (route.rate != RateClass::none) {
      EXPECT_TRUE(responses.contains("429")) << route.method << " " << route.pattern << " should document 429";
    }
  }
}

TEST_F(RouteTableTest, ServesTheOpenApiDocumentItself) {
  Router router(routes_, tokens_);
  Request request;
  request.method = "GET";
  request.path = "/api/openapi.json";
  auto const response = router.handle(request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(json::parse(response.body), openapi_);
}

TEST_F(RouteTableTest, GuardsOrganizerRoutes) {
  Router router(routes_, tokens_);
  for (auto const& route : routes_) {
    if (route.access == Access::anyone || route.access == Access::viewer) continue;
    Request request;
    request.method = route.method;
    request.path = route.pattern;  // "{id}" is as good an id as any for an access check
    EXPECT_EQ(router.handle(request).status, 401u) << route.method << " " << route.pattern;
    if (route.access == Access::organizer || route.access == Access::admin) {
      request.headers.emplace_back("Authorization", "Bearer attendee-token");
      EXPECT_EQ(router.handle(request).status, 403u) << route.method << " " << route.pattern;
    }
    if (route.access == Access::admin) {
      request.headers.clear();
      request.headers.emplace_back("Authorization", "Bearer organizer-token");
      EXPECT_EQ(router.handle(request).status, 403u) << route.method << " " << route.pattern;
    }
  }
}

}  // namespace
}  // namespace admit::api
