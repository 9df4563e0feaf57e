// Tests for lib/builtins/regex.cc, glob_intersect.cc and patterns.cc
// (PatternCache and the per-context PatternMemo).
#include <string>
#include <thread>
#include <vector>

#include "builtin_testing.h"
#include "builtins/glob_intersect.h"

namespace verdict::builtins {
namespace {

using testing::Call;
using testing::CodeOf;
using testing::Eval;
using testing::J;
using testing::Str;

TEST(RegexMatchTest, Unanchored) {
  EXPECT_EQ(Eval("regex.match", {R"("^[a-z]+\\[[0-9]+\\]$")", R"("foo[1]")"}), "true");
  EXPECT_EQ(Eval("regex.match", {R"("^$")", R"("")"}), "true");
  EXPECT_EQ(Eval("regex.match", {R"("")", R"("x")"}), "true");
  EXPECT_EQ(Eval("regex.match", {R"("^$")", R"("something")"}), "false");
  EXPECT_EQ(Eval("regex.match", {R"("b+")", R"("abbbc")"}), "true");
  EXPECT_EQ(Eval("re_match", {R"("^a")", R"("abc")"}), "true");
}

TEST(RegexMatchTest, BadPatternIsAGoStyleError) {
  EXPECT_EQ(Eval("regex.match", {R"("$^[[[")", R"("x")"}),
            "error: regex.match: error parsing regexp: missing closing ]: `[[[`");
  EXPECT_EQ(CodeOf("regex.match", {R"("(")", R"("x")"}), ErrorCode::kEvalBuiltinError);
}

TEST(RegexTest, IsValid) {
  EXPECT_EQ(Eval("regex.is_valid", {R"(".+")"}), "true");
  EXPECT_EQ(Eval("regex.is_valid", {R"("++")"}), "false");
  EXPECT_EQ(Eval("regex.is_valid", {"1"}), "false");
}

TEST(RegexTest, SplitFollowsGo) {
  EXPECT_EQ(Eval("regex.split", {R"("^[a-z]+\\[[0-9]+\\]$")", R"("")"}), R"([""])");
  EXPECT_EQ(Eval("regex.split", {R"("^[a-z]+")", R"("foobar baz")"}), R"([""," baz"])");
  EXPECT_EQ(Eval("regex.split", {R"("[a-z]+$")", R"("foobar baz")"}), R"(["foobar ",""])");
  EXPECT_EQ(Eval("regex.split", {R"("^[a-z]+$")", R"("foobar baz")"}), R"(["foobar baz"])");
  EXPECT_EQ(Eval("regex.split", {R"("^[a-z ]+$")", R"("foobar baz")"}), R"(["",""])");
  EXPECT_EQ(Eval("regex.split", {R"("a")", R"("banana")"}), R"(["b","n","n",""])");
  EXPECT_EQ(Eval("regex.split", {R"("z+")", R"("pizza")"}), R"(["pi","a"])");
  EXPECT_EQ(Eval("regex.split", {R"("")", R"("abc")"}), R"(["a","b","c"])");
}

TEST(RegexTest, FindN) {
  EXPECT_EQ(Eval("regex.find_n", {R"("a.")", R"("paranormal")", "-1"}), R"(["ar","an","al"])");
  EXPECT_EQ(Eval("regex.find_n", {R"("a.")", R"("paranormal")", "2"}), R"(["ar","an"])");
  EXPECT_EQ(Eval("regex.find_n", {R"("a.")", R"("paranormal")", "0"}), "[]");
  EXPECT_EQ(Eval("regex.find_n", {R"("^a.")", R"("abacadaeaf")", "-1"}), R"(["ab"])");
  EXPECT_EQ(Eval("regex.find_n", {R"(".$")", R"("abacadaeaf")", "-1"}), R"(["f"])");
  EXPECT_EQ(Eval("regex.find_n", {R"("[abcdef]{2}")", R"("abacadaeaf")", "-1"}),
            R"(["ab","ac","ad","ae","af"])");
  EXPECT_EQ(Eval("regex.find_n", {R"("bork")", R"("paranormal")", "-1"}), "[]");
  // Empty matches: one per position, none right after a match.
  EXPECT_EQ(Eval("regex.find_n", {R"("x*")", R"("axxb")", "-1"}), R"(["","xx",""])");
}

TEST(RegexTest, FindAllStringSubmatch) {
  std::string_view re = R"("a(x*)b")";
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {re, R"("-")", "-1"}), "[]");
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {re, R"("-ab-")", "-1"}), R"([["ab",""]])");
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {re, R"("-ab-axb-")", "-1"}),
            R"([["ab",""],["axb","x"]])");
  std::string_view re2 = R"("[^aouiye]([aouiye])([^aouiye])?")";
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {re2, R"("somestri")", "-1"}),
            R"([["som","o","m"],["ri","i",""]])");
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {re2, R"("somestri")", "1"}),
            R"([["som","o","m"]])");
}

