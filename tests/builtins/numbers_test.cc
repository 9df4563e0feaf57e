// Tests for lib/builtins/numbers.cc and comparison.cc: arithmetic, rounding,
// ranges, bits, rand.intn, comparisons and membership.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;

TEST(ArithmeticTest, IntegersAreExact) {
  EXPECT_EQ(Eval("plus", {"1", "2"}), "3");
  EXPECT_EQ(Eval("plus", {"9223372036854775807", "1"}), "9223372036854775808");
  EXPECT_EQ(Eval("minus", {"-9223372036854775808", "1"}), "-9223372036854775809");
  EXPECT_EQ(Eval("mul", {"4294967296", "4294967296"}), "18446744073709551616");
  EXPECT_EQ(Eval("div", {"6", "3"}), "2");
  EXPECT_EQ(Eval("rem", {"7", "3"}), "1");
  EXPECT_EQ(Eval("rem", {"-7", "3"}), "-1");  // sign of the dividend, like Go
}

TEST(ArithmeticTest, DecimalsBehaveLikeOpa) {
  EXPECT_EQ(Eval("plus", {"0.1", "0.2"}), "0.3");
  EXPECT_EQ(Eval("div", {"1", "4"}), "0.25");
  EXPECT_EQ(Eval("mul", {"1.5", "3"}), "4.5");
  EXPECT_EQ(Eval("div", {"1e109", "1e100"}), "1000000000");
}

