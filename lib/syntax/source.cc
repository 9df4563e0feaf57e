// SourceFile line tables, Span positions and Diagnostic formatting.
// Entry points: SourceFile, Span::Of, RenderCaret, DiagnosticsToStatus.
// Tested by tests/syntax/source_test.cc.
#include "syntax/source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace verdict::syntax {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

int SourceFile::LineOf(uint32_t offset) const {
  // The last line start <= offset.
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<int>(it - line_starts_.begin());
}

int SourceFile::ColumnOf(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  uint32_t start = line_starts_[LineOf(offset) - 1];
  return CountCharacters(std::string_view(text_).substr(start, offset - start)) + 1;
}

std::string_view SourceFile::LineText(int line) const {
  if (line < 1 || line > line_count()) return {};
  uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_count() ? line_starts_[line] - 1
                                     : static_cast<uint32_t>(text_.size());
  std::string_view text = std::string_view(text_).substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

Span Span::Of(std::shared_ptr<const SourceFile> file, uint32_t begin,
              uint32_t end) {
  Span span;
  if (file == nullptr) return span;
  uint32_t size = static_cast<uint32_t>(file->text().size());
  begin = std::min(begin, size);
  end = std::clamp(end, begin, size);
  span.offset = begin;
  span.length = end - begin;
  span.line = file->LineOf(begin);
  span.col = file->ColumnOf(begin);
  span.file = std::move(file);
  return span;
}

std::string_view Span::filename() const {
  return file != nullptr ? std::string_view(file->name()) : std::string_view();
}

std::string_view Span::text() const {
  if (file == nullptr) return {};
  return file->text().substr(offset, length);
}

std::string Span::ToString() const {
  if (!valid()) return "<unknown>";
  return absl::StrCat(Absl(filename()), ":", line, ":", col);
}

Span Span::To(const Span& last) const {
  if (file == nullptr || last.file != file || last.end() < offset) return *this;
  Span span = *this;
  span.length = std::max(end(), last.end()) - offset;
  return span;
}

std::string RenderCaret(const Span& span) {
  if (!span.valid()) return "";
  std::string_view line = span.file->LineText(span.line);
  std::string caret;
  // Reproduce tabs so the caret lines up with what a terminal shows.
  int col = 1;
  for (size_t i = 0; i < line.size() && col < span.col; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    caret.push_back(c == '\t' ? '\t' : ' ');
    ++col;
  }
  for (; col < span.col; ++col) caret.push_back(' ');
  caret.push_back('^');
  return absl::StrCat("\t", Absl(line), "\n\t", caret);
}

std::string Diagnostic::ToString() const {
  return absl::StrCat(span.ToString(), ": ", Absl(ErrorCodeName(code)), ": ",
                      message);
}

absl::Status DiagnosticsToStatus(const Diagnostics& diagnostics) {
  if (diagnostics.empty()) return absl::OkStatus();
  std::string message;
  for (const Diagnostic& d : diagnostics) {
    if (!message.empty()) message.push_back('\n');
    message += d.ToString();
  }
  std::string caret = RenderCaret(diagnostics.front().span);
  if (!caret.empty()) absl::StrAppend(&message, "\n", caret);
  return MakeError(diagnostics.front().code, message);
}

int CountCharacters(std::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace verdict::syntax
