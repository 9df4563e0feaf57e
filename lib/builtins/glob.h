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

  std::vector<Inst> prog_;
  std::vector<std::pair<char32_t, char32_t>> ranges_;  // for kClass
  std::u32string delimiters_;
  // Fast path: a pattern without any meta character is a string compare.
  bool literal_ = false;
  std::string literal_text_;
};

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_GLOB_H_
