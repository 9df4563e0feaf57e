// File: lib/value/json.cc
//
// JSON text <-> Value. Parsing uses simdjson's On-Demand API so each number
// can be read from its raw token and kept exact (value/number.h); strings
// arrive unescaped (\u escapes and surrogate pairs decoded, UTF-8 validated by
// simdjson). Children are collected on reusable stacks and every container
// is built with its exact size, so the data document costs no slack.
// Entry points: JsonParser::Parse / ParseJson, AppendJson / ToJson /
// ToPrettyJson (declared in include/verdict/value.h).
//
// Tested by tests/value/json_test.cc.
#include "value/json.h"

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/strings.h"
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

void AppendJsonString(std::string* out, std::string_view s, bool escape_html) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t start = 0;  // start of the pending run of bytes copied as is
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80 &&
        !(escape_html && (c == '<' || c == '>' || c == '&'))) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out->append(s.data() + start, i - start);
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
          break;
      }
      start = ++i;
      continue;
    }
    uint32_t rune;
    size_t len = DecodeUtf8(s.substr(i), &rune);
    if (len == 0) {
      out->append(s.data() + start, i - start);
      out->append("\\ufffd");
      start = ++i;
      continue;
    }
    if (rune == 0x2028 || rune == 0x2029) {
      out->append(s.data() + start, i - start);
      out->append(rune == 0x2028 ? "\\u2028" : "\\u2029");
      start = i + len;
    }
    i += len;
  }
  out->append(s.data() + start, s.size() - start);
  out->push_back('"');
}

}  // namespace value

namespace {

namespace od = simdjson::ondemand;

// ---------------------------------------------------------------------------
// Parsing

struct ParseState {
  Arena* arena = nullptr;
  const char* base = nullptr;  // start of the padded copy, for offsets
  size_t size = 0;
  std::vector<Value>* items = nullptr;  // parsed values not yet in a container
  // First error: a simdjson code, or our own message.
  simdjson::error_code code = simdjson::SUCCESS;
  std::string message;
  const char* where = nullptr;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view RawToken(od::value& v) { return v.raw_json_token(); }
std::string_view RawToken(od::document& d) {
  std::string_view s;
  if (d.raw_json_token().get(s) != simdjson::SUCCESS) return {};
  return s;
}

template <typename V>
const char* Location(V& v) {
  const char* p = nullptr;
  if (v.current_location().get(p) != simdjson::SUCCESS) return nullptr;
  return p;
}

template <typename V>
bool Fail(ParseState* st, V& v, simdjson::error_code code) {
  if (st->code == simdjson::SUCCESS && st->message.empty()) {
    st->code = code;
    st->where = Location(v);
  }
  return false;
}

template <typename V>
bool FailMessage(ParseState* st, V& v, std::string message, const char* where = nullptr) {
  if (st->code == simdjson::SUCCESS && st->message.empty()) {
    st->message = std::move(message);
    st->where = where != nullptr ? where : Location(v);
  }
  return false;
}

// Each Parse* pushes exactly one Value onto st->items. Objects push key,
// value, key, value ... and are built from that run, which has the layout of
// ObjectEntry[] (checked below), so every Value is moved once into its cell.
static_assert(sizeof(ObjectEntry) == 2 * sizeof(Value) && offsetof(ObjectEntry, value) == sizeof(Value));

template <typename V>
bool ParseAny(ParseState* st, V& v, int depth);

template <typename V>
bool ParseArray(ParseState* st, V& v, int depth) {
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return Fail(st, v, ec);
  const size_t base = st->items->size();
  for (auto child_result : arr) {
    od::value child;
    if (auto ec = child_result.get(child)) return Fail(st, v, ec);
    if (!ParseAny(st, child, depth + 1)) return false;
  }
  std::vector<Value>& items = *st->items;
  ArrayBuilder b(st->arena);
  b.AddMoved(items.data() + base, items.size() - base);
  items.resize(base);
  items.push_back(b.Build());
  return true;
}

template <typename V>
bool ParseObject(ParseState* st, V& v, int depth) {
  od::object obj;
  if (auto ec = v.get_object().get(obj)) return Fail(st, v, ec);
  const size_t base = st->items->size();
  for (auto field : obj) {  // simdjson_result<field>: errors propagate
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return Fail(st, v, ec);
    st->items->push_back(Value::String(key, st->arena));
    od::value child;
    if (auto ec = field.value().get(child)) return Fail(st, v, ec);
    if (!ParseAny(st, child, depth + 1)) return false;
  }
  std::vector<Value>& items = *st->items;
  ObjectBuilder b(st->arena);
  b.AddMoved(reinterpret_cast<ObjectEntry*>(items.data() + base), (items.size() - base) / 2);
  items.resize(base);
  items.push_back(b.Build());  // duplicate keys: the last one wins, as in Go
  return true;
}

template <typename V>
bool ParseAny(ParseState* st, V& v, int depth) {
  od::json_type type;
  if (auto ec = v.type().get(type)) return Fail(st, v, ec);
  switch (type) {
    case od::json_type::array:
    case od::json_type::object:
      if (depth >= limits::kMaxJsonDepth) {
        return FailMessage(st, v,
                           absl::StrCat("nesting deeper than ", limits::kMaxJsonDepth));
      }
      return type == od::json_type::array ? ParseArray(st, v, depth) : ParseObject(st, v, depth);
    case od::json_type::number: {
      const char* where = Location(v);
      std::string_view token = Trim(RawToken(v));
      std::optional<Value> n = value::ParseNumber(token, st->arena);
      if (!n) {
        return FailMessage(st, v,
                           absl::StrCat("invalid number ", Absl(token.substr(0, 40))), where);
      }
      st->items->push_back(*std::move(n));
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto ec = v.get_string().get(s)) return Fail(st, v, ec);
      st->items->push_back(Value::String(s, st->arena));
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (auto ec = v.get_bool().get(b)) return Fail(st, v, ec);
      st->items->push_back(Value::Bool(b));
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto ec = v.is_null().get(is_null)) return Fail(st, v, ec);
      if (!is_null) return Fail(st, v, simdjson::N_ATOM_ERROR);
      st->items->push_back(Value::Null());
      return true;
    }
  }
  return Fail(st, v, simdjson::TAPE_ERROR);
}

