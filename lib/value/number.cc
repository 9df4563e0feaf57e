// File: lib/value/number.cc
//
// Number literals, text, order and arithmetic; the semantics are summarized
// in number.h and argued in docs/values.md. Pieces, bottom up:
//   - Decimal <-> Value (FromDecimal picks the canonical representation),
//   - a small unsigned bignum (base 2^32 limbs, Knuth's algorithm D) for
//     exact integer results past int64,
//   - long double (64-bit mantissa, OPA's big.Float default precision) for
//     every inexact operation, with the shortest decimal that round-trips:
//     an exact reference digit walk (ShortestDecimalOfLongDouble) and the
//     fast route arithmetic takes (ShortestDigitsFast: three scaled 128-bit
//     integers, no digit loop), which must agree with it bit for bit
//     (number_internal.h); reading a 20-38 digit big back is one exact
//     128-bit division (LongDoubleFromScaled), or a load when arithmetic
//     made it (the BigCell keeps the long double), and a double's shortest
//     decimal is found by exact scaled integers (LongDoubleOfDoubleFast).
//   - Inexact arithmetic, round(), ceil() and floor() do not allocate
//     (16-17 digit results are parsed from stack buffers; rounding a big
//     uses 64-bit integers up to 18 integer digits); bignum integers do.
//
// Tested by tests/value/number_test.cc and, fast routes against their
// references, tests/value/number_fuzz_test.cc.
#include "value/number.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "base/check.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "value/number_internal.h"

