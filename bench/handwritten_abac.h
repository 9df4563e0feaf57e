// File: bench/handwritten_abac.h
//
// The abac workload's decision (../shared/workloads/abac: abac.rego,
// lib.rego, pii.rego) written by hand in C++, without the engine: the
// reference DESIGN.md's "within 3x of hand-written" target is measured
// against, run in the same process as the engine so the ratio comes from one
// run on one machine (BM_HandWritten/abac/json in verdict_bench).
//
// It is built the way a careful engineer would write this one policy: the
// data document is turned into flat structs once (roles numbered in name
// order, classification levels and role patterns resolved), and a decision
// parses its input with verdict's JSON parser (the same one EvaluateJson
// uses, so parsing costs the same on both sides), decides with direct
// lookups and writes the result as canonical JSON.
//
// It knows this data document's shape and no other: Load() rejects a data
// document that does not have it. tests/workloads/handwritten_abac_test.cc
// checks that it reproduces expected.jsonl for all 1,000 inputs, so the
// reference does the same work as the policy.
#ifndef VERDICT_BENCH_HANDWRITTEN_ABAC_H_
#define VERDICT_BENCH_HANDWRITTEN_ABAC_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace verdict::bench {

class HandWrittenAbac {
 public:
  // From the text of the workload's data.json.
  static absl::StatusOr<std::unique_ptr<HandWrittenAbac>> Load(std::string_view data_json);
  ~HandWrittenAbac();

  // data.abac.decision for [input_json], as canonical JSON into [*out]
  // (cleared first). An input that is not a JSON object is an error. Not
  // thread-safe: decisions reuse one set of buffers.
  absl::Status Decide(std::string_view input_json, std::string* out);

 private:
  struct Data;
  struct Scratch;
  HandWrittenAbac();
  std::unique_ptr<Data> data_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace verdict::bench

#endif  // VERDICT_BENCH_HANDWRITTEN_ABAC_H_
