// File: lib/value/json_parse.cc
//
// JSON text -> Value: a single-pass recursive-descent parser that builds
// Values straight into the arena. A decision's input is a few hundred bytes;
// simdjson (used before) spent more on its setup, its generic front end and
// our conversion of its values than on the text, and this parser is 3x
// faster on inputs and 4x on data documents (docs/PERFORMANCE.md).
//
//   - The text is copied into a buffer with kPadding zero bytes after it, so
//     the scanners stop on a NUL sentinel instead of checking bounds, and
//     16-byte loads never leave the buffer. A NUL inside the text is an
//     error wherever it appears, so reaching one at the end means "end".
//     ParseJsonInPlace() appends the padding to the caller's string
//     instead, for data files (no copy of a big document); big buffers are
//     mapped directly (base/large_alloc.h).
//   - Strings are scanned 16 bytes at a time (SSE2) for '"', '\\', control
//     and non-ASCII bytes; a string without escapes becomes a Value straight
//     from the text (inline up to 13 bytes), escapes are decoded into a
//     reusable scratch string. UTF-8 is validated as in Go (no overlong
//     forms, surrogates or code points past U+10FFFF).
//   - Numbers: integers of up to 18 digits and decimals of up to 15 digits
//     without exponent are read here (each then is its canonical Value);
//     anything else goes to value::ParseNumber, which keeps it exact.
//   - Containers built in an arena are written as cells directly (the
//     layout of value.h); heap parsing uses the builders.
//   - Children are collected on a reusable stack and each container is
//     built with its exact size by one relocation (objects: key, value, key,
//     value ... has the layout of ObjectEntry[]). Duplicate keys: the last
//     one wins (ObjectBuilder).
//   - Errors name the first problem in document order and its byte offset:
//     "invalid JSON at offset N: expected ',' or ']'". Nesting deeper than
//     limits::kMaxJsonDepth is an error, so recursion is bounded.
//
// Entry points: JsonParser::Parse, ParseJson (include/verdict/value.h).
// Tested by tests/value/json_test.cc.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/large_alloc.h"
#include "base/limits.h"
#include "base/strings.h"
#include "value/json.h"
#include "value/number.h"
#include "verdict/value.h"

namespace verdict {
namespace {

// Zero bytes after the copied text: one 16-byte load from any position up
// to the end, a surrogate pair's 12-byte lookahead, a 5-byte literal.
constexpr size_t kPadding = value::kJsonPaddingBytes;

// Values waiting to go into their container. Values are trivially
// relocatable, so growth is a memcpy.
class ValueStack {
 public:
  ValueStack() = default;
  ~ValueStack() {
    Truncate(0);
    Free(items_, capacity_);
  }
  ValueStack(const ValueStack&) = delete;
  ValueStack& operator=(const ValueStack&) = delete;

  size_t size() const { return size_; }
  Value* at(size_t i) { return items_ + i; }
  // Raw memory for the next Value, to construct in place:
  //   new (stack.Slot()) Value(Value::String(...));
  // (Moving a just-built Value in would reload it as one 16-byte word right
  // after its two 8-byte halves were stored, which stalls store forwarding.)
  void* Slot() {
    if (size_ == capacity_) Grow();
    return &items_[size_++];
  }
  // Pops everything above [n] whose Values were moved out (left undefined).
  void DropMoved(size_t n) { size_ = n; }
  void Truncate(size_t n) {
    for (size_t i = n; i < size_; ++i) items_[i].~Value();
    size_ = n;
  }

 private:
  // A big document's stack (an object of many members) is mapped, so it
  // goes back to the system with the parser (AllocateBuffer).
  void Grow() {
    size_t bytes = (capacity_ == 0 ? 64 : capacity_ * 2) * sizeof(Value);
    auto* items = static_cast<Value*>(AllocateBuffer(&bytes));
    if (size_ > 0) {
      std::memcpy(static_cast<void*>(items), static_cast<void*>(items_), size_ * sizeof(Value));
    }
    Free(items_, capacity_);
    items_ = items;
    capacity_ = bytes / sizeof(Value);
  }
  static void Free(Value* items, size_t capacity) {
    if (items != nullptr) FreeBuffer(items, capacity * sizeof(Value));
  }

