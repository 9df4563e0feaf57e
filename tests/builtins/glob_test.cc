// Tests for lib/builtins/glob.cc and glob_pattern.cc (glob.match with OPA's
// gobwas/glob semantics, glob.quote_meta).
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "builtin_testing.h"
#include "builtins/glob.h"
#include "builtins/utf8.h"

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

// Patterns of literals around single stars take a byte-level path
// (glob.h); these pin its edge cases against OPA's semantics.
TEST(GlobMatchTest, StarsPathDelimitersInsideLiterals) {
  // Middle literals holding the delimiter: their place is forced.
  EXPECT_EQ(M("a/*/*", R"(["/"])", "a/b/c"), "true");
  EXPECT_EQ(M("a/*/*", R"(["/"])", "a//"), "true");  // stars match nothing
  EXPECT_EQ(M("a/*/*", R"(["/"])", "a/b/c/d"), "false");
  EXPECT_EQ(M("a/*/*", R"(["/"])", "a/b"), "false");
  EXPECT_EQ(M("*/x*", R"(["/"])", "a/b/x"), "false");
  EXPECT_EQ(M("*/x*", R"(["/"])", "a/xb"), "true");
  EXPECT_EQ(M("ghcr.io/corp-*/*", R"(["/"])", "ghcr.io/corp-risk/api"), "true");
  EXPECT_EQ(M("ghcr.io/corp-*/*", R"(["/"])", "ghcr.io/corp-/api"), "true");
  EXPECT_EQ(M("ghcr.io/corp-*/*", R"(["/"])", "ghcr.io/corp-a/b/c"), "false");
  EXPECT_EQ(M("*:*", R"([":"])", "table:read"), "true");
  EXPECT_EQ(M("*:*", R"([":"])", ":"), "true");
  EXPECT_EQ(M("*:*", R"([":"])", "a:b:c"), "false");
  EXPECT_EQ(M("*:*", R"([":"])", "ab"), "false");
  EXPECT_EQ(M("*x:y*z", R"([":"])", "ax:yyz"), "true");
  EXPECT_EQ(M("*x:y*z", R"([":"])", "ax:y:z"), "false");
  // Literals without delimiters: leftmost, the gaps free of delimiters.
  EXPECT_EQ(M("billing:*", R"([":"])", "table:export"), "false");
  EXPECT_EQ(M("*:read", R"([":"])", "table:read"), "true");
  EXPECT_EQ(M("*:read", R"([":"])", "a:table:read"), "false");
  EXPECT_EQ(M("*ab*ab", "[]", "abab"), "true");
  EXPECT_EQ(M("*ab*ab", "[]", "ab"), "false");  // the literals may not overlap
  EXPECT_EQ(M("a*a", "[]", "a"), "false");
  EXPECT_EQ(M("a*a", "[]", "aa"), "true");
  EXPECT_EQ(M("*a*", R"(["/"])", "a/a"), "false");
  EXPECT_EQ(M("*a*", "null", "a/a"), "true");
  // Several delimiters.
  EXPECT_EQ(M("*-*", R"([".", "/"])", "a-b"), "true");
  EXPECT_EQ(M("*-*", R"([".", "/"])", "a.x-b"), "false");
  EXPECT_EQ(M("*-*", R"([".", "/"])", "a-b/c"), "false");
}

TEST(GlobMatchTest, StarsPathEscapesAndEmptyParts) {
  // The pattern \*:* starts with a literal star.
  EXPECT_EQ(M("\\\\*:*", R"([":"])", "*:x"), "true");
  EXPECT_EQ(M("\\\\*:*", R"([":"])", "a:x"), "false");
  EXPECT_EQ(M("a\\\\*b", "[]", "a*b"), "true");         // only escapes: a literal
  EXPECT_EQ(M("a\\\\*b", "[]", "axb"), "false");
  EXPECT_EQ(M("*\\\\:", R"([":"])", "x:"), "true");     // an escaped delimiter is a literal
  EXPECT_EQ(M("ab\\\\", "[]", "ab"), "true");           // a trailing backslash is dropped
  EXPECT_EQ(M("ab*\\\\", "[]", "abc"), "true");
  EXPECT_EQ(M("*", "[]", ""), "true");
  EXPECT_EQ(M("*", R"([":"])", ":"), "false");
  EXPECT_EQ(M("a*", "[]", "a"), "true");
  EXPECT_EQ(M("*a", "[]", ""), "false");
  EXPECT_EQ(M("a]*}", "[]", "a]x}"), "true");  // ']' and '}' are plain outside brackets
}

TEST(GlobMatchTest, StarsPathMultiByte) {
  EXPECT_EQ(M("é*€", "[]", "é€"), "true");
  EXPECT_EQ(M("é*€", "[]", "éxyz€"), "true");
  EXPECT_EQ(M("é*€", "[]", "é€x"), "false");
  EXPECT_EQ(M("*é", R"(["é"])", "aé"), "true");
  EXPECT_EQ(M("*é", R"(["é"])", "ééé"), "false");  // '*' stops at the delimiter é
  EXPECT_EQ(M("x*y", R"(["é"])", "xaby"), "true");
  EXPECT_EQ(M("x*y", R"(["é"])", "xaéby"), "false");
  EXPECT_EQ(M("x*é*y", R"(["é"])", "xaéby"), "true");
  EXPECT_EQ(M("x*é*y", R"(["é"])", "xaébéy"), "false");
  EXPECT_EQ(M("€*", R"(["."])", "€a.b"), "false");
  EXPECT_EQ(M("*:*", R"([":"])", "日本:語"), "true");
}

