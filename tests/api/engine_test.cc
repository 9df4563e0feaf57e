// End-to-end tests of the Engine: Rego source in, decisions out. Each test
// states a piece of Rego semantics users rely on.
#include "verdict/engine.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

// Compiles [modules] and evaluates [query] with [input_json]; returns the
// result as canonical JSON, "undefined", or "error: <code>: <message>".
std::string ErrorText(const absl::Status& s) {
  return "error: " + std::string(ErrorCodeName(GetErrorCode(s))) + ": " +
         std::string(s.message());
}

std::string Eval(std::vector<std::string> modules, std::string_view query,
                 std::string_view input_json = "", std::string_view data_json = "") {
  Engine engine;
  for (size_t i = 0; i < modules.size(); ++i) {
    absl::Status s = engine.AddModule("test-" + std::to_string(i) + ".rego", modules[i]);
    if (!s.ok()) return ErrorText(s);
  }
  if (!data_json.empty()) {
    absl::Status s = engine.SetDataJson(data_json);
    if (!s.ok()) return ErrorText(s);
  }
  absl::Status s = engine.Compile();
  if (!s.ok()) return ErrorText(s);
  absl::StatusOr<PreparedQuery> q = engine.Prepare(query);
  if (!q.ok()) return ErrorText(q.status());
  std::string out;
  bool defined = false;
  s = q->EvaluateJson(input_json, &out, &defined);
  if (!s.ok()) return ErrorText(s);
  return defined ? out : "undefined";
}

TEST(EngineTest, CompleteRuleWithDefault) {
  std::string policy = R"(package authz
default allow := false
allow if input.user == "alice"
)";
  EXPECT_EQ(Eval({policy}, "data.authz.allow", R"({"user":"alice"})"), "true");
  EXPECT_EQ(Eval({policy}, "data.authz.allow", R"({"user":"bob"})"), "false");
  EXPECT_EQ(Eval({policy}, "data.authz.allow", "{}"), "false");
}

TEST(EngineTest, UndefinedIsNotFalse) {
  std::string policy = "package p\nallow if input.x == 1\n";
  EXPECT_EQ(Eval({policy}, "data.p.allow", R"({"x":2})"), "undefined");
  EXPECT_EQ(Eval({policy}, "data.p.allow", R"({"x":1})"), "true");
}

TEST(EngineTest, PartialSetIteratesData) {
  std::string policy = R"(package p
admins contains name if {
  some user in data.users
  user.admin
  name := user.name
}
)";
  std::string data = R"({"users":[{"name":"a","admin":true},{"name":"b","admin":false},{"name":"c","admin":true}]})";
  EXPECT_EQ(Eval({policy}, "data.p.admins", "{}", data), R"(["a","c"])");
}

TEST(EngineTest, PartialObjectAndRefIteration) {
  std::string policy = R"(package p
double[k] := v * 2 if {
  some k
  v := input.nums[k]
}
)";
  EXPECT_EQ(Eval({policy}, "data.p.double", R"({"nums":{"a":1,"b":5}})"), R"({"a":2,"b":10})");
}

TEST(EngineTest, FunctionsAndElse) {
  std::string policy = R"(package p
grade(score) := "A" if score >= 90
else := "B" if score >= 80
else := "C"
result := [grade(95), grade(85), grade(10)]
)";
  EXPECT_EQ(Eval({policy}, "data.p.result"), R"(["A","B","C"])");
}

TEST(EngineTest, NotEveryAndComprehensions) {
  std::string policy = R"(package p
all_positive if every x in input.xs { x > 0 }
no_zero if not 0 in input.xs
squares := [y | some x in input.xs; y := x * x]
evens := {x | some x in input.xs; x % 2 == 0}
)";
  EXPECT_EQ(Eval({policy}, "data.p.all_positive", R"({"xs":[1,2,3]})"), "true");
  EXPECT_EQ(Eval({policy}, "data.p.all_positive", R"({"xs":[1,-2,3]})"), "undefined");
  EXPECT_EQ(Eval({policy}, "data.p.no_zero", R"({"xs":[1,2]})"), "true");
  EXPECT_EQ(Eval({policy}, "data.p.squares", R"({"xs":[1,2,3]})"), "[1,4,9]");
  EXPECT_EQ(Eval({policy}, "data.p.evens", R"({"xs":[1,2,3,4]})"), "[2,4]");
}

TEST(EngineTest, ConflictingCompleteRuleIsAnError) {
  std::string policy = "package p\nx := 1 if input.a\nx := 2 if input.b\n";
  EXPECT_EQ(Eval({policy}, "data.p.x", R"({"a":true})"), "1");
  EXPECT_THAT(Eval({policy}, "data.p.x", R"({"a":true,"b":true})"),
              HasSubstr("eval_conflict_error"));
}

TEST(EngineTest, WithReplacesInput) {
  std::string policy = R"(package p
allow if input.user == "alice"
check if allow with input as {"user": "alice"}
)";
  EXPECT_EQ(Eval({policy}, "data.p.check", R"({"user":"bob"})"), "true");
}

TEST(EngineTest, QueryBodyReturnsBindings) {
  std::string policy = "package p\nxs := [1, 2, 3]\n";
  EXPECT_EQ(Eval({policy}, "x := data.p.xs[i]; x > 1"),
            R"([{"i":1,"x":2},{"i":2,"x":3}])");
}

TEST(EngineTest, UnsafeVariableIsACompileError) {
  Engine engine;
  ASSERT_OK(engine.AddModule("u.rego", "package p\nallow if x > 1\n"));
  EXPECT_THAT(engine.Compile(), StatusIs(ErrorCode::kUnsafeVarError, HasSubstr("var x is unsafe")));
}

TEST(EngineTest, RecursionIsACompileError) {
  Engine engine;
  ASSERT_OK(engine.AddModule("r.rego", "package p\na if b\nb if a\n"));
  EXPECT_THAT(engine.Compile(), StatusIs(ErrorCode::kRecursionError));
}

TEST(EngineTest, ImportsAndPackages) {
  std::string lib = "package lib\nlevel(c) := 2 if c == \"secret\"\nlevel(c) := 1 if c != \"secret\"\n";
  std::string main = "package app\nimport data.lib\nhigh if lib.level(input.c) > 1\n";
  EXPECT_EQ(Eval({lib, main}, "data.app.high", R"({"c":"secret"})"), "true");
  EXPECT_EQ(Eval({lib, main}, "data.app.high", R"({"c":"public"})"), "undefined");
}

TEST(EngineTest, DataNamespaceMergesBaseAndVirtual) {
  std::string policy = "package a\nb := 1\n";
  EXPECT_EQ(Eval({policy}, "data.a", "", R"({"a":{"c":2}})"), R"({"b":1,"c":2})");
}

}  // namespace
}  // namespace verdict
