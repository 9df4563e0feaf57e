// File: lib/builtins/glob.h
//
// Glob patterns with the semantics OPA's glob.match inherits from
// github.com/gobwas/glob:
//   *       any run of characters except delimiters (possibly empty)
//   **      any run of characters, delimiters included
//   ?       one character that is not a delimiter
//   [abc]   one of the listed characters; [!abc] none of them
//   [a-z]   one character in the range; [!a-z] outside it
//   {a,b}   any of the comma-separated sub-patterns (nesting allowed)
//   \x      the character x itself
// Characters are Unicode code points (the text is UTF-8).
//
//   absl::StatusOr<Glob> g = Glob::Compile("*.github.com", U".");
//   g->Match("api.github.com");   // true
//   g->Match("a.b.github.com");   // false: '*' stops at '.'
//
// Compile() builds a small NFA once; Match() simulates it over the text in
// O(len(text) * len(pattern)) time without backtracking or allocation
// beyond two state lists, so hostile patterns cannot blow up.
//
// Most patterns in policies are literals around single stars ("billing:*",
// "*:read", "registry.corp/*/*"). Compile() recognizes that shape and
// Match() then compares bytes instead of running the NFA: the first and last
// literals are anchored, and no gap between literals may hold a delimiter.
// A middle literal that holds a delimiter has one possible place: its first
// delimiter must be the text's first one after the previous literal. One
// without is found leftmost, which is exact: the stretch up to the next
// delimiter-holding literal (or the end) must be free of delimiters anyway,
// and within it leftmost placement ends earliest. Bytes stand for runes
// because the literals are valid UTF-8 without U+FFFD: a byte match starts
// and ends on runes the NFA would decode, and no other runes have the bytes.
//
// Tested by tests/builtins/glob_test.cc.
#ifndef VERDICT_BUILTINS_GLOB_H_
#define VERDICT_BUILTINS_GLOB_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "builtins/utf8.h"

namespace verdict::builtins {

class Glob {
 public:
  // Compile()
  //
  // Compiles [pattern] with [delimiters] (code points that '*' and '?' do
  // not cross). Errors (kEvalBuiltinError wording, no name prefix) on an
  // unclosed '[' or '{' or a malformed range.
  static absl::StatusOr<Glob> Compile(std::string_view pattern,
                                      std::u32string_view delimiters);

  // Match(): whether all of [text] matches the pattern.
  bool Match(std::string_view text) const;

  // QuoteMeta(): [s] with every glob meta character escaped by '\'
  // (glob.quote_meta).
  static std::string QuoteMeta(std::string_view s);

  struct Inst {
    enum Op : uint8_t {
      kRune,      // rune == lo
      kAnyOther,  // any rune that is not a delimiter ('?', and '*' loops)
      kAnyRune,   // any rune ('**' loops)
      kClass,     // rune in [ranges[lo] .. ranges[hi]) xor negated
      kSplit,     // continue at x and at y
      kJump,      // continue at x
      kMatch,
    };
    Op op;
    bool negated = false;
    char32_t lo = 0;       // kRune: the rune; kClass: first range index
    uint32_t hi = 0;       // kClass: end range index
    uint32_t x = 0, y = 0;  // kSplit / kJump targets
  };

 private:
  Glob() = default;
  bool IsDelimiter(char32_t r) const;

  // How Match() works: a string compare, literals around single stars, or
  // the NFA.
  enum class Form : uint8_t { kLiteral, kStars, kNfa };

  // Splits the pattern into the literals between single stars when it has
  // that shape (see above), unescaping '\x'; false otherwise.
  bool CompileStars(std::string_view pattern);
  // Where the first delimiter rune in text[from, to) starts, or [to] (from
  // and to are rune boundaries of the text).
  size_t FindDelimiter(std::string_view text, size_t from, size_t to) const;
  bool MatchStars(std::string_view text) const;
  bool MatchNfa(std::string_view text) const;

  Form form_ = Form::kNfa;
  std::vector<Inst> prog_;
  std::vector<std::pair<char32_t, char32_t>> ranges_;  // for kClass
  std::u32string delimiters_;
  // kLiteral: the text; kStars: the literals, one more than the stars, and
  // the byte offset of each one's first delimiter rune.
  static constexpr size_t kNoDelimiter = ~size_t{0};
  std::string literal_text_;
  std::vector<std::string> segments_;
  std::vector<size_t> first_delimiter_;
  // ASCII delimiters as a bitmap, when every delimiter is ASCII: a gap is
  // then checked byte by byte (no UTF-8 byte of another rune is ASCII).
  bool ascii_delimiters_ = true;
  uint64_t delimiter_bits_[2] = {0, 0};
};

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_GLOB_H_
