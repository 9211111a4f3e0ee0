#pragma once

#include <string>
#include <string_view>

namespace admit {

/// Lower-cases UTF-8 text with Unicode's simple case mapping ("ÜBER Élysée" → "über élysée"),
/// for case-insensitive search. Invalid UTF-8 bytes pass through unchanged.
std::string fold_case(std::string_view text);

/// The number of characters (code points) in UTF-8 text; each invalid byte counts as one.
std::size_t utf8_length(std::string_view text);

/// Whether text is empty or only spaces, tabs and line breaks.
bool is_blank(std::string_view text);

}  // namespace admit
