#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace admit {

/// Decimal places of an ISO 4217 currency (2 for USD, 0 for JPY, 3 for KWD), or nullopt
/// when the code is not a currency Admit accepts.
std::optional<int> currency_exponent(std::string_view code);

/// Converts a decimal amount as it arrives in JSON (99.99) into integer minor units (9999).
/// Fails when the amount is negative, too large, or has more decimals than the currency has
/// (99.999 USD, 1.5 JPY) — amounts are never rounded silently.
std::optional<std::int64_t> to_minor_units(double amount, int exponent);

/// The decimal amount for minor units, for display and JSON.
double to_major_units(std::int64_t minor, int exponent);

}  // namespace admit
