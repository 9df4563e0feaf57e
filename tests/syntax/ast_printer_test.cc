// Tests of lib/syntax/ast_printer.cc on hand-built trees: the printer is
// what the parser tests compare against, so it is checked on its own here.
#include "gtest/gtest.h"
#include "syntax/ast.h"

namespace verdict::syntax {
namespace {

Term Str(std::string s) { return Term::String(std::move(s)); }

TEST(AstPrinterTest, Scalars) {
  EXPECT_EQ(ToString(Term::Null()), "null");
  EXPECT_EQ(ToString(Term::Boolean(true)), "true");
  EXPECT_EQ(ToString(Term::Number("-1.5e3")), "-1.5e3");
  EXPECT_EQ(ToString(Term::Var("x")), "x");
  EXPECT_EQ(ToString(Term::Var("$3")), "_");
}

TEST(AstPrinterTest, StringsAreJsonQuoted) {
  EXPECT_EQ(ToString(Str("a\"b\\c\n\t\x01é")), "\"a\\\"b\\\\c\\n\\t\\u0001é\"");
}

TEST(AstPrinterTest, RefsUseDotsForIdentifiers) {
  Term ref = Term::Ref({Term::Var("a"), Str("b"), Term::Var("c"), Str("d e"),
                        Term::Number("0"), Str("in")});
  EXPECT_EQ(ToString(ref), "a.b[c][\"d e\"][0].in");
  EXPECT_EQ(ref.RefString(), "a.b[c][\"d e\"][0].in");
}

TEST(AstPrinterTest, CallsAndExprs) {
  Term plus = Term::Call({Term::Ref({Term::Var("plus")}), Term::Var("x"), Term::Number("1")});
  EXPECT_EQ(ToString(plus), "plus(x, 1)");
  Expr e;
  e.kind = ExprKind::kCall;
  e.negated = true;
  e.terms = {Term::Ref({Term::Var("eq")}), Term::Var("y"), plus};
  e.with.push_back({Span(), Term::Ref({Term::Var("input"), Str("a")}), Term::Number("2")});
  EXPECT_EQ(ToString(e), "not eq(y, plus(x, 1)) with input.a as 2");
  EXPECT_EQ(e.OperatorName(), "eq");
}

TEST(AstPrinterTest, CollectionsAndComprehensions) {
  Term set;
  set.kind = TermKind::kSet;
  EXPECT_EQ(ToString(set), "set()");
  set.terms = {Term::Number("1"), Term::Number("2")};
  EXPECT_EQ(ToString(set), "{1, 2}");
  Term obj;
  obj.kind = TermKind::kObject;
  EXPECT_EQ(ToString(obj), "{}");
  obj.items.push_back({Str("a"), set});
  EXPECT_EQ(ToString(obj), "{\"a\": {1, 2}}");
  Term comp;
  comp.kind = TermKind::kObjectComprehension;
  comp.terms = {Term::Var("k"), Term::Var("v")};
  Expr truth;
  truth.terms = {Term::Boolean(true)};
  comp.body = {truth, truth};
  EXPECT_EQ(ToString(comp), "{k: v | true; true}");
}

TEST(AstPrinterTest, TemplateStringsEscapeBraces) {
  Term t;
  t.kind = TermKind::kTemplateString;
  TemplatePart text;
  text.text = "a{b\"";
  TemplatePart expr;
  expr.is_text = false;
  Expr x;
  x.terms = {Term::Var("x")};
  expr.expr.push_back(x);
  t.parts = {text, expr};
  EXPECT_EQ(ToString(t), "$\"a\\{b\\\"{x}\"");
  t.multiline = true;
  t.parts[0].text = "a{b\"";
  EXPECT_EQ(ToString(t), "$`a\\{b\"{x}`");
}

TEST(AstPrinterTest, Rules) {
  Rule r;
  r.head.ref = {Term::Var("f")};
  r.head.args = {Term::Var("x")};
  r.head.value = Term::Number("1");
  r.head.assign = true;
  Expr gt;
  gt.kind = ExprKind::kCall;
  gt.terms = {Term::Ref({Term::Var("gt")}), Term::Var("x"), Term::Number("0")};
  r.body = {gt};
  Rule alt;
  alt.head = r.head;
  alt.head.value = Term::Number("2");
  alt.body_generated = true;
  r.elses.push_back(alt);
  EXPECT_EQ(ToString(r), "f(x) := 1 if { gt(x, 0) } else := 2");
  Rule set_rule;
  set_rule.head.ref = {Term::Var("s")};
  set_rule.head.key = Str("a");
  set_rule.body_generated = true;
  EXPECT_EQ(ToString(set_rule), "s contains \"a\"");
}

}  // namespace
}  // namespace verdict::syntax