std::string_view SimdjsonMessage(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::UNCLOSED_STRING:
      return "unclosed string";
    case simdjson::STRING_ERROR:
      return "invalid string (bad escape or control character)";
    case simdjson::EMPTY:
      return "empty document";
    case simdjson::DEPTH_ERROR:
      return "nesting too deep";
    case simdjson::TRAILING_CONTENT:
      return "unexpected content after the value";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "invalid literal";
    case simdjson::NUMBER_ERROR:
      return "invalid number";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "unexpected end of input";
    default:
      return simdjson::error_message(code);
  }
}

// Finds the first syntax error of an invalid document: simdjson's errors
// do not always say where, so error paths re-scan with this small
// recursive-descent checker (bounded by the depth limit) for an exact offset.
class Locator {
 public:
  explicit Locator(std::string_view s) : s_(s) {}

  // True (with offset() and message()) when an error was found.
  bool FindError() {
    SkipSpace();
    if (!Value(0)) return true;
    SkipSpace();
    if (i_ < s_.size()) {
      Error("unexpected content after the value");
      return true;
    }
    return false;
  }
  size_t offset() const { return i_; }
  const std::string& message() const { return message_; }

 private:
  bool Error(std::string message) {
    message_ = std::move(message);
    return false;
  }
  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  bool AtEnd() { return i_ >= s_.size(); }

  bool Value(int depth) {
    if (AtEnd()) return Error("unexpected end of input");
    char c = s_[i_];
    if (c == '{' || c == '[') {
      if (depth >= limits::kMaxJsonDepth) {
        return Error(absl::StrCat("nesting deeper than ", limits::kMaxJsonDepth));
      }
      return c == '{' ? Object(depth) : Array(depth);
    }
    if (c == '"') return String();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    for (std::string_view lit : {"true", "false", "null"}) {
      if (s_.substr(i_, lit.size()) == lit) {
        i_ += lit.size();
        return true;
      }
    }
    return Error("invalid character");
  }

