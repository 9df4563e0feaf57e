// Tests of lib/syntax/parse.h: each Rego construct parses into the
// expected AST. Most expectations compare the printed AST (ast_printer.cc:
// Rego text with calls in prefix form); structural details the printer
// cannot show (kinds, flags, spans) are checked field by field.
#include "syntax/parse.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict::syntax {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The rules of "package p\n" + [rules], printed one per line.
std::string Rules(std::string_view rules) {
  absl::StatusOr<Module> m = ParseModule(std::string("package p\n") + std::string(rules), "test.rego");
  if (!m.ok()) return absl::StrCat("ERROR: ", m.status().message());
  std::string out;
  for (const Rule& r : m->rules) {
    if (!out.empty()) out += "\n";
    out += ToString(r);
  }
  return out;
}

// A query, printed.
std::string Query(std::string_view text) {
  absl::StatusOr<Body> b = ParseQuery(text);
  if (!b.ok()) return absl::StrCat("ERROR: ", b.status().message());
  return ToString(*b);
}

// The first rule of "package p\n" + [rules].
Rule FirstRule(std::string_view rules) {
  absl::StatusOr<Module> m = ParseModule(std::string("package p\n") + std::string(rules), "test.rego");
  EXPECT_OK(m);
  if (!m.ok() || m->rules.empty()) return Rule();
  return std::move(m->rules[0]);
}

// The single term of a query.
Term OneTerm(std::string_view text) {
  absl::StatusOr<Term> t = ParseTerm(text);
  EXPECT_OK(t);
  return t.ok() ? std::move(*t) : Term();
}

std::vector<TermKind> Kinds(const std::vector<Term>& terms) {
  std::vector<TermKind> out;
  for (const Term& t : terms) out.push_back(t.kind);
  return out;
}

// ---- package and imports ----------------------------------------------------

TEST(ParseModuleTest, PackagePathIsPrefixedWithData) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("package a.b.c\n", "x.rego"));
  EXPECT_THAT(Kinds(m.package.path),
              ElementsAre(TermKind::kVar, TermKind::kString, TermKind::kString,
                          TermKind::kString));
  EXPECT_EQ(m.package.path[0].text, "data");
  EXPECT_EQ(m.package.path[3].text, "c");
  EXPECT_EQ(m.package.PathString(), "a.b.c");
  EXPECT_TRUE(m.rules.empty());
  EXPECT_EQ(m.source->name(), "x.rego");
}

TEST(ParseModuleTest, PackagePathWithBracketsAndKeywords) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("package a[\"b-c\"].in.d", "x.rego"));
  EXPECT_EQ(m.package.PathString(), "a[\"b-c\"].in.d");
}

TEST(ParseModuleTest, Imports) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(package p
import data.x.y as z
import input
import data.foo["bar"]
import rego.v1
import future.keywords.in
import future.keywords
)",
                                              "x.rego"));
  // rego.v1 and future.keywords change nothing in Rego v1 and are dropped.
  ASSERT_EQ(m.imports.size(), 3u);
  EXPECT_EQ(m.imports[0].path.RefString(), "data.x.y");
  EXPECT_EQ(m.imports[0].alias, "z");
  EXPECT_EQ(m.imports[1].path.kind, TermKind::kRef);
  EXPECT_EQ(m.imports[1].path.RefString(), "input");
  EXPECT_EQ(m.imports[1].alias, "");
  EXPECT_EQ(m.imports[2].path.RefString(), "data.foo.bar");
  EXPECT_EQ(m.imports[0].span.line, 2);
  EXPECT_EQ(m.imports[0].span.col, 1);
}

TEST(ParseModuleTest, CommentsAreKeptWithSpans) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("# METADATA\n# title: x\npackage p\n"
                                              "p := 1  # trailing\r\n",
                                              "x.rego"));
  ASSERT_EQ(m.comments.size(), 3u);
  EXPECT_EQ(m.comments[0].text, " METADATA");
  EXPECT_EQ(m.comments[1].span.line, 2);
  EXPECT_EQ(m.comments[2].text, " trailing");
  EXPECT_EQ(m.comments[2].span.line, 4);
  EXPECT_EQ(m.comments[2].span.col, 9);
}