  Value* items_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

static_assert(sizeof(ObjectEntry) == 2 * sizeof(Value) &&
              offsetof(ObjectEntry, value) == sizeof(Value));

inline bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Bytes that end a number token: whitespace, structural characters and the
// NUL of the padding. A number runs into anything else ("12a" is one bad
// token, reported whole as "invalid number 12a").
inline bool EndsToken(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case ',':
    case ':':
    case '[':
    case ']':
    case '{':
    case '}':
    case '\0':
      return true;
    default:
      return false;
  }
}

// Bit i set when p[i] (i < 16) is '"', '\\', a control byte or non-ASCII.
inline unsigned SpecialBytes16(const char* p) {
#if defined(__SSE2__)
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // Signed compare: bytes 0x80..0xFF are negative, so this also flags them.
  __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  __m128i special = _mm_or_si128(_mm_or_si128(quote, backslash), low);
  return static_cast<unsigned>(_mm_movemask_epi8(special));
#else
  unsigned mask = 0;
  for (unsigned i = 0; i < 16; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) mask |= 1u << i;
  }
  return mask;
#endif
}

// Advances [p] to the first special byte (see SpecialBytes16); the padding's
// NUL stops it at the latest at the end of the text.
inline const char* SkipPlain(const char* p) {
  for (;;) {
    unsigned mask = SpecialBytes16(p);
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
}

// Length of the UTF-8 sequence at [p] (lead byte >= 0x80), 0 when invalid:
// the rules of value::DecodeUtf8. Reads past the text only into the padding,
// whose NULs are no continuation bytes.
inline size_t Utf8Length(const char* s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  const unsigned char c = p[0];
  auto cont = [&](int i) { return (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    uint32_t r = (uint32_t{c & 0x0Fu} << 12) | (uint32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
    return r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) ? 0 : 3;  // overlong, surrogate
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    uint32_t r = (uint32_t{c & 0x07u} << 18) | (uint32_t{p[1] & 0x3Fu} << 12) |
                 (uint32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
    return r < 0x10000 || r > 0x10FFFF ? 0 : 4;
  }
  return 0;
}

// Four hex digits at [p], or -1.
inline int Hex4(const char* p) {
  int v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = p[k];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void AppendUtf8(std::string* out, uint32_t rune) {
  char buf[4];
  size_t n;
  if (rune < 0x80) {
    buf[0] = static_cast<char>(rune);
    n = 1;
  } else if (rune < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (rune >> 6));
    buf[1] = static_cast<char>(0x80 | (rune & 0x3F));
    n = 2;
  } else if (rune < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (rune >> 12));
    buf[1] = static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (rune & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (rune >> 18));
    buf[1] = static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (rune & 0x3F));
    n = 4;
  }
  out->append(buf, n);
}

// Object keys (strings) in the total order: bytewise, then shorter first.
inline bool KeyLess(const Value& a, const Value& b) {
  if (a.is_inline_string() && b.is_inline_string()) {
    // Zero-padded bytes in two little-endian words, compared as big-endian
    // numbers, then by length (as Compare does).
    uint64_t x = __builtin_bswap64(a.raw_lo()), y = __builtin_bswap64(b.raw_lo());
    if (x != y) return x < y;
    x = __builtin_bswap64(a.raw_hi() << 24);  // bytes 8..12, byte 8 on top
    y = __builtin_bswap64(b.raw_hi() << 24);
    if (x != y) return x < y;
    return a.aux() < b.aux();
  }
  return a.as_string() < b.as_string();
}

bool StrictlySorted(const ObjectEntry* e, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    if (!KeyLess(e[i - 1].key, e[i].key)) return false;
  }
  return true;
}

// Sorts [n] object entries by key, stably (so of equal keys the last stays
// last). Objects are small; a big one is left to ObjectBuilder.
void InsertionSort(ObjectEntry* e, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    if (!KeyLess(e[i].key, e[i - 1].key)) continue;
    alignas(ObjectEntry) unsigned char tmp[sizeof(ObjectEntry)];
    std::memcpy(tmp, static_cast<void*>(&e[i]), sizeof(ObjectEntry));
    const auto& t = *reinterpret_cast<const ObjectEntry*>(tmp);
    size_t j = i;
    while (j > 0 && KeyLess(t.key, e[j - 1].key)) {
      std::memcpy(static_cast<void*>(&e[j]), static_cast<void*>(&e[j - 1]), sizeof(ObjectEntry));
      --j;
    }
    std::memcpy(static_cast<void*>(&e[j]), tmp, sizeof(ObjectEntry));
  }
}

