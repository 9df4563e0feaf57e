// File: lib/builtins/sets.cc
//
// Set operators (`&` and, `|` or; `-` lives in numbers.cc as minus),
// intersection and union over a set of sets, and the deprecated set_diff.
// Sets are sorted (value.h), so binary operations are linear merges.
//
// Tested by tests/builtins/collections_test.cc.
#include "base/status_macros.h"
#include "builtins/args.h"
#include "builtins/functions.h"

namespace verdict::builtins {
namespace {

Value Intersect(Arena* arena, const Value& a, const Value& b) {
  if (a.empty() || b.empty()) return Value::EmptySet();
  SetBuilder out(arena);
  std::span<const Value> x = a.items(), y = b.items();
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    int c = Compare(x[i], y[j]);
    if (c < 0) {
      ++i;
    } else if (c > 0) {
      ++j;
    } else {
      out.Add(x[i]);
      ++i;
      ++j;
    }
  }
  return out.Build();
}

Value Unite(Arena* arena, const Value& a, const Value& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  // A merge: the builder then finds its members already in order and
  // distinct, and sorts nothing.
  SetBuilder out(arena);
  out.Reserve(a.size() + b.size());
  std::span<const Value> x = a.items(), y = b.items();
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    int c = Compare(x[i], y[j]);
    if (c <= 0) {
      out.Add(x[i++]);
      if (c == 0) ++j;
    } else {
      out.Add(y[j++]);
    }
  }
  for (; i < x.size(); ++i) out.Add(x[i]);
  for (; j < y.size(); ++j) out.Add(y[j]);
  return out.Build();
}

Value Difference(Arena* arena, const Value& a, const Value& b) {
  if (a.empty() || b.empty()) return a;
  SetBuilder out(arena);
  for (const Value& v : a.items()) {
    if (!b.Contains(v)) out.Add(v);
  }
  return out.Build();
}

}  // namespace

absl::StatusOr<Value> SetAnd(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, SetArg("and", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* b, SetArg("and", args, 1));
  return Intersect(ctx.arena, *a, *b);
}

absl::StatusOr<Value> SetOr(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, SetArg("or", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* b, SetArg("or", args, 1));
  return Unite(ctx.arena, *a, *b);
}

absl::StatusOr<Value> SetDiff(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, SetArg("set_diff", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* b, SetArg("set_diff", args, 1));
  return Difference(ctx.arena, *a, *b);
}

absl::StatusOr<Value> Intersection(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* sets, SetArg("intersection", args, 0));
  if (sets->empty()) return Value::EmptySet();
  for (const Value& s : sets->items()) {
    if (!s.is_set()) return OperandElementError("intersection", 0, *sets, s, "set");
  }
  Value acc = sets->items()[0];
  for (const Value& s : sets->items().subspan(1)) acc = Intersect(ctx.arena, acc, s);
  return acc;
}

absl::StatusOr<Value> Union(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* sets, SetArg("union", args, 0));
  SetBuilder out(ctx.arena);
  for (const Value& s : sets->items()) {
    if (!s.is_set()) return OperandElementError("union", 0, *sets, s, "set");
    for (const Value& v : s.items()) out.Add(v);
  }
  return out.Build();
}

}  // namespace verdict::builtins
