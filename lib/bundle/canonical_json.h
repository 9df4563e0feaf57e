// File: lib/bundle/canonical_json.h
//
// The byte string OPA hashes for a "structured" bundle file (data.json,
// data.yaml, .manifest) when it signs or verifies a bundle
// (OPA-PROTOCOLS.md 2.4): compact JSON, object members in ascending byte
// order of their keys, numbers exactly as written in the source, strings
// escaped like Go's encoding/json without HTML escaping. Whitespace and
// key order therefore do not change a file's signature.
//
// Entry points: CanonicalJson, CanonicalYaml. Used by signatures.cc;
// tested by tests/bundle/signature_test.cc.
#ifndef VERDICT_BUNDLE_CANONICAL_JSON_H_
#define VERDICT_BUNDLE_CANONICAL_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace verdict::bundle {

// CanonicalJson()
//
// Parses [text] (one JSON value; a UTF-8 BOM and surrounding whitespace
// are allowed, anything after the value is an error) and returns its
// canonical form. A key repeated in one object keeps its last value, as
// Go's decoder does. Errors are bundle_error; nesting is limited to
// limits::kMaxJsonDepth.
absl::StatusOr<std::string> CanonicalJson(std::string_view text);

// CanonicalYaml()
//
// The canonical JSON of a YAML document, after converting it as the bundle
// loader does. Numbers are printed in verdict's canonical JSON form, which
// matches OPA's YAML-to-JSON conversion for integers and plain decimals;
// signed bundles should prefer data.json.
absl::StatusOr<std::string> CanonicalYaml(std::string_view text);

}  // namespace verdict::bundle

#endif  // VERDICT_BUNDLE_CANONICAL_JSON_H_