namespace verdict::value {

using value_internal::BigCell;

namespace {

constexpr uint64_t kPow10[20] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull,
                                 10000000000000000000ull};

absl::Status ArithError(std::string_view message) {
  return MakeError(ErrorCode::kEvalBuiltinError, message);
}

// Strips leading and trailing zeros of d.digits (adjusting the exponent).
void Normalize(Decimal* d) {
  size_t lead = 0;
  while (lead < d->digits.size() && d->digits[lead] == '0') ++lead;
  d->digits.erase(0, lead);
  size_t end = d->digits.size();
  while (end > 0 && d->digits[end - 1] == '0') --end;
  d->exponent += static_cast<int64_t>(d->digits.size() - end);
  d->digits.resize(end);
  if (d->digits.empty()) {
    d->negative = false;
    d->exponent = 0;
  }
}

// The value of n <= 19 decimal digits, eight at a time: each step turns
// eight ASCII digits (one little-endian load) into their value with three
// multiplications of digit pairs and quads within the word.
uint64_t ParseDigits(const char* p, size_t n) {
  uint64_t v = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    w -= 0x3030303030303030ull;
    w = (w * 10) + (w >> 8);  // pairs in bytes 0, 2, 4, 6
    w = (((w & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
         (((w >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >>
        32;
    v = v * 100000000 + w;
  }
  for (; n > 0; ++p, --n) v = v * 10 + static_cast<uint64_t>(*p - '0');
  return v;
}

// Digits of a uint64 into [d] (normalized).
Decimal DecimalFromU64(uint64_t u, bool negative) {
  Decimal d;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  d.digits.assign(buf, r.ptr);
  d.negative = negative;
  Normalize(&d);
  return d;
}

// Parses to_chars' scientific output "[-]d[.ddd]e[+-]dd".
void DecimalFromScientificInto(std::string_view s, Decimal* out) {
  Decimal& d = *out;
  d.negative = false;
  d.digits.clear();
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    d.negative = true;
    ++i;
  }
  int64_t frac = 0;
  bool in_frac = false;
  for (; i < s.size() && s[i] != 'e'; ++i) {
    if (s[i] == '.') {
      in_frac = true;
      continue;
    }
    d.digits.push_back(s[i]);
    if (in_frac) ++frac;
  }
  int64_t e = 0;
  if (i < s.size()) {
    ++i;  // 'e'
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < s.size(); ++i) e = e * 10 + (s[i] - '0');
    if (neg) e = -e;
  }
  d.exponent = e - frac;
  Normalize(&d);
}

Decimal DecimalFromScientific(std::string_view s) {
  Decimal d;
  DecimalFromScientificInto(s, &d);
  return d;
}

constexpr long double kPow10L[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

// The shortest decimal of a double as digits m (at most 17) and exponent,
// without allocating: d = m * 10^exp.
void ShortestDigits(double x, uint64_t* m, int* exp) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
  uint64_t mant = 0;
  int frac = 0;
  bool in_frac = false;
  const char* p = buf;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p == '.') {
      in_frac = true;
      continue;
    }
    mant = mant * 10 + static_cast<uint64_t>(*p - '0');
    if (in_frac) ++frac;
  }
  int e = 0;
  bool neg = false;
  if (p < r.ptr) {
    ++p;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    for (; p < r.ptr; ++p) e = e * 10 + (*p - '0');
  }
  *m = mant;
  *exp = (neg ? -e : e) - frac;
}

// m * 10^exp in long double with one rounding (Clinger's fast path), when
// m fits the 64-bit mantissa and 10^|exp| is exact; false otherwise.
// Why one rounding: m < 2^64 converts exactly, and 10^k = 5^k * 2^k is exact
// for k <= 27 because 5^27 = 7450580596923828125 < 2^63 fits the 64-bit
// mantissa (5^28 > 2^64 would not); x87 multiplication and division of two
// exact operands round once, to nearest even, at the default 64-bit
// precision control (Linux and glibc leave it so).
bool FastLongDouble(uint64_t m, int64_t exp, long double* out) {
  if (exp < -27 || exp > 27) return false;
  long double x = static_cast<long double>(m);
  *out = exp < 0 ? x / kPow10L[-exp] : x * kPow10L[exp];
  return true;
}

Decimal DecimalFromDouble(double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  return DecimalFromScientific(std::string_view(buf, r.ptr - buf));
}

// The *Into variants reuse [out]'s digit buffer: arithmetic results that
// are not doubles pass through here on every call, and a thread's scratch
// Decimal keeps them from allocating.
void DecimalFromDoubleInto(double x, Decimal* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  DecimalFromScientificInto(std::string_view(buf, r.ptr - buf), out);
}

// Writes [v]'s [n] low decimal digits (zero-padded) to [out].
void PutDecimalDigits(uint64_t v, int n, char* out) {
  // Two digits per division: the chain of dependent divisions is what
  // costs here.
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  int k = n;
  while (k >= 2) {
    const uint64_t pair = v % 100;
    v /= 100;
    k -= 2;
    out[k] = kPairs[2 * pair];
    out[k + 1] = kPairs[2 * pair + 1];
  }
  if (k == 1) out[0] = static_cast<char>('0' + v % 10);
}

// The exact decimal digits of N * 2^E (N < 2^66), one significant digit at
// a time, in 128-bit integers: the integer part first, then fractional
// digits from the remainder. Ready() is false when the value does not fit
// that arithmetic (callers fall back to the general conversion).
class ExactDigits {
 public:
  ExactDigits(__uint128_t n, int e) {
    if (e >= 0) {
      if (e > 60) return;
      Integer(n << e);
      shift_ = 0;
    } else {
      shift_ = -e;
      if (shift_ > 120) return;
      __uint128_t whole = n >> shift_;
      rem_ = n & ((static_cast<__uint128_t>(1) << shift_) - 1);
      Integer(whole);
      if (n_int_ == 0) {
        // Leading fractional zeros move the decimal point, not the digits.
        while (rem_ != 0 && rem_ * 10 >> shift_ == 0) {
          rem_ *= 10;
          --point_;
        }
      }
    }
    ready_ = true;
  }
  bool Ready() const { return ready_; }
  // Position of the decimal point: value = 0.d1d2d3... * 10^Point().
  int Point() const { return point_; }
  // Digit i ('0' past the end); call with i = 0, 1, 2, ... in order.
  char At(int i) {
    while (nd_ <= i && nd_ < static_cast<int>(sizeof digits_)) {
      if (int_pos_ < n_int_) {
        digits_[nd_++] = int_[int_pos_++];
      } else if (rem_ != 0) {
        NextFractionDigits();
      } else {
        return '0';
      }
    }
    return i < nd_ ? digits_[i] : '0';
  }
  // Is there a non-zero digit after position i (Go: i+1 < len(mant))?
  bool HasDigitsAfter(int i) {
    for (int k = i + 1; k < nd_; ++k) {
      if (digits_[k] != '0') return true;
    }
    for (int k = std::max(int_pos_, i + 1); k < n_int_; ++k) {
      if (int_[k] != '0') return true;
    }
    return rem_ != 0;
  }
  // Is digit i the last non-zero one (Go: i+1 == len(mant))?
  bool EndsAt(int i) { return At(i) != '0' && !HasDigitsAfter(i); }

 private:
  static void PutDigits(uint64_t v, int n, char* out) { PutDecimalDigits(v, n, out); }
  static int DecimalLength(uint64_t v) {
    int n = 1;
    while (n < 20 && v >= kPow10[n]) ++n;
    return n;
  }

  // The integer part's digits; 64-bit arithmetic after at most one 128-bit
  // division (128-bit divisions are library calls).
  void Integer(__uint128_t v) {
    int n = 0;
    if (v != 0) {
      const uint64_t e19 = kPow10[19];
      const auto high = static_cast<uint64_t>(v / e19);  // v < 2^127: high < 10^19
      const auto low = static_cast<uint64_t>(v % e19);
      if (high != 0) {
        n = DecimalLength(high);
        PutDigits(high, n, int_);
        PutDigits(low, 19, int_ + n);
        n += 19;
      } else {
        n = DecimalLength(low);
        PutDigits(low, n, int_);
      }
    }
    n_int_ = n;
    point_ = n;
  }

  // Appends the next fractional digits: as many at once as the remainder
  // (below 2^shift_) can be scaled by without leaving 128 bits.
  void NextFractionDigits() {
    const __uint128_t mask = (static_cast<__uint128_t>(1) << shift_) - 1;
    int k = (128 - shift_) * 3 / 10;  // 10^k < 2^(128 - shift_)
    if (k > 19) k = 19;
    if (k > static_cast<int>(sizeof digits_) - nd_) k = static_cast<int>(sizeof digits_) - nd_;
    if (k < 1) k = 1;
    rem_ *= kPow10[k];
    PutDigits(static_cast<uint64_t>(rem_ >> shift_), k, digits_ + nd_);
    nd_ += k;
    rem_ &= mask;
  }

  bool ready_ = false;
  char int_[40] = {};
  int n_int_ = 0;
  int int_pos_ = 0;
  int point_ = 0;
  int shift_ = 0;
  __uint128_t rem_ = 0;
  char digits_[80];  // digits produced so far (At() asks for at most 42)
  int nd_ = 0;
};

// Shortest decimal that reads back as [x] at 64-bit precision, exactly as
// Go's big.Float.Text('g', -1) finds it (OPA prints numbers that way):
// the mantissa gets one more bit, the bounds are that mantissa -/+ 1 (a
// half ulp each way, symmetric), inclusive when the mantissa is even, and
// digits are generated until the value separates from both bounds.
// Returns false when [x] is out of the 128-bit fast range.
bool ShortestDecimalOfLongDouble(long double x, Decimal* out) {
  int e2;
  long double f = std::frexp(std::fabs(x), &e2);  // |x| = f * 2^e2, f in [0.5, 1)
  const auto m = static_cast<uint64_t>(std::ldexp(f, 64));
  const __uint128_t mant = static_cast<__uint128_t>(m) << 1;
  const int exp = e2 - 65;  // |x| = mant * 2^exp, lsb of mant = half ulp
  ExactDigits d(mant, exp), lower(mant - 1, exp), upper(mant + 1, exp);
  if (!d.Ready() || !lower.Ready() || !upper.Ready()) return false;
  const bool inclusive = (m & 1) == 0;

  char digits[48];
  int n = -1;
  int point = d.Point();
  for (int i = 0; i < 40; ++i) {
    if (d.At(i) == '0' && !d.HasDigitsAfter(i)) {
      for (int k = 0; k < i; ++k) digits[k] = d.At(k);
      n = i;  // the exact value is already the shortest
      break;
    }
    const char l = lower.At(i), c = d.At(i), u = upper.At(i);
    const bool okdown = l != c || (inclusive && lower.EndsAt(i));
    const bool okup = c != u && (inclusive || c + 1 < u || upper.HasDigitsAfter(i));
    if (!okdown && !okup) continue;
    for (int k = 0; k <= i; ++k) digits[k] = d.At(k);
    n = i + 1;
    bool round_up = okup;
    if (okdown && okup) {
      // Nearest; an exact half rounds to even (Go's decimal.round).
      const char next = d.At(i + 1);
      round_up = next == '5' && d.EndsAt(i + 1) ? ((digits[i] - '0') & 1) != 0 : next >= '5';
    }
    if (round_up) {
      int k = n - 1;
      while (k >= 0 && digits[k] == '9') --k;
      if (k < 0) {  // 99..9 -> 1 with the point one further right
        digits[0] = '1';
        n = 1;
        ++point;
      } else {
        ++digits[k];
        n = k + 1;
      }
    }
    break;
  }
  if (n <= 0) return false;  // no separation within 40 digits: not expected
  while (n > 0 && digits[n - 1] == '0') --n;
  out->negative = x < 0;
  out->digits.assign(digits, n);
  out->exponent = point - n;
  return true;
}

void DecimalFromLongDoubleInto(long double x, Decimal* out) {
  if (ShortestDecimalOfLongDouble(x, out)) return;
  char buf[128];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  DecimalFromScientificInto(std::string_view(buf, r.ptr - buf), out);
}

// ---------------------------------------------------------------------------
// Shortest digits of a long double, fast
//
// The reference walk above builds the exact decimal expansions of the value
// v and of its bounds lo = v - half ulp and hi = v + half ulp digit by digit.
// When all three have the same number of integer digits (always, unless a
// power of ten lies between the bounds), Go's walk reduces to arithmetic on
// three integers: NL, NV, NH = floor(x * 10^j) for x = lo, v, hi, with j
// chosen so that they have exactly 22 digits (enough: NH - NL >= 54, so the
// prefixes differ by digit 20, and digit 21 decides the rounding). Neither
// bound ends within those digits (see below).
//   - At digit positions where NL and NH have the same prefix, so does NV:
//     no digit differs, lo does not end there (it has more than 22
//     significant digits) and v does not end there either (it would be
//     <= lo), so the walk goes on.
//   - At the first position where the prefixes differ (weight 10^t in NL's
//     units: the largest t with floor(NL/10^t) != floor(NH/10^t)), with
//     A < C the prefixes of NL and NH and B that of NV: "okdown" is A != B
//     (the truncation B is above lo), "okup" is B != C (B + 1 <= C is below
//     hi, strictly, as hi has more digits); the walk stops there with B,
//     B + 1, or when both are allowed the nearest (half to even on v's
//     exact digits: Go's decimal.round).
// B + 1 <= C never carries into a new digit, and the result is the only
// decimal of at most 17 significant digits between the bounds when it has
// that few (the bounds are 2^-63 of v apart, 17-digit decimals 10^-17).
// Anything else returns false and the caller uses the reference.

constexpr uint64_t kPow5[28] = {1ull,
                                5ull,
                                25ull,
                                125ull,
                                625ull,
                                3125ull,
                                15625ull,
                                78125ull,
                                390625ull,
                                1953125ull,
                                9765625ull,
                                48828125ull,
                                244140625ull,
                                1220703125ull,
                                6103515625ull,
                                30517578125ull,
                                152587890625ull,
                                762939453125ull,
                                3814697265625ull,
                                19073486328125ull,
                                95367431640625ull,
                                476837158203125ull,
                                2384185791015625ull,
                                11920928955078125ull,
                                59604644775390625ull,
                                298023223876953125ull,
                                1490116119384765625ull,
                                7450580596923828125ull};  // 5^27 < 2^63

static_assert(std::numeric_limits<long double>::digits == 64,
              "number.cc reads and writes x87 extended long doubles");

// |x| = mantissa * 2^exponent with the x87 format's explicit integer bit
// (mantissa >= 2^63); false for zero, subnormals, infinities and NaNs.
bool DecomposeLongDouble(long double x, uint64_t* mantissa, int* exponent, bool* negative) {
  unsigned char bytes[sizeof(long double)];
  std::memcpy(bytes, &x, sizeof x);
  uint64_t m;
  uint16_t sign_exp;
  std::memcpy(&m, bytes, sizeof m);
  std::memcpy(&sign_exp, bytes + sizeof m, sizeof sign_exp);
  const int biased = sign_exp & 0x7fff;
  if (biased == 0 || biased == 0x7fff || (m >> 63) == 0) return false;
  *mantissa = m;
  *exponent = biased - 16383 - 63;
  *negative = (sign_exp >> 15) != 0;
  return true;
}

// The 80-bit format's two words: the mantissa and the sign with the biased
// exponent (what BigCell's cache and a kExtended Value store), for
// |x| = mantissa * 2^exponent as DecomposeLongDouble gives them.
uint16_t SignExponent(int exponent, bool negative) {
  return static_cast<uint16_t>((exponent + 63 + 16383) | (negative ? 0x8000 : 0));
}
long double LongDoubleFromWords(uint64_t mantissa, uint16_t sign_exponent) {
  long double x;
  unsigned char bytes[sizeof x] = {};
  std::memcpy(bytes, &mantissa, sizeof mantissa);
  std::memcpy(bytes + sizeof mantissa, &sign_exponent, sizeof sign_exponent);
  std::memcpy(&x, bytes, sizeof x);
  return x;
}

// mantissa * 2^exponent (mantissa >= 2^63) as a long double; false when the
// exponent is outside the normal range.
bool ComposeLongDouble(uint64_t mantissa, int exponent, bool negative, long double* out) {
  const int biased = exponent + 63 + 16383;
  if (biased <= 0 || biased >= 0x7fff) return false;
  *out = LongDoubleFromWords(mantissa, SignExponent(exponent, negative));
  return true;
}

constexpr __uint128_t kPow10To21 = static_cast<__uint128_t>(kPow10[19]) * 100;
constexpr __uint128_t kPow10To22 = kPow10To21 * 10;

// floor(p * 2^shift) and whether that dropped a non-zero remainder, for
// the products p = n * 5^j of ShortestDigitsFast (n < 2^65 and j <= 27
// keep them below 2^128; shift >= 0 only for |x| >= 2^62, where it is at
// most 2, and -shift is below 128).
__uint128_t ShiftScaled(__uint128_t p, int shift, bool* inexact) {
  if (shift >= 0) {
    *inexact = false;
    return p << shift;
  }
  const int s = -shift;
  *inexact = (p & ((static_cast<__uint128_t>(1) << s) - 1)) != 0;
  return p >> s;
}

// n (< 10^22) as n_high * 10^11 + n_low. 10^11 = 2^11 * 5^11 and n >> 11 <
// 2^63, so one 64-bit division by a constant (a multiplication) does it.
void SplitAt11(__uint128_t n, uint64_t* high, uint64_t* low) {
  *high = static_cast<uint64_t>(n >> 11) / kPow5[11];
  *low = static_cast<uint64_t>(n - static_cast<__uint128_t>(*high) * kPow10[11]);
}

// The shortest digits of a long double: value = digits * 10^exponent, the
// digits as an integer ([small]) when there are at most 15 of them, else as
// text ([text], [n] characters).
struct ShortDigits {
  bool negative = false;
  int n = 0;
  int exponent = 0;
  uint64_t small = 0;
  char text[24];
};

// The 8 digits of v < 10^8 as ASCII bytes, first digit in the low byte
// (x86-64 is little-endian: stored, they read in order),
// all lanes of one 64-bit word at once: v splits into two 4-digit halves
// (32-bit lanes), each into two 2-digit quarters (16-bit lanes), each into
// two digits (bytes). Per lane, n / 100 = (n * 5243) >> 19 for n < 10^4
// and n / 10 = (n * 103) >> 10 for n < 100; the products stay inside their
// lanes and the masks drop what the shifts bring in from the lane above.
uint64_t EightDigitBytes(uint64_t v) {
  uint64_t x = (v / 10000) | ((v % 10000) << 32);
  uint64_t q = ((x * 5243) >> 19) & 0x0000007f0000007full;
  x = q | ((x - q * 100) << 16);
  q = ((x * 103) >> 10) & 0x000f000f000f000full;
  x = q | ((x - q * 10) << 8);
  return x + 0x3030303030303030ull;
}

// Writes v < 10^n (n <= 16) zero-padded to out[0, n).
void PutDigitsFast(uint64_t v, int n, char* out) {
  if (n <= 8) {
    const uint64_t bytes = EightDigitBytes(v);
    char eight[8];
    std::memcpy(eight, &bytes, sizeof bytes);
    std::memcpy(out, eight + 8 - n, static_cast<size_t>(n));
    return;
  }
  PutDecimalDigits(v / 100000000, n - 8, out);
  const uint64_t bytes = EightDigitBytes(v % 100000000);
  std::memcpy(out + n - 8, &bytes, sizeof bytes);
}

// |x| = m * 2^e2 (m >= 2^63, see DecomposeLongDouble) with |x| in
// [2^-19, 2^63) and not an integer.
bool ShortestDigitsFast(uint64_t m, int e2, bool negative, ShortDigits* out) {
  const int log2 = e2 + 63;  // |x| in [2^log2, 2^(log2+1))
  // Below 2^-19 the scale would need 5^28 (> 64 bits); from 2^63 on every
  // long double is an integer (big integers take the reference route).
  if (log2 < -19 || log2 > 62) return false;
  // Go's setup: mant has one more bit, so that its lsb is half an ulp;
  // v = mant * 2^exp, lo and hi are mant -/+ 1.
  const __uint128_t mant = static_cast<__uint128_t>(m) << 1;
  const int exp = e2 - 1;
  // j such that NV = floor(v * 10^j) has 22 digits: 10^k <= |x| < 2^(log2+1)
  // with k = floor(log2 * log10(2)) (78913 / 2^18 is log10(2) to within
  // 1e-6, exact over this range), so NV has 22 or 23 digits at j = 21 - k.
  int j = 21 - ((log2 * 78913) >> 18);
  bool inexact_v = false;
  __uint128_t nv = 0;
  for (int tries = 0;; ++tries) {
    if (tries == 3 || j < 0 || j > 27) return false;
    nv = ShiftScaled(mant * kPow5[j], exp + j, &inexact_v);
    if (nv >= kPow10To22) {
      --j;
    } else if (nv < kPow10To21) {
      ++j;
    } else {
      break;
    }
  }
  // (mant -/+ 1) * 5^j: the same product -/+ 5^j.
  bool inexact_lo, inexact_hi;
  const __uint128_t pv = mant * kPow5[j];
  const __uint128_t nl = ShiftScaled(pv - kPow5[j], exp + j, &inexact_lo);
  const __uint128_t nh = ShiftScaled(pv + kPow5[j], exp + j, &inexact_hi);
  // A power of ten between the bounds (Go then compares digits that are
  // not aligned): reference. A bound whose exact decimal ends at or before
  // the first differing position cannot occur here (its last digit weighs
  // 10^exp <= 2^exp / 5, less than that position's, which is more than a
  // tenth of NH - NL = 2^(exp+1)) but is cheap to rule out.
  if (nl < kPow10To21 || nh >= kPow10To22 || !inexact_lo || !inexact_hi) return false;

  uint64_t hl, ll, hv, lv, hh, lh;
  SplitAt11(nl, &hl, &ll);
  SplitAt11(nv, &hv, &lv);
  SplitAt11(nh, &hh, &lh);
  // NH - NL is 2 half ulps at this scale: NV/m, between 54 and 1085.
  const uint64_t span = static_cast<uint64_t>(nh - nl);
  // The first differing position is 10^t: the largest t with NH mod 10^t <
  // NH - NL (a multiple of 10^t in (NL, NH]). A, B, C are the prefixes
  // there; [above_half] compares NV mod 10^t with half of 10^t (-1, 0 for
  // an exact tie, 1). Past what is computed at once, prefixes are peeled a
  // digit at a time (divisions by the constant 10 are multiplications).
  int t = 0;
  uint64_t a, b, c, pw = 1, rem_b = 0;
  if (hl == hh) {  // t <= 10: all within the low halves
    // t >= 1 (10 < span) and usually t <= 4: the quotients by 10 .. 10^4
    // of all three at once (independent multiplications by constants) and
    // t without a branch (NH mod 10^t < span holds for every t up to it).
    const uint64_t qa[5] = {ll, ll / 10, ll / 100, ll / 1000, ll / 10000};
    const uint64_t qb[5] = {lv, lv / 10, lv / 100, lv / 1000, lv / 10000};
    const uint64_t qc[5] = {lh, lh / 10, lh / 100, lh / 1000, lh / 10000};
    t = 1 + static_cast<int>(lh - qc[2] * 100 < span) +
        static_cast<int>(lh - qc[3] * 1000 < span) + static_cast<int>(lh - qc[4] * 10000 < span);
    a = qa[t];
    b = qb[t];
    c = qc[t];
    pw = kPow10[t];
    rem_b = lv - b * pw;
    uint64_t rem_c = lh - c * pw;
    while (t >= 4 && t < 10) {  // rarely: results of 12 to 17 digits
      const uint64_t next = rem_c + (c % 10) * pw;  // NH mod 10^(t+1)
      if (next >= span) break;
      rem_c = next;
      rem_b += (b % 10) * pw;
      a /= 10;
      b /= 10;
      c /= 10;
      pw *= 10;
      ++t;
    }
  } else {                     // NH mod 10^11 < span: t = 11 + trailing zeros of NH's high half
    a = hl, b = hv, c = hh;    // c >= 10^10: at most 10 trailing zeros
    // Short results (a few digits) strip many: 8, 4, 2 and 1 at a time.
    auto strip = [&](uint64_t power, int zeros) {
      if (c % power != 0) return;
      rem_b += (b % power) * pw;
      a /= power;
      b /= power;
      c /= power;
      pw *= power;
      t += zeros;
    };
    strip(100000000, 8);
    strip(10000, 4);
    strip(100, 2);
    strip(10, 1);
    // NV mod 10^t = rem_b * 10^11 + lv, against half of it.
    t += 11;
  }
  int above_half;
  if (t <= 10) {
    const uint64_t half = pw / 2;
    above_half = rem_b < half ? -1 : (rem_b > half || inexact_v ? 1 : 0);
  } else if (t == 11) {
    const uint64_t half = kPow10[11] / 2;
    above_half = lv < half ? -1 : (lv > half || inexact_v ? 1 : 0);
  } else {
    const uint64_t half = pw / 2;
    above_half = rem_b < half ? -1 : (rem_b > half || lv != 0 || inexact_v ? 1 : 0);
  }
  const bool okdown = a != b, okup = b != c;
  if (!okdown && !okup) return false;  // not reachable: A < C
  bool up = okup;
  if (okdown && okup) up = above_half > 0 || (above_half == 0 && (b & 1) != 0);
  // <= C: the same number of digits. For t <= 10 the value's digits are
  // NV's high half followed by these 11 - t; otherwise just these 22 - t.
  uint64_t low = b + (up ? 1 : 0);
  int low_digits = 11 - t;
  int exponent = t - j;
  out->negative = negative;
  if (t <= 10 && low != 0) {
    while (low % 10 == 0) {
      low /= 10;
      --low_digits;
      ++exponent;
    }
    const int n = 11 + low_digits;
    out->n = n;
    out->exponent = exponent;
    if (n <= 15) {
      out->small = hv * kPow10[low_digits] + low;
    } else {
      PutDigitsFast(hv, 11, out->text);
      PutDigitsFast(low, low_digits, out->text + 11);
    }
    return true;
  }
  // The digits end within 11: NV's high half (low == 0 for t <= 10), or
  // the result itself.
  uint64_t digits = t <= 10 ? hv : low;
  if (t <= 10) exponent += low_digits;
  int n = t <= 10 ? 11 : 22 - t;
  while (digits % 10 == 0) {
    digits /= 10;
    --n;
    ++exponent;
  }
  out->n = n;
  out->exponent = exponent;
  out->small = digits;
  return true;
}

// Digits as uint64 when there are at most 19.
bool DigitsToU64(const std::string& digits, uint64_t* out) {
  if (digits.size() > 19) return false;
  *out = ParseDigits(digits.data(), digits.size());
  return true;
}

// The library's correctly rounded parse of digits[0, n) * 10^exponent
// (T = double or long double), the text "<digits>e<exponent>" built on the
// stack: arithmetic reaches this for 16-17 digit results, which must not
// allocate. Only literals have digit strings too long for the buffer.
// Overflow gives +inf and underflow 0, decided by the decimal exponent.
template <typename T>
T ParseDecimalText(const char* digits, size_t n, int64_t exponent) {
  char stack[96];
  std::string heap;
  char* text = stack;
  const size_t capacity = n + 24;  // 'e' and an int64 fit in 24
  if (capacity > sizeof stack) {
    heap.resize(capacity);
    text = heap.data();
  }
  std::memcpy(text, digits, n);
  char* end = text + n;
  *end++ = 'e';
  end = std::to_chars(end, text + capacity, exponent).ptr;
  T x = 0;
  auto r = std::from_chars(text, end, x);
  if (r.ec == std::errc::result_out_of_range) {
    const int64_t point = static_cast<int64_t>(n) + exponent;
    x = point > 0 ? std::numeric_limits<T>::infinity() : T{0};
  }
  return x;
}

// Nearest long double to a decimal. Clinger's fast path when the digits fit
// the 64-bit mantissa and 10^|e| is exact (e <= 27): one rounding only.
long double LongDoubleFromDecimal(const Decimal& d) {
  if (d.digits.empty()) return 0.0L;
  uint64_t m;
  long double x;
  if (DigitsToU64(d.digits, &m) && FastLongDouble(m, d.exponent, &x)) {
    return d.negative ? -x : x;
  }
  x = ParseDecimalText<long double>(d.digits.data(), d.digits.size(), d.exponent);
  return d.negative ? -x : x;
}

constexpr double kPow10D[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Nearest double to digits[0, n) * 10^exponent (n >= 1): one exact division
// or multiplication when the digits fit 53 bits and 10^|exponent| is exact
// (up to 10^22), else the library's parse.
double DoubleFromDigits(const char* digits, size_t n, int64_t exponent) {
  if (n <= 19 && exponent >= -22 && exponent <= 22) {
    const uint64_t m = ParseDigits(digits, n);
    if (m < (uint64_t{1} << 53)) {
      const double x = static_cast<double>(m);
      return exponent < 0 ? x / kPow10D[-exponent] : x * kPow10D[exponent];
    }
  }
  return ParseDecimalText<double>(digits, n, exponent);
}

// Same for double (only used to build canonical kDouble values).
double DoubleFromDecimal(const Decimal& d) {
  if (d.digits.empty()) return 0.0;
  const double x = DoubleFromDigits(d.digits.data(), d.digits.size(), d.exponent);
  return d.negative ? -x : x;
}

bool SameDecimal(const Decimal& a, const Decimal& b) {
  return a.negative == b.negative && a.exponent == b.exponent && a.digits == b.digits;
}

// Is [d] the shortest decimal of [x]?
bool SameShortestDecimal(double x, const Decimal& d) {
  thread_local Decimal shortest;
  DecimalFromDoubleInto(x, &shortest);
  return SameDecimal(shortest, d);
}

Value RawDouble(double d) {
  // Value::Double() normalizes integral doubles; callers here already did.
  return Value::Double(d);
}

// A kBig of digits[0, n) * 10^exponent (normalized: no leading or trailing
// zeros; the caller has ruled out the int and double forms).
// [ld_mantissa] and [ld_sign_exponent]: the cell's cached long double (see
// BigCell), 0 when there is none.
Value NewBig(bool negative, const char* digits, size_t n, int64_t exponent, Arena* arena,
             uint64_t ld_mantissa = 0, uint16_t ld_sign_exponent = 0) {
  size_t bytes = sizeof(BigCell) + n;
  void* mem = arena != nullptr ? arena->Allocate(bytes) : ::operator new(bytes);
  auto* cell = new (mem) BigCell();
  cell->refs.store(1, std::memory_order_relaxed);
  cell->kind = Kind::kNumber;
  cell->flags = arena != nullptr ? value_internal::kArenaCell : value_internal::kHeapCell;
  cell->negative = negative ? 1 : 0;
  cell->size = n;
  cell->exponent = exponent;
  cell->ld_mantissa = ld_mantissa;
  cell->ld_sign_exponent = ld_sign_exponent;
  std::memcpy(const_cast<char*>(cell->digits()), digits, n);
  return Value::FromCell(Kind::kNumber, static_cast<uint8_t>(NumberRep::kBig), cell,
                         arena == nullptr);
}

Value NewBig(const Decimal& d, Arena* arena) {
  return NewBig(d.negative, d.digits.data(), d.digits.size(), d.exponent, arena);
}

// ---------------------------------------------------------------------------
// Bignum: magnitudes in base 2^32, little-endian, no high zero limbs.
using Mag = std::vector<uint32_t>;

void Trim(Mag* a) {
  while (!a->empty() && a->back() == 0) a->pop_back();
}

int CmpMag(const Mag& a, const Mag& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Mag AddMag(const Mag& a, const Mag& b) {
  const Mag& x = a.size() >= b.size() ? a : b;
  const Mag& y = a.size() >= b.size() ? b : a;
  Mag r(x.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t s = uint64_t{x[i]} + (i < y.size() ? y[i] : 0) + carry;
    r[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
  }
  r[x.size()] = static_cast<uint32_t>(carry);
  Trim(&r);
  return r;
}

// a - b with a >= b.
Mag SubMag(const Mag& a, const Mag& b) {
  Mag r(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t s = int64_t{a[i]} - (i < b.size() ? int64_t{b[i]} : 0) - borrow;
    borrow = s < 0 ? 1 : 0;
    r[i] = static_cast<uint32_t>(s + (borrow << 32));
  }
  Trim(&r);
  return r;
}

Mag MulMag(const Mag& a, const Mag& b) {
  if (a.empty() || b.empty()) return {};
  Mag r(a.size() + b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = uint64_t{a[i]} * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r[i + b.size()] = static_cast<uint32_t>(carry);
  }
  Trim(&r);
  return r;
}

// a = a * m + add (small m, add).
void MulAddSmall(Mag* a, uint32_t m, uint32_t add) {
  uint64_t carry = add;
  for (uint32_t& limb : *a) {
    uint64_t t = uint64_t{limb} * m + carry;
    limb = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  if (carry != 0) a->push_back(static_cast<uint32_t>(carry));
}

// a /= d, returns the remainder.
uint32_t DivSmall(Mag* a, uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = a->size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | (*a)[i];
    (*a)[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  Trim(a);
  return static_cast<uint32_t>(rem);
}

// Knuth's algorithm D (TAOCP 4.3.1), as in Hacker's Delight divmnu.
void DivModMag(const Mag& u, const Mag& v, Mag* q, Mag* r) {
  VERDICT_CHECK(!v.empty());
  if (CmpMag(u, v) < 0) {
    q->clear();
    *r = u;
    return;
  }
  if (v.size() == 1) {
    *q = u;
    uint32_t rem = DivSmall(q, v[0]);
    r->clear();
    if (rem != 0) r->push_back(rem);
    return;
  }
  const size_t n = v.size();
  const size_t m = u.size();
  const int s = std::countl_zero(v.back());
  Mag vn(n), un(m + 1);
  for (size_t i = n - 1; i > 0; --i) {
    vn[i] = (v[i] << s) | (s == 0 ? 0 : static_cast<uint32_t>(uint64_t{v[i - 1]} >> (32 - s)));
  }
  vn[0] = v[0] << s;
  un[m] = s == 0 ? 0 : static_cast<uint32_t>(uint64_t{u[m - 1]} >> (32 - s));
  for (size_t i = m - 1; i > 0; --i) {
    un[i] = (u[i] << s) | (s == 0 ? 0 : static_cast<uint32_t>(uint64_t{u[i - 1]} >> (32 - s)));
  }
  un[0] = u[0] << s;
  q->assign(m - n + 1, 0);
  const uint64_t b = uint64_t{1} << 32;
  for (size_t jj = m - n + 1; jj-- > 0;) {
    const size_t j = jj;
    uint64_t num = (uint64_t{un[j + n]} << 32) | un[j + n - 1];
    uint64_t qhat = num / vn[n - 1];
    uint64_t rhat = num - qhat * vn[n - 1];
    while (qhat >= b || qhat * vn[n - 2] > b * rhat + un[j + n - 2]) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= b) break;
    }
    int64_t k = 0;
    int64_t t = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * vn[i];
      t = int64_t{un[i + j]} - k - static_cast<int64_t>(p & 0xffffffffu);
      un[i + j] = static_cast<uint32_t>(t);
      k = static_cast<int64_t>(p >> 32) - (t >> 32);
    }
    t = int64_t{un[j + n]} - k;
    un[j + n] = static_cast<uint32_t>(t);
    (*q)[j] = static_cast<uint32_t>(qhat);
    if (t < 0) {
      (*q)[j] -= 1;
      uint64_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t sum = uint64_t{un[i + j]} + vn[i] + c;
        un[i + j] = static_cast<uint32_t>(sum);
        c = sum >> 32;
      }
      un[j + n] = static_cast<uint32_t>(un[j + n] + c);
    }
  }
  r->assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    (*r)[i] = (un[i] >> s) |
              (s == 0 ? 0 : static_cast<uint32_t>(uint64_t{un[i + 1]} << (32 - s)));
  }
  Trim(q);
  Trim(r);
}

struct BigInt {
  bool negative = false;
  Mag mag;
};

// Integral decimal -> BigInt; false past limits::kMaxExactDigits.
bool BigIntFromDecimal(const Decimal& d, BigInt* out) {
  VERDICT_DCHECK(d.exponent >= 0 || d.digits.empty());
  size_t total = d.digits.size() + static_cast<size_t>(d.exponent);
  if (total > limits::kMaxExactDigits) return false;
  out->negative = d.negative;
  out->mag.clear();
  uint32_t chunk = 0;
  int in_chunk = 0;
  auto push_digit = [&](int digit) {
    chunk = chunk * 10 + static_cast<uint32_t>(digit);
    if (++in_chunk == 9) {
      MulAddSmall(&out->mag, 1000000000u, chunk);
      chunk = 0;
      in_chunk = 0;
    }
  };
  for (char c : d.digits) push_digit(c - '0');
  for (int64_t i = 0; i < d.exponent; ++i) push_digit(0);
  if (in_chunk > 0) MulAddSmall(&out->mag, static_cast<uint32_t>(kPow10[in_chunk]), chunk);
  Trim(&out->mag);
  return true;
}

Decimal DecimalFromBigInt(const BigInt& b) {
  Decimal d;
  Mag m = b.mag;
  std::string rev;
  while (!m.empty()) {
    uint32_t rem = DivSmall(&m, 1000000000u);
    for (int i = 0; i < 9; ++i) {
      rev.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
    }
  }
  d.digits.assign(rev.rbegin(), rev.rend());
  d.negative = b.negative;
  Normalize(&d);
  return d;
}

BigInt BigIntFromI64(int64_t i) {
  BigInt b;
  b.negative = i < 0;
  uint64_t u = i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
  while (u != 0) {
    b.mag.push_back(static_cast<uint32_t>(u));
    u >>= 32;
  }
  return b;
}

BigInt AddBig(const BigInt& a, const BigInt& b) {
  BigInt r;
  if (a.negative == b.negative) {
    r.mag = AddMag(a.mag, b.mag);
    r.negative = a.negative;
  } else if (CmpMag(a.mag, b.mag) >= 0) {
    r.mag = SubMag(a.mag, b.mag);
    r.negative = a.negative;
  } else {
    r.mag = SubMag(b.mag, a.mag);
    r.negative = b.negative;
  }
  if (r.mag.empty()) r.negative = false;
  return r;
}

BigInt MulBig(const BigInt& a, const BigInt& b) {
  BigInt r;
  r.mag = MulMag(a.mag, b.mag);
  r.negative = !r.mag.empty() && a.negative != b.negative;
  return r;
}

// Operand as an exact BigInt, when integral and within limits.
bool ToBigInt(const Value& v, BigInt* out) {
  if (v.is_int()) {
    *out = BigIntFromI64(v.as_int());
    return true;
  }
  if (!IsIntegral(v)) return false;
  return BigIntFromDecimal(ToDecimal(v), out);
}

Value FromBigInt(const BigInt& b, Arena* arena) {
  if (b.mag.size() <= 2) {
    uint64_t u = b.mag.empty() ? 0 : b.mag[0];
    if (b.mag.size() == 2) u |= uint64_t{b.mag[1]} << 32;
    if (!b.negative && u <= static_cast<uint64_t>(INT64_MAX)) {
      return Value::Int(static_cast<int64_t>(u));
    }
    if (b.negative && u <= uint64_t{1} << 63) {
      return Value::Int(static_cast<int64_t>(0 - u));
    }
  }
  return FromDecimal(DecimalFromBigInt(b), arena);
}

Value FromI128(__int128_t x, Arena* arena) {
  if (x >= INT64_MIN && x <= INT64_MAX) return Value::Int(static_cast<int64_t>(x));
  bool neg = x < 0;
  __uint128_t u = neg ? -static_cast<__uint128_t>(x) : static_cast<__uint128_t>(x);
  char buf[40];  // 2^128 has 39 digits
  char* p = buf + sizeof buf;
  while (u != 0) {
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  thread_local Decimal d;  // keeps its buffer: no allocation per call
  d.negative = neg;
  d.exponent = 0;
  d.digits.assign(p, buf + sizeof buf);
  Normalize(&d);
  return FromDecimal(d, arena);
}

}  // namespace

// ---------------------------------------------------------------------------
// Inexact results: long double -> Value

namespace number_internal {

// The original route, kept as the reference (and the fallback outside the
// fast range): the nearest double printed shortest when that reads back as
// r, else the exact digit walk.
absl::StatusOr<Value> FromLongDoubleReference(long double r, Arena* arena) {
  if (!std::isfinite(r)) return ArithError("arithmetic result out of range");
  if (r == 0) return Value::Int(0);
  if (r > -9223372036854775808.0L && r < 9223372036854775808.0L) {
    long double t = std::trunc(r);
    if (t == r) return Value::Int(static_cast<int64_t>(r));
  }
  // Fast path: the double nearest r, printed shortest, may already read
  // back as exactly r at 64 bits; then it is the answer (and a kDouble).
  double d = static_cast<double>(r);
  if (std::isfinite(d) && d != 0) {
    uint64_t m;
    int exp;
    ShortestDigits(d, &m, &exp);
    long double back;
    if (FastLongDouble(m, exp, &back) && (d < 0 ? -back : back) == r) return RawDouble(d);
  }
  thread_local Decimal scratch;
  DecimalFromLongDoubleInto(r, &scratch);
  return FromDecimal(scratch, arena);
}

namespace {

void ShortDigitsToDecimal(const ShortDigits& s, Decimal* d) {
  d->negative = s.negative;
  d->exponent = s.exponent;
  if (s.n <= 15) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, s.small);
    d->digits.assign(buf, r.ptr);
  } else {
    d->digits.assign(s.text, static_cast<size_t>(s.n));
  }
}

// FromDecimal() of a fast shortest result of r = (-1)^negative * m * 2^e2,
// without building a Decimal: at most 15 digits are always a kDouble
// (FromDecimal's test, with DoubleFromDecimal's exact division by a power of
// ten), 18+ always a kBig, and 16-17 digits a kDouble when the nearest
// double prints as these digits (FromDecimal's SameShortestDecimal).
// A kBig keeps r (BigCell::ld_mantissa): the digits lie within r's rounding
// bounds (half an ulp each way, inclusive only for an even mantissa, as
// round-to-nearest-even breaks ties), so r is the nearest long double to
// them, which is what ToLongDouble computes. Not when m = 2^63, as a
// guard: Go's bounds are symmetric, but the rounding interval of a power of
// two only reaches a quarter ulp down, so digits there could round down
// (in this range such r have short exact decimals, so it never happens).
// tests/value/number_fuzz_test.cc checks the cache against the reference.
Value FromShortDigits(const ShortDigits& s, uint64_t m, int e2, Arena* arena) {
  if (s.exponent < 0) {  // always (a non-integer), but FromDecimal decides otherwise
    if (s.n <= 15 && s.exponent >= -22) {
      // s.small < 10^15 < 2^53 and 10^-exponent are exact: one rounding.
      const double x = static_cast<double>(s.small) / kPow10D[-s.exponent];
      // |x| > 2^-20: a normal double, which 15 digits always round-trip.
      return RawDouble(s.negative ? -x : x);
    }
    if (s.n >= 16) {
      if (s.n <= 17) {
        const double x = DoubleFromDigits(s.text, static_cast<size_t>(s.n), s.exponent);
        uint64_t shortest;
        int exponent;
        ShortestDigits(x, &shortest, &exponent);
        while (shortest != 0 && shortest % 10 == 0) {
          shortest /= 10;
          ++exponent;
        }
        if (exponent == s.exponent &&
            shortest == ParseDigits(s.text, static_cast<size_t>(s.n))) {
          return RawDouble(s.negative ? -x : x);
        }
      }
      const bool cache = m != uint64_t{1} << 63;
      return NewBig(s.negative, s.text, static_cast<size_t>(s.n), s.exponent, arena,
                    cache ? m : 0, cache ? SignExponent(e2, s.negative) : 0);
    }
  }
  thread_local Decimal d;
  ShortDigitsToDecimal(s, &d);
  return FromDecimal(d, arena);
}

// r = (-1)^negative * m * 2^e2 is an integer below 2^63 in magnitude:
// its value in [*out].
bool SmallIntegerValue(uint64_t m, int e2, bool negative, int64_t* out) {
  if (e2 >= 0 || e2 <= -64) return false;  // |r| >= 2^63, or |r| < 1 (not 0)
  if ((m & ((uint64_t{1} << -e2) - 1)) != 0) return false;
  const auto v = static_cast<int64_t>(m >> -e2);
  *out = negative ? -v : v;
  return true;
}

}  // namespace

// Why the fast route gives the reference's answer: where ShortestDigitsFast
// applies, its digits D are the reference walk's, and D lies between the
// bounds of r. When the reference's first try succeeds, the double's
// shortest decimal S reads back as r, so S lies between those bounds too,
// and both have at most 17 digits: S = D (see ShortestDigitsFast), and
// FromDecimal(D) is the same double. Otherwise the reference returns
// FromDecimal(D) itself. tests/value/number_fuzz_test.cc checks it.
absl::StatusOr<Value> FromLongDouble(long double r, Arena* arena) {
  uint64_t m;
  int e2;
  bool negative;
  // Zero, infinities, NaNs and subnormals: the reference handles them.
  if (!DecomposeLongDouble(r, &m, &e2, &negative)) return FromLongDoubleReference(r, arena);
  int64_t i;
  if (SmallIntegerValue(m, e2, negative, &i)) return Value::Int(i);
  ShortDigits s;
  if (e2 < 0 && ShortestDigitsFast(m, e2, negative, &s)) return FromShortDigits(s, m, e2, arena);
  return FromLongDoubleReference(r, arena);
}

bool ShortestDecimalFast(long double x, Decimal* out) {
  uint64_t m;
  int e2;
  bool negative;
  int64_t i;
  ShortDigits s;
  // Only what FromLongDouble asks of it: non-integers.
  if (!DecomposeLongDouble(x, &m, &e2, &negative) || SmallIntegerValue(m, e2, negative, &i) ||
      e2 >= 0 || !ShortestDigitsFast(m, e2, negative, &s)) {
    return false;
  }
  ShortDigitsToDecimal(s, out);
  return true;
}

bool ShortestDecimalReference(long double x, Decimal* out) {
  return ShortestDecimalOfLongDouble(x, out);
}

// Exact: R * 2^s / 5^k has 64 or 65 bits before rounding (s = 64 + bits of
// 5^k - bits of R, so R * 2^s < 2^(64 + bits of 5^k) <= 2^127), and the
// remainder of the one 128-bit division decides the rounding; 5^k is odd,
// so the remainder is never exactly half.
bool LongDoubleFromScaled(__uint128_t r, int k, bool negative, long double* out) {
  if (r == 0 || k < 1 || k > 27) return false;
  const uint64_t f = kPow5[k];
  const auto r_high = static_cast<uint64_t>(r >> 64);
  const int r_bits = r_high != 0 ? 128 - std::countl_zero(r_high)
                                 : 64 - std::countl_zero(static_cast<uint64_t>(r));
  const int f_bits = 64 - std::countl_zero(f);
  const int s = 64 + f_bits - r_bits;
  if (s < 0) return false;
  const __uint128_t num = r << s;
  __uint128_t q = num / f;
  const auto rem = static_cast<uint64_t>(num - q * f);
  int e2 = -s - k;  // value = (q + rem / f) * 2^e2, q in (2^63, 2^65)
  uint64_t mantissa;
  bool up;
  if ((q >> 64) != 0) {
    const bool half = (q & 1) != 0;
    q >>= 1;
    ++e2;
    mantissa = static_cast<uint64_t>(q);
    up = half && (rem != 0 || (mantissa & 1) != 0);
  } else {
    mantissa = static_cast<uint64_t>(q);
    up = rem > f - rem;  // rem > f / 2
  }
  if (up && ++mantissa == 0) {
    mantissa = uint64_t{1} << 63;
    ++e2;
  }
  return ComposeLongDouble(mantissa, e2, negative, out);
}

long double LongDoubleFromDecimalReference(const Decimal& d) { return LongDoubleFromDecimal(d); }

// Level by level, j = 1, 2, ...: |d| * 10^j = m * 10^j * 2^e exactly in
// 128 bits, and the integer M nearest to it. The shortest decimal of d is
// M * 10^-j for the first j where M lies strictly inside d's rounding
// interval (half an ulp each way: 10^j * 2^(e-1) at this scale): no decimal
// with fewer digits after the point reads back as d, and M, the nearest to
// d, is the one to_chars picks when several do. M never has trailing zeros
// there (M / 10 would have been found a level earlier).
// Bails out (false) where the rule needs more care than that: an exact tie
// between two integers, and what does not fit: integers, |d| below 2^-11
// (the fraction would leave the low 64 bits), more than 22 places. Also,
// as guards that cost nothing, where to_chars' rule differs but cannot
// matter in this range: a bound hit exactly (inclusive or not by the
// mantissa's parity; a bound has one more binary place than d, so its
// decimal has more places than d's own exact one, where the walk stops)
// and a power of two (its lower bound is a quarter ulp, but its exact
// decimal has at most 11 places, 2^-11 being the smallest).
bool LongDoubleOfDoubleFast(double d, long double* out) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  const int biased = static_cast<int>((bits >> 52) & 0x7ff);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  const int s = 1075 - biased;  // |d| = m * 2^-s
  // Also rules out subnormals, infinities and NaNs.
  if (s < 1 || s > 63 || fraction == 0) return false;
  const uint64_t m = fraction | (uint64_t{1} << 52);
  const uint64_t one = uint64_t{1} << s;  // 1 in units of 2^-s
  const uint64_t mask = one - 1;
  __uint128_t scaled = m;  // |d| * 10^j in units of 2^-s: below 2^(53 + 74)
  for (int j = 1; j <= 22; ++j) {
    scaled *= 10;
    // Distances in units of 2^-(s + 1): the fraction, doubled, fits 64 bits.
    const uint64_t twice_rem = (static_cast<uint64_t>(scaled) & mask) << 1;
    uint64_t distance;
    bool up;
    if (twice_rem < one) {
      distance = twice_rem;
      up = false;
    } else if (twice_rem > one) {
      distance = 2 * one - twice_rem;  // modulo 2^64 when s = 63: still exact
      up = true;
    } else {
      return false;  // exactly halfway between two integers
    }
    // The half ulp is 10^j in these units (past 2^64 from j = 20 on).
    if (j < 20) {
      if (distance == kPow10[j]) return false;
      if (distance > kPow10[j]) continue;
    }
    const __uint128_t nearest = (scaled >> s) + (up ? 1 : 0);
    long double x;
    if ((nearest >> 64) != 0 || !FastLongDouble(static_cast<uint64_t>(nearest), -j, &x)) {
      return false;
    }
    *out = d < 0 ? -x : x;
    return true;
  }
  return false;
}

