#include "domain/money.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
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
static_assert(std::ranges::is_sorted(kCurrencies, {}, &std::pair<std::string_view, int>::first),
              "currency_exponent searches the table by halves");

// Largest amount accepted in minor units: far above any ticket price.
constexpr double kMaxMinor = 1e12;

}  // namespace

std::optional<int> currency_exponent(std::string_view code) {
  // Every money field a response writes asks this, so the sorted table is searched by halves.
  auto const found = std::ranges::lower_bound(kCurrencies, code, {}, &std::pair<std::string_view, int>::first);
  if (found == kCurrencies.end() || found->first != code) return std::nullopt;
  return found->second;
}

std::optional<std::int64_t> to_minor_units(double amount, int exponent) {
  if (!std::isfinite(amount) || amount < 0 || amount * std::pow(10.0, exponent) > kMaxMinor) return std::nullopt;
  // The shortest decimal text that reads back as this double is what the client wrote
  // (99.99, not 99.9899999…); count its digits exactly instead of scaling in binary.
  char text[64];
  auto const [end, ec] = std::to_chars(text, text + sizeof text, amount, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  std::string_view const digits(text, static_cast<std::size_t>(end - text));
  auto const point = digits.find('.');
  auto whole = digits.substr(0, point);
  auto fraction = point == std::string_view::npos ? std::string_view{} : digits.substr(point + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (fraction.size() > static_cast<std::size_t>(exponent)) {
    // Arithmetic in a client's floating point (0.1 + 0.2 = 0.30000000000000004) leaves
    // noise far below a minor unit; that is still the amount meant.
    double const scaled = amount * std::pow(10.0, exponent);
    double const rounded = std::round(scaled);
    if (std::fabs(scaled - rounded) > 1e-6) return std::nullopt;
    return static_cast<std::int64_t>(rounded);
  }
  std::int64_t minor = 0;
  for (char c : whole) minor = minor * 10 + (c - '0');
  for (int i = 0; i < exponent; ++i) {
    minor =
        minor * 10 + (static_cast<std::size_t>(i) < fraction.size() ? fraction[static_cast<std::size_t>(i)] - '0' : 0);
  }
  return minor;
}

double to_major_units(std::int64_t minor, int exponent) {
  return static_cast<double>(minor) / std::pow(10.0, exponent);
}

}  // namespace admit
