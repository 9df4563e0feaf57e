// File: lib/graphql/schema.cc
//
// Schema building and validation (schema.h): gqlparser's
// ValidateSchemaDocument over the prelude followed by the caller's document.
// Steps, in gqlparser's order, each stopping at its first error:
//   1. types, rejecting redeclarations; extensions merged into their types
//      (an extension of an unknown type creates it);
//   2. possible types of unions and interfaces;
//   3. directive definitions (a later built-in directive replaces the
//      prelude's, any other redeclaration is an error);
//   4. the schema definition (at most one) and schema extensions: root
//      operation types and their directives;
//   5. every type in name order (fields, arguments, directives, union
//      members, interfaces, kind-specific rules, reserved names);
//   6. every directive definition in name order;
//   7. root types named Query, Mutation, Subscription when no schema
//      definition names them, and __schema / __type on the query type.
//
// Entry point: BuildSchema. Tested by tests/builtins/graphql_test.cc and the
// conformance folder graphql/.
#include "graphql/schema.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "graphql/parse.h"

namespace verdict::graphql {

const FieldDefinition* TypeDef::Field(std::string_view n) const {
  for (const FieldDefinition* f : fields) {
    if (f->name == n) return f;
  }
  return nullptr;
}

const EnumValueDefinition* TypeDef::EnumValue(std::string_view n) const {
  for (const EnumValueDefinition* v : enum_values) {
    if (v->name == n) return v;
  }
  return nullptr;
}

const TypeDef* Schema::Type(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

const DirectiveDefinition* Schema::Directive(std::string_view name) const {
  auto it = directives_.find(name);
  return it == directives_.end() ? nullptr : it->second;
}

const std::vector<const TypeDef*>& Schema::PossibleTypes(std::string_view name) const {
  static const auto* const kNone = new std::vector<const TypeDef*>();
  auto it = possible_types_.find(name);
  return it == possible_types_.end() ? *kNone : it->second;
}

const FieldDefinition& TypenameField() {
  static const FieldDefinition* const kField = [] {
    auto* f = new FieldDefinition();
    f->name = "__typename";
    f->type = std::make_unique<graphql::Type>();
    f->type->named_type = "String";
    return f;
  }();
  return *kField;
}

namespace {

// The types and directives every schema has (the GraphQL spec's built-in
// scalars and directives, and the introspection types), in gqlparser's
// selection, without descriptions.
constexpr std::string_view kPrelude = R"graphql(
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID

directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported")
  on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
directive @oneOf on INPUT_OBJECT

type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}

type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
  isOneOf: Boolean
}

enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }

type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}

type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}

enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD
  INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION
  ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT
  INPUT_FIELD_DEFINITION
}
)graphql";

const SchemaDocument& Prelude() {
  static const SchemaDocument* const kDoc = [] {
    auto* doc = new SchemaDocument();
    Error error;
    bool ok = ParseSchema(kPrelude, doc, &error, /*prelude=*/true);
    (void)ok;  // the prelude is a constant; tests parse it
    return doc;
  }();
  return *kDoc;
}

std::string Quote(std::string_view s) { return GoQuote(s); }

const Directive& Deref(const Directive& d) { return d; }
const Directive& Deref(const Directive* d) { return *d; }

}  // namespace

class SchemaBuilder {
 public:
  SchemaBuilder(Schema* schema, Error* error) : s_(*schema), error_(*error) {}

  bool Build(const SchemaDocument& doc);

 private:
  bool Fail(const Pos& pos, std::string message) {
    error_ = ErrorAt(pos, std::move(message));
    return false;
  }

  TypeDef* Mutable(std::string_view name) {
    auto it = s_.types_.find(name);
    return it == s_.types_.end() ? nullptr : it->second.get();
  }

  bool RootTypes(const SchemaDefinition& def);
  bool ValidateDefinition(const TypeDef& def);
  bool ValidateTypeRef(const graphql::Type& type);
  bool ValidateArgs(const std::vector<ArgumentDefinition>& args,
                    const DirectiveDefinition* current);
  template <typename Dirs>
  bool ValidateDirectives(const Dirs& dirs, std::string_view location,
                          const DirectiveDefinition* current);
  bool ValidateImplements(const TypeDef& def, const std::string& intf_name);
  bool IsCovariant(const graphql::Type& required, const graphql::Type& actual) const;
  bool ValidateName(const Pos& pos, std::string_view name) {
    if (name.substr(0, 2) != "__") return true;
    return Fail(pos, absl::StrCat("Name \"", Absl(name),
                                  "\" must not begin with \"__\", which is reserved by "
                                  "GraphQL introspection."));
  }

