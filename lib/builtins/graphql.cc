// File: lib/builtins/graphql.cc
//
// graphql.parse_query, graphql.parse_schema, graphql.parse,
// graphql.parse_and_verify, graphql.is_valid and graphql.schema_is_valid:
// GraphQL parsing and validation (lib/graphql) with OPA's behaviour.
//
// Documents reach policies as OPA hands them over: gqlparser's document
// model marshalled to JSON, with positions dropped and null or empty members
// pruned (OPA's pruneIrrelevantGraphQLASTNodes):
//
//   graphql.parse_query("{hero {name}}") ==
//     {"Operations": [{"Name": "", "Operation": "query", "SelectionSet": [
//        {"Alias": "hero", "Name": "hero",
//         "SelectionSet": [{"Alias": "name", "Name": "name"}]}]}]}
//
// Queries and schemas may also be given in that form (an object): they are
// decoded with Go's encoding/json rules as gqlparser's types define them
// (keys matched exactly for the types with custom decoders, otherwise also
// case-insensitively; unknown keys ignored). As in gqlparser, every item of
// a decoded selection set becomes a field. Decoded documents have no
// positions, so their errors carry none.
//
// Errors are OPA's: "<msg> in GraphQL string at location L:C" for syntax
// and validation errors (the first validation error's message runs on with
// the others, as OPA splits gqlparser's error list text), "Error in
// gqlparser SchemaDocument to Schema conversion: input:L:C: <msg>" for an
// invalid schema in graphql.parse.
//
// Entry points: GraphqlParse, GraphqlParseAndVerify, GraphqlParseQuery,
// GraphqlParseSchema, GraphqlIsValid, GraphqlSchemaIsValid (builtins.def).
// Tested by tests/builtins/graphql_test.cc and the conformance folder
// graphql/.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "graphql/ast.h"
#include "graphql/parse.h"
#include "graphql/schema.h"
#include "graphql/validate.h"

namespace verdict::builtins {
namespace {

namespace gql = verdict::graphql;

// --- Documents -> values ----------------------------------------------------------

class Emitter {
 public:
  explicit Emitter(Arena* arena) : arena_(arena) {}

  Value Query(const gql::QueryDocument& doc) {
    Obj o(this);
    o.List("Operations", doc.operations, [&](const gql::OperationDefinition& op) {
      Obj x(this);
      x.Str("Operation", op.operation);
      x.Str("Name", op.name);
      x.List("VariableDefinitions", op.variable_definitions,
             [&](const auto& v) { return VariableDefinition(v); });
      x.List("Directives", op.directives, [&](const auto& d) { return Directive(d); });
      x.List("SelectionSet", op.selection_set, [&](const auto& s) { return Selection(s); });
      return x.Build();
    });
    o.List("Fragments", doc.fragments, [&](const gql::FragmentDefinition& f) {
      Obj x(this);
      x.Str("Name", f.name);
      x.List("VariableDefinition", f.variable_definition,
             [&](const auto& v) { return VariableDefinition(v); });
      x.Str("TypeCondition", f.type_condition);
      x.List("Directives", f.directives, [&](const auto& d) { return Directive(d); });
      x.List("SelectionSet", f.selection_set, [&](const auto& s) { return Selection(s); });
      return x.Build();
    });
    return o.Build();
  }

  Value Schema(const gql::SchemaDocument& doc) {
    Obj o(this);
    auto schema_def = [&](const gql::SchemaDefinition& s) {
      Obj x(this);
      x.Str("Description", s.description);
      x.List("Directives", s.directives, [&](const auto& d) { return Directive(d); });
      x.List("OperationTypes", s.operation_types, [&](const gql::OperationTypeDefinition& t) {
        Obj y(this);
        y.Str("Operation", t.operation);
        y.Str("Type", t.type);
        return y.Build();
      });
      return x.Build();
    };
    auto definition = [&](const gql::Definition& d) {
      Obj x(this);
      x.Str("Kind", d.kind);
      x.Str("Description", d.description);
      x.Str("Name", d.name);
      x.List("Directives", d.directives, [&](const auto& dir) { return Directive(dir); });
      x.Strings("Interfaces", d.interfaces);
      x.List("Fields", d.fields, [&](const auto& f) { return FieldDefinition(f); });
      x.Strings("Types", d.types);
      x.List("EnumValues", d.enum_values, [&](const gql::EnumValueDefinition& e) {
        Obj y(this);
        y.Str("Description", e.description);
        y.Str("Name", e.name);
        y.List("Directives", e.directives, [&](const auto& dir) { return Directive(dir); });
        return y.Build();
      });
      x.Bool("BuiltIn", d.builtin);
      return x.Build();
    };
    o.List("Schema", doc.schema, schema_def);
    o.List("SchemaExtension", doc.schema_extension, schema_def);
    o.List("Directives", doc.directives, [&](const gql::DirectiveDefinition& d) {
      Obj x(this);
      x.Str("Description", d.description);
      x.Str("Name", d.name);
      x.List("Arguments", d.arguments, [&](const auto& a) { return ArgumentDefinition(a); });
      x.Strings("Locations", d.locations);
      x.Bool("IsRepeatable", d.is_repeatable);
      return x.Build();
    });
    o.List("Definitions", doc.definitions, definition);
    o.List("Extensions", doc.extensions, definition);
    return o.Build();
  }

