// Rule indexing (lib/compile/rule_index.h, the Switch of opcodes.def *12):
// which key splits a document's definitions, what the compiled code looks
// like, and that every decision is the one the unindexed code makes, on
// hand-written cases and on random policies.
#include "compile/rule_index.h"

#include <random>
#include <string>
#include <vector>

#include "compile/compiler.h"
#include "compile_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/parse.h"
#include "vm/disasm.h"
#include "vm/program.h"

namespace verdict::compile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Value Path(std::initializer_list<const char*> keys) {
  ArrayBuilder b;
  for (const char* k : keys) b.Add(Value::String(k));
  return b.Build();
}

KeyConstraint Input(std::initializer_list<const char*> path, std::vector<Value> values) {
  return {IndexKey{-1, Path(path)}, std::move(values)};
}

Value S(const char* s) { return Value::String(s); }

std::vector<size_t> All(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(ChooseIndexSplitTest, TooFewDefinitionsAreNotIndexed) {
  std::vector<DefinitionKeys> keys = {
      {Input({"path"}, {S("/a")})}, {Input({"path"}, {S("/b")})}, {Input({"path"}, {S("/c")})}};
  EXPECT_FALSE(ChooseIndexSplit(All(3), keys, {}).has_value());
}

TEST(ChooseIndexSplitTest, GroupsByValueInSourceOrder) {
  std::vector<DefinitionKeys> keys = {
      {Input({"path"}, {S("/a")})},
      {Input({"path"}, {S("/b")})},
      {},  // no test of the path: runs for every input
      {Input({"path"}, {S("/a")})},
      {Input({"path"}, {S("/c"), S("/b"), S("/c")})},  // path in {...}
      {Input({"path"}, {S("/d")})},
  };
  std::optional<IndexSplit> split = ChooseIndexSplit(All(6), keys, {});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->key.arg, -1);
  EXPECT_EQ(split->key.input_path, Path({"path"}));
  ASSERT_EQ(split->cases.size(), 4u);
  EXPECT_THAT(split->cases[0].values, ElementsAre(S("/a")));
  EXPECT_THAT(split->cases[0].defs, ElementsAre(0, 3));
  EXPECT_THAT(split->cases[1].values, ElementsAre(S("/b")));
  EXPECT_THAT(split->cases[1].defs, ElementsAre(1, 4));
  EXPECT_THAT(split->cases[2].values, ElementsAre(S("/c")));
  EXPECT_THAT(split->cases[2].defs, ElementsAre(4));
  EXPECT_THAT(split->rest, ElementsAre(2));
}

TEST(ChooseIndexSplitTest, ValuesAdmittingTheSameDefinitionsShareACase) {
  std::vector<DefinitionKeys> keys = {
      {Input({"role"}, {S("a"), S("b"), S("c")})},
      {Input({"role"}, {S("d")})},
      {Input({"role"}, {S("e")})},
      {Input({"role"}, {S("f")})},
  };
  std::optional<IndexSplit> split = ChooseIndexSplit(All(4), keys, {});
  ASSERT_TRUE(split.has_value());
  ASSERT_EQ(split->cases.size(), 4u);
  EXPECT_THAT(split->cases[0].values, ElementsAre(S("a"), S("b"), S("c")));
  EXPECT_THAT(split->cases[0].defs, ElementsAre(0));
}

TEST(ChooseIndexSplitTest, BoundsTheCopiesOfDefinitionsInSeveralCases) {
  // Definition i admits i..i+5: each value selects a different window, so
  // every definition would be compiled for six cases.
  std::vector<DefinitionKeys> keys;
  for (int i = 0; i < 8; ++i) {
    std::vector<Value> window;
    for (int j = i; j < i + 6; ++j) window.push_back(Value::Int(j));
    keys.push_back({{IndexKey{-1, Path({"n"})}, window}});
  }
  EXPECT_FALSE(ChooseIndexSplit(All(8), keys, {}).has_value());
}

