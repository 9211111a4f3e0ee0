#include "base/log.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace admit::log {
namespace {

std::string line_of(std::string_view message, std::initializer_list<Field> fields) {
  testing::internal::CaptureStdout();
  notice(message, fields);
  flush();
  return testing::internal::GetCapturedStdout();
}

TEST(LogFields, AreEscapedJsonMembersInTheOrderGiven) {
  auto const line = line_of("done", {{"error", "a \"quoted\"\nline\\"}, {"count", -3}, {"id", std::string("r1")}});
  auto const fields = line.substr(line.find(",\"msg\":"));
  EXPECT_EQ(fields, ",\"msg\":\"done\",\"error\":\"a \\\"quoted\\\"\\u000aline\\\\\",\"count\":-3,\"id\":\"r1\"}\n");
}

TEST(LogFields, LeavesAnAbsentValueOut) {
  auto const line =
      line_of("request", {{"route", "/x"}, {"userId", std::optional<std::string_view>()}, {"status", 200u}});
  EXPECT_NE(line.find("\"route\":\"/x\",\"status\":200}"), std::string::npos) << line;
  EXPECT_EQ(line.find("userId"), std::string::npos) << line;
}

}  // namespace
}  // namespace admit::log
