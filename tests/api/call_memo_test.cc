// The call memo (lib/vm/interp.cc, opcodes.def *8): within one evaluation a
// function called again with the same arguments is answered from a table.
// These tests pin what users rely on: repeated calls are answered without
// running the body again, and `with` overrides (which change what a call
// means) never see a result computed outside them, or leak one out.
#include <string>
#include <vector>

#include "compile/compiler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/parse.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"
#include "vm/interp.h"

namespace verdict {
namespace {

// Evaluates [query] against one module; canonical JSON or "undefined".
std::string Eval(std::string_view module, std::string_view query,
                 std::string_view input_json = "") {
  Engine engine;
  EXPECT_THAT(engine.AddModule("memo.rego", module), testing::IsOk());
  EXPECT_THAT(engine.Compile(), testing::IsOk());
  absl::StatusOr<PreparedQuery> q = engine.Prepare(query);
  EXPECT_THAT(q.status(), testing::IsOk());
  if (!q.ok()) return "error";
  std::string out;
  bool defined = false;
  absl::Status s = q->EvaluateJson(input_json, &out, &defined);
  EXPECT_THAT(s, testing::IsOk());
  return defined ? out : "undefined";
}

TEST(CallMemoTest, RepeatedCallsGiveTheSameResults) {
  EXPECT_EQ(Eval(R"(package t
name(ref) := split(ref, "@")[0]
tag(ref) := t if {
  segs := split(name(ref), ":")
  count(segs) > 1
  t := segs[count(segs) - 1]
}
refs := [r | some r in input.refs]
p := [[name(r), tag(r), name(r)] | some r in refs]
)",
                 "data.t.p", R"({"refs": ["a:1@sha", "b", "a:1@sha", "c:2"]})"),
            // "b" has no tag: its element is undefined and left out.
            R"([["a:1","1","a:1"],["a:1","1","a:1"],["c:2","2","c:2"]])");
}

TEST(CallMemoTest, UndefinedResultsAreRememberedAsUndefined) {
  EXPECT_EQ(Eval(R"(package t
f(x) := y if { x > 1; y := x * 10 }
p := [y | some x in [1, 2, 1, 2]; y := f(x)]
)",
                 "data.t.p"),
            "[20,20]");
}

TEST(CallMemoTest, WithOnABuiltinDoesNotSeeOrLeakResults) {
  EXPECT_EQ(Eval(R"(package t
f(x) := upper(x)
mock(_) := "mocked"
p := [x, y, z] if {
  x := f("a")
  y := f("a") with upper as mock
  z := f("a")
}
)",
                 "data.t.p"),
            R"(["A","mocked","A"])");
}

TEST(CallMemoTest, WithOnInputDoesNotSeeOrLeakResults) {
  EXPECT_EQ(Eval(R"(package t
g(x) := concat("", [x, input.s])
p := [x, y, z] if {
  x := g("a")
  y := g("a") with input.s as "z"
  z := g("a")
}
)",
                 "data.t.p", R"({"s": "b"})"),
            R"(["ab","az","ab"])");
}

TEST(CallMemoTest, WithOnAFunctionDoesNotSeeOrLeakResults) {
  EXPECT_EQ(Eval(R"(package t
inner(x) := x + 1
outer(x) := inner(x) * 2
replacement(x) := x + 100
p := [x, y, z] if {
  x := outer(1)
  y := outer(1) with inner as replacement
  z := outer(1)
}
)",
                 "data.t.p"),
            "[4,202,4]");
}

TEST(CallMemoTest, DistinguishesArgumentsThatLookAlike) {
  // 1 and "1", [1] and {1}: different arguments, different results.
  EXPECT_EQ(Eval(R"(package t
kind(x) := type_name(x)
p := [kind(1), kind("1"), kind([1]), kind({1}), kind(1)]
)",
                 "data.t.p"),
            R"(["number","string","array","set","number"])");
}

// The memo answers repeated calls without running the function's body
// again: the evaluation's counters show the hits and fewer instructions.
TEST(CallMemoTest, RepeatedCallsAreAnsweredFromTheMemo) {
  constexpr std::string_view kModule = R"(package t
slow(x) := count([y | some y in numbers.range(1, 50); y > x])
p := [slow(10), slow(10), slow(10), slow(10)]
)";
  absl::StatusOr<syntax::Module> module = syntax::ParseModule(kModule, "memo.rego");
  ASSERT_THAT(module.status(), testing::IsOk());
  std::vector<syntax::Module> modules;
  modules.push_back(*std::move(module));
  ASSERT_OK_AND_ASSIGN(vm::Program program, compile::Compile(modules, {}));
  const vm::EntryPoint* entry = program.FindEntryPoint("data.t.p");
  ASSERT_NE(entry, nullptr);
  uint32_t fn = entry->function;
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const vm::BoundProgram> bound,
                       vm::BoundProgram::Bind(std::move(program)));
  vm::EvalContext ctx;
  ASSERT_OK_AND_ASSIGN(Value result, vm::Evaluate(ctx, *bound, fn, {}, vm::EvalOptions()));
  EXPECT_EQ(ToJson(result), "[40,40,40,40]");
  EXPECT_GE(ctx.stats().memo_hits, 3u);
  // One run of slow's body takes well over 100 instructions (a 50-step
  // loop); four runs would take over 400.
  EXPECT_LT(ctx.stats().instructions, 400u);
}

}  // namespace
}  // namespace verdict
