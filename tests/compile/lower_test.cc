// Semantics of the lowering (lib/compile/lower.cc) end to end: each test
// compiles a small policy, evaluates it on the VM and checks what OPA
// answers. Grouped by feature: `with`, relations, every, defaults,
// template strings, ref-head rules, scoping and safety, data references.
#include <string>

#include "compile_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace verdict::compile {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Eval;
using testing::Value1;

// --- with: builtins and functions ---------------------------------------------

TEST(WithTest, BuiltinReplacedByValue) {
  EXPECT_EQ(Value1("package t\np := x if x := count([1, 2, 3]) with count as 7\n", "data.t.p"),
            "7");
  // Arity 0: the value stands for the call's result.
  EXPECT_EQ(Value1("package t\np := x if x := time.now_ns() with time.now_ns as 12300\n",
                   "data.t.p"),
            "12300");
}

TEST(WithTest, BuiltinValueReachesCallsInRules) {
  std::string policy = R"(package t
n := count(input.xs)
p := x if x := n with count as 42
q := n
)";
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"xs": [1]})"), "42");
  EXPECT_EQ(Value1(policy, "data.t.q", R"({"xs": [1]})"), "1");
}

TEST(WithTest, BuiltinReplacedByBuiltin) {
  EXPECT_EQ(Value1("package t\np := x if x := upper(\"A\") with upper as lower\n", "data.t.p"),
            R"("a")");
  std::string policy = R"(package t
p := x if {
  x = count([{}, {"foo": 3}]) with count as object.union_n
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"({"foo":3})");
}

TEST(WithTest, MockCallsTheOriginal) {
  // Inside the mock, count is the builtin again: no endless recursion.
  std::string policy = R"(package t
mock_count(x) := count(x) + 100
p := x if x := count([1, 2]) with count as mock_count
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), "102");
}

TEST(WithTest, MockDoesNotCallAnotherMock) {
  std::string policy = R"(package t
f(_) := "f was called"
g(x) := count(x)
p := x if x := q with count as f
q := x if x := r with object.union_n as g
r := object.union_n([{}, {}])
)";
  // r calls union_n -> g; g's count is the real one, not f.
  EXPECT_EQ(Value1(policy, "data.t.p"), "2");
}

TEST(WithTest, WithInsideAMockApplies) {
  std::string policy = R"(package t
h(_) := ["replaced"]
g(x) := y if {
  y := s with array.reverse as h
}
s := array.reverse([1, 2])
p := x if x := count([1]) with count as g
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"(["replaced"])");
}

TEST(WithTest, FunctionReplacedByFunction) {
  std::string policy = R"(package t
f(x) := x + 1
g(x) := f(x) * 10
p := x if x := f(1) with f as g
)";
  // g's own call of f is the original f: (1 + 1) * 10.
  EXPECT_EQ(Value1(policy, "data.t.p"), "20");
}

TEST(WithTest, PathHoldingRulesBelowIsReplacedWhole) {
  std::string policy = R"(package t
q["a"] := 1
q["b"] := 2
p[x] := y if {
  data.t.q[x] = y with data.t.q as {"a": 3, "c": 4}
}
r := x if x := data.t.q.b with data.t.q as {"a": 3}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"({"a":3,"c":4})");
  EXPECT_EQ(Value1(policy, "data.t.r"), "undefined");
  EXPECT_EQ(Value1(policy, "data.t.q"), R"({"a":1,"b":2})");
}

// `x in xs` as a condition is the Member instruction; a mock of its builtin
// keeps it a call the mock reaches.
TEST(WithTest, MembershipConditionAndItsMock) {
  constexpr std::string_view conditions = R"(package t
p if 1 in [2]
r if 2 in {"a": 2}
s if not 3 in {3}
u if "a" in "abc"
)";
  EXPECT_EQ(Value1(conditions, "data.t.p"), "undefined");
  EXPECT_EQ(Value1(conditions, "data.t.r"), "true");
  EXPECT_EQ(Value1(conditions, "data.t.s"), "undefined");
  EXPECT_EQ(Value1(conditions, "data.t.u"), "undefined");  // strings hold no members
  constexpr std::string_view mocked = R"(package t
f(_, _) := true
p if 1 in [2]
q if { 1 in [2] with internal.member_2 as f }
)";
  EXPECT_EQ(Value1(mocked, "data.t.p"), "undefined");
  EXPECT_EQ(Value1(mocked, "data.t.q"), "true");
}

// --- walk, a relation -----------------------------------------------------------