TEST(ParseModuleTest, LeadingByteOrderMarkIsSkipped) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("\xEF\xBB\xBFpackage p\np := 1\n", "x.rego"));
  EXPECT_EQ(m.package.PathString(), "p");
  EXPECT_EQ(m.rules.size(), 1u);
}

// ---- rules -------------------------------------------------------------------

TEST(ParseRuleTest, CompleteRules) {
  EXPECT_EQ(Rules("p := 1\nq = \"x\"\nr := {\"a\": [1, 2]}"),
            "p := 1\nq = \"x\"\nr := {\"a\": [1, 2]}");
  Rule r = FirstRule("p := 1");
  EXPECT_THAT(Kinds(r.head.ref), ElementsAre(TermKind::kVar));
  EXPECT_EQ(r.head.ref[0].text, "p");
  ASSERT_TRUE(r.head.value.has_value());
  EXPECT_EQ(r.head.value->text, "1");
  EXPECT_TRUE(r.head.assign);
  EXPECT_FALSE(r.head.value_generated);
  EXPECT_FALSE(r.head.key.has_value());
  // No body written: the body is `true`.
  EXPECT_TRUE(r.body_generated);
  ASSERT_EQ(r.body.size(), 1u);
  EXPECT_EQ(ToString(r.body), "true");
  EXPECT_FALSE(FirstRule("q = 1").head.assign);
}

TEST(ParseRuleTest, IfWithoutValueMeansTrue) {
  EXPECT_EQ(Rules("p if { input.x }"), "p if { input.x }");
  Rule r = FirstRule("p if input.x");
  ASSERT_TRUE(r.head.value.has_value());
  EXPECT_EQ(r.head.value->kind, TermKind::kBoolean);
  EXPECT_TRUE(r.head.value->boolean);
  EXPECT_TRUE(r.head.value_generated);
  EXPECT_FALSE(r.body_generated);
  EXPECT_EQ(ToString(r.body), "input.x");
}

TEST(ParseRuleTest, SingleExpressionBodies) {
  EXPECT_EQ(Rules("p := 1 if input.x > 1\nq if not input.y\nr if some x in input.z"),
            "p := 1 if { gt(input.x, 1) }\nq if { not input.y }\n"
            "r if { some x in input.z }");
  // A braced body after `if` is a body, not a set.
  EXPECT_EQ(Rules("p if { true }"), "p if { true }");
}

TEST(ParseRuleTest, DefaultRules) {
  EXPECT_EQ(Rules("default allow := false\ndefault f(_) := 1"),
            "default allow := false\ndefault f(_) := 1");
  Rule r = FirstRule("default allow := false");
  EXPECT_TRUE(r.is_default);
  EXPECT_TRUE(r.body_generated);
  EXPECT_EQ(r.head.value->boolean, false);
}

TEST(ParseRuleTest, PartialSetRules) {
  EXPECT_EQ(Rules("deny contains msg if { msg := \"no\" }\ns contains \"a\""),
            "deny contains msg if { assign(msg, \"no\") }\ns contains \"a\"");
  Rule r = FirstRule("deny contains msg if { msg := \"no\" }");
  EXPECT_TRUE(r.head.IsMultiValue());
  ASSERT_TRUE(r.head.key.has_value());
  EXPECT_EQ(r.head.key->text, "msg");
  EXPECT_FALSE(r.head.value.has_value());
  EXPECT_TRUE(FirstRule("s contains \"a\"").body_generated);
}

TEST(ParseRuleTest, PartialObjectAndRefHeads) {
  EXPECT_EQ(Rules("p[k] := v if { some k, v in input.m }"),
            "p[k] := v if { some k, v in input.m }");
  EXPECT_EQ(Rules("a.b[x].c := v if { x := 1; v := 2 }"),
            "a.b[x].c := v if { assign(x, 1); assign(v, 2) }");
  Rule r = FirstRule("a.b[x].c := v if { x := 1; v := 2 }");
  EXPECT_THAT(Kinds(r.head.ref), ElementsAre(TermKind::kVar, TermKind::kString,
                                             TermKind::kVar, TermKind::kString));
  EXPECT_EQ(r.head.RefString(), "a.b[x].c");
  EXPECT_FALSE(r.head.IsMultiValue());
  // `p[x] if` is the single-value rule p[x] = true (OPA), not a set.
  Rule keyed = FirstRule("p[x] if { x := 1 }");
  EXPECT_EQ(keyed.head.ref.size(), 2u);
  EXPECT_TRUE(keyed.head.value_generated);
  EXPECT_FALSE(keyed.head.key.has_value());
  // Ground refs without a body.
  EXPECT_EQ(Rules("a.b.c := 1\nx[\"y\"] = 2"), "a.b.c := 1\nx.y = 2");
}

