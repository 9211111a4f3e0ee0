#include "http/connection_limits.hpp"

#include <gtest/gtest.h>

namespace admit::http {
namespace {

using Verdict = ConnectionLimits::Verdict;

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}

TEST(ConnectionLimits, RefusesAClientOverItsLimitButNotOthers) {
  ConnectionLimits limits(100, 2);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::admitted);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::admitted);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::per_client);
  EXPECT_EQ(limits.open(ip("::ffff:192.0.2.1"), false), Verdict::per_client) << "one host, one count";
  EXPECT_EQ(limits.open(ip("192.0.2.2"), false), Verdict::admitted);
  limits.close(ip("192.0.2.1"), false);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::admitted);
}

TEST(ConnectionLimits, ExemptPeersMeetOnlyTheTotal) {
  ConnectionLimits limits(3, 1);
  EXPECT_EQ(limits.open(ip("127.0.0.1"), true), Verdict::admitted);
  EXPECT_EQ(limits.open(ip("127.0.0.1"), true), Verdict::admitted);
  EXPECT_EQ(limits.open(ip("127.0.0.1"), true), Verdict::admitted);
  EXPECT_EQ(limits.open(ip("127.0.0.1"), true), Verdict::total);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::total);
  limits.close(ip("127.0.0.1"), true);
  EXPECT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::admitted);
}

TEST(ConnectionLimits, ZeroTurnsALimitOff) {
  ConnectionLimits limits(0, 0);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(limits.open(ip("192.0.2.1"), false), Verdict::admitted);
}

}  // namespace
}  // namespace admit::http