TEST(RegexTest, ReplaceAllWithExpansion) {
  EXPECT_EQ(Eval("regex.replace", {R"("-wy-wxxy-")", R"("w(x*)y")", R"("0")"}), R"("-0-0-")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo")", R"x("(foo)")x", R"("$1$1")"}), R"("foofoo")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo")", R"("^[a-z]")", R"("F")"}), R"("Foo")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo")", R"("^[a-z]$")", R"("F")"}), R"("foo")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo")", R"("^[a-z]+$")", R"("M")"}), R"("M")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo")", R"("[a-z]$")", R"("F")"}), R"("foF")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo bar")", R"("[a-z]")", R"("_")"}), R"("___ ___")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo barx")", R"("[a-z]{3}")", R"("_")"}), R"("_ _x")");
  EXPECT_EQ(Eval("regex.replace", {R"("foo barx")", R"("[a-z]{2}")", R"("_")"}), R"("_o __")");
  EXPECT_EQ(Eval("regex.replace", {R"("abc")", R"x("(?P<x>b)")x", R"("[${x}]")"}), R"("a[b]c")");
  EXPECT_EQ(Eval("regex.replace", {R"("abc")", R"("b")", R"("$$")"}), R"("a$c")");
  EXPECT_EQ(Eval("regex.replace", {R"("abc")", R"x("(b)")x", R"("$1x")"}), R"("ac")");  // group "1x"
  EXPECT_EQ(Eval("regex.replace", {R"("abc")", R"("x*")", R"("-")"}), R"("-a-b-c-")");
  EXPECT_EQ(CodeOf("regex.replace", {R"("foo")", R"("[")", R"("$1")"}),
            ErrorCode::kEvalBuiltinError);
}