TEST(ParseRuleTest, Functions) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(package p
f(x, y) := z if { z := x + y }
f(x, _) := 1
g(x) if x > 1
h.i(x) := x
)",
                                              "f.rego"));
  ASSERT_EQ(m.rules.size(), 4u);
  EXPECT_TRUE(m.rules[0].head.IsFunction());
  EXPECT_EQ(m.rules[0].head.args.size(), 2u);
  EXPECT_EQ(ToString(m.rules[0]), "f(x, y) := z if { assign(z, plus(x, y)) }");
  EXPECT_EQ(ToString(m.rules[1]), "f(x, _) := 1");
  EXPECT_TRUE(m.rules[1].head.args[1].IsWildcard());
  EXPECT_EQ(ToString(m.rules[2]), "g(x) if { gt(x, 1) }");
  EXPECT_TRUE(m.rules[2].head.value_generated);
  EXPECT_EQ(m.rules[3].head.RefString(), "h.i");
}

TEST(ParseRuleTest, ElseChains) {
  EXPECT_EQ(Rules("p := 1 if { a } else := 2 if { b } else = 3"),
            "p := 1 if { a } else := 2 if { b } else = 3");
  EXPECT_EQ(Rules("p if { a } else if { b } else := false"),
            "p if { a } else if { b } else := false");
  EXPECT_EQ(Rules("f(x) := 1 if x > 1 else := 2"),
            "f(x) := 1 if { gt(x, 1) } else := 2");
  Rule r = FirstRule("p := 1 if { a } else := 2 if { b } else = 3");
  ASSERT_EQ(r.elses.size(), 2u);
  EXPECT_EQ(r.elses[0].head.value->text, "2");
  EXPECT_TRUE(r.elses[0].head.assign);
  EXPECT_FALSE(r.elses[0].body_generated);
  EXPECT_EQ(r.elses[1].head.value->text, "3");
  EXPECT_FALSE(r.elses[1].head.assign);
  EXPECT_TRUE(r.elses[1].body_generated);
  EXPECT_EQ(r.elses[1].head.RefString(), "p");
  EXPECT_EQ(r.elses[0].span.line, 2);
  EXPECT_EQ(r.elses[0].span.col, 17);
  // Else copies of function heads get their own wildcards.
  Rule f = FirstRule("f(_) := 1 if { a } else := 2");
  EXPECT_NE(f.head.args[0].text, f.elses[0].head.args[0].text);
}

TEST(ParseRuleTest, ExtraBodiesDefineTheRuleAgain) {
  EXPECT_EQ(Rules("p if { a } { b }"), "p if { a }\np if { b }");
}

TEST(ParseRuleTest, RulesNeedNoNewlineBetweenThem) {
  EXPECT_EQ(Rules("p := 1 q := 2"), "p := 1\nq := 2");
}

// ---- bodies ------------------------------------------------------------------

TEST(ParseBodyTest, NewlinesAndSemicolonsSeparateExpressions) {
  EXPECT_EQ(Rules("p if {\n  a\n  b; c\n\n  d\n}"), "p if { a; b; c; d }");
  Rule r = FirstRule("p if {\n  a\n  b; c\n}");
  ASSERT_EQ(r.body.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.body[i].index, i);
  EXPECT_EQ(r.body[1].span.line, 4);
  EXPECT_EQ(r.body[1].span.col, 3);
}

TEST(ParseBodyTest, NewlinesInsideBracketsAndAfterOperatorsDoNotSeparate) {
  EXPECT_EQ(Rules("p if {\n  x := 1 +\n    2\n  y := [1,\n 2]\n  z := f(\n1,\n2)\n}"),
            "p if { assign(x, plus(1, 2)); assign(y, [1, 2]); assign(z, f(1, 2)) }");
  // As in OPA, an operator at the start of the next line continues the
  // expression: `-1` here is not a new expression.
  EXPECT_EQ(Rules("p if {\n  x := 1\n  -1 == y\n}"),
            "p if { assign(x, equal(minus(1, 1), y)) }");
}

