// File: lib/builtins/go_time.cc
//
// Go's time layout language and duration syntax (see go_time.h). The
// layout is cut into "std chunks" exactly as Go's nextStdChunk does
// (2006, 01, Jan, _2, 15, 03, PM, Z07:00, .000, ...); parsing and
// formatting walk those chunks. Civil-time arithmetic is abseil's.
//
// Tested by tests/builtins/time_test.cc.
#include "builtins/go_time.h"

#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "builtins/utf8.h"

namespace verdict::builtins {
namespace {

enum class Std {
  kNone,
  kLongMonth,      // January
  kMonth,          // Jan
  kNumMonth,       // 1
  kZeroMonth,      // 01
  kLongWeekDay,    // Monday
  kWeekDay,        // Mon
  kDay,            // 2
  kUnderDay,       // _2
  kZeroDay,        // 02
  kUnderYearDay,   // __2
  kZeroYearDay,    // 002
  kHour,           // 15
  kHour12,         // 3
  kZeroHour12,     // 03
  kMinute,         // 4
  kZeroMinute,     // 04
  kSecond,         // 5
  kZeroSecond,     // 05
  kLongYear,       // 2006
  kYear,           // 06
  kPM,             // PM
  kpm,             // pm
  kTZ,             // MST
  kISO8601TZ,      // Z0700
  kISO8601SecondsTZ,       // Z070000
  kISO8601ShortTZ,         // Z07
  kISO8601ColonTZ,         // Z07:00
  kISO8601ColonSecondsTZ,  // Z07:00:00
  kNumTZ,                  // -0700
  kNumSecondsTz,           // -070000
  kNumShortTZ,             // -07
  kNumColonTZ,             // -07:00
  kNumColonSecondsTZ,      // -07:00:00
  kFracSecond0,            // .0, .00, ... (fixed digits)
  kFracSecond9,            // .9, .99, ... (trailing zeros dropped)
};

struct Chunk {
  std::string_view prefix;  // literal text before the chunk
  Std std = Std::kNone;
  int frac_digits = 0;      // kFracSecond*
  char frac_sep = '.';
  std::string_view text;    // the chunk's own layout text
  std::string_view suffix;  // the rest of the layout
};

bool StartsLower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }

// Go's nextStdChunk.
Chunk NextChunk(std::string_view layout) {
  for (size_t i = 0; i < layout.size(); ++i) {
    char c = layout[i];
    std::string_view rest = layout.substr(i);
    auto make = [&](Std std, size_t len) {
      Chunk ch;
      ch.prefix = layout.substr(0, i);
      ch.std = std;
      ch.text = layout.substr(i, len);
      ch.suffix = layout.substr(i + len);
      return ch;
    };
    switch (c) {
      case 'J':
        if (rest.starts_with("Jan")) {
          if (rest.starts_with("January")) return make(Std::kLongMonth, 7);
          if (!StartsLower(rest.substr(3))) return make(Std::kMonth, 3);
        }
        break;
      case 'M':
        if (rest.starts_with("Mon")) {
          if (rest.starts_with("Monday")) return make(Std::kLongWeekDay, 6);
          if (!StartsLower(rest.substr(3))) return make(Std::kWeekDay, 3);
        }
        if (rest.starts_with("MST")) return make(Std::kTZ, 3);
        break;
      case '0':
        if (rest.size() >= 2 && rest[1] >= '1' && rest[1] <= '6') {
          static constexpr Std kZero[] = {Std::kZeroMonth, Std::kZeroDay, Std::kZeroHour12,
                                          Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return make(kZero[rest[1] - '1'], 2);
        }
        if (rest.starts_with("002")) return make(Std::kZeroYearDay, 3);
        break;
      case '1':
        if (rest.starts_with("15")) return make(Std::kHour, 2);
        return make(Std::kNumMonth, 1);
      case '2':
        if (rest.starts_with("2006")) return make(Std::kLongYear, 4);
        return make(Std::kDay, 1);
      case '_':
        if (rest.starts_with("_2")) {
          // _2006 is really a literal _, followed by stdLongYear.
          if (rest.starts_with("_2006")) {
            Chunk ch;
            ch.prefix = layout.substr(0, i + 1);
            ch.std = Std::kLongYear;
            ch.text = layout.substr(i + 1, 4);
            ch.suffix = layout.substr(i + 5);
            return ch;
          }
          return make(Std::kUnderDay, 2);
        }
        if (rest.starts_with("__2")) return make(Std::kUnderYearDay, 3);
        break;
      case '3':
        return make(Std::kHour12, 1);
      case '4':
        return make(Std::kMinute, 1);
      case '5':
        return make(Std::kSecond, 1);
      case 'P':
        if (rest.starts_with("PM")) return make(Std::kPM, 2);
        break;
      case 'p':
        if (rest.starts_with("pm")) return make(Std::kpm, 2);
        break;
      case '-':
        if (rest.starts_with("-070000")) return make(Std::kNumSecondsTz, 7);
        if (rest.starts_with("-07:00:00")) return make(Std::kNumColonSecondsTZ, 9);
        if (rest.starts_with("-0700")) return make(Std::kNumTZ, 5);
        if (rest.starts_with("-07:00")) return make(Std::kNumColonTZ, 6);
        if (rest.starts_with("-07")) return make(Std::kNumShortTZ, 3);
        break;
      case 'Z':
        if (rest.starts_with("Z070000")) return make(Std::kISO8601SecondsTZ, 7);
        if (rest.starts_with("Z07:00:00")) return make(Std::kISO8601ColonSecondsTZ, 9);
        if (rest.starts_with("Z0700")) return make(Std::kISO8601TZ, 5);
        if (rest.starts_with("Z07:00")) return make(Std::kISO8601ColonTZ, 6);
        if (rest.starts_with("Z07")) return make(Std::kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (rest.size() >= 2 && (rest[1] == '0' || rest[1] == '9')) {
          char ch = rest[1];
          size_t j = 1;
          while (j < rest.size() && rest[j] == ch) ++j;
          if (!(j < rest.size() && rest[j] >= '0' && rest[j] <= '9')) {
            Chunk out = make(ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9, j);
            out.frac_digits = static_cast<int>(j - 1);
            out.frac_sep = c;
            return out;
          }
        }
        break;
      default:
        break;
    }
  }
  Chunk none;
  none.prefix = layout;
  return none;
}

constexpr std::string_view kLongMonths[] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};
constexpr std::string_view kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};

// Go's quote() for error messages.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t r = DecodeUtf8(s, &i);
    if (r == 0xFFFD && i - start == 1) {
      static constexpr char kHex[] = "0123456789abcdef";
      unsigned char b = static_cast<unsigned char>(s[start]);
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
      continue;
    }
    if (r == '"' || r == '\\') out.push_back('\\');
    AppendUtf8(&out, r);
  }
  out.push_back('"');
  return out;
}