TEST(RegexTest, TemplateMatch) {
  EXPECT_EQ(Eval("regex.template_match",
                 {R"("urn:foo:{.*}")", R"("urn:foo:bar:baz")", R"("{")", R"("}")"}),
            "true");
  EXPECT_EQ(Eval("regex.template_match",
                 {R"("urn:foo:<.*>")", R"("urn:foo:bar:baz")", R"("<")", R"(">")"}),
            "true");
  EXPECT_EQ(Eval("regex.template_match",
                 {R"("urn:foo.bar:{[0-9]+}")", R"("urn:fooxbar:12")", R"("{")", R"("}")"}),
            "false");  // the literal part is quoted
  EXPECT_EQ(Eval("regex.template_match", {R"("a{b")", R"("ab")", R"("{")", R"("}")"}),
            R"(error: regex.template_match: unbalanced braces in "a{b")");
}

TEST(GlobsMatchTest, Intersections) {
  EXPECT_EQ(GlobsIntersect("a.a.[0-9]+z", ".b.b2359825792*594823z").value(), true);
  EXPECT_EQ(GlobsIntersect("[a-z]+", "[0-9]*").value(), false);
  EXPECT_EQ(GlobsIntersect("b.*", "bar").value(), true);
  EXPECT_EQ(GlobsIntersect(R"([a-z]+\[[0-9]+\])", R"(foo\[1\])").value(), true);
  EXPECT_EQ(GlobsIntersect(R"([a-z]+\[[0-9]+\])", R"(foo["bar"])").value(), false);
  EXPECT_EQ(GlobsIntersect("a*b*c", "abc").value(), true);
  EXPECT_EQ(GlobsIntersect("a+", "").value(), false);
  EXPECT_EQ(Eval("regex.globs_match", {R"("pqrs]")", R"("[a-b]+")"}),
            "error: regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding "
            "'[': the input provided is invalid");
}

TEST(PatternCacheTest, CompilesOnceAndIsBounded) {
  PatternCache cache(4);
  auto a = cache.CompiledRegex("a+");
  auto b = cache.CompiledRegex("a+");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(cache.CompiledRegex("x" + std::to_string(i)).ok());
  EXPECT_LE(cache.size(), 4u);
  EXPECT_FALSE(cache.CompiledRegex("(").ok());
  auto g1 = cache.CompiledGlob("*.com", U".");
  auto g2 = cache.CompiledGlob("*.com", U".");
  auto g3 = cache.CompiledGlob("*.com", U"");
  ASSERT_TRUE(g1.ok() && g2.ok() && g3.ok());
  EXPECT_EQ(g1->get(), g2->get());
  EXPECT_NE(g1->get(), g3->get());
}

TEST(PatternCacheTest, ThreadSafe) {
  PatternCache cache(16);
  std::vector<std::thread> threads;
  std::atomic<int> matches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto re = cache.CompiledRegex("p+|x" + std::to_string((i + t) % 40));
        if (re.ok() && RE2::PartialMatch("pp", **re)) matches.fetch_add(1);
        auto g = cache.CompiledGlob("*.x" + std::to_string(i % 7), U".");
        if (g.ok()) (*g)->Match("a.x1");
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_GT(matches.load(), 0);
  EXPECT_LE(cache.size(), 32u);
}

// The per-context memo in front of the cache (LookupGlob / LookupRegex):
// many patterns through one context share its slots, so entries are
// replaced; every answer must still be the one a fresh context gives, and
// the memo must tell apart one pattern under different delimiters.
TEST(PatternMemoTest, AnswersLikeAFreshContext) {
  PatternCache cache(8);  // smaller than the memo: the cache evicts too
  BuiltinContext ctx;
  ctx.patterns = &cache;
  auto call = [](BuiltinContext& c, std::string_view name, std::vector<Value> args) {
    absl::StatusOr<Value> r = Call(name, std::move(args), &c);
    return r.ok() ? ToJson(*r) : "error: " + std::string(r.status().message());
  };
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      std::string n = std::to_string(i % 150);
      std::vector<Value> glob_args = {Str("p" + n + ".*"), J(i % 2 ? R"(["."])" : "null"),
                                      Str("p" + n + ".a.b")};
      BuiltinContext fresh;
      EXPECT_EQ(call(ctx, "glob.match", glob_args), call(fresh, "glob.match", glob_args))
          << i;
      EXPECT_EQ(call(ctx, "glob.match", glob_args), i % 2 ? "false" : "true") << i;
      std::vector<Value> regex_args = {Str("^x" + n + "$"), Str("x" + std::to_string(i % 7))};
      EXPECT_EQ(call(ctx, "regex.match", regex_args), call(fresh, "regex.match", regex_args))
          << i;
    }
  }
  // Long patterns (string cells, whose hash is cached) and bad patterns,
  // which are never remembered.
  std::string long_pattern = "registry.corp.example/" + std::string(40, 'x') + "/*";
  const std::string dir = long_pattern.substr(0, long_pattern.size() - 2);
  EXPECT_EQ(call(ctx, "glob.match", {Str(long_pattern), J(R"(["/"])"), Str(dir + "/api")}),
            "true");
  EXPECT_EQ(call(ctx, "glob.match", {Str(long_pattern), J(R"(["/"])"), Str(dir + "/a/b")}),
            "false");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(call(ctx, "regex.match", {Str("("), Str("x")}),
              "error: regex.match: error parsing regexp: missing closing ): `(`");
    EXPECT_EQ(call(ctx, "glob.match", {Str("[a"), J("[]"), Str("a")}),
              "error: glob.match: unexpected end of input");
  }
}

}  // namespace
}  // namespace verdict::builtins
