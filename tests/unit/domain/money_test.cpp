#include "domain/money.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace admit {
namespace {

TEST(CurrencyExponent, KnowsTheMinorUnitsOfEachCurrency) {
  EXPECT_EQ(currency_exponent("USD"), 2);
  EXPECT_EQ(currency_exponent("EUR"), 2);
  EXPECT_EQ(currency_exponent("JPY"), 0);
  EXPECT_EQ(currency_exponent("KRW"), 0);
  EXPECT_EQ(currency_exponent("KWD"), 3);
  EXPECT_EQ(currency_exponent("BHD"), 3);
}

TEST(CurrencyExponent, RejectsUnknownCodes) {
  EXPECT_EQ(currency_exponent("XYZ"), std::nullopt);
  EXPECT_EQ(currency_exponent(""), std::nullopt);
  EXPECT_EQ(currency_exponent("US"), std::nullopt);
  EXPECT_EQ(currency_exponent("USDX"), std::nullopt);
}

TEST(CurrencyExponent, RejectsLowerCaseCodes) {
  EXPECT_EQ(currency_exponent("usd"), std::nullopt);
  EXPECT_EQ(currency_exponent("Usd"), std::nullopt);
}

TEST(ToMinorUnits, ConvertsDecimalAmounts) {
  EXPECT_EQ(to_minor_units(99.99, 2), 9999);
  EXPECT_EQ(to_minor_units(12.5, 2), 1250);
  EXPECT_EQ(to_minor_units(0, 2), 0);
  EXPECT_EQ(to_minor_units(1500, 0), 1500);
  EXPECT_EQ(to_minor_units(1.234, 3), 1234);
}

TEST(ToMinorUnits, ToleratesBinaryFloatingPointNoise) {
  // 19.99 * 100 is 1998.9999999999998 in binary floating point.
  EXPECT_EQ(to_minor_units(19.99, 2), 1999);
  EXPECT_EQ(to_minor_units(0.1 + 0.2, 2), 30);
  EXPECT_EQ(to_minor_units(0.30000000000000004, 2), 30);
  EXPECT_EQ(to_minor_units(4.35, 2), 435);  // 4.35 * 100 == 434.99999999999994
}

TEST(ToMinorUnits, RejectsMoreDecimalsThanTheCurrencyHas) {
  EXPECT_EQ(to_minor_units(10.999, 2), std::nullopt);
  EXPECT_EQ(to_minor_units(0.001, 2), std::nullopt);
  EXPECT_EQ(to_minor_units(1.5, 0), std::nullopt);
  EXPECT_EQ(to_minor_units(1.2345, 3), std::nullopt);
}

TEST(ToMinorUnits, RejectsNegativeAmounts) {
  EXPECT_EQ(to_minor_units(-1, 2), std::nullopt);
  EXPECT_EQ(to_minor_units(-0.01, 2), std::nullopt);
}

TEST(ToMinorUnits, RejectsNonFiniteAmounts) {
  EXPECT_EQ(to_minor_units(std::numeric_limits<double>::quiet_NaN(), 2), std::nullopt);
  EXPECT_EQ(to_minor_units(std::numeric_limits<double>::infinity(), 2), std::nullopt);
  EXPECT_EQ(to_minor_units(-std::numeric_limits<double>::infinity(), 2), std::nullopt);
}

TEST(ToMinorUnits, RejectsHugeAmounts) {
  EXPECT_EQ(to_minor_units(1e11, 2), std::nullopt);
  EXPECT_EQ(to_minor_units(1e13, 0), std::nullopt);
  EXPECT_EQ(to_minor_units(1e300, 2), std::nullopt);
  EXPECT_EQ(to_minor_units(std::numeric_limits<double>::max(), 0), std::nullopt);
}

TEST(ToMinorUnits, AcceptsLargeAmountsBelowTheLimit) {
  EXPECT_EQ(to_minor_units(99999999.99, 2), 9'999'999'999);
  EXPECT_EQ(to_minor_units(1e10, 2), 1'000'000'000'000);  // exactly the largest accepted
  // BUG: src/domain/money.cpp (to_minor_units) tests |scaled - rounded| against an absolute
  // 1e-6. Above about 1e10 minor units a double's product amount * 100 is further off than
  // that, so valid two-decimal amounts below the 1e12 limit are refused as "too many decimals".
  EXPECT_EQ(to_minor_units(289691606.46, 2), 28'969'160'646);
  EXPECT_EQ(to_minor_units(1248944336.15, 2), 124'894'433'615);
  EXPECT_EQ(to_minor_units(137008941.756, 3), 137'008'941'756);
}

TEST(ToMajorUnits, DividesByTheCurrencyExponent) {
  EXPECT_DOUBLE_EQ(to_major_units(9999, 2), 99.99);
  EXPECT_DOUBLE_EQ(to_major_units(1500, 0), 1500.0);
  EXPECT_DOUBLE_EQ(to_major_units(1234, 3), 1.234);
}

TEST(ToMajorUnits, RoundTripsThroughToMinorUnits) {
  for (std::int64_t minor : {0, 1, 99, 1999, 9999, 123456789}) {
    EXPECT_EQ(to_minor_units(to_major_units(minor, 2), 2), minor) << minor;
  }
}

}  // namespace
}  // namespace admit