long double LongDoubleOfDoubleReference(double d) {
  uint64_t m;
  int exp;
  ShortestDigits(d, &m, &exp);
  long double x;
  if (!FastLongDouble(m, exp, &x)) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, m);
    x = ParseDecimalText<long double>(digits, static_cast<size_t>(r.ptr - digits), exp);
  }
  return d < 0 ? -x : x;
}

}  // namespace number_internal

using number_internal::FromLongDouble;

// ---------------------------------------------------------------------------
// Extended numbers: inexact results before their digits are needed

namespace {

// The long double a kExtended holds.
long double ExtendedValue(const Value& v) {
  return LongDoubleFromWords(v.raw_lo(), v.extended_sign_exponent());
}

// The canonical form of a kExtended in a per-thread scratch arena, for the
// rare readers that need digits (printing, hashing, a comparison tie). Valid
// until the next call on this thread: callers use it at once.
Value ScratchCanonical(const Value& v) {
  thread_local Arena scratch(1024);
  if (scratch.bytes_used() > 16 * 1024) scratch.Reset();
  // A kExtended is finite (ArithmeticResult made it), so this cannot fail.
  return *FromLongDouble(ExtendedValue(v), &scratch);
}

// The result of inexact arithmetic: an integer as kInt, a non-integer
// below 2^63 in magnitude kept as the long double (a kExtended: no digits
// yet), anything else in canonical form. Arithmetic chains such as
// round(errors / total / allowed * 100) then find shortest digits once, when
// the final value is printed, if at all.
absl::StatusOr<Value> ArithmeticResult(long double r, Arena* arena) {
  uint64_t m;
  int e2;
  bool negative;
  if (!DecomposeLongDouble(r, &m, &e2, &negative) || e2 >= 0) return FromLongDouble(r, arena);
  int64_t i;
  if (number_internal::SmallIntegerValue(m, e2, negative, &i)) return Value::Int(i);
  return Value::Extended(m, SignExponent(e2, negative));
}

}  // namespace

