#pragma once

#include <string_view>

#include "api/http_types.hpp"
#include "domain/error.hpp"

namespace admit::api {

/// An RFC 9457 problem document. `slug` becomes the type URN "urn:admit:problem:<slug>".
Response problem(unsigned status, std::string_view slug, std::string_view title, std::string_view detail,
                 std::vector<FieldError> const& errors = {});

/// The problem document for an expected failure of a use case: the one place where domain
/// errors meet HTTP status codes.
Response problem(Error const& error);

/// The 401 for an access token that was sent but proves nothing (malformed, expired, or its
/// account gone, disabled or changed): WWW-Authenticate names error="invalid_token".
Response invalid_token(std::string_view detail);
/// Makes a 401 problem's WWW-Authenticate say error="invalid_token".
void mark_invalid_token(Response& response);

}  // namespace admit::api
