// Differential tests for lib/value/number_internal.h: the fast conversions
// that inexact arithmetic uses against the exact reference routines, which
// they must match bit for bit (representation, digits, exponent, sign).
//
// Each randomized test runs kDefaultIterations cases with a fixed seed; set
// VERDICT_NUMBER_FUZZ_ITERATIONS (e.g. 10000000) for a long local run.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "value/number.h"
#include "value/number_internal.h"

namespace verdict::value {
namespace {

namespace ni = number_internal;

constexpr int kDefaultIterations = 200000;

int Iterations() {
  if (const char* env = std::getenv("VERDICT_NUMBER_FUZZ_ITERATIONS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return kDefaultIterations;
}

std::string Describe(const Value& v) {
  const char* rep = v.number_rep() == NumberRep::kInt      ? "int"
                    : v.number_rep() == NumberRep::kDouble ? "double"
                                                           : "big";
  return std::string(rep) + " " + NumberToString(v);
}

std::string Describe(long double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.25Lg (%La)", x, x);
  return buf;
}

// Same representation and the same value in it.
::testing::AssertionResult SameNumber(const Value& got, const Value& want) {
  bool same = got.number_rep() == want.number_rep();
  if (same) {
    switch (got.number_rep()) {
      case NumberRep::kInt:
        same = got.as_int() == want.as_int();
        break;
      case NumberRep::kDouble:
        same = got.raw_lo() == want.raw_lo();
        break;
      case NumberRep::kBig: {
        Decimal a = ToDecimal(got), b = ToDecimal(want);
        same = a.negative == b.negative && a.digits == b.digits && a.exponent == b.exponent;
        break;
      }
    }
  }
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Describe(got) << " vs reference " << Describe(want);
}

// FromLongDouble against its reference on [x]; counts fast-range hits.
::testing::AssertionResult CheckConversion(long double x, int* fast_hits = nullptr) {
  Decimal fast, ref;
  if (ni::ShortestDecimalFast(x, &fast)) {
    if (fast_hits != nullptr) ++*fast_hits;
    if (!ni::ShortestDecimalReference(x, &ref)) {
      return ::testing::AssertionFailure() << "reference out of range for " << Describe(x);
    }
    if (fast.negative != ref.negative || fast.digits != ref.digits ||
        fast.exponent != ref.exponent) {
      return ::testing::AssertionFailure()
             << "digits of " << Describe(x) << ": " << fast.digits << "e" << fast.exponent
             << " vs reference " << ref.digits << "e" << ref.exponent;
    }
  }
  absl::StatusOr<Value> got = ni::FromLongDouble(x, nullptr);
  absl::StatusOr<Value> want = ni::FromLongDoubleReference(x, nullptr);
  if (got.ok() != want.ok())
    return ::testing::AssertionFailure() << "status differs for " << Describe(x);
  if (!got.ok()) return ::testing::AssertionSuccess();
  ::testing::AssertionResult same = SameNumber(*got, *want);
  if (!same) same << " for " << Describe(x);
  return same;
}

// ToLongDouble against the correctly rounded parse of the decimal text.
::testing::AssertionResult CheckToLongDouble(const Value& v) {
  long double got = ToLongDouble(v);
  long double want = ni::LongDoubleFromDecimalReference(ToDecimal(v));
  if (got == want && std::signbit(got) == std::signbit(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << NumberToString(v) << ": " << Describe(got) << " vs reference " << Describe(want);
}

// A uniformly random 64-bit mantissa (top bit set) times 2^e, random sign.
long double RandomLongDouble(std::mt19937_64& rng, int min_e, int max_e) {
  uint64_t m = rng() | (uint64_t{1} << 63);
  int e = std::uniform_int_distribution<int>(min_e, max_e)(rng);
  long double x = std::ldexp(static_cast<long double>(m), e - 63);
  return (rng() & 1) != 0 ? -x : x;
}

TEST(NumberFuzzTest, RandomLongDoublesAcrossExponents) {
  std::mt19937_64 rng(20240611);
  const int n = Iterations();
  int fast = 0;
  for (int i = 0; i < n; ++i) {
    // Mostly the fast range (2^-19 .. 2^63), and around and beyond it.
    long double x = (i % 4 == 0) ? RandomLongDouble(rng, -90, 90) : RandomLongDouble(rng, -20, 63);
    ASSERT_TRUE(CheckConversion(x, &fast));
  }
  EXPECT_GT(fast, n / 2);  // the fast route is the common one
}

// Long doubles with few significant bits (exact short binary fractions,
// e.g. 0.75 or 12.25) and their neighbours one ulp away.
TEST(NumberFuzzTest, ShortMantissasAndNeighbours) {
  std::mt19937_64 rng(99);
  const int n = Iterations() / 4;
  for (int i = 0; i < n; ++i) {
    int bits = std::uniform_int_distribution<int>(1, 63)(rng);
    uint64_t m = (rng() >> (64 - bits)) | 1;
    int e = std::uniform_int_distribution<int>(-80, 40)(rng);
    long double x = std::ldexp(static_cast<long double>(m), e);
    if ((rng() & 1) != 0) x = -x;
    ASSERT_TRUE(CheckConversion(x));
    ASSERT_TRUE(CheckConversion(std::nextafter(x, 0.0L)));
    ASSERT_TRUE(CheckConversion(std::nextafter(x, x * 2)));
  }
}

// A decimal like the workloads' numbers: 0..4 decimal places, magnitudes
// 0.01 .. 1e7.
Value RandomDecimal(std::mt19937_64& rng) {
  int places = std::uniform_int_distribution<int>(0, 4)(rng);
  int magnitude = std::uniform_int_distribution<int>(-2, 7)(rng);  // 10^magnitude
  double hi = std::pow(10.0, magnitude);
  auto units = static_cast<int64_t>(std::uniform_real_distribution<double>(0.01, hi)(rng) *
                                    std::pow(10.0, places));
  if (units == 0) units = 1;
  std::string text = std::to_string(units) + "e-" + std::to_string(places);
  if ((rng() & 7) == 0) text = "-" + text;
  return *ParseNumber(text, nullptr);
}

// Results of +, -, *, / on such decimals, and of a second operation on the
// first result (a 20-21 digit big, read back through ToLongDouble), against
// the reference conversions end to end.
TEST(NumberFuzzTest, ArithmeticOnWorkloadLikeDecimals) {
  std::mt19937_64 rng(4242);
  const int n = Iterations();
  int bigs = 0;
  for (int i = 0; i < n; ++i) {
    Value a = RandomDecimal(rng), b = RandomDecimal(rng);
    if ((rng() & 3) == 0) {
      // Chain: a ratio (like errors / total) as the first operand.
      absl::StatusOr<Value> q = Divide(a, b, nullptr);
      ASSERT_TRUE(q.ok());
      a = *q;
    }
    if (a.number_rep() == NumberRep::kBig) ++bigs;
    ASSERT_TRUE(CheckToLongDouble(a));
    ASSERT_TRUE(CheckToLongDouble(b));
    long double x = ni::LongDoubleFromDecimalReference(ToDecimal(a));
    long double y = ni::LongDoubleFromDecimalReference(ToDecimal(b));
    long double r;
    absl::StatusOr<Value> got;
    switch (i % 4) {
      case 0:
        r = x + y;
        got = Add(a, b, nullptr);
        break;
      case 1:
        r = x - y;
        got = Subtract(a, b, nullptr);
        break;
      case 2:
        r = x * y;
        got = Multiply(a, b, nullptr);
        break;
      default:
        r = x / y;
        got = Divide(a, b, nullptr);
        break;
    }
    ASSERT_TRUE(got.ok());
    absl::StatusOr<Value> want = ni::FromLongDoubleReference(r, nullptr);
    ASSERT_TRUE(want.ok());
    if (IsIntegral(a) && IsIntegral(b)) continue;  // exact integer arithmetic instead
    ASSERT_TRUE(SameNumber(*got, *want))
        << NumberToString(a) << " op" << i % 4 << " " << NumberToString(b);
    ASSERT_TRUE(CheckConversion(r));
  }
  EXPECT_GT(bigs, n / 8);
}

// Big decimals of 20..38 digits with fractional exponents: the exact scaled
// division against the library's parse.
TEST(NumberFuzzTest, ToLongDoubleOfLongDecimals) {
  std::mt19937_64 rng(77);
  const int n = Iterations();
  for (int i = 0; i < n; ++i) {
    int digits = std::uniform_int_distribution<int>(20, 38)(rng);
    std::string text;
    text.push_back(static_cast<char>('1' + rng() % 9));
    for (int k = 1; k < digits; ++k) text.push_back(static_cast<char>('0' + rng() % 10));
    if (text.back() == '0') text.back() = '7';
    int exponent = std::uniform_int_distribution<int>(-45, -1)(rng);
    std::optional<Value> v =
        ParseNumber(((rng() & 1) ? "-" : "") + text + "e" + std::to_string(exponent), nullptr);
    ASSERT_TRUE(v.has_value());
    ASSERT_TRUE(CheckToLongDouble(*v));
  }
}

// The exact decimal of (2m + 1) * 2^(e - 1), the midpoint between m * 2^e
// and (m + 1) * 2^e: digits, value = digits * 10^exp10.
std::string MidpointDigits(uint64_t m, int e, int* exp10) {
  std::vector<int> d;  // little-endian decimal digits
  for (__uint128_t u = (static_cast<__uint128_t>(m) << 1) | 1; u != 0; u /= 10) {
    d.push_back(static_cast<int>(u % 10));
  }
  const int factor = e - 1 >= 0 ? 2 : 5;
  const int times = e - 1 >= 0 ? e - 1 : 1 - e;
  for (int i = 0; i < times; ++i) {
    int carry = 0;
    for (int& digit : d) {
      int v = digit * factor + carry;
      digit = v % 10;
      carry = v / 10;
    }
    if (carry != 0) d.push_back(carry);
  }
  *exp10 = e - 1 >= 0 ? 0 : -times;
  std::string s;
  for (size_t i = d.size(); i-- > 0;) s.push_back(static_cast<char>('0' + d[i]));
  return s;
}

// Halfway cases for ToLongDouble: decimals exactly between two adjacent long
// doubles (when that has at most 38 digits: a tie, to even), and that
// midpoint cut to 20..38 digits, one unit in the last digit either side.
TEST(NumberFuzzTest, ToLongDoubleNearHalfway) {
  std::mt19937_64 rng(5);
  const int n = Iterations() / 10;
  for (int i = 0; i < n; ++i) {
    const uint64_t m = rng() | (uint64_t{1} << 63);
    const int e = std::uniform_int_distribution<int>(-113, -13)(rng);  // 2^-50 .. 2^51
    int exp10;
    std::string mid = MidpointDigits(m, e, &exp10);
    std::vector<std::pair<std::string, int>> cases;
    if (mid.size() <= 38) cases.push_back({mid, exp10});
    const int keep = std::uniform_int_distribution<int>(20, 38)(rng);
    if (static_cast<int>(mid.size()) > keep) {
      std::string cut = mid.substr(0, static_cast<size_t>(keep));
      const int cut_exp = exp10 + static_cast<int>(mid.size()) - keep;
      cases.push_back({cut, cut_exp});  // just below the midpoint
      std::string up = cut;
      int k = keep - 1;
      while (k >= 0 && up[k] == '9') up[k--] = '0';
      if (k >= 0) {
        ++up[k];
        cases.push_back({up, cut_exp});  // just above
      }
    }
    for (const auto& [digits, exponent] : cases) {
      std::optional<Value> v = ParseNumber(digits + "e" + std::to_string(exponent), nullptr);
      ASSERT_TRUE(v.has_value());
      ASSERT_TRUE(CheckToLongDouble(*v));
    }
  }
}

// Decimals a hair below and above a power of two: below, the 64-bit
// quotient is all ones and rounds up into the next binade.
TEST(NumberFuzzTest, ToLongDoubleAroundPowersOfTwo) {
  for (int p = -40; p <= 40; ++p) {
    // 2^p exactly as digits * 10^-places.
    std::string digits;
    int places = 0;
    if (p >= 0) {
      digits = std::to_string(uint64_t{1} << p);
    } else {
      // 5^-p, read as 10^p * 5^-p = 2^p.
      __uint128_t five = 1;
      for (int i = 0; i < -p && i < 40; ++i) five *= 5;
      digits.clear();
      for (__uint128_t u = five; u != 0; u /= 10)
        digits.insert(digits.begin(), static_cast<char>('0' + u % 10));
      places = -p;
    }
    if (places > 27) continue;
    for (int extra = 1; places + extra <= 27 && digits.size() + extra <= 38; ++extra) {
      // digits * 10^extra - 1 and + 1, over 10^(places + extra).
      std::string below = digits + std::string(static_cast<size_t>(extra), '0');
      int k = static_cast<int>(below.size()) - 1;
      while (below[k] == '0') below[k--] = '9';
      --below[k];
      below.erase(0, below.find_first_not_of('0'));
      std::string above = digits + std::string(static_cast<size_t>(extra - 1), '0') + "1";
      for (const std::string& d : {below, above}) {
        std::string text = d + "e-" + std::to_string(places + extra);
        std::optional<Value> v = ParseNumber(text, nullptr);
        ASSERT_TRUE(v.has_value()) << text;
        ASSERT_TRUE(CheckToLongDouble(*v)) << text;
      }
    }
  }
}

TEST(NumberFuzzTest, EdgeCases) {
  const long double kEdges[] = {
      0.0L,
      -0.0L,
      0.5L,
      -0.5L,
      0.1L,
      0.3L,
      1.5L,
      2.5L,
      0.1L + 0.2L,
      1.0L / 3,
      2.0L / 3,
      1e-6L,
      1e-5L,
      1e-4L,
      0.001L,
      0.01L,
      1e15L + 0.5L,
      1e18L + 0.5L,
      std::ldexp(1.0L, -19),
      std::ldexp(1.0L, -20),
      std::ldexp(1.0L, 62) + 0.5L,
      std::ldexp(1.0L, 63) - 0.5L,
      9223372036854775807.0L,
      9223372036854775808.0L,
      -9223372036854775808.0L,
      18446744073709551615.0L,
      18446744073709551616.0L,
      1e19L,
      1e20L,
      1e27L,
      1e28L,
      std::numeric_limits<long double>::min(),
      std::numeric_limits<long double>::denorm_min(),
      std::numeric_limits<long double>::max(),
      std::numeric_limits<long double>::infinity(),
      std::numeric_limits<long double>::quiet_NaN(),
  };
  for (long double e : kEdges) {
    for (long double x : {e, -e}) {
      ASSERT_TRUE(CheckConversion(x));
      if (std::isfinite(x) && x != 0) {
        ASSERT_TRUE(CheckConversion(std::nextafter(x, 0.0L)));
        ASSERT_TRUE(CheckConversion(std::nextafter(x, x * 2)));
      }
    }
  }
  // Powers of two (Go keeps their bounds symmetric) and of ten, one ulp
  // either side, across the fast range and past its ends.
  for (int e = -70; e <= 70; ++e) {
    long double p2 = std::ldexp(1.0L, e);
    long double p10 = std::pow(10.0L, static_cast<long double>(e) / 3);
    for (long double x : {p2, p10, 3 * p2, 5 * p2, 1 / (3 * p2)}) {
      for (long double y : {x, std::nextafter(x, 0.0L), std::nextafter(x, HUGE_VALL)}) {
        ASSERT_TRUE(CheckConversion(y));
        ASSERT_TRUE(CheckConversion(-y));
      }
    }
  }
  // Every power of ten 10^-25 .. 10^25 read at 64 bits, and neighbours.
  for (int e = -25; e <= 25; ++e) {
    std::optional<Value> v = ParseNumber("1e" + std::to_string(e), nullptr);
    long double x = ToLongDouble(*v);
    for (int k = -3; k <= 3; ++k) {
      long double y = x;
      for (int s = 0; s < std::abs(k); ++s) y = std::nextafter(y, k < 0 ? 0.0L : HUGE_VALL);
      ASSERT_TRUE(CheckConversion(y));
    }
  }
  // Exact ties of the rounding digit: v = d.ddd...5 exactly with the bounds
  // far from it, e.g. 2^-k (their decimals end in 5).
  for (int k = 1; k <= 40; ++k) {
    for (uint64_t odd : {1ull, 3ull, 5ull, 12345ull, 999999999ull}) {
      ASSERT_TRUE(CheckConversion(std::ldexp(static_cast<long double>(odd), -k)));
    }
  }
}

TEST(NumberFuzzTest, LongDoubleFromScaledRejectsWhatItCannotDo) {
  long double x;
  EXPECT_FALSE(ni::LongDoubleFromScaled(0, 5, false, &x));
  EXPECT_FALSE(ni::LongDoubleFromScaled(123, 0, false, &x));
  EXPECT_FALSE(ni::LongDoubleFromScaled(123, 28, false, &x));
  ASSERT_TRUE(ni::LongDoubleFromScaled(5, 1, false, &x));
  EXPECT_EQ(x, 0.5L);
  ASSERT_TRUE(ni::LongDoubleFromScaled(1, 1, true, &x));
  EXPECT_EQ(x, -0.1L);  // the compiler's correctly rounded literal
  ASSERT_TRUE(ni::LongDoubleFromScaled(1, 27, false, &x));
  EXPECT_EQ(x, 1e-27L);
}

}  // namespace
}  // namespace verdict::value
