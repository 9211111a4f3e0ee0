#include "api/http_types.hpp"

#include <boost/beast/core/string.hpp>

namespace admit::api {

std::string_view Request::header(std::string_view name) const {
  for (auto const& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return {};
}

std::string_view Request::param(std::string_view name) const {
  for (auto const& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

Actor Request::actor() const {
  return Actor{principal ? principal->user_id : std::string{}, request_id};
}

Response json_response(unsigned status, std::string body) {
  return Response{.status = status, .content_type = "application/json", .body = std::move(body), .headers = {}};
}

}  // namespace admit::api
