// File: lib/value/json.cc
//
// Value -> JSON text (parsing is in json_parse.cc), and the UTF-8 helpers
// the JSON code shares.
//
// Output goes through a JsonWriter that fills a buffer on the stack and
// hands it to the std::string in large pieces, so a token costs a few
// stores rather than a std::string call. Strings are scanned 16 bytes at a
// time (SSE2) for the bytes that need care ('"', '\\', control bytes,
// non-ASCII, and <, >, & when HTML escaping is on); the runs between them
// are copied whole. A short string held inside its Value (at most 13 bytes)
// is written with one 16-byte store when it needs no escape.
// Entry points: AppendJson / ToJson / ToPrettyJson (include/verdict/value.h),
// value::AppendJsonString / AppendJsonWith (json.h).
//
// Tested by tests/value/json_test.cc.
#include "value/json.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "value/number.h"
#include "verdict/value.h"

namespace verdict {

namespace value {

size_t DecodeUtf8(std::string_view s, uint32_t* rune) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  unsigned char c = p[0];
  if (c < 0x80) {
    *rune = c;
    return 1;
  }
  auto cont = [&](size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return 0;
    *rune = (uint32_t{c & 0x1Fu} << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    uint32_t r = (uint32_t{c & 0x0Fu} << 12) | (uint32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return 0;  // overlong, surrogate
    *rune = r;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    uint32_t r = (uint32_t{c & 0x07u} << 18) | (uint32_t{p[1] & 0x3Fu} << 12) |
                 (uint32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
    if (r < 0x10000 || r > 0x10FFFF) return 0;
    *rune = r;
    return 4;
  }
  return 0;
}

size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t rune;
    size_t len = DecodeUtf8(s.substr(i), &rune);
    if (len == 0) return i;
    i += len;
  }
  return s.size();
}

}  // namespace value

// ---------------------------------------------------------------------------
// Output

namespace {

// Bytes that a JSON string holds as they are: printable ASCII but '"' and
// '\\'. Others are escaped (control bytes), or checked further (non-ASCII:
// invalid UTF-8 and U+2028/U+2029 are escaped).
struct PlainTable {
  bool plain[256];
  bool plain_html[256];  // and not <, >, &
};
constexpr PlainTable MakePlainTable() {
  PlainTable t{};
  for (int c = 0; c < 256; ++c) {
    t.plain[c] = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    t.plain_html[c] = t.plain[c] && c != '<' && c != '>' && c != '&';
  }
  return t;
}
constexpr PlainTable kPlain = MakePlainTable();

#if defined(__SSE2__)
// Bit i set when byte i of [v] is not plain (see PlainTable).
inline unsigned SpecialBytes(__m128i v, bool html) {
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // Signed compare: bytes 0x80..0xFF are negative, so this also flags them.
  __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  __m128i special = _mm_or_si128(_mm_or_si128(quote, backslash), low);
  if (html) {
    __m128i lt = _mm_cmpeq_epi8(v, _mm_set1_epi8('<'));
    __m128i gt = _mm_cmpeq_epi8(v, _mm_set1_epi8('>'));
    __m128i amp = _mm_cmpeq_epi8(v, _mm_set1_epi8('&'));
    special = _mm_or_si128(special, _mm_or_si128(_mm_or_si128(lt, gt), amp));
  }
  return static_cast<unsigned>(_mm_movemask_epi8(special));
}
#endif

// The first byte in [p, end) that is not plain, or [end].
const char* SkipPlain(const char* p, const char* end, bool html) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    unsigned mask = SpecialBytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), html);
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
#endif
  const bool* plain = html ? kPlain.plain_html : kPlain.plain;
  while (p < end && plain[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

class JsonWriter {
 public:
  JsonWriter(std::string* out, const value::JsonOptions& options)
      : out_(out),
        options_(options),
        pretty_(!options.prefix.empty() || !options.indent.empty()),
        p_(buffer_) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // Appends what is buffered to the output; call once at the end.
  void Finish() { Flush(); }

  void Write(const Value& v, int depth) {
    switch (v.kind()) {
      case Kind::kUndefined:
        return;
      case Kind::kNull:
        Put("null", 4);
        return;
      case Kind::kBool:
        if (v.as_bool()) {
          Put("true", 4);
        } else {
          Put("false", 5);
        }
        return;
      case Kind::kNumber:
        Number(v);
        return;
      case Kind::kString:
        StringValue(v);
        return;
      case Kind::kArray:
      case Kind::kSet: {
        std::span<const Value> items = v.items();
        Put('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) Put(',');
          NewLine(depth + 1);
          if (items[i].is_undefined()) {
            Put("null", 4);
          } else {
            Write(items[i], depth + 1);
          }
        }
        if (!items.empty()) NewLine(depth);
        Put(']');
        return;
      }
      case Kind::kObject: {
        std::span<const ObjectEntry> entries = v.entries();
        Put('{');
        for (size_t i = 0; i < entries.size(); ++i) {
          if (i > 0) Put(',');
          NewLine(depth + 1);
          const Value& key = entries[i].key;
          if (key.is_string()) {
            StringValue(key);
          } else {
            // A non-string key is written as a string holding its JSON text.
            // (The inner writer's buffer goes on the heap: keys may nest.)
            std::string text;
            value::JsonOptions compact;
            compact.escape_html = options_.escape_html;
            auto inner = std::make_unique<JsonWriter>(&text, compact);
            inner->Write(key, 0);
            inner->Finish();
            String(text);
          }
          if (pretty_) {
            Put(": ", 2);
          } else {
            Put(':');
          }
          if (entries[i].value.is_undefined()) {
            Put("null", 4);
          } else {
            Write(entries[i].value, depth + 1);
          }
        }
        if (!entries.empty()) NewLine(depth);
        Put('}');
        return;
      }
    }
  }

  // [s] quoted and escaped.
  void String(std::string_view s) {
    const char* p = s.data();
    const char* const end = p + s.size();
    Put('"');
    for (;;) {
      const char* run = p;
      p = SkipPlain(p, end, options_.escape_html);
      Put(run, static_cast<size_t>(p - run));
      if (p == end) break;
      p = Escape(p, end);
    }
    Put('"');
  }

 private:
  static constexpr size_t kBufferSize = 4096;

  void Flush() {
    out_->append(buffer_, static_cast<size_t>(p_ - buffer_));
    p_ = buffer_;
  }
  // Room for [n] <= kBufferSize more bytes at p_.
  char* Room(size_t n) {
    if (static_cast<size_t>(buffer_ + kBufferSize - p_) < n) Flush();
    return p_;
  }
  void Put(char c) {
    Room(1);
    *p_++ = c;
  }
  void Put(const char* s, size_t n) {
    if (n > kBufferSize / 2) {
      Flush();
      out_->append(s, n);
      return;
    }
    Room(n);
    if (n != 0) std::memcpy(p_, s, n);  // an empty view's data may be null
    p_ += n;
  }

  void NewLine(int depth) {
    if (!pretty_) return;
    Put('\n');
    Put(options_.prefix.data(), options_.prefix.size());
    for (int i = 0; i < depth; ++i) Put(options_.indent.data(), options_.indent.size());
  }

  void Number(const Value& v) {
    if (v.number_rep() == NumberRep::kInt) {
      char* p = Room(24);
      p_ = std::to_chars(p, p + 24, v.as_int()).ptr;
      return;
    }
    Flush();  // doubles and big numbers: value::AppendNumber's format
    value::AppendNumber(out_, v);
  }

  // A string Value. One held inline that needs no escape is copied with a
  // single 16-byte store of the Value itself (bytes past the string are
  // overwritten by the closing quote and what follows).
  void StringValue(const Value& v) {
#if defined(__SSE2__)
    if (v.is_inline_string()) {
      const unsigned n = v.aux();
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&v));
      if ((SpecialBytes(bytes, options_.escape_html) & ((1u << n) - 1)) == 0) {
        char* p = Room(18);
        p[0] = '"';
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 1), bytes);
        p[n + 1] = '"';
        p_ = p + n + 2;
        return;
      }
    }