Value Canonical(const Value& number, Arena* arena) {
  switch (number.number_rep()) {
    case NumberRep::kInt:
    case NumberRep::kDouble:
      return number;
    case NumberRep::kBig:
      return FromDecimal(ToDecimal(number), arena);
    case NumberRep::kExtended:
      return *FromLongDouble(ExtendedValue(number), arena);
  }
  return number;
}

namespace {

bool IsZero(const Value& v) {
  return v.is_int() && v.as_int() == 0;  // canonical: zero is always Int(0)
}

int Sign(const Value& v) {
  switch (v.number_rep()) {
    case NumberRep::kInt:
      return v.as_int() < 0 ? -1 : (v.as_int() > 0 ? 1 : 0);
    case NumberRep::kDouble:
      return v.as_double() < 0 ? -1 : 1;
    case NumberRep::kBig:
      return v.big_cell()->negative ? -1 : 1;
    case NumberRep::kExtended:
      return (v.extended_sign_exponent() >> 15) != 0 ? -1 : 1;
  }
  return 0;
}

int CompareDecimals(const Decimal& a, const Decimal& b) {
  int sa = a.digits.empty() ? 0 : (a.negative ? -1 : 1);
  int sb = b.digits.empty() ? 0 : (b.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Same sign: compare magnitudes by decimal point position, then digits.
  int64_t pa = static_cast<int64_t>(a.digits.size()) + a.exponent;
  int64_t pb = static_cast<int64_t>(b.digits.size()) + b.exponent;
  int mag;
  if (pa != pb) {
    mag = pa < pb ? -1 : 1;
  } else {
    int c = a.digits.compare(b.digits);  // shorter prefix is smaller
    mag = c == 0 ? 0 : (c < 0 ? -1 : 1);
  }
  return sa > 0 ? mag : -mag;
}

}  // namespace

// ---------------------------------------------------------------------------
// Decimal <-> Value

Value FromDecimal(const Decimal& d, Arena* arena) {
  if (d.digits.empty()) return Value::Int(0);
  const int64_t n = static_cast<int64_t>(d.digits.size());
  const int64_t point = n + d.exponent;
  if (d.exponent >= 0 && point <= 19) {
    uint64_t u = 0;
    DigitsToU64(d.digits, &u);
    u *= kPow10[d.exponent];  // at most 19 digits: below 2^64
    if (!d.negative && u <= static_cast<uint64_t>(INT64_MAX)) {
      return Value::Int(static_cast<int64_t>(u));
    }
    if (d.negative && u <= uint64_t{1} << 63) return Value::Int(static_cast<int64_t>(0 - u));
  }
  // A double whose shortest decimal is exactly d? (Never with > 17 digits.)
  if (n <= 17 && point > -330 && point < 310) {
    double x = DoubleFromDecimal(d);
    if (std::isfinite(x) && x != 0) {
      // Up to 15 significant digits always round-trip in the normal range.
      if ((n <= 15 && std::fabs(x) >= std::numeric_limits<double>::min()) ||
          SameShortestDecimal(x, d)) {
        return RawDouble(x);
      }
    }
  }
  return NewBig(d, arena);
}

namespace {

// ToDecimal() into [*out], reusing its digit buffer (thread-local scratch
// Decimals keep hot paths such as round() and comparisons of big numbers
// from allocating).
void ToDecimalInto(const Value& v, Decimal* out) {
  switch (v.number_rep()) {
    case NumberRep::kInt:
    case NumberRep::kDouble:
      *out = ToDecimal(v);  // at most 17 digits: the string's inline buffer
      return;
    case NumberRep::kBig: {
      const BigCell* c = v.big_cell();
      out->negative = c->negative != 0;
      out->digits.assign(c->digits(), c->size);
      out->exponent = c->exponent;
      return;
    }
    case NumberRep::kExtended:
      ToDecimalInto(ScratchCanonical(v), out);
      return;
  }
}

}  // namespace

Decimal ToDecimal(const Value& v) {
  switch (v.number_rep()) {
    case NumberRep::kInt: {
      int64_t i = v.as_int();
      uint64_t u = i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
      return DecimalFromU64(u, i < 0);
    }
    case NumberRep::kDouble:
      return DecimalFromDouble(v.as_double());
    case NumberRep::kBig: {
      const BigCell* c = v.big_cell();
      Decimal d;
      d.negative = c->negative != 0;
      d.digits.assign(c->digits(), c->size);
      d.exponent = c->exponent;
      return d;
    }
    case NumberRep::kExtended:
      return ToDecimal(ScratchCanonical(v));
  }
  return Decimal();
}

std::optional<Value> ParseNumber(std::string_view s, Arena* arena) {
  size_t i = 0;
  const size_t n = s.size();
  bool negative = false;
  if (i < n && s[i] == '-') {
    negative = true;
    ++i;
  }
  if (i >= n || s[i] < '0' || s[i] > '9') return std::nullopt;
  size_t int_begin = i;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  }
  size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < n && s[i] == '.') {
    ++i;
    frac_begin = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    frac_end = i;
    if (frac_end == frac_begin) return std::nullopt;
  }
  int64_t exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    size_t exp_begin = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (exp < 1000000000) exp = exp * 10 + (s[i] - '0');  // saturate
      ++i;
    }
    if (i == exp_begin) return std::nullopt;
    if (exp_neg) exp = -exp;
  }
  if (i != n) return std::nullopt;

  // Fast path: a plain integer of at most 18 digits.
  if (frac_begin == frac_end && exp == 0 && int_end - int_begin <= 18) {
    int64_t v = 0;
    for (size_t k = int_begin; k < int_end; ++k) v = v * 10 + (s[k] - '0');
    return Value::Int(negative ? -v : v);
  }
  Decimal d;
  d.negative = negative;
  d.digits.reserve((int_end - int_begin) + (frac_end - frac_begin));
  d.digits.append(s.data() + int_begin, int_end - int_begin);
  d.digits.append(s.data() + frac_begin, frac_end - frac_begin);
  d.exponent = exp - static_cast<int64_t>(frac_end - frac_begin);
  Normalize(&d);
  if (!d.digits.empty() && (d.exponent > limits::kMaxNumberExponent ||
                            d.exponent < -limits::kMaxNumberExponent)) {
    return std::nullopt;
  }
  return FromDecimal(d, arena);
}