TEST(ChooseIndexSplitTest, EqualNumbersShareAGroup) {
  std::vector<DefinitionKeys> keys = {
      {Input({"n"}, {Value::Int(1)})},
      {Input({"n"}, {*ParseJson("1.0")})},
      {Input({"n"}, {Value::Int(2)})},
      {Input({"n"}, {Value::Int(3)})},
  };
  std::optional<IndexSplit> split = ChooseIndexSplit(All(4), keys, {});
  ASSERT_TRUE(split.has_value());
  ASSERT_EQ(split->cases.size(), 3u);
  EXPECT_THAT(split->cases[0].defs, ElementsAre(0, 1));
}

TEST(ChooseIndexSplitTest, PrefersTheKeyThatLeavesFewestDefinitions) {
  // Every rule tests the method (two values) and the path (all distinct).
  std::vector<DefinitionKeys> keys;
  for (int i = 0; i < 8; ++i) {
    keys.push_back({Input({"method"}, {S(i % 2 ? "GET" : "POST")}),
                    Input({"path"}, {Value::String("/r" + std::to_string(i))})});
  }
  std::optional<IndexSplit> split = ChooseIndexSplit(All(8), keys, {});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->key.input_path, Path({"path"}));
  EXPECT_EQ(split->cases.size(), 8u);
  // Once the path is decided, the method does not split a case of one.
  const std::vector<IndexKey> decided = {split->key};
  EXPECT_FALSE(ChooseIndexSplit(split->cases[0].defs, keys, decided).has_value());
  // Excluding the path leaves the method: 4 rules per value.
  std::optional<IndexSplit> by_method = ChooseIndexSplit(All(8), keys, decided);
  ASSERT_TRUE(by_method.has_value());
  EXPECT_EQ(by_method->key.input_path, Path({"method"}));
}

TEST(ChooseIndexSplitTest, NoSplitThatDoesNotHalveTheWork) {
  // Half the rules have no key: trying 4 + 1 of 8 is not worth a Switch.
  std::vector<DefinitionKeys> keys(8);
  for (int i = 0; i < 3; ++i) keys[i] = {Input({"user"}, {Value::String(std::to_string(i))})};
  EXPECT_FALSE(ChooseIndexSplit(All(8), keys, {}).has_value());
  // One value shared by all: the key selects nothing.
  std::vector<DefinitionKeys> same(6, DefinitionKeys{Input({"user"}, {S("alice")})});
  EXPECT_FALSE(ChooseIndexSplit(All(6), same, {}).has_value());
}

TEST(ChooseIndexSplitTest, FunctionArguments) {
  std::vector<DefinitionKeys> keys;
  for (const char* v : {"a", "b", "c", "d"}) keys.push_back({{IndexKey{1, Value()}, {S(v)}}});
  std::optional<IndexSplit> split = ChooseIndexSplit(All(4), keys, {});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->key.arg, 1);
  EXPECT_EQ(split->cases.size(), 4u);
}

// --- compiled code -----------------------------------------------------------

vm::Program CompileModule(const std::string& module, bool index_rules = true) {
  absl::StatusOr<syntax::Module> parsed = syntax::ParseModule(module, "test-0.rego");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return {};
  std::vector<syntax::Module> modules;
  modules.push_back(*std::move(parsed));
  CompileOptions options;
  options.index_rules = index_rules;
  absl::StatusOr<vm::Program> program = Compile(modules, {}, options);
  EXPECT_TRUE(program.ok()) << program.status();
  return program.ok() ? *std::move(program) : vm::Program();
}

std::string Disassembly(const std::string& module, bool index_rules = true) {
  return vm::Disassemble(CompileModule(module, index_rules));
}

// The table of the first Switch, as JSON (object keys are strings here).
std::string FirstSwitchTable(const vm::Program& p) {
  for (const vm::Instr& in : p.code) {
    if (in.op == vm::Op::kSwitch) return ToJson(p.constants[in.b]) + " " + std::to_string(in.c);
  }
  return "no Switch";
}

