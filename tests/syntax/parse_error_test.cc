// Tests of parse errors: every bad input is a rego_parse_error at the right
// line and column, several problems are reported together, and input that
// nests too deeply is refused instead of overflowing the stack.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/parse.h"
#include "testing/status_matchers.h"

namespace verdict::syntax {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::verdict::testing::StatusIs;

struct ErrorCase {
  const char* source;
  int line;
  int col;
  const char* message;  // a substring of the first diagnostic's message
};

Diagnostics Problems(std::string_view source) {
  Diagnostics diags;
  std::optional<Module> m = ParseModule(SourceFile::Make("bad.rego", std::string(source)), diags);
  EXPECT_FALSE(m.has_value()) << source;
  return diags;
}

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, ReportsLineColumnAndMessage) {
  const ErrorCase& c = GetParam();
  Diagnostics diags = Problems(c.source);
  ASSERT_FALSE(diags.empty()) << c.source;
  const Diagnostic& d = diags[0];
  EXPECT_EQ(d.code, ErrorCode::kParseError);
  EXPECT_EQ(d.span.line, c.line) << c.source << "\n" << d.ToString();
  EXPECT_EQ(d.span.col, c.col) << c.source << "\n" << d.ToString();
  EXPECT_THAT(d.message, HasSubstr(c.message)) << c.source;
  // The status form carries the same text.
  absl::StatusOr<Module> m = ParseModule(c.source, "bad.rego");
  EXPECT_THAT(m, StatusIs(ErrorCode::kParseError,
                          HasSubstr(absl::StrCat("bad.rego:", c.line, ":", c.col,
                                                 ": rego_parse_error: "))));
}

