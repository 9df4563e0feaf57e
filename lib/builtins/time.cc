// File: lib/builtins/time.cc
//
// time.* builtins. Timestamps are int64 nanoseconds since the Unix epoch,
// as in OPA; operands of time.date/clock/weekday/format/add_date/diff are
// either a number or [ns, tz] ([ns, tz, layout] for time.format) where tz
// is "" / "UTC", "Local" or an IANA name loaded from the system tzdata by
// absl::LoadTimeZone. Layout parsing and formatting follow Go (go_time.h).
//
// time.now_ns reads the context's clock once per evaluation, so every call
// in one evaluation sees the same instant (OPA's semantics, and what a
// decision log records for replay).
//
// Tested by tests/builtins/time_test.cc.
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/go_time.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

// Go's time.Unix(0, math.MinInt64) .. time.Unix(0, math.MaxInt64).
absl::StatusOr<Value> SafeUnixNanos(std::string_view name, absl::Time t) {
  static const absl::Time kMin = absl::FromUnixNanos(std::numeric_limits<int64_t>::min());
  static const absl::Time kMax = absl::FromUnixNanos(std::numeric_limits<int64_t>::max());
  if (t < kMin || t > kMax) return BuiltinError(name, "time outside of valid range");
  return Value::Int(absl::ToUnixNanos(t));
}

struct TzTime {
  absl::Time time;
  absl::TimeZone zone;
  std::string_view layout;
  bool utc = true;       // zone is UTC (CivilOf computes it directly)
  int64_t unix_ns = 0;   // time as given (absl::ToUnixNanos would cost CivilOf a third)
};

// OPA's tzTime(): a number of ns, or [ns, tz] / [ns, tz, layout].
absl::StatusOr<TzTime> ToTzTime(std::string_view name, const Value& v, int pos) {
  TzTime out{absl::UnixEpoch(), absl::UTCTimeZone(), {}};
  const Value* ns = &v;
  if (v.is_array()) {
    if (v.empty()) {
      return OperandTypeError(name, pos, v, {"either number (ns) or [number (ns), string (tz)]"});
    }
    ns = &v[0];
    if (!ns->is_number()) return OperandTypeError(name, 0, *ns, {"number"});
    if (v.size() > 1) {
      const Value& tz = v[1];
      if (!tz.is_string()) return OperandTypeError(name, 0, tz, {"string"});
      std::string_view tz_name = tz.as_string();
      if (tz_name == "Local") {
        out.zone = absl::LocalTimeZone();
        out.utc = false;
      } else if (!tz_name.empty() && tz_name != "UTC") {
        if (!absl::LoadTimeZone(Absl(tz_name), &out.zone)) {
          return BuiltinError(name, absl::StrCat("unknown time zone ", Absl(tz_name)));
        }
        out.utc = false;
      }
    }
    if (v.size() > 2) {
      if (!v[2].is_string()) return OperandTypeError(name, 0, v[2], {"string"});
      out.layout = v[2].as_string();
    }
  } else if (!v.is_number()) {
    return OperandTypeError(name, pos, v, {"either number (ns) or [number (ns), string (tz)]"});
  }
  std::optional<int64_t> i = ns->ToInt64();
  if (!i) return BuiltinError(name, "timestamp too big");
  out.time = absl::FromUnixNanos(*i);
  out.unix_ns = *i;
  return out;
}

// Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian;
// H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The civil date of [days] since 1970-01-01: DaysFromCivil's inverse.
void CivilFromDays(int64_t days, int64_t* y, int64_t* m, int64_t* d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

// The wall clock of [t] in its zone. UTC, the zone of nearly every call,
// is arithmetic on the Unix time (cctz's lookup costs ten times as much).
absl::CivilSecond CivilOf(const TzTime& t) {
  if (!t.utc) return t.zone.At(t.time).cs;
  constexpr int64_t kNanosPerDay = int64_t{86400} * 1000000000;
  int64_t days = t.unix_ns / kNanosPerDay;
  int64_t in_day = t.unix_ns % kNanosPerDay;
  if (in_day < 0) {
    in_day += kNanosPerDay;
    --days;
  }
  const int64_t secs = in_day / 1000000000;
  int64_t y, m, d;
  CivilFromDays(days, &y, &m, &d);
  return absl::CivilSecond(y, static_cast<int>(m), static_cast<int>(d),
                           static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                           static_cast<int>(secs % 60));
}

constexpr std::string_view kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};

}  // namespace

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)" with every field in range
// and a year whose nanoseconds fit int64: the shape nearly every timestamp
// has, parsed without the general layout machinery. Anything else returns
// false and goes to ParseGoTime, which also words the errors.
bool FastRfc3339Nanos(std::string_view s, int64_t* ns) {
  // Rejections are marked unlikely: GCC otherwise predicts each one taken,
  // judges the accepting path cold and compiles its divisions as div.
  if (__builtin_expect(s.size() < 20, 0)) return false;
  // "YYYY-MM-DDTHH:MM:SS" as three little-endian words (byte i of a word is
  // character i), eight bytes checked at once: the separators must match,
  // and with them replaced by '0' every byte must be a digit.
  uint64_t w0, w1;
  uint32_t w2;
  std::memcpy(&w0, s.data(), 8);       // YYYY-MM-
  std::memcpy(&w1, s.data() + 8, 8);   // DDTHH:MM
  std::memcpy(&w2, s.data() + 16, 4);  // :SS and the next byte
  constexpr uint64_t kSep0 = 0xff0000ff00000000ull, kSepValues0 = 0x2d00002d00000000ull;
  constexpr uint64_t kSep1 = 0x0000ff0000ff0000ull, kSepValues1 = 0x00003a0000540000ull;
  constexpr uint64_t kZeros = 0x3030303030303030ull, kHigh = 0xf0f0f0f0f0f0f0f0ull;
  const uint64_t d0 = (w0 & ~kSep0) | (kZeros & kSep0);
  const uint64_t d1 = (w1 & ~kSep1) | (kZeros & kSep1);
  constexpr uint64_t kSeconds = 0x00ffff00u;  // bytes 17 and 18 of the text
  const uint64_t d2 = (uint64_t{w2} & kSeconds) | (kZeros & ~kSeconds);
  // A byte is a digit when its high nibble is 3 and adding 6 keeps it so
  // (no carry crosses bytes once the first test holds).
  auto all_digits = [&](uint64_t d) {
    return (d & kHigh) == kZeros && ((d + 0x0606060606060606ull) & kHigh) == kZeros;
  };
  if (__builtin_expect((w0 & kSep0) != kSepValues0 || (w1 & kSep1) != kSepValues1 ||
                           (w2 & 0xffu) != ':' || !all_digits(d0) || !all_digits(d1) ||
                           !all_digits(d2),
                       0)) {
    return false;
  }
  // Digit pairs: byte i of v * 10 + (v >> 8) is 10 * digit i + digit i+1.
  auto pairs = [](uint64_t d) {
    const uint64_t v = d - kZeros;
    return v * 10 + (v >> 8);
  };
  auto byte = [](uint64_t w, int i) { return static_cast<int64_t>((w >> (8 * i)) & 0xff); };
  const uint64_t p0 = pairs(d0), p1 = pairs(d1), p2 = pairs(d2);
  const int64_t year = byte(p0, 0) * 100 + byte(p0, 2);
  const int64_t month = byte(p0, 5), day = byte(p1, 0);
  const int64_t hour = byte(p1, 3), minute = byte(p1, 6), second = byte(p2, 1);
  auto digits = [&](size_t at, size_t n, int64_t* out) {
    if (at + n > s.size()) return false;
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (__builtin_expect(year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 ||
                           day > kDaysIn[month - 1] + (month == 2 && leap) || hour > 23 ||
                           minute > 59 || second > 59,
                       0)) {
    return false;
  }
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    static constexpr int64_t kScale[] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                         10000,      1000,      100,      10,      1};
    size_t n = 0;
    while (i + 1 + n < s.size() && n <= 9 && s[i + 1 + n] >= '0' && s[i + 1 + n] <= '9') {
      frac = frac * 10 + (s[i + 1 + n] - '0');
      ++n;
    }
    if (n == 0 || n > 9) return false;
    frac *= kScale[n];
    i += 1 + n;
  }
  int64_t offset = 0;
  if (i + 1 == s.size() && s[i] == 'Z') {
    // UTC
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int64_t oh, om;
    if (!digits(i + 1, 2, &oh) || !digits(i + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
  } else {
    return false;
  }
  const int64_t secs =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  *ns = secs * 1000000000 + frac;
  return true;
}

absl::StatusOr<Value> TimeNowNs(BuiltinContext& ctx, std::span<const Value> args) {
  if (!ctx.now_ns_set) {
    ctx.now_ns = ctx.clock ? ctx.clock() : absl::ToUnixNanos(absl::Now());
    ctx.now_ns_set = true;
  }
  return Value::Int(ctx.now_ns);
}

absl::StatusOr<Value> TimeParseNs(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view layout, StringArg("time.parse_ns", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view value, StringArg("time.parse_ns", args, 1));
  absl::StatusOr<absl::Time> t = ParseGoTime(ResolveGoLayout(layout), value);
  if (!t.ok()) return BuiltinError("time.parse_ns", Std(t.status().message()));
  return SafeUnixNanos("time.parse_ns", *t);
}

absl::StatusOr<Value> TimeParseRfc3339Ns(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "time.parse_rfc3339_ns";
  VERDICT_ASSIGN_OR_RETURN(std::string_view value, StringArg(kName, args, 0));
  if (int64_t ns; FastRfc3339Nanos(value, &ns)) return Value::Int(ns);
  absl::StatusOr<absl::Time> t = ParseGoTime(kRfc3339, value);
  if (!t.ok()) return BuiltinError(kName, Std(t.status().message()));
  return SafeUnixNanos(kName, *t);
}

absl::StatusOr<Value> TimeParseDurationNs(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "time.parse_duration_ns";
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(kName, args, 0));
  absl::StatusOr<int64_t> d = ParseGoDuration(s);
  if (!d.ok()) return BuiltinError(kName, Std(d.status().message()));
  return Value::Int(*d);
}

