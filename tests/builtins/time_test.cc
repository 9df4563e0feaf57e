// Tests for lib/builtins/time.cc and go_time.cc.
#include "builtin_testing.h"
#include "builtins/go_time.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;

TEST(TimeParseTest, Rfc3339) {
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2017-06-02T19:00:00-07:00")"}),
            "1496455200000000000");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("1970-01-01T00:00:00-00:00")"}), "0");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("1677-09-21T00:12:43.145224192-00:00")"}),
            "-9223372036854775808");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2262-04-11T23:47:16.854775807-00:00")"}),
            "9223372036854775807");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2024-03-01T10:00:00.5Z")"}), "1709287200500000000");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2262-04-11T23:47:16.854775808-00:00")"}),
            "error: time.parse_rfc3339_ns: time outside of valid range");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("1677-09-21T00:12:43.145224191-00:00")"}),
            "error: time.parse_rfc3339_ns: time outside of valid range");
}

TEST(TimeParseTest, Rfc3339Errors) {
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2024-13-01T00:00:00Z")"}),
            R"(error: time.parse_rfc3339_ns: parsing time "2024-13-01T00:00:00Z": month out of range)");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2023-02-29T00:00:00Z")"}),
            R"(error: time.parse_rfc3339_ns: parsing time "2023-02-29T00:00:00Z": day out of range)");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("yesterday")"}),
            R"(error: time.parse_rfc3339_ns: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006")");
  EXPECT_EQ(Eval("time.parse_rfc3339_ns", {R"("2024-01-01T00:00:00")"}),
            R"(error: time.parse_rfc3339_ns: parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00")");
  EXPECT_EQ(CodeOf("time.parse_rfc3339_ns", {R"("x")"}), ErrorCode::kEvalBuiltinError);
}

TEST(TimeParseTest, GoLayouts) {
  EXPECT_EQ(Eval("time.parse_ns", {R"("01/02 03:04:05PM '06 -0700")",
                                    R"("06/02 07:00:00PM '17 -0700")"}),
            "1496455200000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("02 Jan 06 15:04 -0700")", R"("02 Jun 17 19:00 -0700")"}),
            "1496455200000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("RFC822Z")", R"("02 Jun 17 19:00 -0700")"}),
            "1496455200000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("2006-01-02")", R"("2020-02-02")"}), "1580601600000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("Mon Jan _2 15:04:05 2006")",
                                    R"("Tue Mar  5 08:00:00 2024")"}),
            "1709625600000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("2006-01-02 15:04:05.000")", R"("2024-03-05 08:00:00.123")"}),
            "1709625600123000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("January 2, 2006")", R"("march 5, 2024")"}),
            "1709596800000000000");
  EXPECT_EQ(Eval("time.parse_ns", {R"("2006-01-02")", R"("2024-03-05 extra")"}),
            R"(error: time.parse_ns: parsing time "2024-03-05 extra": extra text: " extra")");
}

TEST(TimeDurationTest, GoSyntax) {
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("100ms")"}), "100000000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("1h30m")"}), "5400000000000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("1.5h")"}), "5400000000000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("-2us")"}), "-2000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("3µs")"}), "3000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("0")"}), "0");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"(".5s")"}), "500000000");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("1d")"}),
            R"(error: time.parse_duration_ns: time: unknown unit "d" in duration "1d")");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("10")"}),
            R"(error: time.parse_duration_ns: time: missing unit in duration "10")");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("")"}),
            R"(error: time.parse_duration_ns: time: invalid duration "")");
  EXPECT_EQ(Eval("time.parse_duration_ns", {R"("9999999999h")"}),
            R"(error: time.parse_duration_ns: time: invalid duration "9999999999h")");
}

TEST(TimeFieldsTest, DateClockWeekdayWithZones) {
  // 2018-02-05T12:00:00Z, a Monday.
  EXPECT_EQ(Eval("time.date", {"1517832000000000000"}), "[2018,2,5]");
  EXPECT_EQ(Eval("time.date", {R"([1517832000000000000, "America/Los_Angeles"])"}), "[2018,2,5]");
  EXPECT_EQ(Eval("time.date", {R"([1517800000000000000, "America/Los_Angeles"])"}), "[2018,2,4]");
  EXPECT_EQ(Eval("time.date", {R"([1517832000000000000, ""])"}), "[2018,2,5]");
  EXPECT_EQ(Eval("time.clock", {"1517832000000000000"}), "[12,0,0]");
  EXPECT_EQ(Eval("time.clock", {R"([1517832000000000000, "America/New_York"])"}), "[7,0,0]");
  EXPECT_EQ(Eval("time.clock", {R"([1517832000000000000, "Asia/Kolkata"])"}), "[17,30,0]");
  EXPECT_EQ(Eval("time.weekday", {"1517832000000000000"}), R"("Monday")");
  EXPECT_EQ(Eval("time.weekday", {"1518350400000000000"}), R"("Sunday")");
  EXPECT_EQ(Eval("time.weekday", {R"([1518350400000000000, "Pacific/Kiritimati"])"}),
            R"("Monday")");
  EXPECT_EQ(Eval("time.date", {"1582977600000000000"}), "[2020,2,29]");
}