// ---------------------------------------------------------------------------
// Text

namespace {

// Writes [n] significant [digits] in plain notation with [point] of them
// before the decimal point (the rest after it, zeros to fill either
// side): ("15", 2, 1) -> "1.5", ("15", 2, 4) -> "1500", ("15", 2, -1) ->
// "0.015". Returns the end; the caller's buffer holds n + |point| + 3.
char* PutPlainDecimal(char* p, bool negative, const char* digits, int n, int point) {
  if (negative) *p++ = '-';
  if (point >= n) {
    std::memcpy(p, digits, static_cast<size_t>(n));
    p += n;
    for (int i = n; i < point; ++i) *p++ = '0';
  } else if (point > 0) {
    std::memcpy(p, digits, static_cast<size_t>(point));
    p += point;
    *p++ = '.';
    std::memcpy(p, digits + point, static_cast<size_t>(n - point));
    p += n - point;
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -point; ++i) *p++ = '0';
    std::memcpy(p, digits, static_cast<size_t>(n));
    p += n;
  }
  return p;
}

// A double from 1e-6 up to 1e21 as Go's strconv.FormatFloat(d, 'f', -1)
// writes it: its shortest round-trip digits around a decimal point,
// padded with zeros ("922033223157300000000" for 9.220332231573e20).
// std::to_chars' fixed format would write the double's exact binary value
// instead ("922033223157299937280"), which is another number.
void AppendShortestFixed(std::string* out, double d) {
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
  const char* q = sci;
  const bool negative = *q == '-';
  if (negative) ++q;
  char digits[24];
  int n = 0;
  for (; *q != 'e'; ++q) {
    if (*q != '.') digits[n++] = *q;
  }
  int exponent = 0;
  std::from_chars(q + (q[1] == '+' ? 2 : 1), r.ptr, exponent);
  char buf[64];
  out->append(buf, PutPlainDecimal(buf, negative, digits, n, exponent + 1));
}

