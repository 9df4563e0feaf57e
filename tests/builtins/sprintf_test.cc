// Tests for lib/builtins/sprintf.cc: Go's fmt verbs as OPA's sprintf
// exposes them. Expected strings are what Go's fmt.Sprintf prints for the
// Go values OPA passes (int, *big.Int, float64, string).
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

Value Args(std::initializer_list<Value> items) {
  ArrayBuilder b;
  for (const Value& v : items) b.Add(v);
  return b.Build();
}

std::string F(std::string_view format, std::string_view json_args) {
  return Eval("sprintf", {"\"" + std::string(format) + "\"", json_args});
}

TEST(SprintfTest, OpaConformanceCases) {
  EXPECT_EQ(F("hi", "[]"), R"("hi")");
  EXPECT_EQ(F("hi %s", R"(["there"])"), R"("hi there")");
  EXPECT_EQ(F("hi %02d", "[5]"), R"("hi 05")");
  EXPECT_EQ(F("hi %.2f", "[3.1415]"), R"("hi 3.14")");
  EXPECT_EQ(F("hi %02X.%02X", "[127, 1]"), R"("hi 7F.01")");
  EXPECT_EQ(F("hi %s", "[true]"), R"("hi true")");
  EXPECT_EQ(F("hi %v", R"([["there", 5, 3.14]])"), R"("hi [\"there\", 5, 3.14]")");
  EXPECT_EQ(F("%s", "[1208925819614629174706175]"), R"("1208925819614629174706175")");
  EXPECT_EQ(F("%s", "[123456789123456789123]"), R"("123456789123456789123")");
  EXPECT_EQ(F("hi %v", "[2e308]"), R"("hi 2e308")");
}

// Formats of plain %s / %d / %v / %% over strings and int64s are written in
// one pass (PlainSprintf); the rest, and every error form, must still come
// out as Go prints them.
TEST(SprintfTest, PlainVerbsPath) {
  EXPECT_EQ(F("%s:%s", R"(["table", "export"])"), R"x("table:export")x");
  EXPECT_EQ(F("user %s is %s", R"(["u00560", "suspended"])"), R"x("user u00560 is suspended")x");
  EXPECT_EQ(F("%v/%v", R"(["a", -7])"), R"x("a/-7")x");
  EXPECT_EQ(F("%d", "[-9223372036854775808]"), R"x("-9223372036854775808")x");
  EXPECT_EQ(F("100%% %s", R"(["done"])"), R"x("100% done")x");
  EXPECT_EQ(F("%s", R"(["日本語 é"])"), R"x("日本語 é")x");
  EXPECT_EQ(F("%s%s", R"(["", ""])"), R"x("")x");
  EXPECT_EQ(F("%s %s and a long tail of text", R"(["x", "y"])"),
            R"x("x y and a long tail of text")x");
  // Results around the one-pass buffer's 256 bytes.
  for (size_t len : {200u, 250u, 251u, 252u, 253u, 300u, 5000u}) {
    const std::string a(len, 'a');
    EXPECT_EQ(F("%s-%d%%", "[\"" + a + "\", 42]"), "\"" + a + "-42%\"") << len;
  }
  // Shapes the plain path hands on.
  EXPECT_EQ(F("%s %s", R"(["x"])"), R"x("x %!s(MISSING)")x");
  EXPECT_EQ(F("%s", R"(["x", "y"])"), R"x("x%!(EXTRA string=y)")x");
  EXPECT_EQ(F("%s", "[5]"), R"x("%!s(int=5)")x");
  EXPECT_EQ(F("%d", R"(["x"])"), R"x("%!d(string=x)")x");
  EXPECT_EQ(F("%d", "[1.5]"), R"x("%!d(float64=1.5)")x");
  EXPECT_EQ(F("%d", "[12345678901234567890]"), R"x("12345678901234567890")x");
  EXPECT_EQ(F("abc%", "[]"), R"x("abc%!(NOVERB)")x");
  EXPECT_EQ(F("%s", "[null]"), R"x("null")x");
  EXPECT_EQ(F("%[2]s %[1]s", R"(["a", "b"])"), R"x("b a")x");
  EXPECT_EQ(F("%#v", R"(["q"])"), R"x("`q`")x");  // Go backquotes
  EXPECT_EQ(F("%5s|%-5s|%.2s", R"(["ab", "cd", "xyz"])"), R"x("   ab|cd   |xy")x");
}

// %d with only a width and '-' or '0' takes a short path (PlainSprintf, or
// AppendDecimal next to other verbs).
TEST(SprintfTest, DecimalWidths) {
  EXPECT_EQ(F("%02d:%02d", "[9, 5]"), R"x("09:05")x");
  EXPECT_EQ(F("%05d", "[-42]"), R"x("-0042")x");
  EXPECT_EQ(F("%5d|", "[-42]"), R"x("  -42|")x");
  EXPECT_EQ(F("%-5d|", "[42]"), R"x("42   |")x");
  EXPECT_EQ(F("%-05d|", "[42]"), R"x("42   |")x");  // '-' wins over '0'
  EXPECT_EQ(F("%2d", "[12345]"), R"x("12345")x");
  EXPECT_EQ(F("%#d %#5v", "[7, 8]"), R"x("7     8")x");
  // The same widths next to verbs only the general path formats.
  EXPECT_EQ(F("%05d %.1f", "[-42, 1.5]"), R"x("-0042 1.5")x");
  EXPECT_EQ(F("%-4d|%x|%3d", "[7, 255, -1]"), R"x("7   |ff| -1")x");
  EXPECT_EQ(F("%0d %100d", "[3, 4]"), "\"3 " + std::string(99, ' ') + "4\"");
  // Flags the short path leaves to the general one.
  EXPECT_EQ(F("%+d % d %.3d %+05d", "[5, 5, 5, 5]"), R"x("+5  5 005 +0005")x");
}

TEST(SprintfTest, FloatsPrintShortestLikeGo) {
  EXPECT_EQ(F("%v", "[8.3]"), R"("8.3")");
  EXPECT_EQ(F("%v", "[0.1]"), R"("0.1")");
  EXPECT_EQ(F("%v", "[1e21]"), R"("1e+21")");
  EXPECT_EQ(F("%v", "[123456789.5]"), R"("1.234567895e+08")");
  EXPECT_EQ(F("%v", "[0.00001]"), R"("1e-05")");
  EXPECT_EQ(F("%v", "[0.0001]"), R"("0.0001")");
  EXPECT_EQ(F("%v", "[100000.5]"), R"("100000.5")");
  EXPECT_EQ(F("%v", "[1000000.5]"), R"("1.0000005e+06")");
  EXPECT_EQ(F("%v", "[-2.5]"), R"("-2.5")");
  // Integral numbers are Go ints.
  EXPECT_EQ(F("%v", "[3.0]"), R"("3")");
  EXPECT_EQ(Eval("sprintf", {R"x("%v")x", "[]"}), R"x("%!v(MISSING)")x");
}

TEST(SprintfTest, FloatVerbs) {
  EXPECT_EQ(F("%f", "[3.5]"), R"("3.500000")");
  EXPECT_EQ(F("%.0f", "[2.5]"), R"("2")");  // round half to even on the binary value
  EXPECT_EQ(F("%.1f", "[0.25]"), R"("0.2")");
  EXPECT_EQ(F("%e", "[1234.5678]"), R"("1.234568e+03")");
  EXPECT_EQ(F("%E", "[0.000123]"), R"("1.230000E-04")");
  EXPECT_EQ(F("%g", "[0.000012345]"), R"("1.2345e-05")");
  EXPECT_EQ(F("%.3g", "[1234.5678]"), R"("1.23e+03")");
  EXPECT_EQ(F("%.3g", "[1.5]"), R"("1.5")");
  EXPECT_EQ(F("%8.2f", "[3.14159]"), R"("    3.14")");
  EXPECT_EQ(F("%-8.2f|", "[3.14159]"), R"("3.14    |")");
  EXPECT_EQ(F("%08.2f", "[-3.14159]"), R"("-0003.14")");
  EXPECT_EQ(F("%+.1f", "[2.25]"), R"("+2.2")");
  EXPECT_EQ(F("%d", "[1.5]"), R"x("%!d(float64=1.5)")x");
  // Precisions past the formatter's stack buffer: every digit, as Go.
  EXPECT_EQ(F("%.600e", "[1.5]"), "\"1.5" + std::string(599, '0') + "e+00\"");
  EXPECT_EQ(F("%.600f", "[0.5]"), "\"0.5" + std::string(599, '0') + "\"");
  // 17-digit doubles and 20-digit results print as float64s.
  EXPECT_EQ(F("%v", "[0.30000000000000004]"), R"("0.30000000000000004")");
  EXPECT_EQ(F("%v|%.3f", "[0.33333333333333333334, 0.33333333333333333334]"),
            R"("0.3333333333333333|0.333")");
}

TEST(SprintfTest, Integers) {
  EXPECT_EQ(F("%d", "[42]"), R"("42")");
  EXPECT_EQ(F("%5d|", "[42]"), R"("   42|")");
  EXPECT_EQ(F("%-5d|", "[42]"), R"("42   |")");
  EXPECT_EQ(F("%05d", "[-42]"), R"("-0042")");
  EXPECT_EQ(F("%+d", "[42]"), R"("+42")");
  EXPECT_EQ(F("% d", "[42]"), R"(" 42")");
  EXPECT_EQ(F("%x", "[255]"), R"("ff")");
  EXPECT_EQ(F("%X", "[255]"), R"("FF")");
  EXPECT_EQ(F("%#x", "[255]"), R"("0xff")");
  EXPECT_EQ(F("%x", "[-255]"), R"("-ff")");
  EXPECT_EQ(F("%b", "[5]"), R"("101")");
  EXPECT_EQ(F("%o", "[8]"), R"("10")");
  EXPECT_EQ(F("%O", "[8]"), R"("0o10")");
  EXPECT_EQ(F("%c", "[65]"), R"("A")");
  EXPECT_EQ(F("%q", "[65]"), R"("'A'")");
  EXPECT_EQ(F("%U", "[65]"), R"("U+0041")");
  EXPECT_EQ(F("%.3d", "[7]"), R"("007")");
  EXPECT_EQ(F("%6.3d|", "[7]"), R"("   007|")");
  EXPECT_EQ(F("%s", "[5]"), R"x("%!s(int=5)")x");
  EXPECT_EQ(F("%f", "[5]"), R"x("%!f(int=5)")x");
  EXPECT_EQ(F("%02d:%02d", "[7, 5]"), R"("07:05")");
}

TEST(SprintfTest, BigIntegers) {
  EXPECT_EQ(F("%d", "[18446744073709551616]"), R"("18446744073709551616")");
  EXPECT_EQ(F("%x", "[18446744073709551616]"), R"("10000000000000000")");
  EXPECT_EQ(F("%v", "[-18446744073709551616]"), R"("-18446744073709551616")");
}

TEST(SprintfTest, Strings) {
  EXPECT_EQ(F("%s|%5s|%-5s|", R"(["a","b","c"])"), R"("a|    b|c    |")");
  EXPECT_EQ(F("%.2s", R"(["abc"])"), R"("ab")");
  EXPECT_EQ(F("%.2s", R"(["åäö"])"), R"("åä")");
  EXPECT_EQ(F("%q", R"(["a\"b"])"), R"("\"a\\\"b\"")");
  EXPECT_EQ(F("%x", R"(["hi"])"), R"("6869")");
  EXPECT_EQ(F("%X", R"(["hi"])"), R"("6869")");
  EXPECT_EQ(F("%d", R"x(["a"])x"), R"x("%!d(string=a)")x");
  EXPECT_EQ(F("%5%", "[]"), R"("%")");
}

TEST(SprintfTest, CompositeValuesUseRegoSyntax) {
  EXPECT_EQ(F("%v", R"([{"a": [1, "x"], "b": null}])"), R"("{\"a\": [1, \"x\"], \"b\": null}")");
  EXPECT_EQ(EvalV("sprintf", {Str("%v"), Args({Set({J("2"), J("1")})})}), R"("{1, 2}")");
  EXPECT_EQ(EvalV("sprintf", {Str("%v"), Args({Value::EmptySet()})}), R"x("set()")x");
  EXPECT_EQ(F("%t", "[true]"), R"x("%!t(string=true)")x");
  EXPECT_EQ(F("%v", "[null]"), R"("null")");
}

TEST(SprintfTest, ArgumentErrorsAndIndexes) {
  EXPECT_EQ(F("%d %d", "[1]"), R"x("1 %!d(MISSING)")x");
  EXPECT_EQ(F("%d", R"x([1, "x"])x"), R"x("1%!(EXTRA string=x)")x");
  EXPECT_EQ(F("%", "[]"), R"x("%!(NOVERB)")x");
  EXPECT_EQ(F("%[2]d %[1]d", "[1, 2]"), R"("2 1")");
  EXPECT_EQ(F("%[3]d", "[1, 2]"), R"x("%!d(BADINDEX)")x");
  EXPECT_EQ(F("%*d", "[5, 42]"), R"("   42")");
  EXPECT_EQ(F("%.*f", "[2, 3.14159]"), R"("3.14")");
  EXPECT_EQ(F("%z", "[1]"), R"x("%!z(int=1)")x");
}

TEST(SprintfTest, OperandErrors) {
  EXPECT_EQ(Eval("sprintf", {"1", "[]"}),
            "error: sprintf: operand 1 must be string but got number");
  EXPECT_EQ(Eval("sprintf", {R"("%v")", "{}"}),
            "error: sprintf: operand 2 must be array but got object");
}

TEST(TemplateStringTest, PartsAndInterpolatedValues) {
  EXPECT_EQ(Eval("internal.template_string", {"[]"}), R"("")");
  EXPECT_EQ(Eval("internal.template_string", {R"(["foo ", 42, " ", 4.2, " ", false, " ", null])"}),
            R"("foo 42 4.2 false null")");
  ArrayBuilder parts;
  parts.Add(Set({Str("foo")}));
  parts.Add(Str(" "));
  parts.Add(Set({J(R"(["a","b"])")}));
  parts.Add(Str(" "));
  parts.Add(Set({Value::EmptySet()}));
  parts.Add(Str(" "));
  parts.Add(Set({J(R"({"d":"e"})")}));
  parts.Add(Str(" "));
  parts.Add(Value::EmptySet());
  EXPECT_EQ(EvalV("internal.template_string", {parts.Build()}),
            R"x("foo [\"a\", \"b\"] set() {\"d\": \"e\"} <undefined>")x");
}

TEST(TemplateStringTest, Errors) {
  ArrayBuilder two;
  two.Add(Set({Str("foo"), Str("bar")}));
  absl::StatusOr<Value> r = testing::Call("internal.template_string", {two.Build()});
  EXPECT_THAT(r, testing::StatusIs(ErrorCode::kEvalConflictError,
                                   ::testing::HasSubstr("must not produce multiple outputs")));
  EXPECT_EQ(Eval("internal.template_string", {R"([["foo"]])"}),
            "error: internal.template_string: illegal argument type: array");
}

}  // namespace
}  // namespace verdict::builtins
