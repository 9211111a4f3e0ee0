#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace admit {

using Timestamp = std::chrono::sys_seconds;

/// Parses an RFC 3339 date-time ("2026-12-15T09:00:00Z", "2026-12-15T10:00:00+01:00",
/// fractional seconds allowed and truncated). Anything else, including impossible dates such
/// as February 30th, is nullopt.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

/// Formats as RFC 3339 in UTC with a Z suffix, whole seconds.
std::string format_rfc3339(Timestamp t);

/// The UTC calendar date ("2026-12-15") of a timestamp.
std::string format_date(Timestamp t);

}  // namespace admit
