// Generator fusion (lower.cc, "Generator fusion"): `some x in s` over a
// partial set rule s runs s's body in place where the set's order and
// duplicates cannot be seen. Each test checks where fusion applies and
// where it must not, and that every decision equals the one the unfused
// code makes.
#include <functional>
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

using ::testing::HasSubstr;
using ::testing::Not;

// The listing of function [name] of [module] compiled with fusion.
std::string Listing(const std::string& module, std::string_view name) {
  absl::StatusOr<syntax::Module> parsed = syntax::ParseModule(module, "test-0.rego");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return "";
  std::vector<syntax::Module> modules;
  modules.push_back(*std::move(parsed));
  absl::StatusOr<vm::Program> program = Compile(modules, {});
  EXPECT_TRUE(program.ok()) << program.status();
  if (!program.ok()) return "";
  std::string all = vm::Disassemble(*program);
  const std::string header = "function ";
  size_t at = all.find(" " + std::string(name) + "  params");
  if (at == std::string::npos) return "";
  size_t end = all.find("\n" + header, at);
  return all.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// Whether [consumer]'s function calls the set [s] (not fused) or not.
bool CallsSet(const std::string& module, std::string_view consumer, std::string_view s) {
  return Listing(module, consumer).find("<" + std::string(s) + ">") != std::string::npos;
}

std::string Eval(const std::string& module, std::string_view query, std::string_view input,
                 std::string_view data, bool fuse, bool strict = false) {
  CompileOptions options;
  options.fuse_generators = fuse;
  return testing::Eval({module}, query, input, data, strict, options);
}

// The decision with fusion, checked against the one without.
std::string Fused(const std::string& module, std::string_view query, std::string_view input,
                  std::string_view data = "", bool strict = false) {
  std::string want = Eval(module, query, input, data, false, strict);
  std::string got = Eval(module, query, input, data, true, strict);
  EXPECT_EQ(got, want) << module << "\nquery " << query << "\ninput " << input;
  return got;
}

constexpr char kRbac[] = R"(package t
default allow := false
allow if {
  some grant in grants
  input.action == grant.action
}
grants contains g if {
  some role in data.roles[input.user]
  some g in data.grants[role]
}
)";
constexpr char kRbacData[] = R"({
  "roles": {"bob": ["dev", "ops"], "eve": []},
  "grants": {"dev": [{"action": "read"}, {"action": "write"}],
             "ops": [{"action": "read"}, {"action": "deploy"}]}})";

TEST(GeneratorFusionTest, AllowOverGrantsRunsTheGrantsBodyInPlace) {
  EXPECT_FALSE(CallsSet(kRbac, "data.t.allow", "data.t.grants"));
  EXPECT_THAT(Listing(kRbac, "data.t.allow"), Not(HasSubstr("AccFinish")));
  EXPECT_EQ(Fused(kRbac, "data.t.allow", R"({"user": "bob", "action": "deploy"})", kRbacData),
            "true");
  EXPECT_EQ(Fused(kRbac, "data.t.allow", R"({"user": "bob", "action": "delete"})", kRbacData),
            "false");
  EXPECT_EQ(Fused(kRbac, "data.t.allow", R"({"user": "eve", "action": "read"})", kRbacData),
            "false");
  EXPECT_EQ(Fused(kRbac, "data.t.allow", R"({"user": "zed"})", kRbacData), "false");
  // The set itself is still a document of its own.
  EXPECT_EQ(Fused(kRbac, "data.t.grants", R"({"user": "bob"})", kRbacData),
            R"([{"action":"deploy"},{"action":"read"},{"action":"write"}])");
}

TEST(GeneratorFusionTest, NotWhereOrderOrDuplicatesShow) {
  const std::string module = R"(package t
s contains x if { some x in input.xs }
listed := [x | some x in s]
counted := count({x | some x in s})
)";
  // Only expressions of a rule body itself run the set in place.
  EXPECT_TRUE(CallsSet(module, "data.t.listed", "data.t.s"));
  EXPECT_TRUE(CallsSet(module, "data.t.counted", "data.t.s"));
  EXPECT_EQ(Fused(module, "data.t.listed", R"({"xs": [3, 1, 3]})"), "[1,3]");
  EXPECT_EQ(Fused(module, "data.t.counted", R"({"xs": [3, 1, 3]})"), "2");
  // A query's bindings are one row per solution.
  EXPECT_EQ(Fused(module, "some x in data.t.s", R"({"xs": [2, 2, 1]})"),
            R"([{"x":1},{"x":2}])");
}

