// File: lib/syntax/ast_json.h
//
// The AST as OPA's JSON (the encoding of `opa parse --format json` and of
// the rego.parse_module builtin), built as a Value:
//
//   {"package": {"path": [{"type": "var", "value": "data"},
//                         {"type": "string", "value": "foo"}]},
//    "imports": [{"path": {"type": "ref", "value": [...]}, "alias"?: "x"}],
//    "rules": [{"head": {"name"?, "ref", "key"?, "value"?, "args"?,
//                        "assign"?},
//               "body": [{"index": 0, "terms": ...,
//                         "negated"?, "with"?}],
//               "default"?: true, "else"?: {rule}}],
//    "comments"?: [{"Text": base64, "Location": {"file", "row", "col"}}]}
//
// Every term is {"type": TermKindName, "value": ...}: scalars as
// themselves (null as {}), vars as their name, refs/arrays/calls as term
// arrays, sets sorted, objects as sorted [key, value] pairs, comprehensions
// as {"term" | "key", "value", "body"}, template strings as {"parts",
// "multi_line"}. A call expression's terms are [operator, operands...]
// (`x := 1` is [assign, x, 1]); `some` is {"symbols": [...]}; `every` is
// {"key", "value", "domain", "body"}. Locations are left out, as in OPA's
// default options. Rule heads follow OPA's parser: `name` for one-part
// heads (and `p[k] := v if ...`), `key` for `contains` and for the second
// part of two-part heads when OPA's parser sets it.
//
// Where verdict's AST differs, OPA's shape is rebuilt: else chains are
// nested, `import rego.v1` and future imports (kept apart in
// Module::keyword_imports) are listed with the others in source order.
// Annotations, when the module was parsed with them, are listed under
// "annotations" in rego.metadata.rule()'s shape (annotations.h).
//
// Tested by tests/syntax/ast_json_test.cc.
#ifndef VERDICT_SYNTAX_AST_JSON_H_
#define VERDICT_SYNTAX_AST_JSON_H_

#include "syntax/ast.h"
#include "verdict/value.h"

namespace verdict::syntax {

// ModuleToJson()
//
// [module] as OPA's JSON, cells in [arena] (nullptr: heap).
Value ModuleToJson(const Module& module, Arena* arena = nullptr);

// TermToJson() / ExprToJson()
//
// One node as OPA's JSON; [index] is the expression's position in its body.
Value TermToJson(const Term& term, Arena* arena = nullptr);
Value ExprToJson(const Expr& expr, int index, Arena* arena = nullptr);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_AST_JSON_H_
