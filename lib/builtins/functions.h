// File: lib/builtins/functions.h
//
// One declaration per implemented builtin, generated from builtins.def, so
// registry.cc can take their addresses and tests can call them directly:
//   ASSERT_OK_AND_ASSIGN(Value n, builtins::Count(ctx, args));
// The definitions live in the family files named in builtins.def.
//
// Tested by tests/builtins/*_test.cc.
#ifndef VERDICT_BUILTINS_FUNCTIONS_H_
#define VERDICT_BUILTINS_FUNCTIONS_H_

#include <span>

#include "absl/status/statusor.h"
#include "builtins/registry.h"
#include "verdict/value.h"

namespace verdict::builtins {

#define BUILTIN(name, fn, args, result, flags) \
  absl::StatusOr<Value> fn(BuiltinContext& ctx, std::span<const Value> args_);
#include "builtins/builtins.def"

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_FUNCTIONS_H_
