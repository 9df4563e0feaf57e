// File: lib/builtins/sprintf.cc
//
// sprintf with Go's fmt semantics, as OPA gets them by calling fmt.Sprintf
// after converting each Rego argument to a Go value:
//   integer number in int64  -> int          (%d %v %x %b %o %O %c %q %U)
//   integer beyond int64     -> *big.Int     (%d %v %s %x %X %b %o %O)
//   other number             -> float64      (%v = shortest %g, %e %f %g %x)
//                               (or its text when it overflows a double)
//   string                   -> string       (%s %v %q %x %X)
//   anything else            -> its Rego text as a string: true, null,
//                               ["a", 1], {"k": 2}, {1, 2}, set()
// so "%t" of true prints "%!t(string=true)" exactly as OPA does. Flags
// (+ - # space 0), width, precision, '*' and explicit argument indexes
// ("%[2]d") work as in Go, and so do the error forms: %!d(MISSING),
// %!z(int=5), %!(EXTRA string=x), %!(NOVERB), %!(BADWIDTH), %!(BADPREC),
// %!(BADINDEX).
//
// Entry point: Sprintf (builtins.def). Tested by tests/builtins/sprintf_test.cc.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/utf8.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

// --- Rego text of a value (OPA's Term.String()) -----------------------------

void AppendRegoString(std::string* out, std::string_view s);

void AppendRegoText(std::string* out, const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
      break;
    case Kind::kNull:
      out->append("null");
      break;
    case Kind::kBool:
      out->append(v.as_bool() ? "true" : "false");
      break;
    case Kind::kNumber:
      value::AppendNumber(out, v);
      break;
    case Kind::kString:
      AppendRegoString(out, v.as_string());
      break;
    case Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        AppendRegoText(out, item);
      }
      out->push_back(']');
      break;
    }
    case Kind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const ObjectEntry& e : v.entries()) {
        if (!first) out->append(", ");
        first = false;
        AppendRegoText(out, e.key);
        out->append(": ");
        AppendRegoText(out, e.value);
      }
      out->push_back('}');
      break;
    }
    case Kind::kSet: {
      if (v.empty()) {
        out->append("set()");
        break;
      }
      out->push_back('{');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        AppendRegoText(out, item);
      }
      out->push_back('}');
      break;
    }
  }
}

// --- Go's strconv.Quote ---------------------------------------------------------

// Go's unicode.IsPrint, approximated: control characters, the C1 block,
// surrogates, the soft hyphen and the line/paragraph separators are not
// printable; everything else is.
bool IsPrintRune(char32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r >= 0x80 && r < 0xA0) return false;
  if (r == 0xAD || r == 0x2028 || r == 0x2029) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if (r == 0xFEFF || r == 0xFFFE || r == 0xFFFF) return false;
  return r <= 0x10FFFF;
}

void AppendHex(std::string* out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

void AppendEscapedRune(std::string* out, char32_t r, char quote, bool ascii_only) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only ? (r < 0x80 && IsPrintRune(r)) : IsPrintRune(r)) {
    AppendUtf8(out, r);
    return;
  }
  switch (r) {
    case '\a': out->append("\\a"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\v': out->append("\\v"); return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    out->append("\\x");
    AppendHex(out, r, 2);
  } else if (r < 0x10000) {
    out->append("\\u");
    AppendHex(out, r, 4);
  } else {
    out->append("\\U");
    AppendHex(out, r, 8);
  }
}

// strconv.Quote / QuoteToASCII.
std::string GoQuote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t r = DecodeUtf8(s, &i);
    if (r == 0xFFFD && i - start == 1 &&
        !(s.size() - start >= 3 && s.substr(start, 3) == "\xEF\xBF\xBD")) {
      out.append("\\x");  // an invalid byte
      AppendHex(&out, static_cast<unsigned char>(s[start]), 2);
      continue;
    }
    AppendEscapedRune(&out, r, '"', ascii_only);
  }
  out.push_back('"');
  return out;
}

void AppendRegoString(std::string* out, std::string_view s) {
  out->append(GoQuote(s, false));
}

// --- Go fmt ---------------------------------------------------------------------

