// Tests of lib/syntax/literal.h: source byte checks, escape decoding and
// number literal checks.
#include "syntax/literal.h"

#include "gtest/gtest.h"

namespace verdict::syntax {
namespace {

TEST(CheckSourceBytesTest, AcceptsValidUtf8) {
  EXPECT_FALSE(CheckSourceBytes("").has_value());
  EXPECT_FALSE(CheckSourceBytes("plain ascii\n\t").has_value());
  EXPECT_FALSE(CheckSourceBytes("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80").has_value());
  EXPECT_FALSE(CheckSourceBytes("\xEF\xBB\xBFpackage p").has_value());  // leading BOM
}

TEST(CheckSourceBytesTest, RefusesWhatOpasScannerRefuses) {
  struct Case {
    std::string text;
    size_t offset;
    std::string message;
  };
  const Case cases[] = {
      {std::string("ab\0c", 4), 2, "illegal null character"},
      {"a\xFF", 1, "illegal utf-8 character"},
      {"a\xC3", 1, "illegal utf-8 character"},             // truncated
      {"a\xC3(", 1, "illegal utf-8 character"},            // bad continuation
      {"\xC0\xAF", 0, "illegal utf-8 character"},          // overlong '/'
      {"\xED\xA0\x80", 0, "illegal utf-8 character"},      // surrogate
      {"\xF4\x90\x80\x80", 0, "illegal utf-8 character"},  // > U+10FFFF
      {"x\xEF\xBB\xBF", 1, "illegal byte-order mark"},
  };
  for (const Case& c : cases) {
    std::optional<TextProblem> p = CheckSourceBytes(c.text);
    ASSERT_TRUE(p.has_value()) << c.message;
    EXPECT_EQ(p->offset, c.offset) << c.message;
    EXPECT_EQ(p->message, c.message);
  }
}

std::string Decode(std::string_view raw, bool template_text = false) {
  std::string out;
  size_t bad_at = 0;
  if (!DecodeEscapes(raw, template_text, out, bad_at)) return "BAD@" + std::to_string(bad_at);
  return out;
}

TEST(DecodeEscapesTest, JsonEscapes) {
  EXPECT_EQ(Decode(R"(a\"b\\c\/d\be\ff\ng\rh\ti)"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(Decode(R"(\u0041\u00e9\u20AC)"), "A\u00e9\u20ac");
  EXPECT_EQ(Decode(R"(\ud83d\ude00)"), "\U0001F600");
  EXPECT_EQ(Decode(R"(\ud83dx)"), "\uFFFDx");        // lone high surrogate
  EXPECT_EQ(Decode(R"(\ude00)"), "\uFFFD");          // lone low surrogate
  EXPECT_EQ(Decode(R"(\ud83d\u0041)"), "\uFFFDA");   // high + non-low
  EXPECT_EQ(Decode("h\xC3\xA9"), "h\xC3\xA9");       // raw UTF-8 passes through
}

TEST(DecodeEscapesTest, BadEscapes) {
  EXPECT_EQ(Decode(R"(ab\q)"), "BAD@2");
  EXPECT_EQ(Decode(R"(\u12)"), "BAD@0");
  EXPECT_EQ(Decode(R"(x\u12G4)"), "BAD@1");
  EXPECT_EQ(Decode("x\\"), "BAD@1");
  EXPECT_EQ(Decode(R"(\{)"), "BAD@0");
}

TEST(DecodeEscapesTest, TemplateTextEscapesBraces) {
  EXPECT_EQ(Decode(R"(\{42} \n)", /*template_text=*/true), "{42} \n");
}

TEST(CheckNumberLiteralTest, LeadingZerosAndSize) {
  for (std::string_view ok : {"0", "1", "10", "0.5", "0e5", "0E-3", "1.5e300", ".5",
                              "1e30000", "1e-30000", "0.001e-30000", "0e99999", "0.0e-99999"}) {
    EXPECT_EQ(CheckNumberLiteral(ok), NumberProblem::kNone) << ok;
  }
  for (std::string_view bad : {"01", "007", "00.5"}) {
    EXPECT_EQ(CheckNumberLiteral(bad), NumberProblem::kLeadingZero) << bad;
  }
  for (std::string_view big : {"1e30200", "1e-30200", "0.001e-30101", "1e99999999999999999999"}) {
    EXPECT_EQ(CheckNumberLiteral(big), NumberProblem::kTooBig) << big;
  }
  EXPECT_EQ(CheckNumberLiteral(std::string(31000, '9')), NumberProblem::kTooBig);
}

TEST(AppendUtf8Test, EncodesEveryLength) {
  std::string out;
  AppendUtf8(0x41, out);
  AppendUtf8(0xE9, out);
  AppendUtf8(0x20AC, out);
  AppendUtf8(0x1F600, out);
  EXPECT_EQ(out, "A\u00e9\u20ac\U0001F600");
}

}  // namespace
}  // namespace verdict::syntax
