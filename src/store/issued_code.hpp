#pragma once

#include <sodium.h>

#include <string_view>

namespace admit {

/// Whether a presented ticket code is exactly the one issued, compared in constant time so
/// that the time taken says nothing about how much of a forged code is right. Lengths are no
/// secret: every code of one format has the same length.
inline bool is_issued_code(std::string_view issued, std::string_view presented) {
  return issued.size() == presented.size() && sodium_memcmp(issued.data(), presented.data(), issued.size()) == 0;
}

}  // namespace admit
