// File: tests/builtins/graphql_test.cc
//
// The graphql.* builtins (lib/builtins/graphql.cc) and the GraphQL engine
// under them (lib/graphql): document shapes as OPA returns them, gqlparser's
// syntax error messages and positions, schema and query validation rules,
// documents given as objects, and malformed or random input, which must
// never crash.
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "builtin_testing.h"
#include "graphql/parse.h"
#include "gtest/gtest.h"

namespace verdict::builtins::testing {
namespace {

std::string ParseQuery(std::string_view text) {
  return Eval("graphql.parse_query", {ToJson(Str(text))});
}

std::string ParseSchema(std::string_view text) {
  return Eval("graphql.parse_schema", {ToJson(Str(text))});
}

// graphql.parse's error text (or "ok").
std::string ParseError(std::string_view query, std::string_view schema) {
  absl::StatusOr<Value> r = Call("graphql.parse", {Str(query), Str(schema)});
  if (r.ok()) return "ok";
  return std::string(r.status().message());
}

bool IsValid(std::string_view query, std::string_view schema) {
  absl::StatusOr<Value> r = Call("graphql.is_valid", {Str(query), Str(schema)});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() && r->is_true();
}

constexpr std::string_view kSchema = R"(
  schema { query: Query mutation: Mutation subscription: Subscription }
  type Query {
    hero(episode: Episode): Character
    human(id: ID!): Human
    search(text: String, limit: Int = 10): [SearchResult]
    node(id: ID!): Node
    tags(filter: TagFilter): [String!]
  }
  type Mutation { like(story: Int!): Story }
  type Subscription { storyLiked: Story storyAdded: Story }
  type Story { id: ID! likes: Int }
  enum Episode { NEWHOPE EMPIRE JEDI }
  interface Node { id: ID! }
  interface Character implements Node { id: ID! name: String! friends: [Character] }
  type Human implements Character & Node { id: ID! name: String! friends: [Character] height(unit: Unit = METER): Float }
  type Droid implements Character & Node { id: ID! name: String! friends: [Character] primaryFunction: String }
  enum Unit { METER FOOT }
  union SearchResult = Human | Droid
  input TagFilter { prefix: String! limit: Int }
)";

// --- Document shapes ---------------------------------------------------------------

TEST(GraphqlParseQueryTest, ShorthandQueryShape) {
  EXPECT_EQ(ParseQuery("{hero {name}}"),
            R"({"Operations":[{"Name":"","Operation":"query","SelectionSet":[)"
            R"({"Alias":"hero","Name":"hero","SelectionSet":[{"Alias":"name","Name":"name"}]}]}]})");
}

TEST(GraphqlParseQueryTest, AliasesArgumentsAndValueKinds) {
  EXPECT_EQ(
      ParseQuery(R"(query Q($v: [Int!]! = [1]) { a: f(i: 1, fl: 1.5e3, s: "x\u0041", b: true,)"
                 R"( n: null, e: RED, l: [$v], o: {k: "v"}) @skip(if: false) })"),
      R"({"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"a","Arguments":[)"
      R"({"Name":"i","Value":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"}},)"
      R"({"Name":"fl","Value":{"ExpectedTypeHasDefault":false,"Kind":2,"Raw":"1.5e3"}},)"
      R"({"Name":"s","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"xA"}},)"
      R"({"Name":"b","Value":{"ExpectedTypeHasDefault":false,"Kind":5,"Raw":"true"}},)"
      R"({"Name":"n","Value":{"ExpectedTypeHasDefault":false,"Kind":6,"Raw":"null"}},)"
      R"({"Name":"e","Value":{"ExpectedTypeHasDefault":false,"Kind":7,"Raw":"RED"}},)"
      R"({"Name":"l","Value":{"Children":[{"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"v"}}],"ExpectedTypeHasDefault":false,"Kind":8,"Raw":""}},)"
      R"({"Name":"o","Value":{"Children":[{"Name":"k","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"v"}}],"ExpectedTypeHasDefault":false,"Kind":9,"Raw":""}}],)"
      R"("Directives":[{"Arguments":[{"Name":"if","Value":{"ExpectedTypeHasDefault":false,"Kind":5,"Raw":"false"}}],"Location":"","Name":"skip"}],"Name":"f"}],)"
      R"("VariableDefinitions":[{"DefaultValue":{"Children":[{"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"}}],"ExpectedTypeHasDefault":false,"Kind":8,"Raw":""},)"
      R"("Type":{"Elem":{"NamedType":"Int","NonNull":true},"NamedType":"","NonNull":true},"Used":false,"Variable":"v"}]}]})");
}