 private:
  // An object under construction; members that OPA prunes (null, empty
  // lists) are left out.
  class Obj {
   public:
    explicit Obj(Emitter* e) : e_(e), b_(e->arena_) {}
    void Str(std::string_view key, std::string_view value) {
      b_.Add(e_->S(key), e_->S(value));
    }
    void Bool(std::string_view key, bool value) { b_.Add(e_->S(key), Value::Bool(value)); }
    void Int(std::string_view key, int value) { b_.Add(e_->S(key), Value::Int(value)); }
    void Put(std::string_view key, Value value) {
      if (value.is_defined()) b_.Add(e_->S(key), std::move(value));
    }
    template <typename T, typename F>
    void List(std::string_view key, const std::vector<T>& items, F&& fn) {
      if (items.empty()) return;
      ArrayBuilder a(e_->arena_);
      a.Reserve(items.size());
      for (const T& item : items) a.Add(fn(item));
      b_.Add(e_->S(key), a.Build());
    }
    void Strings(std::string_view key, const std::vector<std::string>& items) {
      List(key, items, [&](const std::string& s) { return e_->S(s); });
    }
    Value Build() { return b_.Build(); }

   private:
    Emitter* e_;
    ObjectBuilder b_;
  };

  Value S(std::string_view s) { return Value::String(s, arena_); }

  Value Type(const gql::Type* t) {
    if (t == nullptr) return Value();
    Obj o(this);
    o.Str("NamedType", t->named_type);
    o.Put("Elem", Type(t->elem.get()));
    o.Bool("NonNull", t->non_null);
    return o.Build();
  }

  Value GqlValue(const gql::Value* v) {
    if (v == nullptr) return Value();
    Obj o(this);
    o.Str("Raw", v->raw);
    o.List("Children", v->children, [&](const gql::ChildValue& c) {
      Obj x(this);
      x.Str("Name", c.name);
      x.Put("Value", GqlValue(c.value.get()));
      return x.Build();
    });
    o.Int("Kind", static_cast<int>(v->kind));
    o.Bool("ExpectedTypeHasDefault", v->expected_type_has_default);
    return o.Build();
  }

  Value Directive(const gql::Directive& d) {
    Obj o(this);
    o.Str("Name", d.name);
    o.List("Arguments", d.arguments, [&](const gql::Argument& a) {
      Obj x(this);
      x.Str("Name", a.name);
      x.Put("Value", GqlValue(a.value.get()));
      return x.Build();
    });
    o.Str("Location", d.location);
    return o.Build();
  }

  Value VariableDefinition(const gql::VariableDefinition& v) {
    Obj o(this);
    o.Str("Variable", v.variable);
    o.Put("Type", Type(v.type.get()));
    o.Put("DefaultValue", GqlValue(v.default_value.get()));
    o.List("Directives", v.directives, [&](const auto& d) { return Directive(d); });
    o.Bool("Used", v.used);
    return o.Build();
  }

  Value Selection(const gql::Selection& s) {
    Obj o(this);
    switch (s.kind) {
      case gql::Selection::Kind::kField:
        o.Str("Alias", s.alias);
        o.Str("Name", s.name);
        o.List("Arguments", s.arguments, [&](const gql::Argument& a) {
          Obj x(this);
          x.Str("Name", a.name);
          x.Put("Value", GqlValue(a.value.get()));
          return x.Build();
        });
        break;
      case gql::Selection::Kind::kFragmentSpread:
        o.Str("Name", s.name);
        break;
      case gql::Selection::Kind::kInlineFragment:
        o.Str("TypeCondition", s.type_condition);
        break;
    }
    o.List("Directives", s.directives, [&](const auto& d) { return Directive(d); });
    if (!s.is_spread()) {
      o.List("SelectionSet", s.selection_set, [&](const auto& c) { return Selection(c); });
    }
    return o.Build();
  }

  Value ArgumentDefinition(const gql::ArgumentDefinition& a) {
    Obj o(this);
    o.Str("Description", a.description);
    o.Str("Name", a.name);
    o.Put("DefaultValue", GqlValue(a.default_value.get()));
    o.Put("Type", Type(a.type.get()));
    o.List("Directives", a.directives, [&](const auto& d) { return Directive(d); });
    return o.Build();
  }

  Value FieldDefinition(const gql::FieldDefinition& f) {
    Obj o(this);
    o.Str("Description", f.description);
    o.Str("Name", f.name);
    o.List("Arguments", f.arguments, [&](const auto& a) { return ArgumentDefinition(a); });
    o.Put("DefaultValue", GqlValue(f.default_value.get()));
    o.Put("Type", Type(f.type.get()));
    o.List("Directives", f.directives, [&](const auto& d) { return Directive(d); });
    return o.Build();
  }

  Arena* arena_;
};

// --- Values -> documents (Go's encoding/json into gqlparser's types) --------------

class Decoder {
 public:
  const std::string& error() const { return error_; }

