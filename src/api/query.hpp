#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace admit::api {

/// Decoded query parameters ("q=jazz+night&limit=10"), '+' read as a space as forms send it.
class QueryParams {
 public:
  /// nullopt when the query string is not valid (a bad % escape).
  static std::optional<QueryParams> parse(std::string_view query);

  /// The first value of `key`.
  std::optional<std::string> get(std::string_view key) const;
  /// Keys other than `known`, to reject misspelt parameters.
  std::vector<std::string> unknown(std::initializer_list<std::string_view> known) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace admit::api