TEST(GraphqlParseQueryTest, FragmentsAndInlineFragments) {
  EXPECT_EQ(ParseQuery("{ ...F ... on T { a } ... @d { b } } fragment F on T { c }"),
            R"({"Fragments":[{"Name":"F","SelectionSet":[{"Alias":"c","Name":"c"}],"TypeCondition":"T"}],)"
            R"("Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Name":"F"},)"
            R"({"SelectionSet":[{"Alias":"a","Name":"a"}],"TypeCondition":"T"},)"
            R"({"Directives":[{"Location":"","Name":"d"}],"SelectionSet":[{"Alias":"b","Name":"b"}],"TypeCondition":""}]}]})");
}

TEST(GraphqlParseQueryTest, EmptyDocumentIsEmptyObject) {
  EXPECT_EQ(ParseQuery(""), "{}");
  EXPECT_EQ(ParseQuery("  # only a comment\n,,,"), "{}");
}

TEST(GraphqlParseSchemaTest, BlockStringDescriptionsAreDedented) {
  EXPECT_EQ(ParseSchema("\"\"\"\n    First\n      indented\n\n    last\n  \"\"\"\nscalar S"),
            R"({"Definitions":[{"BuiltIn":false,"Description":"First\n  indented\n\nlast",)"
            R"("Kind":"SCALAR","Name":"S"}]})");
  EXPECT_EQ(ParseSchema(R"("""a \""" b""" scalar S)"),
            R"({"Definitions":[{"BuiltIn":false,"Description":"a \"\"\" b","Kind":"SCALAR","Name":"S"}]})");
}

TEST(GraphqlParseSchemaTest, EveryDefinitionKind) {
  EXPECT_EQ(ParseSchema(R"(
      "root" schema @a { query: Q }
      extend schema { mutation: M }
      directive @a(x: Int = 1 @b) repeatable on SCHEMA | FIELD
      type T implements I & J @a { f(a: [In!] = [{k: 1}]): String! @deprecated(reason: "r") }
      input In { k: Int = 2 }
      enum E { "d" A @x B }
      union U = T | V
      extend input In @y)"),
            R"({"Definitions":[{"BuiltIn":false,"Description":"","Directives":[{"Location":"","Name":"a"}],)"
            R"("Fields":[{"Arguments":[{"DefaultValue":{"Children":[{"Name":"","Value":{"Children":[{"Name":"k","Value":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"}}],"ExpectedTypeHasDefault":false,"Kind":9,"Raw":""}}],"ExpectedTypeHasDefault":false,"Kind":8,"Raw":""},)"
            R"("Description":"","Name":"a","Type":{"Elem":{"NamedType":"In","NonNull":true},"NamedType":"","NonNull":false}}],)"
            R"("Description":"","Directives":[{"Arguments":[{"Name":"reason","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"r"}}],"Location":"","Name":"deprecated"}],)"
            R"("Name":"f","Type":{"NamedType":"String","NonNull":true}}],"Interfaces":["I","J"],"Kind":"OBJECT","Name":"T"},)"
            R"({"BuiltIn":false,"Description":"","Fields":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"2"},"Description":"","Name":"k","Type":{"NamedType":"Int","NonNull":false}}],"Kind":"INPUT_OBJECT","Name":"In"},)"
            R"({"BuiltIn":false,"Description":"","EnumValues":[{"Description":"d","Directives":[{"Location":"","Name":"x"}],"Name":"A"},{"Description":"","Name":"B"}],"Kind":"ENUM","Name":"E"},)"
            R"({"BuiltIn":false,"Description":"","Kind":"UNION","Name":"U","Types":["T","V"]}],)"
            R"("Directives":[{"Arguments":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"},"Description":"","Directives":[{"Location":"","Name":"b"}],"Name":"x","Type":{"NamedType":"Int","NonNull":false}}],)"
            R"("Description":"","IsRepeatable":true,"Locations":["SCHEMA","FIELD"],"Name":"a"}],)"
            R"("Extensions":[{"BuiltIn":false,"Description":"","Directives":[{"Location":"","Name":"y"}],"Kind":"INPUT_OBJECT","Name":"In"}],)"
            R"("Schema":[{"Description":"root","Directives":[{"Location":"","Name":"a"}],"OperationTypes":[{"Operation":"query","Type":"Q"}]}],)"
            R"("SchemaExtension":[{"Description":"","OperationTypes":[{"Operation":"mutation","Type":"M"}]}]})");
}

