// Tests for lib/builtins/strings.cc and utf8.cc.
#include "builtin_testing.h"
#include "builtins/utf8.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

TEST(Utf8Test, DecodeLikeGo) {
  size_t i = 0;
  EXPECT_EQ(DecodeUtf8("\xC3\xA9", &i), 0xE9u);
  EXPECT_EQ(i, 2u);
  i = 0;
  EXPECT_EQ(DecodeUtf8("\xFF" "a", &i), 0xFFFDu);  // invalid byte: one rune
  EXPECT_EQ(i, 1u);
  EXPECT_EQ(CountRunes("h\xC3\xA9llo"), 5u);
  EXPECT_EQ(CountRunes("\xED\xA0\x80"), 3u);  // a surrogate is three invalid bytes
}

TEST(ConcatTest, JoinsArraysAndSets) {
  EXPECT_EQ(Eval("concat", {R"(", ")", R"(["a","b","c"])"}), R"("a, b, c")");
  EXPECT_EQ(Eval("concat", {R"("-")", "[]"}), R"("")");
  EXPECT_EQ(EvalV("concat", {Str("/"), Set({Str("b"), Str("a")})}), R"("a/b")");
  EXPECT_EQ(Eval("concat", {R"("-")", R"(["a",1])"}),
            "error: concat: operand 2 must be array of strings but got array containing "
            "number");
  EXPECT_EQ(Eval("concat", {R"("-")", R"("a")"}),
            "error: concat: operand 2 must be one of {set, array} but got string");
}

TEST(PredicateTest, ContainsStartsEnds) {
  EXPECT_EQ(Eval("contains", {R"("abc")", R"("bc")"}), "true");
  EXPECT_EQ(Eval("contains", {R"("abc")", R"("")"}), "true");
  EXPECT_EQ(Eval("startswith", {R"("abc")", R"("ab")"}), "true");
  EXPECT_EQ(Eval("startswith", {R"("abc")", R"("bc")"}), "false");
  EXPECT_EQ(Eval("endswith", {R"("abc")", R"("bc")"}), "true");
  EXPECT_EQ(Eval("endswith", {R"("abc")", "1"}),
            "error: endswith: operand 2 must be string but got number");
  EXPECT_EQ(CodeOf("endswith", {R"("abc")", "1"}), ErrorCode::kEvalTypeError);
}

