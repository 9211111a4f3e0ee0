#pragma once

/// The request and response as the API layer sees them: plain data, no sockets, no Beast.
/// The HTTP layer fills a Request from the wire and writes the Response back, so handlers
/// and the router are tested as functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/ports.hpp"
#include "base/trace.hpp"

namespace admit::api {

struct Request {
  std::string_view method;
  std::string_view path;   ///< percent-encoded, without the query
  std::string_view query;  ///< without the '?'
  std::string_view body;
  /// Header names as received; look them up with header(), which ignores case.
  std::vector<std::pair<std::string_view, std::string_view>> headers;

  std::string request_id;
  std::string client;            ///< the client's address, after trusted proxies
  bool client_is_proxy = false;  ///< the client is itself a trusted proxy (exempt from per-client caps)
  /// This request's span: its trace (the caller's, from traceparent, or a new one) and its id.
  trace::SpanContext trace;

  // Filled by the router.
  std::vector<std::pair<std::string_view, std::string>> params;
  std::optional<Principal> principal;

  std::string_view header(std::string_view name) const;
  /// A path parameter such as {id}, percent-decoded.
  std::string_view param(std::string_view name) const;
  /// The audit identity of this request.
  Actor actor() const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response json_response(unsigned status, std::string body);
inline Response no_content() {
  return Response{.status = 204, .content_type = {}, .body = {}, .headers = {}};
}

/// 202: taken on, done later (a message queued).
inline Response accepted() {
  return Response{.status = 202, .content_type = {}, .body = {}, .headers = {}};
}

}  // namespace admit::api
