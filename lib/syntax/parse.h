// File: lib/syntax/parse.h
//
// Rego source text -> AST (lib/syntax/ast.h).
//
//   absl::StatusOr<Module> m = ParseModule(text, "policy.rego");
//   absl::StatusOr<Body> q = ParseQuery("data.x.p = x; y = 1");
//   absl::StatusOr<Term> r = ParseRef("data.abac.decision");
//
// Errors come back as rego_parse_error (base/error_code.h) with
// "file:line:col: rego_parse_error: message" lines, one per problem, and a
// caret snippet of the first. The Diagnostics overload gives the list
// itself, for tools that print every problem (policyc check).
//
// The parser accepts Rego v1 (OPA 1.x): `if` and `contains` are required,
// `import rego.v1` and `import future.keywords...` are accepted and change
// nothing. It also performs OPA's parse-time checks (rule head shapes,
// `else` on multi-value rules, default rule values, import paths, ...).
// Nesting deeper than limits::kMaxSyntaxDepth is an error, not a crash.
//
// Thread-safe: each call uses its own parser. ANTLR (which throws) is used
// only inside parse.cc; these functions never throw.
//
// Tested by tests/syntax/parse_test.cc, tests/syntax/parse_error_test.cc
// and tests/syntax/conformance_parse_test.cc.
#ifndef VERDICT_SYNTAX_PARSE_H_
#define VERDICT_SYNTAX_PARSE_H_

#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "syntax/ast.h"
#include "syntax/source.h"

namespace verdict::syntax {

struct ParseOptions {
  // Parse METADATA comment blocks into Module::annotations (annotations.h);
  // a malformed block is then a parse error. OPA's rego.parse_module
  // builtin parses without them.
  bool annotations = true;
};

// ParseModule()
//
// Parses one module (a .rego file). [filename] appears in spans and errors.
absl::StatusOr<Module> ParseModule(std::string_view source,
                                   std::string_view filename,
                                   const ParseOptions& options = {});

// ParseModule() with diagnostics
//
// Parses [file]; every problem is appended to [diagnostics]. Returns the
// module only when there were none.
std::optional<Module> ParseModule(std::shared_ptr<const SourceFile> file,
                                  Diagnostics& diagnostics,
                                  const ParseOptions& options = {});

// ParseQuery()
//
// Parses a query: a body whose expressions are separated by ';' or
// newlines, e.g. "data.x.p = x; y = 1". The returned expressions keep
// their SourceFile alive through their spans.
absl::StatusOr<Body> ParseQuery(std::string_view text,
                                std::string_view filename = "query");

// ParseTerm()
//
// Parses exactly one term, e.g. `{"a": set()}` (OPA's input_term).
absl::StatusOr<Term> ParseTerm(std::string_view text);

// ParseRef()
//
// Parses exactly one ref, e.g. "data.abac.decision"; a plain var `x` is
// returned as the one-element ref [x].
absl::StatusOr<Term> ParseRef(std::string_view text);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_PARSE_H_