TEST(ParseBodyTest, AssignAndUnify) {
  Rule r = FirstRule("p if { x := 1; y = 2 }");
  ASSERT_EQ(r.body.size(), 2u);
  EXPECT_EQ(r.body[0].kind, ExprKind::kCall);
  EXPECT_EQ(r.body[0].OperatorName(), "assign");
  EXPECT_EQ(r.body[0].Operand(0)->text, "x");
  EXPECT_EQ(r.body[0].Operand(1)->text, "1");
  EXPECT_EQ(r.body[0].Operand(2), nullptr);
  EXPECT_EQ(r.body[1].OperatorName(), "eq");
}

TEST(ParseBodyTest, CallsAtTheTopOfAnExpressionAreCallExpressions) {
  Rule r = FirstRule("p if { count(x) > 1; startswith(a, \"b\") }");
  EXPECT_EQ(r.body[0].kind, ExprKind::kCall);
  EXPECT_EQ(r.body[0].OperatorName(), "gt");
  EXPECT_EQ(r.body[0].Operand(0)->kind, TermKind::kCall);
  EXPECT_EQ(r.body[1].kind, ExprKind::kCall);
  EXPECT_EQ(r.body[1].OperatorName(), "startswith");
  EXPECT_EQ(r.body[1].terms.size(), 3u);
}

TEST(ParseBodyTest, SomeDeclarations) {
  EXPECT_EQ(Rules("p if { some x, y; some z in xs; some k, v in obj }"),
            "p if { some x, y; some z in xs; some k, v in obj }");
  Rule r = FirstRule("p if { some x, y; some z in xs; some k, v in obj }");
  EXPECT_EQ(r.body[0].kind, ExprKind::kSome);
  EXPECT_THAT(Kinds(r.body[0].terms), ElementsAre(TermKind::kVar, TermKind::kVar));
  ASSERT_EQ(r.body[1].terms.size(), 1u);
  EXPECT_EQ(ToString(r.body[1].terms[0]), "internal.member_2(z, xs)");
  EXPECT_EQ(ToString(r.body[2].terms[0]), "internal.member_3(k, v, obj)");
}

TEST(ParseBodyTest, Every) {
  EXPECT_EQ(Rules("p if { every x in xs { x > 0 } }\n"
                  "q if { every k, v in {\"a\": 1} { v > 0; k != \"b\" } }"),
            "p if { every x in xs { gt(x, 0) } }\n"
            "q if { every k, v in {\"a\": 1} { gt(v, 0); neq(k, \"b\") } }");
  Rule r = FirstRule("q if { every k, v in obj { v } }");
  ASSERT_EQ(r.body[0].kind, ExprKind::kEvery);
  const Every& every = *r.body[0].every;
  ASSERT_TRUE(every.key.has_value());
  EXPECT_EQ(every.key->text, "k");
  EXPECT_EQ(every.value.text, "v");
  EXPECT_EQ(every.domain.text, "obj");
  EXPECT_EQ(every.body.size(), 1u);
  EXPECT_FALSE(FirstRule("p if { every x in xs { x } }").body[0].every->key.has_value());
}

TEST(ParseBodyTest, NotAndWith) {
  EXPECT_EQ(Rules("p if { not q with input.x as 1 with data.y.z as f(2) }"),
            "p if { not q with input.x as 1 with data.y.z as f(2) }");
  Rule r = FirstRule("p if { not q with input.x as 1 with data.y.z as f(2) }");
  const Expr& e = r.body[0];
  EXPECT_TRUE(e.negated);
  ASSERT_EQ(e.with.size(), 2u);
  EXPECT_EQ(e.with[0].target.RefString(), "input.x");
  EXPECT_EQ(e.with[1].value.kind, TermKind::kCall);
  EXPECT_EQ(Rules("p if { x := f(1) with input as {} }"),
            "p if { assign(x, f(1)) with input as {} }");
}