  bool Query(const Value& v, gql::QueryDocument* doc) {
    return Struct(v, "QueryDocument", 0, [&](std::string_view key, const Value& x) {
      if (Is(key, "Operations", false)) {
        return List(x, "QueryDocument", "Operations", 1, &doc->operations,
                    [&](const Value& item, gql::OperationDefinition* op) {
                      return Operation(item, op, 2);
                    });
      }
      if (Is(key, "Fragments", false)) {
        return List(x, "QueryDocument", "Fragments", 1, &doc->fragments,
                    [&](const Value& item, gql::FragmentDefinition* f) {
                      return Fragment(item, f, 2);
                    });
      }
      if (Is(key, "Comment", false)) return Opaque(x, "QueryDocument", "Comment");
      return true;
    });
  }

  bool Schema(const Value& v, gql::SchemaDocument* doc) {
    return Struct(v, "SchemaDocument", 0, [&](std::string_view key, const Value& x) {
      auto schema_defs = [&](std::vector<gql::SchemaDefinition>* out, std::string_view field) {
        return List(x, "SchemaDocument", field, 1, out,
                    [&](const Value& item, gql::SchemaDefinition* s) {
                      return SchemaDefinition(item, s, 2);
                    });
      };
      auto definitions = [&](std::vector<gql::Definition>* out, std::string_view field) {
        return List(x, "SchemaDocument", field, 1, out,
                    [&](const Value& item, gql::Definition* d) { return Definition(item, d, 2); });
      };
      if (Is(key, "Schema", false)) return schema_defs(&doc->schema, "Schema");
      if (Is(key, "SchemaExtension", false)) {
        return schema_defs(&doc->schema_extension, "SchemaExtension");
      }
      if (Is(key, "Directives", false)) {
        return List(x, "SchemaDocument", "Directives", 1, &doc->directives,
                    [&](const Value& item, gql::DirectiveDefinition* d) {
                      return DirectiveDefinition(item, d, 2);
                    });
      }
      if (Is(key, "Definitions", false)) return definitions(&doc->definitions, "Definitions");
      if (Is(key, "Extensions", false)) return definitions(&doc->extensions, "Extensions");
      if (Is(key, "Comment", false)) return Opaque(x, "SchemaDocument", "Comment");
      return true;
    });
  }

 private:
  // Go matches a key to a field exactly, or ignoring case unless the type
  // has its own decoder.
  static bool Is(std::string_view key, std::string_view field, bool exact) {
    return exact ? key == field : absl::EqualsIgnoreCase(Absl(key), Absl(field));
  }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  static std::string_view JsonKind(const Value& v) {
    switch (v.kind()) {
      case Kind::kString: return "string";
      case Kind::kNumber: return "number";
      case Kind::kBool: return "bool";
      case Kind::kArray:
      case Kind::kSet: return "array";
      case Kind::kObject: return "object";
      default: return "null";
    }
  }

  bool TypeError(const Value& v, std::string_view owner, std::string_view field,
                 std::string_view go_type) {
    return Fail(absl::StrCat("json: cannot unmarshal ", Absl(JsonKind(v)),
                             " into Go struct field ", Absl(owner), ".", Absl(field),
                             " of type ", Absl(go_type)));
  }

  bool Invalid(std::string_view what) {
    return Fail(absl::StrCat("invalid GraphQL AST: ", Absl(what)));
  }

  // An object's members in key order (Go decodes OPA's sorted JSON); [fn]
  // sees each key (non-string keys as their JSON text, as OPA's ast.JSON).
  template <typename F>
  bool Struct(const Value& v, std::string_view go_type, int depth, F&& fn) {
    if (depth > limits::kMaxGraphQLDepth) return Invalid("nesting too deep");
    if (v.is_null()) return true;
    if (!v.is_object()) {
      return Fail(absl::StrCat("json: cannot unmarshal ", Absl(JsonKind(v)),
                               " into Go value of type ast.", Absl(go_type)));
    }
    for (const ObjectEntry& e : v.entries()) {
      std::string key = e.key.is_string() ? std::string(e.key.as_string()) : ToJson(e.key);
      if (!fn(key, e.value)) return false;
    }
    return true;
  }

  // A member of a Go type this package does not keep (validation results,
  // positions, comments): decoded for its shape only.
  bool Opaque(const Value& v, std::string_view owner, std::string_view field) {
    if (v.is_null() || v.is_object()) return true;
    return TypeError(v, owner, field, "struct");
  }

  bool Str(const Value& v, std::string_view owner, std::string_view field, std::string* out) {
    if (v.is_null()) return true;
    if (!v.is_string()) return TypeError(v, owner, field, "string");
    *out = std::string(v.as_string());
    return true;
  }

  bool Bool(const Value& v, std::string_view owner, std::string_view field, bool* out) {
    if (v.is_null()) return true;
    if (!v.is_bool()) return TypeError(v, owner, field, "bool");
    *out = v.as_bool();
    return true;
  }

