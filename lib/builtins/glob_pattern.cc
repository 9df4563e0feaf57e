// File: lib/builtins/glob_pattern.cc
//
// The glob compiler and matcher behind glob.match (glob.h). Compile()
// parses the pattern with gobwas/glob's lexical rules (which OPA uses) into
// a Thompson NFA; Match() runs the NFA over the code points of the text,
// keeping the set of live states, so matching is linear in the text.
//
// Lexical rules worth knowing (they differ from shell globs):
//   - ',' and '}' are plain characters outside '{...}'.
//   - A bracket holds either one range ("[a-z]", "[!a-z]") or a list of
//     characters ("[abc]", "[!abc]"); "[a-cx]" is an error.
//   - A trailing '\' is dropped.
//
// Tested by tests/builtins/glob_test.cc.
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "base/error_code.h"
#include "builtins/glob.h"

namespace verdict::builtins {

namespace {

// Nesting of '{' accepted; the compiler recurses once per level.
constexpr int kMaxGlobNesting = 100;

bool IsSpecial(char c) {
  switch (c) {
    case '*':
    case '?':
    case '\\':
    case '[':
    case ']':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

// Recursive-descent compiler emitting NFA instructions as it parses.
class GlobCompiler {
 public:
  GlobCompiler(std::u32string pattern, std::vector<Glob::Inst>* prog,
               std::vector<std::pair<char32_t, char32_t>>* ranges)
      : p_(std::move(pattern)), prog_(prog), ranges_(ranges) {}

  absl::Status Compile() {
    absl::Status s = Sequence(0);
    if (!s.ok()) return s;
    Emit({Glob::Inst::kMatch});
    return absl::OkStatus();
  }

 private:
  using Inst = Glob::Inst;

  uint32_t Emit(Inst inst) {
    prog_->push_back(inst);
    return static_cast<uint32_t>(prog_->size() - 1);
  }
  uint32_t pc() const { return static_cast<uint32_t>(prog_->size()); }
  bool AtEnd() const { return pos_ >= p_.size(); }

  // A sequence of terms up to end of input, or (inside braces) up to the
  // ',' or '}' that ends the alternative (not consumed).
  absl::Status Sequence(int depth) {
    while (!AtEnd()) {
      char32_t c = p_[pos_];
      if (depth > 0 && (c == ',' || c == '}')) return absl::OkStatus();
      switch (c) {
        case '*': {
          ++pos_;
          bool super = !AtEnd() && p_[pos_] == '*';
          if (super) ++pos_;
          uint32_t split = Emit({Inst::kSplit});
          Emit({super ? Inst::kAnyRune : Inst::kAnyOther});
          Inst jump{Inst::kJump};
          jump.x = split;
          Emit(jump);
          (*prog_)[split].x = split + 1;
          (*prog_)[split].y = pc();
          break;
        }
        case '?':
          ++pos_;
          Emit({Inst::kAnyOther});
          break;
        case '[': {
          ++pos_;
          absl::Status s = Bracket();
          if (!s.ok()) return s;
          break;
        }
        case '{': {
          ++pos_;
          absl::Status s = Alternatives(depth + 1);
          if (!s.ok()) return s;
          break;
        }
        case '\\':
          ++pos_;
          if (AtEnd()) return absl::OkStatus();  // trailing '\' is dropped
          EmitRune(p_[pos_++]);
          break;
        default:
          ++pos_;
          EmitRune(c);
          break;
      }
    }
    if (depth > 0) return Error("unexpected end of input");
    return absl::OkStatus();
  }

  void EmitRune(char32_t r) {
    Inst inst{Inst::kRune};
    inst.lo = r;
    Emit(inst);
  }

  // After '{': alternatives separated by ',' up to the matching '}'.
  absl::Status Alternatives(int depth) {
    if (depth > kMaxGlobNesting) return Error("pattern nested too deeply");
    std::vector<uint32_t> jumps_to_end;
    while (true) {
      uint32_t split = Emit({Inst::kSplit});
      (*prog_)[split].x = split + 1;
      absl::Status s = Sequence(depth);
      if (!s.ok()) return s;
      if (AtEnd()) return Error("unexpected end of input");
      char32_t c = p_[pos_++];
      jumps_to_end.push_back(Emit({Inst::kJump}));
      (*prog_)[split].y = pc();
      if (c == '}') break;
    }
    // The last split's second branch falls through to an empty path that
    // must not match: point it at a dead state instead.
    uint32_t dead = Emit({Inst::kClass});
    (*prog_)[dead].lo = 0;
    (*prog_)[dead].hi = 0;  // empty class, never matches
    for (uint32_t j : jumps_to_end) (*prog_)[j].x = pc();
    return absl::OkStatus();
  }

  // After '[': "[!lo-hi]", "[lo-hi]", "[!chars]" or "[chars]", then ']'.
  absl::Status Bracket() {
    Inst inst{Inst::kClass};
    inst.lo = static_cast<char32_t>(ranges_->size());
    if (!AtEnd() && p_[pos_] == '!') {
      inst.negated = true;
      ++pos_;
    }
    if (AtEnd()) return Error("unexpected end of input");
    if (pos_ + 1 < p_.size() && p_[pos_ + 1] == '-') {
      char32_t lo = p_[pos_];
      pos_ += 2;
      if (AtEnd()) return Error("unexpected end of input");
      char32_t hi = p_[pos_++];
      if (AtEnd()) return Error("unexpected end of input");
      if (p_[pos_++] != ']') return Error("expected close range character");
      if (hi < lo) return Error("hi character should be greater than lo character");
      ranges_->push_back({lo, hi});
    } else {
      bool escaped = false;
      while (true) {
        if (AtEnd()) return Error("unexpected end of input");
        char32_t c = p_[pos_++];
        if (!escaped && c == '\\') {
          escaped = true;
          continue;
        }
        if (!escaped && c == ']') break;
        escaped = false;
        ranges_->push_back({c, c});
      }
    }
    inst.hi = static_cast<uint32_t>(ranges_->size());
    Emit(inst);
    return absl::OkStatus();
  }

  static absl::Status Error(std::string_view msg) {
    return MakeError(ErrorCode::kEvalBuiltinError, msg);
  }

  std::u32string p_;
  size_t pos_ = 0;
  std::vector<Glob::Inst>* prog_;
  std::vector<std::pair<char32_t, char32_t>>* ranges_;
};

}  // namespace

absl::StatusOr<Glob> Glob::Compile(std::string_view pattern,
                                   std::u32string_view delimiters) {
  Glob g;
  g.delimiters_ = std::u32string(delimiters);
  for (char32_t d : delimiters) {
    if (d < 0x80) {
      g.delimiter_bits_[d >> 6] |= uint64_t{1} << (d & 63);
    } else {
      g.ascii_delimiters_ = false;
    }
  }
  bool has_meta = false;
  for (char c : pattern) {
    if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') has_meta = true;
  }
  if (!has_meta) {
    g.form_ = Form::kLiteral;
    g.literal_text_ = std::string(pattern);
    return g;
  }
  if (g.CompileStars(pattern)) return g;
  g.form_ = Form::kNfa;
  std::u32string runes;
  for (size_t i = 0; i < pattern.size();) runes.push_back(DecodeUtf8(pattern, &i));
  GlobCompiler compiler(std::move(runes), &g.prog_, &g.ranges_);
  absl::Status s = compiler.Compile();
  if (!s.ok()) return s;
  return g;
}

bool Glob::IsDelimiter(char32_t r) const {
  for (char32_t d : delimiters_) {
    if (d == r) return true;
  }
  return false;
}

bool Glob::CompileStars(std::string_view pattern) {
  std::vector<std::string> segments(1);
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') return false;  // '**'
      segments.emplace_back();
      ++i;
      continue;
    }
    if (c == '?' || c == '[' || c == '{') return false;
    if (c == '\\' && ++i == pattern.size()) break;  // a trailing '\' is dropped
    const size_t start = i;
    // U+FFFD also stands for every invalid byte: bytes would not do.
    if (DecodeUtf8(pattern, &i) == 0xFFFD) return false;
    segments.back().append(pattern.substr(start, i - start));
  }
  // Where each literal's first delimiter is (MatchStars).
  first_delimiter_.assign(segments.size(), kNoDelimiter);
  for (size_t k = 0; k < segments.size(); ++k) {
    const std::string& seg = segments[k];
    for (size_t j = 0; j < seg.size();) {
      const size_t at = j;
      if (IsDelimiter(DecodeUtf8(seg, &j))) {
        first_delimiter_[k] = at;
        break;
      }
    }
  }
  if (segments.size() == 1) {
    form_ = Form::kLiteral;  // only escapes: the pattern a\*b is the text "a*b"
    literal_text_ = std::move(segments[0]);
  } else {
    form_ = Form::kStars;
    segments_ = std::move(segments);
  }
  return true;
}

size_t Glob::FindDelimiter(std::string_view text, size_t from, size_t to) const {
  if (delimiters_.empty()) return to;
  if (ascii_delimiters_) {
    for (size_t i = from; i < to; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80 && ((delimiter_bits_[c >> 6] >> (c & 63)) & 1) != 0) return i;
    }
    return to;
  }
  // [to] starts a literal (never a continuation byte) or ends the text, so
  // no rune decoded here reaches past it.
  const std::string_view head = text.substr(0, to);
  for (size_t i = from; i < to;) {
    const size_t at = i;
    if (IsDelimiter(DecodeUtf8(head, &i))) return at;
  }
  return to;
}