// Cells in an arena, laid out as include/verdict/value.h describes (what
// value.cc's builders make), written directly: a parsed input is a few
// small containers, and the general builders' growth, sorting and adoption
// of heap references cost more than the parse. Only for arena parsing,
// where no child holds a heap reference.
template <typename CellT>
CellT* NewArenaCell(Arena* arena, Kind kind, size_t size, size_t member_bytes) {
  void* mem = arena->Allocate(sizeof(CellT) + size * member_bytes);
  auto* cell = new (mem) CellT();
  cell->refs.store(1, std::memory_order_relaxed);
  cell->kind = kind;
  cell->flags = value_internal::kArenaCell;
  cell->size = size;
  return cell;
}

// Moves [n] Values (trivially relocatable) in 16-byte units. They were
// just stored one by one; wider loads (a memcpy) would straddle those
// stores and stall store forwarding.
inline void MoveValues(void* to, const void* from, size_t n) {
#if defined(__SSE2__)
  auto* d = static_cast<__m128i*>(to);
  const auto* s = static_cast<const __m128i*>(from);
  for (size_t i = 0; i < n; ++i) _mm_storeu_si128(d + i, _mm_loadu_si128(s + i));
#else
  std::memcpy(to, from, n * sizeof(Value));
#endif
}

Value ArenaString(Arena* arena, const char* data, size_t size) {
  auto* cell = NewArenaCell<value_internal::StringCell>(arena, Kind::kString, size, 1);
  std::memcpy(const_cast<char*>(cell->data()), data, size);
  return Value::FromCell(Kind::kString, 0, cell, false);
}

#if defined(__SSE2__)
// For each length n <= kMaxInline: the mask keeping a string's first n
// bytes, and the tag bytes of an inline string Value of that length (byte
// 13 the length, 14 the kInline flag, 15 the kind: see value.h).
struct InlineTables {
  alignas(16) unsigned char keep[value_internal::kMaxInline + 1][16];
  alignas(16) unsigned char tag[value_internal::kMaxInline + 1][16];
};
constexpr InlineTables MakeInlineTables() {
  InlineTables t{};
  for (size_t n = 0; n <= value_internal::kMaxInline; ++n) {
    for (size_t i = 0; i < 16; ++i) {
      t.keep[n][i] = i < n ? 0xFF : 0;
      t.tag[n][i] = 0;
    }
    t.tag[n][13] = static_cast<unsigned char>(n);
    t.tag[n][14] = value_internal::kInline;
    t.tag[n][15] = static_cast<unsigned char>(Kind::kString);
  }
  return t;
}
constexpr InlineTables kInlineTables = MakeInlineTables();