  bool Strings(const Value& v, std::string_view owner, std::string_view field,
               std::vector<std::string>* out) {
    out->clear();
    if (v.is_null()) return true;
    if (!v.is_array() && !v.is_set()) return TypeError(v, owner, field, "[]string");
    for (const Value& item : v.items()) {
      std::string s;
      if (!Str(item, owner, field, &s)) return false;
      out->push_back(std::move(s));
    }
    return true;
  }

  // A list of structs; a null item is refused (gqlparser would dereference
  // it).
  template <typename T, typename F>
  bool List(const Value& v, std::string_view owner, std::string_view field, int depth,
            std::vector<T>* out, F&& fn) {
    out->clear();
    if (v.is_null()) return true;
    if (!v.is_array() && !v.is_set()) return TypeError(v, owner, field, "list");
    if (depth > limits::kMaxGraphQLDepth) return Invalid("nesting too deep");
    out->reserve(v.items().size());
    for (const Value& item : v.items()) {
      if (item.is_null()) return Invalid(absl::StrCat("null item in ", Absl(owner), ".", Absl(field)));
      if (!fn(item, &out->emplace_back())) return false;
    }
    return true;
  }

  bool Operation(const Value& v, gql::OperationDefinition* op, int depth) {
    bool ok = Struct(v, "OperationDefinition", depth, [&](std::string_view key,
                                                                  const Value& x) {
      constexpr std::string_view kOwner = "OperationDefinition";
      if (Is(key, "Operation", true)) return Str(x, kOwner, "Operation", &op->operation);
      if (Is(key, "Name", true)) return Str(x, kOwner, "Name", &op->name);
      if (Is(key, "VariableDefinitions", true)) {
        return VariableDefinitions(x, kOwner, "VariableDefinitions", depth,
                                   &op->variable_definitions);
      }
      if (Is(key, "Directives", true)) return Directives(x, kOwner, depth, &op->directives);
      if (Is(key, "SelectionSet", true)) return SelectionSet(x, depth, &op->selection_set);
      if (Is(key, "Position", true)) return Opaque(x, kOwner, "Position");
      return true;
    });
    if (!ok) return false;
    if (!op->operation.empty() && op->operation != "query" && op->operation != "mutation" &&
        op->operation != "subscription") {
      return Invalid(absl::StrCat("unknown operation type \"", op->operation, "\""));
    }
    return true;
  }

  bool Fragment(const Value& v, gql::FragmentDefinition* f, int depth) {
    return Struct(v, "FragmentDefinition", depth, [&](std::string_view key,
                                                              const Value& x) {
      constexpr std::string_view kOwner = "FragmentDefinition";
      if (Is(key, "Name", true)) return Str(x, kOwner, "Name", &f->name);
      if (Is(key, "VariableDefinition", true)) {
        return VariableDefinitions(x, kOwner, "VariableDefinition", depth,
                                   &f->variable_definition);
      }
      if (Is(key, "TypeCondition", true)) return Str(x, kOwner, "TypeCondition", &f->type_condition);
      if (Is(key, "Directives", true)) return Directives(x, kOwner, depth, &f->directives);
      if (Is(key, "SelectionSet", true)) return SelectionSet(x, depth, &f->selection_set);
      if (Is(key, "Definition", true)) return Opaque(x, kOwner, "Definition");
      if (Is(key, "Position", true)) return Opaque(x, kOwner, "Position");
      return true;
    });
  }

  bool VariableDefinitions(const Value& v, std::string_view owner, std::string_view field,
                           int depth, std::vector<gql::VariableDefinition>* out) {
    return List(v, owner, field, depth + 1, out,
                [&](const Value& item, gql::VariableDefinition* def) {
                  bool ok = Struct(item, "VariableDefinition", depth + 1,
                                   [&](std::string_view key, const Value& x) {
                    constexpr std::string_view kOwner = "VariableDefinition";
                    if (Is(key, "Variable", false)) return Str(x, kOwner, "Variable", &def->variable);
                    if (Is(key, "Type", false)) return TypeRef(x, kOwner, "Type", depth + 2, &def->type);
                    if (Is(key, "DefaultValue", false)) {
                      return GqlValue(x, kOwner, "DefaultValue", depth + 2, &def->default_value);
                    }
                    if (Is(key, "Directives", false)) {
                      return Directives(x, kOwner, depth + 1, &def->directives);
                    }
                    if (Is(key, "Used", false)) return Bool(x, kOwner, "Used", &def->used);
                    if (Is(key, "Definition", false) || Is(key, "Comment", false)) {
                      return Opaque(x, kOwner, key);
                    }
                    return true;
                  });
                  if (ok && def->type == nullptr) return Invalid("variable definition without a type");
                  return ok;
                });
  }

  bool TypeRef(const Value& v, std::string_view owner, std::string_view field, int depth,
               std::unique_ptr<gql::Type>* out) {
    out->reset();
    if (v.is_null()) return true;
    if (!v.is_object()) return TypeError(v, owner, field, "ast.Type");
    if (depth > limits::kMaxGraphQLDepth) return Invalid("nesting too deep");
    auto t = std::make_unique<gql::Type>();
    bool ok = Struct(v, "Type", depth, [&](std::string_view key, const Value& x) {
      if (Is(key, "NamedType", false)) return Str(x, "Type", "NamedType", &t->named_type);
      if (Is(key, "Elem", false)) return TypeRef(x, "Type", "Elem", depth + 1, &t->elem);
      if (Is(key, "NonNull", false)) return Bool(x, "Type", "NonNull", &t->non_null);
      return true;
    });
    if (!ok) return false;
    *out = std::move(t);
    return true;
  }

