// File: lib/builtins/types.cc
//
// Type tests (is_*), type_name, to_number and the deprecated cast_*
// builtins. to_number accepts exactly what Go's strconv.ParseFloat accepts
// (signs, leading zeros, ".5", "5.", exponents, hex floats with a 'p'
// exponent) and keeps the decimal value exactly, as OPA does by reusing the
// string as its number literal.
//
// Tested by tests/builtins/types_test.cc.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "value/number.h"

namespace verdict::builtins {

absl::StatusOr<Value> IsNumber(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_number());
}
absl::StatusOr<Value> IsString(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_string());
}
absl::StatusOr<Value> IsBoolean(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_bool());
}
absl::StatusOr<Value> IsArray(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_array());
}
absl::StatusOr<Value> IsSet(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_set());
}
absl::StatusOr<Value> IsObject(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_object());
}
absl::StatusOr<Value> IsNull(BuiltinContext&, std::span<const Value> args) {
  return Value::Bool(args[0].is_null());
}

absl::StatusOr<Value> TypeName(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::String(TypeNameOf(args[0]), ctx.arena);
}

namespace {

absl::Status ParseFloatError(std::string_view s, std::string_view why) {
  return BuiltinError("to_number", absl::StrCat("strconv.ParseFloat: parsing \"",
                                                Absl(s), "\": ", Absl(why)));
}

// Go's decimal float syntax (underscores are only legal after a base
// prefix, so they are rejected here): [+-] (digits [. digits*] | . digits)
// [(e|E) [+-] digits]. Returns the JSON literal for the same value
// ("-0.5e3"), or nullopt when [s] is not of that form.
std::optional<std::string> NormalizeDecimal(std::string_view s) {
  size_t i = 0;
  std::string out;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') out.push_back('-');
    ++i;
  }
  std::string int_digits, frac_digits;
  while (i < s.size() && absl::ascii_isdigit(s[i])) int_digits.push_back(s[i++]);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) frac_digits.push_back(s[i++]);
  }
  if (int_digits.empty() && frac_digits.empty()) return std::nullopt;
  std::string exponent;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exponent.push_back(s[i++]);
    size_t start = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) exponent.push_back(s[i++]);
    if (i == start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  size_t nz = int_digits.find_first_not_of('0');
  int_digits = nz == std::string::npos ? "0" : int_digits.substr(nz);
  out += int_digits;
  if (!frac_digits.empty()) absl::StrAppend(&out, ".", frac_digits);
  if (!exponent.empty()) absl::StrAppend(&out, "e", exponent);
  return out;
}

}  // namespace

absl::StatusOr<Value> ToNumber(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  switch (v.kind()) {
    case Kind::kNull:
      return Value::Int(0);
    case Kind::kBool:
      return Value::Int(v.as_bool() ? 1 : 0);
    case Kind::kNumber:
      return v;
    case Kind::kString:
      break;
    default:
      return OperandTypeError("to_number", 0, v, {"null", "boolean", "number", "string"});
  }
  std::string_view s = v.as_string();
  // Text that is already a JSON number literal ("84.8", "-3", "1e3") is
  // read as is: it means the same number to Go's ParseFloat.
  if (std::optional<Value> n = value::ParseNumber(s, ctx.arena); n && !std::isinf(n->ToDouble())) {
    return *n;
  }
  std::string_view unsigned_part = s;
  while (!unsigned_part.empty() &&
         (unsigned_part.front() == '+' || unsigned_part.front() == '-')) {
    unsigned_part.remove_prefix(1);
  }
  std::string lower = absl::AsciiStrToLower(Absl(unsigned_part));
  if (lower == "inf" || lower == "infinity" || lower == "nan") {
    return OperandTypeError("to_number", 0, v, {"valid number string"});
  }
  if (std::optional<std::string> literal = NormalizeDecimal(s)) {
    std::optional<Value> n = value::ParseNumber(*literal, ctx.arena);
    if (!n) return ParseFloatError(s, "value out of range");
    // ParseFloat rejects what overflows a double, even though Rego could
    // hold it exactly.
    if (std::isinf(n->ToDouble())) return ParseFloatError(s, "value out of range");
    return *n;
  }
  // Hex floats ("0x1.8p1"): a 'p' exponent is mandatory in Go.
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') &&
      body.find_first_of("pP") != std::string_view::npos &&
      body.find('_') == std::string_view::npos) {
    std::string text(s);
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size()) {
      if (errno == ERANGE && std::isinf(d)) return ParseFloatError(s, "value out of range");
      return Value::Double(d);
    }
  }
  return ParseFloatError(s, "invalid syntax");
}

absl::StatusOr<Value> CastArray(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (v.is_array()) return v;
  if (!v.is_set()) return OperandTypeError("cast_array", 0, v, {"array", "set"});
  ArrayBuilder out(ctx.arena);
  out.Reserve(v.size());
  for (const Value& item : v.items()) out.Add(item);
  return out.Build();
}

absl::StatusOr<Value> CastSet(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (v.is_set()) return v;
  if (!v.is_array()) return OperandTypeError("cast_set", 0, v, {"array", "set"});
  SetBuilder out(ctx.arena);
  out.Reserve(v.size());
  for (const Value& item : v.items()) out.Add(item);
  return out.Build();
}

absl::StatusOr<Value> CastString(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("cast_string", 0, args[0], {"string"});
  return args[0];
}

absl::StatusOr<Value> CastBoolean(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_bool()) return OperandTypeError("cast_boolean", 0, args[0], {"boolean"});
  return args[0];
}

absl::StatusOr<Value> CastNull(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_null()) return OperandTypeError("cast_null", 0, args[0], {"null"});
  return args[0];
}

absl::StatusOr<Value> CastObject(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_object()) return OperandTypeError("cast_object", 0, args[0], {"object"});
  return args[0];
}

}  // namespace verdict::builtins