// Stores, as one write, the inline string Value of the first [n] <=
// kMaxInline bytes of [bytes] (a string's first 16 bytes loaded from the
// text): zero-padded bytes 0..12 and the tag, the layout of value.h.
inline void StoreInlineString(void* slot, __m128i bytes, unsigned n) {
  const auto* keep = reinterpret_cast<const __m128i*>(kInlineTables.keep[n]);
  const auto* tag = reinterpret_cast<const __m128i*>(kInlineTables.tag[n]);
  __m128i v = _mm_or_si128(_mm_and_si128(bytes, _mm_load_si128(keep)), _mm_load_si128(tag));
  _mm_storeu_si128(static_cast<__m128i*>(slot), v);
}
#endif

class Parser {
 public:
  // [text, end) is followed by kPadding zero bytes.
  Parser(const char* text, const char* end, Arena* arena, ValueStack* stack, std::string* scratch)
      : text_(text), end_(end), p_(text), arena_(arena), stack_(stack), scratch_(scratch) {}

  absl::StatusOr<Value> Run() {
    SkipSpace();
    bool ok = ParseValue(0);
    if (ok) {
      SkipSpace();
      if (p_ < end_) ok = Fail(p_, "unexpected content after the value");
    }
    if (!ok) {
      stack_->Truncate(0);
      return MakeError(ErrorCode::kJsonError, absl::StrCat("invalid JSON at offset ",
                                                           error_at_ - text_, ": ", Absl(error_)));
    }
    Value result = std::move(*stack_->at(0));
    stack_->DropMoved(0);
    return result;
  }

 private:
  // The error paths stay out of line, so the recursive ParseValue keeps a
  // small stack frame (nesting may be limits::kMaxJsonDepth deep).
  __attribute__((noinline, cold)) bool Fail(const char* at, std::string what) {
    error_at_ = at;
    error_ = std::move(what);
    return false;
  }
  __attribute__((noinline, cold)) bool TooDeep() {
    return Fail(p_, absl::StrCat("nesting deeper than ", limits::kMaxJsonDepth));
  }
  // [p_] is at a byte that is not what the grammar wants there.
  __attribute__((noinline, cold)) bool Unexpected(const char* what) {
    return Fail(p_, p_ >= end_ ? "unexpected end of input" : what);
  }

  void SkipSpace() {
    while (static_cast<unsigned char>(*p_) <= ' ' && IsSpace(*p_)) ++p_;
  }

  bool ParseValue(int depth) {
    switch (*p_) {
      case '{':
      case '[':
        if (depth >= limits::kMaxJsonDepth) return TooDeep();
        return *p_ == '{' ? ParseObject(depth) : ParseArray(depth);
      case '"':
        return ParseString();
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return ParseNumber();
      case 't':
        if (std::memcmp(p_, "true", 4) != 0) break;
        p_ += 4;
        new (stack_->Slot()) Value(Value::Bool(true));
        return true;
      case 'f':
        if (std::memcmp(p_, "false", 5) != 0) break;
        p_ += 5;
        new (stack_->Slot()) Value(Value::Bool(false));
        return true;
      case 'n':
        if (std::memcmp(p_, "null", 4) != 0) break;
        p_ += 4;
        new (stack_->Slot()) Value(Value::Null());
        return true;
      default:
        break;
    }
    return Unexpected("invalid character");
  }

  bool ParseArray(int depth) {
    ++p_;
    SkipSpace();
    if (*p_ == ']') {
      ++p_;
      new (stack_->Slot()) Value(Value::EmptyArray());
      return true;
    }
    const size_t base = stack_->size();
    for (;;) {
      if (!ParseValue(depth + 1)) return false;
      SkipSpace();
      if (*p_ == ',') {
        ++p_;
        SkipSpace();
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        break;
      }
      return Unexpected("expected ',' or ']'");
    }
    const size_t n = stack_->size() - base;
    if (arena_ != nullptr) {
      auto* cell = NewArenaCell<value_internal::ArrayCell>(arena_, Kind::kArray, n, sizeof(Value));
      MoveValues(cell->mutable_items(), stack_->at(base), n);
      stack_->DropMoved(base);
      new (stack_->Slot()) Value(Value::FromCell(Kind::kArray, 0, cell, false));
      return true;
    }
    ArrayBuilder b(nullptr);
    b.AddMoved(stack_->at(base), n);
    stack_->DropMoved(base);
    new (stack_->Slot()) Value(b.Build());
    return true;
  }