absl::Status ParseError(std::string_view layout, std::string_view value,
                        std::string_view layout_elem, std::string_view value_elem,
                        std::string_view message = {}) {
  std::string text;
  if (message.empty()) {
    text = absl::StrCat("parsing time ", Quote(value), " as ", Quote(layout), ": cannot parse ",
                        Quote(value_elem), " as ", Quote(layout_elem));
  } else {
    text = absl::StrCat("parsing time ", Quote(value), Absl(message));
  }
  return MakeError(ErrorCode::kEvalBuiltinError, text);
}

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits ([fixed]: exactly two).
bool GetNum(std::string_view* s, bool fixed, int* out) {
  if (!IsDigit(*s, 0)) return false;
  if (!IsDigit(*s, 1)) {
    if (fixed) return false;
    *out = (*s)[0] - '0';
    s->remove_prefix(1);
    return true;
  }
  *out = ((*s)[0] - '0') * 10 + ((*s)[1] - '0');
  s->remove_prefix(2);
  return true;
}

// Go's getnum3: one to three digits ([fixed]: exactly three).
bool GetNum3(std::string_view* s, bool fixed, int* out) {
  int n = 0, i = 0;
  for (; i < 3 && IsDigit(*s, static_cast<size_t>(i)); ++i) n = n * 10 + ((*s)[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *out = n;
  s->remove_prefix(static_cast<size_t>(i));
  return true;
}

std::string_view CutSpace(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return s;
}

// Go's skip: match literal [prefix]; runs of spaces match runs of spaces.
bool Skip(std::string_view* value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value->empty() && (*value)[0] != ' ') return false;
      prefix = CutSpace(prefix);
      *value = CutSpace(*value);
      continue;
    }
    if (value->empty() || (*value)[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value->remove_prefix(1);
  }
  return true;
}

// Case-insensitive lookup of a name at the start of [s] (Go's lookup).
int Lookup(std::string_view* s, const std::string_view* names, int count, size_t len_limit) {
  for (int i = 0; i < count; ++i) {
    std::string_view name = names[i];
    if (len_limit) name = name.substr(0, len_limit);
    if (s->size() >= name.size() &&
        absl::EqualsIgnoreCase(Absl(s->substr(0, name.size())), Absl(name))) {
      s->remove_prefix(name.size());
      return i;
    }
  }
  return -1;
}

// Go's parseTimeZone: the length of a zone abbreviation at the start of
// [s], or 0.
size_t TimeZoneLength(std::string_view s) {
  if (s.size() < 3) return 0;
  if (s.size() >= 4 && (s.substr(0, 4) == "ChST" || s.substr(0, 4) == "MeST")) return 4;
  if (s.substr(0, 3) == "GMT") {
    // GMT, optionally followed by a signed hour offset.
    if (s.size() == 3 || (s[3] != '+' && s[3] != '-')) return 3;
    size_t i = 4;
    int hours = 0;
    size_t start = i;
    while (i < s.size() && IsDigit(s, i)) hours = hours * 10 + (s[i++] - '0');
    if (i == start || hours > 24) return 3;
    return i;
  }
  if (s[0] == '+' || s[0] == '-') {
    size_t i = 1;
    while (i < s.size() && IsDigit(s, i)) ++i;
    return (i == 3 || i == 5) ? i : 0;  // +hh or +hhmm
  }
  size_t n = 0;
  while (n < s.size() && n < 6 && s[n] >= 'A' && s[n] <= 'Z') ++n;
  switch (n) {
    case 3:
      return 3;
    case 4:
      if (s[3] == 'T' || s.substr(0, 4) == "WITA") return 4;
      return 0;
    case 5:
      if (s[4] == 'T') return 5;
      return 0;
    default:
      return 0;
  }
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

}  // namespace

std::string_view ResolveGoLayout(std::string_view name) {
  struct Named {
    std::string_view name, layout;
  };
  static constexpr Named kNamed[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", kRfc3339},
      {"RFC3339Nano", kRfc3339Nano},
  };
  for (const Named& n : kNamed) {
    if (n.name == name) return n.layout;
  }
  return name;
}

absl::StatusOr<absl::Time> ParseGoTime(std::string_view layout, std::string_view value) {
  const std::string_view alayout = layout, avalue = value;
  bool pm_set = false, am_set = false;
  int64_t year = 1;
  int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0;
  int64_t nsec = 0;
  std::optional<int64_t> zone_offset;  // seconds east of UTC
  bool utc = false;

  while (true) {
    Chunk ch = NextChunk(layout);
    std::string_view std_str = ch.text;
    std::string_view hold = value;
    if (!Skip(&value, ch.prefix)) return ParseError(alayout, avalue, ch.prefix, value);
    if (ch.std == Std::kNone) {
      if (!value.empty()) {
        return ParseError(alayout, avalue, "", "", absl::StrCat(": extra text: ", Quote(value)));
      }
      break;
    }
    layout = ch.suffix;
    hold = value;
    bool bad = false;
    std::string range_err;
    switch (ch.std) {
      case Std::kYear: {
        if (value.size() < 2 || !IsDigit(value, 0) || !IsDigit(value, 1)) {
          bad = true;
          break;
        }
        int y = (value[0] - '0') * 10 + (value[1] - '0');
        value.remove_prefix(2);
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std::kLongYear: {
        if (value.size() < 4 || !IsDigit(value, 0)) {
          bad = true;
          break;
        }
        int64_t y = 0;
        for (int k = 0; k < 4; ++k) {
          if (!IsDigit(value, static_cast<size_t>(k))) {
            bad = true;
            break;
          }
          y = y * 10 + (value[k] - '0');
        }
        if (bad) break;
        value.remove_prefix(4);
        year = y;
        break;
      }
      case Std::kMonth: {
        static constexpr std::string_view kShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        int m = Lookup(&value, kShort, 12, 0);
        if (m < 0) bad = true;
        month = m + 1;
        break;
      }
      case Std::kLongMonth: {
        int m = Lookup(&value, kLongMonths, 12, 0);
        if (m < 0) bad = true;
        month = m + 1;
        break;
      }
      case Std::kNumMonth:
      case Std::kZeroMonth:
        if (!GetNum(&value, ch.std == Std::kZeroMonth, &month)) {
          bad = true;
        } else if (month <= 0 || month > 12) {
          range_err = "month";
        }
        break;
      case Std::kWeekDay: {
        static constexpr std::string_view kShort[] = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
        if (Lookup(&value, kShort, 7, 0) < 0) bad = true;
        break;
      }
      case Std::kLongWeekDay:
        if (Lookup(&value, kLongDays, 7, 0) < 0) bad = true;
        break;
      case Std::kDay:
      case Std::kUnderDay:
      case Std::kZeroDay:
        if (ch.std == Std::kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        if (!GetNum(&value, ch.std == Std::kZeroDay, &day)) bad = true;
        // Day range is checked after the month and year are known.
        break;
      case Std::kUnderYearDay:
      case Std::kZeroYearDay:
        for (int k = 0; k < 2; ++k) {
          if (ch.std == Std::kUnderYearDay && !value.empty() && value[0] == ' ') {
            value.remove_prefix(1);
          }
        }
        if (!GetNum3(&value, ch.std == Std::kZeroYearDay, &yday)) {
          bad = true;
        } else if (yday < 1 || yday > 366) {
          range_err = "day-of-year";
        }
        break;
      case Std::kHour:
        if (!GetNum(&value, false, &hour)) {
          bad = true;
        } else if (hour < 0 || hour >= 24) {
          range_err = "hour";
        }
        break;
      case Std::kHour12:
      case Std::kZeroHour12:
        if (!GetNum(&value, ch.std == Std::kZeroHour12, &hour)) {
          bad = true;
        } else if (hour < 0 || hour > 12) {
          range_err = "hour";
        }
        break;
      case Std::kMinute:
      case Std::kZeroMinute:
        if (!GetNum(&value, ch.std == Std::kZeroMinute, &min)) {
          bad = true;
        } else if (min < 0 || min >= 60) {
          range_err = "minute";
        }
        break;
      case Std::kSecond:
      case Std::kZeroSecond: {
        if (!GetNum(&value, ch.std == Std::kZeroSecond, &sec)) {
          bad = true;
          break;
        }
        if (sec < 0 || sec >= 60) {
          range_err = "second";
          break;
        }
        // A fractional second after the seconds is accepted even when the
        // layout has none (unless the layout's next chunk is one).
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigit(value, 1)) {
          Chunk next = NextChunk(layout);
          if (next.std == Std::kFracSecond0 || next.std == Std::kFracSecond9) break;
          size_t n = 1;
          while (n < value.size() && IsDigit(value, n)) ++n;
          int64_t ns = 0;
          int digits = 0;
          for (size_t k = 1; k < n; ++k) {
            if (digits < 9) {
              ns = ns * 10 + (value[k] - '0');
              ++digits;
            }
          }
          while (digits < 9) {
            ns *= 10;
            ++digits;
          }
          nsec = ns;
          value.remove_prefix(n);
        }
        break;
      }
      case Std::kPM:
        if (value.size() < 2) {
          bad = true;
          break;
        }
        if (value.substr(0, 2) == "PM") {
          pm_set = true;
        } else if (value.substr(0, 2) == "AM") {
          am_set = true;
        } else {
          bad = true;
        }
        if (!bad) value.remove_prefix(2);
        break;
      case Std::kpm:
        if (value.size() < 2) {
          bad = true;
          break;
        }
        if (value.substr(0, 2) == "pm") {
          pm_set = true;
        } else if (value.substr(0, 2) == "am") {
          am_set = true;
        } else {
          bad = true;
        }
        if (!bad) value.remove_prefix(2);
        break;
      case Std::kISO8601TZ:
      case Std::kISO8601ShortTZ:
      case Std::kISO8601ColonTZ:
      case Std::kISO8601SecondsTZ:
      case Std::kISO8601ColonSecondsTZ:
      case Std::kNumTZ:
      case Std::kNumShortTZ:
      case Std::kNumColonTZ:
      case Std::kNumSecondsTz:
      case Std::kNumColonSecondsTZ: {
        bool iso = ch.std == Std::kISO8601TZ || ch.std == Std::kISO8601ShortTZ ||
                   ch.std == Std::kISO8601ColonTZ || ch.std == Std::kISO8601SecondsTZ ||
                   ch.std == Std::kISO8601ColonSecondsTZ;
        if (iso && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          utc = true;
          break;
        }
        // sign hh [[:]mm [[:]ss]] as the chunk dictates.
        bool colon = ch.std == Std::kISO8601ColonTZ || ch.std == Std::kNumColonTZ ||
                     ch.std == Std::kISO8601ColonSecondsTZ || ch.std == Std::kNumColonSecondsTZ;
        bool has_min = !(ch.std == Std::kISO8601ShortTZ || ch.std == Std::kNumShortTZ);
        bool has_sec = ch.std == Std::kISO8601SecondsTZ || ch.std == Std::kISO8601ColonSecondsTZ ||
                       ch.std == Std::kNumSecondsTz || ch.std == Std::kNumColonSecondsTZ;
        size_t need = 3 + (has_min ? (colon ? 3 : 2) : 0) + (has_sec ? (colon ? 3 : 2) : 0);
        if (value.size() < need || (value[0] != '+' && value[0] != '-')) {
          bad = true;
          break;
        }
        std::string_view v = value;
        char sign = v[0];
        v.remove_prefix(1);
        auto two = [&](int* out) {
          if (!IsDigit(v, 0) || !IsDigit(v, 1)) return false;
          *out = (v[0] - '0') * 10 + (v[1] - '0');
          v.remove_prefix(2);
          return true;
        };
        int hh = 0, mm = 0, ss = 0;
        if (!two(&hh)) {
          bad = true;
          break;
        }
        if (has_min) {
          if (colon) {
            if (v.empty() || v[0] != ':') {
              bad = true;
              break;
            }
            v.remove_prefix(1);
          }
          if (!two(&mm)) {
            bad = true;
            break;
          }
        }
        if (has_sec) {
          if (colon) {
            if (v.empty() || v[0] != ':') {
              bad = true;
              break;
            }
            v.remove_prefix(1);
          }
          if (!two(&ss)) {
            bad = true;
            break;
          }
        }
        if (hh > 24 || mm > 60 || ss > 60) {
          range_err = "time zone offset";
          break;
        }
        int64_t off = (hh * 60 + mm) * 60 + ss;
        zone_offset = sign == '-' ? -off : off;
        value = v;
        break;
      }
      case Std::kTZ: {
        if (value.size() >= 3 && value.substr(0, 3) == "UTC") {
          value.remove_prefix(3);
          utc = true;
          break;
        }
        size_t n = TimeZoneLength(value);
        if (n == 0) {
          bad = true;
          break;
        }
        // An unknown abbreviation: Go fabricates a zone with offset 0.
        value.remove_prefix(n);
        break;
      }
      case Std::kFracSecond0: {
        size_t n = 1 + static_cast<size_t>(ch.frac_digits);
        if (value.size() < n || value[0] != ch.frac_sep) {
          bad = true;
          break;
        }
        int64_t ns = 0;
        for (size_t k = 1; k < n; ++k) {
          if (!IsDigit(value, k)) {
            bad = true;
            break;
          }
          ns = ns * 10 + (value[k] - '0');
        }
        if (bad) break;
        for (int k = ch.frac_digits; k < 9; ++k) ns *= 10;
        if (ch.frac_digits > 9) bad = true;
        nsec = ns;
        value.remove_prefix(n);
        break;
      }
      case Std::kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigit(value, 1)) {
          break;  // fractional second omitted
        }
        size_t n = 1;
        while (n < 10 && IsDigit(value, n)) ++n;
        int64_t ns = 0;
        for (size_t k = 1; k < n; ++k) ns = ns * 10 + (value[k] - '0');
        for (size_t k = n - 1; k < 9; ++k) ns *= 10;
        nsec = ns;
        value.remove_prefix(n);
        break;
      }
      case Std::kNone:
        break;
    }
    if (!range_err.empty()) {
      return ParseError(alayout, avalue, "", "", absl::StrCat(": ", range_err, " out of range"));
    }
    if (bad) return ParseError(alayout, avalue, std_str, hold);
  }
  if (pm_set && hour < 12) {
    hour += 12;
  } else if (am_set && hour == 12) {
    hour = 0;
  }
  // Day of year to month and day.
  if (yday >= 0) {
    int m = 0, d = 0;
    if (IsLeap(year)) {
      if (yday == 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        --yday;
      }
    } else if (yday == 366) {
      return ParseError(alayout, avalue, "", "", ": day-of-year out of range");
    }
    if (m == 0) {
      m = 1;
      int y = yday;
      while (y > DaysIn(m, 2001)) {
        y -= DaysIn(m, 2001);
        ++m;
      }
      d = y;
    }
    if (month >= 0 && month != m) {
      return ParseError(alayout, avalue, "", "", ": day-of-year does not match month");
    }
    month = m;
    if (day >= 0 && day != d) {
      return ParseError(alayout, avalue, "", "", ": day-of-year does not match day");
    }
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > DaysIn(month, year)) {
    return ParseError(alayout, avalue, "", "", ": day out of range");
  }
  absl::Time t = absl::FromCivil(absl::CivilSecond(year, month, day, hour, min, sec),
                                 absl::UTCTimeZone()) +
                 absl::Nanoseconds(nsec);
  if (zone_offset && !utc) t -= absl::Seconds(*zone_offset);
  return t;
}

