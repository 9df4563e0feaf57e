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
#include <cstring>
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
                    : v.number_rep() == NumberRep::kBig    ? "big"
                                                           : "extended";
  return std::string(rep) + " " + NumberToString(v);
}

std::string Describe(long double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.25Lg (%La)", x, x);
  return buf;
}

// Same representation and the same value in it. An extended [got] (an
// arithmetic result) stands for its canonical form.
::testing::AssertionResult SameNumber(const Value& got_number, const Value& want) {
  const Value got = Canonical(got_number, nullptr);
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
      case NumberRep::kExtended:
        same = false;  // Canonical() never returns one
        break;
    }
  }
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Describe(got) << " vs reference " << Describe(want);
}

// ToLongDouble of a big (cached long double or not) against the correctly
// rounded parse of its digits.
::testing::AssertionResult CheckCachedLongDouble(const Value& big) {
  const long double got = ToLongDouble(big);
  const long double want = ni::LongDoubleFromDecimalReference(ToDecimal(big));
  if (got == want && std::signbit(got) == std::signbit(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << NumberToString(big) << " (cached: " << (big.big_cell()->ld_sign_exponent != 0)
         << "): " << Describe(got) << " vs reference " << Describe(want);
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
  if (same && got->number_rep() == NumberRep::kBig) {
    // A big keeps the long double it came from when that is the nearest to
    // its digits; ToLongDouble must read back the correctly rounded parse.
    same = CheckCachedLongDouble(*got);
    if (same && got->big_cell()->ld_sign_exponent != 0 && ToLongDouble(*got) != x) {
      same = ::testing::AssertionFailure()
             << "cached " << Describe(ToLongDouble(*got)) << " is not the result " << Describe(x);
    }
  }
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
    if (Canonical(a, nullptr).number_rep() == NumberRep::kBig) ++bigs;
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

// The decimal digits of a random integer with [n] digits (no leading zero).
std::string RandomDigits(std::mt19937_64& rng, int n) {
  std::string digits(1, static_cast<char>('1' + rng() % 9));
  for (int k = 1; k < n; ++k) digits.push_back(static_cast<char>('0' + rng() % 10));
  return digits;
}

// Results with 16 or 17 shortest digits: a double when the nearest double
// prints as them, else a big, without going through a Decimal.
TEST(NumberFuzzTest, SixteenAndSeventeenDigitResults) {
  std::mt19937_64 rng(1617);
  const int n = Iterations() / 4;
  int doubles = 0, bigs = 0;
  for (int i = 0; i < n; ++i) {
    std::string text;
    if (i % 2 == 0) {
      // A random double's shortest decimal (often 16-17 digits).
      const int e = std::uniform_int_distribution<int>(54, 70)(rng);
      text = NumberToString(Value::Double(std::ldexp(static_cast<double>(rng() >> 11), -e)));
    } else {
      // A random 16-17 digit decimal below 1000.
      const int digits = 16 + static_cast<int>(rng() % 2);
      const int places = digits - static_cast<int>(rng() % 4);
      text = RandomDigits(rng, digits) + "e-" + std::to_string(places);
    }
    std::optional<Value> v = ParseNumber(text, nullptr);
    ASSERT_TRUE(v.has_value()) << text;
    // Its nearest long double, whose shortest 64-bit decimal it is.
    const long double x = ni::LongDoubleFromDecimalReference(ToDecimal(*v));
    ASSERT_TRUE(CheckConversion(x)) << text;
    absl::StatusOr<Value> got = ni::FromLongDouble(x, nullptr);
    ASSERT_TRUE(got.ok());
    (got->number_rep() == NumberRep::kDouble ? doubles : bigs) += 1;
  }
  EXPECT_GT(doubles, n / 10);
  EXPECT_GT(bigs, n / 10);
}

// The cached long double of arithmetic results is exactly what ToLongDouble
// of their digits computes, through chains of operations.
TEST(NumberFuzzTest, CachedLongDoubleOfChainedResults) {
  std::mt19937_64 rng(31337);
  const int n = Iterations() / 4;
  int cached = 0;
  for (int i = 0; i < n; ++i) {
    Value a = RandomDecimal(rng);
    for (int step = 0; step < 4; ++step) {
      Value b = RandomDecimal(rng);
      absl::StatusOr<Value> r = step % 2 == 0 ? Divide(a, b, nullptr) : Multiply(a, b, nullptr);
      ASSERT_TRUE(r.ok());
      a = *r;
      // Made canonical (as printing or DeepCopy does), a big keeps the long
      // double the chain computed.
      const Value big = Canonical(a, nullptr);
      if (big.number_rep() != NumberRep::kBig) continue;
      ASSERT_TRUE(CheckCachedLongDouble(big)) << "step " << step;
      ASSERT_EQ(ToLongDouble(big), ToLongDouble(a));
      if (big.big_cell()->ld_sign_exponent != 0) ++cached;
      // The same digits parsed: no cache, the same value, equal and hashed
      // alike.
      std::optional<Value> parsed = ParseNumber(NumberToString(a), nullptr);
      ASSERT_TRUE(parsed.has_value());
      ASSERT_EQ(parsed->number_rep(), NumberRep::kBig);
      EXPECT_EQ(parsed->big_cell()->ld_sign_exponent, 0);
      ASSERT_TRUE(*parsed == a);
      ASSERT_TRUE(*parsed == big);
      ASSERT_EQ(HashNumber(*parsed), HashNumber(a));
      ASSERT_EQ(ToLongDouble(*parsed), ToLongDouble(a));
    }
  }
  EXPECT_GT(cached, n);
}

// A double's shortest decimal read at 64 bits: the exact place-by-place
// route against to_chars' digits parsed.
::testing::AssertionResult CheckDouble(double d, int* fast_hits = nullptr) {
  const long double want = ni::LongDoubleOfDoubleReference(d);
  long double got;
  if (ni::LongDoubleOfDoubleFast(d, &got)) {
    if (fast_hits != nullptr) ++*fast_hits;
    if (got != want || std::signbit(got) != std::signbit(want)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g (%a)", d, d);
      return ::testing::AssertionFailure()
             << buf << ": fast " << Describe(got) << " vs reference " << Describe(want);
    }
  }
  // And end to end, against the decimal text's parse.
  if (std::isfinite(d) && d != 0 && std::trunc(d) != d) return CheckToLongDouble(Value::Double(d));
  return ::testing::AssertionSuccess();
}

TEST(NumberFuzzTest, DoubleToLongDoubleFastRoute) {
  std::mt19937_64 rng(53);
  const int n = Iterations();
  int fast = 0;
  for (int i = 0; i < n; ++i) {
    double d;
    switch (i % 5) {
      case 0: {  // random bits across and past the fast range
        const int e = std::uniform_int_distribution<int>(-80, 60)(rng);
        d = std::ldexp(static_cast<double>((rng() >> 11) | (uint64_t{1} << 52)), e - 52);
        break;
      }
      case 1:  // workload-like decimals
        d = RandomDecimal(rng).ToDouble();
        break;
      case 2: {  // 1..17 digit decimals, 0..22 places
        const int digits = std::uniform_int_distribution<int>(1, 17)(rng);
        const int places = std::uniform_int_distribution<int>(0, 22)(rng);
        d = std::strtod((RandomDigits(rng, digits) + "e-" + std::to_string(places)).c_str(),
                        nullptr);
        break;
      }
      case 3: {  // neighbours of short decimals
        const int places = std::uniform_int_distribution<int>(1, 6)(rng);
        d = std::strtod((std::to_string(rng() % 10000000) + "e-" + std::to_string(places)).c_str(),
                        nullptr);
        d = std::nextafter(d, (rng() & 1) != 0 ? 0.0 : 1e300);
        break;
      }
      default: {  // exact binary fractions (ties and exact decimals): k / 2^p
        const int p = std::uniform_int_distribution<int>(1, 60)(rng);
        d = std::ldexp(static_cast<double>(rng() % (uint64_t{1} << 40)), -p);
        break;
      }
    }
    if ((rng() & 1) != 0) d = -d;
    ASSERT_TRUE(CheckDouble(d, &fast));
  }
  EXPECT_GT(fast, n / 3);
  // Edges: powers of two (not modelled), halves, the ends of the range.
  for (int e = -70; e <= 60; ++e) {
    const double p = std::ldexp(1.0, e);
    for (double d :
         {p, 1.5 * p, 3 * p, p * 0.7, std::nextafter(p, 0.0), std::nextafter(p, 1e300)}) {
      ASSERT_TRUE(CheckDouble(d));
      ASSERT_TRUE(CheckDouble(-d));
    }
  }
  for (double d : {0.5, 0.25, 0.125, 2.5, 0.1, 0.2, 0.3, 0.999, 1e-3, 4.35, 14.9, 0.0017924,
                   9007199254740991.5, 4503599627370495.5, 1e-22, 0.1 + 0.2, 1.0 / 3}) {
    ASSERT_TRUE(CheckDouble(d));
  }
}

// round, ceil and floor of bigs with a fraction, against rounding the digit
// text by hand.
TEST(NumberFuzzTest, RoundingOfBigs) {
  std::mt19937_64 rng(2718);
  const int n = Iterations() / 4;
  for (int i = 0; i < n; ++i) {
    const int digits = std::uniform_int_distribution<int>(18, 45)(rng);
    std::string text = RandomDigits(rng, digits);
    if (text.back() == '0') text.back() = '3';
    if (i % 8 == 0) text[static_cast<size_t>(rng() % digits)] = '5';
    const int places = std::uniform_int_distribution<int>(1, digits + 3)(rng);
    const bool negative = (rng() & 1) != 0;
    std::optional<Value> v =
        ParseNumber((negative ? "-" : "") + text + "e-" + std::to_string(places), nullptr);
    ASSERT_TRUE(v.has_value());
    if (v->number_rep() != NumberRep::kBig) continue;
    // Integer part and first fractional digit of |v|.
    const int point = digits - places;
    std::string whole = point > 0 ? text.substr(0, static_cast<size_t>(point)) : "0";
    const char first = point >= 0 ? text[static_cast<size_t>(point)] : '0';
    auto increment = [](std::string w) {
      int k = static_cast<int>(w.size()) - 1;
      while (k >= 0 && w[k] == '9') w[k--] = '0';
      if (k < 0) return "1" + w;
      ++w[k];
      return w;
    };
    auto expect = [&](const Value& got, bool away, const char* what) {
      std::string want = away ? increment(whole) : whole;
      if (negative && want != "0") want = "-" + want;
      std::optional<Value> w = ParseNumber(want, nullptr);
      ASSERT_TRUE(SameNumber(got, *w)) << what << " of " << NumberToString(*v);
    };
    expect(Round(*v, nullptr), first >= '5', "round");
    expect(Ceil(*v, nullptr), !negative, "ceil");
    expect(Floor(*v, nullptr), negative, "floor");
  }
}

// The order of two numbers' exact decimals, by their digits alone.
int DecimalOrder(const Value& a, const Value& b) {
  const Decimal x = ToDecimal(a), y = ToDecimal(b);
  const int sx = x.digits.empty() ? 0 : (x.negative ? -1 : 1);
  const int sy = y.digits.empty() ? 0 : (y.negative ? -1 : 1);
  if (sx != sy || sx == 0) return sx < sy ? -1 : (sx > sy ? 1 : 0);
  // Same sign: compare magnitudes (digits have no leading or trailing zeros).
  const int64_t ex = x.exponent + static_cast<int64_t>(x.digits.size());
  const int64_t ey = y.exponent + static_cast<int64_t>(y.digits.size());
  int magnitude = ex != ey ? (ex < ey ? -1 : 1) : x.digits.compare(y.digits);
  magnitude = magnitude < 0 ? -1 : (magnitude > 0 ? 1 : 0);
  return sx * magnitude;
}

// CompareNumbers orders bigs by their long doubles when those differ:
// against the digit order, on arithmetic results, the same digits parsed,
// their neighbours one unit in the last place (and far below it: within
// one long double ulp, where only the digits decide) and doubles.
TEST(NumberFuzzTest, CompareNumbersAgreesWithDecimalOrder) {
  std::mt19937_64 rng(7919);
  const int n = Iterations() / 4;
  int bigs = 0;
  for (int i = 0; i < n; ++i) {
    Value a = RandomDecimal(rng), b = RandomDecimal(rng);
    absl::StatusOr<Value> q = (i & 1) != 0 ? Divide(a, b, nullptr) : Multiply(a, b, nullptr);
    ASSERT_TRUE(q.ok());
    const std::string text = NumberToString(*q);
    const Value canonical = Canonical(*q, nullptr);
    std::vector<Value> values = {*q, canonical, a, b, *ParseNumber(text, nullptr),
                                 Value::Double(q->ToDouble())};
    if (canonical.number_rep() == NumberRep::kBig) {
      ++bigs;
      const Decimal d = ToDecimal(*q);
      const std::string sign = d.negative ? "-" : "";
      const std::string e = "e" + std::to_string(d.exponent);
      std::string up = d.digits, down = d.digits;
      if (up.back() != '9') ++up.back();
      if (down.back() != '0') --down.back();
      values.push_back(*ParseNumber(sign + up + e, nullptr));
      values.push_back(*ParseNumber(sign + down + e, nullptr));
      // A millionth of a unit in the last place above and below.
      const std::string e6 = "e" + std::to_string(d.exponent - 6);
      values.push_back(*ParseNumber(sign + d.digits + "000001" + e6, nullptr));
      if (down != d.digits) values.push_back(*ParseNumber(sign + down + "999999" + e6, nullptr));
    }
    for (const Value& x : values) {
      for (const Value& y : values) {
        ASSERT_EQ(CompareNumbers(x, y), DecimalOrder(x, y))
            << Describe(x) << " vs " << Describe(y);
      }
    }
  }
  EXPECT_GT(bigs, n / 8);
}

// Inexact arithmetic returns kExtended numbers (the long double, digits
// deferred). Each must be indistinguishable from its canonical form: equal,
// hashed, ordered, printed, rounded, negated, converted and copied alike,
// and found in sets and objects keyed by the canonical form. The operands
// include ratios near halves (round's ties) and tiny and huge magnitudes.
TEST(NumberFuzzTest, ExtendedResultsBehaveAsTheirCanonicalForm) {
  std::mt19937_64 rng(1618);
  const int n = Iterations() / 4;
  int extended = 0;
  Arena arena;
  for (int i = 0; i < n; ++i) {
    Value a = RandomDecimal(rng), b = RandomDecimal(rng);
    switch (i % 8) {
      case 0:  // k + 1/2 give or take an ulp: round's ties
        a = *Add(Value::Int(static_cast<int64_t>(rng() % 1000)), *ParseNumber("0.5", nullptr),
                 nullptr);
        b = Value::Int((rng() & 1) != 0 ? 1 : 3);
        break;
      case 1:  // far below 1
        a = *ParseNumber("1e-" + std::to_string(rng() % 400), nullptr);
        break;
      case 2:  // near 2^63
        a = *ParseNumber(std::to_string(rng() >> 1) + ".5", nullptr);
        break;
      default:
        break;
    }
    absl::StatusOr<Value> r;
    switch (rng() % 4) {
      case 0:
        r = Add(a, b, nullptr);
        break;
      case 1:
        r = Subtract(a, b, nullptr);
        break;
      case 2:
        r = Multiply(a, b, nullptr);
        break;
      default:
        r = Divide(a, b, nullptr);
        break;
    }
    ASSERT_TRUE(r.ok());
    const Value x = *r;
    const Value c = Canonical(x, nullptr);
    ASSERT_NE(c.number_rep(), NumberRep::kExtended);
    if (x.number_rep() != NumberRep::kExtended) {
      ASSERT_TRUE(SameNumber(x, c));  // already canonical
      continue;
    }
    ++extended;
    const std::string what = NumberToString(a) + " op " + NumberToString(b);
    ASSERT_FALSE(IsIntegral(x)) << what;
    ASSERT_TRUE(x == c) << what;
    ASSERT_TRUE(c == x) << what;
    ASSERT_EQ(Hash(x), Hash(c)) << what;
    ASSERT_EQ(Compare(x, c), 0) << what;
    ASSERT_EQ(NumberToString(x), NumberToString(c)) << what;
    ASSERT_EQ(ToJson(x), ToJson(c)) << what;
    ASSERT_EQ(ToLongDouble(x), ToLongDouble(c)) << what;
    const double dx = x.ToDouble(), dc = c.ToDouble();
    ASSERT_EQ(std::memcmp(&dx, &dc, sizeof dx), 0) << what;
    ASSERT_TRUE(SameNumber(Round(x, nullptr), Round(c, nullptr))) << what;
    ASSERT_TRUE(SameNumber(Ceil(x, nullptr), Ceil(c, nullptr))) << what;
    ASSERT_TRUE(SameNumber(Floor(x, nullptr), Floor(c, nullptr))) << what;
    ASSERT_TRUE(SameNumber(Negate(x, nullptr), Negate(c, nullptr))) << what;
    ASSERT_TRUE(SameNumber(Abs(x, nullptr), Abs(c, nullptr))) << what;
    const Value copy = DeepCopy(x, &arena);
    ASSERT_NE(copy.number_rep(), NumberRep::kExtended);
    ASSERT_TRUE(SameNumber(copy, c)) << what;
    // Against the operands and the neighbours of the canonical form: the
    // same order both ways.
    const Value next = *ParseNumber(NumberToString(c) + "1", nullptr);  // just above c
    for (const Value& y : {a, b, Value::Double(c.ToDouble()), next}) {
      ASSERT_EQ(CompareNumbers(x, y), CompareNumbers(c, y)) << what << " vs " << Describe(y);
      ASSERT_EQ(CompareNumbers(y, x), CompareNumbers(y, c)) << what << " vs " << Describe(y);
      ASSERT_EQ(x == y, c == y) << what << " vs " << Describe(y);
    }
    // Collections: the extended and the canonical form are one member.
    SetBuilder set(&arena);
    set.Add(x);
    set.Add(c);
    ASSERT_EQ(set.Build().size(), 1u) << what;
    ObjectBuilder object(&arena);
    object.Add(c, Value::Bool(true));
    const Value keyed = object.Build();
    ASSERT_NE(keyed.Get(x), nullptr) << what;
    if (i % 64 == 0) arena.Reset();
  }
  EXPECT_GT(extended, n / 2);
}

// ToDouble of an extended exactly halfway between two doubles follows its
// shortest decimal, which lies just off the midpoint.
TEST(NumberFuzzTest, ExtendedHalfwayBetweenDoublesConvertsLikeItsDigits) {
  // 1 + 2^-53: 2^-53's decimal expansion is finite, so this is exact.
  std::optional<Value> tiny = ParseNumber("1.1102230246251565404236316680908203125e-16", nullptr);
  ASSERT_TRUE(tiny.has_value());
  // Scaled by powers of two, 1 + 2^-53 stays a midpoint (k * 2^-53 relative).
  int differs = 0;
  for (int64_t k = 1; k <= 4096; k *= 2) {
    for (int64_t sign : {1, -1}) {
      absl::StatusOr<Value> x =
          Multiply(*Add(Value::Int(1), *tiny, nullptr), Value::Int(sign * k), nullptr);
      ASSERT_TRUE(x.ok());
      ASSERT_EQ(x->number_rep(), NumberRep::kExtended) << k;
      const Value c = Canonical(*x, nullptr);
      EXPECT_EQ(x->ToDouble(), c.ToDouble()) << k;
      EXPECT_EQ(x->ToDouble(), std::strtod(NumberToString(c).c_str(), nullptr)) << k;
      // Where the plain conversion (ties to even) would have been wrong.
      if (x->ToDouble() != static_cast<double>(ToLongDouble(*x))) ++differs;
    }
  }
  EXPECT_GT(differs, 0);
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
