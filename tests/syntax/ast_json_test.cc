// Tests of the AST -> OPA JSON encoding (lib/syntax/ast_json.h): the shapes
// OPA's ast MarshalJSON methods produce for packages, imports, rule heads,
// bodies, expressions and terms, locations left out.
#include <string>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/ast_json.h"
#include "syntax/parse.h"

namespace verdict::syntax {
namespace {

using ::testing::HasSubstr;

std::string ModuleJson(std::string_view source) {
  absl::StatusOr<Module> m = ParseModule(source, "x.rego");
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return "";
  return ToJson(ModuleToJson(*m));
}

// The JSON of the first expression of a query.
std::string ExprJson(std::string_view query) {
  absl::StatusOr<Body> body = ParseQuery(query);
  EXPECT_TRUE(body.ok()) << body.status();
  if (!body.ok() || body->empty()) return "";
  return ToJson(ExprToJson((*body)[0], 0));
}

// The JSON of the head of the module's first rule.
std::string HeadJson(std::string_view rules) {
  absl::StatusOr<Module> m = ParseModule(absl::StrCat("package p\n", Absl(rules)), "x.rego");
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return "";
  Value json = ModuleToJson(*m);
  const Value* rule_list = json.Get("rules");
  if (rule_list == nullptr || rule_list->empty()) return "";
  const Value* head = (*rule_list)[0].Get("head");
  return head == nullptr ? "" : ToJson(*head);
}

constexpr char kVarData[] = R"({"type":"var","value":"data"})";

TEST(AstJsonTest, PackageImportsAndRule) {
  EXPECT_EQ(ModuleJson("package foo.bar\n\nimport rego.v1\nimport data.a as b\n\n"
                       "p if { a = true }\n"),
            absl::StrCat(
                R"({"imports":[)",
                R"({"path":{"type":"ref","value":[{"type":"var","value":"rego"},)",
                R"({"type":"string","value":"v1"}]}},)",
                R"({"alias":"b","path":{"type":"ref","value":[)", kVarData,
                R"(,{"type":"string","value":"a"}]}}],)",
                R"("package":{"path":[)", kVarData,
                R"(,{"type":"string","value":"foo"},{"type":"string","value":"bar"}]},)",
                R"("rules":[{"body":[{"index":0,"terms":[)",
                R"({"type":"ref","value":[{"type":"var","value":"eq"}]},)",
                R"({"type":"var","value":"a"},{"type":"boolean","value":true}]}],)",
                R"("head":{"name":"p","ref":[{"type":"var","value":"p"}],)",
                R"("value":{"type":"boolean","value":true}}}]})"));
}

TEST(AstJsonTest, ModuleWithoutRulesHasNoRulesKey) {
  EXPECT_EQ(ModuleJson("package a\n"),
            absl::StrCat(R"({"package":{"path":[)", kVarData,
                         R"(,{"type":"string","value":"a"}]}})"));
}

TEST(AstJsonTest, CommentsAsOpaEncodesThem) {
  std::string json = ModuleJson("package a\n# hi\n");
  EXPECT_THAT(json, HasSubstr(R"("comments":[{"Location":{"col":1,"file":"x.rego","row":2},)"
                              R"("Text":"IGhp"}])"));
}

TEST(AstJsonTest, AssignmentIsACallOfAssign) {
  EXPECT_EQ(ExprJson("x := 1"),
            R"({"index":0,"terms":[{"type":"ref","value":[{"type":"var","value":"assign"}]},)"
            R"({"type":"var","value":"x"},{"type":"number","value":1}]})");
}

TEST(AstJsonTest, InfixOperatorsAreCallsByName) {
  EXPECT_EQ(ExprJson("x + 1 > 2"),
            R"({"index":0,"terms":[{"type":"ref","value":[{"type":"var","value":"gt"}]},)"
            R"({"type":"call","value":[{"type":"ref","value":[{"type":"var","value":"plus"}]},)"
            R"({"type":"var","value":"x"},{"type":"number","value":1}]},)"
            R"({"type":"number","value":2}]})");
}

TEST(AstJsonTest, NegationAndWith) {
  EXPECT_EQ(ExprJson("not input.x with input as 1"),
            R"({"index":0,"negated":true,"terms":{"type":"ref","value":[)"
            R"({"type":"var","value":"input"},{"type":"string","value":"x"}]},)"
            R"("with":[{"target":{"type":"ref","value":[{"type":"var","value":"input"}]},)"
            R"("value":{"type":"number","value":1}}]})");
}

TEST(AstJsonTest, SomeDeclarations) {
  EXPECT_EQ(ExprJson("some x, y"),
            R"({"index":0,"terms":{"symbols":[{"type":"var","value":"x"},)"
            R"({"type":"var","value":"y"}]}})");
  EXPECT_EQ(ExprJson("some x in xs"),
            R"({"index":0,"terms":{"symbols":[{"type":"call","value":[)"
            R"({"type":"ref","value":[{"type":"var","value":"internal"},)"
            R"({"type":"string","value":"member_2"}]},)"
            R"({"type":"var","value":"x"},{"type":"var","value":"xs"}]}]}})");
}

TEST(AstJsonTest, Every) {
  EXPECT_EQ(ExprJson("every x in xs { x }"),
            R"({"index":0,"terms":{"body":[{"index":0,"terms":{"type":"var","value":"x"}}],)"
            R"("domain":{"type":"var","value":"xs"},"key":null,)"
            R"("value":{"type":"var","value":"x"}}})");
}

TEST(AstJsonTest, ScalarsAndWildcards) {
  EXPECT_EQ(ExprJson("null"), R"({"index":0,"terms":{"type":"null","value":{}}})");
  EXPECT_EQ(ExprJson("\"s\""), R"({"index":0,"terms":{"type":"string","value":"s"}})");
  EXPECT_EQ(ExprJson("-1.5"), R"({"index":0,"terms":{"type":"number","value":-1.5}})");
  EXPECT_EQ(ExprJson("xs[_]"),
            R"({"index":0,"terms":{"type":"ref","value":[{"type":"var","value":"xs"},)"
            R"({"type":"var","value":"$0"}]}})");
}

TEST(AstJsonTest, SetsAndObjectsAreSorted) {
  EXPECT_EQ(ExprJson("{3, \"a\", 1, 1}"),
            R"({"index":0,"terms":{"type":"set","value":[{"type":"number","value":1},)"
            R"({"type":"number","value":3},{"type":"string","value":"a"}]}})");
  EXPECT_EQ(ExprJson("{\"b\": 1, \"a\": x}"),
            R"({"index":0,"terms":{"type":"object","value":[)"
            R"([{"type":"string","value":"a"},{"type":"var","value":"x"}],)"
            R"([{"type":"string","value":"b"},{"type":"number","value":1}]]}})");
}

TEST(AstJsonTest, Comprehensions) {
  EXPECT_EQ(ExprJson("[x | x = 1]"),
            R"({"index":0,"terms":{"type":"arraycomprehension","value":{"body":[)"
            R"({"index":0,"terms":[{"type":"ref","value":[{"type":"var","value":"eq"}]},)"
            R"({"type":"var","value":"x"},{"type":"number","value":1}]}],)"
            R"("term":{"type":"var","value":"x"}}}})");
  EXPECT_EQ(ExprJson("{k: v | k = 1; v = 2}"),
            R"({"index":0,"terms":{"type":"objectcomprehension","value":{"body":[)"
            R"({"index":0,"terms":[{"type":"ref","value":[{"type":"var","value":"eq"}]},)"
            R"({"type":"var","value":"k"},{"type":"number","value":1}]},)"
            R"({"index":1,"terms":[{"type":"ref","value":[{"type":"var","value":"eq"}]},)"
            R"({"type":"var","value":"v"},{"type":"number","value":2}]}],)"
            R"("key":{"type":"var","value":"k"},"value":{"type":"var","value":"v"}}}})");
}

TEST(AstJsonTest, CallTermsInsideExpressions) {
  EXPECT_EQ(ExprJson("count(xs)"),
            R"({"index":0,"terms":[{"type":"ref","value":[{"type":"var","value":"count"}]},)"
            R"({"type":"var","value":"xs"}]})");
}

TEST(AstJsonTest, HeadShapes) {
  const std::string p = R"([{"type":"var","value":"p"}])";
  EXPECT_EQ(HeadJson("p := 1\n"),
            absl::StrCat(R"({"assign":true,"name":"p","ref":)", p,
                         R"(,"value":{"type":"number","value":1}})"));
  EXPECT_EQ(HeadJson("p contains x if x := 1\n"),
            absl::StrCat(R"({"key":{"type":"var","value":"x"},"name":"p","ref":)", p, "}"));
  EXPECT_EQ(HeadJson("p[x] := 1 if x := 2\n"),
            R"({"assign":true,"key":{"type":"var","value":"x"},"name":"p",)"
            R"("ref":[{"type":"var","value":"p"},{"type":"var","value":"x"}],)"
            R"("value":{"type":"number","value":1}})");
  EXPECT_EQ(HeadJson("a.b.c := 1\n"),
            R"({"assign":true,"ref":[{"type":"var","value":"a"},{"type":"string","value":"b"},)"
            R"({"type":"string","value":"c"}],"value":{"type":"number","value":1}})");
  // A body-less two-part head keeps its last part as key (OPA builds it
  // from an expression).
  EXPECT_EQ(HeadJson("a.b := 1\n"),
            R"({"assign":true,"key":{"type":"string","value":"b"},"name":"a",)"
            R"("ref":[{"type":"var","value":"a"},{"type":"string","value":"b"}],)"
            R"("value":{"type":"number","value":1}})");
  EXPECT_EQ(HeadJson("f(x) := x if true\n"),
            R"({"args":[{"type":"var","value":"x"}],"assign":true,"name":"f",)"
            R"("ref":[{"type":"var","value":"f"}],"value":{"type":"var","value":"x"}})");
}

TEST(AstJsonTest, DefaultAndElse) {
  absl::StatusOr<Module> m = ParseModule(
      "package p\ndefault q := 0\nr := 1 if { false } else := 2 if { true } else = 3\n",
      "x.rego");
  ASSERT_TRUE(m.ok()) << m.status();
  Value json = ModuleToJson(*m);
  const Value& rules = *json.Get("rules");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_TRUE(rules[0].Get("default") != nullptr && rules[0].Get("default")->is_true());
  const Value* else1 = rules[1].Get("else");
  ASSERT_NE(else1, nullptr);
  EXPECT_EQ(ToJson(*else1->Get("head")->Get("value")), R"({"type":"number","value":2})");
  EXPECT_TRUE(else1->Get("head")->Get("assign") != nullptr);
  const Value* else2 = else1->Get("else");
  ASSERT_NE(else2, nullptr);
  EXPECT_EQ(ToJson(*else2->Get("head")->Get("value")), R"({"type":"number","value":3})");
  EXPECT_EQ(else2->Get("head")->Get("assign"), nullptr);  // `else =` is not `:=`
  EXPECT_EQ(else2->Get("else"), nullptr);
}

}  // namespace
}  // namespace verdict::syntax