// --- Syntax errors: gqlparser's wording and positions --------------------------------

struct SyntaxCase {
  std::string_view text;
  std::string_view message;
};

TEST(GraphqlSyntaxTest, QueryErrors) {
  const SyntaxCase cases[] = {
      {"{", "Expected Name, found <EOF> in GraphQL string at location 1:2"},
      {"{ a ! }", "Expected Name, found ! in GraphQL string at location 1:5"},
      {"{ f(a: ) }", "Unexpected ) in GraphQL string at location 1:8"},
      {"{ f() }", "expected at least one definition, found ) in GraphQL string at location 1:5"},
      {"query Q() { f }", "expected at least one definition, found ) in GraphQL string at location 1:9"},
      {"query Q(a: Int) { f }", "Expected $, found Name in GraphQL string at location 1:9"},
      {"query Q($a Int) { f }", "Expected :, found Name in GraphQL string at location 1:12"},
      {"query Q Bar { f }", "Expected {, found Name in GraphQL string at location 1:9"},
      {"{ f(a: [1 2 }", "Unexpected } in GraphQL string at location 1:13"},
      {"{ f(a: {x: 1 2}) }", "Expected Name, found Int in GraphQL string at location 1:14"},
      {"{ f(a: [1, 2) }", "Unexpected ) in GraphQL string at location 1:13"},
      {"{ f }\n}", "Unexpected } in GraphQL string at location 2:1"},
      {"fragment F { a }", "Expected \"on\", found { in GraphQL string at location 1:12"},
      {"{ f(a: \"abc) }", "Unexpected <Invalid> in GraphQL string at location 1:15"},
      {"{ f(a: 012) }", "Unexpected <Invalid> in GraphQL string at location 1:9"},
      {"{ f(a: 1.) }", "Unexpected <Invalid> in GraphQL string at location 1:10"},
      {"{ f(a: \"\\q\") }", "Unexpected <Invalid> in GraphQL string at location 1:10"},
      {"{ f(a: 'x') }", "Unexpected <Invalid> in GraphQL string at location 1:8"},
      {"{ f(a: \"x\" ) ", "Expected Name, found <EOF> in GraphQL string at location 1:14"},
      {"\r\n\r{ %", "Expected Name, found <Invalid> in GraphQL string at location 3:3"},
      {"{ f(a: \"ਊਊ\" b 1) }", "Expected :, found Int in GraphQL string at location 1:15"},
      {"query { f } \"desc\"", "Unexpected String \"desc\" in GraphQL string at location 1:14"},
  };
  for (const SyntaxCase& c : cases) {
    EXPECT_EQ(ParseQuery(c.text), "error: graphql.parse_query: " + std::string(c.message))
        << c.text;
  }
}

TEST(GraphqlSyntaxTest, SchemaErrors) {
  const SyntaxCase cases[] = {
      {"type T { f: Int g }", "Expected :, found } in GraphQL string at location 1:19"},
      {"type T { f(): Int }", "expected at least one definition, found ) in GraphQL string at location 1:12"},
      {"schema { query: Q foo: R }", "Unexpected Name \"foo\" in GraphQL string at location 1:19"},
      {"schema { bad: Q }", "Unexpected Name \"bad\" in GraphQL string at location 1:10"},
      {"schema { % }", "Cannot parse the unexpected character \"%\". in GraphQL string at location 1:10"},
      {"extend scalar S", "Unexpected <EOF> in GraphQL string at location 1:16"},
      {"extend enum E", "Unexpected <EOF> in GraphQL string at location 1:14"},
      {"extend foo X", "Unexpected Name \"foo\" in GraphQL string at location 1:8"},
      {"directive @d on", "Expected Name, found <EOF> in GraphQL string at location 1:16"},
      {"directive @d(a: Int) FIELD", "Expected \"on\", found Name \"FIELD\" in GraphQL string at location 1:22"},
      {"\"d\" \"e\" type T { f: Int }", "Unexpected String \"e\" in GraphQL string at location 1:6"},
      {"type T { f: [Int }", "Expected ], found } in GraphQL string at location 1:18"},
      {"query { f }", "Unexpected Name \"query\" in GraphQL string at location 1:1"},
  };
  for (const SyntaxCase& c : cases) {
    EXPECT_EQ(ParseSchema(c.text), "error: graphql.parse_schema: " + std::string(c.message))
        << c.text;
  }
}

