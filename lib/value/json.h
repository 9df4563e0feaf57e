// File: lib/value/json.h
//
// JSON helpers shared inside the engine (builtins such as json.marshal and
// sprintf). The public entry points (ParseJson, JsonParser, AppendJson,
// ToJson, ToPrettyJson) are declared in include/verdict/value.h and
// implemented in json_parse.cc (parsing) and json.cc (output).
//
// Tested by tests/value/json_test.cc.
#ifndef VERDICT_VALUE_JSON_H_
#define VERDICT_VALUE_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/value.h"

namespace verdict::value {

// AppendJsonString()
//
// [s] as a quoted JSON string, escaped like Go's encoding/json with HTML
// escaping off: \" \\ \b \f \n \r \t, other control characters as \u00XX,
// U+2028/U+2029 as \u2028/\u2029, each invalid UTF-8 byte as \ufffd.
// [escape_html]: also write <, > and & as \u003c, \u003e, \u0026, as Go's
// json.Marshal does by default (OPA's json.marshal builtin).
void AppendJsonString(std::string* out, std::string_view s, bool escape_html = false);

// Output options for AppendJsonWith(), after Go's json.MarshalIndent: with a
// non-empty [prefix] or [indent], each element starts a new line holding
// [prefix] and one [indent] per nesting level, and ": " separates keys.
struct JsonOptions {
  bool escape_html = false;
  std::string_view prefix;
  std::string_view indent;
};
void AppendJsonWith(std::string* out, const Value& v, const JsonOptions& options);

// The parser reads up to this many bytes past the end of its text (which
// it sets to zero): wide loads never check the end.
inline constexpr size_t kJsonPaddingBytes = 32;

// ParseJsonInPlace()
//
// ParseJson() without copying the text: appends the parser's padding to
// [*json], parses it there and takes the padding off again. For big
// documents read into a string the caller owns (data files), where the
// copy would double the memory touched; reserving kJsonPaddingBytes of
// spare capacity when reading the text avoids any reallocation.
absl::StatusOr<Value> ParseJsonInPlace(std::string* json, Arena* arena);

// DecodeUtf8()
//
// Decodes one UTF-8 sequence at the start of [s] (which must be non-empty)
// into [*rune] and returns its length, or returns 0 when the bytes are not
// valid UTF-8 (overlong forms, surrogates and code points past U+10FFFF are
// invalid, as in Go).
size_t DecodeUtf8(std::string_view s, uint32_t* rune);

// Offset of the first invalid UTF-8 byte in [s], or s.size() when valid.
size_t FirstInvalidUtf8(std::string_view s);

}  // namespace verdict::value

#endif  // VERDICT_VALUE_JSON_H_