constexpr char kRoutes[] = R"(package t
allow if { input.method == "GET"; input.path == "/a" }
allow if { input.path == "/b" }
allow if { input.path == "/c"; input.user == "u" }
allow if { "/d" = input.path }
allow if { input.path in {"/e", "/f"} }
)";

TEST(RuleIndexLoweringTest, SwitchesOnTheInputPath) {
  std::string code = Disassembly(kRoutes);
  EXPECT_THAT(code, HasSubstr("LoadInput R0 K[0]=[\"path\"]"));
  EXPECT_THAT(code, HasSubstr("Switch R0 K[1]="));
  // "/e" and "/f" admit the same definition: one case.
  EXPECT_EQ(FirstSwitchTable(CompileModule(kRoutes)),
            R"({"/a":0,"/b":1,"/c":2,"/d":3,"/e":4,"/f":4} 5)");
  EXPECT_THAT(Disassembly(kRoutes, false), Not(HasSubstr("Switch")));
}

TEST(RuleIndexLoweringTest, SwitchesOnConstantArguments) {
  std::string code = Disassembly(R"(package t
f("a") := 1
f("b") := 2
f(1) := 3
f(x) := 4 if x == "z"
)");
  EXPECT_THAT(code, HasSubstr("Switch R0 K["));
  EXPECT_THAT(code, HasSubstr("} 3 ->"));
}

TEST(RuleIndexLoweringTest, ElseChainsAndNegationsAreNotKeys) {
  std::string code = Disassembly(R"(package t
p := 1 if input.x == "a" else := 2
p := 3 if not input.x == "b"
p := 4 if { x := input.x; x == "c" }
p := 5 if input.x == "d" with input as {"x": "d"}
)");
  EXPECT_THAT(code, Not(HasSubstr("Switch")));
}

// --- decisions -----------------------------------------------------------------

std::string Eval(const std::string& module, std::string_view query, std::string_view input,
                 bool index_rules, bool strict = false) {
  CompileOptions options;
  options.index_rules = index_rules;
  return testing::Eval({module}, query, input, "", strict, options);
}

// The decision with the index, checked against the one without.
std::string Indexed(const std::string& module, std::string_view query, std::string_view input) {
  std::string want = Eval(module, query, input, false);
  std::string got = Eval(module, query, input, true);
  EXPECT_EQ(got, want) << module << "\nquery " << query << "\ninput " << input;
  return got;
}

TEST(RuleIndexEvalTest, Routes) {
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"method": "GET", "path": "/a"})"), "true");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"method": "PUT", "path": "/a"})"),
            "undefined");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"path": "/d"})"), "true");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"path": "/f"})"), "true");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"path": "/g"})"), "undefined");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", R"({"method": "GET"})"), "undefined");
  EXPECT_EQ(Indexed(kRoutes, "data.t.allow", ""), "undefined");
}

TEST(RuleIndexEvalTest, DefaultsPartialSetsAndObjects) {
  const std::string module = R"(package t
default role := "none"
role := "admin" if input.user == "alice"
role := "dev" if input.user == "bob"
role := "dev" if input.user == "carol"
role := "ops" if input.user == "dave"

grants contains "read" if input.user in ["alice", "bob"]
grants contains "write" if input.user == "alice"
grants contains "deploy" if input.user == "dave"
grants contains "audit" if input.user == "erin"
grants contains "login" if input.active

limits[input.user] := 10 if input.tier == "gold"
limits["x"] := 1 if input.tier == "silver"
limits["y"] := 2 if input.tier == "bronze"
limits["z"] := 3 if input.tier == "tin"
)";
  EXPECT_EQ(Indexed(module, "data.t.role", R"({"user": "bob"})"), "\"dev\"");
  EXPECT_EQ(Indexed(module, "data.t.role", R"({"user": "zed"})"), "\"none\"");
  EXPECT_EQ(Indexed(module, "data.t.grants", R"({"user": "alice", "active": true})"),
            R"(["login","read","write"])");
  EXPECT_EQ(Indexed(module, "data.t.grants", R"({"user": "dave"})"), R"(["deploy"])");
  EXPECT_EQ(Indexed(module, "data.t.grants", R"({})"), "[]");
  EXPECT_EQ(Indexed(module, "data.t.limits", R"({"user": "u", "tier": "gold"})"),
            R"({"u":10})");
  EXPECT_EQ(Indexed(module, "data.t.limits", R"({"tier": "tin"})"), R"({"z":3})");
}

