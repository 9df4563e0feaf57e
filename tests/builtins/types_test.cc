// Tests for lib/builtins/types.cc: is_*, type_name, to_number, cast_*.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;

TEST(TypeTest, IsFunctions) {
  EXPECT_EQ(Eval("is_number", {"1.5"}), "true");
  EXPECT_EQ(Eval("is_number", {R"("1")"}), "false");
  EXPECT_EQ(Eval("is_string", {R"("1")"}), "true");
  EXPECT_EQ(Eval("is_boolean", {"false"}), "true");
  EXPECT_EQ(Eval("is_array", {"[]"}), "true");
  EXPECT_EQ(Eval("is_object", {"{}"}), "true");
  EXPECT_EQ(EvalV("is_set", {Value::EmptySet()}), "true");
  EXPECT_EQ(Eval("is_set", {"[]"}), "false");
  EXPECT_EQ(Eval("is_null", {"null"}), "true");
}

TEST(TypeTest, TypeName) {
  EXPECT_EQ(Eval("type_name", {"null"}), R"("null")");
  EXPECT_EQ(Eval("type_name", {"true"}), R"("boolean")");
  EXPECT_EQ(Eval("type_name", {"1"}), R"("number")");
  EXPECT_EQ(Eval("type_name", {R"("s")"}), R"("string")");
  EXPECT_EQ(Eval("type_name", {"[]"}), R"("array")");
  EXPECT_EQ(Eval("type_name", {"{}"}), R"("object")");
  EXPECT_EQ(EvalV("type_name", {Set({J("1")})}), R"("set")");
}

TEST(ToNumberTest, AcceptsWhatGoParseFloatAccepts) {
  EXPECT_EQ(Eval("to_number", {R"("-42.0")"}), "-42");
  EXPECT_EQ(Eval("to_number", {"false"}), "0");
  EXPECT_EQ(Eval("to_number", {"true"}), "1");
  EXPECT_EQ(Eval("to_number", {"null"}), "0");
  EXPECT_EQ(Eval("to_number", {"100.1"}), "100.1");
  EXPECT_EQ(Eval("to_number", {R"("00")"}), "0");
  EXPECT_EQ(Eval("to_number", {R"("+5")"}), "5");
  EXPECT_EQ(Eval("to_number", {R"(".5")"}), "0.5");
  EXPECT_EQ(Eval("to_number", {R"("5.")"}), "5");
  EXPECT_EQ(Eval("to_number", {R"("1e3")"}), "1000");
  EXPECT_EQ(Eval("to_number", {R"("0x1p-2")"}), "0.25");
  EXPECT_EQ(Eval("to_number", {R"("12345678901234567890")"}), "12345678901234567890");
}

// Strings that are JSON number literals are read directly; the rest go
// through Go's ParseFloat syntax. Both must agree on every value.
TEST(ToNumberTest, JsonLiteralsAndTheRest) {
  EXPECT_EQ(Eval("to_number", {R"("84.8")"}), "84.8");
  EXPECT_EQ(Eval("to_number", {R"("-3")"}), "-3");
  EXPECT_EQ(Eval("to_number", {R"("-0")"}), "0");
  EXPECT_EQ(Eval("to_number", {R"("0.1")"}), "0.1");
  EXPECT_EQ(Eval("to_number", {R"("1E3")"}), "1000");
  EXPECT_EQ(Eval("to_number", {R"("2.5e-3")"}), "0.0025");
  EXPECT_EQ(Eval("to_number", {R"("007")"}), "7");
  EXPECT_EQ(Eval("to_number", {R"("1e308")"}), "1e+308");
  EXPECT_EQ(Eval("to_number", {R"("1e309")"}),
            R"(error: to_number: strconv.ParseFloat: parsing "1e309": value out of range)");
  EXPECT_EQ(Eval("to_number", {R"("123456789012345678901234567890")"}),
            "123456789012345678901234567890");
  EXPECT_EQ(Eval("to_number", {R"("1.")"}), "1");
  EXPECT_EQ(Eval("to_number", {R"("-.5")"}), "-0.5");
}

TEST(ToNumberTest, Errors) {
  EXPECT_EQ(Eval("to_number", {R"("broken")"}),
            R"(error: to_number: strconv.ParseFloat: parsing "broken": invalid syntax)");
  EXPECT_EQ(CodeOf("to_number", {R"("broken")"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("to_number", {R"("1_000")"}),
            R"(error: to_number: strconv.ParseFloat: parsing "1_000": invalid syntax)");
  EXPECT_EQ(Eval("to_number", {R"(" 1")"}),
            R"(error: to_number: strconv.ParseFloat: parsing " 1": invalid syntax)");
  for (std::string_view s : {R"("nan")", R"("inf")", R"("-Infinity")", R"("-NaN")", R"("iNf")"}) {
    EXPECT_EQ(CodeOf("to_number", {s}), ErrorCode::kEvalTypeError) << s;
  }
  EXPECT_EQ(Eval("to_number", {R"("inf")"}),
            "error: to_number: operand 1 must be valid number string but got string");
  EXPECT_EQ(Eval("to_number", {"[]"}),
            "error: to_number: operand 1 must be one of {null, boolean, number, string} but "
            "got array");
  EXPECT_EQ(Eval("to_number", {R"("1e400")"}),
            R"(error: to_number: strconv.ParseFloat: parsing "1e400": value out of range)");
}

TEST(CastTest, Deprecated) {
  EXPECT_EQ(EvalV("cast_array", {Set({J("2"), J("1")})}), "[1,2]");
  EXPECT_EQ(Eval("cast_set", {"[2,1,2]"}), "[1,2]");
  EXPECT_EQ(Eval("cast_string", {"1"}), "error: cast_string: operand 1 must be string but got number");
  EXPECT_EQ(Eval("cast_boolean", {"true"}), "true");
  EXPECT_EQ(Eval("cast_null", {"null"}), "null");
  EXPECT_EQ(Eval("cast_object", {"{}"}), "{}");
}

}  // namespace
}  // namespace verdict::builtins
