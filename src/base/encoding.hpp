#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace admit {

/// RFC 4648 §5 base64url without padding, as JWTs and URLs use it.
std::string base64url_encode(std::span<unsigned char const> bytes);
inline std::string base64url_encode(std::string_view bytes) {
  return base64url_encode({reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size()});
}
/// Strict decoding: padding, whitespace or characters outside the alphabet fail, as do
/// non-canonical trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);

/// RFC 4648 §6 base32, upper case, without padding: only characters a QR code's compact
/// alphanumeric mode holds.
std::string base32_encode(std::span<unsigned char const> bytes);
inline std::string base32_encode(std::string_view bytes) {
  return base32_encode({reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size()});
}
/// Strict decoding of base32_encode's output (lower case is accepted, as scanners may fold case).
std::optional<std::string> base32_decode(std::string_view text);

std::string hex_encode(std::span<unsigned char const> bytes);

/// RFC 3986 percent-encoding: unreserved characters (letters, digits, `-._~`) stay, and `/` when
/// `keep_slash` (a path); every other byte becomes %XX in upper-case hex.
std::string percent_encode(std::string_view text, bool keep_slash = false);

/// An application/x-www-form-urlencoded body or query: `key=value` pairs joined by `&`, values
/// percent-encoded, keys sent as given (they are the caller's own, such as `metadata[id]`).
std::string form_urlencoded(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

}  // namespace admit
