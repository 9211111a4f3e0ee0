#include "app/paging.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace admit {
namespace {

/// A listing of 0..count-1 that records how many items each read asked for.
struct Numbers {
  int count;
  std::vector<int> asked;
  std::vector<int> fetch(int n) {
    asked.push_back(n);
    std::vector<int> out;
    for (int i = 0; i < count && (n == 0 || i < n); ++i) out.push_back(i);
    return out;
  }
};

std::string cursor_of(int const& last) {
  return "after-" + std::to_string(last);
}

TEST(ReadPage, AsksForOneMoreAndTrimsToTheLimitWithACursor) {
  Numbers numbers{.count = 5, .asked = {}};
  auto const page = read_page(
      3, [&](int n) { return numbers.fetch(n); }, cursor_of);
  EXPECT_EQ(numbers.asked, std::vector<int>{4});
  EXPECT_EQ(page.items, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(page.next_cursor, "after-2");
}

TEST(ReadPage, HasNoCursorWhenEverythingFits) {
  Numbers numbers{.count = 3, .asked = {}};
  auto const page = read_page(
      3, [&](int n) { return numbers.fetch(n); }, cursor_of);
  EXPECT_EQ(page.items, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(page.next_cursor);
}

TEST(ReadPage, ALimitOfZeroReadsEverythingWithoutACursor) {
  Numbers numbers{.count = 250, .asked = {}};
  auto const page = read_page(
      0, [&](int n) { return numbers.fetch(n); }, cursor_of);
  EXPECT_EQ(numbers.asked, std::vector<int>{0});
  EXPECT_EQ(page.items.size(), 250u);
  EXPECT_FALSE(page.next_cursor);
}

std::optional<int> decode_digit(std::string_view text) {
  if (text.size() != 1 || text[0] < '0' || text[0] > '9') return std::nullopt;
  return text[0] - '0';
}

TEST(CheckPageRequest, NamesTheBoundsItEnforces) {
  for (int limit : {0, -1, kMaxPageSize + 1}) {
    std::vector<FieldError> errors;
    (void)check_page_request(limit, std::nullopt, decode_digit, errors);
    ASSERT_EQ(errors.size(), 1u) << limit;
    EXPECT_EQ(errors[0].field, "limit");
    EXPECT_EQ(errors[0].message, "must be between 1 and 100");
  }
  std::vector<FieldError> errors;
  (void)check_page_request(-1, std::nullopt, decode_digit, errors, /*zero_lists_all=*/true);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must be between 0 and 100");
}

TEST(CheckPageRequest, DecodesTheCursorOrNamesIt) {
  std::vector<FieldError> errors;
  EXPECT_EQ(check_page_request(1, std::string("7"), decode_digit, errors), 7);
  EXPECT_EQ(check_page_request(kMaxPageSize, std::nullopt, decode_digit, errors), std::nullopt);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(check_page_request(1, std::string("x"), decode_digit, errors), std::nullopt);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "cursor");
}

}  // namespace
}  // namespace admit
