// EvalOptions::explain: Decision::explanation lists the rule definitions
// whose bodies succeeded and contributed to the decision, with the
// location of each definition, in evaluation order and without repeats.
// The policy has a partial set, a complete rule with else, a default and a
// function; each test states which definitions a given input exercises.
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

// Line numbers matter: the expectations below name them.
constexpr char kPolicy[] = R"(package t

default allow := false

allow if {
	count(deny) == 0
	input.user == "alice"
}

deny contains "no role" if not input.role

deny contains msg if {
	input.role == "guest"
	msg := "guest"
}

level := "high" if {
	input.role == "admin"
} else := "low"

greet(name) := concat(" ", ["hi", name])

decision := {"allow": allow, "deny": deny, "level": level, "hello": greet(input.user)}
)";

// "rule  file:line:col" per explained rule.
std::vector<std::string> Explain(std::string_view query, std::string_view input_json) {
  Engine engine;
  EXPECT_OK(engine.AddModule("explain.rego", kPolicy));
  EXPECT_OK(engine.Compile());
  absl::StatusOr<PreparedQuery> q = engine.Prepare(query);
  EXPECT_OK(q.status());
  if (!q.ok()) return {"prepare failed"};
  absl::StatusOr<Value> input = ParseJson(input_json);
  EXPECT_OK(input.status());
  EvalOptions options;
  options.explain = true;
  absl::StatusOr<Decision> d = q->Evaluate(*input, options);
  EXPECT_OK(d.status());
  if (!d.ok()) return {"evaluate failed"};
  std::vector<std::string> out;
  for (const ExplainedRule& r : d->explanation) out.push_back(r.rule + "  " + r.location);
  return out;
}

TEST(ExplainTest, FirstBranchesAndFunction) {
  // deny stays empty (neither body succeeds), so allow's own body decides.
  EXPECT_THAT(Explain("data.t.decision", R"({"user": "alice", "role": "admin"})"),
              ElementsAre("data.t.allow  explain.rego:5:1",
                          "data.t.level  explain.rego:17:1",
                          "data.t.greet  explain.rego:21:1",
                          "data.t.decision  explain.rego:23:1"));
}

TEST(ExplainTest, PartialSetElseAndDefault) {
  // A guest: the second deny body adds "guest", allow falls back to its
  // default, level takes the else branch (located at its `else`).
  EXPECT_THAT(Explain("data.t.decision", R"({"user": "bob", "role": "guest"})"),
              ElementsAre("data.t.deny  explain.rego:12:1",
                          "data.t.allow  explain.rego:3:1",
                          "data.t.level  explain.rego:19:3",
                          "data.t.greet  explain.rego:21:1",
                          "data.t.decision  explain.rego:23:1"));
}

TEST(ExplainTest, EachDefinitionOnceInEvaluationOrder) {
  // No role: the first deny body contributes; asking for deny alone
  // lists only what deny needed.
  EXPECT_THAT(Explain("data.t.deny", R"({"user": "carol"})"),
              ElementsAre("data.t.deny  explain.rego:10:1"));
}

TEST(ExplainTest, UndefinedResultExplainsNothing) {
  EXPECT_THAT(Explain("data.t.deny", R"({"user": "dave", "role": "admin"})"), IsEmpty());
}

TEST(ExplainTest, OffByDefault) {
  Engine engine;
  ASSERT_OK(engine.AddModule("explain.rego", kPolicy));
  ASSERT_OK(engine.Compile());
  ASSERT_OK_AND_ASSIGN(PreparedQuery q, engine.Prepare("data.t.decision"));
  ASSERT_OK_AND_ASSIGN(Value input, ParseJson(R"({"user": "alice"})"));
  ASSERT_OK_AND_ASSIGN(Decision d, q.Evaluate(input));
  EXPECT_TRUE(d.defined);
  EXPECT_THAT(d.explanation, IsEmpty());
}

}  // namespace
}  // namespace verdict