TEST(ParseBodyTest, Comprehensions) {
  EXPECT_EQ(Rules("a := [x | some x in xs; x > 1]\n"
                  "s := {x | some x in xs}\n"
                  "o := {k: v | some k, v in m}\n"
                  "k := {k + 1: v | some k, v in m}"),
            "a := [x | some x in xs; gt(x, 1)]\n"
            "s := {x | some x in xs}\n"
            "o := {k: v | some k, v in m}\n"
            "k := {plus(k, 1): v | some k, v in m}");
  Term t = OneTerm("[x | x = 1\n y = 2]");
  EXPECT_EQ(t.kind, TermKind::kArrayComprehension);
  EXPECT_EQ(t.body.size(), 2u);
  EXPECT_EQ(OneTerm("{x | true}").kind, TermKind::kSetComprehension);
  EXPECT_EQ(OneTerm("{x: 1 | true}").kind, TermKind::kObjectComprehension);
  // `[a | b]` is a comprehension (as OPA), `[a | b, c]` an array with `or`.
  EXPECT_EQ(ToString(OneTerm("[a | b, c]")), "[or(a, b), c]");
}

// ---- operators -----------------------------------------------------------------

TEST(ParseOperatorTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(Query("x := a + b * c - d / e % f"),
            "assign(x, minus(plus(a, mul(b, c)), rem(div(d, e), f)))");
  EXPECT_EQ(Query("x := a | b & c"), "assign(x, or(a, and(b, c)))");
  EXPECT_EQ(Query("x := a & b + c"), "assign(x, and(a, plus(b, c)))");
  EXPECT_EQ(Query("a + 1 == b | c"), "equal(plus(a, 1), or(b, c))");
  EXPECT_EQ(Query("a != b; a < b; a <= b; a > b; a >= b"),
            "neq(a, b); lt(a, b); lte(a, b); gt(a, b); gte(a, b)");
  EXPECT_EQ(Query("x := (a + b) * c"), "assign(x, mul(plus(a, b), c))");
  EXPECT_EQ(Query("x := 1 - 2 - 3"), "assign(x, minus(minus(1, 2), 3))");
}

TEST(ParseOperatorTest, Membership) {
  EXPECT_EQ(Query("x in xs"), "internal.member_2(x, xs)");
  EXPECT_EQ(Query("k, v in xs"), "internal.member_3(k, v, xs)");
  // `in` binds loosest and chains to the left.
  EXPECT_EQ(Query("a == b in c"), "internal.member_2(equal(a, b), c)");
  EXPECT_EQ(Query("a in b in c"), "internal.member_2(internal.member_2(a, b), c)");
  EXPECT_EQ(Query("y := x in {1, 2}"), "assign(y, internal.member_2(x, {1, 2}))");
  // Inside lists `k, v in xs` is two elements.
  EXPECT_EQ(Query("f(k, v in xs)"), "f(k, internal.member_2(v, xs))");
  Body b = *ParseQuery("x in xs");
  const Term& op = b[0].terms[0];
  EXPECT_THAT(Kinds(op.terms), ElementsAre(TermKind::kVar, TermKind::kString));
  EXPECT_EQ(b[0].OperatorName(), "internal.member_2");
}

TEST(ParseOperatorTest, OperatorRefsSpanTheOperator) {
  Body b = *ParseQuery("a  +  b == c");
  const Term& plus = *b[0].Operand(0);
  EXPECT_EQ(plus.terms[0].span.col, 4);  // the `+`
  EXPECT_EQ(plus.span.col, 1);           // the call starts at its left operand
  EXPECT_EQ(plus.span.text(), "a  +  b");
}

// ---- terms -----------------------------------------------------------------------

TEST(ParseTermTest, Scalars) {
  Term n = OneTerm("null");
  EXPECT_EQ(n.kind, TermKind::kNull);
  Term t = OneTerm("true");
  EXPECT_EQ(t.kind, TermKind::kBoolean);
  EXPECT_TRUE(t.boolean);
  EXPECT_FALSE(OneTerm("false").boolean);
}

TEST(ParseTermTest, NumbersKeepTheirText) {
  for (std::string_view text : {"0", "1", "123", "1.5", "0.25", "1e3", "1.5E+3",
                                "2e-7", "-1", "-1.5e3", "0e5", ".5", "-.5"}) {
    Term t = OneTerm(text);
    EXPECT_EQ(t.kind, TermKind::kNumber) << text;
    EXPECT_EQ(t.text, text);
  }
  // OPA allows space after the minus sign; the literal text drops it.
  EXPECT_EQ(OneTerm("- 2").text, "-2");
  EXPECT_EQ(Query("x := 3 -1"), "assign(x, minus(3, 1))");
  EXPECT_EQ(Query("x := 1 - -1"), "assign(x, minus(1, -1))");
}