// One Sprintf argument, converted the way OPA converts it.
struct Arg {
  enum Type { kInt, kBigInt, kFloat, kString } type = kString;
  int64_t i = 0;
  bool negative = false;      // kBigInt
  std::string digits;         // kBigInt: decimal digits, no sign
  double f = 0;
  std::string_view s;  // kString: the text (into the Value, or into owned)
  std::string owned;   // text computed for numbers too big for a double and composites
};

// Fills [a] in place: [a].s may point into [a].owned, so [a] must not move
// afterwards (the caller reserves its vector).
void ConvertArg(const Value& v, Arg& a) {
  if (v.is_string()) {
    a.s = v.as_string();
    return;
  }
  if (v.is_number()) {
    if (v.is_int()) {
      a.type = Arg::kInt;
      a.i = v.as_int();
      return;
    }
    // The number's text only when it is printed as such (integers past
    // int64, numbers past a double), in a per-thread buffer: a 20-digit
    // result must not allocate.
    thread_local std::string text;
    text.clear();
    if (value::IsIntegral(v)) {
      value::AppendNumber(&text, v);
      if (text.find_first_of("eE.") == std::string::npos) {
        a.type = Arg::kBigInt;
        a.negative = !text.empty() && text[0] == '-';
        a.digits.assign(text, a.negative ? 1 : 0, std::string::npos);
        return;
      }
    }
    double d = v.ToDouble();
    if (std::isfinite(d)) {
      a.type = Arg::kFloat;
      a.f = d;
      return;
    }
    if (text.empty()) value::AppendNumber(&text, v);
    // Too big for a double: OPA passes the number's text.
    for (size_t k = 0; k < text.size(); ++k) {
      if (text[k] == '+' && k > 0 && (text[k - 1] == 'e' || text[k - 1] == 'E')) continue;
      a.owned.push_back(text[k]);
    }
    a.s = a.owned;
    return;
  }
  AppendRegoText(&a.owned, v);
  a.s = a.owned;
}

std::string_view GoTypeName(const Arg& a) {
  switch (a.type) {
    case Arg::kInt: return "int";
    case Arg::kBigInt: return "*big.Int";
    case Arg::kFloat: return "float64";
    case Arg::kString: return "string";
  }
  return "string";
}

struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool has_width = false, has_prec = false;
  int width = 0, prec = 0;
};

// Pads [body] to the width; [sign_aware_zero]: zero padding goes after a
// leading sign (numbers), otherwise zeros pad on the left like Go does
// for strings.
void Pad(std::string* out, std::string_view body, const Spec& spec, bool allow_zero = true) {
  if (!spec.has_width) {
    out->append(body);
    return;
  }
  int n = static_cast<int>(CountRunes(body));
  if (n >= spec.width) {
    out->append(body);
    return;
  }
  int pad = spec.width - n;
  if (spec.minus) {
    out->append(body);
    out->append(pad, ' ');
  } else if (spec.zero && allow_zero) {
    size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    out->append(body.substr(0, sign));
    out->append(pad, '0');
    out->append(body.substr(sign));
  } else {
    out->append(pad, ' ');
    out->append(body);
  }
}

// Decimal digit string -> digits in [base] (2, 8, 16) by repeated division.
std::string ConvertBase(std::string digits, int base, bool upper) {
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (digits.empty() || digits == "0") return "0";
  std::string out;
  while (!(digits.size() == 1 && digits[0] == '0')) {
    std::string quotient;
    int rem = 0;
    for (char c : digits) {
      int cur = rem * 10 + (c - '0');
      int q = cur / base;
      rem = cur % base;
      if (!quotient.empty() || q != 0) quotient.push_back(static_cast<char>('0' + q));
    }
    out.push_back(alphabet[rem]);
    digits = quotient.empty() ? "0" : quotient;
  }
  return std::string(out.rbegin(), out.rend());
}

std::string U64Base(uint64_t v, int base, bool upper) {
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (v == 0) return "0";
  std::string out;
  while (v > 0) {
    out.push_back(alphabet[v % static_cast<uint64_t>(base)]);
    v /= static_cast<uint64_t>(base);
  }
  return std::string(out.rbegin(), out.rend());
}

