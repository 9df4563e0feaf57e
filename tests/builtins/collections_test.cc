// Tests for lib/builtins/arrays.cc and sets.cc.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;

TEST(ArrayTest, Concat) {
  EXPECT_EQ(Eval("array.concat", {"[1,2]", "[3]"}), "[1,2,3]");
  EXPECT_EQ(Eval("array.concat", {"[]", "[3]"}), "[3]");
  EXPECT_EQ(Eval("array.concat", {"{}", "[3]"}),
            "error: array.concat: operand 1 must be array but got object");
  EXPECT_EQ(Eval("array.concat", {"[]", "{}"}),
            "error: array.concat: operand 2 must be array but got object");
}

TEST(ArrayTest, SliceClampsLikeOpa) {
  EXPECT_EQ(Eval("array.slice", {"[1,2,3,4,5]", "1", "3"}), "[2,3]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3]", "0", "0"}), "[]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3,4,5]", "-4", "-1"}), "[]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3,4,5]", "4", "1"}), "[]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3,4,5]", "-1", "2"}), "[1,2]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3,4,5]", "3", "6"}), "[4,5]");
  EXPECT_EQ(Eval("array.slice", {"[1,2,3]", "1000", "2000"}), "[]");
}

TEST(ArrayTest, Reverse) {
  EXPECT_EQ(Eval("array.reverse", {"[1,2,3]"}), "[3,2,1]");
  EXPECT_EQ(Eval("array.reverse", {"[]"}), "[]");
  EXPECT_EQ(Eval("array.reverse", {"{}"}),
            "error: array.reverse: operand 1 must be array but got object");
}

TEST(ArrayTest, FlattenOneLevel) {
  EXPECT_EQ(Eval("array.flatten", {"[[1,2],[3,4],[5]]"}), "[1,2,3,4,5]");
  EXPECT_EQ(Eval("array.flatten", {"[[[1],[2,3,[]]],[[4,5]]]"}), "[[1],[2,3,[]],[4,5]]");
  EXPECT_EQ(Eval("array.flatten", {R"([[1,2],"s",[3,{"a":"b"}],4.5])"}),
            R"([1,2,"s",3,{"a":"b"},4.5])");
  EXPECT_EQ(Eval("array.flatten", {"1"}),
            "error: array.flatten: operand 1 must be array but got number");
}

TEST(SetTest, Operators) {
  Value a = Set({J("1"), J("2"), J("3")});
  Value b = Set({J("2"), J("3"), J("4")});
  EXPECT_EQ(EvalV("and", {a, b}), "[2,3]");
  EXPECT_EQ(EvalV("or", {a, b}), "[1,2,3,4]");
  EXPECT_EQ(EvalV("set_diff", {a, b}), "[1]");
  EXPECT_EQ(EvalV("and", {a, J("[]")}), "error: and: operand 2 must be set but got array");
}

// `|` merges the two sorted member lists; mixed kinds follow Rego's order
// and equal members appear once.
TEST(SetTest, OrMergesInOrder) {
  Value a = Set({J("1"), J(R"("b")"), J("[1]"), J("null")});
  Value b = Set({J("1"), J("0.5"), J(R"("a")"), J(R"("b")"), J("{}")});
  EXPECT_EQ(EvalV("or", {a, b}), R"([null,0.5,1,"a","b",[1],{}])");
  EXPECT_EQ(EvalV("or", {b, a}), R"([null,0.5,1,"a","b",[1],{}])");
  EXPECT_EQ(EvalV("or", {a, a}), R"([null,1,"b",[1]])");
  EXPECT_EQ(EvalV("or", {a, Value::EmptySet()}), R"([null,1,"b",[1]])");
  EXPECT_EQ(EvalV("or", {Value::EmptySet(), b}), R"([0.5,1,"a","b",{}])");
  Value u = *testing::Call("or", {Set({J("1"), J("3")}), Set({J("2"), J("4")})});
  EXPECT_TRUE(u.Contains(J("4")));
  EXPECT_FALSE(u.Contains(J("5")));
  EXPECT_EQ(u, Set({J("1"), J("2"), J("3"), J("4")}));
}

TEST(SetTest, IntersectionAndUnionOfSets) {
  Value sets = Set({Set({J("1"), J("2")}), Set({J("2"), J("3")})});
  EXPECT_EQ(EvalV("intersection", {sets}), "[2]");
  EXPECT_EQ(EvalV("union", {sets}), "[1,2,3]");
  EXPECT_EQ(EvalV("union", {Value::EmptySet()}), "[]");
  EXPECT_EQ(EvalV("intersection", {Value::EmptySet()}), "[]");
  EXPECT_EQ(EvalV("union", {Set({J("1")})}),
            "error: union: operand 1 must be set of sets but got set containing number");
  EXPECT_EQ(CodeOf("union", {"[]"}), ErrorCode::kEvalTypeError);
}

}  // namespace
}  // namespace verdict::builtins
