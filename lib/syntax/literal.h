// File: lib/syntax/literal.h
//
// Checks and decoding of Rego source text that need no parser: the bytes
// of a whole source (UTF-8, NUL, byte-order marks), string escapes and
// number literals. parse.cc calls these; they follow OPA's scanner
// (v1/ast/internal/scanner) and parser rules.
//
// Tested by tests/syntax/literal_test.cc.
#ifndef VERDICT_SYNTAX_LITERAL_H_
#define VERDICT_SYNTAX_LITERAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verdict::syntax {

// A problem at a byte range of a source text.
struct TextProblem {
  size_t offset = 0;
  size_t length = 1;
  const char* message = "";  // OPA's wording, e.g. "illegal utf-8 character"
};

// CheckSourceBytes()
//
// The first byte OPA's scanner refuses: NUL ("illegal null character"),
// invalid UTF-8 ("illegal utf-8 character": overlong forms, surrogates and
// values past U+10FFFF included) or a byte-order mark after the start
// ("illegal byte-order mark"). nullopt when the text is clean.
std::optional<TextProblem> CheckSourceBytes(std::string_view text);

// DecodeEscapes()
//
// Decodes the JSON escapes (\" \\ \/ \b \f \n \r \t \uXXXX) of [raw], the
// text between a string's quotes, into [out]. Surrogate pairs combine;
// lone surrogates become U+FFFD, as with Go's encoding/json. With
// [template_text], `\{` stands for '{' (template strings). On a bad escape
// returns false with [bad_at] = the backslash's offset in [raw].
bool DecodeEscapes(std::string_view raw, bool template_text, std::string& out,
                   size_t& bad_at);

enum class NumberProblem {
  kNone,
  kLeadingZero,  // "01": only "0", "0.x" and "0eN" may start with 0
  kTooBig,       // beyond OPA's limit of 2^±100000 (about 10^±30103)
};

// CheckNumberLiteral()
//
// Checks an unsigned number literal as the lexer matched it ("12", "1.5e3",
// ".5").
NumberProblem CheckNumberLiteral(std::string_view digits);

// AppendUtf8()
//
// Appends code point [cp] (at most U+10FFFF) to [out] as UTF-8.
void AppendUtf8(uint32_t cp, std::string& out);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_LITERAL_H_
