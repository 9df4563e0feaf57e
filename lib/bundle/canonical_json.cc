// File: lib/bundle/canonical_json.cc
//
// A small JSON reader that writes the canonical form while it parses
// (canonical_json.h). It cannot reuse ParseJson: Values normalize numbers
// (1.0 becomes 1), but OPA hashes the number text as written. Recursion is
// bounded by limits::kMaxJsonDepth.
//
// Tested by tests/bundle/signature_test.cc.
#include "bundle/canonical_json.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "value/json.h"
#include "verdict/value.h"

namespace verdict::bundle {
namespace {

void AppendUtf8(std::string* out, uint32_t rune) {
  if (rune < 0x80) {
    out->push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

class Canonicalizer {
 public:
  explicit Canonicalizer(std::string_view text) : text_(text) {}

  absl::StatusOr<std::string> Run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    std::string out;
    SkipSpace();
    VERDICT_RETURN_IF_ERROR(ParseValue(&out, 0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the JSON value");
    return out;
  }

 private:
  absl::Status Error(std::string_view what) const {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat("invalid JSON at offset ", pos_, ": ", Absl(what)));
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status ParseValue(std::string* out, int depth) {
    if (depth > limits::kMaxJsonDepth) return Error("nesting too deep");
    if (pos_ >= text_.size()) return Error("unexpected end of input");
    char c = text_[pos_];
    switch (c) {
      case '{':
        return ParseObject(out, depth);
      case '[':
        return ParseArray(out, depth);
      case '"': {
        std::string s;
        VERDICT_RETURN_IF_ERROR(ParseString(&s));
        value::AppendJsonString(out, s);
        return absl::OkStatus();
      }
      case 't':
        if (Consume("true")) return out->append("true"), absl::OkStatus();
        return Error("invalid literal");
      case 'f':
        if (Consume("false")) return out->append("false"), absl::OkStatus();
        return Error("invalid literal");
      case 'n':
        if (Consume("null")) return out->append("null"), absl::OkStatus();
        return Error("invalid literal");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Error("unexpected character");
    }
  }

  absl::Status ParseObject(std::string* out, int depth) {
    ++pos_;  // '{'
    std::vector<std::pair<std::string, std::string>> members;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
    } else {
      while (true) {
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a string key");
        std::string key;
        VERDICT_RETURN_IF_ERROR(ParseString(&key));
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != ':') return Error("expected ':'");
        ++pos_;
        SkipSpace();
        std::string value;
        VERDICT_RETURN_IF_ERROR(ParseValue(&value, depth + 1));
        members.emplace_back(std::move(key), std::move(value));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          break;
        }
        return Error("expected ',' or '}'");
      }
    }
    // Byte order of the keys; a repeated key keeps its last value.
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out->push_back('{');
    bool first = true;
    for (size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
      if (!first) out->push_back(',');
      first = false;
      value::AppendJsonString(out, members[i].first);
      out->push_back(':');
      out->append(members[i].second);
    }
    out->push_back('}');
    return absl::OkStatus();
  }

  absl::Status ParseArray(std::string* out, int depth) {
    ++pos_;  // '['
    out->push_back('[');
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out->push_back(']');
      return absl::OkStatus();
    }
    while (true) {
      SkipSpace();
      VERDICT_RETURN_IF_ERROR(ParseValue(out, depth + 1));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        out->push_back(',');
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        out->push_back(']');
        return absl::OkStatus();
      }
      return Error("expected ',' or ']'");
    }
  }

  // JSON's number grammar; the text is copied verbatim.
  absl::Status ParseNumber(std::string* out) {
    size_t start = pos_;
    auto digit = [&]() { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    if (text_[pos_] == '-') ++pos_;
    if (!digit()) return Error("invalid number");
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (digit()) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digit()) return Error("invalid number");
      while (digit()) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digit()) return Error("invalid number");
      while (digit()) ++pos_;
    }
    out->append(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status Hex4(uint32_t* v) {
    if (pos_ + 4 > text_.size()) return Error("truncated \\u escape");
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      x <<= 4;
      if (c >= '0' && c <= '9') {
        x |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        x |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        x |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Error("invalid \\u escape");
      }
    }
    *v = x;
    return absl::OkStatus();
  }

  // Decodes a string as Go does: invalid UTF-8 and lone surrogates become
  // U+FFFD.
  absl::Status ParseString(std::string* out) {
    ++pos_;  // '"'
    while (true) {
      if (pos_ >= text_.size()) return Error("unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) return Error("unterminated string");
        char e = text_[pos_++];
        switch (e) {
          case '"': out->push_back('"'); break;
          case '\\': out->push_back('\\'); break;
          case '/': out->push_back('/'); break;
          case 'b': out->push_back('\b'); break;
          case 'f': out->push_back('\f'); break;
          case 'n': out->push_back('\n'); break;
          case 'r': out->push_back('\r'); break;
          case 't': out->push_back('\t'); break;
          case 'u': {
            uint32_t rune = 0;
            VERDICT_RETURN_IF_ERROR(Hex4(&rune));
            if (rune >= 0xD800 && rune < 0xDC00) {
              // A high surrogate counts only with a low one right after.
              if (text_.compare(pos_, 2, "\\u") == 0) {
                size_t save = pos_;
                pos_ += 2;
                uint32_t low = 0;
                VERDICT_RETURN_IF_ERROR(Hex4(&low));
                if (low >= 0xDC00 && low < 0xE000) {
                  rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
                } else {
                  pos_ = save;
                  rune = kReplacement;
                }
              } else {
                rune = kReplacement;
              }
            } else if (rune >= 0xDC00 && rune < 0xE000) {
              rune = kReplacement;
            }
            AppendUtf8(out, rune);
            break;
          }
          default:
            return Error("invalid escape");
        }
        continue;
      }
      if (c < 0x80) {
        out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      uint32_t rune = 0;
      size_t len = value::DecodeUtf8(text_.substr(pos_), &rune);
      if (len == 0) {
        AppendUtf8(out, kReplacement);
        ++pos_;
      } else {
        out->append(text_.substr(pos_, len));
        pos_ += len;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::string> CanonicalJson(std::string_view text) {
  return Canonicalizer(text).Run();
}

absl::StatusOr<std::string> CanonicalYaml(std::string_view text) {
  Arena arena;
  absl::StatusOr<Value> v = ParseYaml(text, &arena);
  if (!v.ok()) {
    return MakeError(ErrorCode::kBundleError, Std(v.status().message()));
  }
  return ToJson(*v);
}

}  // namespace verdict::bundle