absl::StatusOr<Value> TimeDate(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(TzTime t, ToTzTime("time.date", args[0], 0));
  absl::CivilSecond cs = CivilOf(t);
  ArrayBuilder out(ctx.arena);
  out.Add(Value::Int(cs.year()));
  out.Add(Value::Int(cs.month()));
  out.Add(Value::Int(cs.day()));
  return out.Build();
}

absl::StatusOr<Value> TimeClock(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(TzTime t, ToTzTime("time.clock", args[0], 0));
  absl::CivilSecond cs = CivilOf(t);
  ArrayBuilder out(ctx.arena);
  out.Add(Value::Int(cs.hour()));
  out.Add(Value::Int(cs.minute()));
  out.Add(Value::Int(cs.second()));
  return out.Build();
}

absl::StatusOr<Value> TimeWeekday(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(TzTime t, ToTzTime("time.weekday", args[0], 0));
  absl::CivilSecond cs = CivilOf(t);
  absl::Weekday wd = absl::GetWeekday(absl::CivilDay(cs));
  return Value::String(kWeekdays[static_cast<int>(wd)], ctx.arena);
}

// Go's AddDate: add to the civil fields, then normalize (Jan 31 + 1 month
// is Mar 3 or 2), in the operand's zone.
absl::StatusOr<Value> TimeAddDate(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "time.add_date";
  VERDICT_ASSIGN_OR_RETURN(TzTime t, ToTzTime(kName, args[0], 0));
  VERDICT_ASSIGN_OR_RETURN(int64_t years, IntArg(kName, args, 1));
  VERDICT_ASSIGN_OR_RETURN(int64_t months, IntArg(kName, args, 2));
  VERDICT_ASSIGN_OR_RETURN(int64_t days, IntArg(kName, args, 3));
  constexpr int64_t kLimit = int64_t{1} << 40;  // keeps civil arithmetic exact
  if (years > kLimit || years < -kLimit || months > kLimit || months < -kLimit ||
      days > kLimit || days < -kLimit) {
    return BuiltinError(kName, "time outside of valid range");
  }
  absl::TimeZone::CivilInfo info = t.zone.At(t.time);
  const absl::CivilSecond& cs = info.cs;
  absl::CivilSecond moved(cs.year() + years, cs.month() + months, cs.day() + days, cs.hour(),
                          cs.minute(), cs.second());
  absl::Time result = t.zone.At(moved).pre + info.subsecond;
  return SafeUnixNanos(kName, result);
}

absl::StatusOr<Value> TimeDiff(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(TzTime t1, ToTzTime("time.diff", args[0], 0));
  VERDICT_ASSIGN_OR_RETURN(TzTime t2, ToTzTime("time.diff", args[1], 1));
  // Both in the first operand's zone, earlier first.
  absl::TimeZone zone = t1.zone;
  absl::Time a = t1.time, b = t2.time;
  if (a > b) std::swap(a, b);
  absl::CivilSecond c1 = zone.At(a).cs, c2 = zone.At(b).cs;
  int64_t year = c2.year() - c1.year();
  int64_t month = c2.month() - c1.month();
  int64_t day = c2.day() - c1.day();
  int64_t hour = c2.hour() - c1.hour();
  int64_t min = c2.minute() - c1.minute();
  int64_t sec = c2.second() - c1.second();
  if (sec < 0) {
    sec += 60;
    --min;
  }
  if (min < 0) {
    min += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    // Days in c1's month: day 32 normalizes into the next month.
    absl::CivilDay d32(c1.year(), c1.month(), 32);
    day += 32 - d32.day();
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  ArrayBuilder out(ctx.arena);
  for (int64_t v : {year, month, day, hour, min, sec}) out.Add(Value::Int(v));
  return out.Build();
}

absl::StatusOr<Value> TimeFormat(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(TzTime t, ToTzTime("time.format", args[0], 0));
  std::string_view layout = t.layout.empty() ? kRfc3339Nano : ResolveGoLayout(t.layout);
  return Value::String(FormatGoTime(layout, t.time, t.zone), ctx.arena);
}

}  // namespace verdict::builtins