TEST(ParseTermTest, StringsDecodeEscapes) {
  EXPECT_EQ(OneTerm(R"("plain")").text, "plain");
  EXPECT_EQ(OneTerm(R"("a\nb\tc\"d\\e\/f\bg\fh\ri")").text,
            "a\nb\tc\"d\\e/f\bg\fh\ri");
  EXPECT_EQ(OneTerm(R"("\u00e9\u20AC")").text, "\u00e9\u20ac");
  EXPECT_EQ(OneTerm(R"("\ud83d\ude00")").text, "\U0001F600");  // surrogate pair
  EXPECT_EQ(OneTerm(R"("\ud83d!")").text, "\uFFFD!");  // lone surrogate, as Go
  EXPECT_EQ(OneTerm("\"h\xC3\xA9llo\"").text, "h\xC3\xA9llo");  // raw UTF-8
}

TEST(ParseTermTest, RawStrings) {
  EXPECT_EQ(OneTerm(R"(`a\nb`)").text, "a\\nb");
  EXPECT_EQ(OneTerm("`two\nlines`").text, "two\nlines");
  EXPECT_EQ(OneTerm("``").text, "");
}

TEST(ParseTermTest, Collections) {
  EXPECT_EQ(ToString(OneTerm("[1, \"a\", [true], {}]")), "[1, \"a\", [true], {}]");
  EXPECT_EQ(ToString(OneTerm("{\"a\": 1, 2: [3],}")), "{\"a\": 1, 2: [3]}");
  Term set = OneTerm("{1, 2, 3}");
  EXPECT_EQ(set.kind, TermKind::kSet);
  EXPECT_EQ(set.terms.size(), 3u);
  Term empty_set = OneTerm("set()");
  EXPECT_EQ(empty_set.kind, TermKind::kSet);
  EXPECT_TRUE(empty_set.terms.empty());
  Term empty_object = OneTerm("{}");
  EXPECT_EQ(empty_object.kind, TermKind::kObject);
  EXPECT_TRUE(empty_object.items.empty());
  EXPECT_EQ(OneTerm("[]").kind, TermKind::kArray);
  EXPECT_EQ(ToString(OneTerm("[1, 2,]")), "[1, 2]");
}

TEST(ParseTermTest, Refs) {
  Term r = OneTerm("a.b[c][\"d\"][_][1]");
  ASSERT_EQ(r.kind, TermKind::kRef);
  EXPECT_THAT(Kinds(r.terms),
              ElementsAre(TermKind::kVar, TermKind::kString, TermKind::kVar,
                          TermKind::kString, TermKind::kVar, TermKind::kNumber));
  EXPECT_TRUE(r.terms[4].IsWildcard());
  EXPECT_EQ(ToString(r), "a.b[c].d[_][1]");
  EXPECT_EQ(ToString(OneTerm("a[\"b c\"]")), "a[\"b c\"]");
  EXPECT_EQ(ToString(OneTerm("a[x + 1]")), "a[plus(x, 1)]");
}

TEST(ParseTermTest, DataAndInputAreRefs) {
  Term d = OneTerm("data");
  EXPECT_EQ(d.kind, TermKind::kRef);
  ASSERT_EQ(d.terms.size(), 1u);
  EXPECT_EQ(d.terms[0].text, "data");
  EXPECT_EQ(OneTerm("input").kind, TermKind::kRef);
  EXPECT_EQ(OneTerm("x").kind, TermKind::kVar);
}

TEST(ParseTermTest, RefsOnCallsAndCollections) {
  Term call_ref = OneTerm("f(x).y[0]");
  ASSERT_EQ(call_ref.kind, TermKind::kRef);
  EXPECT_EQ(call_ref.terms[0].kind, TermKind::kCall);
  EXPECT_EQ(ToString(call_ref), "f(x).y[0]");
  EXPECT_EQ(OneTerm("[1, 2][0]").terms[0].kind, TermKind::kArray);
  EXPECT_EQ(OneTerm("{\"a\": 1}.a").terms[0].kind, TermKind::kObject);
  EXPECT_EQ(ToString(OneTerm("[x | x = 1][0]")), "[x | eq(x, 1)][0]");
}

