#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

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

}  // namespace admit