  bool ParseObject(int depth) {
    ++p_;
    SkipSpace();
    if (*p_ == '}') {
      ++p_;
      new (stack_->Slot()) Value(Value::EmptyObject());
      return true;
    }
    const size_t base = stack_->size();
    for (;;) {
      if (*p_ != '"') return Unexpected("expected a string key");
      if (!ParseString()) return false;
      SkipSpace();
      if (*p_ != ':') return Unexpected("expected ':'");
      ++p_;
      SkipSpace();
      if (!(*p_ == '"' ? ParseString() : ParseValue(depth + 1))) return false;
      SkipSpace();
      if (*p_ == ',') {
        ++p_;
        SkipSpace();
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        break;
      }
      return Unexpected("expected ',' or '}'");
    }
    auto* entries = reinterpret_cast<ObjectEntry*>(stack_->at(base));
    const size_t n = (stack_->size() - base) / 2;
    if (arena_ != nullptr && n < value_internal::kIndexThreshold) {
      // Keys usually arrive sorted (Go and most encoders sort them).
      bool sorted = StrictlySorted(entries, n);
      if (!sorted) {
        InsertionSort(entries, n);
        sorted = StrictlySorted(entries, n);
      }
      if (sorted) {  // else a key repeats: ObjectBuilder keeps the last
        auto* cell =
            NewArenaCell<value_internal::ObjectCell>(arena_, Kind::kObject, n, sizeof(ObjectEntry));
        MoveValues(cell->mutable_entries(), entries, 2 * n);
        stack_->DropMoved(base);
        new (stack_->Slot()) Value(Value::FromCell(Kind::kObject, 0, cell, false));
        return true;
      }
    }
    ObjectBuilder b(arena_);
    b.AddMoved(entries, n);
    stack_->DropMoved(base);
    new (stack_->Slot()) Value(b.Build());  // duplicate keys: the last one wins, as in Go
    return true;
  }

  // [p_] at a special byte of a string that is neither '"' nor '\\'.
  __attribute__((noinline, cold)) bool StringProblem() {
    if (static_cast<unsigned char>(*p_) < 0x20) {
      return Fail(p_, p_ >= end_ ? "unclosed string" : "control character in string");
    }
    return Fail(p_, "invalid UTF-8");
  }

