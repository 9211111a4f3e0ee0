#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/error.hpp"

namespace admit {

/// One page of a listing and, when more items follow, the cursor that resumes after it.
template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

/// The most items one page of any listing holds.
inline constexpr int kMaxPageSize = 100;
/// The page size when the caller names none.
inline constexpr int kDefaultPageSize = 20;

/// What every cursor-paged listing checks before it reads: the page size is 1..kMaxPageSize
/// (or 0, "everything", where `zero_lists_all`), and the cursor is one `decode` understands.
/// Appends a field error for each that is wrong; returns the decoded cursor.
template <class Decode>
auto check_page_request(int limit, std::optional<std::string> const& cursor, Decode&& decode,
                        std::vector<FieldError>& errors, bool zero_lists_all = false)
    -> std::invoke_result_t<Decode, std::string_view> {
  int const smallest = zero_lists_all ? 0 : 1;
  if (limit < smallest || limit > kMaxPageSize) {
    errors.push_back({"limit", "must be between " + std::to_string(smallest) + " and " + std::to_string(kMaxPageSize)});
  }
  std::invoke_result_t<Decode, std::string_view> after;
  if (cursor) {
    after = decode(std::string_view(*cursor));
    if (!after) errors.push_back({"cursor", "is not a cursor this listing produced"});
  }
  return after;
}

/// Reads one page: asks `fetch(n)` for one item more than `limit`, which tells whether another
/// page exists, keeps `limit` of them, and when there was more makes the next cursor from the
/// last item kept with `cursor_after`. A limit of 0 asks `fetch(0)` for everything, with no cursor.
template <class Fetch, class CursorAfter>
auto read_page(int limit, Fetch&& fetch, CursorAfter&& cursor_after)
    -> Page<typename std::invoke_result_t<Fetch, int>::value_type> {
  auto items = fetch(limit > 0 ? limit + 1 : 0);
  Page<typename decltype(items)::value_type> page;
  if (limit > 0 && items.size() > static_cast<std::size_t>(limit)) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = cursor_after(items.back());
  }
  page.items = std::move(items);
  return page;
}

}  // namespace admit
