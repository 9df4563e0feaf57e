// Tests for lib/builtins/units.cc.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;

std::string P(std::string_view s) { return Eval("units.parse", {"\"" + std::string(s) + "\""}); }
std::string B(std::string_view s) {
  return Eval("units.parse_bytes", {"\"" + std::string(s) + "\""});
}

TEST(UnitsParseTest, DecimalAndBinarySuffixes) {
  EXPECT_EQ(P("0"), "0");
  EXPECT_EQ(P(".0"), "0");
  EXPECT_EQ(P("12345"), "12345");
  EXPECT_EQ(P("10K"), "10000");
  EXPECT_EQ(P("10k"), "10000");
  EXPECT_EQ(P("10KI"), "10240");
  EXPECT_EQ(P("10Ki"), "10240");
  EXPECT_EQ(P("200M"), "200000000");
  EXPECT_EQ(P("10Mi"), "10485760");  // binary
  EXPECT_EQ(P("10M"), "10000000");   // decimal
  EXPECT_EQ(P("300Gi"), "322122547200");
  EXPECT_EQ(P("100Pi"), "112589990684262400");
  EXPECT_EQ(P("10E"), "10000000000000000000");
  EXPECT_EQ(P("10Ei"), "11529215046068469760");
  EXPECT_EQ(P("\\\"100TI\\\""), "109951162777600");  // quotes are dropped
}

TEST(UnitsParseTest, MilliAndFractionsAreExact) {
  EXPECT_EQ(P("500m"), "0.5");  // m is milli, M is mega
  EXPECT_EQ(P("100m"), "0.1");
  EXPECT_EQ(P("0.0005K"), "0.5");
  EXPECT_EQ(P("0.0000005M"), "0.5");
  EXPECT_EQ(P("1.1K"), "1100");
  EXPECT_EQ(P("1.1Ki"), "1126.4");
  EXPECT_EQ(P(".5K"), "500");
  EXPECT_EQ(P("1m"), "0.001");
  EXPECT_EQ(P("0.00000000001"), "0");  // rounded to 10 decimals, as OPA
  EXPECT_EQ(P("0.00000000005"), "1e-10");  // 0.0000000001, printed canonically
}

TEST(UnitsParseTest, ScientificNotation) {
  EXPECT_EQ(P("1e10"), "10000000000");
  EXPECT_EQ(P("3.2E4"), "32000");
  EXPECT_EQ(P("2.5e3K"), "2500000");
  EXPECT_EQ(P("5e1Gi"), "53687091200");
  EXPECT_EQ(P("1e-2"), "0.01");
  EXPECT_EQ(P("-3.5E2m"), "-0.35");
  EXPECT_EQ(P("5E"), "5000000000000000000");  // a trailing E is the exa unit
}

TEST(UnitsParseTest, Errors) {
  EXPECT_EQ(P(""), "error: units.parse: no amount provided");
  EXPECT_EQ(P("G"), "error: units.parse: no amount provided");
  EXPECT_EQ(P("0.0.0"), "error: units.parse: could not parse amount to a number");
  EXPECT_EQ(P("100 k"), "error: units.parse: spaces not allowed in resource strings");
  EXPECT_EQ(P("10X"), "error: units.parse: unit X not recognized");
  EXPECT_EQ(P("1e1234567"), "error: units.parse: exponent too large");
  EXPECT_EQ(CodeOf("units.parse", {R"("")"}), ErrorCode::kEvalBuiltinError);
}

TEST(UnitsParseBytesTest, Suffixes) {
  EXPECT_EQ(B("1024"), "1024");
  EXPECT_EQ(B("1KiB"), "1024");
  EXPECT_EQ(B("2MiB"), "2097152");
  EXPECT_EQ(B("10Mi"), "10485760");
  EXPECT_EQ(B("10M"), "10000000");
  EXPECT_EQ(B("10MB"), "10000000");
  EXPECT_EQ(B("3MiB"), "3145728");
  EXPECT_EQ(B("8kb"), "8000");
  EXPECT_EQ(B("1gb"), "1000000000");
  EXPECT_EQ(B("12.5MB"), "12500000");
  EXPECT_EQ(B("1.5Ki"), "1536");
  EXPECT_EQ(B("0.3KiB"), "307");  // truncated
  EXPECT_EQ(B("5EiB"), "5764607523034234880");
  EXPECT_EQ(B("2e3kb"), "2000000");
}

// Digits and a unit of letters take a short path when the product fits
// int64; the exact path handles the rest. The two must agree.
TEST(UnitsParseBytesTest, PlainAmounts) {
  EXPECT_EQ(B("256Mi"), "268435456");
  EXPECT_EQ(B("512"), "512");
  EXPECT_EQ(B("0"), "0");
  EXPECT_EQ(B("007kb"), "7000");
  EXPECT_EQ(B("5e"), "5000000000000000000");    // 'e' is exa unless digits follow
  EXPECT_EQ(B("5E"), "5000000000000000000");
  EXPECT_EQ(B("5e1"), "50");                    // an exponent, no unit
  EXPECT_EQ(B("7EiB"), "8070450532247928832");  // fits int64
  EXPECT_EQ(B("8EiB"), "9223372036854775808");  // does not: the exact path
  EXPECT_EQ(B("999999999999999999"), "999999999999999999");
  EXPECT_EQ(B("9999999999999999999"), "9999999999999999999");  // 19 digits
  EXPECT_EQ(B("123456789012345678901234567890kb"), "123456789012345678901234567890000");
  EXPECT_EQ(B("10\\\"Mi"), "10485760");  // quotes are dropped
  EXPECT_EQ(B("10mibb"), "error: units.parse_bytes: byte unit mibb not recognized");
  EXPECT_EQ(B("10k1"), "error: units.parse_bytes: byte unit k1 not recognized");
}

TEST(UnitsParseBytesTest, Errors) {
  EXPECT_EQ(B(""), "error: units.parse_bytes: no byte amount provided");
  EXPECT_EQ(B("GB"), "error: units.parse_bytes: no byte amount provided");
  EXPECT_EQ(B(".5.2"), "error: units.parse_bytes: could not parse byte amount to a number");
  EXPECT_EQ(B("100 kb"), "error: units.parse_bytes: spaces not allowed in resource strings");
  EXPECT_EQ(B(" 327MiB "), "error: units.parse_bytes: spaces not allowed in resource strings");
  EXPECT_EQ(B("10xb"), "error: units.parse_bytes: byte unit xb not recognized");
}

}  // namespace
}  // namespace verdict::builtins