  bool Array(int depth) {
    ++i_;
    SkipSpace();
    if (!AtEnd() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (AtEnd()) return Error("unexpected end of input");
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      if (s_[i_] != ',') return Error("expected ',' or ']'");
      ++i_;
      SkipSpace();
    }
  }

  bool Object(int depth) {
    ++i_;
    SkipSpace();
    if (!AtEnd() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      if (AtEnd()) return Error("unexpected end of input");
      if (s_[i_] != '"') return Error("expected a string key");
      if (!String()) return false;
      SkipSpace();
      if (AtEnd()) return Error("unexpected end of input");
      if (s_[i_] != ':') return Error("expected ':'");
      ++i_;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (AtEnd()) return Error("unexpected end of input");
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      if (s_[i_] != ',') return Error("expected ',' or '}'");
      ++i_;
      SkipSpace();
    }
  }

  static int Hex4(std::string_view s) {
    if (s.size() < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s[static_cast<size_t>(k)];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  bool String() {
    ++i_;
    for (;;) {
      if (AtEnd()) return Error("unclosed string");
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) return Error("unclosed string");
        char e = s_[i_ + 1];
        if (e == 'u') {
          int u = Hex4(s_.substr(i_ + 2));
          if (u < 0) return Error("invalid \\u escape");
          if (u >= 0xDC00 && u <= 0xDFFF) return Error("invalid surrogate pair");
          if (u >= 0xD800 && u <= 0xDBFF) {
            int lo = s_.substr(i_ + 6, 2) == "\\u" ? Hex4(s_.substr(i_ + 8)) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) return Error("invalid surrogate pair");
            i_ += 12;
          } else {
            i_ += 6;
          }
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return Error("invalid escape");
        }
        i_ += 2;
        continue;
      }
      if (c < 0x80) {
        ++i_;
        continue;
      }
      uint32_t rune;
      size_t len = value::DecodeUtf8(s_.substr(i_), &rune);
      if (len == 0) return Error("invalid UTF-8");
      i_ += len;
    }
  }

  bool Number() {
    size_t start = i_;
    size_t j = i_;
    auto digits = [&]() {
      size_t k = j;
      while (j < s_.size() && s_[j] >= '0' && s_[j] <= '9') ++j;
      return j > k;
    };
    if (s_[j] == '-') ++j;
    if (j < s_.size() && s_[j] == '0') {
      ++j;
    } else if (!digits()) {
      return Error("invalid number");
    }
    if (j < s_.size() && s_[j] == '.') {
      ++j;
      if (!digits()) return Error("invalid number");
    }
    if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      ++j;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (!digits()) return Error("invalid number");
    }
    // A digit right after the literal ("01") is part of the same bad token.
    if (j < s_.size() && s_[j] >= '0' && s_[j] <= '9') return Error("invalid number");
    if (!value::ParseNumber(s_.substr(start, j - start), nullptr)) {
      return Error("number out of range");
    }
    i_ = j;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string message_;
};

}  // namespace

struct JsonParser::Impl {
  od::parser parser;
  std::string buffer;  // padded copy of the input
  std::vector<Value> items;
};

JsonParser::JsonParser() : impl_(std::make_unique<Impl>()) {}
JsonParser::~JsonParser() = default;