TEST(ParseTermTest, CallsAndDottedOperators) {
  Term c = ParseQuery("x := a.b.f(1, 2)").value()[0].terms[2];
  ASSERT_EQ(c.kind, TermKind::kCall);
  EXPECT_EQ(c.terms[0].RefString(), "a.b.f");
  EXPECT_EQ(c.terms.size(), 3u);
  EXPECT_EQ(Query("x := f()"), "assign(x, f())");
  EXPECT_EQ(Query("contains(\"abc\", \"b\")"), "contains(\"abc\", \"b\")");
}

TEST(ParseTermTest, WildcardsAreNumberedInSourceOrder) {
  Rule r = FirstRule("p if { a[_] = 1; b[_] = 2 }");
  EXPECT_EQ(r.body[0].Operand(0)->terms[1].text, "$0");
  EXPECT_EQ(r.body[1].Operand(0)->terms[1].text, "$1");
}

TEST(ParseTermTest, KeywordsAsRefParts) {
  EXPECT_EQ(Query("x := a.in.if.contains.default"), "assign(x, a.in.if.contains.default)");
  EXPECT_EQ(Rules("in.foo := 1\nfoo.in := 2\ndefault.x[1] := 3"),
            "in.foo := 1\nfoo.in := 2\ndefault.x[1] := 3");
  EXPECT_EQ(Rules("default default.foo(_) := 42\ndefault.foo(x) := x if { x < 10 }"),
            "default default.foo(_) := 42\ndefault.foo(x) := x if { lt(x, 10) }");
  EXPECT_EQ(Rules("p if { not.foo == 1\n else.bar[0] }"),
            "p if { equal(not.foo, 1); else.bar[0] }");
  EXPECT_EQ(Rules("else.foo := 1 if { true } else := 2"),
            "else.foo := 1 if { true } else := 2");
  EXPECT_EQ(ToString(OneTerm("{\"if\": 1}")), "{\"if\": 1}");
}

TEST(ParseTermTest, TemplateStrings) {
  Term t = OneTerm(R"($"hello {input.name}, {1 + 2}!")");
  ASSERT_EQ(t.kind, TermKind::kTemplateString);
  EXPECT_FALSE(t.multiline);
  ASSERT_EQ(t.parts.size(), 5u);
  EXPECT_TRUE(t.parts[0].is_text);
  EXPECT_EQ(t.parts[0].text, "hello ");
  EXPECT_FALSE(t.parts[1].is_text);
  EXPECT_EQ(ToString(t.parts[1].expr[0]), "input.name");
  EXPECT_EQ(ToString(t.parts[3].expr[0]), "plus(1, 2)");
  EXPECT_EQ(t.parts[4].text, "!");
  EXPECT_EQ(ToString(t), R"($"hello {input.name}, {plus(1, 2)}!")");
}

TEST(ParseTermTest, TemplateStringEscapesAndNesting) {
  EXPECT_EQ(OneTerm(R"($"\{42} \t\"")").parts[0].text, "{42} \t\"");
  EXPECT_EQ(OneTerm(R"($"")").parts.size(), 0u);
  Term nested = OneTerm(R"($"{$"{a}"} {$"{$"{b}"} baz"}")");
  EXPECT_EQ(ToString(nested), R"($"{$"{a}"} {$"{$"{b}"} baz"}")");
  Term collections = OneTerm(R"($"{[x | some x in a]} {{"a": "b"}} {set()}")");
  EXPECT_EQ(collections.parts[0].expr[0].terms[0].kind, TermKind::kArrayComprehension);
  EXPECT_EQ(collections.parts[2].expr[0].terms[0].kind, TermKind::kObject);
  Term with = OneTerm(R"($"foo {a with input as {"a": 42}}")");
  EXPECT_EQ(with.parts[1].expr[0].with.size(), 1u);
}

TEST(ParseTermTest, RawTemplateStrings) {
  Term t = OneTerm("$`line {x}\n\\{y} \\n`");
  EXPECT_TRUE(t.multiline);
  ASSERT_EQ(t.parts.size(), 3u);
  EXPECT_EQ(t.parts[0].text, "line ");
  EXPECT_EQ(t.parts[2].text, "\n{y} \\n");
}

