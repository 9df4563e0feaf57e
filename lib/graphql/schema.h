// File: lib/graphql/schema.h
//
// A validated GraphQL schema: the built-in prelude (scalars, @include,
// @skip, @deprecated, @specifiedBy, @defer, @oneOf, introspection types)
// plus a schema document, with extensions merged into their types and the
// root operation types resolved. BuildSchema applies the checks of
// gqlparser's ValidateSchemaDocument, in its order and with its messages,
// and stops at the first error, as OPA's graphql.* builtins see it:
//
//   Schema schema;
//   Error err;
//   BuildSchema(doc, &schema, &err);  // "input:2:8: OBJECT Hello: must
//                                     //  define one or more fields."
//
// A Schema points into the document it was built from (and into the
// prelude): keep the document alive while the Schema is used.
//
// Tested by tests/builtins/graphql_test.cc and the conformance folder
// graphql/.
#ifndef VERDICT_GRAPHQL_SCHEMA_H_
#define VERDICT_GRAPHQL_SCHEMA_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graphql/ast.h"

namespace verdict::graphql {

// A type of the schema: its definition merged with all its extensions.
struct TypeDef {
  std::string kind;
  std::string name;
  Pos pos;
  bool builtin = false;
  std::vector<const Directive*> directives;
  std::vector<std::string> interfaces;
  std::vector<const FieldDefinition*> fields;
  std::vector<std::string> types;  // union members
  std::vector<const EnumValueDefinition*> enum_values;

  const FieldDefinition* Field(std::string_view name) const;
  const EnumValueDefinition* EnumValue(std::string_view name) const;
  bool IsLeafType() const { return kind == kEnum || kind == kScalar; }
  bool IsAbstractType() const { return kind == kInterface || kind == kUnion; }
  bool IsCompositeType() const {
    return kind == kObject || kind == kInterface || kind == kUnion;
  }
  bool IsInputType() const {
    return kind == kScalar || kind == kEnum || kind == kInputObject;
  }
};

class Schema {
 public:
  Schema() = default;
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const TypeDef* query() const { return query_; }
  const TypeDef* mutation() const { return mutation_; }
  const TypeDef* subscription() const { return subscription_; }

  const TypeDef* Type(std::string_view name) const;
  const DirectiveDefinition* Directive(std::string_view name) const;
  // Object types a type may resolve to (gqlparser's PossibleTypes; entries
  // are null for union members that are not defined).
  const std::vector<const TypeDef*>& PossibleTypes(std::string_view name) const;
  // Every type, sorted by name.
  const std::map<std::string, std::unique_ptr<TypeDef>, std::less<>>& types() const {
    return types_;
  }

 private:
  friend class SchemaBuilder;

  std::map<std::string, std::unique_ptr<TypeDef>, std::less<>> types_;
  std::map<std::string, const DirectiveDefinition*, std::less<>> directives_;
  std::map<std::string, std::vector<const TypeDef*>, std::less<>> possible_types_;
  std::vector<std::unique_ptr<FieldDefinition>> meta_fields_;  // __schema, __type
  const TypeDef* query_ = nullptr;
  const TypeDef* mutation_ = nullptr;
  const TypeDef* subscription_ = nullptr;
};

// Builds [out] from the prelude and [doc]; false and [error] on the first
// problem.
bool BuildSchema(const SchemaDocument& doc, Schema* out, Error* error);

// The __typename field every composite type has.
const FieldDefinition& TypenameField();

}  // namespace verdict::graphql

#endif  // VERDICT_GRAPHQL_SCHEMA_H_