// fmtInteger: [negative] and magnitude [digits] already in the verb's base.
void FormatIntegerDigits(std::string* out, bool negative, std::string digits, char verb,
                         const Spec& spec) {
  if (spec.has_prec) {
    if (spec.prec == 0 && digits == "0") digits.clear();
    if (static_cast<int>(digits.size()) < spec.prec) {
      digits.insert(0, static_cast<size_t>(spec.prec) - digits.size(), '0');
    }
  }
  std::string prefix;
  if (spec.sharp) {
    if (verb == 'x') prefix = "0x";
    if (verb == 'X') prefix = "0X";
    if (verb == 'b') prefix = "0b";
    if (verb == 'o' && (digits.empty() || digits[0] != '0')) prefix = "0";
  }
  if (verb == 'O') prefix = "0o";
  std::string body;
  if (negative) {
    body.push_back('-');
  } else if (spec.plus) {
    body.push_back('+');
  } else if (spec.space) {
    body.push_back(' ');
  }
  // Go: with a precision, the 0 flag is ignored for integers; zero padding
  // goes between sign/prefix and digits.
  bool zero = spec.zero && !spec.minus && !spec.has_prec && spec.has_width;
  if (zero) {
    int len = static_cast<int>(body.size() + prefix.size() + digits.size());
    if (len < spec.width) digits.insert(0, static_cast<size_t>(spec.width - len), '0');
  }
  body += prefix;
  body += digits;
  Spec no_zero = spec;
  no_zero.zero = false;
  Pad(out, body, no_zero);
}

// %d of [v] with at most a width and the '-' or '0' flag: what
// FormatIntegerDigits does for them (zeros go after the sign), without its
// strings. '#' means nothing to %d.
void AppendDecimal(std::string* out, int64_t v, const Spec& spec) {
  char buf[24];
  const size_t len = static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf);
  const size_t width = spec.has_width ? static_cast<size_t>(spec.width) : 0;
  if (len >= width) {
    out->append(buf, len);
  } else if (spec.minus) {
    out->append(buf, len);
    out->append(width - len, ' ');
  } else if (spec.zero) {
    const size_t sign = v < 0 ? 1 : 0;
    out->append(buf, sign);
    out->append(width - len, '0');
    out->append(buf + sign, len - sign);
  } else {
    out->append(width - len, ' ');
    out->append(buf, len);
  }
}

// %c, %q, %U of an integer code point.
void FormatRune(std::string* out, int64_t v, char verb, const Spec& spec) {
  char32_t r = (v < 0 || v > 0x10FFFF) ? 0xFFFD : static_cast<char32_t>(v);
  std::string body;
  if (verb == 'c') {
    AppendUtf8(&body, r);
  } else if (verb == 'q') {
    body.push_back('\'');
    AppendEscapedRune(&body, r, '\'', spec.plus);
    body.push_back('\'');
  } else {  // 'U'
    std::string hex = U64Base(static_cast<uint64_t>(v < 0 ? 0 : v), 16, true);
    if (hex.size() < 4) hex.insert(0, 4 - hex.size(), '0');
    body = "U+" + hex;
    if (spec.sharp && IsPrintRune(r)) {
      body += " '";
      AppendUtf8(&body, r);
      body += "'";
    }
  }
  Pad(out, body, spec, false);
}

