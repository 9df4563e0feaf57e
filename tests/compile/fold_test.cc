// Constant folding (lib/compile/fold.h and the folding passes of
// optimize.cc): builtin calls of constants and references to constant
// rules become LoadConsts, which each test checks in the compiled code,
// while every decision still computes what it computed before: calls that
// fail stay calls (same undefined, same strict-mode error), `with` still
// replaces folded rules and builtins, conflicts are still errors.
#include <algorithm>
#include <string>
#include <vector>

#include "base/error_code.h"
#include "compile/compiler.h"
#include "compile/fold.h"
#include "compile_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/parse.h"
#include "vm/disasm.h"
#include "vm/program.h"

namespace verdict::compile {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::Value1;
using vm::Op;

// [module] compiled with the value query [query] (entry point "query").
vm::Program CompileWithQuery(const std::string& module, std::string_view query) {
  absl::StatusOr<syntax::Module> parsed = syntax::ParseModule(module, "test-0.rego");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  absl::StatusOr<syntax::Body> body = syntax::ParseQuery(query);
  EXPECT_TRUE(body.ok()) << body.status();
  if (!parsed.ok() || !body.ok()) return {};
  QuerySpec spec;
  spec.name = "query";
  spec.value_query = IsValueQuery(*body);
  spec.body = *std::move(body);
  std::vector<syntax::Module> modules;
  modules.push_back(*std::move(parsed));
  absl::StatusOr<vm::Program> program = Compile(modules, {&spec, 1});
  EXPECT_TRUE(program.ok()) << program.status();
  return program.ok() ? *std::move(program) : vm::Program();
}

// The ops of the function named [name] ("query", "data.t.p").
std::vector<Op> OpsOf(const vm::Program& p, std::string_view name) {
  std::vector<Op> ops;
  for (const vm::Function& f : p.functions) {
    if (f.name != name) continue;
    for (uint32_t pc = f.entry_pc; pc < f.end_pc; ++pc) ops.push_back(p.code[pc].op);
    return ops;
  }
  ADD_FAILURE() << "no function " << name;
  return ops;
}

// Calls of builtin [name] anywhere in the program.
int BuiltinCalls(const vm::Program& p, std::string_view name) {
  int n = 0;
  for (const vm::Instr& in : p.code) {
    if (in.op == Op::kCallBuiltin && p.builtins[in.b] == name) ++n;
  }
  return n;
}

// --- object literals -------------------------------------------------------------

// An object literal with literal keys gets its pairs in key order, so
// MakeObject finds them sorted; the values are still the right ones and
// are still computed in source order (the first failing one decides).
TEST(ObjectLiteralTest, PairsInKeyOrder) {
  const std::string module = R"(package t
p := {"zeta": input.z, "alpha": input.a, "mid": 1, "Mid": [input.a]}
)";
  EXPECT_EQ(Value1(module, "data.t.p", R"({"a":1,"z":2})"),
            R"({"Mid":[1],"alpha":1,"mid":1,"zeta":2})");
  EXPECT_EQ(Value1(module, "data.t.p", R"({"a":1})"), "undefined");
  vm::Program p = CompileWithQuery(module, "data.t.p");
  const vm::Function* f = nullptr;
  for (const vm::Function& fn : p.functions) {
    if (fn.name == "data.t.p") f = &fn;
  }
  ASSERT_NE(f, nullptr);
  // The keys the span registers receive, in span order.
  for (uint32_t pc = f->entry_pc; pc < f->end_pc; ++pc) {
    const vm::Instr& make = p.code[pc];
    if (make.op != Op::kMakeObject) continue;
    std::vector<std::string> keys;
    for (uint32_t k = 0; k < make.n; ++k) {
      const uint32_t reg = make.b + 2 * k;
      for (uint32_t q = f->entry_pc; q < pc; ++q) {  // its last writer, a LoadConst
        const vm::Instr& w = p.code[q];
        if (w.op == Op::kLoadConst && w.a == reg) keys.push_back(ToJson(p.constants[w.b]));
      }
    }
    EXPECT_THAT(keys, ::testing::ElementsAre(R"("Mid")", R"("alpha")", R"("mid")", R"("zeta")"));
  }
}

// --- builtin calls -------------------------------------------------------------