TEST(GraphqlSyntaxTest, NestingBeyondTheLimitIsAnError) {
  std::string deep(2000, '[');
  std::string text = "{ f(a: " + deep + " ) }";
  std::string got = ParseQuery(text);
  EXPECT_NE(got.find("nesting too deep"), std::string::npos) << got;
  // Within the limit, deep input parses (on a large stack).
  std::string ok = "{ f(a: " + std::string(400, '[') + std::string(400, ']') + ") }";
  EXPECT_EQ(ParseQuery(ok).rfind("{\"Operations\"", 0), 0u);
}

// --- Schema validation -------------------------------------------------------------------

TEST(GraphqlSchemaTest, ValidAndInvalidSchemas) {
  auto valid = [](std::string_view schema) {
    absl::StatusOr<Value> r = Call("graphql.schema_is_valid", {Str(schema)});
    EXPECT_TRUE(r.ok());
    return r.ok() && r->is_true();
  };
  EXPECT_TRUE(valid(kSchema));
  EXPECT_FALSE(valid("type T { f: Missing }"));
  EXPECT_FALSE(valid("type T { f: Int f: Int }"));
  EXPECT_FALSE(valid("scalar String"));
  EXPECT_FALSE(valid("type __T { f: Int }"));
  EXPECT_FALSE(valid("enum E { true }"));
  EXPECT_FALSE(valid("interface I { f: Int } type T implements I { g: Int }"));
  EXPECT_FALSE(valid("type T { f(a: T): Int }"));
  EXPECT_FALSE(valid("type T @unknown { f: Int }"));
  EXPECT_FALSE(valid("type T { f: Int @skip(if: true) }"));
  EXPECT_FALSE(valid("directive @d(a: Int!) on OBJECT type T @d { f: Int }"));
  EXPECT_FALSE(valid("schema { query: T } schema { query: T } type T { f: Int }"));
  EXPECT_TRUE(valid("directive @d(a: Int!) on OBJECT type T @d(a: 1) { f: Int }"));
  EXPECT_TRUE(valid("extend scalar String @specifiedBy(url: \"u\")"));
  EXPECT_FALSE(valid("not a document"));
  EXPECT_FALSE(Call("graphql.schema_is_valid", {J("1")})->is_true());
}

TEST(GraphqlSchemaTest, ConversionErrorsInGraphqlParse) {
  EXPECT_EQ(ParseError("{ f }", "\n  type Hello {}"),
            "graphql.parse: expected at least one definition, found } in GraphQL string at "
            "location 2:15");
  EXPECT_EQ(ParseError("{ f }", "\n  type Hello"),
            "graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:2:8: "
            "OBJECT Hello: must define one or more fields.");
  EXPECT_EQ(ParseError("{ f }", "type Q { f: Int } extend scalar Q @x"),
            "graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:1:33: "
            "Cannot extend type Q because the base type is a OBJECT, not SCALAR.");
  EXPECT_EQ(ParseError("{ f }", "type Query { f(a: Int @skip(if: true)): Int }"),
            "graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:1:24: "
            "Directive skip is not applicable on ARGUMENT_DEFINITION.");
}

// --- Query validation ------------------------------------------------------------------

TEST(GraphqlValidateTest, ValidQueries) {
  EXPECT_TRUE(IsValid("{ hero { name friends { name } } }", kSchema));
  EXPECT_TRUE(IsValid("query H($e: Episode = JEDI) { hero(episode: $e) { id ...N } } "
                      "fragment N on Character { name ... on Human { height(unit: FOOT) } }",
                      kSchema));
  EXPECT_TRUE(IsValid("{ search(text: \"x\") { __typename ... on Droid { primaryFunction } } }",
                      kSchema));
  EXPECT_TRUE(IsValid("mutation { like(story: 1) { likes } }", kSchema));
  EXPECT_TRUE(IsValid("subscription { storyLiked { id } }", kSchema));
  EXPECT_TRUE(IsValid("{ __schema { types { name } } __type(name: \"Human\") { kind } }", kSchema));
  EXPECT_TRUE(IsValid("{ tags(filter: {prefix: \"a\", limit: 2}) }", kSchema));
  EXPECT_TRUE(IsValid("query($l: Int) { search(limit: $l) { __typename } }", kSchema));
}

