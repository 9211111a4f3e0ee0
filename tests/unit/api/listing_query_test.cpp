#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <string>

#include "api/query.hpp"

namespace admit::api {
namespace {

namespace json = boost::json;

/// field → message of a listing's problem; empty when the query was accepted.
std::map<std::string, std::string> errors_of(ListingQuery const& query) {
  std::map<std::string, std::string> out;
  auto const problem = query.problem();
  if (!problem) return out;
  EXPECT_EQ(problem->status, 400u);
  auto const body = json::parse(problem->body);
  for (auto const& e : body.at("errors").as_array()) {
    out[std::string(e.at("field").as_string())] = std::string(e.at("message").as_string());
  }
  return out;
}

TEST(ListingQuery, ReadsLimitAndCursorWithTheDefaultPageSize) {
  auto const plain = ListingQuery::parse("");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->limit(), kDefaultPageSize);
  EXPECT_FALSE(plain->cursor());
  auto const paged = ListingQuery::parse("limit=100&cursor=abc");
  ASSERT_TRUE(paged);
  EXPECT_EQ(paged->limit(), 100);
  EXPECT_EQ(paged->cursor(), "abc");
  EXPECT_TRUE(errors_of(*paged).empty());
}

TEST(ListingQuery, RejectsALimitOutsideTheBoundsItNames) {
  for (auto const* text : {"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "limit=99999999999"}) {
    auto const query = ListingQuery::parse(text);
    ASSERT_TRUE(query) << text;
    EXPECT_EQ(errors_of(*query),
              (std::map<std::string, std::string>{{"limit", "must be an integer between 1 and 100"}}))
        << text;
  }
}

TEST(ListingQuery, NamesEveryWrongParameterAtOnce) {
  auto query = ListingQuery::parse("limit=0&from=yesterday&colour=red&q=jazz", {"q", "from"});
  ASSERT_TRUE(query);
  EXPECT_FALSE(query->time("from"));
  EXPECT_EQ(query->text("q"), "jazz");
  auto const errors = errors_of(*query);
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_TRUE(errors.contains("limit"));
  EXPECT_EQ(errors.at("from"), "must be an RFC 3339 date-time");
  EXPECT_EQ(errors.at("colour"), "is not a parameter of this listing");
}

TEST(ListingQuery, AMalformedQueryStringIsAProblemAtOnce) {
  auto const query = ListingQuery::parse("q=%zz");
  ASSERT_FALSE(query);
  EXPECT_EQ(query.error().status, 400u);
}

}  // namespace
}  // namespace admit::api
