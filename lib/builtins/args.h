// File: lib/builtins/args.h
//
// Shared helpers for builtin implementations: operand checks and the error
// messages OPA prints for them (regorus's ensure_*, Wren's validate*). The
// conformance suite compares error text, so every message here follows
// OPA's wording exactly (v1/topdown/builtins/builtins.go):
//
//   count: operand 1 must be one of {array, object, set, string} but got number
//   numbers.range: operand 1 must be integer number but got floating-point number
//   concat: operand 2 must be array of strings but got array containing number
//
// Every message starts with "<builtin name>: ", as OPA's topdown prefixes
// it; callers (the VM) print it as is. Operand type errors carry
// ErrorCode::kEvalTypeError, every other failure kEvalBuiltinError.
//
//   VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("upper", args, 0));
//
// Tested through every tests/builtins/*_test.cc.
#ifndef VERDICT_BUILTINS_ARGS_H_
#define VERDICT_BUILTINS_ARGS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builtins/registry.h"
#include "verdict/value.h"

namespace verdict::builtins {

// OPA's name for the type of [v]: "null", "boolean", "number", "string",
// "array", "object", "set" ("undefined" for an undefined Value).
std::string_view TypeNameOf(const Value& v);

// "<name>: operand <pos+1> must be <expected> but got <type>" (or "must be
// one of {a, b} but got ..." for several), kEvalTypeError. [pos] is 0-based.
absl::Status OperandTypeError(std::string_view name, int pos, const Value& got,
                              std::initializer_list<std::string_view> expected);

// "<name>: operand <pos+1> must be <composite> of <expected>s but got
// <composite> containing <type>", kEvalTypeError.
absl::Status OperandElementError(std::string_view name, int pos,
                                 const Value& composite, const Value& element,
                                 std::string_view expected);

// "<name>: operand <pos+1> <message>", kEvalTypeError (OPA's
// builtins.NewOperandErr).
absl::Status OperandError(std::string_view name, int pos, std::string_view message);

// "<name>: <message>", kEvalBuiltinError.
absl::Status BuiltinError(std::string_view name, std::string_view message);

// Typed operand access. Each returns the operand or the OPA type error.
// The two every other builtin calls are inline, their errors not.
inline absl::StatusOr<std::string_view> StringArg(std::string_view name,
                                                  std::span<const Value> args, int pos) {
  const Value& v = args[pos];
  if (ABSL_PREDICT_FALSE(!v.is_string())) return OperandTypeError(name, pos, v, {"string"});
  return v.as_string();
}
inline absl::StatusOr<const Value*> NumberArg(std::string_view name,
                                              std::span<const Value> args, int pos) {
  const Value& v = args[pos];
  if (ABSL_PREDICT_FALSE(!v.is_number())) return OperandTypeError(name, pos, v, {"number"});
  return &v;
}
absl::StatusOr<const Value*> ArrayArg(std::string_view name,
                                      std::span<const Value> args, int pos);
absl::StatusOr<const Value*> ObjectArg(std::string_view name,
                                       std::span<const Value> args, int pos);
absl::StatusOr<const Value*> SetArg(std::string_view name,
                                    std::span<const Value> args, int pos);
absl::StatusOr<bool> BoolArg(std::string_view name, std::span<const Value> args,
                             int pos);

// An integer operand that fits int64: "must be number" for other kinds,
// "must be integer number but got floating-point number" for fractions.
// Integers beyond int64 give "operand N must be integer number ..." too
// (verdict's limit; OPA would use big.Int).
absl::StatusOr<int64_t> IntArg(std::string_view name, std::span<const Value> args,
                               int pos);

// Strings of an array or set operand (OPA's builtins.StringSliceOperand
// wording when an element is not a string).
absl::Status ForEachStringItem(std::string_view name, const Value& collection, int pos,
                               const std::function<void(std::string_view)>& fn);

// Small constructors over [ctx.arena].
inline Value Str(BuiltinContext& ctx, std::string_view s) {
  return Value::String(s, ctx.arena);
}
inline Value Bool(bool b) { return Value::Bool(b); }

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_ARGS_H_