// strconv.FormatFloat(f, fmt, prec, 64) for fmt in e, E, f, g, G,
// appended to [out] without temporaries (%v of a 17-digit double must not
// allocate): digits go through stack buffers, which a precision over 100
// replaces by one sized for it (to_chars prints every exact digit, then
// zeros, as Go does).
void AppendFloat(std::string* out, double f, char fmt, int prec) {
  char stack_buf[512];
  std::string heap_buf;
  char* buf = stack_buf;
  size_t capacity = sizeof stack_buf;
  if (prec > 100) {
    heap_buf.resize(static_cast<size_t>(prec) + 400);  // 309 integer digits, sign, point, exponent
    buf = heap_buf.data();
    capacity = heap_buf.size();
  }
  bool neg = std::signbit(f);
  double a = std::fabs(f);
  if (neg) out->push_back('-');
  char lower = static_cast<char>(fmt | 0x20);
  if (lower == 'f') {
    std::to_chars_result r = prec < 0
        ? std::to_chars(buf, buf + capacity, a, std::chars_format::fixed)
        : std::to_chars(buf, buf + capacity, a, std::chars_format::fixed, prec);
    out->append(buf, r.ptr);
    return;
  }
  // Digits (in buf, the point dropped) and decimal exponent: shortest, or
  // rounded to a digit count; value = d1.d2d3... * 10^exp10.
  size_t nd = 0;
  int exp10 = 0;
  {
    std::to_chars_result r;
    if (prec < 0) {
      r = std::to_chars(buf, buf + capacity, a, std::chars_format::scientific);
    } else {
      int sig = lower == 'e' ? prec + 1 : (prec == 0 ? 1 : prec);
      r = std::to_chars(buf, buf + capacity, a, std::chars_format::scientific, sig - 1);
    }
    const char* e = std::find(buf, r.ptr, 'e');
    for (const char* p = buf; p < e; ++p) {
      if (*p != '.') buf[nd++] = *p;  // nd <= p - buf: in place
    }
    if (e + 1 < r.ptr) std::from_chars(e + 1 + (e[1] == '+' ? 1 : 0), r.ptr, exp10);
  }
  const char* digits = buf;
  auto append_exponent = [&](int e) {
    out->push_back(fmt == 'E' || fmt == 'G' ? 'E' : 'e');
    out->push_back(e < 0 ? '-' : '+');
    int m = e < 0 ? -e : e;
    if (m < 10) out->push_back('0');
    char text[16];
    out->append(text, std::to_chars(text, text + sizeof text, m).ptr);
  };
  // d1.d2...dn, [zeros] more zeros, the exponent.
  auto append_sci = [&](size_t n, size_t zeros, int e) {
    out->push_back(digits[0]);
    if (n + zeros > 1) {
      out->push_back('.');
      out->append(digits + 1, n - 1);
      out->append(zeros, '0');
    }
    append_exponent(e);
  };
  if (lower == 'e') {
    const size_t want = prec < 0 ? nd : static_cast<size_t>(prec) + 1;
    append_sci(nd, want > nd ? want - nd : 0, exp10);
    return;
  }
  // 'g': shortest digits (prec < 0) or [prec] significant digits, trailing
  // zeros removed (no '#').
  if (prec >= 0) {
    while (nd > 1 && digits[nd - 1] == '0') --nd;
  }
  // strconv's %g rule: %e when the exponent is below -4 or at least the
  // precision (6 for the shortest form).
  int eprec = 6;
  if (prec >= 0) {
    eprec = prec == 0 ? 1 : prec;
    int n = static_cast<int>(nd);
    if (eprec > n && n >= exp10 + 1) eprec = n;
  }
  if (exp10 < -4 || exp10 >= eprec) {
    append_sci(nd, 0, exp10);
    return;
  }
  // %f with exactly the digits we have.
  if (exp10 < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp10 - 1), '0');
    out->append(digits, nd);
  } else if (static_cast<int>(nd) <= exp10 + 1) {
    out->append(digits, nd);
    out->append(static_cast<size_t>(exp10 + 1) - nd, '0');
  } else {
    out->append(digits, static_cast<size_t>(exp10 + 1));
    out->push_back('.');
    out->append(digits + exp10 + 1, nd - static_cast<size_t>(exp10 + 1));
  }
}

void FormatFloatVerb(std::string* out, double f, char verb, const Spec& spec) {
  int prec = spec.has_prec ? spec.prec : -1;
  char fmt = verb;
  switch (verb) {
    case 'v':
      fmt = 'g';
      break;
    case 'F':
      fmt = 'f';
      break;
    case 'e': case 'E': case 'f':
      if (prec < 0) prec = 6;
      break;
    default:
      break;
  }
  // The common case (no flags, no width): straight into [out].
  if (!spec.sharp && !spec.plus && !spec.space && !spec.has_width) {
    AppendFloat(out, f, fmt, prec);
    return;
  }
  thread_local std::string body;  // keeps its buffer between calls
  body.clear();
  AppendFloat(&body, f, fmt, prec);
  if (spec.sharp && body.find_first_of(".eE") == std::string::npos) {
    body += ".";  // '#': always a decimal point
  }
  if (body[0] != '-') {
    if (spec.plus) {
      body.insert(0, "+");
    } else if (spec.space) {
      body.insert(0, " ");
    }
  }
  Pad(out, body, spec, !spec.minus);
}