bool Glob::MatchStars(std::string_view text) const {
  const std::string& first = segments_.front();
  const std::string& last = segments_.back();
  if (text.size() < first.size() + last.size()) return false;
  const size_t limit = text.size() - last.size();
  if (text.compare(0, first.size(), first) != 0) return false;
  if (text.compare(limit, last.size(), last) != 0) return false;
  const std::string_view head = text.substr(0, limit);
  size_t pos = first.size();
  for (size_t k = 1; k + 1 < segments_.size(); ++k) {
    const std::string& seg = segments_[k];
    size_t at;
    if (first_delimiter_[k] == kNoDelimiter) {
      // Leftmost, with no delimiter in the gap before it.
      at = head.find(seg, pos);
      if (at == std::string_view::npos || FindDelimiter(text, pos, at) != at) return false;
    } else {
      // The gap holds no delimiter, so the literal's first delimiter is the
      // text's first one from here: the literal's place is forced.
      const size_t d = FindDelimiter(text, pos, limit);
      if (d == limit || d - pos < first_delimiter_[k]) return false;
      at = d - first_delimiter_[k];
      if (head.compare(at, seg.size(), seg) != 0) return false;  // also when it overruns
    }
    pos = at + seg.size();
  }
  return FindDelimiter(text, pos, limit) == limit;
}