// AppendNumber of a kExtended from its shortest digits, without building
// its canonical Value: from 1e-6 up (and below 2^63) a double prints its
// shortest digits in fixed notation and a big plainly, so whichever the
// canonical form is, the text is these digits around a decimal point.
// False when the fast digits do not apply (below 2^-19, so below 1e-6 too,
// which the point check guards as well).
bool AppendExtendedPlain(std::string* out, const Value& v) {
  uint64_t m;
  int e2;
  bool negative;
  ShortDigits s;
  if (!DecomposeLongDouble(ExtendedValue(v), &m, &e2, &negative) ||
      !ShortestDigitsFast(m, e2, negative, &s)) {
    return false;
  }
  const int point = s.n + s.exponent;  // digits before the decimal point
  if (point < -5 || s.exponent >= 0) return false;
  char digits[24];
  if (s.n <= 15) {
    PutDigitsFast(s.small, s.n, digits);
  } else {
    std::memcpy(digits, s.text, static_cast<size_t>(s.n));
  }
  char buf[48];
  out->append(buf, PutPlainDecimal(buf, negative, digits, s.n, point));
  return true;
}

}  // namespace

void AppendNumber(std::string* out, const Value& v) {
  char buf[64];
  switch (v.number_rep()) {
    case NumberRep::kInt: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out->append(buf, r.ptr);
      return;
    }
    case NumberRep::kDouble: {
      double d = v.as_double();
      if (!std::isfinite(d)) {
        out->append("null");
        return;
      }
      double a = std::fabs(d);
      if (a < 1e-6 || a >= 1e21) {
        // Go's encoding/json: 'e' format, "e-07" shortened to "e-7".
        auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
        size_t len = static_cast<size_t>(r.ptr - buf);
        if (len >= 4 && buf[len - 4] == 'e' && buf[len - 3] == '-' && buf[len - 2] == '0') {
          buf[len - 2] = buf[len - 1];
          --len;
        }
        out->append(buf, len);
      } else {
        AppendShortestFixed(out, d);
      }
      return;
    }
    case NumberRep::kBig:
      break;
    case NumberRep::kExtended:
      if (!AppendExtendedPlain(out, v)) AppendNumber(out, ScratchCanonical(v));
      return;
  }
  const BigCell* c = v.big_cell();
  std::string_view digits(c->digits(), c->size);
  const int64_t n = static_cast<int64_t>(c->size);
  const int64_t e = c->exponent;
  const int64_t point = n + e;
  if (c->negative) out->push_back('-');
  if (e >= 0 && e <= 20) {
    out->append(digits);
    out->append(static_cast<size_t>(e), '0');
  } else if (e < 0 && point > 0) {
    out->append(digits.substr(0, static_cast<size_t>(point)));
    out->push_back('.');
    out->append(digits.substr(static_cast<size_t>(point)));
  } else if (e < 0 && point > -6) {
    out->append("0.");
    out->append(static_cast<size_t>(-point), '0');
    out->append(digits);
  } else {
    out->push_back(digits[0]);
    if (n > 1) {
      out->push_back('.');
      out->append(digits.substr(1));
    }
    out->push_back('e');
    int64_t x = point - 1;
    out->push_back(x < 0 ? '-' : '+');
    auto r = std::to_chars(buf, buf + sizeof buf, x < 0 ? -x : x);
    out->append(buf, r.ptr);
  }
}