// %s / %v / %q / %x of a string; precision truncates (runes, or bytes for %x).
void FormatString(std::string* out, std::string_view s, char verb, const Spec& spec) {
  std::string_view text = s;
  if (spec.has_prec && verb != 'x' && verb != 'X') {
    size_t i = 0;
    int n = 0;
    while (i < text.size() && n < spec.prec) {
      DecodeUtf8(text, &i);
      ++n;
    }
    text = text.substr(0, i);
  }
  std::string body;
  switch (verb) {
    case 'q':
      if (spec.sharp && text.find('`') == std::string_view::npos) {
        bool can = true;
        for (size_t i = 0; i < text.size();) {
          char32_t r = DecodeUtf8(text, &i);
          if ((r < ' ' && r != '\t') || r == 0x7F || r == 0xFEFF) can = false;
        }
        if (can) {
          body = absl::StrCat("`", Absl(text), "`");
          break;
        }
      }
      body = GoQuote(text, spec.plus);
      break;
    case 'x':
    case 'X': {
      std::string_view bytes = s;
      if (spec.has_prec && static_cast<size_t>(spec.prec) < bytes.size()) {
        bytes = bytes.substr(0, static_cast<size_t>(spec.prec));
      }
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (spec.space && i > 0) body.push_back(' ');
        if (spec.sharp && (spec.space || i == 0)) body += verb == 'x' ? "0x" : "0X";
        std::string h;
        AppendHex(&h, static_cast<unsigned char>(bytes[i]), 2);
        if (verb == 'X') {
          for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        body += h;
      }
      break;
    }
    default:
      Pad(out, text, spec);  // %s, %v: the text itself
      return;
  }
  Pad(out, body, spec);
}

// The %v text of an argument, for the %!verb(type=value) error forms.
std::string PlainText(const Arg& a) {
  std::string s;
  Spec none;
  switch (a.type) {
    case Arg::kInt:
      return std::to_string(a.i);
    case Arg::kBigInt:
      return (a.negative ? "-" : "") + a.digits;
    case Arg::kFloat:
      FormatFloatVerb(&s, a.f, 'v', none);
      return s;
    case Arg::kString:
      return std::string(a.s);
  }
  return s;
}

void BadVerb(std::string* out, char32_t verb, const Arg& a) {
  out->append("%!");
  AppendUtf8(out, verb);
  out->push_back('(');
  if (a.type == Arg::kBigInt) {
    absl::StrAppend(out, "big.Int=", PlainText(a));  // big.Int's own Format
  } else {
    absl::StrAppend(out, Absl(GoTypeName(a)), "=", PlainText(a));
  }
  out->push_back(')');
}

void FormatArg(std::string* out, const Arg& a, char32_t verb, const Spec& spec) {
  switch (a.type) {
    case Arg::kInt: {
      bool neg = a.i < 0;
      uint64_t mag = neg ? 0 - static_cast<uint64_t>(a.i) : static_cast<uint64_t>(a.i);
      switch (verb) {
        case 'v': case 'd':
          if (!spec.plus && !spec.space && !spec.has_prec) {
            AppendDecimal(out, a.i, spec);  // the usual %d, %5d, %02d
            return;
          }
          FormatIntegerDigits(out, neg, U64Base(mag, 10, false), 'd', spec);
          return;
        case 'b':
          FormatIntegerDigits(out, neg, U64Base(mag, 2, false), 'b', spec);
          return;
        case 'o': case 'O':
          FormatIntegerDigits(out, neg, U64Base(mag, 8, false), static_cast<char>(verb), spec);
          return;
        case 'x': case 'X':
          FormatIntegerDigits(out, neg, U64Base(mag, 16, verb == 'X'), static_cast<char>(verb),
                              spec);
          return;
        case 'c': case 'q': case 'U':
          FormatRune(out, a.i, static_cast<char>(verb), spec);
          return;
        default:
          BadVerb(out, verb, a);
          return;
      }
    }
    case Arg::kBigInt:
      switch (verb) {
        case 'v': case 'd': case 's':
          FormatIntegerDigits(out, a.negative, a.digits, 'd', spec);
          return;
        case 'b':
          FormatIntegerDigits(out, a.negative, ConvertBase(a.digits, 2, false), 'b', spec);
          return;
        case 'o': case 'O':
          FormatIntegerDigits(out, a.negative, ConvertBase(a.digits, 8, false),
                              static_cast<char>(verb), spec);
          return;
        case 'x': case 'X':
          FormatIntegerDigits(out, a.negative, ConvertBase(a.digits, 16, verb == 'X'),
                              static_cast<char>(verb), spec);
          return;
        default:
          BadVerb(out, verb, a);
          return;
      }
    case Arg::kFloat:
      switch (verb) {
        case 'v': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
          FormatFloatVerb(out, a.f, static_cast<char>(verb), spec);
          return;
        default:
          BadVerb(out, verb, a);
          return;
      }
    case Arg::kString:
      switch (verb) {
        case 'v': case 's': case 'q': case 'x': case 'X':
          if ((verb == 's' || (verb == 'v' && !spec.sharp)) && !spec.has_width &&
              !spec.has_prec) {
            out->append(a.s);
            return;
          }
          if (verb == 'v' && spec.sharp) {
            FormatString(out, a.s, 'q', spec);
          } else {
            FormatString(out, a.s, static_cast<char>(verb), spec);
          }
          return;
        default:
          BadVerb(out, verb, a);
          return;
      }
  }
}