TEST(GeneratorFusionTest, NotWhenTheSetCanRaiseOrIsReplaced) {
  const std::string module = R"(package t
calls contains x if { some x in input.xs; to_number(x) > 0 }
rule_ref contains x if { some x in input.xs; x != limit }
limit := input.limit
plain contains x if { some x in input.xs }
other contains x if { some x in input.ys }

p if { some x in calls; x == "1" }
q if { some x in rule_ref; x == 1 }
r if { some x in plain; x == 1 }
mocked if { r with data.t.plain as [1] }
consumer_calls if { some x in other; to_number(x) > 1 }
consumer_rule_ref if { some x in other; x == limit }
)";
  EXPECT_TRUE(CallsSet(module, "data.t.p", "data.t.calls"));
  EXPECT_TRUE(CallsSet(module, "data.t.q", "data.t.rule_ref"));
  // The consumer's other expressions must not raise either: in strict
  // mode the set's sorted order decides whether an erroring element comes
  // before the one that succeeds.
  EXPECT_TRUE(CallsSet(module, "data.t.consumer_calls", "data.t.other"));
  EXPECT_TRUE(CallsSet(module, "data.t.consumer_rule_ref", "data.t.other"));
  // "1x" sorts before "9": the set raises, though "9" comes first.
  EXPECT_THAT(Fused(module, "data.t.consumer_calls", R"({"ys": ["9", "1x"]})", "", true),
              HasSubstr("error"));
  EXPECT_EQ(Fused(module, "data.t.consumer_calls", R"({"ys": ["9", "1x"]})"), "true");
  // `with data.t.plain` somewhere: its calls must stay calls everywhere.
  EXPECT_TRUE(CallsSet(module, "data.t.r", "data.t.plain"));
  EXPECT_EQ(Fused(module, "data.t.mocked", R"({"xs": [2]})"), "true");
  // Strict mode: the set's error is raised even though "1" matches first.
  EXPECT_THAT(Fused(module, "data.t.p", R"({"xs": ["1", "x"]})", "", /*strict=*/true),
              HasSubstr("error"));
}

TEST(GeneratorFusionTest, WithOnBaseDataStillReachesTheFusedBody) {
  const std::string module = std::string(kRbac) + R"(
bob_deploys if { allow with input as {"user": "bob", "action": "deploy"} }
eve_deploys if {
  allow with input as {"user": "eve", "action": "deploy"} with data.roles.eve as ["ops"]
}
)";
  EXPECT_FALSE(CallsSet(module, "data.t.allow", "data.t.grants"));
  EXPECT_EQ(Fused(module, "data.t.bob_deploys", "", kRbacData), "true");
  EXPECT_EQ(Fused(module, "data.t.eve_deploys", "", kRbacData), "true");
}

TEST(GeneratorFusionTest, ConsumersOfEveryKind) {
  const std::string module = R"(package t
s contains x if { some x in input.xs }
pairs contains [k, v] if { some k, v in input.obj }

complete := x if { some x in s; x > 5 }
partial contains y if { some y in s; y != 2 }
object[x] := true if { some x in s }
f(n) := x if { some x in s; x > n }
every_wanted if { every w in input.want { some x in s; x == w } }
none_big if { not big }
big if { some x in s; x > 100 }
destructured contains k if { some [k, 1] in pairs }
)";
  for (const char* consumer :
       {"data.t.complete", "data.t.partial", "data.t.object", "data.t.f", "data.t.big"}) {
    EXPECT_FALSE(CallsSet(module, consumer, "data.t.s")) << consumer;
  }
  // Inside `every` the set is built.
  EXPECT_TRUE(CallsSet(module, "data.t.every_wanted", "data.t.s"));
  EXPECT_FALSE(CallsSet(module, "data.t.destructured", "data.t.pairs"));
  const char* input = R"({"xs": [1, 2, 2, 7], "obj": {"a": 1, "b": 2}, "want": [1, 7]})";
  EXPECT_EQ(Fused(module, "data.t.complete", input), "7");
  EXPECT_EQ(Fused(module, "data.t.partial", input), "[1,7]");
  EXPECT_EQ(Fused(module, "data.t.object", input), R"({"1":true,"2":true,"7":true})");
  EXPECT_EQ(Fused(module, "x := data.t.f(5)", input), R"([{"x":7}])");
  EXPECT_THAT(Fused(module, "x := data.t.f(1)", input), HasSubstr("eval_conflict_error"));
  EXPECT_EQ(Fused(module, "data.t.every_wanted", input), "true");
  EXPECT_EQ(Fused(module, "data.t.none_big", input), "true");
  EXPECT_EQ(Fused(module, "data.t.destructured", input), R"(["a"])");
  EXPECT_THAT(Fused(module, "data.t.complete", R"({"xs": [8, 9]})"),
              HasSubstr("eval_conflict_error"));
}

