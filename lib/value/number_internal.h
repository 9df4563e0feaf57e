// File: lib/value/number_internal.h
//
// The conversions between long double and Rego numbers that every inexact
// arithmetic result goes through, each in two versions: the fast one the
// arithmetic uses and the exact reference it must agree with bit for bit
// (kept callable so tests/value/number_fuzz_test.cc can compare them on
// millions of values, and bench/builtins_benchmark.cc can time both).
// Not part of the value layer's API: arithmetic callers use number.h.
//
// Entry points: FromLongDouble (result of an inexact operation -> Value),
// ShortestDecimalFast (the 64-bit-mantissa shortest digits), ToLongDouble of
// a big (in number.h), LongDoubleFromScaled (the exact scaled division it
// uses), LongDoubleOfDoubleFast (ToLongDouble of a double). Tested by
// tests/value/number_fuzz_test.cc.
#ifndef VERDICT_VALUE_NUMBER_INTERNAL_H_
#define VERDICT_VALUE_NUMBER_INTERNAL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "value/number.h"
#include "verdict/value.h"

namespace verdict::value::number_internal {

// The Value of an inexact result: the shortest decimal that reads back as
// [r] at 64-bit precision (Go's big.Float Text('g', -1)), in its canonical
// representation; "arithmetic result out of range" when [r] is not finite.
absl::StatusOr<Value> FromLongDouble(long double r, Arena* arena);
// The same by the original route (nearest double printed shortest, then the
// exact digit walk of three ExactDigits), which FromLongDouble falls back to
// outside its fast range.
absl::StatusOr<Value> FromLongDoubleReference(long double r, Arena* arena);

// Go's roundShortest digits of [x] (finite, non-zero) computed with one
// scaled 128-bit product per bound; false when [x] is outside the fast range
// (|x| < 2^-19 or >= 2^63) or is one of the rare cases the shortcut does not
// model (a power of ten between the bounds, a bound with a short exact
// decimal); the caller then uses the reference.
bool ShortestDecimalFast(long double x, Decimal* out);
// The reference: the exact digit walk; false when out of its 128-bit range.
bool ShortestDecimalReference(long double x, Decimal* out);

// R / 10^k rounded once to the nearest long double (ties to even), for
// 1 <= k <= 27; false when the exact scaled division does not apply (then
// the caller parses the decimal text).
bool LongDoubleFromScaled(__uint128_t r, int k, bool negative, long double* out);
// The reference for decimals: correctly rounded parse of the digit text.
long double LongDoubleFromDecimalReference(const Decimal& d);

// ToLongDouble of a double: the nearest long double to its shortest
// round-trip decimal. The fast route finds those digits by exact scaled
// integer arithmetic, one decimal place at a time (cheap for the short
// decimals data holds); false for what it does not model (only
// non-integers in [2^-11, 2^53) with at most 22 places, no power-of-two
// mantissas, no exact ties or bounds).
bool LongDoubleOfDoubleFast(double d, long double* out);
// The reference: to_chars' shortest digits, read back (finite [d]).
long double LongDoubleOfDoubleReference(double d);

}  // namespace verdict::value::number_internal

#endif  // VERDICT_VALUE_NUMBER_INTERNAL_H_
