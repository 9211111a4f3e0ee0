#include <gtest/gtest.h>

#include "http/exchange.hpp"

namespace admit::http {
namespace {

beast_http::request_header<> head(unsigned version, std::vector<std::pair<std::string, std::string>> fields) {
  beast_http::request_header<> h;
  h.method(beast_http::verb::post);
  h.target("/api/events");
  h.version(version);
  for (auto const& [name, value] : fields) h.insert(name, value);
  return h;
}

unsigned status(std::optional<EarlyProblem> const& problem) {
  return problem ? problem->status : 0;
}

TEST(FramingProblem, AnHttp11RequestNeedsExactlyOneHost) {
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}}))), 0u);
  EXPECT_EQ(status(framing_problem(head(11, {}))), 400u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Host", "b"}}))), 400u);
  EXPECT_EQ(status(framing_problem(head(10, {}))), 0u) << "HTTP/1.0 may omit Host";
}

TEST(FramingProblem, OnlyChunkedIsUnderstood) {
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", "chunked"}}))), 0u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", " Chunked "}}))), 0u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", "gzip, chunked"}}))), 501u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", "foo"}}))), 501u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", "chunked, chunked"}}))), 400u);
  EXPECT_EQ(status(framing_problem(head(11, {{"Host", "a"}, {"Transfer-Encoding", ","}}))), 400u);
  EXPECT_EQ(status(framing_problem(head(10, {{"Transfer-Encoding", "chunked"}}))), 400u);
}

}  // namespace
}  // namespace admit::http
