// File: lib/compile/compiler.h
//
// The Rego compiler: parsed modules (lib/syntax) in, a bytecode Program
// (lib/vm) out. Compile() is the conductor; each step lives in its own file:
//
//   annotations_rewrite.cc  replace rego.metadata.rule()/chain() calls by
//                 the METADATA annotations they stand for
//   rule_tree.cc  group rules into documents under `data` (complete, partial
//                 set, partial object, function; default and else)
//   lower.cc      resolve names (locals, imports, rules, builtins), order
//                 body expressions so generators come first (OPA's safety
//                 reordering), report unsafe variables, and lower rules and
//                 queries to bytecode (emitter.h), one VM function per
//                 document
//   optimize.cc   peephole and register passes over the lowered code, with
//                 constant folding (fold.cc)
//
// Every rule document becomes an entry point named by its path
// ("data.abac.allow"); every query is compiled into a function whose result
// is an array of binding objects (or, for a value query, the value itself).
//
// Tested by tests/compile/*_test.cc and the conformance suite.
#ifndef VERDICT_COMPILE_COMPILER_H_
#define VERDICT_COMPILE_COMPILER_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "syntax/ast.h"
#include "vm/program.h"

namespace verdict::compile {

// A query to compile along with the modules.
struct QuerySpec {
  std::string name;   // entry point name, e.g. "query:0"
  syntax::Body body;
  // true: the query is one reference term (data.a.b) and its function
  // returns that value. false: its function returns an array of binding
  // objects, one per solution, holding every named variable of the body.
  bool value_query = false;
};

struct CompileOptions {
  // Names of builtins added by the embedding application (custom builtins),
  // with their arity; they resolve like OPA's builtins.
  std::vector<std::pair<std::string, int>> extra_builtins;
  // Rule indexing (rule_index.h): a document's definitions are selected by
  // a Switch on the input fields and arguments their bodies test against
  // constants. Off only to compare results with and without it.
  bool index_rules = true;
  // Generator fusion (lower.cc): `some x in s` over a partial set s runs
  // s's body in place instead of building the set, where that cannot be
  // told apart. Off only to compare results with and without it.
  bool fuse_generators = true;
};

// Compile()
//
// Compiles [modules] and [queries] into one Program. Errors are
// rego_compile_error, rego_type_error, rego_unsafe_var_error or
// rego_recursion_error, with file:line:col.
absl::StatusOr<vm::Program> Compile(std::span<const syntax::Module> modules,
                                    std::span<const QuerySpec> queries,
                                    const CompileOptions& options = {});

// IsValueQuery()
//
// Whether [body] is a single reference to data or input without variables
// (e.g. `data.abac.decision`), which callers evaluate for its value.
bool IsValueQuery(const syntax::Body& body);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_COMPILER_H_