TEST(FoldBuiltinTest, ArithmeticOfConstantsIsOneConstant) {
  const std::string policy = R"(package t
hour_ns := 3600 * 1000000000
month_s := 30 * 24 * 3600
p := x if { x := 2 * 3 + 1; input.go }
)";
  vm::Program p = CompileWithQuery(policy, "data.t.hour_ns");
  EXPECT_EQ(BuiltinCalls(p, "mul"), 0) << vm::Disassemble(p);
  EXPECT_EQ(BuiltinCalls(p, "plus"), 0);
  EXPECT_THAT(OpsOf(p, "data.t.hour_ns"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_THAT(OpsOf(p, "data.t.month_s"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(Value1(policy, "data.t.hour_ns"), "3600000000000");
  EXPECT_EQ(Value1(policy, "data.t.month_s"), "2592000");
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"go": true})"), "7");
  EXPECT_EQ(Value1(policy, "data.t.p", R"({"go": false})"), "undefined");
}

TEST(FoldBuiltinTest, StringsAndCollections) {
  const std::string policy = R"(package t
a := lower("ABC")
b := concat(",", ["a", "b"])
c := {"k": upper("v"), "n": [count([1, 2, 3]), sprintf("%d-%s", [7, "x"])]}
)";
  vm::Program p = CompileWithQuery(policy, "data.t.c");
  for (const char* name : {"lower", "concat", "upper", "count", "sprintf"}) {
    EXPECT_EQ(BuiltinCalls(p, name), 0) << name << "\n" << vm::Disassemble(p);
  }
  EXPECT_THAT(OpsOf(p, "data.t.c"), Not(Contains(Op::kMakeObject)));
  EXPECT_THAT(OpsOf(p, "data.t.c"), Not(Contains(Op::kMakeArray)));
  EXPECT_EQ(Value1(policy, "data.t.a"), R"("abc")");
  EXPECT_EQ(Value1(policy, "data.t.b"), R"("a,b")");
  EXPECT_EQ(Value1(policy, "data.t.c"), R"({"k":"V","n":[3,"7-x"]})");
}

TEST(FoldBuiltinTest, RangeMembershipBuildsNoArrayPerDecision) {
  const std::string policy = R"(package t
bad contains pct if {
  pct := input.pcts[_]
  not pct in numbers.range(0, 100)
}
)";
  vm::Program p = CompileWithQuery(policy, "data.t.bad");
  EXPECT_EQ(BuiltinCalls(p, "numbers.range"), 0) << vm::Disassemble(p);
  EXPECT_EQ(Value1(policy, "data.t.bad", R"({"pcts": [0, 50, 100, 101, -1, 2.5]})"),
            "[-1,2.5,101]");
}

TEST(FoldBuiltinTest, LargeResultsStayCalls) {
  // 10,001 numbers are more than limits::kMaxFoldedConstantBytes: built
  // when a decision needs them, as before.
  const std::string policy = R"(package t
n := count(numbers.range(0, 10000)) if input.go
huge := numbers.range(0, 1000000000) if input.never
)";
  vm::Program p = CompileWithQuery(policy, "data.t.n");
  EXPECT_EQ(BuiltinCalls(p, "numbers.range"), 2) << vm::Disassemble(p);
  EXPECT_EQ(Value1(policy, "data.t.n", R"({"go": true})"), "10001");
}

TEST(FoldBuiltinTest, FailingCallsStayAndFailAtRunTime) {
  const std::string policy = R"(package t
x := 1 / 0
y := to_number("abc")
z := 1 if { x } else := 2
)";
  vm::Program p = CompileWithQuery(policy, "data.t.x");
  EXPECT_EQ(BuiltinCalls(p, "div"), 1) << vm::Disassemble(p);
  EXPECT_EQ(BuiltinCalls(p, "to_number"), 1);
  // Not strict: undefined, so z takes its else.
  EXPECT_EQ(Value1(policy, "data.t.x"), "undefined");
  EXPECT_EQ(Value1(policy, "data.t.y"), "undefined");
  EXPECT_EQ(Value1(policy, "data.t.z"), "2");
  // Strict: the builtin's error, located at the rule.
  EXPECT_THAT(Value1(policy, "data.t.x", "", "", /*strict=*/true),
              AllOf(StartsWith("error: eval_builtin_error: test-0.rego:2:"),
                    HasSubstr("divide by zero")));
  EXPECT_THAT(Value1(policy, "data.t.y", "", "", /*strict=*/true),
              AllOf(StartsWith("error: eval_builtin_error: test-0.rego:3:"),
                    HasSubstr("invalid syntax")));
}

TEST(FoldBuiltinTest, NondeterministicBuiltinsAreNotFolded) {
  const std::string policy = R"(package t
t := time.now_ns()
r := rand.intn("x", 10)
u := uuid.rfc4122("x")
)";
  vm::Program p = CompileWithQuery(policy, "data.t.t");
  EXPECT_EQ(BuiltinCalls(p, "time.now_ns"), 1);
  EXPECT_EQ(BuiltinCalls(p, "rand.intn"), 1);
  EXPECT_EQ(BuiltinCalls(p, "uuid.rfc4122"), 1);
}