std::string FormatGoTime(std::string_view layout, absl::Time t, absl::TimeZone tz) {
  absl::TimeZone::CivilInfo info = tz.At(t);
  const absl::CivilSecond cs = info.cs;
  const int64_t ns = absl::ToInt64Nanoseconds(info.subsecond);
  const int offset = info.offset;  // seconds east of UTC
  std::string out;
  auto pad = [&](int64_t v, int width, char fill = '0') {
    std::string s = std::to_string(v < 0 ? -v : v);
    if (v < 0) out.push_back('-');
    if (static_cast<int>(s.size()) < width) out.append(width - s.size(), fill);
    out += s;
  };
  while (!layout.empty()) {
    Chunk ch = NextChunk(layout);
    out.append(ch.prefix);
    if (ch.std == Std::kNone) break;
    layout = ch.suffix;
    switch (ch.std) {
      case Std::kYear:
        pad(((cs.year() % 100) + 100) % 100, 2);
        break;
      case Std::kLongYear:
        pad(cs.year(), 4);
        break;
      case Std::kMonth:
        out.append(kLongMonths[cs.month() - 1].substr(0, 3));
        break;
      case Std::kLongMonth:
        out.append(kLongMonths[cs.month() - 1]);
        break;
      case Std::kNumMonth:
        pad(cs.month(), 1);
        break;
      case Std::kZeroMonth:
        pad(cs.month(), 2);
        break;
      case Std::kWeekDay:
      case Std::kLongWeekDay: {
        int wd = static_cast<int>(absl::GetWeekday(absl::CivilDay(cs)));  // Monday == 0
        std::string_view name = kLongDays[(wd + 1) % 7];
        out.append(ch.std == Std::kWeekDay ? name.substr(0, 3) : name);
        break;
      }
      case Std::kDay:
        pad(cs.day(), 1);
        break;
      case Std::kUnderDay:
        pad(cs.day(), 2, ' ');
        break;
      case Std::kZeroDay:
        pad(cs.day(), 2);
        break;
      case Std::kUnderYearDay:
        pad(absl::GetYearDay(absl::CivilDay(cs)), 3, ' ');
        break;
      case Std::kZeroYearDay:
        pad(absl::GetYearDay(absl::CivilDay(cs)), 3);
        break;
      case Std::kHour:
        pad(cs.hour(), 2);
        break;
      case Std::kHour12:
      case Std::kZeroHour12: {
        int h = cs.hour() % 12;
        if (h == 0) h = 12;
        pad(h, ch.std == Std::kZeroHour12 ? 2 : 1);
        break;
      }
      case Std::kMinute:
        pad(cs.minute(), 1);
        break;
      case Std::kZeroMinute:
        pad(cs.minute(), 2);
        break;
      case Std::kSecond:
        pad(cs.second(), 1);
        break;
      case Std::kZeroSecond:
        pad(cs.second(), 2);
        break;
      case Std::kPM:
        out.append(cs.hour() >= 12 ? "PM" : "AM");
        break;
      case Std::kpm:
        out.append(cs.hour() >= 12 ? "pm" : "am");
        break;
      case Std::kISO8601TZ:
      case Std::kISO8601ShortTZ:
      case Std::kISO8601ColonTZ:
      case Std::kISO8601SecondsTZ:
      case Std::kISO8601ColonSecondsTZ:
      case Std::kNumTZ:
      case Std::kNumShortTZ:
      case Std::kNumColonTZ:
      case Std::kNumSecondsTz:
      case Std::kNumColonSecondsTZ: {
        bool iso = ch.std == Std::kISO8601TZ || ch.std == Std::kISO8601ShortTZ ||
                   ch.std == Std::kISO8601ColonTZ || ch.std == Std::kISO8601SecondsTZ ||
                   ch.std == Std::kISO8601ColonSecondsTZ;
        if (iso && offset == 0) {
          out.push_back('Z');
          break;
        }
        int zone = offset / 60;
        int abs_offset = offset;
        if (zone < 0) {
          out.push_back('-');
          zone = -zone;
          abs_offset = -abs_offset;
        } else {
          out.push_back('+');
        }
        pad(zone / 60, 2);
        bool colon = ch.std == Std::kISO8601ColonTZ || ch.std == Std::kNumColonTZ ||
                     ch.std == Std::kISO8601ColonSecondsTZ || ch.std == Std::kNumColonSecondsTZ;
        if (colon) out.push_back(':');
        if (ch.std != Std::kNumShortTZ && ch.std != Std::kISO8601ShortTZ) pad(zone % 60, 2);
        bool secs = ch.std == Std::kISO8601SecondsTZ || ch.std == Std::kISO8601ColonSecondsTZ ||
                    ch.std == Std::kNumSecondsTz || ch.std == Std::kNumColonSecondsTZ;
        if (secs) {
          if (colon) out.push_back(':');
          pad(abs_offset % 60, 2);
        }
        break;
      }
      case Std::kTZ: {
        std::string abbr = info.zone_abbr ? info.zone_abbr : "";
        if (!abbr.empty() && abbr[0] != '+' && abbr[0] != '-') {
          out += abbr;
          break;
        }
        // No abbreviation: -0700 form, as Go does.
        int zone = offset / 60;
        if (zone < 0) {
          out.push_back('-');
          zone = -zone;
        } else {
          out.push_back('+');
        }
        pad(zone / 60, 2);
        pad(zone % 60, 2);
        break;
      }
      case Std::kFracSecond0:
      case Std::kFracSecond9: {
        std::string digits = std::to_string(ns);
        digits.insert(0, 9 - digits.size(), '0');
        int n = std::min(ch.frac_digits, 9);
        std::string frac = digits.substr(0, static_cast<size_t>(n));
        if (ch.std == Std::kFracSecond9) {
          while (!frac.empty() && frac.back() == '0') frac.pop_back();
          if (frac.empty()) break;
        }
        out.push_back(ch.frac_sep);
        out += frac;
        break;
      }
      case Std::kNone:
        break;
    }
  }
  return out;
}

