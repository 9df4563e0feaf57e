// Tests for lib/builtins/glob.cc and glob_pattern.cc (glob.match with OPA's
// gobwas/glob semantics, glob.quote_meta).
#include "builtin_testing.h"
#include "builtins/glob.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;

std::string M(std::string_view pattern, std::string_view delims, std::string_view text) {
  return Eval("glob.match", {"\"" + std::string(pattern) + "\"", delims,
                             "\"" + std::string(text) + "\""});
}

TEST(GlobMatchTest, OpaConformanceCases) {
  EXPECT_EQ(M("*.github.com", R"(["."])", "api.github.com"), "true");
  EXPECT_EQ(M("api.**.com", R"(["."])", "api.github.com"), "true");
  EXPECT_EQ(M("api.**.com", R"(["."])", "api.cdn.github.com"), "true");
  EXPECT_EQ(M("*:github:com", R"([":"])", "api:github:com"), "true");
  EXPECT_EQ(M("*.github.com", R"(["."])", "api.not-github.com"), "false");
  EXPECT_EQ(M("[abc]at", "[]", "cat"), "true");
  EXPECT_EQ(M("[abc]at", "[]", "fat"), "false");
  EXPECT_EQ(M("[!abc]at", "[]", "fat"), "true");
  EXPECT_EQ(M("[!abc]at", "[]", "cat"), "false");
  EXPECT_EQ(M("[a-c]at", "[]", "bat"), "true");
  EXPECT_EQ(M("[a-c]at", "[]", "fat"), "false");
  EXPECT_EQ(M("[!a-c]at", "[]", "bat"), "false");
  EXPECT_EQ(M("[!a-c]at", "[]", "fat"), "true");
  EXPECT_EQ(M("?at", "[]", "fat"), "true");
  EXPECT_EQ(M("?at", "[]", "at"), "false");
  EXPECT_EQ(M("?at", R"(["f"])", "bat"), "true");
  EXPECT_EQ(M("?at", R"(["f"])", "fat"), "false");
  for (std::string_view t : {"cat", "bat", "fat", "rat"}) {
    EXPECT_EQ(M("{cat,bat,[fr]at}", "[]", t), "true") << t;
  }
  EXPECT_EQ(M("{cat,bat,[fr]at}", "[]", "at"), "false");
  EXPECT_EQ(M("*", R"(["."])", "foo"), "true");
  EXPECT_EQ(M("*", "[]", "foo"), "true");
  EXPECT_EQ(M("*", R"(["."])", "foo.bar"), "false");
  EXPECT_EQ(M("*", "[]", "foo.bar"), "false");  // [] means the default "."
  EXPECT_EQ(M("*", "null", "foo.bar"), "true");  // null means no delimiters
  EXPECT_EQ(M("foo*", "null", "foo.bar"), "true");
}

TEST(GlobMatchTest, SuperStarAndDelimiters) {
  EXPECT_EQ(M("**", R"(["."])", "a.b.c"), "true");
  EXPECT_EQ(M("a.**", R"(["."])", "a."), "true");
  EXPECT_EQ(M("*.*", R"(["."])", "a.b.c"), "false");
  EXPECT_EQ(M("*/*", R"(["/"])", "docs/readme"), "true");
  EXPECT_EQ(M("*", R"(["/", "."])", "a.b"), "false");
  EXPECT_EQ(M("docs:*:read", R"([":"])", "docs:team-a:read"), "true");
  EXPECT_EQ(M("docs:*:read", R"([":"])", "docs:a:b:read"), "false");
  EXPECT_EQ(M("docs:**:read", R"([":"])", "docs:a:b:read"), "true");
}

TEST(GlobMatchTest, EscapesNestingAndUnicode) {
  EXPECT_EQ(M("\\\\*", "[]", "*"), "true");      // pattern \* matches a literal star
  EXPECT_EQ(M("\\\\*", "[]", "a"), "false");
  EXPECT_EQ(M("{a,{b,c}d}", "[]", "cd"), "true");
  EXPECT_EQ(M("{a,{b,c}d}", "[]", "c"), "false");
  EXPECT_EQ(M("a,b", "[]", "a,b"), "true");      // ',' outside braces is literal
  EXPECT_EQ(M("?", "[]", "é"), "true");          // one rune, two bytes
  EXPECT_EQ(M("[à-ü]", "[]", "é"), "true");
  EXPECT_EQ(M("", "[]", ""), "true");
  EXPECT_EQ(M("", "[]", "a"), "false");
  EXPECT_EQ(M("a{,b}", "[]", "a"), "true");       // empty alternative
}

TEST(GlobMatchTest, NoExponentialBlowUp) {
  std::string text(5000, 'a');
  EXPECT_EQ(M("*a*a*a*a*a*a*a*a*a*b", "[]", text), "false");
}

TEST(GlobMatchTest, Errors) {
  EXPECT_EQ(CodeOf("glob.match", {R"("[abc")", "[]", R"("a")"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(CodeOf("glob.match", {R"("{a,b")", "[]", R"("a")"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("glob.match", {R"("*")", R"("x")", R"("a")"}),
            "error: glob.match: operand 2 must be one of {array, null} but got string");
  EXPECT_EQ(Eval("glob.match", {R"("*")", R"(["ab"])", R"("a")"}),
            "error: glob.match: operand 2 must be array of runes but got array containing "
            "string");
  EXPECT_EQ(Eval("glob.match", {R"("*")", "[]", "1"}),
            "error: glob.match: operand 3 must be string but got number");
}

TEST(GlobTest, QuoteMeta) {
  EXPECT_EQ(Eval("glob.quote_meta", {R"("*.github.com")"}), R"("\\*.github.com")");
  EXPECT_EQ(Glob::QuoteMeta("{a}[b]?\\"), "\\{a\\}\\[b\\]\\?\\\\");
  // Quoted text matches itself.
  absl::StatusOr<Glob> g = Glob::Compile(Glob::QuoteMeta("a*[b]{c}?"), U".");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->Match("a*[b]{c}?"));
  EXPECT_FALSE(g->Match("ab"));
}

}  // namespace
}  // namespace verdict::builtins