  // [p_] at the opening quote.
  __attribute__((always_inline)) bool ParseString() {
    const char* start = p_ + 1;
#if defined(__SSE2__)
    // Most keys and many values are short plain strings: one load finds
    // the closing quote and is the Value.
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(start));
    unsigned n = static_cast<unsigned>(__builtin_ctz(SpecialBytes16(start) | 0x10000));
    if (n <= value_internal::kMaxInline && start[n] == '"') {
      StoreInlineString(stack_->Slot(), bytes, n);
      p_ = start + n + 1;
      return true;
    }
#endif
    return ParseStringSlow(start);
  }

  // A string from its first byte [start]: long, escaped or not ASCII.
  __attribute__((noinline)) bool ParseStringSlow(const char* start) {
    p_ = start;
    for (;;) {
      p_ = SkipPlain(p_);
      const char c = *p_;
      if (c == '"') {
        std::string_view s(start, static_cast<size_t>(p_ - start));
        if (arena_ != nullptr && s.size() > value_internal::kMaxInline) {
          new (stack_->Slot()) Value(ArenaString(arena_, s.data(), s.size()));
        } else {
          new (stack_->Slot()) Value(Value::String(s, arena_));
        }
        ++p_;
        return true;
      }
      if (c == '\\') return ParseEscapedString(start);
      if (static_cast<unsigned char>(c) < 0x80) return StringProblem();
      size_t len = Utf8Length(p_);
      if (len == 0) return StringProblem();
      p_ += len;
    }
  }

  // The rest of a string from its first backslash at [p_], decoded into the
  // scratch string.
  bool ParseEscapedString(const char* start) {
    std::string& out = *scratch_;
    out.assign(start, static_cast<size_t>(p_ - start));
    for (;;) {
      const char c = *p_;
      if (c == '"') {
        new (stack_->Slot()) Value(Value::String(out, arena_));
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!Escape(&out)) return false;
      } else if (static_cast<unsigned char>(c) < 0x80) {
        return StringProblem();
      } else {
        size_t len = Utf8Length(p_);
        if (len == 0) return StringProblem();
        out.append(p_, len);
        p_ += len;
      }
      const char* run = p_;
      p_ = SkipPlain(p_);
      out.append(run, static_cast<size_t>(p_ - run));
    }
  }

  // One escape at [p_] ('\\'), appended decoded to [out].
  bool Escape(std::string* out) {
    if (p_ + 1 >= end_) return Fail(p_, "unclosed string");
    char e = p_[1];
    char decoded;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        decoded = e;
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u': {
        int u = Hex4(p_ + 2);
        if (u < 0) return Fail(p_, "invalid \\u escape");
        if (u >= 0xDC00 && u <= 0xDFFF) return Fail(p_, "invalid surrogate pair");
        if (u >= 0xD800 && u <= 0xDBFF) {
          int lo = p_[6] == '\\' && p_[7] == 'u' ? Hex4(p_ + 8) : -1;
          if (lo < 0xDC00 || lo > 0xDFFF) return Fail(p_, "invalid surrogate pair");
          AppendUtf8(out, 0x10000 + ((static_cast<uint32_t>(u) - 0xD800) << 10) +
                              (static_cast<uint32_t>(lo) - 0xDC00));
          p_ += 12;
        } else {
          AppendUtf8(out, static_cast<uint32_t>(u));
          p_ += 6;
        }
        return true;
      }
      default:
        return Fail(p_, "invalid escape");
    }
    out->push_back(decoded);
    p_ += 2;
    return true;
  }

  // A number token that is no valid literal: the token runs from [start]
  // to the next delimiter.
  __attribute__((noinline, cold)) bool BadNumber(const char* start) {
    const char* q = start;
    while (q < end_ && !EndsToken(*q)) ++q;
    std::string_view token(start, static_cast<size_t>(std::min<ptrdiff_t>(q - start, 40)));
    return Fail(start, absl::StrCat("invalid number ", Absl(token)));
  }

  bool ParseNumber() {
    const char* start = p_;
    const char* q = p_;
    const bool negative = *q == '-';
    if (negative) ++q;
    // The digits accumulate into [m] (wrapping past 19 digits, when it is
    // not used) while the literal is checked.
    uint64_t m = 0;
    const char* int_begin = q;
    if (*q == '0') {
      ++q;
    } else if (IsDigit(*q)) {
      do {
        m = m * 10 + static_cast<uint64_t>(*q++ - '0');
      } while (IsDigit(*q));
    } else {
      return BadNumber(start);
    }
    const size_t int_digits = static_cast<size_t>(q - int_begin);
    size_t frac_digits = 0;
    if (*q == '.') {
      const char* frac_begin = ++q;
      if (!IsDigit(*q)) return BadNumber(start);
      do {
        m = m * 10 + static_cast<uint64_t>(*q++ - '0');
      } while (IsDigit(*q));
      frac_digits = static_cast<size_t>(q - frac_begin);
    }
    bool exponent = false;
    if (*q == 'e' || *q == 'E') {
      ++q;
      if (*q == '+' || *q == '-') ++q;
      if (!IsDigit(*q)) return BadNumber(start);
      while (IsDigit(*q)) ++q;
      exponent = true;
    }
    // Whatever follows the literal up to the next delimiter ("01", "1x")
    // is part of the same bad token.
    if (!EndsToken(*q)) return BadNumber(start);
    p_ = q;
    if (!exponent) {
      if (frac_digits == 0 && int_digits <= 18) {
        const auto v = static_cast<int64_t>(m);
        new (stack_->Slot()) Value(Value::Int(negative ? -v : v));
        return true;
      }
      if (int_digits + frac_digits <= 15) {
        // m < 10^15 and 10^frac_digits are exact doubles, so the quotient is
        // the correctly rounded double of the literal; and a decimal of at
        // most 15 digits is the shortest one that rounds to it, so it is
        // the canonical kDouble (or kInt when integral, as in "2.0").
        static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        const double x = static_cast<double>(m) / kPow10[frac_digits];
        new (stack_->Slot()) Value(Value::Double(negative ? -x : x));
        return true;
      }
    }
    std::string_view token(start, static_cast<size_t>(q - start));
    std::optional<Value> n = value::ParseNumber(token, arena_);
    if (!n) return BadNumber(start);  // an absurd exponent
    new (stack_->Slot()) Value(*std::move(n));
    return true;
  }

  const char* const text_;
  const char* const end_;
  const char* p_;
  Arena* const arena_;
  ValueStack* const stack_;
  std::string* const scratch_;
  const char* error_at_ = nullptr;
  std::string error_;
};

}  // namespace