// Go's doPrintf over [format] and [args].
void GoSprintf(std::string_view format, std::span<const Arg> args, std::string& out) {
  size_t argn = 0;
  bool reordered = false;
  bool good_argnum = true;
  size_t i = 0;
  const size_t end = format.size();

  // Parses "[n]" at format[*pos] (Go's argNumber): sets argn (0-based),
  // returns whether an index was present, clears good_argnum when invalid.
  auto arg_number = [&](size_t* pos) {
    if (*pos >= end || format[*pos] != '[') return false;
    reordered = true;
    size_t close = format.find(']', *pos + 1);
    if (close == std::string_view::npos) {
      good_argnum = false;
      return false;
    }
    int n = 0;
    bool ok = close > *pos + 1;
    for (size_t k = *pos + 1; k < close && ok; ++k) {
      if (format[k] < '0' || format[k] > '9') {
        ok = false;
      } else {
        n = n * 10 + (format[k] - '0');
        if (n > 1000000) ok = false;
      }
    }
    *pos = close + 1;
    if (!ok || n < 1 || static_cast<size_t>(n) > args.size()) {
      good_argnum = false;
      return true;
    }
    argn = static_cast<size_t>(n - 1);
    return true;
  };

  auto parse_num = [&](size_t* pos, int* value) {
    bool any = false;
    int v = 0;
    while (*pos < end && format[*pos] >= '0' && format[*pos] <= '9') {
      if (v > 1000000) return false;  // Go: too large -> no number
      v = v * 10 + (format[*pos] - '0');
      ++*pos;
      any = true;
    }
    *value = v;
    return any;
  };

  // Reads an int argument for '*'.
  auto star_arg = [&](int* value) {
    bool ok = good_argnum && argn < args.size() && args[argn].type == Arg::kInt &&
              args[argn].i >= -1000000 && args[argn].i <= 1000000;
    if (ok) *value = static_cast<int>(args[argn].i);
    ++argn;
    return ok;
  };

  while (i < end) {
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;  // skip '%'
    Spec spec;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        spec.sharp = true;
      } else if (c == '0') {
        spec.zero = true;
      } else if (c == '+') {
        spec.plus = true;
      } else if (c == '-') {
        spec.minus = true;
      } else if (c == ' ') {
        spec.space = true;
      } else {
        break;
      }
    }
    good_argnum = true;
    bool after_index = arg_number(&i);
    // Width.
    if (i < end && format[i] == '*') {
      ++i;
      int w = 0;
      if (star_arg(&w)) {
        spec.has_width = true;
        if (w < 0) {
          spec.minus = true;
          w = -w;
        }
        spec.width = w;
      } else {
        out.append("%!(BADWIDTH)");
      }
      after_index = false;
    } else {
      spec.has_width = parse_num(&i, &spec.width);
      if (after_index && spec.has_width) good_argnum = false;  // "%[3]2d"
    }
    // Precision.
    if (i < end && format[i] == '.') {
      ++i;
      if (after_index) good_argnum = false;  // "%[3].2d"
      after_index = arg_number(&i);
      if (i < end && format[i] == '*') {
        ++i;
        int p = 0;
        if (star_arg(&p) && p >= 0) {
          spec.prec = p;
          spec.has_prec = true;
        } else {
          out.append("%!(BADPREC)");
        }
        after_index = false;
      } else {
        parse_num(&i, &spec.prec);
        spec.has_prec = true;
      }
    }
    if (!after_index) after_index = arg_number(&i);
    if (i >= end) {
      out.append("%!(NOVERB)");
      break;
    }
    char32_t verb = DecodeUtf8(format, &i);
    if (spec.minus) spec.zero = false;
    if (verb == '%') {
      out.push_back('%');
      continue;
    }
    if (!good_argnum) {
      out.append("%!");
      AppendUtf8(&out, verb);
      out.append("(BADINDEX)");
      continue;
    }
    if (argn >= args.size()) {
      out.append("%!");
      AppendUtf8(&out, verb);
      out.append("(MISSING)");
      continue;
    }
    FormatArg(&out, args[argn], verb, spec);
    ++argn;
  }
  if (!reordered && argn < args.size()) {
    out.append("%!(EXTRA ");
    for (size_t k = argn; k < args.size(); ++k) {
      if (k > argn) out.append(", ");
      absl::StrAppend(&out, Absl(GoTypeName(args[k])), "=", PlainText(args[k]));
    }
    out.push_back(')');
  }
}