const ErrorCase kErrorCases[] = {
    // Module structure.
    {"", 1, 1, "empty module"},
    {"# only a comment\n", 1, 1, "empty module"},
    {"p := 1\n", 1, 1, "package expected"},
    {"package p\npackage q\n", 2, 1, "unexpected package"},
    {"package p\nimport foo.bar\n", 2, 8, "must begin with one of"},
    {"package p\nimport data.x.in\n", 2, 15, "must not end with a keyword"},
    {"package p\nimport data.x[1]\n", 2, 15, "expecting string"},
    {"package p\nimport future.keywords.foo\n", 2, 8, "unexpected keyword"},
    {"package p\nimport future.x\n", 2, 8, "must be `future.keywords`"},
    {"package p\nimport rego.v2\n", 2, 8, "must be `rego.v1`"},
    {"package p[1]\n", 1, 11, "expecting string"},
    // Separators.
    {"package p\nallow if {\n  x := 1 y := 2\n}\n", 3, 10, "expected \\n or ; or }"},
    {"package p\nallow if {\n  a; }\n", 3, 6, "unexpected } token"},
    {"package p\nq := x [1]\n", 2, 8, "unexpected [ token"},
    {"package p\nq := f (x)\n", 2, 8, "unexpected ( token"},
    {"package p\nq := x . y\n", 2, 8, "unexpected . token"},
    {"package p\nq := x. y\n", 2, 9, "whitespace after ."},
    {"package p\nallow if {\n  x := \n}\n", 4, 1, "unexpected } token"},
    {"package p\nq := [1, 2\n", 3, 1, "unexpected eof token"},
    {"package foo.", 1, 13, "unexpected eof token: expected ident"},
    {"package p\nq := input.\n", 3, 1, "unexpected eof token: expected ident"},
    // Rule heads (Rego v1).
    {"package p\nallow { true }\n", 2, 7, "`if` keyword is required before rule body"},
    {"package p\nf(x) { true }\n", 2, 6, "`if` keyword is required before function body"},
    {"package p\np[x] { x := 1 }\n", 2, 1, "`contains` keyword is required"},
    {"package p\np[x]\n", 2, 1, "`contains` keyword is required"},
    {"package p\np\n", 2, 1, "rule must have value assignment and/or body"},
    {"package p\na.b.c\n", 2, 1, "rule must have value assignment and/or body"},
    {"package p\nf(x)\n", 2, 1, "function must have value assignment and/or body"},
    {"package p\nf(x) contains 1\n", 2, 6, "contains keyword can only be used"},
    {"package p\np contains x if { x := 1 } else := 2\n", 2, 28, "multi-value rules"},
    {"package p\np[x] := 1 if { x := 1 } else := 2\n", 2, 25, "variables in head"},
    {"package p\np := 1 if { a } else\n", 2, 17, "expected else value term or rule body"},
    {"package p\np := 1 if { a } else := 2 { b } { c }\n", 2, 33, "expected else keyword"},
    {"package p\np if {1, 2}\n", 2, 6, "set literal"},
    {"package p\ndefault p := x\n", 2, 1, "illegal default rule (value cannot contain var)"},
    {"package p\ndefault p := [1, f(2)]\n", 2, 1, "value cannot contain call"},
    {"package p\ndefault p := input.x\n", 2, 1, "value cannot contain ref"},
    {"package p\ndefault f(1) := 1\n", 2, 1, "arguments cannot contain number"},
    {"package p\ndefault f(x, x) := 1\n", 2, 1, "arguments cannot be repeated x"},
    {"package p\ndefault p := 1 if { true }\n", 2, 16, "default rules cannot have a body"},
    {"package p\ndefault p[x]\n", 2, 1, "must have a value"},
    // Expressions.
    {"package p\np if { not some x in y }\n", 2, 12, "illegal negation of 'some'"},
    {"package p\np if { not every x in y { x } }\n", 2, 12, "illegal negation of 'every'"},
    {"package p\np if { every x, 1 in y { true } }\n", 2, 17, "expected value to be a variable"},
    {"package p\np if { every 1, x in y { true } }\n", 2, 14, "expected key to be a variable"},
    {"package p\np if { every x in y }\n", 2, 21, "unexpected } token"},
    {"package p\np if { some x, y with input as 1 }\n", 2, 18, "unexpected with keyword"},
    {"package p\np if { x with 1 as 2 }\n", 2, 15, "expected ident"},
    {"package p\np := \"abc\"[0]\n", 2, 6, "illegal ref (head cannot be string)"},
    {"package p\np := 1.x\n", 2, 6, "illegal ref (head cannot be number)"},
    {"package p\np := [1](2)\n", 2, 9, "array cannot be called"},
    // Template strings.
    {"package p\np := $\"a{x := 1}\"\n", 2, 10, "unexpected assignment (':=')"},
    {"package p\np := $\"a{x = 1}\"\n", 2, 10, "unexpected unification ('=')"},
    {"package p\np := $\"a{not x}\"\n", 2, 10, "unexpected negation ('not')"},
    {"package p\np := $\"a{some x in y}\"\n", 2, 10, "unexpected 'some'"},
    {"package p\np := $\"a\n\"\n", 2, 9, "non-terminated string"},
    {"package p\np := $\"a{}\"\n", 2, 10, "unexpected } token"},
    {"package p\np := $\"\\q\"\n", 2, 8, "illegal escape sequence"},
    // Literals.
    {"package p\np := \"abc\n", 2, 6, "non-terminated string"},
    {"package p\np := `abc\n", 2, 6, "non-terminated string"},
    {"package p\np := \"a\\qb\"\n", 2, 8, "illegal escape sequence"},
    {"package p\np := \"\\u12\"\n", 2, 7, "illegal escape sequence"},
    {"package p\np := 01\n", 2, 6, "without leading zero"},
    {"package p\np := 1abc\n", 2, 6, "illegal number format"},
    {"package p\np := 1e999999\n", 2, 6, "number too big"},
    {"package p\np := 1 ! 2\n", 2, 8, "illegal ! character"},
    {"package p\np := $x\n", 2, 6, "illegal $ character"},
    {"package p\np := 1 @\n", 2, 8, "illegal @ character"},
    {"package p\np := not\n", 2, 6, "unexpected not keyword"},
    // Bytes.
    {"package p\np := \"a\xff\"\n", 2, 8, "illegal utf-8 character"},
    {"package p\np := \"\xc3\x28\"\n", 2, 7, "illegal utf-8 character"},
    {"package p\n\xEF\xBB\xBFp := 1\n", 2, 1, "illegal byte-order mark"},
};

INSTANTIATE_TEST_SUITE_P(Cases, ParseErrorTest, ::testing::ValuesIn(kErrorCases));

TEST(ParseErrorTest, NulCharactersAreRefused) {
  Diagnostics diags = Problems(std::string_view("package p\np := 1\0", 17));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message, "illegal null character");
  EXPECT_EQ(diags[0].span.ToString(), "bad.rego:2:7");
}