absl::StatusOr<int64_t> ParseGoDuration(std::string_view s) {
  const std::string_view orig = s;
  auto invalid = [&]() {
    return MakeError(ErrorCode::kEvalBuiltinError,
                     absl::StrCat("time: invalid duration ", Quote(orig)));
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid();
  constexpr uint64_t kMax = uint64_t{1} << 63;
  uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s, 0))) return invalid();
    // Integer part.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s, i); ++i) {
      if (v > kMax / 10) return invalid();
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kMax) return invalid();
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t k = 0;
      bool overflow = false;
      for (; k < s.size() && IsDigit(s, k); ++k) {
        if (overflow) continue;
        if (f > (kMax - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[k] - '0');
        if (y > kMax) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = k > 0;
      s.remove_prefix(k);
    }
    if (!pre && !post) return invalid();
    // Unit.
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !IsDigit(s, u)) ++u;
    if (u == 0) {
      return MakeError(ErrorCode::kEvalBuiltinError,
                       absl::StrCat("time: missing unit in duration ", Quote(orig)));
    }
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xC2\xB5s" || unit_name == "\xCE\xBCs") {
      unit = 1000;
    } else if (unit_name == "ms") {
      unit = 1000000;
    } else if (unit_name == "s") {
      unit = 1000000000;
    } else if (unit_name == "m") {
      unit = 60ull * 1000000000;
    } else if (unit_name == "h") {
      unit = 3600ull * 1000000000;
    } else {
      return MakeError(ErrorCode::kEvalBuiltinError,
                       absl::StrCat("time: unknown unit ", Quote(unit_name), " in duration ",
                                    Quote(orig)));
    }
    if (v > kMax / unit) return invalid();
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMax) return invalid();
    }
    d += v;
    if (d > kMax) return invalid();
  }
  if (neg) return static_cast<int64_t>(0 - d);
  if (d > kMax - 1) return invalid();
  return static_cast<int64_t>(d);
}

}  // namespace verdict::builtins
