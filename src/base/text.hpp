#pragma once

#include <string>
#include <string_view>

namespace admit {

/// Lower-cases UTF-8 text with Unicode's simple case mapping ("ÜBER Élysée" → "über élysée"),
/// for case-insensitive search. Invalid UTF-8 bytes pass through unchanged.
std::string fold_case(std::string_view text);

}  // namespace admit