TEST(RuleIndexEvalTest, ConflictsAcrossGroupsAndTheRest) {
  const std::string module = R"(package t
p := 1 if input.x == "a"
p := 2 if input.x == "a"
p := 3 if input.x == "b"
p := 4 if input.x == "c"
p := 5 if input.y
)";
  EXPECT_THAT(Indexed(module, "data.t.p", R"({"x": "a"})"),
              HasSubstr("error: eval_conflict_error"));
  EXPECT_THAT(Indexed(module, "data.t.p", R"({"x": "b", "y": true})"),
              HasSubstr("error: eval_conflict_error"));
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"x": "c"})"), "4");
}

TEST(RuleIndexEvalTest, NumbersCompositesImportsAndWith) {
  const std::string module = R"(package t
import input.req as r
p := "one" if r.n == 1
p := "two" if r.n == 2
p := "pair" if r.n == [1, "x"]
p := "obj" if r.n == {"k": 1}
p := "null" if r.n == null

q := x if { x := data.t.p with input as {"req": {"n": 2}} }
)";
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"req": {"n": 1.0}})"), "\"one\"");
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"req": {"n": [1.0, "x"]}})"), "\"pair\"");
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"req": {"n": {"k": 1}}})"), "\"obj\"");
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"req": {"n": null}})"), "\"null\"");
  EXPECT_EQ(Indexed(module, "data.t.p", R"({"req": {"n": 3}})"), "undefined");
  EXPECT_EQ(Indexed(module, "data.t.q", R"({"req": {"n": 1}})"), "\"two\"");
  EXPECT_EQ(Indexed(module, "x := data.t.p with input.req.n as 2", ""), R"([{"x":"two"}])");
}

TEST(RuleIndexEvalTest, FunctionsByArgument) {
  const std::string module = R"(package t
f("a") := 1
f("b") := 2
f(1) := 3
f(x) := 4 if x == "z"
f(x) := 5 if { x == "a"; input.five }
)";
  EXPECT_EQ(Indexed(module, "x := data.t.f(\"b\")", ""), R"([{"x":2}])");
  EXPECT_EQ(Indexed(module, "x := data.t.f(1.0)", ""), R"([{"x":3}])");
  EXPECT_EQ(Indexed(module, "x := data.t.f(\"z\")", ""), R"([{"x":4}])");
  EXPECT_EQ(Indexed(module, "x := data.t.f(\"q\")", ""), "[]");
  EXPECT_THAT(Indexed(module, "x := data.t.f(\"a\")", R"({"five": true})"),
              HasSubstr("error: eval_conflict_error"));
}

// Random policies: one document of a random kind whose definitions test
// input fields (==, =, in, reversed operands, negations, an import alias)
// against a small domain of values, evaluated on random inputs with and
// without the index.
class RandomPolicy {
 public:
  explicit RandomPolicy(uint32_t seed) : rng_(seed) {}

  std::string Value() { return Pick(kValues); }

  std::string Condition() {
    static constexpr const char* kKeys[] = {"input.a", "input.b", "input.c.d", "cd.d",
                                            "input[\"a\"]"};
    const std::string key = Pick(kKeys);
    switch (Below(8)) {
      case 0:
        return Value() + " == " + key;
      case 1:
        return key + " = " + Value();
      case 2:
        return key + " in {" + Value() + ", " + Value() + "}";
      case 3:
        return key + " in [" + Value() + "]";
      case 4:
        return "not " + key + " == " + Value();
      case 5:
        return key + " != " + Value();
      default:
        return key + " == " + Value();
    }
  }