  bool GqlValue(const Value& v, std::string_view owner, std::string_view field, int depth,
                std::unique_ptr<gql::Value>* out) {
    out->reset();
    if (v.is_null()) return true;
    if (!v.is_object()) return TypeError(v, owner, field, "ast.Value");
    if (depth > limits::kMaxGraphQLDepth) return Invalid("nesting too deep");
    auto value = std::make_unique<gql::Value>();
    value->kind = gql::ValueKind::kVariable;  // Go's zero Kind
    bool ok = Struct(v, "Value", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "Value";
      if (Is(key, "Raw", false)) return Str(x, kOwner, "Raw", &value->raw);
      if (Is(key, "Kind", false)) {
        if (x.is_null()) return true;
        std::optional<int64_t> k = x.is_number() ? x.ToInt64() : std::nullopt;
        if (!k.has_value()) return TypeError(x, kOwner, "Kind", "ast.ValueKind");
        if (*k < 0 || *k > gql::kMaxValueKind) {
          return Invalid(absl::StrCat("unknown value kind ", *k));
        }
        value->kind = static_cast<gql::ValueKind>(*k);
        return true;
      }
      if (Is(key, "Children", false)) {
        return List(x, kOwner, "Children", depth + 1, &value->children,
                    [&](const Value& item, gql::ChildValue* c) {
                      bool child_ok = Struct(item, "ChildValue", depth + 1,
                                             [&](std::string_view k2, const Value& y) {
                        if (Is(k2, "Name", false)) return Str(y, "ChildValue", "Name", &c->name);
                        if (Is(k2, "Value", false)) {
                          return GqlValue(y, "ChildValue", "Value", depth + 2, &c->value);
                        }
                        if (Is(k2, "Comment", false)) return Opaque(y, "ChildValue", "Comment");
                        return true;
                      });
                      if (child_ok && c->value == nullptr) return Invalid("child without a value");
                      return child_ok;
                    });
      }
      if (Is(key, "ExpectedTypeHasDefault", false)) {
        return Bool(x, kOwner, "ExpectedTypeHasDefault", &value->expected_type_has_default);
      }
      if (Is(key, "Definition", false) || Is(key, "VariableDefinition", false) ||
          Is(key, "ExpectedType", false) || Is(key, "Comment", false)) {
        return Opaque(x, kOwner, key);
      }
      return true;
    });
    if (!ok) return false;
    *out = std::move(value);
    return true;
  }

  bool Arguments(const Value& v, std::string_view owner, int depth,
                 std::vector<gql::Argument>* out) {
    return List(v, owner, "Arguments", depth + 1, out, [&](const Value& item, gql::Argument* a) {
      bool ok = Struct(item, "Argument", depth + 1, [&](std::string_view key,
                                                               const Value& x) {
        if (Is(key, "Name", false)) return Str(x, "Argument", "Name", &a->name);
        if (Is(key, "Value", false)) return GqlValue(x, "Argument", "Value", depth + 2, &a->value);
        if (Is(key, "Comment", false)) return Opaque(x, "Argument", "Comment");
        return true;
      });
      if (ok && a->value == nullptr) return Invalid("argument without a value");
      return ok;
    });
  }

  bool Directives(const Value& v, std::string_view owner, int depth,
                  std::vector<gql::Directive>* out) {
    return List(v, owner, "Directives", depth + 1, out, [&](const Value& item, gql::Directive* d) {
      return Struct(item, "Directive", depth + 1, [&](std::string_view key,
                                                             const Value& x) {
        if (Is(key, "Name", false)) return Str(x, "Directive", "Name", &d->name);
        if (Is(key, "Arguments", false)) return Arguments(x, "Directive", depth + 1, &d->arguments);
        if (Is(key, "Location", false)) return Str(x, "Directive", "Location", &d->location);
        if (Is(key, "ParentDefinition", false) || Is(key, "Definition", false)) {
          return Opaque(x, "Directive", key);
        }
        return true;
      });
    });
  }

  // gqlparser's UnmarshalSelectionSet: each item as a Field, else as a
  // FragmentSpread, else as an InlineFragment, else dropped.
  bool SelectionSet(const Value& v, int depth, gql::SelectionSet* out) {
    out->clear();
    if (v.is_null()) return true;
    if (!v.is_array() && !v.is_set()) {
      return Fail(absl::StrCat("json: cannot unmarshal ", Absl(JsonKind(v)),
                               " into Go value of type []json.RawMessage"));
    }
    if (depth > limits::kMaxGraphQLDepth) return Invalid("nesting too deep");
    for (const Value& item : v.items()) {
      std::string saved = error_;
      gql::Selection sel;
      if (Field(item, depth + 1, &sel) || Spread(item, depth + 1, &sel) ||
          Inline(item, depth + 1, &sel)) {
        error_ = saved;
        out->push_back(std::move(sel));
        continue;
      }
      // Depth and shape problems of our own are errors; Go's decode
      // failures just drop the item.
      if (absl::StartsWith(error_, "invalid GraphQL AST")) return false;
      error_ = saved;
    }
    return true;
  }

