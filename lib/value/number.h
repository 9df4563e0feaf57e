// File: lib/value/number.h
//
// Rego numbers: parsing literals exactly, printing, comparing and arithmetic
// over the three representations of a number Value (int64, double, exact
// decimal "big"; see include/verdict/value.h and docs/values.md).
//
// Semantics, in short:
//   - Every number denotes a decimal value. A kDouble denotes the shortest
//     decimal that round-trips to that double (0.1 means 0.1), so numbers
//     compare and test equal by decimal value, and representations are
//     canonical (ParseNumber/Canonical pick the one form for each value).
//   - Integer operands (+, -, *, %, and / when it divides exactly) are exact,
//     with a bignum past int64.
//   - Everything else is computed like OPA's big.Float with its default 64-bit
//     mantissa: x86-64 long double has exactly that mantissa, and the result
//     is kept as the shortest decimal that round-trips at that precision. So
//     0.1 + 0.2 is 0.3 and 1 / 3 is 0.33333333333333333334, as in OPA.
//
// Entry points: ParseNumber, AppendNumber, CompareNumbers, Add ... Floor.
// Errors are kEvalBuiltinError statuses with OPA's messages ("divide by
// zero", "modulo by zero", "modulo on floating-point number") for the caller
// (the builtins) to pass on.
//
// Tested by tests/value/number_test.cc and tests/value/number_fuzz_test.cc
// (the fast conversions of value/number_internal.h against references).
#ifndef VERDICT_VALUE_NUMBER_H_
#define VERDICT_VALUE_NUMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/value.h"

namespace verdict::value {

// ParseNumber()
//
// A JSON number literal (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)
// as its canonical Value; nullopt when [text] is not such a literal or its
// exponent is absurd (beyond +-limits::kMaxNumberExponent).
std::optional<Value> ParseNumber(std::string_view text, Arena* arena);

// Decimal parts of a number, value = (-1)^negative * digits * 10^exponent,
// digits without leading or trailing zeros ("" for zero).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};
Decimal ToDecimal(const Value& number);
// The canonical Value for [d] (kInt, kDouble or kBig).
Value FromDecimal(const Decimal& d, Arena* arena);

// Canonical()
//
// [number] in its canonical representation (kInt, kDouble or kBig; a kBig
// built in [arena]). Arithmetic may return kExtended numbers, which are
// equal, hash, compare and print as their canonical forms; DeepCopy() uses
// this so that results leaving an evaluation are canonical.
Value Canonical(const Value& number, Arena* arena);

// AppendNumber() / NumberToString()
//
// Integers exactly ("12345678901234567890123"), doubles like Go's
// encoding/json (shortest round-trip; exponent form below 1e-6 and from 1e21:
// "1e+21", "1.5e-7"), big decimals plainly unless that needs more than 20
// invented zeros ("1e+400").
void AppendNumber(std::string* out, const Value& number);
std::string NumberToString(const Value& number);

// Numeric order (<0, 0, >0) across representations.
int CompareNumbers(const Value& a, const Value& b);

// Hash of a number, consistent with equality.
uint64_t HashNumber(const Value& number);

// Nearest long double (x87 extended: 64-bit mantissa) to the number's
// decimal value; +-inf beyond its range.
long double ToLongDouble(const Value& number);

// Nearest double to the number's decimal value (Value::ToDouble()).
double ToDouble(const Value& number);

// Whether the number is an integer (any representation).
bool IsIntegral(const Value& number);

// Arithmetic. Operands must be numbers (the caller checks types). Results
// live in [arena] (nullptr: heap). An inexact result that is not an integer
// comes back as a kExtended: the long double computed, standing for its
// shortest decimal, whose digits are found only when something prints or
// hashes it (see docs/values.md).
absl::StatusOr<Value> Add(const Value& a, const Value& b, Arena* arena);
absl::StatusOr<Value> Subtract(const Value& a, const Value& b, Arena* arena);
absl::StatusOr<Value> Multiply(const Value& a, const Value& b, Arena* arena);
// "divide by zero" on a zero divisor.
absl::StatusOr<Value> Divide(const Value& a, const Value& b, Arena* arena);
// Truncated remainder (sign of [a]) of integers: "modulo by zero",
// "modulo on floating-point number".
absl::StatusOr<Value> Remainder(const Value& a, const Value& b, Arena* arena);
Value Negate(const Value& a, Arena* arena);
Value Abs(const Value& a, Arena* arena);
// Half away from zero, like Go's math.Round (OPA's round()).
Value Round(const Value& a, Arena* arena);
Value Ceil(const Value& a, Arena* arena);
Value Floor(const Value& a, Arena* arena);

}  // namespace verdict::value

#endif  // VERDICT_VALUE_NUMBER_H_
