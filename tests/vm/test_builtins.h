// File: tests/vm/test_builtins.h
//
// Builtins that exist only in VM tests, looked up before the real table:
//   test.count(x)   returns x and counts its calls (g_test_count_calls)
//   test.error(x)   fails with eval_type_error
//   test.undefined()  returns undefined
//   test.add(a, b)  integer sum
// TestLookup() is the BuiltinLookup that knows them.
#ifndef VERDICT_TESTS_VM_TEST_BUILTINS_H_
#define VERDICT_TESTS_VM_TEST_BUILTINS_H_

#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/error_code.h"
#include "builtins/registry.h"
#include "verdict/value.h"
#include "vm/program.h"

namespace verdict::vm::testing {

inline int g_test_count_calls = 0;

inline absl::StatusOr<Value> TestCount(builtins::BuiltinContext&, std::span<const Value> args) {
  ++g_test_count_calls;
  return args[0];
}
inline absl::StatusOr<Value> TestError(builtins::BuiltinContext&, std::span<const Value>) {
  return MakeError(ErrorCode::kEvalTypeError,
                   "test.error: operand 1 must be string but got number");
}
inline absl::StatusOr<Value> TestUndefined(builtins::BuiltinContext&,
                                           std::span<const Value>) {
  return Value();
}
inline absl::StatusOr<Value> TestAdd(builtins::BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_int() || !args[1].is_int()) {
    return MakeError(ErrorCode::kEvalTypeError, "test.add: operands must be integers");
  }
  return Value::Int(args[0].as_int() + args[1].as_int());
}

inline constexpr builtins::BuiltinInfo kTestBuiltins[] = {
    {"test.count", &TestCount, 1, {}, builtins::Type::kAny, builtins::kPure, {}},
    {"test.error", &TestError, 1, {}, builtins::Type::kAny, builtins::kPure, {}},
    {"test.undefined", &TestUndefined, 0, {}, builtins::Type::kAny, builtins::kPure, {}},
    {"test.add", &TestAdd, 2, {}, builtins::Type::kNumber, builtins::kPure, {}},
    {"test.unsupported", nullptr, 0, {}, builtins::Type::kAny, builtins::kUnsupported,
     "not offered in tests"},
};

inline const builtins::BuiltinInfo* FindTestBuiltin(std::string_view name) {
  for (const builtins::BuiltinInfo& b : kTestBuiltins) {
    if (b.name == name) return &b;
  }
  return builtins::FindBuiltin(name);
}

inline BuiltinLookup TestLookup() { return BuiltinLookup(&FindTestBuiltin); }

}  // namespace verdict::vm::testing

#endif  // VERDICT_TESTS_VM_TEST_BUILTINS_H_
