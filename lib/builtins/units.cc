// File: lib/builtins/units.cc
//
// units.parse ("10Ki" -> 10240, "500m" -> 0.5, "1.1K" -> 1100) and
// units.parse_bytes ("10MiB" -> 10485760, "10MB" -> 10000000). The amount is
// multiplied by the unit in exact decimal arithmetic (OPA uses big.Rat), so
// "0.0000005M" is exactly 0.5; units.parse rounds a fractional result to 10
// decimal places as OPA does, units.parse_bytes truncates to an integer.
//
// Unit spelling: units.parse lowercases all but the first letter, so "m"
// (milli) and "M" (mega) differ; units.parse_bytes lowercases everything
// and accepts "kb"/"k" (1000) and "kib"/"ki" (1024) and so on up to exa.
//
// Tested by tests/builtins/units_test.cc.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

// Exponents in scientific input are limited to this many digits (OPA's
// maxExponentDigits).
constexpr size_t kMaxExponentDigits = 6;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// OPA's extractNumAndUnit: the numeric prefix (digits, '.', signs and a
// valid exponent) and the rest. nullopt when an exponent is too long.
std::optional<std::pair<std::string_view, std::string_view>> SplitNumUnit(std::string_view s) {
  size_t first_non_num = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!IsDigit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      first_non_num = i;
      break;
    }
    if (c == 'e' || c == 'E') {
      if (i + 1 == s.size() || (!IsDigit(s[i + 1]) && s[i + 1] != '+' && s[i + 1] != '-')) {
        first_non_num = i;
        break;
      }
      if (s[i + 1] == '+' || s[i + 1] == '-') ++i;
      size_t start = i + 1, end = start;
      while (end < s.size() && IsDigit(s[end])) ++end;
      if (end - start > kMaxExponentDigits) return std::nullopt;
    }
  }
  if (first_non_num == std::string_view::npos) return std::make_pair(s, std::string_view());
  return std::make_pair(s.substr(0, first_non_num), s.substr(first_non_num));
}

// An exact decimal: (-1)^negative * digits * 10^exponent.
struct Dec {
  bool negative = false;
  std::string digits;  // no sign, may have leading zeros
  int64_t exponent = 0;
};

// big.Rat / big.Float SetString syntax: [+-] digits [. digits] [e [+-] digits].
std::optional<Dec> ParseDec(std::string_view s) {
  Dec d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
  bool any = false;
  while (i < s.size() && IsDigit(s[i])) {
    d.digits.push_back(s[i++]);
    any = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      d.digits.push_back(s[i++]);
      --d.exponent;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t start = i;
    int64_t e = 0;
    while (i < s.size() && IsDigit(s[i])) {
      e = e * 10 + (s[i++] - '0');
      if (e > 100'000'000) return std::nullopt;
    }
    if (i == start) return std::nullopt;
    d.exponent += neg ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  return d;
}

// digits * m, as decimal digits.
std::string MulSmall(const std::string& digits, uint64_t m) {
  std::string out;
  // v < 10 * m <= 10 * 2^60 fits in 64 bits.
  uint64_t carry = 0;
  for (size_t k = digits.size(); k > 0; --k) {
    uint64_t v = static_cast<uint64_t>(digits[k - 1] - '0') * m + carry;
    out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    carry = v / 10;
  }
  while (carry > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(carry % 10)));
    carry /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Drops the last [n] digits, rounding half away from zero when [round].
std::string DropDigits(const std::string& digits, size_t n, bool round) {
  if (n == 0) return digits;
  if (n > digits.size()) return "0";
  std::string kept = digits.substr(0, digits.size() - n);
  if (round && digits[digits.size() - n] >= '5') {
    // Add one to kept.
    int k = static_cast<int>(kept.size()) - 1;
    while (k >= 0 && kept[k] == '9') kept[k--] = '0';
    if (k < 0) {
      kept.insert(kept.begin(), '1');
    } else {
      ++kept[k];
    }
  }
  return kept.empty() ? "0" : kept;
}

absl::StatusOr<Value> ToValue(BuiltinContext& ctx, std::string_view name, bool negative,
                              std::string digits, int64_t exponent) {
  value::Decimal d;
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string::npos) return Value::Int(0);
  digits = digits.substr(nz);
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent + static_cast<int64_t>(digits.size()) > limits::kMaxNumberExponent ||
      exponent < -limits::kMaxNumberExponent) {
    return BuiltinError(name, "exponent too large");
  }
  d.negative = negative;
  d.digits = digits;
  d.exponent = exponent;
  return value::FromDecimal(d, ctx.arena);
}

// num * (unit_value * 10^unit_exp), rounded to 10 decimals (units.parse) or
// truncated to an integer (units.parse_bytes).
absl::StatusOr<Value> Scale(BuiltinContext& ctx, std::string_view name, const Dec& num,
                            uint64_t unit_value, int64_t unit_exp, bool to_integer) {
  std::string digits = MulSmall(num.digits.empty() ? "0" : num.digits, unit_value);
  int64_t exponent = num.exponent + unit_exp;
  if (exponent > 0 && static_cast<uint64_t>(exponent) > limits::kMaxNumberExponent) {
    return BuiltinError(name, "exponent too large");
  }
  const int64_t keep = to_integer ? 0 : 10;  // fractional digits kept
  if (exponent < -keep) {
    uint64_t drop = static_cast<uint64_t>(-keep - exponent);
    digits = drop > digits.size() ? "0" : DropDigits(digits, static_cast<size_t>(drop), !to_integer);
    exponent = -keep;
  }
  return ToValue(ctx, name, num.negative, digits, exponent);
}