// sprintf of a format whose only verbs are %s, %v and %% without flags,
// and %d with at most the '0' or '-' flag and a width below 100 (%d, %02d,
// %-8d), over as many string and int64 arguments as it has verbs: what Go
// prints for those is the text and the decimal, written in one pass.
// nullopt for anything else, which the general path formats (and words
// errors for).
std::optional<Value> PlainSprintf(std::string_view format, const Value& list, Arena* arena) {
  const std::span<const Value> items = list.items();
  // Writes into dst[0, capacity) and returns the full length (only
  // measured past the capacity).
  auto write = [&](char* dst, size_t capacity) -> std::optional<size_t> {
    size_t n = 0;
    size_t argn = 0;
    auto put = [&](const char* p, size_t len) {
      if (n + len <= capacity) std::memcpy(dst + n, p, len);
      n += len;
    };
    for (size_t i = 0; i < format.size();) {
      const size_t next = format.find('%', i);
      const size_t stop = next == std::string_view::npos ? format.size() : next;
      put(format.data() + i, stop - i);
      if (stop == format.size()) break;
      size_t j = stop + 1;
      Spec spec;
      for (; j < format.size() && (format[j] == '0' || format[j] == '-'); ++j) {
        (format[j] == '0' ? spec.zero : spec.minus) = true;
      }
      for (int digits = 0; j < format.size() && digits < 2 && format[j] >= '0' && format[j] <= '9';
           ++j, ++digits) {
        spec.has_width = true;
        spec.width = spec.width * 10 + (format[j] - '0');
      }
      if (j == format.size()) return std::nullopt;  // %!(NOVERB)
      const char verb = format[j];
      const bool bare = j == stop + 1;
      i = j + 1;
      if (verb == '%' && bare) {
        put("%", 1);
        continue;
      }
      if (argn == items.size()) return std::nullopt;  // %!d(MISSING)
      const Value& a = items[argn++];
      if (a.is_string() && (verb == 's' || verb == 'v') && bare) {
        std::string_view text = a.as_string();
        put(text.data(), text.size());
      } else if (a.is_int() && (verb == 'd' || (verb == 'v' && bare))) {
        char buf[24];
        const size_t len =
            static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, a.as_int()).ptr - buf);
        const size_t width = static_cast<size_t>(spec.width);
        if (len >= width) {
          put(buf, len);
        } else if (spec.minus) {  // '-' wins over '0'
          put(buf, len);
          for (size_t k = len; k < width; ++k) put(" ", 1);
        } else {
          // Zeros go after the sign, spaces before it.
          const size_t sign = spec.zero && a.as_int() < 0 ? 1 : 0;
          put(buf, sign);
          for (size_t k = len; k < width; ++k) put(spec.zero ? "0" : " ", 1);
          put(buf + sign, len - sign);
        }
      } else {
        return std::nullopt;  // other flags, verbs or kinds
      }
    }
    if (argn != items.size()) return std::nullopt;  // %!(EXTRA ...)
    return n;
  };
  // One pass into a stack buffer (messages are short), a second into the
  // result only when it did not fit.
  char stack[256];
  std::optional<size_t> size = write(stack, sizeof stack);
  if (!size) return std::nullopt;
  if (*size <= sizeof stack) return Value::String(std::string_view(stack, *size), arena);
  return Value::StringWith(*size, arena, [&](char* dst) { write(dst, *size); });
}

}  // namespace

