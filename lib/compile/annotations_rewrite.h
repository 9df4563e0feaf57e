// File: lib/compile/annotations_rewrite.h
//
// rego.metadata.rule() and rego.metadata.chain() are resolved at compile
// time, as OPA's compiler does (compile.go, rewriteRegoMetadataCalls): each
// call inside a rule becomes the constant it stands for.
//
//   rule()   the closest rule-scope METADATA block above this very
//            definition (annotations.h), as an object; {} without one.
//   chain()  an array of {"path": [...], "annotations"?: {...}} from the
//            rule outward: its rule-scope blocks (closest first; a bare
//            {"path"} entry when it has none), the document-scope block of
//            its path (any definition, any module), the package-scope
//            block of its package (any module), then subpackages-scope
//            blocks of enclosing packages, closest first. Paths leave out
//            `data`: ["testing", "p"].
//
// Calls outside rules (in queries) are left for run time, where the
// builtin fails as OPA's does (lib/builtins/rego.cc).
//
// Building the annotation set also checks OPA's uniqueness rules: two
// package-scope blocks for one package, or two document/subpackages blocks
// for one path, are rego_type_error "<scope> annotation redeclared: <file>:<row>".
//
// Entry: RewriteRegoMetadataCalls(), called by Compile() (compiler.cc)
// before the rule tree is built. Tested by
// tests/compile/annotations_rewrite_test.cc and the conformance suite.
#ifndef VERDICT_COMPILE_ANNOTATIONS_REWRITE_H_
#define VERDICT_COMPILE_ANNOTATIONS_REWRITE_H_

#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "syntax/ast.h"

namespace verdict::compile {

// RewriteRegoMetadataCalls()
//
// When some rule of [modules] calls rego.metadata.rule() or
// rego.metadata.chain(), fills [*rewritten] with copies of all modules in
// which those calls are replaced, and returns true. Otherwise returns
// false and leaves [*rewritten] alone (no copies are made).
absl::StatusOr<bool> RewriteRegoMetadataCalls(std::span<const syntax::Module> modules,
                                              std::vector<syntax::Module>* rewritten);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_ANNOTATIONS_REWRITE_H_
