#include "api/query.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

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

std::vector<std::string> QueryParams::unknown(std::initializer_list<std::string_view> known) const {
  std::vector<std::string> out;
  for (auto const& [k, v] : params_) {
    bool found = false;
    for (auto name : known) found = found || name == k;
    if (!found) out.push_back(k);
  }
  return out;
}

}  // namespace admit::api
