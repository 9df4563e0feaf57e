// File: lib/builtins/glob_intersect.cc
//
// regex.globs_match's intersection test (see glob_intersect.h): tokenize
// both globs, then breadth-first search the product automaton for a state
// where both are complete.
//
// Tested by tests/builtins/regex_test.cc.
#include "builtins/glob_intersect.h"

#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "builtins/utf8.h"

namespace verdict::builtins {
namespace {

struct Token {
  enum Kind { kChar, kDot, kSet } kind = kChar;
  enum Flag { kNone, kPlus, kStar } flag = kNone;
  char32_t rune = 0;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // kSet

  bool Contains(char32_t r) const {
    for (const auto& [lo, hi] : ranges) {
      if (lo <= r && r <= hi) return true;
    }
    return false;
  }
};

// Whether some character matches both tokens.
bool Overlap(const Token& a, const Token& b) {
  if (a.kind == Token::kDot || b.kind == Token::kDot) {
    const Token& other = a.kind == Token::kDot ? b : a;
    return other.kind != Token::kSet || !other.ranges.empty();
  }
  if (a.kind == Token::kChar && b.kind == Token::kChar) return a.rune == b.rune;
  if (a.kind == Token::kChar) return b.Contains(a.rune);
  if (b.kind == Token::kChar) return a.Contains(b.rune);
  for (const auto& [lo1, hi1] : a.ranges) {
    for (const auto& [lo2, hi2] : b.ranges) {
      if (lo1 <= hi2 && lo2 <= hi1) return true;
    }
  }
  return false;
}

absl::Status Invalid(std::string_view input, size_t pos, std::string_view msg) {
  return MakeError(ErrorCode::kEvalBuiltinError,
                   absl::StrCat("input:", Absl(input), ", pos:", pos, ", ", Absl(msg),
                                ": the input provided is invalid"));
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view input) {
  std::vector<char32_t> runes;
  for (size_t i = 0; i < input.size();) runes.push_back(DecodeUtf8(input, &i));
  std::vector<Token> tokens;
  size_t i = 0;
  // Reads one rune at i; [escaped] when it came after '\'.
  auto next = [&](char32_t* r, bool* escaped) -> absl::Status {
    if (runes[i] == '\\') {
      if (i + 1 >= runes.size()) {
        return Invalid(input, i, "input ends with a \\ (escape) character");
      }
      *r = runes[i + 1];
      *escaped = true;
      i += 2;
    } else {
      *r = runes[i];
      *escaped = false;
      i += 1;
    }
    return absl::OkStatus();
  };
  while (i < runes.size()) {
    char32_t r = 0;
    bool escaped = false;
    absl::Status s = next(&r, &escaped);
    if (!s.ok()) return s;
    if (escaped) {
      tokens.push_back({Token::kChar, Token::kNone, r, {}});
      continue;
    }
    if (r == '+' || r == '*') {
      if (tokens.empty() || tokens.back().flag != Token::kNone) {
        std::string msg = "flag '";
        AppendUtf8(&msg, r);
        msg += "' must be preceded by a non-flag";
        return Invalid(input, i, msg);
      }
      tokens.back().flag = r == '+' ? Token::kPlus : Token::kStar;
      continue;
    }
    if (r == '.') {
      tokens.push_back({Token::kDot, Token::kNone, 0, {}});
      continue;
    }
    if (r == ']') return Invalid(input, i, "set-close ']' with no preceding '['");
    if (r != '[') {
      tokens.push_back({Token::kChar, Token::kNone, r, {}});
      continue;
    }
    // A set up to the closing ']'.
    Token set{Token::kSet, Token::kNone, 0, {}};
    bool complete = false;
    bool have_prev = false;
    char32_t prev = 0;
    while (i < runes.size()) {
      absl::Status st = next(&r, &escaped);
      if (!st.ok()) return st;
      if (!escaped && r == ']') {
        complete = true;
        break;
      }
      if (!escaped && r == '-') {
        if (!have_prev) {
          return Invalid(input, i, "range character '-' must be preceded by a Unicode character");
        }
        if (i >= runes.size()) {
          return Invalid(input, i, "range character '-' must be followed by a Unicode character");
        }
        char32_t hi = 0;
        absl::Status st2 = next(&hi, &escaped);
        if (!st2.ok()) return st2;
        if (!escaped && (hi == ']' || hi == '-')) {
          return Invalid(input, i, "range character '-' cannot be followed by a special symbol");
        }
        if (hi < prev) {
          std::string msg = "range is out of order: '";
          AppendUtf8(&msg, hi);
          msg += "' comes before '";
          AppendUtf8(&msg, prev);
          msg += "' in Unicode";
          return Invalid(input, i, msg);
        }
        set.ranges.push_back({prev, hi});
        have_prev = false;
        continue;
      }
      set.ranges.push_back({r, r});
      prev = r;
      have_prev = true;
    }
    if (!complete) return Invalid(input, i, "found [ without matching ]");
    tokens.push_back(std::move(set));
  }
  // x+ is x followed by x*.
  std::vector<Token> out;
  for (Token& t : tokens) {
    if (t.flag == Token::kPlus) {
      Token once = t;
      once.flag = Token::kNone;
      out.push_back(once);
      t.flag = Token::kStar;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

absl::StatusOr<bool> GlobsIntersect(std::string_view a, std::string_view b) {
  absl::StatusOr<std::vector<Token>> ga = Tokenize(a);
  if (!ga.ok()) return ga.status();
  absl::StatusOr<std::vector<Token>> gb = Tokenize(b);
  if (!gb.ok()) return gb.status();
  const size_t n = ga->size(), m = gb->size();
  // State (i, j): the next tokens to match. Star tokens may be skipped
  // (epsilon) or consume and stay; plain tokens consume and advance.
  std::vector<bool> seen((n + 1) * (m + 1), false);
  std::deque<std::pair<size_t, size_t>> queue;
  auto push = [&](size_t i, size_t j) {
    if (!seen[i * (m + 1) + j]) {
      seen[i * (m + 1) + j] = true;
      queue.emplace_back(i, j);
    }
  };
  push(0, 0);
  while (!queue.empty()) {
    auto [i, j] = queue.front();
    queue.pop_front();
    if (i == n && j == m) return true;
    bool star_i = i < n && (*ga)[i].flag == Token::kStar;
    bool star_j = j < m && (*gb)[j].flag == Token::kStar;
    if (star_i) push(i + 1, j);
    if (star_j) push(i, j + 1);
    if (i < n && j < m && Overlap((*ga)[i], (*gb)[j])) {
      push(star_i ? i : i + 1, star_j ? j : j + 1);
    }
  }
  return false;
}

}  // namespace verdict::builtins
