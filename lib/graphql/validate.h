// File: lib/graphql/validate.h
//
// Query validation against a schema: the GraphQL spec's validation rules
// (section 5) as gqlparser implements them for OPA's graphql.is_valid,
// graphql.parse and graphql.parse_and_verify, with gqlparser's messages:
//
//   FieldsOnCorrectType, FragmentsOnCompositeTypes, KnownArgumentNames,
//   KnownDirectives, KnownFragmentNames, KnownRootType, KnownTypeNames,
//   LoneAnonymousOperation, MaxIntrospectionDepth, NoFragmentCycles,
//   NoUndefinedVariables, NoUnusedFragments, NoUnusedVariables,
//   OverlappingFieldsCanBeMerged, PossibleFragmentSpreads,
//   ProvidedRequiredArguments, ScalarLeafs, SingleFieldSubscriptions,
//   UniqueArgumentNames, UniqueDirectivesPerLocation, UniqueFragmentNames,
//   UniqueInputFieldNames, UniqueOperationNames, UniqueVariableNames,
//   ValuesOfCorrectType, VariablesAreInputTypes, VariablesInAllowedPosition.
//
// One walk over the document (operations, then fragments) annotates nodes
// (field definitions, expected types, variable uses) and calls every rule
// at every node, rules in the order above, so errors come out in
// gqlparser's order:
//
//   std::vector<Error> errors = Validate(schema, doc);
//   // errors[0].Format() == "input:4:5: Field \"myAction\" argument
//   //   \"myEnum\" of type \"Locale!\" is required, but it was not provided."
//
// Tested by tests/builtins/graphql_test.cc and the conformance folder
// graphql/.
#ifndef VERDICT_GRAPHQL_VALIDATE_H_
#define VERDICT_GRAPHQL_VALIDATE_H_

#include <vector>

#include "graphql/ast.h"
#include "graphql/schema.h"

namespace verdict::graphql {

// All validation errors of [doc] (empty when valid). Fills in the
// validation annotations of [doc]'s nodes.
std::vector<Error> Validate(const Schema& schema, QueryDocument& doc);

}  // namespace verdict::graphql

#endif  // VERDICT_GRAPHQL_VALIDATE_H_
