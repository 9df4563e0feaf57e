// Loop-invariant loads (optimize.cc, HoistLoopInvariants): a LoadConst,
// LoadInput or LoadData that every iteration runs before anything that
// can raise moves before its loop, out of every loop it does not depend
// on, and a missing key then ends the loop at once. Checked on the
// compiled code and on the decisions, spans included.
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

using ::testing::HasSubstr;
using testing::Value1;

// The pcs, in function [name] of [module], of the first instruction whose
// listing contains [what] and of the first IterInit.
struct Positions {
  int load = -1;
  int first_loop = -1;
};

Positions Find(const std::string& module, std::string_view name, std::string_view what) {
  absl::StatusOr<syntax::Module> parsed = syntax::ParseModule(module, "test-0.rego");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  std::vector<syntax::Module> modules;
  modules.push_back(*std::move(parsed));
  absl::StatusOr<vm::Program> program = Compile(modules, {});
  EXPECT_TRUE(program.ok()) << program.status();
  Positions pos;
  if (!program.ok()) return pos;
  for (const vm::Function& f : program->functions) {
    if (f.name != name) continue;
    for (uint32_t pc = f.entry_pc; pc < f.end_pc; ++pc) {
      const std::string text = vm::FormatInstr(*program, pc);
      if (pos.load < 0 && text.find(what) != std::string::npos) pos.load = static_cast<int>(pc);
      if (pos.first_loop < 0 && program->code[pc].op == vm::Op::kIterInit) {
        pos.first_loop = static_cast<int>(pc);
      }
    }
  }
  return pos;
}

constexpr char kGrants[] = R"(package t
allow if {
  some role in input.roles
  some g in data.grants[role]
  g.action == input.action
}
)";
constexpr char kData[] = R"({"grants": {"dev": [{"action": "read"}], "ops": [{"action": "deploy"}]}})";

TEST(LoopInvariantTest, InputLoadsLeaveBothLoops) {
  Positions p = Find(kGrants, "data.t.allow", R"(["action"])");
  ASSERT_GE(p.load, 0);
  ASSERT_GE(p.first_loop, 0);
  EXPECT_LT(p.load, p.first_loop);
  // data.grants too: only the index by role depends on the outer loop.
  Positions d = Find(kGrants, "data.t.allow", R"(LoadData)");
  EXPECT_LT(d.load, d.first_loop);
}

TEST(LoopInvariantTest, DecisionsAreUnchanged) {
  EXPECT_EQ(Value1(kGrants, "data.t.allow", R"({"roles": ["dev", "ops"], "action": "deploy"})",
                   kData),
            "true");
  EXPECT_EQ(Value1(kGrants, "data.t.allow", R"({"roles": ["dev"], "action": "deploy"})", kData),
            "undefined");
  // The hoisted load is undefined: the loops end at once.
  EXPECT_EQ(Value1(kGrants, "data.t.allow", R"({"roles": ["dev", "ops"]})", kData),
            "undefined");
  EXPECT_EQ(Value1(kGrants, "data.t.allow", R"({"roles": [], "action": "read"})", kData),
            "undefined");
  EXPECT_EQ(Value1(kGrants, "data.t.allow", R"({"roles": ["dev"], "action": "read"})", "{}"),
            "undefined");
}

TEST(LoopInvariantTest, NotPastWhatCanRaiseOrAcrossWith) {
  const std::string module = R"(package t
counted if {
  some x in input.xs
  to_number(x) > 0
  input.flag == true
}
mocked if {
  some x in input.xs
  x == input.want
  q with input.z as 1
}
q if input.z == 1
)";
  // The load after a builtin call stays in the loop: in strict mode an
  // element's error must come first, as it did.
  Positions p = Find(module, "data.t.counted", R"(["flag"])");
  EXPECT_GT(p.load, p.first_loop);
  EXPECT_THAT(testing::Eval({module}, "data.t.counted", R"({"xs": ["x"]})", "", true),
              HasSubstr("error: eval_builtin_error: test-0.rego:4:3: to_number"));
  // A function that pushes `with` keeps its loads where they were.
  Positions m = Find(module, "data.t.mocked", R"(["want"])");
  EXPECT_GT(m.load, m.first_loop);
  EXPECT_EQ(Value1(module, "data.t.mocked", R"({"xs": [1, 2], "want": 2})"), "true");
}

TEST(LoopInvariantTest, HoistedInstructionsKeepTheirSpans) {
  const std::string module = R"(package t
p if {
  some x in input.xs
  x == input.limit
  y := x / input.divisor
  y > 0
}
)";
  Positions p = Find(module, "data.t.p", R"(["divisor"])");
  EXPECT_LT(p.load, p.first_loop);
  EXPECT_EQ(Value1(module, "data.t.p", R"({"xs": [4], "limit": 4, "divisor": 2})"), "true");
  // The division error still points at its own line after the loads moved.
  EXPECT_THAT(
      testing::Eval({module}, "data.t.p", R"({"xs": [4], "limit": 4, "divisor": 0})", "", true),
      HasSubstr("error: eval_builtin_error: test-0.rego:5:3: div: divide by zero"));
}

}  // namespace
}  // namespace verdict::compile
