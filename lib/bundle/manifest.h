// File: lib/bundle/manifest.h
//
// The `.manifest` file and the roots it declares (OPA-PROTOCOLS.md 1.4 and
// 1.5). A root is a '/'-separated path under `data` that the bundle owns;
// ownership is segment-wise: root "a/b" contains a/b and a/b/c, not a/bc;
// the root "" contains everything. Data and packages of a bundle must lie
// under its roots, and the roots of bundles active together must not
// overlap.
//
// Entry points: ParseManifest, RootContains, RootsOverlap, CheckDataRoots.
// Used by loader.cc and lib/api/engine_bundle.cc; tested by
// tests/bundle/loader_test.cc.
#ifndef VERDICT_BUNDLE_MANIFEST_H_
#define VERDICT_BUNDLE_MANIFEST_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/bundle.h"
#include "verdict/value.h"

namespace verdict::bundle {

// ParseManifest()
//
// Decodes a manifest: `revision` (string), `roots` (array of strings;
// absent or null means [""]), `rego_version` and `file_rego_versions`
// (only 1 is accepted: verdict parses Rego v1), `metadata` (object),
// `wasm` (must be absent or empty). Unknown keys are ignored, as OPA does.
// Roots are trimmed of '/' and must not overlap one another. Errors are
// bundle_error mentioning ".manifest". Cells go to [arena].
absl::StatusOr<BundleManifest> ParseManifest(std::string_view text, Arena* arena);

// SplitRoot()
//
// "a/b" -> {"a", "b"}; "" -> {}.
std::vector<std::string> SplitRoot(std::string_view root);

// RootContains()
//
// Whether [path] (segments under data) lies in [root] ("a/b").
bool RootContains(std::string_view root, std::span<const std::string> path);

// RootsContain()
//
// Whether some root of [roots] contains [path].
bool RootsContain(const std::vector<std::string>& roots, std::span<const std::string> path);

// RootsOverlap()
//
// Whether one of two roots contains the other.
bool RootsOverlap(std::string_view a, std::string_view b);

// CheckDataRoots()
//
// Checks that [value], which sits at [path] under data, only puts data
// under [roots]. Objects on the way to a root are walked; any other value
// there, or any key off every root, is a bundle_error naming [file] and the
// path, like OPA's "manifest roots [..] do not permit data at path '/x'".
absl::Status CheckDataRoots(const Value& value, std::vector<std::string>& path,
                            const std::vector<std::string>& roots, std::string_view file);

// FormatRoots()
//
// ["a", "b/c"] as written in error messages.
std::string FormatRoots(const std::vector<std::string>& roots);

}  // namespace verdict::bundle

#endif  // VERDICT_BUNDLE_MANIFEST_H_
