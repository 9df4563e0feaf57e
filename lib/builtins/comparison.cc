// File: lib/builtins/comparison.cc
//
// Comparison operators as builtins (equal, neq, lt, lte, gt, gte: OPA's
// names for ==, !=, <, <=, >, >=), membership (internal.member_2 for
// `x in xs`, internal.member_3 for `k, v in xs`) and trace.
// Comparisons use Rego's total order across kinds, so `1 < "a"` is true as
// in OPA.
//
// Tested by tests/builtins/numbers_test.cc.
#include "builtins/args.h"
#include "builtins/functions.h"

namespace verdict::builtins {

absl::StatusOr<Value> Equal(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(args[0] == args[1]);
}
absl::StatusOr<Value> NotEqual(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(args[0] != args[1]);
}
absl::StatusOr<Value> LessThan(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(Compare(args[0], args[1]) < 0);
}
absl::StatusOr<Value> LessThanEq(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(Compare(args[0], args[1]) <= 0);
}
absl::StatusOr<Value> GreaterThan(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(Compare(args[0], args[1]) > 0);
}
absl::StatusOr<Value> GreaterThanEq(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(Compare(args[0], args[1]) >= 0);
}

// x in xs: an element of an array or set, or a value of an object; false
// for anything else (strings included).
absl::StatusOr<Value> Member2(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(args[1].HasMember(args[0]));
}

// k, v in xs: xs[k] == v for arrays (k an index) and objects; for sets the
// key and the value are both the element.
absl::StatusOr<Value> Member3(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& k = args[0];
  const Value& v = args[1];
  const Value& xs = args[2];
  switch (xs.kind()) {
    case Kind::kSet:
      return Value::Bool(xs.Contains(k) && k == v);
    case Kind::kArray: {
      std::optional<int64_t> i = k.is_number() ? k.ToInt64() : std::nullopt;
      if (!i || *i < 0 || static_cast<size_t>(*i) >= xs.size()) {
        return Value::Bool(false);
      }
      return Value::Bool(xs[static_cast<size_t>(*i)] == v);
    }
    case Kind::kObject: {
      const Value* found = xs.Get(k);
      return Value::Bool(found != nullptr && *found == v);
    }
    default:
      return Value::Bool(false);
  }
}

// trace(note): verdict keeps no evaluation trace; the call succeeds.
absl::StatusOr<Value> Trace(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("trace", 0, args[0], {"string"});
  return Value::Bool(true);
}

}  // namespace verdict::builtins