  bool Field(const Value& v, int depth, gql::Selection* sel) {
    *sel = gql::Selection();
    sel->kind = gql::Selection::Kind::kField;
    if (!v.is_null() && !v.is_object()) return Fail("json: cannot unmarshal into ast.Field");
    return Struct(v, "Field", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "Field";
      if (Is(key, "Alias", true)) return Str(x, kOwner, "Alias", &sel->alias);
      if (Is(key, "Name", true)) return Str(x, kOwner, "Name", &sel->name);
      if (Is(key, "Arguments", true)) return Arguments(x, kOwner, depth, &sel->arguments);
      if (Is(key, "Directives", true)) return Directives(x, kOwner, depth, &sel->directives);
      if (Is(key, "SelectionSet", true)) return SelectionSet(x, depth, &sel->selection_set);
      if (Is(key, "Position", true) || Is(key, "Definition", true) ||
          Is(key, "ObjectDefinition", true)) {
        return Opaque(x, kOwner, key);
      }
      return true;
    });
  }

  bool Spread(const Value& v, int depth, gql::Selection* sel) {
    *sel = gql::Selection();
    sel->kind = gql::Selection::Kind::kFragmentSpread;
    if (!v.is_null() && !v.is_object()) return Fail("json: cannot unmarshal into ast.FragmentSpread");
    return Struct(v, "FragmentSpread", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "FragmentSpread";
      if (Is(key, "Name", false)) return Str(x, kOwner, "Name", &sel->name);
      if (Is(key, "Directives", false)) return Directives(x, kOwner, depth, &sel->directives);
      if (Is(key, "ObjectDefinition", false) || Is(key, "Definition", false) ||
          Is(key, "Comment", false)) {
        return Opaque(x, kOwner, key);
      }
      return true;
    });
  }

  bool Inline(const Value& v, int depth, gql::Selection* sel) {
    *sel = gql::Selection();
    sel->kind = gql::Selection::Kind::kInlineFragment;
    if (!v.is_null() && !v.is_object()) return Fail("json: cannot unmarshal into ast.InlineFragment");
    return Struct(v, "InlineFragment", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "InlineFragment";
      if (Is(key, "TypeCondition", true)) return Str(x, kOwner, "TypeCondition", &sel->type_condition);
      if (Is(key, "Directives", true)) return Directives(x, kOwner, depth, &sel->directives);
      if (Is(key, "SelectionSet", true)) return SelectionSet(x, depth, &sel->selection_set);
      if (Is(key, "ObjectDefinition", true) || Is(key, "Position", true)) {
        return Opaque(x, kOwner, key);
      }
      return true;
    });
  }

  bool SchemaDefinition(const Value& v, gql::SchemaDefinition* s, int depth) {
    return Struct(v, "SchemaDefinition", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "SchemaDefinition";
      if (Is(key, "Description", false)) return Str(x, kOwner, "Description", &s->description);
      if (Is(key, "Directives", false)) return Directives(x, kOwner, depth, &s->directives);
      if (Is(key, "OperationTypes", false)) {
        return List(x, kOwner, "OperationTypes", depth + 1, &s->operation_types,
                    [&](const Value& item, gql::OperationTypeDefinition* t) {
                      return Struct(item, "OperationTypeDefinition", depth + 1,
                                    [&](std::string_view k2, const Value& y) {
                        if (Is(k2, "Operation", false)) {
                          return Str(y, "OperationTypeDefinition", "Operation", &t->operation);
                        }
                        if (Is(k2, "Type", false)) {
                          return Str(y, "OperationTypeDefinition", "Type", &t->type);
                        }
                        return true;
                      });
                    });
      }
      return true;
    });
  }

  bool ArgumentDefinitions(const Value& v, std::string_view owner, int depth,
                           std::vector<gql::ArgumentDefinition>* out) {
    return List(v, owner, "Arguments", depth + 1, out,
                [&](const Value& item, gql::ArgumentDefinition* a) {
                  bool ok = Struct(item, "ArgumentDefinition", depth + 1,
                                   [&](std::string_view key, const Value& x) {
                    constexpr std::string_view kOwner = "ArgumentDefinition";
                    if (Is(key, "Description", false)) return Str(x, kOwner, "Description", &a->description);
                    if (Is(key, "Name", false)) return Str(x, kOwner, "Name", &a->name);
                    if (Is(key, "DefaultValue", false)) {
                      return GqlValue(x, kOwner, "DefaultValue", depth + 2, &a->default_value);
                    }
                    if (Is(key, "Type", false)) return TypeRef(x, kOwner, "Type", depth + 2, &a->type);
                    if (Is(key, "Directives", false)) return Directives(x, kOwner, depth + 1, &a->directives);
                    return true;
                  });
                  if (ok && a->type == nullptr) return Invalid("argument definition without a type");
                  return ok;
                });
  }

  bool Definition(const Value& v, gql::Definition* d, int depth) {
    return Struct(v, "Definition", depth, [&](std::string_view key, const Value& x) {
      constexpr std::string_view kOwner = "Definition";
      if (Is(key, "Kind", false)) return Str(x, kOwner, "Kind", &d->kind);
      if (Is(key, "Description", false)) return Str(x, kOwner, "Description", &d->description);
      if (Is(key, "Name", false)) return Str(x, kOwner, "Name", &d->name);
      if (Is(key, "Directives", false)) return Directives(x, kOwner, depth, &d->directives);
      if (Is(key, "Interfaces", false)) return Strings(x, kOwner, "Interfaces", &d->interfaces);
      if (Is(key, "Types", false)) return Strings(x, kOwner, "Types", &d->types);
      if (Is(key, "BuiltIn", false)) return Bool(x, kOwner, "BuiltIn", &d->builtin);
      if (Is(key, "Fields", false)) {
        return List(x, kOwner, "Fields", depth + 1, &d->fields,
                    [&](const Value& item, gql::FieldDefinition* f) {
                      bool ok = Struct(item, "FieldDefinition", depth + 1,
                                       [&](std::string_view k2, const Value& y) {
                        constexpr std::string_view kField = "FieldDefinition";
                        if (Is(k2, "Description", false)) return Str(y, kField, "Description", &f->description);
                        if (Is(k2, "Name", false)) return Str(y, kField, "Name", &f->name);
                        if (Is(k2, "Arguments", false)) {
                          return ArgumentDefinitions(y, kField, depth + 1, &f->arguments);
                        }
                        if (Is(k2, "DefaultValue", false)) {
                          return GqlValue(y, kField, "DefaultValue", depth + 2, &f->default_value);
                        }
                        if (Is(k2, "Type", false)) return TypeRef(y, kField, "Type", depth + 2, &f->type);
                        if (Is(k2, "Directives", false)) return Directives(y, kField, depth + 1, &f->directives);
                        return true;
                      });
                      if (ok && f->type == nullptr) return Invalid("field definition without a type");
                      return ok;
                    });
      }
      if (Is(key, "EnumValues", false)) {
        return List(x, kOwner, "EnumValues", depth + 1, &d->enum_values,
                    [&](const Value& item, gql::EnumValueDefinition* e) {
                      return Struct(item, "EnumValueDefinition", depth + 1,
                                    [&](std::string_view k2, const Value& y) {
                        constexpr std::string_view kEnum = "EnumValueDefinition";
                        if (Is(k2, "Description", false)) return Str(y, kEnum, "Description", &e->description);
                        if (Is(k2, "Name", false)) return Str(y, kEnum, "Name", &e->name);
                        if (Is(k2, "Directives", false)) return Directives(y, kEnum, depth + 1, &e->directives);
                        return true;
                      });
                    });
      }
      return true;
    });
  }

  bool DirectiveDefinition(const Value& v, gql::DirectiveDefinition* d, int depth) {
    return Struct(v, "DirectiveDefinition", depth, [&](std::string_view key,
                                                              const Value& x) {
      constexpr std::string_view kOwner = "DirectiveDefinition";
      if (Is(key, "Description", false)) return Str(x, kOwner, "Description", &d->description);
      if (Is(key, "Name", false)) return Str(x, kOwner, "Name", &d->name);
      if (Is(key, "Arguments", false)) return ArgumentDefinitions(x, kOwner, depth, &d->arguments);
      if (Is(key, "Locations", false)) return Strings(x, kOwner, "Locations", &d->locations);
      if (Is(key, "IsRepeatable", false)) return Bool(x, kOwner, "IsRepeatable", &d->is_repeatable);
      return true;
    });
  }

  std::string error_;
};

