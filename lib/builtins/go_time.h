// File: lib/builtins/go_time.h
//
// Go's time layouts ("2006-01-02T15:04:05Z07:00") and durations ("1h30m")
// over abseil time, for the time.* builtins, which OPA implements with
// Go's time.Parse, Time.Format and time.ParseDuration. Errors reproduce
// Go's messages:
//   parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"
//   time: invalid duration "1x"
//
//   absl::StatusOr<absl::Time> t = ParseGoTime(kRfc3339, "2024-05-01T10:00:00Z");
//   std::string s = FormatGoTime("Mon Jan _2 15:04:05 2006", *t, absl::UTCTimeZone());
//
// Tested by tests/builtins/time_test.cc.
#ifndef VERDICT_BUILTINS_GO_TIME_H_
#define VERDICT_BUILTINS_GO_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace verdict::builtins {

inline constexpr std::string_view kRfc3339 = "2006-01-02T15:04:05Z07:00";
inline constexpr std::string_view kRfc3339Nano = "2006-01-02T15:04:05.999999999Z07:00";

// The layout for one of Go's named constants ("RFC3339", "ANSIC", ...), or
// [name] itself when it names none.
std::string_view ResolveGoLayout(std::string_view name);

// ParseGoTime(): Go's time.Parse (times without a zone are UTC). Errors
// (kEvalBuiltinError) carry Go's ParseError text.
absl::StatusOr<absl::Time> ParseGoTime(std::string_view layout, std::string_view value);

// FastRfc3339Nanos(): "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)" in
// Unix nanoseconds (*ns) when every field is in range and the year fits
// (1678-2261); false for anything else, which time.parse_rfc3339_ns hands
// to ParseGoTime (time.cc). Not an optional: returning one stores its flag
// byte and reloads it as a word, which stalls store forwarding.
bool FastRfc3339Nanos(std::string_view s, int64_t* ns);

// FormatGoTime(): Go's Time.Format of [t] in [tz].
std::string FormatGoTime(std::string_view layout, absl::Time t, absl::TimeZone tz);

// ParseGoDuration(): Go's time.ParseDuration, in nanoseconds.
absl::StatusOr<int64_t> ParseGoDuration(std::string_view s);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_GO_TIME_H_
