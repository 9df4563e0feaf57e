// File: lib/graphql/ast.h
//
// The GraphQL document model: query documents (operations, fragments) and
// schema documents (types, directives, schema definitions, extensions).
// It mirrors the document model of gqlparser, the library behind OPA's
// graphql.* builtins, node for node and field for field, because OPA hands
// that model to policies as JSON (lib/builtins/graphql.cc converts both
// ways) and its validator reads the same fields.
//
// Nodes are plain structs owned by their parent through vectors (stable once
// a document is built). Query nodes carry a few annotations that validation
// fills in (validate.h), pointing into the Schema (schema.h); they are never
// part of the JSON form.
//
// Positions are gqlparser's: 1-based line and column in characters, with a
// string token placed just after its opening quote(s). Documents decoded from
// JSON have no positions (Pos::known false).
//
// Built by parse.h (from text) and by lib/builtins/graphql.cc (from JSON).
// Tested by tests/builtins/graphql_test.cc.
#ifndef VERDICT_GRAPHQL_AST_H_
#define VERDICT_GRAPHQL_AST_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace verdict::graphql {

struct Pos {
  int line = -1;
  int column = -1;
  bool known = false;    // false for nodes decoded from JSON
  bool prelude = false;  // inside the built-in prelude (file "prelude.graphql")

  static Pos At(int line, int column) { return Pos{line, column, true, false}; }
};

// A type reference: Name, [Type], either with `!`.
struct Type {
  std::string named_type;      // empty for a list type
  std::unique_ptr<Type> elem;  // set for a list type
  bool non_null = false;
  Pos pos;

  Type() = default;
  Type(const Type& other);
  Type& operator=(const Type& other);
  Type(Type&&) = default;
  Type& operator=(Type&&) = default;

  // The innermost named type ("" when malformed).
  const std::string& Name() const;
  // GraphQL notation: "[String!]!".
  std::string String() const;
  // gqlparser's Type.IsCompatible: may a value of this type be used where
  // [other] is expected?
  bool IsCompatible(const Type& other) const;
};

// gqlparser's ValueKind numbering, which the JSON form exposes as "Kind".
enum class ValueKind : int {
  kVariable = 0,
  kInt = 1,
  kFloat = 2,
  kString = 3,
  kBlock = 4,
  kBoolean = 5,
  kNull = 6,
  kEnum = 7,
  kList = 8,
  kObject = 9,
};
inline constexpr int kMaxValueKind = 9;

struct Definition;
struct VariableDefinition;
struct TypeDef;

struct ChildValue;

// A value literal. Lists and objects hold children (list children have
// empty names).
struct Value {
  ValueKind kind = ValueKind::kNull;
  std::string raw;  // variable name, literal text, decoded string
  std::vector<ChildValue> children;
  bool expected_type_has_default = false;
  Pos pos;

  // Validation annotations.
  const TypeDef* definition = nullptr;
  const VariableDefinition* variable_definition = nullptr;
  const Type* expected_type = nullptr;

  Value() = default;
  Value(const Value& other);
  Value& operator=(const Value& other);
  Value(Value&&) = default;
  Value& operator=(Value&&) = default;

  // gqlparser's Value.String(): "$x", raw literals, quoted strings,
  // "[a,b]", "{k:v}".
  std::string String() const;
};

struct ChildValue {
  std::string name;
  std::unique_ptr<Value> value;
  Pos pos;

  ChildValue() = default;
  ChildValue(const ChildValue& other);
  ChildValue& operator=(const ChildValue& other);
  ChildValue(ChildValue&&) = default;
  ChildValue& operator=(ChildValue&&) = default;
};

struct Argument {
  std::string name;
  std::unique_ptr<Value> value;
  Pos pos;
};

struct DirectiveDefinition;

struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  std::string location;  // set by validation; part of the JSON form
  Pos pos;

  // Validation annotations.
  const DirectiveDefinition* definition = nullptr;
  const TypeDef* parent_definition = nullptr;
};

struct FieldDefinition;
struct FragmentDefinition;
struct Selection;
using SelectionSet = std::vector<Selection>;

// A field, fragment spread or inline fragment (one struct, as gqlparser's
// decoder treats them alike; `kind` says which).
struct Selection {
  enum class Kind { kField, kFragmentSpread, kInlineFragment };
  Kind kind = Kind::kField;
  std::string alias;           // field
  std::string name;            // field, fragment spread
  std::string type_condition;  // inline fragment
  std::vector<Argument> arguments;  // field
  std::vector<Directive> directives;
  SelectionSet selection_set;  // field, inline fragment
  Pos pos;

