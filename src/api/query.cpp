#include "api/query.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "api/problem.hpp"

namespace admit::api {

std::optional<QueryParams> QueryParams::parse(std::string_view query) {
  QueryParams out;
  if (query.empty()) return out;
  // Boost.URL 1.81's params_view reads the last value up to a NUL rather than to the end
  // of the view, so it gets a NUL-terminated copy of the query.
  std::string const text(query);
  auto encoded = boost::urls::parse_query(text);
  if (!encoded) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  for (auto const& param : boost::urls::params_view(text, options)) {
    out.params_.emplace_back(param.key, param.value);
  }
  return out;
}

std::optional<std::string> QueryParams::get(std::string_view key) const {
  for (auto const& [k, v] : params_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> QueryParams::unknown(std::span<std::string_view const> known) const {
  std::vector<std::string> out;
  for (auto const& [k, v] : params_) {
    bool found = false;
    for (auto name : known) found = found || name == k;
    if (!found) out.push_back(k);
  }
  return out;
}

std::expected<ListingQuery, Response> ListingQuery::parse(std::string_view query,
                                                          std::initializer_list<std::string_view> own) {
  auto params = QueryParams::parse(query);
  if (!params) {
    return std::unexpected(
        api::problem(400, "validation-error", "The request is not valid", "The query string is malformed."));
  }
  ListingQuery listing(std::move(*params));
  std::vector<std::string_view> known{"limit", "cursor"};
  known.insert(known.end(), own.begin(), own.end());
  for (auto& name : listing.params_.unknown(known))
    listing.reject(std::move(name), "is not a parameter of this listing");
  if (auto const limit = listing.params_.get("limit")) {
    auto const [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), listing.limit_);
    if (ec != std::errc{} || end != limit->data() + limit->size() || listing.limit_ < 1 ||
        listing.limit_ > kMaxPageSize) {
      listing.reject("limit", "must be an integer between 1 and " + std::to_string(kMaxPageSize));
    }
  }
  listing.cursor_ = listing.params_.get("cursor");
  return listing;
}

std::optional<Timestamp> ListingQuery::time(std::string_view name) {
  auto const text = params_.get(name);
  if (!text) return std::nullopt;
  auto parsed = parse_rfc3339(*text);
  if (!parsed) reject(std::string(name), "must be an RFC 3339 date-time");
  return parsed;
}

void ListingQuery::reject(std::string name, std::string message) {
  errors_.push_back({std::move(name), std::move(message)});
}

std::optional<Response> ListingQuery::problem() const {
  if (errors_.empty()) return std::nullopt;
  return api::problem(Error{Errc::invalid_input, "The listing parameters are not acceptable.", errors_});
}

}  // namespace admit::api
