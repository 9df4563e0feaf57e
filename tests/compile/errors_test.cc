// Compile errors (lib/compile): OPA's error code and the file:line:col of
// the offending term, which editors and CI logs jump to.
#include <string>

#include "compile_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace verdict::compile {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Value1;

TEST(CompileErrorTest, UnsafeVariableIsNamedWithItsLocation) {
  std::string policy = "package t\n\np if {\n  x > 1\n}\n";
  EXPECT_EQ(Value1(policy, "data.t.p"),
            "error: rego_unsafe_var_error: test-0.rego:4:3: rego_unsafe_var_error: "
            "var x is unsafe");
}

TEST(CompileErrorTest, UnsafeVariableInsideAComprehension) {
  std::string policy = "package t\np := [y | some x in [1]; y > x]\n";
  EXPECT_EQ(Value1(policy, "data.t.p"),
            "error: rego_unsafe_var_error: test-0.rego:2:26: rego_unsafe_var_error: "
            "var y is unsafe");
}

TEST(CompileErrorTest, NegationCannotBindVariables) {
  std::string policy = "package t\np if not x = 1\n";
  EXPECT_THAT(Value1(policy, "data.t.p"),
              StartsWith("error: rego_unsafe_var_error: test-0.rego:2:"));
  EXPECT_THAT(Value1(policy, "data.t.p"), HasSubstr("var x is unsafe"));
}

TEST(CompileErrorTest, RecursionNamesTheCycle) {
  std::string policy = "package t\np if q\nq if r\nr if p\n";
  std::string got = Value1(policy, "data.t.p");
  EXPECT_THAT(got, StartsWith("error: rego_recursion_error: test-0.rego:"));
  EXPECT_THAT(got, HasSubstr("is recursive: "));
  EXPECT_THAT(got, HasSubstr("data.t.q"));
  EXPECT_THAT(got, HasSubstr("data.t.r"));
}

TEST(CompileErrorTest, FunctionRecursion) {
  std::string policy = "package t\nf(x) := f(x - 1) if x > 0\np := f(3)\n";
  EXPECT_THAT(Value1(policy, "data.t.p"),
              StartsWith("error: rego_recursion_error: test-0.rego:2:1: rego_recursion_error: "
                         "rule data.t.f is recursive: data.t.f -> data.t.f"));
}

TEST(CompileErrorTest, BuiltinArityMismatch) {
  EXPECT_EQ(Value1("package t\np := count(1, 2)\n", "data.t.p"),
            "error: rego_type_error: test-0.rego:2:6: rego_type_error: "
            "count: arity mismatch: 2 arguments, 1 expected");
  EXPECT_THAT(Value1("package t\np := upper()\n", "data.t.p"),
              StartsWith("error: rego_type_error: test-0.rego:2:6: "));
}

TEST(CompileErrorTest, UndefinedFunction) {
  EXPECT_EQ(Value1("package t\np := nope(1)\n", "data.t.p"),
            "error: rego_type_error: test-0.rego:2:6: rego_type_error: "
            "undefined function nope");
  // print is a statement (lowered to internal.print), not a function.
  EXPECT_EQ(Value1("package t\np := print(1)\n", "data.t.p"),
            "error: rego_type_error: test-0.rego:2:6: rego_type_error: "
            "print() has no value: write it as an expression of its own");
  EXPECT_EQ(Value1("package t\np if print(1)\n", "data.t.p"), "true");
}

TEST(CompileErrorTest, UnsupportedBuiltinAsAMock) {
  std::string policy = "package t\np := x if x := time.now_ns() with time.now_ns as opa.runtime\n";
  EXPECT_THAT(Value1(policy, "data.t.p"),
              StartsWith("error: rego_compile_error: test-0.rego:2:"));
  EXPECT_THAT(Value1(policy, "data.t.p"), HasSubstr("opa.runtime is not supported"));
}

TEST(CompileErrorTest, ConflictingRuleKinds) {
  std::string policy = "package t\np := 1\np contains 2\n";
  EXPECT_THAT(Value1(policy, "data.t.p"), StartsWith("error: rego_type_error: test-0.rego:3:"));
}

}  // namespace
}  // namespace verdict::compile
