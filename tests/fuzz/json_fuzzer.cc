// File: tests/fuzz/json_fuzzer.cc
//
// JSON in and out. Properties, for any bytes:
// - ParseJson() returns a value or json_error, never crashes;
// - a parsed value prints, and the printed text parses back to an equal
//   value that prints the same (the writer is canonical);
// - the arena parser and the heap parser agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error_code.h"
#include "fuzz_check.h"
#include "verdict/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  verdict::Arena arena;
  absl::StatusOr<verdict::Value> parsed = verdict::ParseJson(text, &arena);
  absl::StatusOr<verdict::Value> heap = verdict::ParseJson(text);
  FUZZ_CHECK(parsed.ok() == heap.ok(), "arena and heap parsers disagree");
  if (!parsed.ok()) {
    FUZZ_CHECK(verdict::GetErrorCode(parsed.status()) == verdict::ErrorCode::kJsonError,
               parsed.status().ToString());
    return 0;
  }
  FUZZ_CHECK(*parsed == *heap, "arena and heap values differ");
  const std::string printed = verdict::ToJson(*parsed);
  absl::StatusOr<verdict::Value> again = verdict::ParseJson(printed, &arena);
  FUZZ_CHECK(again.ok(), "printed JSON does not parse: " + printed);
  FUZZ_CHECK(*again == *parsed, "round trip changed the value: " + printed);
  FUZZ_CHECK(verdict::ToJson(*again) == printed, "printing is not canonical: " + printed);
  return 0;
}
