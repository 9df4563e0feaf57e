// File: conformance/run_case.h
//
// Runs one OPA conformance case through the public Engine API and judges
// the outcome with the rules of OPA's own runner (`testRun` in
// v1/topdown/exported_test.go):
//
//   - modules are named test-0.rego, test-1.rego, ...; `data` is the base
//     document; `input_term` (a Rego term) wins over `input`;
//   - the query is a query body; its results (one binding object per
//     solution) are compared with want_result as a set, after converting
//     values to JSON (sets become sorted arrays, non-string object keys
//     become strings), optionally sorting array bindings (sort_bindings)
//     and dropping generated `__localq` variables (ignore_generated_vars);
//   - want_error_code must equal the error's OPA code, want_error must be a
//     substring of the error text (also tried in OPA's rendering
//     `file:row: code: message`); an error nobody expected fails the case.
//
// Entry point: RunCase(). Used by conformance/runner.cc.
#ifndef VERDICT_CONFORMANCE_RUN_CASE_H_
#define VERDICT_CONFORMANCE_RUN_CASE_H_

#include <cstdint>
#include <string>

#include "conformance/case_loader.h"

namespace verdict::conformance {

struct RunOptions {
  // EvalOptions::max_instructions for every evaluation (0 = unlimited).
  uint64_t max_instructions = 0;
};

struct CaseOutcome {
  bool passed = false;
  // One line: "wanted <...>, got <...>" (compact JSON) or what went wrong.
  std::string message;
  // The full error text when an error was involved (may span lines).
  std::string detail;
};

// RunCase()
//
// Builds a fresh Engine for [tc], evaluates it and compares the outcome
// with the case's expectations.
CaseOutcome RunCase(const TestCase& tc, const RunOptions& options);

}  // namespace verdict::conformance

#endif  // VERDICT_CONFORMANCE_RUN_CASE_H_