TEST(ParseErrorTest, SeveralProblemsAreReportedInSourceOrder) {
  Diagnostics diags = Problems(R"(package p
allow { true }
p[x]
ok := 1
default q := input.x
)");
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].span.line, 2);
  EXPECT_EQ(diags[1].span.line, 3);
  EXPECT_EQ(diags[2].span.line, 5);
}

TEST(ParseErrorTest, StatusMessageHasACaretSnippet) {
  absl::StatusOr<Module> m = ParseModule("package p\nallow if {\n\tx := 1 y\n}\n", "c.rego");
  EXPECT_THAT(m, StatusIs(ErrorCode::kParseError,
                          HasSubstr("c.rego:3:9: rego_parse_error: unexpected ident token"
                                    ": expected \\n or ; or }\n"
                                    "\t\tx := 1 y\n"
                                    "\t\t       ^")));
}

// ---- nesting limits ------------------------------------------------------

std::string Nested(const char* open, const char* inner, const char* close, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += open;
  s += inner;
  for (int i = 0; i < n; ++i) s += close;
  return s;
}

TEST(ParseDepthTest, NestingUpToTheLimitParses) {
  EXPECT_OK(ParseModule("package p\nq := " + Nested("[", "", "]", 400), "deep.rego"));
  EXPECT_OK(ParseModule("package p\nq := " + Nested("(", "1", ")", limits::kMaxSyntaxDepth - 1),
                        "deep.rego"));
  EXPECT_OK(ParseModule("package p\nq := " + Nested("[x | ", "true", "]", 100), "deep.rego"));
}

TEST(ParseDepthTest, DeeperNestingIsAnErrorNotACrash) {
  const int n = limits::kMaxSyntaxDepth + 1;
  for (const auto& [open, inner, close] :
       std::vector<std::tuple<const char*, const char*, const char*>>{
           {"[", "", "]"}, {"{", "1", "}"}, {"(", "1", ")"}, {"f(", "1", ")"},
           {"$\"{", "1", "}\""}, {"[x | ", "true", "]"}, {"{\"a\": ", "1", "}"}}) {
    absl::StatusOr<Module> m =
        ParseModule(std::string("package p\nq := ") + Nested(open, inner, close, n), "deep.rego");
    EXPECT_THAT(m, StatusIs(ErrorCode::kParseError, HasSubstr("nesting too deep")))
        << open;
  }
  // Far deeper input is refused the same way.
  EXPECT_THAT(ParseModule("package p\nq := " + Nested("[", "", "]", 100000), "deep.rego"),
              StatusIs(ErrorCode::kParseError, HasSubstr("nesting too deep")));
}

TEST(ParseDepthTest, LongOperatorChainsAreBoundedToo) {
  // `1 + 1 + ...` nests calls to the left: depth grows with its length.
  std::string chain = "1";
  for (int i = 0; i < 20000; ++i) chain += " + 1";
  EXPECT_THAT(ParseModule("package p\nq := " + chain, "chain.rego"),
              StatusIs(ErrorCode::kParseError, HasSubstr("nesting too deep")));
  std::string short_chain = "1";
  for (int i = 0; i < 200; ++i) short_chain += " + 1";
  EXPECT_OK(ParseModule("package p\nq := " + short_chain, "chain.rego"));
}

// ---- queries and terms -----------------------------------------------------

TEST(ParseQueryErrorTest, Errors) {
  EXPECT_THAT(ParseQuery(""), StatusIs(ErrorCode::kParseError, HasSubstr("empty query")));
  EXPECT_THAT(ParseQuery("x = 1 y = 2"),
              StatusIs(ErrorCode::kParseError,
                       HasSubstr("query:1:7: rego_parse_error: unexpected ident token")));
  EXPECT_THAT(ParseQuery("p := 1 if"), StatusIs(ErrorCode::kParseError));
  EXPECT_THAT(ParseTerm("x = 1"), StatusIs(ErrorCode::kParseError,
                                          HasSubstr("expected exactly one term")));
  EXPECT_THAT(ParseTerm("a; b"), StatusIs(ErrorCode::kParseError));
  EXPECT_THAT(ParseTerm("f(x)"), StatusIs(ErrorCode::kParseError));
  EXPECT_THAT(ParseRef("1"), StatusIs(ErrorCode::kParseError, HasSubstr("expected ref")));
  EXPECT_THAT(ParseRef("data.x +"), StatusIs(ErrorCode::kParseError));
}

}  // namespace
}  // namespace verdict::syntax
