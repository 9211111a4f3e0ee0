#include "base/encoding.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>

namespace admit {
namespace {

// RFC 4648 §10 test vectors, without padding as base64url (§5) is used here.
std::array<std::pair<char const*, char const*>, 7> const kVectors{{
    {"", ""},
    {"f", "Zg"},
    {"fo", "Zm8"},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg"},
    {"fooba", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy"},
}};

TEST(Base64urlEncode, MatchesRfc4648Vectors) {
  for (auto const& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64url_encode(std::string_view(plain)), encoded) << plain;
  }
}

TEST(Base64urlDecode, MatchesRfc4648Vectors) {
  for (auto const& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64url_decode(encoded), plain) << encoded;
  }
}

TEST(Base64urlEncode, UsesTheUrlSafeAlphabet) {
  std::array<unsigned char, 2> const bytes{0xfb, 0xff};
  EXPECT_EQ(base64url_encode(bytes), "-_8");
  std::array<unsigned char, 3> const high{0xfb, 0xef, 0xff};
  EXPECT_EQ(base64url_encode(high), "--__");
}

TEST(Base64urlDecode, ReadsTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64urlDecode, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t length = 0; length <= all.size(); length += 37) {
    auto const part = all.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(part)), part) << length;
  }
  EXPECT_EQ(base64url_decode(base64url_encode(all)), all);
}

TEST(Base64urlDecode, RejectsPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
  EXPECT_EQ(base64url_decode("===="), std::nullopt);
}

TEST(Base64urlDecode, RejectsTheStandardAlphabetsPlusAndSlash) {
  EXPECT_EQ(base64url_decode("+_8"), std::nullopt);
  EXPECT_EQ(base64url_decode("-/8"), std::nullopt);
  EXPECT_EQ(base64url_decode("++++"), std::nullopt);
}

TEST(Base64urlDecode, RejectsWhitespaceAndOtherCharacters) {
  EXPECT_EQ(base64url_decode(" Zg"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm.v"), std::nullopt);
  EXPECT_EQ(base64url_decode(std::string_view("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9\xc3\xa9"), std::nullopt);
}

TEST(Base64urlDecode, RejectsNonCanonicalTrailingBits) {
  // "Zg" is the only encoding of "f"; "Zh" sets a bit past the last byte.
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zv"), std::nullopt);
  // "Zm8" is the only encoding of "fo".
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm_"), std::nullopt);
}

TEST(Base64urlDecode, RejectsLengthOneModFour) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("A"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vYmFyZ"), std::nullopt);
}

TEST(HexEncode, WritesLowerCaseDigits) {
  std::array<unsigned char, 6> const bytes{0x00, 0x01, 0x0f, 0x10, 0xab, 0xff};
  EXPECT_EQ(hex_encode(bytes), "00010f10abff");
  EXPECT_EQ(hex_encode(std::span<unsigned char const>{}), "");
}

TEST(HexEncode, WritesTwoDigitsPerByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  auto const hex = hex_encode({reinterpret_cast<unsigned char const*>(all.data()), all.size()});
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(506), "fdfeff");
}

}  // namespace
TEST(PercentEncode, KeepsOnlyTheUnreservedCharactersAndSlashesWhenAsked) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh");
  EXPECT_EQ(percent_encode("/events/a b", /*keep_slash=*/true), "/events/a%20b");
  EXPECT_EQ(percent_encode("\xC3\xA9\n"), "%C3%A9%0A") << "bytes, upper-case hex";
  EXPECT_EQ(percent_encode(""), "");
}

TEST(FormUrlencoded, JoinsPairsAndEncodesOnlyTheValues) {
  EXPECT_EQ(form_urlencoded({{"metadata[id]", "r 1"}, {"code", "a&b=c"}}), "metadata[id]=r%201&code=a%26b%3Dc");
  EXPECT_EQ(form_urlencoded({}), "");
}

}  // namespace admit
