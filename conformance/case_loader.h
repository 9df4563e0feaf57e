// File: conformance/case_loader.h
//
// Reads OPA's YAML conformance cases (the schema is described in
// ../shared/conformance/opa/README.md: OPA's `TestCase` struct) into
// TestCase records. Entry point: LoadCaseFiles(), which walks a directory
// recursively and parses every *.yaml / *.yml file in sorted path order.
//
// Files are parsed with verdict::ParseYaml, so numbers keep their exact
// value, as OPA's loader keeps them as json.Number. Unknown keys are
// ignored, as in OPA. A file that cannot be read or parsed, or has a field
// of the wrong type, becomes a single case named after the file whose
// `load_error` says why; it fails like any other case (and can be listed
// as a known failure by its path).
//
// Used by conformance/runner.cc; exercised by the conformance_opa_v1 CTest
// test.
#ifndef VERDICT_CONFORMANCE_CASE_LOADER_H_
#define VERDICT_CONFORMANCE_CASE_LOADER_H_

#include <optional>
#include <string>
#include <vector>

#include "verdict/value.h"

namespace verdict::conformance {

// One case. Optional fields that are absent (or null, which Go's decoder
// treats as absent) are nullopt / undefined.
struct TestCase {
  std::string note;
  std::string file;    // path relative to the cases directory
  std::string folder;  // directory of [file] relative to the cases directory
  std::string query;
  std::vector<std::string> modules;  // named test-0.rego, test-1.rego, ...
  Value data;                        // undefined: empty base document
  Value input;                       // undefined: no input
  std::optional<std::string> input_term;
  // Array of binding objects; nullopt when the case has no want_result.
  std::optional<Value> want_result;
  std::optional<std::string> want_error_code;
  std::optional<std::string> want_error;
  bool sort_bindings = false;
  bool strict_error = false;
  bool ignore_generated_vars = false;
  // Set when [file] could not be loaded; [note] is then the file's path.
  std::optional<std::string> load_error;
};

struct LoadedCases {
  std::vector<TestCase> cases;  // in file order, then order within the file
  size_t files = 0;             // case files found
};

// LoadCaseFiles()
//
// Walks [dir] recursively (or reads [dir] itself when it is a file) and
// loads every *.yaml / *.yml file, in sorted order of relative path.
// Returns an error only when [dir] cannot be read at all.
absl::StatusOr<LoadedCases> LoadCaseFiles(const std::string& dir);

}  // namespace verdict::conformance

#endif  // VERDICT_CONFORMANCE_CASE_LOADER_H_