TEST(GraphqlValidateTest, RuleMessages) {
  const SyntaxCase cases[] = {
      {"{ hero { nam } }",
       "Cannot query field \"nam\" on type \"Character\". Did you mean \"name\"?\n in GraphQL "
       "string at location 1:10"},
      {"{ hero { height } }",
       "Cannot query field \"height\" on type \"Character\". Did you mean to use an inline "
       "fragment on \"Human\"?\n in GraphQL string at location 1:10"},
      {"{ hero(episod: JEDI) { id } }",
       "Unknown argument \"episod\" on field \"Query.hero\". Did you mean \"episode\"?\n in GraphQL "
       "string at location 1:3"},
      {"{ hero { id @foo } }",
       "Unknown directive \"@foo\" in GraphQL string at location 1:14"},
      {"{ hero { ...X } }", "Unknown fragment \"X\" in GraphQL string at location 1:13"},
      {"query Q($x: Int) { hero { id } }",
       "Variable \"$x\" is never used in operation \"Q\" in GraphQL string at location 1:9"},
      {"query Q { hero(episode: $e) { id } }",
       "Variable \"$e\" is not defined by operation \"Q\" in GraphQL string at location 1:25"},
      {"{ hero }",
       "Field \"hero\" of type \"Character\" must have a selection of subfields. Did you mean "
       "\"hero { ... }\"?\n in GraphQL string at location 1:3"},
      {"{ hero { id { x } } }",
       "Cannot query field \"x\" on type \"ID\".\ninput:1:10: Field \"id\" must not have a "
       "selection since type \"ID\" has no subfields in GraphQL string at location 1:15"},
      {"{ human { id } }",
       "Field \"human\" argument \"id\" of type \"ID!\" is required, but it was not provided in "
       "GraphQL string at location 1:3"},
      {"{ hero(episode: MARS) { id } }",
       "Value \"MARS\" does not exist in \"Episode\" enum in GraphQL string at location 1:17"},
      {"{ search(limit: \"x\") { __typename } }",
       // No period to trim: the newline that ends gqlparser's list stays.
       "Int cannot represent non-integer value: \"x\"\n in GraphQL string at location 1:18"},
      {"{ tags(filter: {limit: 1}) }",
       "Field \"TagFilter.prefix\" of required type \"String!\" was not provided in GraphQL "
       "string at location 1:16"},
      {"query($e: String) { hero(episode: $e) { id } }",
       "Variable \"$e\" of type \"String\" used in position expecting type \"Episode\" in "
       "GraphQL string at location 1:35"},
      {"{ hero { a: id a: name } }",
       "Fields \"a\" conflict because \"id\" and \"name\" are different fields. Use different "
       "aliases on the fields to fetch both if this was intentional in GraphQL string at "
       "location 1:16"},
      {"{ hero { id } } { hero { id } }",
       "This anonymous operation must be the only defined operation.\ninput:1:17: This anonymous "
       "operation must be the only defined operation.\ninput:1:17: There can be only one "
       "operation named \"\" in GraphQL string at location 1:1"},
      {"{ hero { ...A } } fragment A on Character { ...B } fragment B on Character { ...A }",
       "Cannot spread fragment \"A\" within itself via \"B\" in GraphQL string at location "
       "1:81"},
      {"{ hero { id } } fragment F on Character { id }",
       "Fragment \"F\" is never used in GraphQL string at location 1:17"},
      {"{ hero { ... on Story { id } } }",
       "Fragment cannot be spread here as objects of type \"Character\" can never be of type "
       "\"Story\" in GraphQL string at location 1:14"},
      {"subscription { storyLiked { id } storyAdded { id } }",
       "Anonymous Subscription must select only one top level field in GraphQL string at "
       "location 1:34"},
      {"query($v: Human) { hero { id } }",
       "Variable \"$v\" is never used.\ninput:1:7: Variable \"$v\" cannot be non-input type "
       "\"Human\" in GraphQL string at location 1:7"},
  };
  for (const SyntaxCase& c : cases) {
    EXPECT_EQ(ParseError(c.text, kSchema), "graphql.parse: " + std::string(c.message)) << c.text;
    EXPECT_FALSE(IsValid(c.text, kSchema)) << c.text;
  }
}