// The parser's copy of the text: uninitialized (every byte it reads is
// written first), and mapped directly when big (AllocateBuffer).
class TextBuffer {
 public:
  TextBuffer() = default;
  ~TextBuffer() { Free(); }
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  char* Reserve(size_t bytes) {
    if (bytes > capacity_) {
      Free();
      data_ = static_cast<char*>(AllocateBuffer(&bytes));
      capacity_ = bytes;
    }
    return data_;
  }

 private:
  void Free() {
    if (data_ != nullptr) FreeBuffer(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }

  char* data_ = nullptr;
  size_t capacity_ = 0;
};

struct JsonParser::Impl {
  TextBuffer buffer;  // the text and kPadding zero bytes
  ValueStack stack;
  std::string scratch;  // a string's decoded escapes
};

JsonParser::JsonParser() : impl_(std::make_unique<Impl>()) {}
JsonParser::~JsonParser() = default;

absl::StatusOr<Value> JsonParser::Parse(std::string_view json, Arena* arena) {
  Impl& impl = *impl_;
  char* text = impl.buffer.Reserve(json.size() + kPadding);
  if (!json.empty()) std::memcpy(text, json.data(), json.size());
  std::memset(text + json.size(), 0, kPadding);
  Parser parser(text, text + json.size(), arena, &impl.stack, &impl.scratch);
  return parser.Run();
}

absl::StatusOr<Value> value::ParseJsonInPlace(std::string* json, Arena* arena) {
  const size_t size = json->size();
  json->append(kPadding, '\0');  // reallocates (a copy) only without spare capacity
  ValueStack stack;
  std::string scratch;
  Parser parser(json->data(), json->data() + size, arena, &stack, &scratch);
  absl::StatusOr<Value> result = parser.Run();
  json->resize(size);
  return result;
}

absl::StatusOr<Value> ParseJson(std::string_view json, Arena* arena) {
  // Small documents reuse one parser per thread; a big one (a data document)
  // gets its own so no thread keeps its buffers afterwards.
  constexpr size_t kReuseBelow = 1 << 20;
  if (json.size() >= kReuseBelow) {
    JsonParser parser;
    return parser.Parse(json, arena);
  }
  thread_local JsonParser parser;
  return parser.Parse(json, arena);
}

}  // namespace verdict
