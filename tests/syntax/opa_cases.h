// File: tests/syntax/opa_cases.h
//
// Reads OPA's YAML conformance cases (../shared/conformance/opa/v1, schema
// in its README) into plain structs. Test-only; shared by the syntax tests
// now and meant for the conformance runner later, so it depends on nothing
// but yaml-cpp: values (data, input, want_result) stay YAML nodes.
//
//   std::vector<OpaCase> cases;
//   std::string error;
//   ASSERT_TRUE(LoadOpaCases(OpaCasesDir(), cases, error)) << error;
//   for (const OpaCase& c : cases) ... c.modules ...
#ifndef VERDICT_TESTS_SYNTAX_OPA_CASES_H_
#define VERDICT_TESTS_SYNTAX_OPA_CASES_H_

#include <optional>
#include <string>
#include <vector>

#include "yaml-cpp/yaml.h"

namespace verdict::testing {

struct OpaCase {
  std::string file;  // path of the YAML file
  std::string note;  // "category/description"
  std::string query;
  std::vector<std::string> modules;  // named test-0.rego, test-1.rego, ... by OPA
  std::optional<std::string> input_term;
  std::optional<std::string> want_error_code;
  std::optional<std::string> want_error;
  YAML::Node data;         // null when absent
  YAML::Node input;        // null when absent
  YAML::Node want_result;  // null when absent
  bool strict_error = false;
  bool sort_bindings = false;
};

// The suite's directory: VERDICT_SHARED_DIR/conformance/opa/v1.
std::string OpaCasesDir();

// Appends the cases of every *.yaml file under [dir] (recursively, files in
// sorted order) to [out]. False with [error] set when a file cannot be read
// or does not follow the schema.
bool LoadOpaCases(const std::string& dir, std::vector<OpaCase>& out,
                  std::string& error);

// The cases of one YAML file.
bool LoadOpaCaseFile(const std::string& path, std::vector<OpaCase>& out,
                     std::string& error);

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SYNTAX_OPA_CASES_H_
