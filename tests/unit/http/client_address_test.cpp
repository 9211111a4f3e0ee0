#include "http/client_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace admit::http {
namespace {

IpAddress ip(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(IpAddress{});
}

using Lines = std::vector<std::pair<std::string_view, std::string_view>>;

/// The client as the server names it, for a request from `peer` with these header lines.
std::string client(std::vector<std::string> const& trusted_list, std::string_view peer, Lines const& lines) {
  AddressRanges const trusted(trusted_list);
  auto const from = ip(peer);
  return client_address(trusted, from, trusted.contains(from), lines).to_string();
}

TEST(IpAddress, ParsesIpv4AndIpv6InTheirCanonicalSpelling) {
  EXPECT_EQ(ip("192.0.2.1").to_string(), "192.0.2.1");
  EXPECT_EQ(ip(" 192.0.2.1\t").to_string(), "192.0.2.1");
  EXPECT_EQ(ip("2001:DB8:0:0:0:0:0:1").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("[2001:db8::1]").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("::1").to_string(), "::1");
}

TEST(IpAddress, TreatsIpv4MappedIpv6AsIpv4) {
  EXPECT_TRUE(ip("::ffff:127.0.0.1").is_v4());
  EXPECT_EQ(ip("::ffff:127.0.0.1").to_string(), "127.0.0.1");
  EXPECT_EQ(ip("::ffff:7f00:1"), ip("127.0.0.1"));
  EXPECT_FALSE(ip("::1").is_v4());
}

TEST(IpAddress, AcceptsAPortOnlyWhenAsked) {
  EXPECT_FALSE(IpAddress::parse("192.0.2.1:8080"));
  EXPECT_FALSE(IpAddress::parse("[2001:db8::1]:8080"));
  EXPECT_EQ(IpAddress::parse("192.0.2.1:8080", true)->to_string(), "192.0.2.1");
  EXPECT_EQ(IpAddress::parse("[2001:db8::1]:8080", true)->to_string(), "2001:db8::1");
}

TEST(IpAddress, RejectsWhatIsNotAnAddress) {
  for (std::string_view text : std::initializer_list<std::string_view>{
           "", "unknown", "example.com", "192.0.2", "192.0.2.256", "1.2.3.4.5", "[192.0.2.1]", "fe80::1%eth0",
           "2001:db8::1]", "[2001:db8::1", "192.0.2.1:", "192.0.2.1:x", "192.0.2.1:123456", "_gazonk",
           std::string_view("1.2.3.4\0", 8)}) {
    EXPECT_FALSE(IpAddress::parse(text, true)) << text;
  }
  EXPECT_FALSE(IpAddress::parse(std::string(100, '1')));
}

TEST(AddressRanges, MatchesSingleAddressesAndCidrRanges) {
  AddressRanges const ranges({"127.0.0.1", "10.0.0.0/8", "172.16.0.0/12", "2001:db8::/32", "::1"});
  EXPECT_TRUE(ranges.contains(ip("127.0.0.1")));
  EXPECT_FALSE(ranges.contains(ip("127.0.0.2")));
  EXPECT_TRUE(ranges.contains(ip("10.255.1.2")));
  EXPECT_FALSE(ranges.contains(ip("11.0.0.1")));
  EXPECT_TRUE(ranges.contains(ip("172.31.255.255")));
  EXPECT_FALSE(ranges.contains(ip("172.32.0.0")));
  EXPECT_TRUE(ranges.contains(ip("2001:db8:ffff::7")));
  EXPECT_FALSE(ranges.contains(ip("2001:db9::7")));
  EXPECT_TRUE(ranges.contains(ip("::1")));
  EXPECT_TRUE(ranges.contains(ip("::ffff:10.1.2.3"))) << "a dual-stack socket's spelling of an IPv4 peer";
}

TEST(AddressRanges, Ipv4RangesDoNotMatchIpv6Addresses) {
  AddressRanges const ranges({"0.0.0.0/0"});
  EXPECT_TRUE(ranges.contains(ip("203.0.113.9")));
  EXPECT_FALSE(ranges.contains(ip("2001:db8::1")));
  EXPECT_TRUE(AddressRanges({"::/0"}).contains(ip("2001:db8::1")));
}

TEST(AddressRanges, PrefixesThatAreNotWholeBytes) {
  AddressRanges const ranges({"192.0.2.64/26"});
  EXPECT_FALSE(ranges.contains(ip("192.0.2.63")));
  EXPECT_TRUE(ranges.contains(ip("192.0.2.64")));
  EXPECT_TRUE(ranges.contains(ip("192.0.2.127")));
  EXPECT_FALSE(ranges.contains(ip("192.0.2.128")));
}

TEST(AddressRanges, RefusesEntriesThatAreNotAddressesOrRanges) {
  for (std::string const bad :
       {"localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "2001:db8::/129", "10.0.0.1/8", "10.0.0.0/8/8"}) {
    EXPECT_THROW(AddressRanges({bad}), std::invalid_argument) << bad;
  }
  try {
    AddressRanges({"127.0.0.1", "proxy.internal"});
    FAIL();
  } catch (std::invalid_argument const& e) {
    EXPECT_NE(std::string(e.what()).find("proxy.internal"), std::string::npos) << e.what();
  }
}

TEST(ClientAddress, IsThePeerWhenThePeerIsNotTrusted) {
  EXPECT_EQ(client({"10.0.0.5"}, "203.0.113.9", {{"X-Forwarded-For", "198.51.100.1"}}), "203.0.113.9");
  EXPECT_EQ(client({}, "203.0.113.9", {{"X-Forwarded-For", "198.51.100.1"}}), "203.0.113.9");
}

TEST(ClientAddress, IsTheTrustedPeerWhenNothingIsForwarded) {
  EXPECT_EQ(client({"10.0.0.5"}, "10.0.0.5", {{"Host", "x"}}), "10.0.0.5");
}

TEST(ClientAddress, IsTheRightMostAddressNoTrustedProxyWrote) {
  EXPECT_EQ(client({"10.0.0.5"}, "10.0.0.5", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9"}}), "203.0.113.9");
  EXPECT_EQ(client({"10.0.0.0/8"}, "10.0.0.5", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.7"}}), "203.0.113.9");
}

TEST(ClientAddress, ReadsEveryXForwardedForLineNotOnlyTheFirst) {
  // The client wrote the first line itself; HAProxy added the second.
  Lines const lines{
      {"Host", "x"}, {"X-Forwarded-For", "1.1.1.1"}, {"Accept", "*/*"}, {"x-forwarded-for", "203.0.113.9"}};
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", lines), "203.0.113.9");
  // Two proxies, each adding its own line: the lines are one list in the order received.
  Lines const chain{{"X-Forwarded-For", "6.6.6.6, 203.0.113.9"}, {"X-Forwarded-For", "10.0.0.2"}};
  EXPECT_EQ(client({"10.0.0.0/8"}, "10.0.0.1", chain), "203.0.113.9");
}

TEST(ClientAddress, IsTheLeftMostWhenEveryHopIsTrusted) {
  EXPECT_EQ(client({"10.0.0.0/8"}, "10.0.0.1", {{"X-Forwarded-For", "10.0.0.3, 10.0.0.2"}}), "10.0.0.3");
}

TEST(ClientAddress, StopsAtWhatIsNotAnAddress) {
  // "unknown" came from beyond the nearest trusted proxy, which vouches only for 10.0.0.9.
  EXPECT_EQ(client({"10.0.0.0/8"}, "10.0.0.1", {{"X-Forwarded-For", "203.0.113.9, unknown, 10.0.0.9"}}), "10.0.0.9");
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", {{"X-Forwarded-For", "garbage"}}), "127.0.0.1");
}

TEST(ClientAddress, SkipsEmptyElementsAndNormalises) {
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", {{"X-Forwarded-For", " ,203.0.113.9 ,, "}}), "203.0.113.9");
  EXPECT_EQ(client({"127.0.0.1"}, "::ffff:127.0.0.1", {{"X-Forwarded-For", "::ffff:203.0.113.9"}}), "203.0.113.9");
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", {{"X-Forwarded-For", "[2001:DB8::1]:4711"}}), "2001:db8::1");
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", {{"X-Forwarded-For", "203.0.113.9:4711"}}), "203.0.113.9");
}

TEST(ClientAddress, IgnoresTheForwardedHeader) {
  // HAProxy and nginx write X-Forwarded-For only, so a Forwarded header is the client's own.
  Lines const lines{{"Forwarded", "for=1.1.1.1"}, {"X-Forwarded-For", "203.0.113.9"}};
  EXPECT_EQ(client({"127.0.0.1"}, "127.0.0.1", lines), "203.0.113.9");
}

}  // namespace
}  // namespace admit::http