TEST(ArithmeticTest, Errors) {
  EXPECT_EQ(Eval("div", {"1", "0"}), "error: div: divide by zero");
  EXPECT_EQ(CodeOf("div", {"1", "0"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("rem", {"1", "0"}), "error: rem: modulo by zero");
  EXPECT_EQ(Eval("rem", {"1.5", "1"}), "error: rem: modulo on floating-point number");
  EXPECT_EQ(Eval("plus", {R"("a")", "1"}), "error: plus: operand 1 must be number but got string");
  EXPECT_EQ(CodeOf("plus", {R"("a")", "1"}), ErrorCode::kEvalTypeError);
  EXPECT_EQ(Eval("mul", {"1", "null"}), "error: mul: operand 2 must be number but got null");
}

TEST(ArithmeticTest, MinusIsAlsoSetDifference) {
  EXPECT_EQ(EvalV("minus", {Set({J("1"), J("2"), J("3")}), Set({J("2")})}), "[1,3]");
  EXPECT_EQ(Eval("minus", {R"("a")", "1"}),
            "error: minus: operand 1 must be one of {number, set} but got string");
  EXPECT_EQ(EvalV("minus", {Set({J("1")}), J("1")}),
            "error: minus: operand 2 must be set but got number");
  EXPECT_EQ(Eval("minus", {"1", "[]"}), "error: minus: operand 2 must be number but got array");
}

TEST(ArithmeticTest, UnaryMinus) {
  EXPECT_EQ(Eval("internal.negate", {"5"}), "-5");
  EXPECT_EQ(Eval("internal.negate", {"-1.5"}), "1.5");
}

TEST(RoundingTest, AbsRoundCeilFloor) {
  EXPECT_EQ(Eval("abs", {"-3"}), "3");
  EXPECT_EQ(Eval("abs", {"-3.5"}), "3.5");
  EXPECT_EQ(Eval("round", {"2.5"}), "3");
  EXPECT_EQ(Eval("round", {"-2.5"}), "-3");  // half away from zero
  EXPECT_EQ(Eval("round", {"2.4"}), "2");
  EXPECT_EQ(Eval("ceil", {"1.2"}), "2");
  EXPECT_EQ(Eval("ceil", {"-1.2"}), "-1");
  EXPECT_EQ(Eval("floor", {"1.8"}), "1");
  EXPECT_EQ(Eval("floor", {"-1.2"}), "-2");
  EXPECT_EQ(Eval("floor", {"7"}), "7");
  EXPECT_EQ(Eval("round", {R"("1")"}), "error: round: operand 1 must be number but got string");
}

TEST(RangeTest, Ranges) {
  EXPECT_EQ(Eval("numbers.range", {"0", "0"}), "[0]");
  EXPECT_EQ(Eval("numbers.range", {"-2", "3"}), "[-2,-1,0,1,2,3]");
  EXPECT_EQ(Eval("numbers.range", {"2", "-3"}), "[2,1,0,-1,-2,-3]");
  EXPECT_EQ(Eval("numbers.range", {"49649733057", "49649733059"}),
            "[49649733057,49649733058,49649733059]");
  EXPECT_EQ(Eval("numbers.range", {"3.14", "4"}),
            "error: numbers.range: operand 1 must be integer number but got floating-point "
            "number");
  EXPECT_EQ(CodeOf("numbers.range", {"3.14", "4"}), ErrorCode::kEvalTypeError);
  EXPECT_EQ(Eval("numbers.range", {"1", R"("4")"}),
            "error: numbers.range: operand 2 must be integer but got string");
}

TEST(RangeTest, Steps) {
  EXPECT_EQ(Eval("numbers.range_step", {"0", "10", "3"}), "[0,3,6,9]");
  EXPECT_EQ(Eval("numbers.range_step", {"10", "0", "3"}), "[10,7,4,1]");
  EXPECT_EQ(Eval("numbers.range_step", {"0", "10", "0"}),
            "error: numbers.range_step: step must be a positive integer");
  EXPECT_EQ(Eval("numbers.range_step", {"0", "10", "-1"}),
            "error: numbers.range_step: step must be a positive integer");
}

TEST(RangeTest, HugeRangesAreRefused) {
  EXPECT_EQ(CodeOf("numbers.range", {"0", "9223372036854775807"}), ErrorCode::kEvalBuiltinError);
}

TEST(BitsTest, Operations) {
  EXPECT_EQ(Eval("bits.and", {"7", "9"}), "1");
  EXPECT_EQ(Eval("bits.or", {"7", "9"}), "15");
  EXPECT_EQ(Eval("bits.xor", {"42", "3"}), "41");
  EXPECT_EQ(Eval("bits.negate", {"42"}), "-43");
  EXPECT_EQ(Eval("bits.lsh", {"1", "3"}), "8");
  EXPECT_EQ(Eval("bits.lsh", {"2147483647", "1"}), "4294967294");
  EXPECT_EQ(Eval("bits.lsh", {"9223372036854775807", "1"}), "18446744073709551614");
  EXPECT_EQ(Eval("bits.rsh", {"8", "3"}), "1");
  EXPECT_EQ(Eval("bits.rsh", {"-8", "1"}), "-4");
}

TEST(BitsTest, Errors) {
  EXPECT_EQ(Eval("bits.and", {"7.2", "42"}),
            "error: bits.and: operand 1 must be integer number but got floating-point number");
  EXPECT_EQ(Eval("bits.lsh", {"7", "-1"}),
            "error: bits.lsh: operand 2 must be an unsigned integer number but got a negative "
            "integer");
  EXPECT_EQ(CodeOf("bits.rsh", {"7", "-1"}), ErrorCode::kEvalTypeError);
}

TEST(RandTest, SameDrawForSameArgumentsWithinAnEvaluation) {
  BuiltinContext ctx;
  ctx.random_seed = 42;
  std::vector<Value> args = {Value::String("k"), Value::Int(100)};
  absl::StatusOr<Value> a = testing::Call("rand.intn", args, &ctx);
  absl::StatusOr<Value> b = testing::Call("rand.intn", args, &ctx);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  ASSERT_TRUE(a->is_int());
  EXPECT_GE(a->as_int(), 0);
  EXPECT_LT(a->as_int(), 100);
  EXPECT_EQ(Eval("rand.intn", {R"("k")", "0"}), "0");
}

TEST(ComparisonTest, TotalOrderAcrossKinds) {
  EXPECT_EQ(Eval("equal", {"1", "1.0"}), "true");
  EXPECT_EQ(Eval("equal", {"[1]", "[1]"}), "true");
  EXPECT_EQ(Eval("neq", {"1", R"("1")"}), "true");
  EXPECT_EQ(Eval("lt", {"1", "2"}), "true");
  EXPECT_EQ(Eval("lt", {"10", "9"}), "false");
  EXPECT_EQ(Eval("lt", {"1", R"("a")"}), "true");  // numbers sort before strings
  EXPECT_EQ(Eval("lte", {"2", "2"}), "true");
  EXPECT_EQ(Eval("gt", {R"("b")", R"("a")"}), "true");
  EXPECT_EQ(Eval("gte", {"null", "false"}), "false");
}

TEST(MembershipTest, InOperator) {
  EXPECT_EQ(Eval("internal.member_2", {"2", "[1,2,3]"}), "true");
  EXPECT_EQ(Eval("internal.member_2", {"4", "[1,2,3]"}), "false");
  EXPECT_EQ(Eval("internal.member_2", {"1", R"({"a":1})"}), "true");
  EXPECT_EQ(Eval("internal.member_2", {R"("a")", R"({"a":1})"}), "false");  // values, not keys
  EXPECT_EQ(EvalV("internal.member_2", {J("1"), Set({J("1")})}), "true");
  EXPECT_EQ(Eval("internal.member_2", {R"("a")", R"("abc")"}), "false");
}

TEST(MembershipTest, KeyValueInOperator) {
  EXPECT_EQ(Eval("internal.member_3", {"1", R"("b")", R"(["a","b"])"}), "true");
  EXPECT_EQ(Eval("internal.member_3", {"0", R"("b")", R"(["a","b"])"}), "false");
  EXPECT_EQ(Eval("internal.member_3", {"5", R"("b")", R"(["a","b"])"}), "false");
  EXPECT_EQ(Eval("internal.member_3", {R"("k")", "1", R"({"k":1})"}), "true");
  EXPECT_EQ(EvalV("internal.member_3", {J("1"), J("1"), Set({J("1")})}), "true");
  EXPECT_EQ(EvalV("internal.member_3", {J("1"), J("2"), Set({J("1")})}), "false");
}

}  // namespace
}  // namespace verdict::builtins

namespace verdict::builtins {
namespace {

TEST(RangeTest, BigStepGivesTheStartOnly) {
  EXPECT_EQ(testing::Eval("numbers.range_step", {"0", "10", "100000000000000000000"}), "[0]");
  EXPECT_EQ(testing::Eval("numbers.range_step", {"0", "10", "-100000000000000000000"}),
            "error: numbers.range_step: step must be a positive integer");
}

}  // namespace
}  // namespace verdict::builtins

namespace verdict::builtins {
namespace {

TEST(PrintTest, InternalPrintIsAcceptedAndDiscarded) {
  EXPECT_EQ(testing::Eval("internal.print", {"[[1], []]"}), "true");
  EXPECT_EQ(testing::Eval("internal.print", {"1"}),
            "error: internal.print: operand 1 must be array but got number");
  EXPECT_EQ(testing::Eval("trace", {R"("note")"}), "true");
}

}  // namespace
}  // namespace verdict::builtins