absl::StatusOr<Value> JsonParser::Parse(std::string_view json, Arena* arena) {
  Impl& impl = *impl_;
  const size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
  if (impl.buffer.size() < needed) impl.buffer.resize(needed);
  if (!json.empty()) std::memcpy(impl.buffer.data(), json.data(), json.size());
  std::memset(impl.buffer.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);

  ParseState st;
  st.arena = arena;
  st.base = impl.buffer.data();
  st.size = json.size();
  st.items = &impl.items;
  Value result;
  // The document depth limit of simdjson is above ours, so ours reports.
  od::document doc;
  auto ec = impl.parser.iterate(impl.buffer.data(), json.size(), impl.buffer.size()).get(doc);
  bool ok = ec == simdjson::SUCCESS;
  if (!ok) {
    st.code = ec;
  } else {
    // A scalar document is not consumed by reading its raw token, so its
    // end is found from the token; a container's end from the iterator.
    od::json_type root_type = od::json_type::null;
    std::string_view root_token;
    bool scalar = doc.type().get(root_type) == simdjson::SUCCESS &&
                  root_type != od::json_type::array && root_type != od::json_type::object;
    if (scalar) root_token = Trim(RawToken(doc));
    ok = ParseAny(&st, doc, 0);
    if (ok) result = std::move(impl.items.back());
    const char* rest = nullptr;
    if (ok && scalar) {
      size_t end = static_cast<size_t>(root_token.data() - st.base) + root_token.size();
      while (end < json.size() && (json[end] == ' ' || json[end] == '\t' ||
                                   json[end] == '\n' || json[end] == '\r')) {
        ++end;
      }
      if (end < json.size()) rest = st.base + end;
    } else if (ok && doc.current_location().get(rest) != simdjson::SUCCESS) {
      rest = nullptr;  // out of bounds: nothing after the value
    }
    if (ok && rest != nullptr) {
      ok = false;
      st.code = simdjson::TRAILING_CONTENT;
      st.where = rest;
    }
  }
  impl.items.clear();
  if (ok) return result;

  // Error. Our own checks (depth, numbers) know where; for simdjson's, the
  // locator finds the first error itself.
  size_t offset = json.size();
  std::string what = st.message;
  if (what.empty()) {
    Locator locator(json);
    if (locator.FindError()) {
      offset = locator.offset();
      what = locator.message();
    } else {
      what = std::string(SimdjsonMessage(st.code));
      if (st.where != nullptr && st.where >= st.base && st.where <= st.base + st.size) {
        offset = static_cast<size_t>(st.where - st.base);
      }
    }
  } else if (st.where != nullptr && st.where >= st.base && st.where <= st.base + st.size) {
    offset = static_cast<size_t>(st.where - st.base);
  }
  return MakeError(ErrorCode::kJsonError,
                   absl::StrCat("invalid JSON at offset ", offset, ": ", Absl(what)));
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

// ---------------------------------------------------------------------------
// Output

namespace {

struct Writer {
  std::string* out;
  const value::JsonOptions& options;
  bool pretty;

  void NewLine(int depth) {
    if (!pretty) return;
    out->push_back('\n');
    out->append(options.prefix);
    for (int i = 0; i < depth; ++i) out->append(options.indent);
  }

  void String(std::string_view s) { value::AppendJsonString(out, s, options.escape_html); }

  void Write(const Value& v, int depth) {
    switch (v.kind()) {
      case Kind::kUndefined:
        return;
      case Kind::kNull:
        out->append("null");
        return;
      case Kind::kBool:
        out->append(v.as_bool() ? "true" : "false");
        return;
      case Kind::kNumber:
        value::AppendNumber(out, v);
        return;
      case Kind::kString:
        String(v.as_string());
        return;
      case Kind::kArray:
      case Kind::kSet: {
        std::span<const Value> items = v.items();
        out->push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) out->push_back(',');
          NewLine(depth + 1);
          if (items[i].is_undefined()) {
            out->append("null");
          } else {
            Write(items[i], depth + 1);
          }
        }
        if (!items.empty()) NewLine(depth);
        out->push_back(']');
        return;
      }
      case Kind::kObject: {
        std::span<const ObjectEntry> entries = v.entries();
        out->push_back('{');
        for (size_t i = 0; i < entries.size(); ++i) {
          if (i > 0) out->push_back(',');
          NewLine(depth + 1);
          const Value& key = entries[i].key;
          if (key.is_string()) {
            String(key.as_string());
          } else {
            // A non-string key is written as a string holding its JSON text.
            std::string text;
            value::JsonOptions compact;
            compact.escape_html = options.escape_html;
            Writer{&text, compact, false}.Write(key, 0);
            String(text);
          }
          out->append(pretty ? ": " : ":");
          if (entries[i].value.is_undefined()) {
            out->append("null");
          } else {
            Write(entries[i].value, depth + 1);
          }
        }
        if (!entries.empty()) NewLine(depth);
        out->push_back('}');
        return;
      }
    }
  }
};

}  // namespace

namespace value {

void AppendJsonWith(std::string* out, const Value& v, const JsonOptions& options) {
  Writer{out, options, !options.prefix.empty() || !options.indent.empty()}.Write(v, 0);
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