// units.parse_bytes's units, lower-cased, in both spellings.
struct ByteUnit {
  std::string_view a, b;
  uint64_t value;
};
constexpr ByteUnit kByteUnits[] = {
    {"", "", 1},
    {"kb", "k", 1000},
    {"kib", "ki", uint64_t{1} << 10},
    {"mb", "m", 1000000},
    {"mib", "mi", uint64_t{1} << 20},
    {"gb", "g", 1000000000},
    {"gib", "gi", uint64_t{1} << 30},
    {"tb", "t", 1000000000000},
    {"tib", "ti", uint64_t{1} << 40},
    {"pb", "p", 1000000000000000},
    {"pib", "pi", uint64_t{1} << 50},
    {"eb", "e", 1000000000000000000},
    {"eib", "ei", uint64_t{1} << 60},
};

const ByteUnit* FindByteUnit(std::string_view unit) {
  for (const ByteUnit& u : kByteUnits) {
    if (unit == u.a || unit == u.b) return &u;
  }
  return nullptr;
}

// The usual units.parse_bytes operand, "256Mi" or "512": up to 18 digits
// then up to three letters naming a unit, and a product that fits int64.
// That is the integer the exact path computes; nullopt for anything else
// (quotes, spaces, signs, points, exponents, unknown units), which it
// handles.
std::optional<int64_t> PlainByteAmount(std::string_view raw) {
  size_t n = 0;
  int64_t amount = 0;
  while (n < raw.size() && IsDigit(raw[n])) amount = amount * 10 + (raw[n++] - '0');
  if (n == 0 || n > 18 || raw.size() - n > 3) return std::nullopt;
  char unit[3];
  for (size_t i = n; i < raw.size(); ++i) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(raw[i]))) return std::nullopt;
    unit[i - n] = absl::ascii_tolower(static_cast<unsigned char>(raw[i]));
  }
  const ByteUnit* u = FindByteUnit(std::string_view(unit, raw.size() - n));
  int64_t bytes;
  if (u == nullptr || __builtin_mul_overflow(amount, static_cast<int64_t>(u->value), &bytes)) {
    return std::nullopt;
  }
  return bytes;
}

// [raw] with double quotes dropped (OPA strips them), optionally
// lower-cased. Short amounts stay in the string's inline buffer, so the
// common call does not allocate.
std::string WithoutQuotes(std::string_view raw, bool lower) {
  std::string s;
  s.reserve(raw.size());
  for (char c : raw) {
    if (c == '"') continue;
    s.push_back(lower ? absl::ascii_tolower(static_cast<unsigned char>(c)) : c);
  }
  return s;
}

}  // namespace

absl::StatusOr<Value> UnitsParse(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "units.parse";
  VERDICT_ASSIGN_OR_RETURN(std::string_view raw, StringArg(kName, args, 0));
  std::string s = WithoutQuotes(raw, /*lower=*/false);
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kName, "spaces not allowed in resource strings");
  }
  auto split = SplitNumUnit(s);
  if (!split) return BuiltinError(kName, "exponent too large");
  auto [num, unit_sv] = *split;
  if (num.empty()) return BuiltinError(kName, "no amount provided");
  std::string unit(unit_sv);
  if (unit.size() > 1) unit = unit.substr(0, 1) + absl::AsciiStrToLower(unit.substr(1));
  uint64_t value = 1;
  int64_t exp = 0;
  if (unit == "m") {
    exp = -3;
  } else if (unit.empty()) {
  } else if (unit == "k" || unit == "K") {
    value = 1000;
  } else if (unit == "ki" || unit == "Ki") {
    value = uint64_t{1} << 10;
  } else if (unit == "M") {
    value = 1000000;
  } else if (unit == "mi" || unit == "Mi") {
    value = uint64_t{1} << 20;
  } else if (unit == "g" || unit == "G") {
    value = 1000000000;
  } else if (unit == "gi" || unit == "Gi") {
    value = uint64_t{1} << 30;
  } else if (unit == "t" || unit == "T") {
    value = 1000000000000;
  } else if (unit == "ti" || unit == "Ti") {
    value = uint64_t{1} << 40;
  } else if (unit == "p" || unit == "P") {
    value = 1000000000000000;
  } else if (unit == "pi" || unit == "Pi") {
    value = uint64_t{1} << 50;
  } else if (unit == "e" || unit == "E") {
    value = 1000000000000000000;
  } else if (unit == "ei" || unit == "Ei") {
    value = uint64_t{1} << 60;
  } else {
    return BuiltinError(kName, absl::StrCat("unit ", unit, " not recognized"));
  }
  std::optional<Dec> d = ParseDec(num);
  if (!d) return BuiltinError(kName, "could not parse amount to a number");
  return Scale(ctx, kName, *d, value, exp, false);
}

absl::StatusOr<Value> UnitsParseBytes(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "units.parse_bytes";
  VERDICT_ASSIGN_OR_RETURN(std::string_view raw, StringArg(kName, args, 0));
  if (std::optional<int64_t> bytes = PlainByteAmount(raw)) return Value::Int(*bytes);
  std::string s = WithoutQuotes(raw, /*lower=*/true);
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kName, "spaces not allowed in resource strings");
  }
  auto split = SplitNumUnit(s);
  if (!split) return BuiltinError(kName, "exponent too large");
  auto [num, unit] = *split;
  if (num.empty()) return BuiltinError(kName, "no byte amount provided");
  const ByteUnit* found = FindByteUnit(unit);
  if (found == nullptr) {
    return BuiltinError(kName, absl::StrCat("byte unit ", Absl(unit), " not recognized"));
  }
  std::optional<Dec> d = ParseDec(num);
  if (!d) return BuiltinError(kName, "could not parse byte amount to a number");
  return Scale(ctx, kName, *d, found->value, 0, true);
}

}  // namespace verdict::builtins