// --- The builtins ---------------------------------------------------------------------

// OPA's rewording of a gqlparser error list (graphql.go): the text of the
// list split at its first three colons; for validation the trailing ".\n"
// is trimmed.
std::string Reword(const std::vector<gql::Error>& errors, bool validation) {
  std::string all;
  for (const gql::Error& e : errors) absl::StrAppend(&all, e.Format(), validation ? "\n" : "");
  std::vector<std::string> parts;
  size_t from = 0;
  while (parts.size() < 3) {
    size_t colon = all.find(':', from);
    if (colon == std::string::npos) break;
    parts.push_back(all.substr(from, colon - from));
    from = colon + 1;
  }
  std::string rest = all.substr(from);
  if (parts.size() < 3) {
    // No location (documents decoded from JSON): the text after the file
    // name. (gqlparser's text then has too few colons for OPA's split.)
    size_t colon = all.find(':');
    std::string_view msg = all;
    if (colon != std::string::npos) msg.remove_prefix(colon + 1);
    while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
    if (validation && absl::EndsWith(Absl(msg), ".\n")) msg.remove_suffix(2);
    return std::string(msg);
  }
  std::string_view msg = rest;
  while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
  if (validation && absl::EndsWith(Absl(msg), ".\n")) msg.remove_suffix(2);
  return absl::StrCat(Absl(msg), " in GraphQL string at location ", parts[1], ":", parts[2]);
}