TEST(WalkTest, BindsEveryPathValuePair) {
  std::string policy = R"(package t
paths := [p | walk({"a": [true]}, [p, _])]
values := {v | walk([1, [2]], [_, v])}
)";
  EXPECT_EQ(Value1(policy, "data.t.paths"), R"([[],["a"],["a",0]])");
  EXPECT_EQ(Value1(policy, "data.t.values"), "[1,2,[1,[2]],[2]]");
}

TEST(WalkTest, RelationAsATerm) {
  std::string policy = R"(package t
leaves := {path: value |
  [path, value] := walk({"a": {"b": 1}, "c": 2})
  is_number(value)
}
)";
  // JSON output writes non-string keys as their JSON text.
  EXPECT_EQ(Value1(policy, "data.t.leaves"), R"({"[\"a\",\"b\"]":1,"[\"c\"]":2})");
}

TEST(WalkTest, OutputVariableTakesPairs) {
  EXPECT_EQ(Value1("package t\np contains x if walk(7, x)\n", "data.t.p"), "[[[],7]]");
}

// --- every --------------------------------------------------------------------

TEST(EveryTest, NonCollectionDomainIsFalse) {
  for (const char* domain : {"42", "\"foo\"", "true", "null", "floor(1.5)"}) {
    std::string policy = std::string("package t\ndefault p := 1\np := 2 if {\n  every v in ") +
                         domain + " { v > 1 }\n}\n";
    EXPECT_EQ(Value1(policy, "data.t.p"), "1") << domain;
  }
}

TEST(EveryTest, EmptyCollectionIsTrue) {
  EXPECT_EQ(Value1("package t\np if every v in [] { v > 1 }\n", "data.t.p"), "true");
  EXPECT_EQ(Value1("package t\np if every v in [2, 3] { v > 1 }\n", "data.t.p"), "true");
  EXPECT_EQ(Value1("package t\np if every v in [1, 3] { v > 1 }\n", "data.t.p"), "undefined");
}

// --- default rules --------------------------------------------------------------

TEST(DefaultTest, ComprehensionValues) {
  std::string policy = R"(package t
default a := [x | some x in [1, 2]]
default s := {x | some x in [1, 1, 2]}
default o := {k: v | some k, v in ["x", "y"]}
a := [] if input.never
)";
  EXPECT_EQ(Value1(policy, "data.t.a"), "[1,2]");
  EXPECT_EQ(Value1(policy, "data.t.s"), "[1,2]");
  EXPECT_EQ(Value1(policy, "data.t.o"), R"({"0":"x","1":"y"})");
}

// --- template strings ---------------------------------------------------------

TEST(TemplateTest, UndefinedPartsRender) {
  EXPECT_EQ(Value1("package t\np := $\"{input.x}, {data.y}\"\n", "data.t.p"),
            R"("<undefined>, <undefined>")");
  EXPECT_EQ(Value1("package t\np := $\"x={input.x}\"\n", "data.t.p", R"({"x": 5})"),
            R"("x=5")");
}

TEST(TemplateTest, InfixCallsAndNesting) {
  std::string policy = R"(package t
a := 42
p := $"sum: {1 + a}, {true != false}"
q := $"{$"{data.b}"} and {$"{a}"}"
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"("sum: 43, true")");
  EXPECT_EQ(Value1(policy, "data.t.q"), R"("<undefined> and 42")");
}

TEST(TemplateTest, WithInsideAPart) {
  std::string policy = R"(package t
a := input.a
p := x if {
  x := $"foo {a with input as {"a": 42}} {a}"
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"a": 1})"), R"("foo 42 1")");
}

TEST(TemplateTest, MultipleValuesAreAnError) {
  std::string policy = "package t\np := $\"{input.xs[_]}\"\n";
  EXPECT_THAT(Value1(policy, "data.t.p", R"({"xs": [1, 2]})", "", true),
              HasSubstr("template-strings must not produce multiple outputs"));
}

TEST(TemplateTest, FunctionArgumentUsesBodyVariables) {
  std::string policy = R"(package t
p := f("foo bar")
f($"{x} {input.y}") := 42 if x = "foo"
)";
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"y": "bar"})"), "42");
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"y": "baz"})"), "undefined");
}

// --- rules whose references hold variables ----------------------------------

TEST(RefHeadTest, NestedKeysMerge) {
  std::string policy = R"(package t
p[a][b] := a + b if {
  some a in [1, 2]
  some b in [10, 20]
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"),
            R"({"1":{"10":11,"20":21},"2":{"10":12,"20":22}})");
  EXPECT_EQ(Value1(policy, "data.t.p[2][20]"), "22");
}