  // Validation annotations.
  const FieldDefinition* definition = nullptr;          // field
  const TypeDef* object_definition = nullptr;           // all kinds
  const FragmentDefinition* fragment = nullptr;         // fragment spread

  bool is_field() const { return kind == Kind::kField; }
  bool is_spread() const { return kind == Kind::kFragmentSpread; }
  bool is_inline() const { return kind == Kind::kInlineFragment; }
};

struct VariableDefinition {
  std::string variable;
  std::unique_ptr<Type> type;
  std::unique_ptr<Value> default_value;
  std::vector<Directive> directives;
  Pos pos;

  // Validation annotations.
  const TypeDef* definition = nullptr;
  bool used = false;  // part of the JSON form ("Used")
};

struct OperationDefinition {
  std::string operation;  // "query", "mutation", "subscription" ("" = query)
  std::string name;
  std::vector<VariableDefinition> variable_definitions;
  std::vector<Directive> directives;
  SelectionSet selection_set;
  Pos pos;
};

struct FragmentDefinition {
  std::string name;
  std::vector<VariableDefinition> variable_definition;  // experimental syntax
  std::string type_condition;
  std::vector<Directive> directives;
  SelectionSet selection_set;
  Pos pos;

  const TypeDef* definition = nullptr;  // validation annotation
};

struct QueryDocument {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
};

// --- Schema documents ---------------------------------------------------------

struct ArgumentDefinition {
  std::string description;
  std::string name;
  std::unique_ptr<Value> default_value;
  std::unique_ptr<Type> type;
  std::vector<Directive> directives;
  Pos pos;
};

struct FieldDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;  // object and interface fields
  std::unique_ptr<Value> default_value;       // input object fields
  std::unique_ptr<Type> type;
  std::vector<Directive> directives;
  Pos pos;

  const ArgumentDefinition* Argument(std::string_view name) const;
};

struct EnumValueDefinition {
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  Pos pos;
};

// Kinds as gqlparser spells them ("SCALAR", "OBJECT", "INTERFACE", "UNION",
// "ENUM", "INPUT_OBJECT"); JSON input may carry any string.
inline constexpr std::string_view kScalar = "SCALAR";
inline constexpr std::string_view kObject = "OBJECT";
inline constexpr std::string_view kInterface = "INTERFACE";
inline constexpr std::string_view kUnion = "UNION";
inline constexpr std::string_view kEnum = "ENUM";
inline constexpr std::string_view kInputObject = "INPUT_OBJECT";

// A type definition or a type extension.
struct Definition {
  std::string kind;
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  std::vector<std::string> interfaces;  // object, interface
  std::vector<FieldDefinition> fields;  // object, interface, input object
  std::vector<std::string> types;       // union members
  std::vector<EnumValueDefinition> enum_values;
  bool builtin = false;
  Pos pos;
};

struct DirectiveDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;
  std::vector<std::string> locations;
  bool is_repeatable = false;
  Pos pos;

  const ArgumentDefinition* Argument(std::string_view name) const;
};

struct OperationTypeDefinition {
  std::string operation;
  std::string type;
  Pos pos;
};

struct SchemaDefinition {
  std::string description;
  std::vector<Directive> directives;
  std::vector<OperationTypeDefinition> operation_types;
  Pos pos;
};

struct SchemaDocument {
  std::vector<SchemaDefinition> schema;
  std::vector<SchemaDefinition> schema_extension;
  std::vector<DirectiveDefinition> directives;
  std::vector<Definition> definitions;
  std::vector<Definition> extensions;
};

// An error as gqlparser reports it: a message and, when known, where.
struct Error {
  std::string message;
  bool has_location = false;
  int line = 0;
  int column = 0;
  bool in_prelude = false;  // located in the built-in prelude

  // gqlparser's Error(): "input:3:5: message" ("prelude.graphql:..." for
  // the prelude, "input: message" without a location).
  std::string Format() const;
};

// Error for a node position (gqlparser's ErrorPosf: an unknown position is
// line -1, column -1).
Error ErrorAt(const Pos& pos, std::string message);

// Go's strconv.Quote, used in gqlparser's messages.
std::string GoQuote(std::string_view s);

}  // namespace verdict::graphql

#endif  // VERDICT_GRAPHQL_AST_H_
