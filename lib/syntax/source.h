// File: lib/syntax/source.h
//
// Source text, positions and diagnostics for the Rego front end.
//
// A SourceFile holds one policy module or query (its name and bytes) and a
// line table. A Span points into a SourceFile: byte offset and length, plus
// the 1-based line and column that error messages print. Columns count
// characters (UTF-8 code points) from the start of the line, as OPA does, so
// `file:line:col` agrees with OPA's messages for the same text.
//
// A Diagnostic is one problem found in a source: an OPA error code, a Span
// and a message. Parsing (and, later, compiling) collects Diagnostics and
// turns them into one absl::Status at the API boundary:
//
//   Diagnostics diags;
//   ...
//   diags.push_back({ErrorCode::kParseError, span, "unexpected } token"});
//   return DiagnosticsToStatus(diags);  // "x.rego:3:7: rego_parse_error: ..."
//
// Spans keep their SourceFile alive (shared_ptr), so AST nodes can outlive
// the Module they came from and still print where they were written.
//
// Tested by tests/syntax/source_test.cc.
#ifndef VERDICT_SYNTAX_SOURCE_H_
#define VERDICT_SYNTAX_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/error_code.h"

namespace verdict::syntax {

// SourceFile
//
// Immutable name + text, shared by every Span that points into it.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  // Copying would leave Spans pointing at the old copy; share it instead.
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  static std::shared_ptr<const SourceFile> Make(std::string name,
                                                std::string text) {
    return std::make_shared<const SourceFile>(std::move(name), std::move(text));
  }

  const std::string& name() const { return name_; }
  std::string_view text() const { return text_; }

  // Number of lines (a final line without '\n' counts; "" has one line).
  int line_count() const { return static_cast<int>(line_starts_.size()); }

  // 1-based line of byte [offset] (offsets past the end map to the last line).
  int LineOf(uint32_t offset) const;

  // 1-based column of byte [offset], counted in characters from its line start.
  int ColumnOf(uint32_t offset) const;

  // The text of 1-based [line] without its line break ("" when out of range).
  std::string_view LineText(int line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line's start
};

// Span
//
// A piece of a SourceFile. A default Span (no file) prints as "<unknown>".
struct Span {
  std::shared_ptr<const SourceFile> file;
  uint32_t offset = 0;  // byte offset of the first character
  uint32_t length = 0;  // bytes covered
  int line = 0;         // 1-based; 0 when unknown
  int col = 0;          // 1-based, in characters

  // Span of bytes [begin, end) of [file]; line and column are computed.
  static Span Of(std::shared_ptr<const SourceFile> file, uint32_t begin,
                 uint32_t end);

  bool valid() const { return file != nullptr && line > 0; }
  uint32_t end() const { return offset + length; }

  // The file's name ("" without a file).
  std::string_view filename() const;

  // The source text covered ("" without a file).
  std::string_view text() const;

  // "file:line:col".
  std::string ToString() const;

  // The smallest span covering both (same file assumed; [this] wins otherwise).
  Span To(const Span& last) const;
};

// RenderCaret()
//
// The span's source line and a caret under its column, OPA style:
//   "\tallow if x ==\n\t             ^"
// Tabs in the line are kept so the caret lines up in a terminal. Returns ""
// for a span without a file.
std::string RenderCaret(const Span& span);

// Diagnostic
//
// One problem in a source. ToString() prints
// "file:line:col: rego_parse_error: message".
struct Diagnostic {
  ErrorCode code = ErrorCode::kParseError;
  Span span;
  std::string message;

  std::string ToString() const;
};

using Diagnostics = std::vector<Diagnostic>;

// DiagnosticsToStatus()
//
// OK for an empty list. Otherwise a Status carrying the first diagnostic's
// code; the message holds every diagnostic, one per line, followed by the
// caret snippet of the first one.
absl::Status DiagnosticsToStatus(const Diagnostics& diagnostics);

// CountCharacters()
//
// Number of UTF-8 code points in [text] (bytes that are not continuation
// bytes); used for columns.
int CountCharacters(std::string_view text);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_SOURCE_H_