TEST(GeneratorFusionTest, MembershipTestsCompareInPlace) {
  const std::string module = R"(package t
admins contains u if { some u in data.admins }
two contains u if { some u in data.admins }
two contains u if { some u in input.extra }
allow if input.user in admins
deny if not input.user in admins
either if input.user in two
)";
  const char* data = R"({"admins": ["alice", "carol"]})";
  EXPECT_FALSE(CallsSet(module, "data.t.allow", "data.t.admins"));
  EXPECT_FALSE(CallsSet(module, "data.t.deny", "data.t.admins"));
  EXPECT_TRUE(CallsSet(module, "data.t.either", "data.t.two"));  // two definitions
  EXPECT_EQ(Fused(module, "data.t.allow", R"({"user": "carol"})", data), "true");
  EXPECT_EQ(Fused(module, "data.t.allow", R"({"user": "bob"})", data), "undefined");
  EXPECT_EQ(Fused(module, "data.t.deny", R"({"user": "bob"})", data), "true");
  EXPECT_EQ(Fused(module, "data.t.deny", R"({"user": "alice"})", data), "undefined");
  EXPECT_EQ(Fused(module, "data.t.deny", "{}", data), "true");
  EXPECT_EQ(Fused(module, "data.t.either", R"({"user": "x", "extra": ["x"]})", data), "true");
}

TEST(GeneratorFusionTest, TheSetKeepsItsOwnModulesNames) {
  const std::vector<std::string> modules = {R"(package lib
import input.request as req
grants contains g if { some g in data.table[req.role] }
)",
                                            R"(package app
import data.lib
allow if { some g in lib.grants; g == input.want }
)"};
  const char* data = R"({"table": {"admin": ["read", "write"]}})";
  for (bool fuse : {false, true}) {
    CompileOptions options;
    options.fuse_generators = fuse;
    EXPECT_EQ(testing::Eval(modules, "data.app.allow",
                            R"({"request": {"role": "admin"}, "want": "write"})", data, false,
                            options),
              "true");
    EXPECT_EQ(testing::Eval(modules, "data.app.allow",
                            R"({"request": {"role": "admin"}, "want": "x"})", data, false,
                            options),
              "undefined");
  }
}

// Random inputs through a fixed set of producers and consumers.
TEST(GeneratorFusionTest, DecidesAsWithoutFusionOnRandomInputs) {
  const std::string module = R"(package t
s contains x if { some x in input.xs }
by_role contains x if { some r in input.roles; some x in data.grants[r] }
named contains i.name if { some i in input.items; i.level >= 2 }

p if { some x in s; x == input.want }
v := x if { some x in s; x > 2 }
q contains y if { some y in by_role; y != 3 }
o[x] := true if { some x in named }
e if { every w in input.all { some x in by_role; x == w } }
n if { not p }
c := count({x | some x in s; some y in by_role; x == y})
m if input.want in s
nm if not input.want in by_role
)";
  const char* data = R"({"grants": {"r1": [1, 2], "r2": [2, 6], "r3": []}})";
  const char* values[] = {"1", "2", "3", "6", "\"a\"", "2.0"};
  std::mt19937 rng(7);
  auto value = [&] { return std::string(values[rng() % std::size(values)]); };
  auto array = [&](const std::function<std::string()>& item) {
    std::string a = "[";
    for (uint32_t i = 0, n = rng() % 5; i < n; ++i) a += (i ? ", " : "") + item();
    return a + "]";
  };
  for (int round = 0; round < 200; ++round) {
    const std::string input =
        "{\"xs\": " + array(value) + ", \"want\": " + value() +
        ", \"roles\": " + array([&] { return "\"r" + std::to_string(1 + rng() % 4) + "\""; }) +
        ", \"items\": " + array([&] {
          return "{\"name\": " + value() + ", \"level\": " + std::to_string(rng() % 4) + "}";
        }) +
        ", \"all\": " + array(value) + "}";
    for (const char* q : {"data.t.p", "data.t.v", "data.t.q", "data.t.o", "data.t.e",
                          "data.t.n", "data.t.c", "data.t.m", "data.t.nm"}) {
      ASSERT_EQ(Eval(module, q, input, data, true), Eval(module, q, input, data, false))
          << q << " input " << input;
    }
  }
}

}  // namespace
}  // namespace verdict::compile
