// File: tests/fuzz/rego_fuzzer.cc
//
// Policies from outside: parse, compile and evaluate whatever the bytes
// say, in policy_input.h's format (Rego modules, then optionally data).
//
// Properties, for any bytes:
// - nothing crashes, and errors carry the codes their stage may give
//   (a compiled program always passes the verifier: no bytecode_error;
//   no eval_internal_error anywhere);
// - `data` evaluated twice with one prepared query gives the same result
//   or the same error (memos, arenas and hints are reset between
//   decisions);
// - the JSON hot path (EvaluateJson) prints exactly what Evaluate returns.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error_code.h"
#include "fuzz_check.h"
#include "policy_input.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace {

using verdict::ErrorCode;

using verdict::fuzz::kFixedInput;

bool IsCompileCode(ErrorCode code) {
  return code == ErrorCode::kParseError || code == ErrorCode::kCompileError ||
         code == ErrorCode::kTypeError || code == ErrorCode::kUnsafeVarError ||
         code == ErrorCode::kRecursionError;
}

bool IsEvalCode(ErrorCode code) {
  return code == ErrorCode::kEvalConflictError || code == ErrorCode::kEvalTypeError ||
         code == ErrorCode::kEvalBuiltinError || code == ErrorCode::kEvalLimitError;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const verdict::fuzz::PolicyInput in = verdict::fuzz::SplitPolicyInput(
      std::string_view(reinterpret_cast<const char*>(bytes), size));
  verdict::Engine engine;
  for (size_t i = 0; i < in.modules.size(); ++i) {
    absl::Status added = engine.AddModule("m" + std::to_string(i) + ".rego", in.modules[i]);
    if (!added.ok()) {
      FUZZ_CHECK(IsCompileCode(verdict::GetErrorCode(added)), added.ToString());
      return 0;
    }
  }
  if (!in.data.empty()) {
    absl::Status set = engine.SetDataJson(in.data);
    if (!set.ok()) return 0;  // json_fuzzer covers the parser
  }
  absl::Status compiled = engine.Compile();
  if (!compiled.ok()) {
    FUZZ_CHECK(IsCompileCode(verdict::GetErrorCode(compiled)), compiled.ToString());
    return 0;
  }
  absl::StatusOr<verdict::PreparedQuery> query = engine.Prepare("data");
  FUZZ_CHECK(query.ok(), query.status().ToString());
  absl::StatusOr<verdict::Value> input = verdict::ParseJson(kFixedInput);
  FUZZ_CHECK(input.ok(), "fixed input");

  verdict::EvalOptions options;
  options.max_instructions = 100000;  // a runaway policy ends as eval_limit_error
  options.clock = [] { return int64_t{1741578540} * 1000000000; };
  // Later runs replay the first one's non-deterministic calls (rand.intn,
  // uuid.rfc4122, ...), so all of them must agree.
  options.record_nondeterministic = true;
  absl::StatusOr<verdict::Decision> first = query->Evaluate(*input, options);
  options.record_nondeterministic = false;
  if (first.ok()) options.replay = &first->nondeterministic;
  absl::StatusOr<verdict::Decision> second = query->Evaluate(*input, options);
  FUZZ_CHECK(first.ok() == second.ok(), "a second evaluation changed the outcome");
  if (!first.ok()) {
    FUZZ_CHECK(IsEvalCode(verdict::GetErrorCode(first.status())), first.status().ToString());
    FUZZ_CHECK(first.status() == second.status(),
               first.status().ToString() + " then " + second.status().ToString());
    return 0;
  }
  FUZZ_CHECK(first->defined == second->defined && first->result == second->result,
             "a second evaluation changed the result");
  std::string json;
  bool defined = false;
  absl::Status hot = query->EvaluateJson(kFixedInput, &json, &defined, options);
  FUZZ_CHECK(hot.ok(), hot.ToString());
  FUZZ_CHECK(defined == first->defined, "EvaluateJson and Evaluate disagree on definedness");
  if (defined) {
    FUZZ_CHECK(json == verdict::ToJson(first->result),
               "EvaluateJson printed " + json + ", Evaluate returned " +
                   verdict::ToJson(first->result));
  }
  return 0;
}