TEST(FoldBuiltinTest, WithOnTheBuiltinKeepsEveryCallOfIt) {
  // mul is replaced somewhere, so no mul is folded anywhere: x evaluated
  // under the override sees the mock.
  const std::string policy = R"(package t
x := 3 * 4
p := v if v := x with mul as 100
q := v if v := x with mul as mock
mock(a, b) := a + b
)";
  vm::Program p = CompileWithQuery(policy, "data.t.p");
  EXPECT_EQ(BuiltinCalls(p, "mul"), 1) << vm::Disassemble(p);
  EXPECT_EQ(Value1(policy, "data.t.x"), "12");
  EXPECT_EQ(Value1(policy, "data.t.p"), "100");
  EXPECT_EQ(Value1(policy, "data.t.q"), "7");
  // A builtin no `with` names folds next to one that is replaced.
  const std::string other = R"(package t
x := 3 * 4
p := v if v := count([1]) with count as 9
)";
  vm::Program q = CompileWithQuery(other, "data.t.x");
  EXPECT_EQ(BuiltinCalls(q, "mul"), 0);
  EXPECT_EQ(BuiltinCalls(q, "count"), 1);
  EXPECT_EQ(Value1(other, "data.t.p"), "9");
}

// --- constant rules ------------------------------------------------------------

TEST(FoldRuleTest, ReferencesToConstantRulesLoadTheConstant) {
  const std::string policy = R"(package t
hour_ns := 3600 * 1000000000
day_ns := 24 * hour_ns
levels := {"public": 0, "internal": 1}
default only_default := 5
level(c) := levels[lower(c)]
p := [day_ns, levels.internal, only_default, level("INTERNAL")]
)";
  vm::Program p = CompileWithQuery(policy, "data.t.p");
  // day_ns calls nothing, and p only the function with an argument; each
  // rule's function stays for queries of it.
  EXPECT_THAT(OpsOf(p, "data.t.day_ns"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn))
      << vm::Disassemble(p);
  const std::vector<Op> p_ops = OpsOf(p, "data.t.p");
  EXPECT_EQ(std::count(p_ops.begin(), p_ops.end(), Op::kCall), 1);
  EXPECT_THAT(p_ops, Not(Contains(Op::kIndexConst)));
  EXPECT_THAT(OpsOf(p, "data.t.level"), Contains(Op::kCallBuiltin));
  EXPECT_THAT(OpsOf(p, "data.t.only_default"),
              ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(Value1(policy, "data.t.p"), "[86400000000000,1,5,1]");
  EXPECT_EQ(Value1(policy, "data.t"),
            R"({"day_ns":86400000000000,"hour_ns":3600000000000,)"
            R"("levels":{"internal":1,"public":0},"only_default":5,)"
            R"("p":[86400000000000,1,5,1]})");
}

