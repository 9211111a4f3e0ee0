#pragma once

#include <expected>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.hpp"
#include "app/paging.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace admit::api {

/// Decoded query parameters ("q=jazz+night&limit=10"), '+' read as a space as forms send it.
class QueryParams {
 public:
  /// nullopt when the query string is not valid (a bad % escape).
  static std::optional<QueryParams> parse(std::string_view query);

  /// The first value of `key`.
  std::optional<std::string> get(std::string_view key) const;
  /// Keys other than `known`, to reject misspelt parameters.
  std::vector<std::string> unknown(std::span<std::string_view const> known) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

/// The query string of a cursor-paged listing, read the same way for every listing: a name
/// the listing does not take is an error, `limit` is an integer from 1 to kMaxPageSize
/// (kDefaultPageSize when absent), and `cursor` goes to the use case, which decodes it.
/// Errors are collected, so one problem names every wrong parameter.
class ListingQuery {
 public:
  /// `own`: the listing's parameters besides limit and cursor. A malformed query string is
  /// a 400 problem at once.
  static std::expected<ListingQuery, Response> parse(std::string_view query,
                                                     std::initializer_list<std::string_view> own = {});

  int limit() const { return limit_; }
  std::optional<std::string> const& cursor() const { return cursor_; }
  /// The value of one of the listing's own parameters, as sent.
  std::optional<std::string> text(std::string_view name) const { return params_.get(name); }
  /// An RFC 3339 date-time; when it is not one, an error and nullopt.
  std::optional<Timestamp> time(std::string_view name);
  /// Adds an error the listing itself found in one of its parameters.
  void reject(std::string name, std::string message);
  /// The 400 problem naming every wrong parameter; nullopt when all are right.
  std::optional<Response> problem() const;

 private:
  explicit ListingQuery(QueryParams params) : params_(std::move(params)) {}

  QueryParams params_;
  int limit_ = kDefaultPageSize;
  std::optional<std::string> cursor_;
  std::vector<FieldError> errors_;
};

}  // namespace admit::api
