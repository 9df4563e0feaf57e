// File: lib/builtins/aggregates.cc
//
// Aggregates over collections: count, sum, product, max, min, sort, and the
// deprecated all/any. Numbers are added and multiplied with the value
// layer's exact arithmetic (number.h), so sums of integers never overflow
// and 0.1 + 0.2 is 0.3 as in OPA. max/min/sort use Rego's total order
// (Compare), across kinds.
//
// Tested by tests/builtins/aggregates_test.cc.
#include <algorithm>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/utf8.h"
#include "value/number.h"

namespace verdict::builtins {
absl::StatusOr<Value> Count(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  switch (v.kind()) {
    case Kind::kArray:
    case Kind::kObject:
    case Kind::kSet:
      return Value::Int(static_cast<int64_t>(v.size()));
    case Kind::kString:
      return Value::Int(static_cast<int64_t>(CountRunes(v.as_string())));
    default:
      return OperandTypeError("count", 0, v, {"array", "object", "set", "string"});
  }
}

namespace {

// sum and product: fold [op] over the numbers of an array or set.
template <typename Op>
absl::StatusOr<Value> Fold(BuiltinContext& ctx, std::string_view name, const Value& v,
                           Value init, Op op) {
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError(name, 0, v, {"set", "array"});
  }
  Value acc = std::move(init);
  for (const Value& item : v.items()) {
    if (!item.is_number()) return OperandElementError(name, 0, v, item, "number");
    absl::StatusOr<Value> next = op(acc, item, ctx.arena);
    if (!next.ok()) return BuiltinError(name, Std(next.status().message()));
    acc = *std::move(next);
  }
  return acc;
}

}  // namespace

absl::StatusOr<Value> Sum(BuiltinContext& ctx, std::span<const Value> args) {
  // Fast path: small integers, the common case (count-like sums).
  const Value& v = args[0];
  if (v.is_array() || v.is_set()) {
    int64_t total = 0;
    bool fast = true;
    for (const Value& item : v.items()) {
      if (!item.is_int() || __builtin_add_overflow(total, item.as_int(), &total)) {
        fast = false;
        break;
      }
    }
    if (fast) return Value::Int(total);
  }
  return Fold(ctx, "sum", v, Value::Int(0), value::Add);
}

absl::StatusOr<Value> Product(BuiltinContext& ctx, std::span<const Value> args) {
  return Fold(ctx, "product", args[0], Value::Int(1), value::Multiply);
}

absl::StatusOr<Value> Max(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError("max", 0, v, {"set", "array"});
  }
  if (v.empty()) return Value::Undefined();
  if (v.is_set()) return v.items().back();  // sets are sorted
  const Value* best = &v.items()[0];
  for (const Value& item : v.items()) {
    if (Compare(*best, item) <= 0) best = &item;
  }
  return *best;
}

absl::StatusOr<Value> Min(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError("min", 0, v, {"set", "array"});
  }
  if (v.empty()) return Value::Undefined();
  if (v.is_set()) return v.items().front();
  const Value* best = &v.items()[0];
  for (const Value& item : v.items()) {
    if (Compare(*best, item) >= 0) best = &item;
  }
  return *best;
}

absl::StatusOr<Value> Sort(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError("sort", 0, v, {"set", "array"});
  }
  std::span<const Value> items = v.items();
  if (v.is_array()) {
    // Already in order (sorted data, or an earlier sort's output): the
    // array itself is the answer.
    bool in_order = true;
    for (size_t i = 1; i < items.size() && in_order; ++i) {
      in_order = Compare(items[i - 1], items[i]) <= 0;
    }
    if (in_order) return v;
  }
  ArrayBuilder out(ctx.arena);
  out.Reserve(items.size());
  if (v.is_set()) {
    for (const Value& item : items) out.Add(item);
    return out.Build();
  }
  for (const Value& item : items) out.Add(item);
  // Values that compare equal are identical (canonical representations),
  // so an unstable in-place sort gives the same array and allocates nothing.
  std::span<Value> sorted = out.mutable_items();
  std::sort(sorted.begin(), sorted.end(),
            [](const Value& a, const Value& b) { return Compare(a, b) < 0; });
  return out.Build();
}

absl::StatusOr<Value> All(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError("all", 0, v, {"array", "set"});
  }
  for (const Value& item : v.items()) {
    if (!item.is_true()) return Value::Bool(false);
  }
  return Value::Bool(true);
}

absl::StatusOr<Value> AnyTrue(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError("any", 0, v, {"array", "set"});
  }
  for (const Value& item : v.items()) {
    if (item.is_true()) return Value::Bool(true);
  }
  return Value::Bool(false);
}

}  // namespace verdict::builtins
