#include "api/json_input.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <stdexcept>
#include <string>

namespace admit::api {
namespace {

namespace json = boost::json;

Request post(std::string_view body, std::string_view content_type = "application/json") {
  Request request;
  request.method = "POST";
  request.path = "/api/events";
  request.body = body;
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  return request;
}

std::string type_of(Response const& response) {
  return std::string(json::parse(response.body).at("type").as_string());
}

/// field → message of a validation problem's `errors` list.
std::map<std::string, std::string> errors_of(Response const& response) {
  std::map<std::string, std::string> errors;
  auto const body = json::parse(response.body);
  for (auto const& e : body.at("errors").as_array()) {
    errors[std::string(e.at("field").as_string())] = std::string(e.at("message").as_string());
  }
  return errors;
}

JsonInput parse_ok(std::string_view body) {
  auto request = post(body);
  auto input = JsonInput::parse(request);
  if (!input) throw std::runtime_error("parse failed: " + input.error().body);
  return std::move(*input);
}

TEST(JsonInputParse, RejectsMalformedJsonWith400) {
  for (auto const* body : {"{", "{\"name\": }", "{'name': 'x'}", "{\"a\":1}{\"b\":2}", "nul", "{\"a\":1,}"}) {
    auto request = post(body);
    auto const input = JsonInput::parse(request);
    ASSERT_FALSE(input) << body;
    EXPECT_EQ(input.error().status, 400u) << body;
    EXPECT_EQ(input.error().content_type, "application/problem+json");
    EXPECT_EQ(type_of(input.error()), "urn:admit:problem:malformed-json") << body;
  }
}

TEST(JsonInputParse, RejectsEmptyBody) {
  auto request = post("");
  auto const input = JsonInput::parse(request);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().status, 400u);
  EXPECT_EQ(type_of(input.error()), "urn:admit:problem:malformed-json");
}

TEST(JsonInputParse, RejectsNonObjectsWith400) {
  for (auto const* body : {"[1,2]", "42", "\"text\"", "null", "true"}) {
    auto request = post(body);
    auto const input = JsonInput::parse(request);
    ASSERT_FALSE(input) << body;
    EXPECT_EQ(input.error().status, 400u) << body;
    EXPECT_EQ(type_of(input.error()), "urn:admit:problem:malformed-json") << body;
  }
}

TEST(JsonInputParse, RejectsDeepNesting) {
  std::string body = "{\"a\":";
  for (int i = 0; i < 100; ++i) body += "[";
  for (int i = 0; i < 100; ++i) body += "]";
  body += "}";
  auto request = post(body);
  auto const input = JsonInput::parse(request);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().status, 400u);
}

TEST(JsonInputParse, RejectsOtherContentTypesWith415) {
  for (auto const* type : {"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonp", "application/json-seq"}) {
    auto request = post("{}", type);
    auto const input = JsonInput::parse(request);
    ASSERT_FALSE(input) << type;
    EXPECT_EQ(input.error().status, 415u) << type;
    EXPECT_EQ(type_of(input.error()), "urn:admit:problem:unsupported-media-type") << type;
  }
}

TEST(JsonInputParse, AcceptsJsonContentTypes) {
  for (auto const* type : {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                           "Application/JSON", "application/merge-patch+json"}) {
    auto request = post("{\"name\":\"x\"}", type);
    EXPECT_TRUE(JsonInput::parse(request)) << type;
  }
}

TEST(JsonInputParse, FindsTheContentTypeHeaderIgnoringCase) {
  auto request = post("{}", "");
  request.headers.emplace_back("content-type", "text/plain");
  auto const input = JsonInput::parse(request);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().status, 415u);
}

TEST(JsonInputString, ReadsStrings) {
  auto input = parse_ok(R"({"name":"Jazz night","empty":""})");
  EXPECT_EQ(input.string("name"), "Jazz night");
  EXPECT_EQ(input.string("empty"), "");
  EXPECT_FALSE(input.errors());
}

TEST(JsonInputString, OptionalMissingOrNullIsNothing) {
  auto input = parse_ok(R"({"description":null})");
  EXPECT_EQ(input.string("name"), std::nullopt);
  EXPECT_EQ(input.string("description"), std::nullopt);
  EXPECT_FALSE(input.errors());
}

TEST(JsonInputString, RequiredMissingIsAnError) {
  auto input = parse_ok(R"({"other":1})");
  EXPECT_EQ(input.string("name", true), std::nullopt);
  input.integer("other");
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors->status, 400u);
  EXPECT_EQ(type_of(*errors), "urn:admit:problem:validation-error");
  EXPECT_EQ(errors_of(*errors), (std::map<std::string, std::string>{{"name", "is required"}}));
}

TEST(JsonInputString, RequiredNullIsAnError) {
  auto input = parse_ok(R"({"name":null})");
  EXPECT_EQ(input.string("name", true), std::nullopt);
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  EXPECT_TRUE(errors_of(*errors).contains("name"));
}

