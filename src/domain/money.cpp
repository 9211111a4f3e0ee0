#include "domain/money.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace admit {
namespace {

// ISO 4217 minor units for the currencies card processors settle in (source: the ISO 4217
// list as published by SIX; Stripe's "zero-decimal currencies" table agrees for these).
constexpr std::array<std::pair<std::string_view, int>, 44> kCurrencies{{
    {"AED", 2}, {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2},
    {"COP", 2}, {"CZK", 2}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KRW", 0}, {"KWD", 3}, {"MXN", 2},
    {"MYR", 2}, {"NGN", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2}, {"PLN", 2}, {"RON", 2}, {"SAR", 2},
    {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2}, {"USD", 2}, {"ZAR", 2},
}};

// Largest amount accepted in minor units: far above any ticket, far below where a double
// stops representing every cent exactly.
constexpr double kMaxMinor = 1e12;

}  // namespace

std::optional<int> currency_exponent(std::string_view code) {
  for (auto const& [name, exponent] : kCurrencies) {
    if (name == code) return exponent;
  }
  return std::nullopt;
}

std::optional<std::int64_t> to_minor_units(double amount, int exponent) {
  if (!std::isfinite(amount) || amount < 0) return std::nullopt;
  double const scaled = amount * std::pow(10.0, exponent);
  if (scaled > kMaxMinor) return std::nullopt;
  double const rounded = std::round(scaled);
  // 19.99 * 100 is 1998.9999999999998 in binary floating point; anything further off than
  // that is a genuine extra decimal.
  if (std::fabs(scaled - rounded) > 1e-6) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

double to_major_units(std::int64_t minor, int exponent) {
  return static_cast<double>(minor) / std::pow(10.0, exponent);
}

}  // namespace admit
