// File: tests/builtins/builtin_testing.h
//
// Helpers for builtin tests: call a builtin by its Rego name through the
// registry (as the VM does) with arguments written as JSON, and print
// results as canonical JSON.
//
//   EXPECT_EQ(Eval("count", {"[1,2,3]"}), "3");
//   EXPECT_THAT(Call("count", {J("1")}), StatusIs(ErrorCode::kEvalTypeError,
//               "count: operand 1 must be one of {array, object, set, string} but got number"));
#ifndef VERDICT_TESTS_BUILTINS_BUILTIN_TESTING_H_
#define VERDICT_TESTS_BUILTINS_BUILTIN_TESTING_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "builtins/patterns.h"
#include "builtins/registry.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/value.h"

namespace verdict::builtins::testing {

using ::verdict::testing::IsOk;
using ::verdict::testing::StatusIs;

// A JSON value (aborts the test binary on bad JSON: a bug in the test).
inline Value J(std::string_view json) {
  absl::StatusOr<Value> v = ParseJson(json);
  if (!v.ok()) {
    ADD_FAILURE() << "bad JSON in test: " << json;
    return Value();
  }
  return *v;
}

inline Value Str(std::string_view s) { return Value::String(s); }

// A set of the given members.
inline Value Set(std::initializer_list<Value> items) {
  SetBuilder b;
  for (const Value& v : items) b.Add(v);
  return b.Build();
}

// One engine-wide pattern cache shared by every call, as in production.
inline PatternCache& SharedPatterns() {
  static PatternCache* cache = new PatternCache();
  return *cache;
}

// Calls builtin [name] with [args]; a missing builtin is a test failure.
inline absl::StatusOr<Value> Call(std::string_view name, std::vector<Value> args,
                                  BuiltinContext* ctx = nullptr) {
  const BuiltinInfo* info = FindBuiltin(name);
  if (info == nullptr || info->fn == nullptr) {
    ADD_FAILURE() << "no builtin " << name;
    return absl::NotFoundError("no builtin");
  }
  if (static_cast<int>(args.size()) != info->arity) {
    ADD_FAILURE() << name << " takes " << static_cast<int>(info->arity) << " arguments";
    return absl::InvalidArgumentError("arity");
  }
  BuiltinContext local;
  local.patterns = &SharedPatterns();
  return info->fn(ctx != nullptr ? *ctx : local, args);
}

// Calls [name] with JSON arguments and returns the result as JSON, "undefined"
// for an undefined result, or "error: <message>".
inline std::string Eval(std::string_view name, std::vector<std::string_view> json_args) {
  std::vector<Value> args;
  for (std::string_view a : json_args) args.push_back(J(a));
  absl::StatusOr<Value> r = Call(name, std::move(args));
  if (!r.ok()) return "error: " + std::string(r.status().message());
  if (r->is_undefined()) return "undefined";
  return ToJson(*r);
}

// The same with Value arguments.
inline std::string EvalV(std::string_view name, std::vector<Value> args) {
  absl::StatusOr<Value> r = Call(name, std::move(args));
  if (!r.ok()) return "error: " + std::string(r.status().message());
  if (r->is_undefined()) return "undefined";
  return ToJson(*r);
}

// The error code of a failing call (kEvalInternalError when it succeeded).
inline ErrorCode CodeOf(std::string_view name, std::vector<std::string_view> json_args) {
  std::vector<Value> args;
  for (std::string_view a : json_args) args.push_back(J(a));
  absl::StatusOr<Value> r = Call(name, std::move(args));
  if (r.ok()) return ErrorCode::kEvalInternalError;
  return GetErrorCode(r.status());
}

}  // namespace verdict::builtins::testing

#endif  // VERDICT_TESTS_BUILTINS_BUILTIN_TESTING_H_
