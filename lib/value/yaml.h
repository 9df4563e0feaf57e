// File: lib/value/yaml.h
//
// YAML -> Value for callers that already hold a yaml-cpp node tree (the
// conformance runner reads OPA's case files with yaml-cpp and converts the
// `data`, `input` and `want_result` nodes). ParseYaml() in
// include/verdict/value.h is the text entry point.
//
// Scalars are typed as YAML 1.2's core schema, as Go's yaml packages do:
// plain 12, -3, 0x1F, 0o17 are integers, 1.5, 1e3, .5 numbers (exact, like
// JSON numbers), true/false booleans, null/~/empty null; quoted scalars and
// !!str are strings. .inf and .nan have no Rego value and are errors.
//
// Tested by tests/value/yaml_test.cc.
#ifndef VERDICT_VALUE_YAML_H_
#define VERDICT_VALUE_YAML_H_

#include "absl/status/statusor.h"
#include "verdict/value.h"
#include "yaml-cpp/yaml.h"

namespace verdict::value {

// FromYamlNode()
//
// Converts [node] (cells in [arena], nullptr: heap). Errors (kJsonError) on
// nesting deeper than limits::kMaxJsonDepth, more than limits::kMaxYamlNodes
// nodes (alias bombs), or scalars without a Rego value.
absl::StatusOr<Value> FromYamlNode(const YAML::Node& node, Arena* arena = nullptr);

}  // namespace verdict::value

#endif  // VERDICT_VALUE_YAML_H_