TEST(GlobMatchTest, StarsPathInvalidUtf8) {
  auto match = [](std::string_view pattern, std::u32string_view delims, std::string_view text) {
    absl::StatusOr<Glob> g = Glob::Compile(pattern, delims);
    EXPECT_TRUE(g.ok()) << pattern;
    return g.ok() && g->Match(text);
  };
  // An invalid byte is one rune, U+FFFD: a delimiter when U+FFFD is one.
  EXPECT_TRUE(match("a*b", U":", "a\xff" "b"));
  EXPECT_FALSE(match("a*b", U"\uFFFD", "a\xff" "b"));
  EXPECT_FALSE(match("a*b", U"\uFFFD", "a\xe2\x82" "b"));  // a truncated rune: two U+FFFD
  EXPECT_TRUE(match("a*b", U"\uFFFD", "a\u00e9b"));
  // U+FFFD in the pattern matches any invalid byte (the NFA decides).
  EXPECT_TRUE(match("a*\uFFFD", U":", "ab\xff"));
  EXPECT_TRUE(match("a*\uFFFD", U":", "ab\uFFFD"));
  EXPECT_FALSE(match("a*\uFFFD", U":", "ab"));
}

// The stars path against a reference matcher written from the rules in
// glob.h (runes decoded with Go's rules, '*' stops at delimiters, '**'
// does not, '?' is one non-delimiter rune), over random patterns and texts
// built from literals, delimiters, multi-byte and invalid UTF-8.
bool ReferenceMatch(std::string_view pattern, std::u32string_view delims,
                    std::string_view text) {
  if (pattern.find_first_of("*?[{\\") == std::string_view::npos) return pattern == text;
  enum Kind { kLit, kStar, kSuper, kAny };
  std::vector<std::pair<Kind, char32_t>> toks;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '*') {
      bool super = i + 1 < pattern.size() && pattern[i + 1] == '*';
      toks.push_back({super ? kSuper : kStar, 0});
      i += super ? 2 : 1;
    } else if (pattern[i] == '?') {
      toks.push_back({kAny, 0});
      ++i;
    } else {
      if (pattern[i] == '\\' && ++i == pattern.size()) break;
      toks.push_back({kLit, DecodeUtf8(pattern, &i)});
    }
  }
  std::u32string runes;
  for (size_t i = 0; i < text.size();) runes.push_back(DecodeUtf8(text, &i));
  auto delim = [&](char32_t r) { return delims.find(r) != std::u32string_view::npos; };
  // ok[i][j]: toks[i..] match runes[j..].
  const size_t n = runes.size();
  std::vector<std::vector<char>> ok(toks.size() + 1, std::vector<char>(n + 1, 0));
  ok[toks.size()][n] = 1;
  for (size_t i = toks.size(); i-- > 0;) {
    for (size_t j = n + 1; j-- > 0;) {
      auto [kind, r] = toks[i];
      bool m = false;
      switch (kind) {
        case kLit: m = j < n && runes[j] == r && ok[i + 1][j + 1]; break;
        case kAny: m = j < n && !delim(runes[j]) && ok[i + 1][j + 1]; break;
        case kStar: m = ok[i + 1][j] || (j < n && !delim(runes[j]) && ok[i][j + 1]); break;
        case kSuper: m = ok[i + 1][j] || (j < n && ok[i][j + 1]); break;
      }
      ok[i][j] = m;
    }
  }
  return ok[0][0] != 0;
}

TEST(GlobMatchTest, StarsPathAgreesWithReference) {
  const std::vector<std::string> pattern_parts = {"a", "b", ":", "/", "ab", "a:", "\xc3\xa9",
                                                  "\xe2\x82\xac", "*", "*", "*", "**", "?",
                                                  "\\*", "\\:", "\\a"};
  const std::vector<std::string> text_parts = {"a", "b", ":", "/", "ab", "\xc3\xa9",
                                               "\xe2\x82\xac", "\xff", "\xe2", "*"};
  const std::vector<std::u32string> delim_sets = {U"", U":", U":/", U"\u00e9", U"\uFFFD"};
  std::mt19937 rng(20240501);
  int stars_cases = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string pattern, text;
    for (int k = static_cast<int>(rng() % 6); k > 0; --k) {
      pattern += pattern_parts[rng() % pattern_parts.size()];
    }
    for (int k = static_cast<int>(rng() % 7); k > 0; --k) {
      text += text_parts[rng() % text_parts.size()];
    }
    const std::u32string& delims = delim_sets[rng() % delim_sets.size()];
    absl::StatusOr<Glob> g = Glob::Compile(pattern, delims);
    ASSERT_TRUE(g.ok()) << pattern;
    if (pattern.find('*') != std::string::npos && pattern.find('?') == std::string::npos) {
      ++stars_cases;
    }
    ASSERT_EQ(g->Match(text), ReferenceMatch(pattern, delims, text))
        << "pattern " << pattern << " text " << text << " delimiters " << delims.size();
  }
  EXPECT_GT(stars_cases, 5000);
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