  Schema& s_;
  Error& error_;
};

bool SchemaBuilder::Build(const SchemaDocument& doc) {
  const SchemaDocument& prelude = Prelude();
  const SchemaDocument* docs[] = {&prelude, &doc};

  // 1. Types and extensions.
  std::vector<TypeDef*> defs;
  for (const SchemaDocument* d : docs) {
    for (const Definition& def : d->definitions) {
      if (s_.types_.count(def.name) > 0) {
        return Fail(def.pos, absl::StrCat("Cannot redeclare type ", def.name, "."));
      }
      auto t = std::make_unique<TypeDef>();
      t->kind = def.kind;
      t->name = def.name;
      t->pos = def.pos;
      t->builtin = def.builtin;
      for (const Directive& dir : def.directives) t->directives.push_back(&dir);
      t->interfaces = def.interfaces;
      for (const FieldDefinition& f : def.fields) t->fields.push_back(&f);
      t->types = def.types;
      for (const EnumValueDefinition& v : def.enum_values) t->enum_values.push_back(&v);
      defs.push_back(t.get());
      s_.types_.emplace(def.name, std::move(t));
    }
  }
  for (const SchemaDocument* d : docs) {
    for (const Definition& ext : d->extensions) {
      TypeDef* def = Mutable(ext.name);
      if (def == nullptr) {
        auto t = std::make_unique<TypeDef>();
        t->kind = ext.kind;
        t->name = ext.name;
        t->pos = ext.pos;
        def = t.get();
        defs.push_back(def);
        s_.types_.emplace(ext.name, std::move(t));
      }
      if (def->kind != ext.kind) {
        return Fail(ext.pos, absl::StrCat("Cannot extend type ", ext.name,
                                          " because the base type is a ", def->kind,
                                          ", not ", ext.kind, "."));
      }
      for (const Directive& dir : ext.directives) def->directives.push_back(&dir);
      def->interfaces.insert(def->interfaces.end(), ext.interfaces.begin(),
                             ext.interfaces.end());
      for (const FieldDefinition& f : ext.fields) def->fields.push_back(&f);
      def->types.insert(def->types.end(), ext.types.begin(), ext.types.end());
      for (const EnumValueDefinition& v : ext.enum_values) def->enum_values.push_back(&v);
    }
  }

  // 2. Possible types.
  for (TypeDef* def : defs) {
    if (def->kind == kUnion) {
      for (const std::string& t : def->types) s_.possible_types_[def->name].push_back(s_.Type(t));
    } else if (def->kind == kInputObject || def->kind == kObject) {
      for (const std::string& intf : def->interfaces) s_.possible_types_[intf].push_back(def);
      s_.possible_types_[def->name].push_back(def);
    } else if (def->kind == kInterface) {
      for (const std::string& intf : def->interfaces) s_.possible_types_[intf].push_back(def);
    }
  }

  // 3. Directive definitions.
  for (const SchemaDocument* d : docs) {
    for (const DirectiveDefinition& dir : d->directives) {
      if (s_.directives_.count(dir.name) > 0) {
        static constexpr std::string_view kBuiltins[] = {"include",     "skip",  "deprecated",
                                                         "specifiedBy", "defer", "oneOf"};
        if (std::find(std::begin(kBuiltins), std::end(kBuiltins), dir.name) ==
            std::end(kBuiltins)) {
          return Fail(dir.pos, absl::StrCat("Cannot redeclare directive ", dir.name, "."));
        }
      }
      s_.directives_[dir.name] = &dir;
    }
  }

  // 4. Schema definition and extensions.
  std::vector<const SchemaDefinition*> schemas;
  for (const SchemaDocument* d : docs) {
    for (const SchemaDefinition& def : d->schema) schemas.push_back(&def);
  }
  if (schemas.size() > 1) {
    return Fail(schemas[1]->pos,
                "Cannot have multiple schema entry points, consider schema extensions "
                "instead.");
  }
  if (schemas.size() == 1 && !RootTypes(*schemas[0])) return false;
  for (const SchemaDocument* d : docs) {
    for (const SchemaDefinition& ext : d->schema_extension) {
      if (!RootTypes(ext)) return false;
    }
  }

  // 5, 6. Types and directive definitions, in name order.
  for (const auto& [name, def] : s_.types_) {
    if (!ValidateDefinition(*def)) return false;
  }
  for (const auto& [name, dir] : s_.directives_) {
    if (!ValidateName(dir->pos, dir->name)) return false;
    if (!ValidateArgs(dir->arguments, dir)) return false;
  }

  // 7. Implied root types and the introspection fields.
  if (schemas.empty()) {
    if (s_.query_ == nullptr) s_.query_ = s_.Type("Query");
    if (s_.mutation_ == nullptr) s_.mutation_ = s_.Type("Mutation");
    if (s_.subscription_ == nullptr) s_.subscription_ = s_.Type("Subscription");
  }
  if (s_.query_ != nullptr) {
    auto schema_field = std::make_unique<FieldDefinition>();
    schema_field->name = "__schema";
    schema_field->type = std::make_unique<graphql::Type>();
    schema_field->type->named_type = "__Schema";
    schema_field->type->non_null = true;
    auto type_field = std::make_unique<FieldDefinition>();
    type_field->name = "__type";
    type_field->type = std::make_unique<graphql::Type>();
    type_field->type->named_type = "__Type";
    ArgumentDefinition& arg = type_field->arguments.emplace_back();
    arg.name = "name";
    arg.type = std::make_unique<graphql::Type>();
    arg.type->named_type = "String";
    arg.type->non_null = true;
    TypeDef* query = Mutable(s_.query_->name);
    query->fields.push_back(schema_field.get());
    query->fields.push_back(type_field.get());
    s_.meta_fields_.push_back(std::move(schema_field));
    s_.meta_fields_.push_back(std::move(type_field));
  }
  return true;
}