TEST(GraphqlValidateTest, ParseAndVerifyReturnsDocumentsOrFalse) {
  EXPECT_EQ(Eval("graphql.parse_and_verify", {R"("{ hero { nope } }")", ToJson(Str(kSchema))}),
            "[false,{},{}]");
  absl::StatusOr<Value> ok =
      Call("graphql.parse_and_verify", {Str("{ hero { id } }"), Str("type Query { hero: H } type H { id: ID }")});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ToJson(*ok),
            R"([true,{"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"hero","Name":"hero",)"
            R"("SelectionSet":[{"Alias":"id","Name":"id"}]}]}]},{"Definitions":[)"
            R"({"BuiltIn":false,"Description":"","Fields":[{"Description":"","Name":"hero","Type":{"NamedType":"H","NonNull":false}}],"Kind":"OBJECT","Name":"Query"},)"
            R"({"BuiltIn":false,"Description":"","Fields":[{"Description":"","Name":"id","Type":{"NamedType":"ID","NonNull":false}}],"Kind":"OBJECT","Name":"H"}]}])");
}

TEST(GraphqlValidateTest, OperandTypes) {
  EXPECT_EQ(Eval("graphql.parse", {"1", "\"\""}),
            "error: graphql.parse: operand 0 must be one of {string, object} but got number");
  EXPECT_EQ(Eval("graphql.parse", {"\"\"", "[]"}),
            "error: graphql.parse: operand 1 must be one of {string, object} but got array");
  EXPECT_EQ(Eval("graphql.is_valid", {"1", "\"\""}), "false");
  EXPECT_EQ(Eval("graphql.parse_schema", {"{}"}),
            "error: graphql.parse_schema: operand 1 must be string but got object");
}

// --- Documents as objects ---------------------------------------------------------------

TEST(GraphqlObjectsTest, ParsedDocumentsRoundTrip) {
  std::string query = "query($e: Episode) { hero(episode: $e) { id name } }";
  ASSERT_OK_AND_ASSIGN(Value q, Call("graphql.parse_query", {Str(query)}));
  ASSERT_OK_AND_ASSIGN(Value s, Call("graphql.parse_schema", {Str(kSchema)}));
  ASSERT_OK_AND_ASSIGN(Value parsed, Call("graphql.parse", {q, s}));
  EXPECT_EQ(ToJson(parsed), ToJson(J("[" + ToJson(q) + "," + ToJson(s) + "]")));
  ASSERT_OK_AND_ASSIGN(Value valid, Call("graphql.is_valid", {q, s}));
  EXPECT_TRUE(valid.is_true());
  ASSERT_OK_AND_ASSIGN(Value schema_ok, Call("graphql.schema_is_valid", {s}));
  EXPECT_TRUE(schema_ok.is_true());
}

TEST(GraphqlObjectsTest, DecodingFollowsGoJsonRules) {
  std::string schema = "type Query { a: Int b: B } type B { c: Int }";
  // Keys of ordinary types match ignoring case; unknown keys are ignored.
  EXPECT_EQ(Eval("graphql.is_valid",
                 {R"({"operations": [{"Operation": "query", "SelectionSet": [{"Name": "a", "X": 1}]}]})",
                  ToJson(Str(schema))}),
            "true");
  // QueryDocument is an ordinary type (case-insensitive); OperationDefinition
  // has its own decoder (exact keys): "selectionSet" is ignored, so the
  // operation selects nothing, which is valid.
  EXPECT_EQ(Eval("graphql.is_valid",
                 {R"({"OPERATIONS": [{"Operation": "query", "selectionSet": [{"Name": "zzz"}]}]})",
                  ToJson(Str(schema))}),
            "true");
  // Every item of a decoded selection set is a field: a fragment spread
  // object becomes a field named after the fragment.
  EXPECT_EQ(ParseError("", schema), "ok");
  absl::StatusOr<Value> r =
      Call("graphql.parse", {J(R"({"Operations": [{"Operation": "query", "SelectionSet": [{"Name": "F"}]}],
                                  "Fragments": [{"Name": "F", "TypeCondition": "Query", "SelectionSet": [{"Alias": "a", "Name": "a"}]}]})"),
                             Str(schema)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()),
            "graphql.parse: Cannot query field \"F\" on type \"Query\". Did you mean \"a\" or \"b\"?\n"
            "input: Fragment \"F\" is never used");
  // Wrong member types are Go's decoding errors.
  EXPECT_EQ(Eval("graphql.parse", {R"({"Operations": [{"Name": 1}]})", ToJson(Str(schema))}),
            "error: graphql.parse: json: cannot unmarshal number into Go struct field "
            "OperationDefinition.Name of type string");
  // Shapes gqlparser would crash on are refused.
  EXPECT_EQ(Eval("graphql.is_valid",
                 {R"({"Operations": [{"SelectionSet": [{"Name": "a", "Arguments": [{"Name": "x"}]}]}]})",
                  ToJson(Str(schema))}),
            "false");
  EXPECT_EQ(Eval("graphql.is_valid", {R"({"Operations": [null]})", ToJson(Str(schema))}), "false");
  EXPECT_EQ(Eval("graphql.is_valid",
                 {R"({"Operations": [{"Operation": "query", "SelectionSet": [{"Name": "a"}]}]})",
                  ToJson(Str(schema))}),
            "true");
}

