#pragma once

#include <string>
#include <string_view>

namespace admit {

/// A LIKE pattern (with ESCAPE '\') matching `text` anywhere: LIKE's wildcards and the escape
/// character in `text` match only themselves. Both store adapters search with it.
inline std::string like_anywhere(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace admit