  std::string Body() {
    std::string body;
    const int n = 1 + Below(3);
    for (int i = 0; i < n; ++i) body += (i ? "; " : "") + Condition();
    return "{ " + body + " }";
  }

  // Returns the module; [*query] the query to evaluate.
  std::string Module(std::string* query) {
    std::string m = "package t\nimport input.c as cd\n";
    const int kind = Below(6);
    const int n = 2 + Below(24);
    if (kind == 0 && Below(2)) m += "default p := false\n";
    for (int i = 0; i < n; ++i) {
      switch (kind) {
        case 0:
          m += "p if " + Body() + "\n";
          break;
        case 1:
          m += "p := " + std::to_string(Below(3)) + " if " + Body() + "\n";
          break;
        case 2:
          m += "p contains " + Value() + " if " + Body() + "\n";
          break;
        case 3:
          m += "p[" + Pick(kValues) + "] := " + std::to_string(Below(2)) + " if " + Body() + "\n";
          break;
        case 4:
          if (Below(4) == 0) {
            m += "p := 1 if " + Body() + " else := 2 if " + Body() + "\n";
          } else {
            m += "p := " + std::to_string(Below(2)) + " if " + Body() + "\n";
          }
          break;
        default:
          m += "f(" + (Below(3) ? Value() : std::string("x")) + ") := " +
               std::to_string(Below(2)) + " if " + Body() + "\n";
          break;
      }
    }
    *query = kind == 5 ? "x := data.t.f(" + Value() + ")" : "data.t.p";
    return m;
  }

  std::string Input() {
    std::string in = "{";
    bool first = true;
    auto field = [&](const std::string& name, const std::string& value) {
      in += (first ? "" : ", ") + ("\"" + name + "\": ") + value;
      first = false;
    };
    if (Below(4)) field("a", Value());
    if (Below(4)) field("b", Value());
    if (Below(4)) field("c", "{\"d\": " + Value() + "}");
    return in + "}";
  }

 private:
  static constexpr const char* kValues[] = {"\"x\"", "\"y\"", "\"z\"", "1",   "1.0",
                                            "2",     "[1, \"x\"]", "true", "null"};

  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  template <size_t N>
  std::string Pick(const char* const (&options)[N]) {
    return options[rng_() % N];
  }

  std::mt19937 rng_;
};

// "error: code: test-0.rego:3:1: message" without the "test-0.rego:3:1: ".
std::string WithoutLocation(std::string s) {
  const size_t at = s.find("test-0.rego:");
  if (at == std::string::npos) return s;
  const size_t end = s.find(": ", at);
  return s.erase(at, end == std::string::npos ? std::string::npos : end + 2 - at);
}

TEST(RuleIndexEvalTest, RandomPoliciesDecideAsWithoutTheIndex) {
  int indexed = 0, nested = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomPolicy gen(seed);
    std::string query;
    const std::string module = gen.Module(&query);
    const std::string code = Disassembly(module);
    const size_t first = code.find("Switch");
    indexed += first != std::string::npos;
    nested += first != std::string::npos && code.find("Switch", first + 1) != std::string::npos;
    for (int i = 0; i < 10; ++i) {
      const std::string input = gen.Input();
      // Definitions run in another order, so a conflict can be reported
      // at the other definition of the two.
      ASSERT_EQ(WithoutLocation(Eval(module, query, input, true)),
                WithoutLocation(Eval(module, query, input, false)))
          << "seed " << seed << "\n" << module << "query " << query << "\ninput " << input;
    }
  }
  // The generator must exercise the index, not only the fallback.
  EXPECT_GT(indexed, 75);
  EXPECT_GT(nested, 10);
}

}  // namespace
}  // namespace verdict::compile