// --- Malformed and random input never crashes ------------------------------------------

TEST(GraphqlFuzzTest, RandomBytes) {
  std::mt19937 rng(42);
  const std::string alphabet = "{}()[]:$@!=|&.\"\\#,\n\r\t abcdefon0123456789-eE'\x01\xc3\xa9";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int len = static_cast<int>(rng() % 40);
    for (int k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
    graphql::QueryDocument q;
    graphql::SchemaDocument s;
    graphql::Error e;
    graphql::ParseQuery(text, &q, &e);
    graphql::ParseSchema(text, &s, &e);
    (void)Call("graphql.is_valid", {Str(text), Str(kSchema)});
    (void)Call("graphql.parse", {Str("{ hero { id } }"), Str(text)});
  }
}

TEST(GraphqlFuzzTest, MutatedDocuments) {
  std::mt19937 rng(7);
  const std::string seeds[] = {
      std::string(kSchema),
      "query H($e: Episode = JEDI, $n: [Int!]! = [1]) @d { hero(episode: $e) { id ...N "
      "... on Human @include(if: true) { height(unit: FOOT) } } } "
      "fragment N on Character { name friends { name } } "
      "{ tags(filter: {prefix: \"\"\"b\"\"\", limit: -1.5e3}) }",
  };
  const std::string inserts = "{}()[]:$@!=|&\".#\n";
  for (int i = 0; i < 3000; ++i) {
    std::string text = seeds[rng() % 2];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 3); break;
        case 1: text.insert(at, 1, inserts[rng() % inserts.size()]); break;
        default: std::swap(text[at], text[rng() % text.size()]); break;
      }
    }
    (void)Call("graphql.parse", {Str(text), Str(kSchema)});
    (void)Call("graphql.parse", {Str(seeds[1]), Str(text)});
    (void)Call("graphql.parse_and_verify", {Str(text), Str(text)});
  }
}

TEST(GraphqlFuzzTest, RandomObjects) {
  std::mt19937 rng(3);
  const char* keys[] = {"Operations", "Fragments", "SelectionSet", "Name", "Alias", "Arguments",
                        "Value", "Kind", "Raw", "Children", "Directives", "Type", "NamedType",
                        "Elem", "NonNull", "Definitions", "Fields", "Operation", "TypeCondition",
                        "VariableDefinitions", "Variable", "DefaultValue"};
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    switch (depth > 5 ? rng() % 4 : rng() % 7) {
      case 0: return "null";
      case 1: return std::to_string(static_cast<int>(rng() % 12) - 1);
      case 2: return "\"query\"";
      case 3: return "true";
      case 4: {
        std::string s = "[";
        int n = static_cast<int>(rng() % 3);
        for (int i = 0; i < n; ++i) s += (i ? "," : "") + gen(depth + 1);
        return s + "]";
      }
      default: {
        std::string s = "{";
        int n = static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) {
          s += (i ? "," : "") + std::string("\"") + keys[rng() % std::size(keys)] + "\":" +
               gen(depth + 1);
        }
        return s + "}";
      }
    }
  };
  for (int i = 0; i < 3000; ++i) {
    Value doc = J(gen(0));
    if (!doc.is_object()) continue;
    (void)Call("graphql.is_valid", {doc, Str(kSchema)});
    (void)Call("graphql.parse", {doc, doc});
    (void)Call("graphql.schema_is_valid", {doc});
  }
}

}  // namespace
}  // namespace verdict::builtins::testing