bool SchemaBuilder::RootTypes(const SchemaDefinition& def) {
  for (const OperationTypeDefinition& entry : def.operation_types) {
    const TypeDef* t = s_.Type(entry.type);
    if (t == nullptr) {
      return Fail(entry.pos, absl::StrCat("Schema root ", entry.operation,
                                          " refers to a type ", entry.type,
                                          " that does not exist."));
    }
    if (entry.operation == "query") {
      s_.query_ = t;
    } else if (entry.operation == "mutation") {
      s_.mutation_ = t;
    } else if (entry.operation == "subscription") {
      s_.subscription_ = t;
    }
  }
  return ValidateDirectives(def.directives, "SCHEMA", nullptr);
}

bool SchemaBuilder::ValidateDefinition(const TypeDef& def) {
  for (const FieldDefinition* field : def.fields) {
    if (!ValidateName(field->pos, field->name)) return false;
    if (!ValidateTypeRef(*field->type)) return false;
    if (!ValidateArgs(field->arguments, nullptr)) return false;
    std::string_view location =
        def.kind == kInputObject ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION";
    if (!ValidateDirectives(field->directives, location, nullptr)) return false;
  }
  for (const std::string& member : def.types) {
    const TypeDef* t = s_.Type(member);
    if (t == nullptr) return Fail(def.pos, absl::StrCat("Undefined type ", Quote(member), "."));
    if (t->kind != kObject) {
      return Fail(def.pos, absl::StrCat(def.kind, " type ", Quote(member), " must be OBJECT."));
    }
  }
  for (const std::string& intf : def.interfaces) {
    if (!ValidateImplements(def, intf)) return false;
  }
  if (def.kind == kObject || def.kind == kInterface) {
    if (def.fields.empty()) {
      return Fail(def.pos, absl::StrCat(def.kind, " ", def.name,
                                        ": must define one or more fields."));
    }
    for (const FieldDefinition* field : def.fields) {
      const TypeDef* t = s_.Type(field->type->Name());
      if (t != nullptr && !(t->kind == kScalar || t->kind == kObject || t->kind == kInterface ||
                            t->kind == kUnion || t->kind == kEnum)) {
        return Fail(field->pos, absl::StrCat(def.kind, " ", def.name,
                                             ": field must be one of SCALAR, OBJECT, "
                                             "INTERFACE, UNION, ENUM."));
      }
    }
  } else if (def.kind == kEnum) {
    if (def.enum_values.empty()) {
      return Fail(def.pos, absl::StrCat(def.kind, " ", def.name,
                                        ": must define one or more unique enum values."));
    }
    for (const EnumValueDefinition* value : def.enum_values) {
      if (value->name == "true" || value->name == "false" || value->name == "null") {
        return Fail(def.pos, absl::StrCat(def.kind, " ", def.name, ": non-enum value ",
                                          value->name, "."));
      }
      if (!ValidateDirectives(value->directives, "ENUM_VALUE", nullptr)) return false;
    }
  } else if (def.kind == kInputObject) {
    if (def.fields.empty()) {
      return Fail(def.pos, absl::StrCat(def.kind, " ", def.name,
                                        ": must define one or more input fields."));
    }
    for (const FieldDefinition* field : def.fields) {
      const TypeDef* t = s_.Type(field->type->Name());
      if (t != nullptr && !(t->kind == kScalar || t->kind == kEnum || t->kind == kInputObject)) {
        return Fail(field->pos, absl::StrCat(t->kind, " ", field->name,
                                             ": field must be one of SCALAR, ENUM, "
                                             "INPUT_OBJECT."));
      }
    }
  }
  for (size_t i = 0; i < def.fields.size(); ++i) {
    for (size_t j = i + 1; j < def.fields.size(); ++j) {
      if (def.fields[i]->name == def.fields[j]->name) {
        return Fail(def.fields[j]->pos, absl::StrCat("Field ", def.name, ".",
                                                     def.fields[j]->name,
                                                     " can only be defined once."));
      }
    }
  }
  if (!def.builtin && !ValidateName(def.pos, def.name)) return false;
  return ValidateDirectives(def.directives, def.kind, nullptr);
}

