// Source-byte checks, string escape decoding and number literal checks for
// the parser; see literal.h. Tested by tests/syntax/literal_test.cc.
#include "syntax/literal.h"

#include <algorithm>

namespace verdict::syntax {
namespace {

// Four hex digits at the start of [s] (at least 4 bytes long), or -1.
int ParseHex4(std::string_view s) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return -1;
    }
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

std::optional<TextProblem> CheckSourceBytes(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return TextProblem{i, 1, "illegal null character"};
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = (c & 0xE0) == 0xC0   ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    bool ok = n != 0 && i + n <= text.size();
    uint32_t cp = 0;
    if (ok) {
      cp = c & (0x7F >> n);
      for (size_t j = 1; j < n; ++j) {
        unsigned char cc = static_cast<unsigned char>(text[i + j]);
        if ((cc & 0xC0) != 0x80) ok = false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      // Overlong forms, surrogates and values beyond U+10FFFF are invalid.
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      if (ok && (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))) {
        ok = false;
      }
    }
    if (!ok) return TextProblem{i, 1, "illegal utf-8 character"};
    if (cp == 0xFEFF && i != 0) return TextProblem{i, n, "illegal byte-order mark"};
    i += n;
  }
  return std::nullopt;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool DecodeEscapes(std::string_view raw, bool template_text, std::string& out,
                   size_t& bad_at) {
  out.clear();
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    bad_at = i;
    if (i + 1 >= raw.size()) return false;
    char e = raw[++i];
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case '{':
        if (!template_text) return false;
        out.push_back('{');
        break;
      case 'u': {
        if (raw.size() < i + 5) return false;
        int unit = ParseHex4(raw.substr(i + 1, 4));
        if (unit < 0) return false;
        i += 4;
        uint32_t cp = static_cast<uint32_t>(unit);
        if (cp >= 0xD800 && cp < 0xDC00) {
          // A high surrogate: combine with a following \uDC00-\uDFFF.
          int low = -1;
          if (raw.size() >= i + 7 && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
            low = ParseHex4(raw.substr(i + 3, 4));
          }
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

NumberProblem CheckNumberLiteral(std::string_view digits) {
  // OPA rejects leading zeros ("01") but allows "0", "0.5", "0e5".
  if (digits.size() > 1 && digits[0] == '0' && digits[1] != '.' &&
      !(digits.size() > 2 && (digits[1] == 'e' || digits[1] == 'E'))) {
    return NumberProblem::kLeadingZero;
  }
  // OPA refuses numbers beyond 2^±100000 (about 10^±30103) at parse time.
  // [magnitude] is the decimal exponent of the leading non-zero digit.
  size_t i = 0;
  while (i < digits.size() && digits[i] == '0') ++i;
  long long magnitude = -1;
  while (i < digits.size() && digits[i] >= '0' && digits[i] <= '9') {
    ++magnitude;
    ++i;
  }
  if (magnitude < 0) {
    if (i < digits.size() && digits[i] == '.') {
      for (++i; i < digits.size() && digits[i] == '0'; ++i) --magnitude;
    }
    if (i >= digits.size() || digits[i] < '1' || digits[i] > '9') {
      return NumberProblem::kNone;  // zero, whatever its exponent
    }
  }
  size_t e = digits.find_first_of("eE");
  if (e != std::string_view::npos) {
    bool negative = e + 1 < digits.size() && digits[e + 1] == '-';
    long long exp = 0;
    for (size_t j = e + 1; j < digits.size(); ++j) {
      if (digits[j] < '0' || digits[j] > '9') continue;
      exp = std::min<long long>(exp * 10 + (digits[j] - '0'), 1LL << 40);
    }
    magnitude += negative ? -exp : exp;
  }
  if (magnitude > 30102 || magnitude < -30103) return NumberProblem::kTooBig;
  return NumberProblem::kNone;
}

}  // namespace verdict::syntax