TEST(JsonInput, CollectsEveryWrongTypeInOneResponse) {
  auto input = parse_ok(R"({"name":5,"capacity":"ten","price":"free","location":["x"],"date":"2026-12-15T20:00:00Z"})");
  EXPECT_EQ(input.string("name"), std::nullopt);
  EXPECT_EQ(input.integer("capacity"), std::nullopt);
  EXPECT_EQ(input.number("price"), std::nullopt);
  EXPECT_EQ(input.string("location"), std::nullopt);
  EXPECT_EQ(input.string("date"), "2026-12-15T20:00:00Z");
  EXPECT_EQ(input.string("timezone", true), std::nullopt);
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors->status, 400u);
  EXPECT_EQ(errors_of(*errors), (std::map<std::string, std::string>{{"name", "must be a string"},
                                                                    {"capacity", "must be an integer"},
                                                                    {"price", "must be a number"},
                                                                    {"location", "must be a string"},
                                                                    {"timezone", "is required"}}));
}

TEST(JsonInput, ReportsUnknownFields) {
  auto input = parse_ok(R"({"name":"x","organizerId":"me","registeredCount":0})");
  input.allow_only({"name", "capacity"});
  EXPECT_EQ(input.string("name"), "x");
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  auto const fields = errors_of(*errors);
  EXPECT_EQ(fields.size(), 2u);
  EXPECT_TRUE(fields.contains("organizerId"));
  EXPECT_TRUE(fields.contains("registeredCount"));
}

TEST(JsonInput, AllowOnlyAcceptsKnownFields) {
  auto input = parse_ok(R"({"name":"x","capacity":3})");
  input.allow_only({"name", "capacity", "price"});
  EXPECT_FALSE(input.errors());
}

TEST(JsonInput, UnknownAndWrongTypedFieldsTogether) {
  auto input = parse_ok(R"({"name":1,"isAdmin":true})");
  input.allow_only({"name"});
  input.string("name");
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  auto const fields = errors_of(*errors);
  EXPECT_TRUE(fields.contains("name"));
  EXPECT_TRUE(fields.contains("isAdmin"));
}

TEST(JsonInput, EmptyIsAboutTheObject) {
  EXPECT_TRUE(parse_ok("{}").empty());
  EXPECT_FALSE(parse_ok(R"({"a":null})").empty());
}

TEST(JsonInputInteger, AcceptsWholeNumbers) {
  auto input = parse_ok(R"({"a":10,"b":10.0,"c":-3,"d":0,"e":1e3,"f":9007199254740991})");
  EXPECT_EQ(input.integer("a"), 10);
  EXPECT_EQ(input.integer("b"), 10);
  EXPECT_EQ(input.integer("c"), -3);
  EXPECT_EQ(input.integer("d"), 0);
  EXPECT_EQ(input.integer("e"), 1000);
  EXPECT_EQ(input.integer("f"), 9007199254740991);
  EXPECT_FALSE(input.errors());
}

TEST(JsonInputInteger, RejectsFractionsStringsAndOtherTypes) {
  auto input = parse_ok(R"({"a":10.5,"b":"10","c":true,"d":1e300,"e":18446744073709551615,"f":{}})");
  for (auto const* field : {"a", "b", "c", "d", "e", "f"}) EXPECT_EQ(input.integer(field), std::nullopt) << field;
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  auto const fields = errors_of(*errors);
  EXPECT_EQ(fields.size(), 6u);
  for (auto const& [field, message] : fields) EXPECT_EQ(message, "must be an integer") << field;
}

TEST(JsonInputNumber, AcceptsIntegersAndDoubles) {
  auto input = parse_ok(R"({"a":10,"b":12.5,"c":0,"d":-1.25,"e":1e2})");
  EXPECT_EQ(input.number("a"), 10.0);
  EXPECT_EQ(input.number("b"), 12.5);
  EXPECT_EQ(input.number("c"), 0.0);
  EXPECT_EQ(input.number("d"), -1.25);
  EXPECT_EQ(input.number("e"), 100.0);
  EXPECT_FALSE(input.errors());
}

TEST(JsonInputNumber, RejectsNonNumbers) {
  auto input = parse_ok(R"({"a":"12.5","b":null,"c":false,"d":[1]})");
  EXPECT_EQ(input.number("a"), std::nullopt);
  EXPECT_EQ(input.number("b"), std::nullopt);  // null on an optional field is "not given"
  EXPECT_EQ(input.number("c"), std::nullopt);
  EXPECT_EQ(input.number("d"), std::nullopt);
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors_of(*errors), (std::map<std::string, std::string>{
                                    {"a", "must be a number"}, {"c", "must be a number"}, {"d", "must be a number"}}));
}

TEST(JsonInputNumber, RequiredMissingIsAnError) {
  auto input = parse_ok("{}");
  EXPECT_EQ(input.number("price", true), std::nullopt);
  EXPECT_EQ(input.integer("capacity", true), std::nullopt);
  auto const errors = input.errors();
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors_of(*errors),
            (std::map<std::string, std::string>{{"price", "is required"}, {"capacity", "is required"}}));
}

}  // namespace
}  // namespace admit::api