bool Glob::Match(std::string_view text) const {
  switch (form_) {
    case Form::kLiteral:
      return text == literal_text_;
    case Form::kStars:
      return MatchStars(text);
    case Form::kNfa:
      break;
  }
  return MatchNfa(text);
}

bool Glob::MatchNfa(std::string_view text) const {
  const size_t n = prog_.size();
  absl::InlinedVector<uint32_t, 32> clist, nlist, stack;
  // on_list[pc] == step + 1 when pc is already in the list being built.
  absl::InlinedVector<uint32_t, 64> on_list(n, 0);
  uint32_t step = 0;

  // Adds [start] and everything reachable from it without consuming a rune.
  auto add = [&](absl::InlinedVector<uint32_t, 32>& list, uint32_t start) {
    stack.push_back(start);
    while (!stack.empty()) {
      uint32_t pc = stack.back();
      stack.pop_back();
      if (on_list[pc] == step + 1) continue;
      on_list[pc] = step + 1;
      const Inst& inst = prog_[pc];
      switch (inst.op) {
        case Inst::kJump:
          stack.push_back(inst.x);
          break;
        case Inst::kSplit:
          stack.push_back(inst.y);
          stack.push_back(inst.x);
          break;
        default:
          list.push_back(pc);
          break;
      }
    }
  };

  add(clist, 0);
  size_t pos = 0;
  while (pos < text.size() && !clist.empty()) {
    char32_t r = DecodeUtf8(text, &pos);
    ++step;
    nlist.clear();
    for (uint32_t pc : clist) {
      const Inst& inst = prog_[pc];
      bool ok = false;
      switch (inst.op) {
        case Inst::kRune:
          ok = inst.lo == r;
          break;
        case Inst::kAnyOther:
          ok = !IsDelimiter(r);
          break;
        case Inst::kAnyRune:
          ok = true;
          break;
        case Inst::kClass: {
          if (inst.lo == inst.hi && !inst.negated) break;  // dead state
          bool in = false;
          for (uint32_t i = inst.lo; i < inst.hi; ++i) {
            if (ranges_[i].first <= r && r <= ranges_[i].second) {
              in = true;
              break;
            }
          }
          ok = in != inst.negated;
          break;
        }
        default:
          break;
      }
      if (ok) add(nlist, pc + 1);
    }
    std::swap(clist, nlist);
  }
  if (pos < text.size()) return false;
  for (uint32_t pc : clist) {
    if (prog_[pc].op == Inst::kMatch) return true;
  }
  return false;
}

std::string Glob::QuoteMeta(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    if (IsSpecial(c)) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace verdict::builtins
