// File: lib/compile/lower.h
//
// Lowering: the rule tree and queries to bytecode. One VM function per
// document (rule_tree.h), one per query, plus synthetic functions: wrappers
// that let `with` replace a builtin by another builtin, views that read a
// document from the `with data` overlay, and projections {k: data.ns[k].a}.
//
// The shape of the code follows OPA's planner (v1/ir): a body is
// straight-line code in which every expression either continues or jumps to
// the current failure label. An expression that iterates (`some x in xs`,
// `xs[i]` with unbound i, a reference into a partial rule) opens a loop,
// and its IterNext becomes the failure label of everything after it; when
// the body succeeds, the rule adds its value to an accumulator and jumps to
// that label to find the next solution. `not` and `every` are blocks whose
// success jumps to the enclosing failure label.
//
// Before lowering a body, its expressions are ordered the way OPA's safety
// check does: each expression runs once the variables it needs are
// bound; a variable that nothing can bind is a rego_unsafe_var_error.
//
// Entry: LowerProgram(), called by Compile() (compiler.cc).
#ifndef VERDICT_COMPILE_LOWER_H_
#define VERDICT_COMPILE_LOWER_H_

#include <span>

#include "absl/status/status.h"
#include "compile/compiler.h"
#include "compile/rule_tree.h"
#include "vm/program.h"

namespace verdict::compile {

absl::Status LowerProgram(const RuleTree& tree, std::span<const QuerySpec> queries,
                          const CompileOptions& options, vm::Program* program);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_LOWER_H_
