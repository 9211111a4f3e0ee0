#include "api/json_writer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace admit::api {
namespace {

std::string literal(std::string_view text) {
  std::string out = "prefix:";
  append_json_string(out, text);
  return out;
}

TEST(AppendJsonString, CopiesPlainTextAndUtf8Unchanged) {
  EXPECT_EQ(literal(""), "prefix:\"\"");
  EXPECT_EQ(literal("Jazz at the Caf\u00e9 \u6771\u4eac"), "prefix:\"Jazz at the Caf\u00e9 \u6771\u4eac\"");
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(literal("say \"hi\"\\"), R"(prefix:"say \"hi\"\\")");
  EXPECT_EQ(literal("\"at the start and the end\""), R"(prefix:"\"at the start and the end\"")");
  EXPECT_EQ(literal("a\nb\rc\td"), R"(prefix:"a\nb\rc\td")");
  EXPECT_EQ(literal(std::string_view("nul\0bell\a", 9)), R"(prefix:"nul\u0000bell\u0007")");
  EXPECT_EQ(literal("\x1f\x7f"), R"(prefix:"\u001f\u007f")");
}

TEST(JsonWriter, WritesNestedValuesAndExactMoney) {
  JsonWriter json;
  json.begin_object()
      .field("name", "Gig \"A\"")
      .field("seats", 3)
      .field("free", false)
      .key("price")
      .money(9999, 2)
      .key("tags")
      .begin_array()
      .value("a")
      .null()
      .end_array()
      .end_object();
  EXPECT_EQ(json.str(), R"({"name":"Gig \"A\"","seats":3,"free":false,"price":99.99,"tags":["a",null]})");
}

}  // namespace
}  // namespace admit::api