// A query or schema operand: parsed text or a decoded object. [error] is
// OPA's message on failure; [wrong_type] tells a bad operand kind apart.
struct Loaded {
  bool ok = false;
  bool wrong_type = false;
  std::string error;
};

Loaded LoadQuery(const Value& v, gql::QueryDocument* doc) {
  Loaded r;
  if (v.is_string()) {
    gql::Error err;
    r.ok = gql::ParseQuery(v.as_string(), doc, &err);
    if (!r.ok) r.error = Reword({err}, false);
  } else if (v.is_object()) {
    Decoder d;
    r.ok = d.Query(v, doc);
    if (!r.ok) r.error = d.error();
  } else {
    r.wrong_type = true;
  }
  return r;
}

Loaded LoadSchema(const Value& v, gql::SchemaDocument* doc) {
  Loaded r;
  if (v.is_string()) {
    gql::Error err;
    r.ok = gql::ParseSchema(v.as_string(), doc, &err);
    if (!r.ok) r.error = Reword({err}, false);
  } else if (v.is_object()) {
    Decoder d;
    r.ok = d.Schema(v, doc);
    if (!r.ok) r.error = d.error();
  } else {
    r.wrong_type = true;
  }
  return r;
}

// The steps graphql.parse, graphql.parse_and_verify and graphql.is_valid
// share: load both documents, convert them to values (before validation
// annotates them, as OPA does), build the schema, validate the query.
struct Verified {
  absl::Status status;  // the error graphql.parse reports
  bool ok = false;
  Value query;
  Value schema;
};

Verified Verify(std::string_view name, BuiltinContext& ctx, std::span<const Value> args,
                bool want_values) {
  Verified out;
  gql::QueryDocument query;
  Loaded q = LoadQuery(args[0], &query);
  if (q.wrong_type) {
    out.status = OperandTypeError(name, -1, args[0], {"string", "object"});
    return out;
  }
  if (!q.ok) {
    out.status = BuiltinError(name, q.error);
    return out;
  }
  gql::SchemaDocument schema_doc;
  Loaded s = LoadSchema(args[1], &schema_doc);
  if (s.wrong_type) {
    out.status = OperandTypeError(name, 0, args[1], {"string", "object"});
    return out;
  }
  if (!s.ok) {
    out.status = BuiltinError(name, s.error);
    return out;
  }
  Emitter emit(ctx.arena);
  if (want_values) out.schema = emit.Schema(schema_doc);
  gql::Schema schema;
  gql::Error schema_error;
  if (!gql::BuildSchema(schema_doc, &schema, &schema_error)) {
    out.status = BuiltinError(
        name, absl::StrCat("Error in gqlparser SchemaDocument to Schema conversion: ",
                           schema_error.Format()));
    return out;
  }
  if (want_values) out.query = emit.Query(query);
  std::vector<gql::Error> errors = gql::Validate(schema, query);
  if (!errors.empty()) {
    out.status = BuiltinError(name, Reword(errors, true));
    return out;
  }
  out.ok = true;
  return out;
}

Value Array(BuiltinContext& ctx, std::initializer_list<Value> items) {
  ArrayBuilder b(ctx.arena);
  b.Reserve(items.size());
  for (const Value& v : items) b.Add(v);
  return b.Build();
}

}  // namespace

absl::StatusOr<Value> GraphqlParseQuery(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "graphql.parse_query";
  VERDICT_ASSIGN_OR_RETURN(std::string_view text, StringArg(kName, args, 0));
  gql::QueryDocument doc;
  gql::Error err;
  if (!gql::ParseQuery(text, &doc, &err)) return BuiltinError(kName, Reword({err}, false));
  return Emitter(ctx.arena).Query(doc);
}

absl::StatusOr<Value> GraphqlParseSchema(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "graphql.parse_schema";
  VERDICT_ASSIGN_OR_RETURN(std::string_view text, StringArg(kName, args, 0));
  gql::SchemaDocument doc;
  gql::Error err;
  if (!gql::ParseSchema(text, &doc, &err)) return BuiltinError(kName, Reword({err}, false));
  return Emitter(ctx.arena).Schema(doc);
}

absl::StatusOr<Value> GraphqlParse(BuiltinContext& ctx, std::span<const Value> args) {
  Verified v = Verify("graphql.parse", ctx, args, true);
  if (!v.ok) return v.status;
  return Array(ctx, {v.query, v.schema});
}

absl::StatusOr<Value> GraphqlParseAndVerify(BuiltinContext& ctx, std::span<const Value> args) {
  Verified v = Verify("graphql.parse_and_verify", ctx, args, true);
  if (!v.ok) return Array(ctx, {Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});
  return Array(ctx, {Value::Bool(true), v.query, v.schema});
}

absl::StatusOr<Value> GraphqlIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(Verify("graphql.is_valid", ctx, args, false).ok);
}

absl::StatusOr<Value> GraphqlSchemaIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  gql::SchemaDocument doc;
  Loaded s = LoadSchema(args[0], &doc);
  if (!s.ok) return Value::Bool(false);
  gql::Schema schema;
  gql::Error err;
  return Value::Bool(gql::BuildSchema(doc, &schema, &err));
}

}  // namespace verdict::builtins