#endif
    String(v.as_string());
  }

  // Writes the escape for the special byte at [p] (see PlainTable) and
  // returns what follows it.
  const char* Escape(const char* p, const char* end) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      switch (c) {
        case '"':
          Put("\\\"", 2);
          break;
        case '\\':
          Put("\\\\", 2);
          break;
        case '\b':
          Put("\\b", 2);
          break;
        case '\f':
          Put("\\f", 2);
          break;
        case '\n':
          Put("\\n", 2);
          break;
        case '\r':
          Put("\\r", 2);
          break;
        case '\t':
          Put("\\t", 2);
          break;
        default: {  // other control bytes; <, >, & with HTML escaping
          const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          Put(u, 6);
          break;
        }
      }
      return p + 1;
    }
    uint32_t rune;
    size_t len = value::DecodeUtf8(std::string_view(p, static_cast<size_t>(end - p)), &rune);
    if (len == 0) {
      Put("\\ufffd", 6);  // each invalid byte
      return p + 1;
    }
    if (rune == 0x2028 || rune == 0x2029) {
      Put(rune == 0x2028 ? "\\u2028" : "\\u2029", 6);
    } else {
      Put(p, len);
    }
    return p + len;
  }

  std::string* const out_;
  const value::JsonOptions& options_;
  const bool pretty_;
  char* p_;
  char buffer_[kBufferSize];
};

}  // namespace

namespace value {

void AppendJsonString(std::string* out, std::string_view s, bool escape_html) {
  JsonOptions options;
  options.escape_html = escape_html;
  JsonWriter w(out, options);
  w.String(s);
  w.Finish();
}

void AppendJsonWith(std::string* out, const Value& v, const JsonOptions& options) {
  JsonWriter w(out, options);
  w.Write(v, 0);
  w.Finish();
}

}  // namespace value

void AppendJson(std::string* out, const Value& v) {
  value::AppendJsonWith(out, v, value::JsonOptions());
}

std::string ToJson(const Value& v) {
  std::string out;
  AppendJson(&out, v);
  return out;
}

std::string ToPrettyJson(const Value& v) {
  std::string out;
  value::JsonOptions options;
  options.indent = "  ";
  value::AppendJsonWith(&out, v, options);
  return out;
}

}  // namespace verdict