TEST(FoldRuleTest, ConditionsOnConstantsAreDecidedOnce) {
  const std::string policy = R"(package t
limits := {"max": 3}
big if count([1, 2, 3]) >= limits.max
small if count([1, 2, 3]) < limits.max
size := "big" if small else := "medium" if { "x" in {"y"} } else := "large"
p := [big, size]
q if { not small; limits.min }
)";
  vm::Program p = CompileWithQuery(policy, "data.t.p");
  EXPECT_THAT(OpsOf(p, "data.t.big"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn))
      << vm::Disassemble(p);
  EXPECT_THAT(OpsOf(p, "data.t.size"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_THAT(OpsOf(p, "query"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  // small is never true: its function is undefined, and calls of it stay.
  EXPECT_THAT(OpsOf(p, "data.t.small"), ::testing::ElementsAre(Op::kReturnUndefined));
  EXPECT_EQ(Value1(policy, "data.t.p"), R"([true,"large"])");
  EXPECT_EQ(Value1(policy, "data.t.small"), "undefined");
  EXPECT_EQ(Value1(policy, "data.t.q"), "undefined");
}

TEST(FoldRuleTest, WithOnAFoldedRuleStillReplacesIt) {
  const std::string policy = R"(package t
hour_ns := 3600 * 1000000000
double := hour_ns * 2
plain := double
mocked := v if v := double with hour_ns as 1
mocked_data := v if v := double with data.t.hour_ns as 2
)";
  vm::Program p = CompileWithQuery(policy, "data.t.plain");
  // hour_ns is replaced somewhere, so calls of it stay calls (its own
  // value is still folded inside its function).
  EXPECT_THAT(OpsOf(p, "data.t.double"), Contains(Op::kCall)) << vm::Disassemble(p);
  EXPECT_THAT(OpsOf(p, "data.t.hour_ns"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(Value1(policy, "data.t.plain"), "7200000000000");
  EXPECT_EQ(Value1(policy, "data.t.mocked"), "2");
  EXPECT_EQ(Value1(policy, "data.t.mocked_data"), "4");
}

TEST(FoldRuleTest, WithOnAPrefixStillReplacesIt) {
  const std::string policy = R"(package t.c
limit := 10 * 10
)";
  const std::string user = R"(package u
import data.t.c
p := c.limit + 1
q := v if v := p with data.t as {"c": {"limit": 1}}
)";
  EXPECT_EQ(testing::Eval({policy, user}, "data.u.p"), "101");
  EXPECT_EQ(testing::Eval({policy, user}, "data.u.q"), "2");
}

TEST(FoldRuleTest, ConflictingDefinitionsStillConflict) {
  const std::string policy = R"(package t
x := 1
x := 2
y := 3
y := 1 + 2
p := x
)";
  EXPECT_THAT(Value1(policy, "data.t.p"), StartsWith("error: eval_conflict_error: "));
  // Equal values do not conflict, and fold.
  vm::Program p = CompileWithQuery(policy, "data.t.y");
  EXPECT_THAT(OpsOf(p, "query"), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(Value1(policy, "data.t.y"), "3");
}

TEST(FoldRuleTest, RulesThatDependOnInputAreNotConstant) {
  const std::string policy = R"(package t
a := input.x * 2
b := a + 1
)";
  vm::Program p = CompileWithQuery(policy, "data.t.b");
  EXPECT_THAT(OpsOf(p, "data.t.b"), Contains(Op::kCall));
  EXPECT_EQ(Value1(policy, "data.t.b", R"({"x": 4})"), "9");
  EXPECT_EQ(Value1(policy, "data.t.b", "{}"), "undefined");
}

// --- fold.h directly -------------------------------------------------------------

TEST(FoldTest, WhichBuiltinsFold) {
  EXPECT_TRUE(FoldableBuiltin("plus"));
  EXPECT_TRUE(FoldableBuiltin("numbers.range"));
  EXPECT_TRUE(FoldableBuiltin("regex.match"));
  EXPECT_FALSE(FoldableBuiltin("time.now_ns"));
  EXPECT_FALSE(FoldableBuiltin("rand.intn"));
  EXPECT_FALSE(FoldableBuiltin("uuid.rfc4122"));
  EXPECT_FALSE(FoldableBuiltin("io.jwt.decode_verify"));
  EXPECT_FALSE(FoldableBuiltin("http.send"));       // unsupported
  EXPECT_FALSE(FoldableBuiltin("opa.runtime"));     // unsupported
  EXPECT_FALSE(FoldableBuiltin("trace"));           // output
  EXPECT_FALSE(FoldableBuiltin("internal.print"));  // output
  EXPECT_FALSE(FoldableBuiltin("time.date"));       // may read the host's time zone
  EXPECT_FALSE(FoldableBuiltin("my.custom"));       // not in the table
}

TEST(FoldTest, CallsThatMustStay) {
  auto fold = [](std::string_view name, std::vector<Value> args) {
    return FoldBuiltinCall(name, args, nullptr);
  };
  EXPECT_EQ(fold("plus", {Value::Int(1), Value::Int(2)}), Value::Int(3));
  EXPECT_TRUE(fold("div", {Value::Int(1), Value::Int(0)}).is_undefined());
  EXPECT_TRUE(fold("to_number", {Value::String("abc")}).is_undefined());
  // Undefined results stay calls as well.
  EXPECT_TRUE(fold("object.get", {Value::Int(1), Value::Int(1), Value::Int(1)}).is_undefined());
  // Not even tried: a billion elements, or a width of a billion.
  EXPECT_TRUE(fold("numbers.range", {Value::Int(0), Value::Int(1000000000)}).is_undefined());
  EXPECT_TRUE(fold("numbers.range_step", {Value::Int(0), Value::Int(1000000000), Value::Int(2)})
                  .is_undefined());
  EXPECT_TRUE(fold("sprintf", {Value::String("%1000000000d"), Value::EmptyArray()})
                  .is_undefined());
  Value range = fold("numbers.range", {Value::Int(0), Value::Int(100)});
  ASSERT_TRUE(range.is_array());
  EXPECT_EQ(range.size(), 101u);
}

TEST(FoldTest, Collections) {
  std::vector<Value> pairs = {Value::String("a"), Value::Int(1), Value::String("a"),
                              Value::Int(2)};
  EXPECT_TRUE(FoldCollection(Op::kMakeObject, pairs, nullptr).is_undefined());
  pairs[3] = Value::Int(1);  // the same key with the same value is fine
  EXPECT_EQ(ToJson(FoldCollection(Op::kMakeObject, pairs, nullptr)), R"({"a":1})");
  std::vector<Value> items = {Value::Int(2), Value::Int(1), Value::Int(2)};
  EXPECT_EQ(ToJson(FoldCollection(Op::kMakeSet, items, nullptr)), "[1,2]");
  EXPECT_EQ(ToJson(FoldCollection(Op::kMakeArray, items, nullptr)), "[2,1,2]");
}

}  // namespace
}  // namespace verdict::compile