// UTC fields are computed without cctz; a zone loaded by name goes
// through it, so the two must agree everywhere, before 1970 and at the
// ends of the int64 range included.
TEST(TimeFieldsTest, UtcArithmeticAgreesWithZoneLookup) {
  std::vector<int64_t> instants = {0, -1, 1, 86399999999999, -86400000000000,
                                   951782400000000000,  // 2000-02-29
                                   std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::max()};
  for (uint64_t i = 0; i < 300; ++i) {  // -9e18 .. 9e18, unsigned: no overflow
    instants.push_back(static_cast<int64_t>(uint64_t{0x831993af1d7c0000} + i * 60100000000000003));
  }
  for (int64_t ns : instants) {
    const std::string plain = absl::StrCat(ns);
    const std::string zoned = absl::StrCat("[", ns, R"(, "Etc/UTC"])");
    for (const char* fn : {"time.date", "time.clock", "time.weekday"}) {
      EXPECT_EQ(Eval(fn, {plain}), Eval(fn, {zoned})) << fn << " " << ns;
    }
  }
}

TEST(TimeFieldsTest, Errors) {
  EXPECT_EQ(Eval("time.date", {"15829776000000000000000000"}), "error: time.date: timestamp too big");
  EXPECT_EQ(Eval("time.clock", {R"([0, "Mars/Olympus"])"}),
            "error: time.clock: unknown time zone Mars/Olympus");
  EXPECT_EQ(Eval("time.weekday", {R"("x")"}),
            "error: time.weekday: operand 1 must be either number (ns) or [number (ns), string "
            "(tz)] but got string");
  EXPECT_EQ(CodeOf("time.weekday", {"[]"}), ErrorCode::kEvalTypeError);
}

TEST(TimeAddDateTest, NormalizesLikeGo) {
  EXPECT_EQ(Eval("time.add_date", {"1585852421593912000", "3", "9", "12"}), "1705257221593912000");
  EXPECT_EQ(Eval("time.add_date", {"1585852421593912000", "-1", "-1", "-1"}), "1551465221593912000");
  // 2021-01-31 + 1 month = 2021-03-03.
  EXPECT_EQ(Eval("time.date", {Eval("time.add_date", {"1612051200000000000", "0", "1", "0"})}),
            "[2021,3,3]");
  EXPECT_EQ(Eval("time.add_date", {"0", "2262", "1", "1"}),
            "error: time.add_date: time outside of valid range");
  EXPECT_EQ(Eval("time.add_date", {"-9223372036854775808", "0", "0", "-1"}),
            "error: time.add_date: time outside of valid range");
}

TEST(TimeDiffTest, CalendarDifference) {
  std::string feb2 = Eval("time.parse_ns", {R"("2006-01-02")", R"("2020-02-02")"});
  std::string mar1 = Eval("time.parse_ns", {R"("2006-01-02")", R"("2020-03-01")"});
  EXPECT_EQ(Eval("time.diff", {feb2, mar1}), "[0,0,28,0,0,0]");
  std::string feb2_21 = Eval("time.parse_ns", {R"("2006-01-02")", R"("2021-02-02")"});
  std::string mar1_21 = Eval("time.parse_ns", {R"("2006-01-02")", R"("2021-03-01")"});
  EXPECT_EQ(Eval("time.diff", {mar1_21, feb2_21}), "[0,0,27,0,0,0]");
  EXPECT_EQ(Eval("time.diff", {"61000000000", "0"}), "[0,0,0,0,1,1]");
  EXPECT_EQ(Eval("time.diff", {R"([60000000000, "UTC"])", R"([0, "Asia/Shanghai"])"}),
            "[0,0,0,0,1,0]");
}

TEST(TimeFormatTest, LayoutsAndZones) {
  std::string_view t = "1670006453141828752";
  EXPECT_EQ(Eval("time.format", {t}), R"("2022-12-02T18:40:53.141828752Z")");
  EXPECT_EQ(Eval("time.format", {R"([1670006453141828752, "Asia/Kolkata"])"}),
            R"("2022-12-03T00:10:53.141828752+05:30")");
  EXPECT_EQ(Eval("time.format",
                 {R"([1670006453141828752, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"])"}),
            R"("Sat Dec 03 00:10:53 +0530 2022")");
  EXPECT_EQ(Eval("time.format", {R"([1670006453141828752, "Asia/Kolkata", "RFC1123Z"])"}),
            R"("Sat, 03 Dec 2022 00:10:53 +0530")");
  EXPECT_EQ(Eval("time.format", {R"([1670006453141828752, "America/New_York", "RFC1123"])"}),
            R"("Fri, 02 Dec 2022 13:40:53 EST")");
  EXPECT_EQ(Eval("time.format", {R"([1670006453000000000, "UTC", "3:04PM .000 Z07:00"])"}),
            R"("6:40PM .000 Z")");
  EXPECT_EQ(Eval("time.format", {"15829776000000000000000000"}),
            "error: time.format: timestamp too big");
}