std::string NumberToString(const Value& v) {
  std::string s;
  AppendNumber(&s, v);
  return s;
}

// ---------------------------------------------------------------------------
// Order and hashing

int CompareNumbers(const Value& a, const Value& b) {
  NumberRep ra = a.number_rep();
  NumberRep rb = b.number_rep();
  if (ra == NumberRep::kInt && rb == NumberRep::kInt) {
    return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
  }
  if (ra <= NumberRep::kDouble && rb <= NumberRep::kDouble) {
    // int vs double or double vs double: exact in long double (64-bit
    // mantissa holds any int64). A non-integral double lies strictly between
    // the same integers as its shortest decimal, so this agrees with the
    // decimal order.
    long double x = ra == NumberRep::kInt ? static_cast<long double>(a.as_int()) : a.as_double();
    long double y = rb == NumberRep::kInt ? static_cast<long double>(b.as_int()) : b.as_double();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if ((ra == NumberRep::kExtended || ra == NumberRep::kInt) &&
      (rb == NumberRep::kExtended || rb == NumberRep::kInt)) {
    // Extended against extended or int: an extended's decimal orders like
    // its long double (rounding is monotone), and it is never integral, so
    // it never ties with an int or with an extended of other bits.
    const long double x = ra == NumberRep::kInt ? static_cast<long double>(a.as_int())
                                                : ExtendedValue(a);
    const long double y = rb == NumberRep::kInt ? static_cast<long double>(b.as_int())
                                                : ExtendedValue(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if ((ra == NumberRep::kExtended && rb == NumberRep::kDouble) ||
      (ra == NumberRep::kDouble && rb == NumberRep::kExtended)) {
    // A double d stands for its shortest decimal D, which reads at 64 bits
    // as L: |D - d| <= |d| 2^-53 and |L - D| <= |D| 2^-64 (d normal), so
    // an extended x farther than |d| 2^-51 from d (a bound with room for
    // the rounding of x - d) is on the same side of L, and of D. Only a
    // closer x needs L.
    const bool a_extended = ra == NumberRep::kExtended;
    const double d = a_extended ? b.as_double() : a.as_double();
    const long double x = ExtendedValue(a_extended ? a : b);
    const long double bound = std::fabs(static_cast<long double>(d)) * 0x1p-51L;
    if (std::fabs(d) >= std::numeric_limits<double>::min()) {
      const long double diff = x - static_cast<long double>(d);
      if (diff > bound) return a_extended ? 1 : -1;
      if (diff < -bound) return a_extended ? -1 : 1;
    }
  }
  // A big or extended number. Signs first, cheaply.
  int sa = Sign(a), sb = Sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  // ToLongDouble rounds each decimal to nearest, and rounding is monotone
  // (x <= y implies round(x) <= round(y)): long doubles that differ order
  // the decimals the same way. Equal ones (two decimals within one long
  // double ulp, or beyond its range) need the digits.
  const long double x = ToLongDouble(a), y = ToLongDouble(b);
  if (x < y) return -1;
  if (x > y) return 1;
  thread_local Decimal da, db;
  ToDecimalInto(a, &da);
  ToDecimalInto(b, &db);
  return CompareDecimals(da, db);
}

uint64_t HashNumber(const Value& v) {
  auto mix = [](uint64_t x) {
    __uint128_t r = static_cast<__uint128_t>(x ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  };
  switch (v.number_rep()) {
    case NumberRep::kInt:
      return mix(static_cast<uint64_t>(v.as_int()));
    case NumberRep::kDouble:
      return mix(v.raw_lo() ^ 0x5555555555555555ull);
    case NumberRep::kBig:
      break;
    case NumberRep::kExtended:
      return HashNumber(ScratchCanonical(v));  // equal values hash equally
  }
  const BigCell* c = v.big_cell();
  if (uint64_t h = c->hash.load(std::memory_order_relaxed); h != 0) return h;
  uint64_t h = value_internal::HashBytes(c->digits(), c->size) ^
               mix(static_cast<uint64_t>(c->exponent) * 2 + c->negative);
  h = h != 0 ? h : 1;
  c->hash.store(h, std::memory_order_relaxed);
  return h;
}

long double ToLongDouble(const Value& v) {
  // OPA parses the decimal text at 64-bit precision, so do the same from the
  // decimal value (for a double: its shortest decimal, not its binary value).
  switch (v.number_rep()) {
    case NumberRep::kInt:
      return static_cast<long double>(v.as_int());
    case NumberRep::kDouble: {
      const double d = v.as_double();
      long double x;
      if (number_internal::LongDoubleOfDoubleFast(d, &x)) return x;
      if (std::isfinite(d)) return number_internal::LongDoubleOfDoubleReference(d);
      break;
    }
    case NumberRep::kBig: {
      // Results of float arithmetic are often bigs of ~20 digits: convert
      // from the cell's digits without building a Decimal.
      const BigCell* c = v.big_cell();
      if (c->ld_sign_exponent != 0) {  // computed as a long double: that one
        return LongDoubleFromWords(c->ld_mantissa, c->ld_sign_exponent);
      }
      const char* digits = c->digits();
      if (c->size <= 19) {
        const uint64_t m = ParseDigits(digits, c->size);
        long double x;
        if (FastLongDouble(m, c->exponent, &x)) return c->negative ? -x : x;
      } else if (c->size <= 38 && c->exponent < 0) {
        // The 20-21 digit results of earlier arithmetic: one exact 128-bit
        // division instead of parsing text.
        const size_t split = c->size - 19;
        const __uint128_t r = static_cast<__uint128_t>(ParseDigits(digits, split)) * kPow10[19] +
                              ParseDigits(digits + split, 19);
        long double x;
        if (c->exponent >= -27 && number_internal::LongDoubleFromScaled(
                                      r, static_cast<int>(-c->exponent), c->negative != 0, &x)) {
          return x;
        }
      }
      char text[64];
      if (c->size + 24 <= sizeof text) {
        std::memcpy(text, c->digits(), c->size);
        char* end = text + c->size;
        *end++ = 'e';
        end = std::to_chars(end, text + sizeof text, c->exponent).ptr;
        long double x = 0;
        auto r = std::from_chars(text, end, x);
        if (r.ec == std::errc()) return c->negative ? -x : x;
      }
      break;
    }
    case NumberRep::kExtended:
      return ExtendedValue(v);  // its digits read back as exactly this
  }
  return LongDoubleFromDecimal(ToDecimal(v));
}

double ToDouble(const Value& v) {
  switch (v.number_rep()) {
    case NumberRep::kInt:
      return static_cast<double>(v.as_int());
    case NumberRep::kDouble:
      return v.as_double();
    case NumberRep::kBig: {
      // From the digits: rounding the long double instead would round twice.
      const BigCell* c = v.big_cell();
      const double x = DoubleFromDigits(c->digits(), c->size, c->exponent);
      return c->negative ? -x : x;
    }
    case NumberRep::kExtended: {
      // Rounding x to a normal double agrees with rounding its shortest
      // decimal unless x is exactly halfway between two doubles (then the
      // decimal, just off the midpoint, decides).
      const int exponent = (v.extended_sign_exponent() & 0x7fff) - 16383;
      if (exponent >= -1022 && (v.raw_lo() & 0x7ff) != 0x400) {
        return static_cast<double>(ExtendedValue(v));
      }
      return ToDouble(ScratchCanonical(v));
    }
  }
  return 0;
}

bool IsIntegral(const Value& v) {
  switch (v.number_rep()) {
    case NumberRep::kInt:
      return true;
    case NumberRep::kDouble: {
      double d = v.as_double();
      return std::isfinite(d) && std::trunc(d) == d;
    }
    case NumberRep::kBig:
      return v.big_cell()->exponent >= 0;
    case NumberRep::kExtended:
      return false;  // integers are kInt (ArithmeticResult)
  }
  return false;
}

// ---------------------------------------------------------------------------
// Arithmetic

namespace {
// Exact integer arithmetic applies; checked before building bignums so a
// float operand costs no allocation.
bool BothIntegral(const Value& a, const Value& b) { return IsIntegral(a) && IsIntegral(b); }
}  // namespace

absl::StatusOr<Value> Add(const Value& a, const Value& b, Arena* arena) {
  if (a.is_int() && b.is_int()) {
    int64_t r;
    if (!__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return Value::Int(r);
    return FromI128(static_cast<__int128_t>(a.as_int()) + b.as_int(), arena);
  }
  BigInt x, y;
  if (BothIntegral(a, b) && ToBigInt(a, &x) && ToBigInt(b, &y)) {
    return FromBigInt(AddBig(x, y), arena);
  }
  return ArithmeticResult(ToLongDouble(a) + ToLongDouble(b), arena);
}

absl::StatusOr<Value> Subtract(const Value& a, const Value& b, Arena* arena) {
  if (a.is_int() && b.is_int()) {
    int64_t r;
    if (!__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return Value::Int(r);
    return FromI128(static_cast<__int128_t>(a.as_int()) - b.as_int(), arena);
  }
  BigInt x, y;
  if (BothIntegral(a, b) && ToBigInt(a, &x) && ToBigInt(b, &y)) {
    y.negative = !y.negative && !y.mag.empty();
    return FromBigInt(AddBig(x, y), arena);
  }
  return ArithmeticResult(ToLongDouble(a) - ToLongDouble(b), arena);
}

absl::StatusOr<Value> Multiply(const Value& a, const Value& b, Arena* arena) {
  if (a.is_int() && b.is_int()) {
    int64_t r;
    if (!__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) return Value::Int(r);
    return FromI128(static_cast<__int128_t>(a.as_int()) * b.as_int(), arena);
  }
  BigInt x, y;
  if (BothIntegral(a, b) && ToBigInt(a, &x) && ToBigInt(b, &y) &&
      (x.mag.size() + y.mag.size()) * 32 / 3 < limits::kMaxExactDigits) {
    return FromBigInt(MulBig(x, y), arena);
  }
  return ArithmeticResult(ToLongDouble(a) * ToLongDouble(b), arena);
}

absl::StatusOr<Value> Divide(const Value& a, const Value& b, Arena* arena) {
  if (IsZero(b)) return ArithError("divide by zero");
  if (a.is_int() && b.is_int()) {
    // The long double quotient first, which a ratio like errors / total
    // needs anyway. An exact quotient is that integer as a long double; an
    // inexact one never is (its fraction, at least 1 / |y|, exceeds half
    // its ulp), so no 64-bit division is needed. Only INT64_MIN / -1 leaves
    // int64 (below).
    const long double q =
        static_cast<long double>(a.as_int()) / static_cast<long double>(b.as_int());
    if (q != std::trunc(q)) return ArithmeticResult(q, arena);  // inexact
    if (q >= -9223372036854775808.0L && q < 9223372036854775808.0L) {
      return Value::Int(static_cast<int64_t>(q));
    }
  } else if (BothIntegral(a, b)) {
    BigInt x, y;
    if (ToBigInt(a, &x) && ToBigInt(b, &y)) {
      Mag q, r;
      DivModMag(x.mag, y.mag, &q, &r);
      if (r.empty()) {
        BigInt quotient;
        quotient.mag = std::move(q);
        quotient.negative = !quotient.mag.empty() && x.negative != y.negative;
        return FromBigInt(quotient, arena);
      }
    }
  }
  if (a.is_int() && b.is_int() && a.as_int() == INT64_MIN && b.as_int() == -1) {
    return FromI128(-static_cast<__int128_t>(INT64_MIN), arena);
  }
  return ArithmeticResult(ToLongDouble(a) / ToLongDouble(b), arena);
}

absl::StatusOr<Value> Remainder(const Value& a, const Value& b, Arena* arena) {
  if (!IsIntegral(a) || !IsIntegral(b)) return ArithError("modulo on floating-point number");
  if (IsZero(b)) return ArithError("modulo by zero");
  if (a.is_int() && b.is_int()) {
    if (b.as_int() == -1) return Value::Int(0);
    return Value::Int(a.as_int() % b.as_int());
  }
  BigInt x, y;
  if (ToBigInt(a, &x) && ToBigInt(b, &y)) {
    Mag q, r;
    DivModMag(x.mag, y.mag, &q, &r);
    BigInt rem;
    rem.mag = std::move(r);
    rem.negative = !rem.mag.empty() && x.negative;  // truncated: sign of a
    return FromBigInt(rem, arena);
  }
  return FromLongDouble(std::fmod(ToLongDouble(a), ToLongDouble(b)), arena);
}

Value Negate(const Value& a, Arena* arena) {
  switch (a.number_rep()) {
    case NumberRep::kInt:
      if (a.as_int() == INT64_MIN) return FromI128(-static_cast<__int128_t>(INT64_MIN), arena);
      return Value::Int(-a.as_int());
    case NumberRep::kDouble:
      return Value::Double(-a.as_double());
    case NumberRep::kBig:
      break;
    case NumberRep::kExtended:  // the shortest decimal of -x is that of x, negated
      return Value::Extended(a.raw_lo(), a.extended_sign_exponent() ^ 0x8000);
  }
  Decimal d = ToDecimal(a);
  d.negative = !d.negative;
  return FromDecimal(d, arena);
}

Value Abs(const Value& a, Arena* arena) { return Sign(a) < 0 ? Negate(a, arena) : a; }

namespace {

enum class RoundMode { kHalfAway, kCeil, kFloor };

Value RoundDecimal(const Value& a, RoundMode mode, Arena* arena) {
  if (IsIntegral(a)) return a;
  if (a.number_rep() == NumberRep::kDouble) {
    // The shortest decimal of a non-integral double lies strictly between
    // the same integers and is x.5 exactly when the double is.
    double d = a.as_double();
    switch (mode) {
      case RoundMode::kHalfAway:
        return Value::Double(std::round(d));
      case RoundMode::kCeil:
        return Value::Double(std::ceil(d));
      case RoundMode::kFloor:
        return Value::Double(std::floor(d));
    }
  }
  if (a.number_rep() == NumberRep::kExtended) {
    // Integers below 2^64 are long doubles, so a non-integral x and its
    // shortest decimal lie strictly between the same integers, and that
    // decimal is k + 0.5 exactly when x is (k + 0.5 is a long double too).
    const long double x = ExtendedValue(a);
    long double r;
    switch (mode) {
      case RoundMode::kHalfAway:
        r = std::round(x);
        break;
      case RoundMode::kCeil:
        r = std::ceil(x);
        break;
      case RoundMode::kFloor:
      default:
        r = std::floor(x);
        break;
    }
    return *FromLongDouble(r, arena);  // an integer; past int64 only at 2^63
  }
  // A big (exponent < 0: it has a fraction) whose integer part has at most
  // 18 digits, the usual case (ratios, percentages): its integer part and
  // first fractional digit decide, in 64-bit arithmetic.
  const BigCell* c = a.big_cell();
  const int64_t big_point = static_cast<int64_t>(c->size) + c->exponent;
  if (big_point <= 18) {
    const uint64_t whole =
        big_point > 0 ? ParseDigits(c->digits(), static_cast<size_t>(big_point)) : 0;
    const char first = big_point >= 0 ? c->digits()[big_point] : '0';  // big_point < size
    bool away;
    switch (mode) {
      case RoundMode::kHalfAway:
        away = first >= '5';
        break;
      case RoundMode::kCeil:
        away = c->negative == 0;
        break;
      case RoundMode::kFloor:
      default:
        away = c->negative != 0;
        break;
    }
    const auto magnitude = static_cast<int64_t>(whole + (away ? 1 : 0));  // <= 10^18
    return Value::Int(c->negative != 0 ? -magnitude : magnitude);
  }
  thread_local Decimal d, whole;  // keep their buffers: no allocation per call
  ToDecimalInto(a, &d);  // exponent < 0: has a fraction
  int64_t point = static_cast<int64_t>(d.digits.size()) + d.exponent;
  whole.negative = d.negative;
  whole.digits.clear();
  whole.exponent = 0;
  char first_frac = '0';
  if (point > 0) {
    whole.digits.assign(d.digits, 0, static_cast<size_t>(point));
    first_frac = d.digits[static_cast<size_t>(point)];
  } else if (point == 0) {
    first_frac = d.digits[0];
  }
  bool up;  // away from zero
  switch (mode) {
    case RoundMode::kHalfAway:
      up = first_frac >= '5';
      break;
    case RoundMode::kCeil:
      up = !d.negative;
      break;
    case RoundMode::kFloor:
    default:
      up = d.negative;
      break;
  }
  if (up) {
    // Increment the integer digits.
    std::string& w = whole.digits;
    size_t k = w.size();
    while (k > 0 && w[k - 1] == '9') w[--k] = '0';
    if (k == 0) {
      w.insert(w.begin(), '1');
    } else {
      ++w[k - 1];
    }
  }
  Normalize(&whole);
  return FromDecimal(whole, arena);
}

}  // namespace

Value Round(const Value& a, Arena* arena) { return RoundDecimal(a, RoundMode::kHalfAway, arena); }
Value Ceil(const Value& a, Arena* arena) { return RoundDecimal(a, RoundMode::kCeil, arena); }
Value Floor(const Value& a, Arena* arena) { return RoundDecimal(a, RoundMode::kFloor, arena); }

}  // namespace verdict::value
