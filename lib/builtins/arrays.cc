// File: lib/builtins/arrays.cc
//
// array.concat, array.slice, array.reverse, array.flatten.
//
// Tested by tests/builtins/collections_test.cc.
#include <algorithm>

#include "base/status_macros.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "value/number.h"

namespace verdict::builtins {

absl::StatusOr<Value> ArrayConcat(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, ArrayArg("array.concat", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* b, ArrayArg("array.concat", args, 1));
  if (a->empty()) return *b;
  if (b->empty()) return *a;
  ArrayBuilder out(ctx.arena);
  out.Reserve(a->size() + b->size());
  for (const Value& v : a->items()) out.Add(v);
  for (const Value& v : b->items()) out.Add(v);
  return out.Build();
}

namespace {

// array.slice bounds: integers; floats are truncated toward zero as OPA
// does (it converts with Int64 after checking for a number).
absl::StatusOr<int64_t> SliceIndex(std::span<const Value> args, int pos) {
  VERDICT_ASSIGN_OR_RETURN(const Value* v, NumberArg("array.slice", args, pos));
  if (std::optional<int64_t> i = v->ToInt64()) return *i;
  double d = v->ToDouble();
  if (d > 9.2e18) return INT64_MAX;
  if (d < -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

}  // namespace

absl::StatusOr<Value> ArraySlice(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, ArrayArg("array.slice", args, 0));
  VERDICT_ASSIGN_OR_RETURN(int64_t start, SliceIndex(args, 1));
  VERDICT_ASSIGN_OR_RETURN(int64_t stop, SliceIndex(args, 2));
  int64_t n = static_cast<int64_t>(a->size());
  if (start < 0) start = 0;
  if (stop > n) stop = n;
  if (start >= stop) return Value::EmptyArray();
  ArrayBuilder out(ctx.arena);
  out.Reserve(static_cast<size_t>(stop - start));
  for (int64_t i = start; i < stop; ++i) out.Add((*a)[static_cast<size_t>(i)]);
  return out.Build();
}

absl::StatusOr<Value> ArrayReverse(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, ArrayArg("array.reverse", args, 0));
  ArrayBuilder out(ctx.arena);
  out.Reserve(a->size());
  std::span<const Value> items = a->items();
  for (size_t i = items.size(); i > 0; --i) out.Add(items[i - 1]);
  return out.Build();
}

// One level: nested arrays are spliced in, deeper ones kept as they are.
absl::StatusOr<Value> ArrayFlatten(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, ArrayArg("array.flatten", args, 0));
  ArrayBuilder out(ctx.arena);
  for (const Value& v : a->items()) {
    if (v.is_array()) {
      for (const Value& inner : v.items()) out.Add(inner);
    } else {
      out.Add(v);
    }
  }
  return out.Build();
}

}  // namespace verdict::builtins