TEST(TimeNowTest, ReadOncePerEvaluation) {
  BuiltinContext ctx;
  int calls = 0;
  ctx.clock = [&calls] {
    ++calls;
    return int64_t{1700000000000000000} + calls;
  };
  absl::StatusOr<Value> a = testing::Call("time.now_ns", {}, &ctx);
  absl::StatusOr<Value> b = testing::Call("time.now_ns", {}, &ctx);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(a->as_int(), 1700000000000000001);
}

TEST(GoTimeTest, FormatRoundTripsThroughParse) {
  absl::Time t = absl::FromUnixNanos(1709625600123456789);
  for (std::string_view layout : {kRfc3339Nano, std::string_view("2006-01-02 15:04:05.000000000 -0700"),
                                  std::string_view("Jan _2 2006 03:04:05.999999999 PM MST")}) {
    std::string s = FormatGoTime(layout, t, absl::UTCTimeZone());
    absl::StatusOr<absl::Time> back = ParseGoTime(layout, s);
    ASSERT_TRUE(back.ok()) << s << " " << back.status();
    EXPECT_EQ(*back, t) << s;
  }
}

// time.parse_rfc3339_ns has a fast path for the common shape; it must give
// exactly what Go's general layout parser gives, on valid timestamps of
// every kind and on near misses (which fall back and report Go's error).
TEST(TimeParseTest, Rfc3339FastPathAgreesWithGoLayoutParser) {
  std::vector<std::string> inputs = {
      "2024-02-29T23:59:59Z",        "2023-02-29T00:00:00Z",  // leap, not leap
      "1970-01-01T00:00:00Z",        "1969-12-31T23:59:59.999999999Z",
      "2025-03-10T03:49:00+05:30",   "2025-03-10T03:49:00-08:00",
      "2025-03-10T03:49:00.1Z",      "2025-03-10T03:49:00.123456789+01:00",
      "1678-01-01T00:00:00Z",        "2261-12-31T23:59:59Z",
      "2025-13-01T00:00:00Z",        "2025-04-31T00:00:00Z",
      "2025-03-10T24:00:00Z",        "2025-03-10T03:60:00Z",
      "2025-03-10T03:49:60Z",        "2025-03-10t03:49:00Z",
      "2025-03-10T03:49:00z",        "2025-03-10T03:49:00",
      "2025-03-10T03:49:00.Z",       "2025-03-10T03:49:00.1234567891Z",
      "2025-03-10T03:49:00+5:30",    "2025-03-10T03:49:00+24:00",
      "2025-3-10T03:49:00Z",         "0001-01-01T00:00:00Z",
  };
  // Every fixed position replaced by bytes around the digits and separators
  // (the fast path checks eight bytes at a time).
  const std::string valid = "2024-02-29T23:59:59Z";
  for (size_t i = 0; i < valid.size(); ++i) {
    for (char c : std::string("\0/:-TZ09\x7f\xb0\xf9", 11)) {
      std::string s = valid;
      s[i] = c;
      inputs.push_back(s);
    }
  }
  // A spread of instants and offsets, formatted by Go's layout code.
  for (int64_t i = 0; i < 200; ++i) {
    absl::Time t = absl::FromUnixNanos(-1000000000000000000 + i * 13370000000000001);
    inputs.push_back(FormatGoTime(kRfc3339Nano, t, absl::FixedTimeZone((i % 29 - 14) * 1800)));
  }
  // What the fast path takes: up to 9 fraction digits, offsets below 24h.
  const std::regex kCommonShape(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))");
  int fast_path = 0;
  for (const std::string& s : inputs) {
    // Every valid timestamp of the common shape must take the fast path
    // (a fallback gives the same answer, only slower, so check it here).
    absl::StatusOr<absl::Time> t = ParseGoTime(kRfc3339, s);
    int64_t ns = 0;
    if (FastRfc3339Nanos(s, &ns)) {
      ++fast_path;
      ASSERT_TRUE(t.ok()) << s;
      EXPECT_EQ(ns, absl::ToUnixNanos(*t)) << s;
    } else if (t.ok() && std::regex_match(s, kCommonShape) && s.substr(0, 4) >= "1678" &&
               s.substr(0, 4) <= "2261") {
      ADD_FAILURE() << "valid timestamp left the fast path: " << s;
    }
    // Bytes that are not printable ASCII cannot be written as the JSON
    // string argument below; the direct check above covers them.
    if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) continue;
    std::string arg = "\"" + s + "\"";
    std::string fast = Eval("time.parse_rfc3339_ns", {arg});
    std::string general =
        Eval("time.parse_ns", {R"("2006-01-02T15:04:05Z07:00")", arg});
    // The two builtins' errors differ only in the builtin's name.
    EXPECT_EQ(absl::StrReplaceAll(fast, {{"time.parse_rfc3339_ns", "time.parse_ns"}}), general)
        << s;
  }
  EXPECT_GT(fast_path, 200);
}

}  // namespace
}  // namespace verdict::builtins