absl::StatusOr<Value> Sprintf(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view format, StringArg("sprintf", args, 0));
  const Value& list = args[1];
  if (!list.is_array()) return OperandTypeError("sprintf", 1, list, {"array"});
  if (std::optional<Value> plain = PlainSprintf(format, list, ctx.arena)) return *std::move(plain);
  absl::InlinedVector<Arg, 8> converted(list.size());  // sized once: Args never move
  for (size_t i = 0; i < list.size(); ++i) ConvertArg(list[i], converted[i]);
  // One buffer per thread: no allocation per call once it has grown.
  thread_local std::string out;
  out.clear();
  GoSprintf(format, converted, out);
  Value result = Value::String(out, ctx.arena);
  if (out.capacity() > 64 * 1024) std::string().swap(out);  // do not pin huge buffers
  return result;
}

// internal.print([operands...]): the lowering of print(x, y, ...). Each
// operand is the set of the expression's values (or a scalar): empty
// prints "<undefined>", and a line is written for every combination of
// the operands' values (OPA's cross product), strings bare, anything else
// in Rego syntax, separated by spaces.
absl::StatusOr<Value> InternalPrint(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& operands = args[0];
  if (!operands.is_array()) return OperandTypeError("internal.print", 0, operands, {"array"});
  if (ctx.print == nullptr || !*ctx.print) return Value::Bool(true);
  const std::span<const Value> items = operands.items();
  std::string line;
  // Rendered values of each operand, then an odometer over them.
  std::vector<std::vector<std::string>> texts(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto render = [&](const Value& v) {
      std::string s;
      if (v.is_string()) {
        s = std::string(v.as_string());
      } else {
        AppendRegoText(&s, v);
      }
      texts[i].push_back(std::move(s));
    };
    if (!items[i].is_set()) {
      render(items[i]);
    } else if (items[i].empty()) {
      texts[i].push_back("<undefined>");
    } else {
      for (const Value& v : items[i].items()) render(v);
    }
  }
  std::vector<size_t> at(items.size(), 0);
  for (;;) {
    line.clear();
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) line.push_back(' ');
      line.append(texts[i][at[i]]);
    }
    (*ctx.print)(line);
    size_t i = items.size();
    while (i > 0 && ++at[i - 1] == texts[i - 1].size()) at[--i] = 0;
    if (i == 0) break;
  }
  return Value::Bool(true);
}

// internal.template_string([parts...]): the lowering of $"...{expr}..."
// template strings. Literal parts are strings; each interpolated
// expression arrives as the set of its values: empty prints
// "<undefined>", one value prints as itself (strings bare, anything else in
// Rego syntax), several are an error.
absl::StatusOr<Value> InternalTemplateString(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "internal.template_string";
  const Value& parts = args[0];
  if (!parts.is_array()) return OperandTypeError(kName, 0, parts, {"array"});
  thread_local std::string out;
  out.clear();
  auto append = [&](const Value& v) {
    if (v.is_string()) {
      out.append(v.as_string());
    } else {
      AppendRegoText(&out, v);
    }
  };
  for (const Value& part : parts.items()) {
    switch (part.kind()) {
      case Kind::kSet:
        if (part.empty()) {
          out.append("<undefined>");
        } else if (part.size() == 1) {
          append(part.items()[0]);
        } else {
          return MakeError(ErrorCode::kEvalConflictError,
                           absl::StrCat(Absl(kName),
                                        ": template-strings must not produce multiple outputs"));
        }
        break;
      case Kind::kArray:
      case Kind::kObject:
        return BuiltinError(kName, absl::StrCat("illegal argument type: ",
                                                Absl(TypeNameOf(part))));
      default:
        append(part);
        break;
    }
  }
  Value result = Value::String(out, ctx.arena);
  if (out.capacity() > 64 * 1024) std::string().swap(out);
  return result;
}

}  // namespace verdict::builtins