TEST(CaseTest, LowerUpperAreUnicodeAware) {
  EXPECT_EQ(Eval("lower", {R"("AbC")"}), R"("abc")");
  EXPECT_EQ(Eval("upper", {R"("abc")"}), R"("ABC")");
  EXPECT_EQ(Eval("upper", {R"("straße")"}), R"("STRAßE")");
  EXPECT_EQ(Eval("lower", {R"("ÅÄÖ")"}), R"("åäö")");
  EXPECT_EQ(Eval("upper", {R"("привет")"}), R"("ПРИВЕТ")");
  EXPECT_EQ(Eval("lower", {R"("ΣΑΣ")"}), R"("σασ")");
  // ASCII: long strings, nothing to change, and bytes that are no letters.
  EXPECT_EQ(Eval("lower", {R"("Hello World, This Is A Mixed Case String!")"}),
            R"("hello world, this is a mixed case string!")");
  EXPECT_EQ(Eval("upper", {R"("confidential-01_x")"}), R"("CONFIDENTIAL-01_X")");
  EXPECT_EQ(Eval("lower", {R"("")"}), R"("")");
  EXPECT_EQ(Eval("upper", {R"("@[`{")"}), R"("@[`{")");
  Value same = Str("already lower case text");
  absl::StatusOr<Value> lowered = testing::Call("lower", {same});
  ASSERT_TRUE(lowered.ok());
  EXPECT_EQ(lowered->raw_lo(), same.raw_lo());  // the operand itself
}

TEST(SplitTest, GoSemantics) {
  EXPECT_EQ(Eval("split", {R"("foo.bar.baz")", R"(".")"}), R"(["foo","bar","baz"])");
  EXPECT_EQ(Eval("split", {R"("foo")", R"(".")"}), R"(["foo"])");
  EXPECT_EQ(Eval("split", {R"("")", R"(".")"}), R"([""])");
  EXPECT_EQ(Eval("split", {R"("test")", R"("")"}), R"(["t","e","s","t"])");
  EXPECT_EQ(Eval("split", {R"("")", R"("")"}), "[]");
  EXPECT_EQ(Eval("split", {R"("a..b")", R"(".")"}), R"(["a","","b"])");
  EXPECT_EQ(Eval("split", {R"("åäö")", R"("")"}), R"(["å","ä","ö"])");
}

// One-byte separators are searched bytewise (memchr); longer ones as
// substrings. Pieces at the ends and between adjacent separators are empty.
TEST(SplitTest, SeparatorShapes) {
  EXPECT_EQ(Eval("split", {R"("/a/b/")", R"("/")"}), R"(["","a","b",""])");
  EXPECT_EQ(Eval("split", {R"("///")", R"("/")"}), R"(["","","",""])");
  EXPECT_EQ(Eval("split", {R"("a::b::::c")", R"("::")"}), R"(["a","b","","c"])");
  EXPECT_EQ(Eval("split", {R"("aaa")", R"("aa")"}), R"(["","a"])");  // no overlaps
  EXPECT_EQ(Eval("split", {R"("x€y€")", R"("€")"}), R"(["x","y",""])");
  EXPECT_EQ(Eval("split", {R"("registry.corp.example/team-risk/report-consumer:5.10.36")",
                           R"("/")"}),
            R"(["registry.corp.example","team-risk","report-consumer:5.10.36"])");
  EXPECT_EQ(Eval("split", {R"("a.b")", R"("a.b.c")"}), R"(["a.b"])");
}

TEST(ReplaceTest, NonOverlappingLeftToRight) {
  EXPECT_EQ(Eval("replace", {R"("foo.bar.baz")", R"(".")", R"(",")"}), R"("foo,bar,baz")");
  EXPECT_EQ(Eval("replace", {R"("foo...bar")", R"("..")", R"(",,")"}), R"("foo,,.bar")");
  EXPECT_EQ(Eval("replace", {R"("")", R"("hi")", R"("bye")"}), R"("")");
  EXPECT_EQ(Eval("replace", {R"("abc")", R"("")", R"("-")"}), R"("-a-b-c-")");
}

TEST(ReplaceNTest, PatternsInKeyOrder) {
  EXPECT_EQ(Eval("strings.replace_n", {R"({"<":"&lt;",">":"&gt;"})", R"("<a>")"}),
            R"("&lt;a&gt;")");
  // At one position the first key in sorted order wins: "a" before "ab".
  EXPECT_EQ(Eval("strings.replace_n", {R"({"ab":"X","a":"Y"})", R"("abab")"}), R"("YbYb")");
  EXPECT_EQ(Eval("strings.replace_n", {R"({"a":1})", R"("a")"}),
            "error: strings.replace_n: operand 1 non-string value found in pattern object");
  EXPECT_EQ(Eval("strings.replace_n", {R"({"a":"b"})", "1"}),
            "error: strings.replace_n: operand 2 must be string but got number");
}

TEST(TrimTest, CutsetsAreRuneSets) {
  EXPECT_EQ(Eval("trim", {R"("...foo.bar...")", R"(".")"}), R"("foo.bar")");
  EXPECT_EQ(Eval("trim", {R"("...foo.bar...")", R"(".fr")"}), R"("oo.ba")");
  EXPECT_EQ(Eval("trim", {R"("")", R"(".")"}), R"("")");
  EXPECT_EQ(Eval("trim_left", {R"("xxaxx")", R"("x")"}), R"("axx")");
  EXPECT_EQ(Eval("trim_right", {R"("xxaxx")", R"("x")"}), R"("xxa")");
  EXPECT_EQ(Eval("trim", {R"("åaå")", R"("å")"}), R"("a")");
  EXPECT_EQ(Eval("trim_prefix", {R"("foo.bar")", R"("foo.")"}), R"("bar")");
  EXPECT_EQ(Eval("trim_prefix", {R"("foo.bar")", R"("x")"}), R"("foo.bar")");
  EXPECT_EQ(Eval("trim_suffix", {R"("1.2.3-rc1")", R"("-rc1")"}), R"("1.2.3")");
  EXPECT_EQ(Eval("trim_space", {R"("  \t a b \n ")"}), R"("a b")");
  EXPECT_EQ(Eval("trim_space", {"\"\\u00a0x\\u3000\""}), R"("x")");
}

TEST(SubstringTest, RuneOffsets) {
  EXPECT_EQ(Eval("substring", {R"("abcdefgh")", "2", "3"}), R"("cde")");
  EXPECT_EQ(Eval("substring", {R"("åäö")", "0", "2"}), R"("åä")");
  EXPECT_EQ(Eval("substring", {R"("abcdefgh")", "2", "-1"}), R"("cdefgh")");
  EXPECT_EQ(Eval("substring", {R"("aåäö")", "2", "-1"}), R"("äö")");
  EXPECT_EQ(Eval("substring", {R"("abcdefghåäö")", "2", "10000"}), R"("cdefghåäö")");
  EXPECT_EQ(Eval("substring", {R"("åäö")", "3", "-1"}), R"("")");
  EXPECT_EQ(Eval("substring", {R"("aaa")", "-1", "-1"}), "error: substring: negative offset");
  EXPECT_EQ(CodeOf("substring", {R"("aaa")", "-1", "-1"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("substring", {R"("aaa")", "1.5", "1"}),
            "error: substring: operand 2 must be integer number but got floating-point number");
}

TEST(IndexOfTest, RuneOffsets) {
  EXPECT_EQ(Eval("indexof", {R"("abcdefgh")", R"("cde")"}), "2");
  EXPECT_EQ(Eval("indexof", {R"("abcabcabcdefgh")", R"("cde")"}), "8");
  EXPECT_EQ(Eval("indexof", {R"("abcdefgh")", R"("xyz")"}), "-1");
  EXPECT_EQ(Eval("indexof", {R"("åäöx")", R"("x")"}), "3");
  EXPECT_EQ(Eval("indexof", {R"("a")", R"("")"}), "error: indexof: empty search character");
  EXPECT_EQ(Eval("indexof_n", {R"("dogcatdogcat")", R"("cat")"}), "[3,9]");
  EXPECT_EQ(Eval("indexof_n", {R"("aaa")", R"("aa")"}), "[0,1]");  // overlapping
  EXPECT_EQ(Eval("indexof_n", {R"("abc")", R"("x")"}), "[]");
}

TEST(FormatIntTest, BasesAndTruncation) {
  EXPECT_EQ(Eval("format_int", {"15.5", "16"}), R"("f")");
  EXPECT_EQ(Eval("format_int", {"3.1", "10"}), R"("3")");
  EXPECT_EQ(Eval("format_int", {"-3.9", "10"}), R"("-3")");
  EXPECT_EQ(Eval("format_int", {"5", "2"}), R"("101")");
  EXPECT_EQ(Eval("format_int", {"64", "8"}), R"("100")");
  EXPECT_EQ(Eval("format_int", {"-255", "16"}), R"("-ff")");
  EXPECT_EQ(Eval("format_int", {"18446744073709551616", "16"}), R"("10000000000000000")");
  EXPECT_EQ(Eval("format_int", {"4.1", "199"}),
            "error: format_int: operand 2 must be one of {2, 8, 10, 16}");
  EXPECT_EQ(CodeOf("format_int", {"4.1", "199"}), ErrorCode::kEvalTypeError);
}

TEST(StringsTest, CountAndReverse) {
  EXPECT_EQ(Eval("strings.count", {R"("cheese")", R"("e")"}), "3");
  EXPECT_EQ(Eval("strings.count", {R"("five")", R"("")"}), "5");
  EXPECT_EQ(Eval("strings.count", {R"("aaaa")", R"("aa")"}), "2");
  EXPECT_EQ(Eval("strings.reverse", {R"("abc")"}), R"("cba")");
  EXPECT_EQ(Eval("strings.reverse", {R"("åäö")"}), R"("öäå")");
  EXPECT_EQ(Eval("strings.reverse", {"1"}),
            "error: strings.reverse: operand 1 must be string but got number");
}

TEST(AnyPrefixSuffixTest, StringsArraysSets) {
  EXPECT_EQ(Eval("strings.any_prefix_match", {R"("foo/bar")", R"("foo")"}), "true");
  EXPECT_EQ(Eval("strings.any_prefix_match", {R"(["a/b","c/d"])", R"(["x","c/"])"}), "true");
  EXPECT_EQ(EvalV("strings.any_prefix_match", {Set({Str("abc")}), Set({Str("b")})}), "false");
  EXPECT_EQ(Eval("strings.any_suffix_match", {R"("foo.rego")", R"([".rego"])"}), "true");
  EXPECT_EQ(Eval("strings.any_prefix_match", {"[]", R"("a")"}), "false");
  EXPECT_EQ(Eval("strings.any_prefix_match", {"1", R"("a")"}),
            "error: strings.any_prefix_match: operand 1 must be one of {string, set, array} "
            "but got number");
  EXPECT_EQ(Eval("strings.any_suffix_match", {R"("a")", "[1]"}),
            "error: strings.any_suffix_match: operand 2 must be array of strings but got array "
            "containing number");
}

}  // namespace
}  // namespace verdict::builtins