TEST(RefHeadTest, SetLeavesAndConstantRules) {
  std::string policy = R"(package t
p[q].r contains s if {
  x := ["a", "b"]
  q := x[_]
  s := x[_]
  q != s
}
p.b.r contains "foo"
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"({"a":{"r":["b"]},"b":{"r":["a","foo"]}})");
  EXPECT_EQ(Value1(policy, "data.t.p.b.r.foo"), R"("foo")");
}

TEST(RefHeadTest, SameLeafDifferentValuesConflict) {
  std::string policy = R"(package t
p[x].v := y if {
  some x, y in ["a", "b"]
  x = 0
}
p[x].v := 2 if x := 0
)";
  std::string got = Value1(policy, "data.t.p");
  EXPECT_THAT(got, StartsWith("error: eval_conflict_error: test-0.rego:"));
  EXPECT_THAT(got, HasSubstr("object keys must be unique"));
}

TEST(RefHeadTest, NestedDocumentsUnderADynamicOne) {
  std::string policy = R"(package t
obj.sub[x][x] contains x if some x in ["one", "two"]
obj[x][x] contains x if x := "other"
)";
  EXPECT_EQ(Value1(policy, "data.t.obj"),
            R"({"other":{"other":["other"]},"sub":{"one":{"one":["one"]},"two":{"two":["two"]}}})");
}

// --- scoping, safety and unification --------------------------------------------

TEST(ScopeTest, AssignedLaterIsNotSeenByEarlierClosures) {
  std::string policy = R"(package t
xs := {"a", "b", "c"}
p := x if {
  y := {x | xs[x]}
  x := count(y)
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), "3");
}

TEST(ScopeTest, ClosureDeclaresItsOwnVariable) {
  EXPECT_EQ(Eval({"package t\n"}, R"(x = [x | x := [1, 2][_]])"), R"([{"x":[1,2]}])");
}

TEST(ScopeTest, FunctionArgumentsShadowRules) {
  std::string policy = R"(package t
foo["bar"](x) := x + 1
x := foo.bar(2)
)";
  EXPECT_EQ(Value1(policy, "data.t"), R"({"foo":{},"x":3})");
}

TEST(UnifyTest, ObjectsWithVariablesOnBothSides) {
  std::string policy = R"(package t
p contains z if {
  {"x": x, "y": 2} = {"x": 1, "y": y}
  z = [x, y]
}
q if {"a": 1} = {"b": 1}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), "[[1,2]]");
  EXPECT_EQ(Value1(policy, "data.t.q"), "undefined");
}

TEST(UnifyTest, ComparisonBindsThroughItsReference) {
  std::string policy = R"(package t
p := foo if {
  some foo
  foo == input.foos[foo]
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"foos": [2, 1, 0]})"), "1");
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"foos": ["foo"]})"), "undefined");
}

// --- data references ----------------------------------------------------------

TEST(DataTest, NumberKeysReadBaseDataAsStrings) {
  EXPECT_EQ(Value1("package t\np := data[2]\n", "data.t.p", "", R"({"2": "bar"})"),
            R"("bar")");
  EXPECT_EQ(Value1("package t\np := data.n[2]\n", "data.t.p", "", R"({"n": {"2": "x"}})"),
            R"("x")");
  EXPECT_EQ(Value1("package t\np := data.n[1]\n", "data.t.p", "", R"({"n": [5, 6]})"), "6");
}

TEST(DataTest, EmptyPackageIsAnEmptyObject) {
  std::vector<std::string> modules = {"package a.b\n", "package x\np := data.a.b\n"};
  EXPECT_EQ(Eval(modules, "data.x.p"), "{}");
  EXPECT_EQ(Eval(modules, "data"), R"({"a":{"b":{}},"x":{"p":{}}})");
}

TEST(DataTest, BaseDataWinsOverRulesInANamespace) {
  std::string policy = "package topdown.conflicts\nk := \"bar\"\nv := {\"a\": 1}\n";
  std::string data = R"({"topdown": {"conflicts": {"k": "foo", "v": {"b": 2}}}})";
  EXPECT_EQ(Value1(policy, "data.topdown.conflicts", "", data),
            R"({"k":"foo","v":{"a":1,"b":2}})");
}

TEST(DataTest, DynamicPackageKeyDoesNotEvaluateItsCaller) {
  std::vector<std::string> modules = {
      "package test\np := data[first].allow.see.x if first := \"primary\"\n",
      "package primary\nallow[action].y if action := \"show\"\nallow.see.x if true\n",
      "package unrelated\nallow.other.stuff if true\n"};
  EXPECT_EQ(Eval(modules, "data.test.p"), "true");
}

}  // namespace
}  // namespace verdict::compile
