// Tests of lib/syntax/source.h: line tables, character columns, spans,
// caret snippets and diagnostics.
#include "syntax/source.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict::syntax {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

TEST(SourceFileTest, LinesAndColumns) {
  auto file = SourceFile::Make("a.rego", "ab\ncd\n\nxyz");
  EXPECT_EQ(file->line_count(), 4);
  EXPECT_EQ(file->LineOf(0), 1);
  EXPECT_EQ(file->LineOf(2), 1);  // the '\n' belongs to line 1
  EXPECT_EQ(file->LineOf(3), 2);
  EXPECT_EQ(file->LineOf(6), 3);
  EXPECT_EQ(file->LineOf(7), 4);
  EXPECT_EQ(file->ColumnOf(8), 2);
  EXPECT_EQ(file->LineText(2), "cd");
  EXPECT_EQ(file->LineText(3), "");
  EXPECT_EQ(file->LineText(4), "xyz");
  EXPECT_EQ(file->LineText(5), "");
}

TEST(SourceFileTest, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes, "😀" four; OPA counts each as one column.
  auto file = SourceFile::Make("u.rego", "x := \"é😀\" + y");
  size_t y = file->text().find('y');
  EXPECT_EQ(file->ColumnOf(static_cast<uint32_t>(y)), 13);
  EXPECT_EQ(CountCharacters("é😀"), 2);
}

TEST(SourceFileTest, CarriageReturnsAreNotPartOfTheLine) {
  auto file = SourceFile::Make("crlf.rego", "a\r\nbc\r\n");
  EXPECT_EQ(file->LineText(1), "a");
  EXPECT_EQ(file->LineText(2), "bc");
}

TEST(SpanTest, OfComputesLineAndColumn) {
  auto file = SourceFile::Make("s.rego", "package p\n\tallow := true\n");
  uint32_t at = static_cast<uint32_t>(file->text().find("true"));
  Span span = Span::Of(file, at, at + 4);
  EXPECT_EQ(span.line, 2);
  EXPECT_EQ(span.col, 11);  // the tab is one column
  EXPECT_EQ(span.text(), "true");
  EXPECT_EQ(span.ToString(), "s.rego:2:11");
  EXPECT_EQ(Span().ToString(), "<unknown>");
}

TEST(SpanTest, OfClampsOutOfRangeOffsets) {
  auto file = SourceFile::Make("s.rego", "abc");
  Span span = Span::Of(file, 10, 20);
  EXPECT_EQ(span.offset, 3u);
  EXPECT_EQ(span.length, 0u);
  EXPECT_EQ(span.line, 1);
  EXPECT_EQ(span.col, 4);
}

TEST(SpanTest, ToCoversBoth) {
  auto file = SourceFile::Make("s.rego", "a + b");
  Span a = Span::Of(file, 0, 1);
  Span b = Span::Of(file, 4, 5);
  EXPECT_EQ(a.To(b).text(), "a + b");
}

TEST(RenderCaretTest, PointsAtTheColumnKeepingTabs) {
  auto file = SourceFile::Make("c.rego", "package p\n\tx := 1 y\n");
  uint32_t at = static_cast<uint32_t>(file->text().find('y'));
  EXPECT_EQ(RenderCaret(Span::Of(file, at, at + 1)),
            "\t\tx := 1 y\n\t\t       ^");
  EXPECT_EQ(RenderCaret(Span()), "");
}

TEST(DiagnosticTest, PrintsFileLineColCodeMessage) {
  auto file = SourceFile::Make("d.rego", "package p\nx y\n");
  Diagnostic d{ErrorCode::kParseError, Span::Of(file, 12, 13), "unexpected ident token"};
  EXPECT_EQ(d.ToString(), "d.rego:2:3: rego_parse_error: unexpected ident token");
}

TEST(DiagnosticTest, ToStatusListsAllWithTheFirstCaret) {
  auto file = SourceFile::Make("d.rego", "package p\nx y\nz w\n");
  Diagnostics diags = {
      {ErrorCode::kParseError, Span::Of(file, 12, 13), "first"},
      {ErrorCode::kParseError, Span::Of(file, 16, 17), "second"},
  };
  absl::Status status = DiagnosticsToStatus(diags);
  EXPECT_THAT(status, StatusIs(ErrorCode::kParseError,
                               HasSubstr("d.rego:2:3: rego_parse_error: first\n"
                                         "d.rego:3:3: rego_parse_error: second\n"
                                         "\tx y\n\t  ^")));
  EXPECT_TRUE(DiagnosticsToStatus({}).ok());
}

}  // namespace
}  // namespace verdict::syntax