// ---- spans ------------------------------------------------------------------------

TEST(ParseSpanTest, NodesCarryLineAndColumn) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("package p\n\n"
                                              "allow if {\n"
                                              "\tinput.user == \"é\"\n"
                                              "\tcount(x) > 1\n"
                                              "}\n",
                                              "spans.rego"));
  const Rule& r = m.rules[0];
  EXPECT_EQ(r.span.ToString(), "spans.rego:3:1");
  EXPECT_EQ(r.head.span.ToString(), "spans.rego:3:1");
  const Expr& e0 = r.body[0];
  EXPECT_EQ(e0.span.ToString(), "spans.rego:4:2");  // a tab is one column
  EXPECT_EQ(e0.span.text(), "input.user == \"é\"");
  const Term& s = *e0.Operand(1);
  EXPECT_EQ(s.span.ToString(), "spans.rego:4:16");
  const Expr& e1 = r.body[1];
  const Term& count = *e1.Operand(0);
  EXPECT_EQ(count.span.ToString(), "spans.rego:5:2");
  EXPECT_EQ(count.terms[1].span.ToString(), "spans.rego:5:8");
  EXPECT_EQ(e1.terms[0].span.ToString(), "spans.rego:5:11");  // the `>`
  EXPECT_EQ(m.package.span.ToString(), "spans.rego:1:1");
}

TEST(ParseSpanTest, ColumnsAfterMultiByteCharacters) {
  ASSERT_OK_AND_ASSIGN(Module m, ParseModule("package p\nx := [\"😀é\", y]\n", "u.rego"));
  const Term& array = *m.rules[0].head.value;
  EXPECT_EQ(array.terms[1].span.col, 13);
}

// ---- queries, terms, refs --------------------------------------------------------

TEST(ParseQueryTest, BodiesLikeTheConformanceSuite) {
  EXPECT_EQ(Query("data.x.p = x; y = 1"), "eq(data.x.p, x); eq(y, 1)");
  EXPECT_EQ(Query("data.x.p = x\ny = 1"), "eq(data.x.p, x); eq(y, 1)");
  EXPECT_EQ(Query("x := data.test.f(1) with input as 2"),
            "assign(x, data.test.f(1)) with input as 2");
  EXPECT_EQ(Query("not data.p"), "not data.p");
}

TEST(ParseTermTest, InputTerms) {
  EXPECT_EQ(ToString(OneTerm("{\"a\": set(), \"b\": {1, 2}, 3: [null]}")),
            "{\"a\": set(), \"b\": {1, 2}, 3: [null]}");
}

TEST(ParseRefTest, QueryPaths) {
  ASSERT_OK_AND_ASSIGN(Term r, ParseRef("data.abac.decision"));
  EXPECT_EQ(r.kind, TermKind::kRef);
  EXPECT_THAT(Kinds(r.terms), ElementsAre(TermKind::kVar, TermKind::kString, TermKind::kString));
  EXPECT_EQ(r.RefString(), "data.abac.decision");
  ASSERT_OK_AND_ASSIGN(Term v, ParseRef("x"));
  EXPECT_EQ(v.kind, TermKind::kRef);
  EXPECT_EQ(v.terms.size(), 1u);
}

// ---- round trip -------------------------------------------------------------------

TEST(ParseRoundTripTest, PrintedModulesParseBackToTheSameTree) {
  const char* kModule = R"(package a.b
import data.lib.x as y
default allow := false
allow if {
  input.user == "alice"
  some r in input.roles
  not deny[r]
  every k, v in input.m { v > 0 }
  z := [x | some x in input.xs; x > 1]
  w := {k: v | some k, v in input.m} with input.q as {"a": {1, 2}}
  t := $"x={input.x} y={`raw`}"
}
deny contains msg if msg := sprintf("%v", [input.x])
f(x, _) := x + 1 if x > 0 else := -1
a.b[c].d := 1 if c := "k"
)";
  ASSERT_OK_AND_ASSIGN(Module m1, ParseModule(kModule, "rt.rego"));
  std::string printed = ToString(m1);
  ASSERT_OK_AND_ASSIGN(Module m2, ParseModule(printed, "rt2.rego"));
  EXPECT_EQ(ToString(m2), printed);
}

}  // namespace
}  // namespace verdict::syntax