bool SchemaBuilder::ValidateTypeRef(const graphql::Type& type) {
  if (s_.Type(type.Name()) == nullptr) {
    return Fail(type.pos, absl::StrCat("Undefined type ", type.Name(), "."));
  }
  return true;
}

bool SchemaBuilder::ValidateArgs(const std::vector<ArgumentDefinition>& args,
                                 const DirectiveDefinition* current) {
  for (const ArgumentDefinition& arg : args) {
    if (!ValidateName(arg.pos, arg.name)) return false;
    if (!ValidateTypeRef(*arg.type)) return false;
    const TypeDef* def = s_.Type(arg.type->Name());
    if (!def->IsInputType()) {
      return Fail(arg.pos, absl::StrCat("cannot use ", arg.type->String(), " as argument ",
                                        arg.name, " because ", def->kind,
                                        " is not a valid input type"));
    }
    if (!ValidateDirectives(arg.directives, "ARGUMENT_DEFINITION", current)) return false;
  }
  return true;
}

template <typename Dirs>
bool SchemaBuilder::ValidateDirectives(const Dirs& dirs, std::string_view location,
                                       const DirectiveDefinition* current) {
  for (const auto& item : dirs) {
    const graphql::Directive& dir = Deref(item);
    if (!ValidateName(dir.pos, dir.name)) return false;
    if (current != nullptr && dir.name == current->name) {
      return Fail(dir.pos, absl::StrCat("Directive ", current->name,
                                        " cannot refer to itself."));
    }
    const DirectiveDefinition* def = s_.Directive(dir.name);
    if (def == nullptr) return Fail(dir.pos, absl::StrCat("Undefined directive ", dir.name, "."));
    if (std::find(def->locations.begin(), def->locations.end(), location) ==
        def->locations.end()) {
      return Fail(dir.pos, absl::StrCat("Directive ", dir.name, " is not applicable on ",
                                        Absl(location), "."));
    }
    for (const Argument& arg : dir.arguments) {
      if (def->Argument(arg.name) == nullptr) {
        return Fail(arg.pos, absl::StrCat("Undefined argument ", arg.name, " for directive ",
                                          dir.name, "."));
      }
    }
    for (const ArgumentDefinition& want : def->arguments) {
      if (!want.type->non_null || want.default_value != nullptr) continue;
      const Argument* given = nullptr;
      for (const Argument& arg : dir.arguments) {
        if (arg.name == want.name) {
          given = &arg;
          break;
        }
      }
      if (given == nullptr || given->value->kind == ValueKind::kNull) {
        return Fail(dir.pos, absl::StrCat("Argument ", want.name, " for directive ", dir.name,
                                          " cannot be null."));
      }
    }
  }
  return true;
}

