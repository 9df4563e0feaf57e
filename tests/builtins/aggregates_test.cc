// Tests for lib/builtins/aggregates.cc: count, sum, product, max, min,
// sort, all, any.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::StatusIs;

TEST(CountTest, CountsEveryCollectionAndRunesOfStrings) {
  EXPECT_EQ(Eval("count", {"[1,2,3]"}), "3");
  EXPECT_EQ(Eval("count", {R"({"a":1,"b":2})"}), "2");
  EXPECT_EQ(EvalV("count", {Set({J("1"), J("2"), J("2")})}), "2");
  EXPECT_EQ(Eval("count", {R"("abc")"}), "3");
  EXPECT_EQ(Eval("count", {R"("héllo")"}), "5");  // runes, not bytes
  EXPECT_EQ(Eval("count", {R"("")"}), "0");
  EXPECT_EQ(Eval("count", {"[]"}), "0");
}

TEST(CountTest, TypeErrorsUseOpaWording) {
  EXPECT_THAT(testing::Call("count", {J("1")}),
              StatusIs(ErrorCode::kEvalTypeError,
                       "count: operand 1 must be one of {array, object, set, string} but got "
                       "number"));
  EXPECT_EQ(Eval("count", {"null"}),
            "error: count: operand 1 must be one of {array, object, set, string} but got null");
}

TEST(SumTest, IntegersAreExactAndFloatsPrintLikeOpa) {
  EXPECT_EQ(Eval("sum", {"[1,2,3,4]"}), "10");
  EXPECT_EQ(Eval("sum", {"[]"}), "0");
  EXPECT_EQ(EvalV("sum", {Set({J("1"), J("2")})}), "3");
  EXPECT_EQ(Eval("sum", {"[0.1, 0.2]"}), "0.3");
  EXPECT_EQ(Eval("sum", {"[9223372036854775807, 1]"}), "9223372036854775808");
  EXPECT_EQ(Eval("sum", {"[1.5, 2.5]"}), "4");
}

TEST(SumTest, Errors) {
  EXPECT_EQ(Eval("sum", {R"([1, "a"])"}),
            "error: sum: operand 1 must be array of numbers but got array containing string");
  EXPECT_EQ(Eval("sum", {"1"}), "error: sum: operand 1 must be one of {set, array} but got number");
}

TEST(ProductTest, Basic) {
  EXPECT_EQ(Eval("product", {"[1,2,3,4]"}), "24");
  EXPECT_EQ(Eval("product", {"[]"}), "1");
  EXPECT_EQ(Eval("product", {"[4294967296, 4294967296]"}), "18446744073709551616");
  EXPECT_EQ(Eval("product", {"[0.5, 3]"}), "1.5");
}

TEST(MaxMinTest, UseRegoOrderAcrossKinds) {
  EXPECT_EQ(Eval("max", {"[1, 10, 9]"}), "10");  // numeric, not textual
  EXPECT_EQ(Eval("min", {"[1, 10, 9]"}), "1");
  EXPECT_EQ(Eval("max", {R"([1, "a", null])"}), R"("a")");
  EXPECT_EQ(Eval("min", {R"([1, "a", null])"}), "null");
  EXPECT_EQ(Eval("max", {"[2.5, 2]"}), "2.5");
  EXPECT_EQ(EvalV("max", {Set({J("3"), J("7"), J("5")})}), "7");
  EXPECT_EQ(EvalV("min", {Set({J("3"), J("7"), J("5")})}), "3");
}

TEST(MaxMinTest, EmptyIsUndefined) {
  EXPECT_EQ(Eval("max", {"[]"}), "undefined");
  EXPECT_EQ(Eval("min", {"[]"}), "undefined");
  EXPECT_EQ(EvalV("max", {Value::EmptySet()}), "undefined");
}

TEST(SortTest, SortsArraysAndSets) {
  EXPECT_EQ(Eval("sort", {"[3, 1, 10, 2]"}), "[1,2,3,10]");
  EXPECT_EQ(Eval("sort", {R"(["b", "a", 1, null, [1], {"a": 1}])"}),
            R"([null,1,"a","b",[1],{"a":1}])");
  EXPECT_EQ(EvalV("sort", {Set({J("\"z\""), J("\"a\"")})}), R"(["a","z"])");
  EXPECT_EQ(Eval("sort", {"{}"}),
            "error: sort: operand 1 must be one of {set, array} but got object");
}

// An array already in order comes back as itself; anything else is sorted.
TEST(SortTest, InOrderArrays) {
  EXPECT_EQ(Eval("sort", {"[]"}), "[]");
  EXPECT_EQ(Eval("sort", {"[1]"}), "[1]");
  EXPECT_EQ(Eval("sort", {"[1, 1, 2, 2.5, 3]"}), "[1,1,2,2.5,3]");
  EXPECT_EQ(Eval("sort", {"[1, 2, 3, 5, 4]"}), "[1,2,3,4,5]");  // out of order at the end
  EXPECT_EQ(Eval("sort", {"[2, 1, 3, 4, 5]"}), "[1,2,3,4,5]");  // at the start
  EXPECT_EQ(Eval("sort", {R"([null, false, true, 0, "a", [], {}])"}),
            R"([null,false,true,0,"a",[],{}])");
  Value in_order = J(R"(["admin","auditor","editor","owner","viewer"])");
  absl::StatusOr<Value> r = testing::Call("sort", {in_order});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->raw_lo(), in_order.raw_lo());  // the same cell: nothing built
}

// count of a string counts runes (Go's RuneCountInString), eight ASCII
// bytes at a time where it can.
TEST(CountTest, StringsCountRunes) {
  EXPECT_EQ(Eval("count", {R"("")"}), "0");
  EXPECT_EQ(Eval("count", {R"("abcdefgh")"}), "8");
  EXPECT_EQ(Eval("count", {R"("abcdefghi")"}), "9");
  EXPECT_EQ(Eval("count", {R"("abcdefgé")"}), "8");   // a two-byte rune in the last word
  EXPECT_EQ(Eval("count", {R"("éabcdefghijklmnop")"}), "17");
  EXPECT_EQ(Eval("count", {R"("日本語日本語日本語")"}), "9");
  // An invalid byte is a rune; so is each byte of a truncated rune.
  EXPECT_EQ(testing::Call("count", {testing::Str("abcdefg\xff\xfe" "abcdefgh")})->as_int(), 17);
  EXPECT_EQ(testing::Call("count", {testing::Str("\xe2\x82" "abcdefgh")})->as_int(), 10);
}

TEST(AllAnyTest, Deprecated) {
  EXPECT_EQ(Eval("all", {"[true, true]"}), "true");
  EXPECT_EQ(Eval("all", {"[true, 1]"}), "false");
  EXPECT_EQ(Eval("all", {"[]"}), "true");
  EXPECT_EQ(Eval("any", {"[false, true]"}), "true");
  EXPECT_EQ(Eval("any", {"[]"}), "false");
}

}  // namespace
}  // namespace verdict::builtins
