// File: lib/api/engine_bundle.h
//
// The engine's active bundles (include/verdict/engine.h: ActivateBundles,
// LoadBundle, Bundles) as an immutable BundleSet. Activation builds the
// next set beside the current one (parse modules, check roots against the
// manifest and against the other bundles, decode program.vbc), then
// Engine::SwapBundles compiles with it and keeps it only if that worked, so
// a failed activation leaves the previous state untouched.
//
// lib/api/engine.cc's State::Build() asks this header three things: the
// modules to compile (AllModules), whether a bundle's precompiled program
// can stand in for compiling (PrecompiledProgram), and the data document
// with every bundle's data placed under its roots (AddBundleData).
//
// Implemented in engine_bundle.cc; tested by tests/bundle/engine_bundle_test.cc.
#ifndef VERDICT_API_ENGINE_BUNDLE_H_
#define VERDICT_API_ENGINE_BUNDLE_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "syntax/ast.h"
#include "verdict/bundle.h"
#include "verdict/value.h"
#include "vm/interp.h"

namespace verdict::api {

// One active bundle.
struct ActiveBundle {
  std::string name;
  BundleManifest manifest;
  Value data;
  std::shared_ptr<Arena> arena;  // owns data's cells (and the manifest's)
  std::vector<syntax::Module> modules;
  BundleSignatureInfo signature;
  // program.vbc, deserialized, verified and bound; null when the bundle has
  // none or it cannot be used (then [warnings] says why).
  std::shared_ptr<const vm::BoundProgram> program;
  size_t program_bytes = 0;
  std::vector<std::string> warnings;
};

class BundleSet {
 public:
  // Sorted by name; shared with the sets before and after this one.
  std::vector<std::shared_ptr<const ActiveBundle>> bundles;
  // Every bundle's modules, in bundle order, ready for compile::Compile.
  std::vector<syntax::Module> modules;
};

// NextBundleSet()
//
// [current] (may be null) with each of [bundles] added, replacing an
// active bundle of the same name. Errors (bundle_error) leave nothing
// changed: modules that do not parse, packages outside their bundle's
// roots, roots overlapping another bundle's, a corrupt program.vbc.
absl::StatusOr<std::shared_ptr<const BundleSet>> NextBundleSet(const BundleSet* current,
                                                               std::vector<Bundle> bundles);

// WithoutBundle()
//
// [current] minus the bundle [name] (invalid_argument if not active).
absl::StatusOr<std::shared_ptr<const BundleSet>> WithoutBundle(const BundleSet* current,
                                                               std::string_view name);

// AllModules()
//
// The modules to compile: [api] then the bundles'. Uses [*scratch] only
// when both are non-empty.
std::span<const syntax::Module> AllModules(const BundleSet* set,
                                           const std::vector<syntax::Module>& api,
                                           std::vector<syntax::Module>* scratch);

// PrecompiledProgram()
//
// The program to run instead of compiling, when exactly one bundle is
// active and its program.vbc was usable; null otherwise. The caller also
// requires that no modules were added through the API.
std::shared_ptr<const vm::BoundProgram> PrecompiledProgram(const BundleSet* set);

// AddBundleData()
//
// Places each bundle's data under its roots in [*data] (the document set
// through the API), replacing whatever was there (OPA erases data under a
// bundle's roots), and appends the arenas that own it to [*arenas]. An
// API value that is not an object on the way to a root is an error.
absl::Status AddBundleData(const BundleSet* set, Value* data,
                           std::vector<std::shared_ptr<Arena>>* arenas);

// ParseBundleModules()
//
// [bundle]'s modules parsed, each package checked against the manifest's
// roots. File names (in errors and spans) are "[prefix]/<bundle path>", or
// the bundle path alone when [prefix] is empty.
absl::StatusOr<std::vector<syntax::Module>> ParseBundleModules(const Bundle& bundle,
                                                               std::string_view prefix);

}  // namespace verdict::api

#endif  // VERDICT_API_ENGINE_BUNDLE_H_