bool SchemaBuilder::ValidateImplements(const TypeDef& def, const std::string& intf_name) {
  const TypeDef* intf = s_.Type(intf_name);
  if (intf == nullptr) {
    return Fail(def.pos, absl::StrCat("Undefined type ", Quote(intf_name), "."));
  }
  if (intf->kind != kInterface) {
    return Fail(def.pos, absl::StrCat(Quote(intf_name), " is a non interface type ",
                                      intf->kind, "."));
  }
  for (const FieldDefinition* required : intf->fields) {
    const FieldDefinition* found = def.Field(required->name);
    if (found == nullptr) {
      return Fail(def.pos, absl::StrCat("For ", def.name, " to implement ", intf->name,
                                        " it must have a field called ", required->name,
                                        "."));
    }
    if (!IsCovariant(*required->type, *found->type)) {
      return Fail(found->pos, absl::StrCat("For ", def.name, " to implement ", intf->name,
                                           " the field ", required->name,
                                           " must have type ", required->type->String(),
                                           "."));
    }
    for (const ArgumentDefinition& req_arg : required->arguments) {
      const ArgumentDefinition* found_arg = found->Argument(req_arg.name);
      if (found_arg == nullptr) {
        return Fail(found->pos,
                    absl::StrCat("For ", def.name, " to implement ", intf->name, " the field ",
                                 required->name,
                                 " must have the same arguments but it is missing ",
                                 req_arg.name, "."));
      }
      if (!req_arg.type->IsCompatible(*found_arg->type)) {
        return Fail(found_arg->pos,
                    absl::StrCat("For ", def.name, " to implement ", intf->name, " the field ",
                                 required->name, " must have the same arguments but ",
                                 req_arg.name, " has the wrong type."));
      }
    }
    for (const ArgumentDefinition& arg : found->arguments) {
      if (required->Argument(arg.name) == nullptr && arg.type->non_null &&
          arg.default_value == nullptr) {
        return Fail(arg.pos,
                    absl::StrCat("For ", def.name, " to implement ", intf->name,
                                 " any additional arguments on ", found->name,
                                 " must be optional or have a default value but ", arg.name,
                                 " is required."));
      }
    }
  }
  // Interfaces the interface implements must be implemented too.
  for (const std::string& transitive : intf->interfaces) {
    if (std::find(def.interfaces.begin(), def.interfaces.end(), transitive) !=
        def.interfaces.end()) {
      continue;
    }
    if (transitive == def.name) {
      return Fail(def.pos, absl::StrCat("Type ", def.name, " cannot implement ", intf_name,
                                        " because it would create a circular reference."));
    }
    return Fail(def.pos, absl::StrCat("Type ", def.name, " must implement ", transitive,
                                      " because it is implemented by ", intf_name, "."));
  }
  return true;
}

bool SchemaBuilder::IsCovariant(const graphql::Type& required,
                                const graphql::Type& actual) const {
  if (required.non_null && !actual.non_null) return false;
  if (!required.named_type.empty()) {
    if (required.named_type == actual.named_type) return true;
    for (const TypeDef* t : s_.PossibleTypes(required.named_type)) {
      if (t != nullptr && t->name == actual.named_type) return true;
    }
    return false;
  }
  if (required.elem != nullptr && actual.elem == nullptr) return false;
  if (required.elem == nullptr || actual.elem == nullptr) return true;
  return IsCovariant(*required.elem, *actual.elem);
}

bool BuildSchema(const SchemaDocument& doc, Schema* out, Error* error) {
  return SchemaBuilder(out, error).Build(doc);
}

}  // namespace verdict::graphql
