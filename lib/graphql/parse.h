// File: lib/graphql/parse.h
//
// GraphQL text -> documents (ast.h), with gqlparser's error messages and
// positions, which OPA's graphql.* builtins show to policies:
//
//   QueryDocument doc;
//   Error err;
//   if (!ParseQuery("{ field: {} }", &doc, &err)) {
//     err.Format() == "input:1:10: Expected Name, found {"
//   }
//
// The lexer and parser are generated from grammar/GraphQL.g4; parse.cc is
// the only file that includes ANTLR headers. Any input, however malformed,
// yields a document or an Error, never a crash; nesting deeper than
// limits::kMaxGraphQLDepth is refused.
//
// Tested by tests/builtins/graphql_test.cc and the conformance folder
// graphql/.
#ifndef VERDICT_GRAPHQL_PARSE_H_
#define VERDICT_GRAPHQL_PARSE_H_

#include <string_view>

#include "graphql/ast.h"

namespace verdict::graphql {

// An executable document (operations and fragments).
bool ParseQuery(std::string_view text, QueryDocument* out, Error* error);

// A type system document. [prelude] marks every definition BuiltIn and every
// position as inside "prelude.graphql" (used for schema.cc's prelude).
bool ParseSchema(std::string_view text, SchemaDocument* out, Error* error,
                 bool prelude = false);

}  // namespace verdict::graphql

#endif  // VERDICT_GRAPHQL_PARSE_H_
