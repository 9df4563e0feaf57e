// print() (the lowering in lib/compile/lower.cc, internal.print in
// lib/builtins/sprintf.cc, EvalOptions::print): what OPA's print hook
// receives, line for line, and that print never changes a decision.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Printed {
  std::string result;              // the decision, canonical JSON or "undefined"
  std::vector<std::string> lines;  // what print() wrote
};

// Evaluates [query] on [module] with [input], through EvaluateJson or
// Evaluate (pre-parsed input), collecting print output.
Printed Evaluate(std::string_view module, std::string_view query, std::string_view input,
            bool preparsed = false, bool hook = true) {
  Engine engine;
  EXPECT_THAT(engine.AddModule("print.rego", module), testing::IsOk());
  EXPECT_THAT(engine.Compile(), testing::IsOk());
  absl::StatusOr<PreparedQuery> q = engine.Prepare(query);
  EXPECT_THAT(q.status(), testing::IsOk());
  Printed out;
  if (!q.ok()) return out;
  EvalOptions options;
  if (hook) options.print = [&out](std::string_view line) { out.lines.emplace_back(line); };
  if (preparsed) {
    absl::StatusOr<Value> v = ParseJson(input);
    EXPECT_THAT(v.status(), testing::IsOk());
    absl::StatusOr<Decision> d = q->Evaluate(*v, options);
    EXPECT_THAT(d.status(), testing::IsOk());
    out.result = d.ok() && d->defined ? ToJson(d->result) : "undefined";
  } else {
    bool defined = false;
    std::string json;
    EXPECT_THAT(q->EvaluateJson(input, &json, &defined, options), testing::IsOk());
    out.result = defined ? json : "undefined";
  }
  return out;
}

constexpr char kPolicy[] = R"(package t
allow if {
  print("user", input.user, "roles", input.roles)
  print("missing:", input.nothing)
  some role in input.roles
  role == "admin"
}
)";

TEST(PrintTest, StringsBareOtherValuesInRegoSyntaxUndefinedNamed) {
  Printed p = Evaluate(kPolicy, "data.t.allow", R"({"user": "alice", "roles": ["admin", 2]})");
  EXPECT_EQ(p.result, "true");
  EXPECT_THAT(p.lines, ElementsAre(R"(user alice roles ["admin", 2])", "missing: <undefined>"));
  // Pre-parsed input prints the same.
  EXPECT_EQ(Evaluate(kPolicy, "data.t.allow", R"({"user": "alice", "roles": ["admin", 2]})", true)
                .lines,
            p.lines);
}

TEST(PrintTest, OneLinePerCombinationOfValues) {
  Printed p = Evaluate(R"(package t
p if { print(input.xs[_], "-", {x | some x in input.ys}, input.ys[_]) }
)",
                  "data.t.p", R"({"xs": [2, 1], "ys": ["b", "a"]})");
  EXPECT_EQ(p.result, "true");
  // Each operand's values in set order, the last one varying fastest.
  EXPECT_THAT(p.lines, ElementsAre(R"(1 - {"a", "b"} a)", R"(1 - {"a", "b"} b)",
                                   R"(2 - {"a", "b"} a)", R"(2 - {"a", "b"} b)"));
}

TEST(PrintTest, NeverChangesTheDecision) {
  const std::string module = R"(package t
default allow := false
allow if {
  print("checking", input.user)
  input.user == "admin"
}
f(x) := y if {
  print("f of", x)
  y := x * 2
}
doubled := f(input.n)
empty if { print() }
)";
  Printed denied = Evaluate(module, "data.t.allow", R"({"user": "bob"})");
  EXPECT_EQ(denied.result, "false");
  EXPECT_THAT(denied.lines, ElementsAre("checking bob"));
  Printed called = Evaluate(module, "data.t.doubled", R"({"n": 21})");
  EXPECT_EQ(called.result, "42");
  EXPECT_THAT(called.lines, ElementsAre("f of 21"));
  Printed none = Evaluate(module, "data.t.empty", "{}");
  EXPECT_EQ(none.result, "true");
  EXPECT_THAT(none.lines, ElementsAre(""));
  // Without a hook print does nothing, and the decision is the same.
  Printed silent = Evaluate(module, "data.t.doubled", R"({"n": 21})", false, /*hook=*/false);
  EXPECT_EQ(silent.result, "42");
  EXPECT_THAT(silent.lines, IsEmpty());
}

TEST(PrintTest, AFunctionNamedPrintIsTheUsers) {
  Printed p = Evaluate(R"(package t
print(x) := x
p := print(3)
)",
                  "data.t.p", "{}");
  EXPECT_EQ(p.result, "3");
  EXPECT_THAT(p.lines, IsEmpty());
}

}  // namespace
}  // namespace verdict
