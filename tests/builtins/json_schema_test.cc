// Tests for lib/builtins/json_schema.cc: json.verify_schema and
// json.match_schema, with gojsonschema's results and messages (OPA's).
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::Eval;
using testing::IsOk;
using testing::EvalV;
using testing::J;
using testing::Str;

// match_schema's errors as "field type: desc" lines, or the error. [doc] is
// passed as JSON text (a string operand), so any JSON value can be the
// document.
std::string Errors(std::string_view doc, std::string_view schema) {
  absl::StatusOr<Value> r = testing::Call("json.match_schema", {Str(doc), J(schema)});
  if (!r.ok()) return "error: " + std::string(r.status().message());
  std::string out = (*r)[0].as_bool() ? "valid" : "invalid";
  for (const Value& e : (*r)[1].items()) {
    out += "\n" + std::string(e.Get("field")->as_string()) + " " +
           std::string(e.Get("type")->as_string()) + ": " +
           std::string(e.Get("desc")->as_string());
  }
  return out;
}

TEST(JsonVerifySchemaTest, ValidAndInvalidSchemas) {
  EXPECT_EQ(Eval("json.verify_schema", {R"({"type": "boolean"})"}), "[true,null]");
  EXPECT_EQ(Eval("json.verify_schema", {R"("{\"type\": \"boolean\"}")"}), "[true,null]");
  EXPECT_EQ(Eval("json.verify_schema", {"true"}),
            R"([false,"jsonschema: wrong type, expected string or object"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"("{bad json")"}),
            R"([false,"jsonschema: invalid JSON string"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"type": "unknown_type"})"}),
            R"([false,"jsonschema: has a primitive type that is NOT VALID -- given: )"
            R"(/unknown_type/ Expected valid values are:[array boolean integer number null )"
            R"(object string]"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"type": ["string", "string"]})"}),
            R"([false,"jsonschema: string type is duplicated"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"minLength": -1})"}),
            R"([false,"jsonschema: minLength must be greater than or equal to 0"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"minLength": 1.5})"}),
            R"([false,"jsonschema: minLength must be of an integer"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"minLength": 3, "maxLength": 2})"}),
            R"([false,"jsonschema: minLength cannot be greater than maxLength"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"multipleOf": 0})"}),
            R"([false,"jsonschema: multipleOf must be strictly greater than 0"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"pattern": "a("})"}),
            R"([false,"jsonschema: pattern must be a valid regex"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"required": ["a", "a"]})"}),
            R"([false,"jsonschema: required items must be unique"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"properties": {"a": 5}})"}),
            R"([false,"jsonschema: Expected: valid schema, given: Invalid JSON"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"exclusiveMinimum": true})"}),
            R"([false,"jsonschema: exclusiveMinimum cannot be used without minimum"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"$ref": "#/definitions/missing"})"}),
            R"([false,"jsonschema: Object has no key 'definitions'"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"({"$ref": "http://example.com/s.json"})"}),
            R"([false,"jsonschema: remote reference http://example.com/s.json cannot be )"
            R"(loaded: verdict does not fetch schemas"])");
  EXPECT_EQ(Eval("json.verify_schema", {R"([1])"}),
            R"([false,"jsonschema: schema is invalid"])");
}

TEST(JsonMatchSchemaTest, OutputShape) {
  EXPECT_EQ(Eval("json.match_schema", {R"({"id": 5})",
                                       R"({"properties": {"id": {"type": "integer"}},
                                           "required": ["id"]})"}),
            "[true,[]]");
  EXPECT_EQ(Eval("json.match_schema", {R"({"id": "foo"})",
                                       R"({"properties": {"id": {"type": "integer"}}})"}),
            R"([false,[{"desc":"Invalid type. Expected: integer, given: string",)"
            R"("error":"id: Invalid type. Expected: integer, given: string",)"
            R"("field":"id","type":"invalid_type"}]])");
  // Both operands may be JSON text.
  EXPECT_EQ(Eval("json.match_schema", {R"("{\"id\": 5}")",
                                       R"("{\"required\": [\"id\"]}")"}),
            "[true,[]]");
  EXPECT_EQ(Eval("json.match_schema", {"5", "{}"}),
            "error: json.match_schema: wrong type, expected string or object");
  EXPECT_EQ(Eval("json.match_schema", {"{}", R"({"type": "unknown"})"}),
            "error: json.match_schema: has a primitive type that is NOT VALID -- given: "
            "/unknown/ Expected valid values are:[array boolean integer number null object "
            "string]");
}

TEST(JsonMatchSchemaTest, TypesAndNumbers) {
  EXPECT_EQ(Errors("1.0", R"({"type": "integer"})"), "valid");
  EXPECT_EQ(Errors("1.5", R"({"type": "integer"})"),
            "invalid\n(root) invalid_type: Invalid type. Expected: integer, given: number");
  EXPECT_EQ(Errors("null", R"({"type": ["string", "number"]})"),
            "invalid\n(root) invalid_type: Invalid type. Expected: [string,number], given: null");
  EXPECT_EQ(Errors("10", R"({"minimum": 11, "maximum": 9})"),
            "invalid\n(root) number_lte: Must be less than or equal to 9"
            "\n(root) number_gte: Must be greater than or equal to 11");
  EXPECT_EQ(Errors("10", R"({"exclusiveMaximum": 10})"),
            "invalid\n(root) number_lt: Must be less than 10");
  EXPECT_EQ(Errors("10", R"({"minimum": 10, "exclusiveMinimum": true})"),
            "invalid\n(root) number_gt: Must be greater than 10");
  EXPECT_EQ(Errors("0.3", R"({"multipleOf": 0.1})"), "valid");
  EXPECT_EQ(Errors("0.35", R"({"multipleOf": 0.1})"),
            "invalid\n(root) multiple_of: Must be a multiple of 0.1");
  EXPECT_EQ(Errors("12345678901234567890", R"({"multipleOf": 10})"), "valid");
  EXPECT_EQ(Errors("3", R"({"maximum": 0.00001})"),
            "invalid\n(root) number_lte: Must be less than or equal to 1e-05");
}

TEST(JsonMatchSchemaTest, Strings) {
  EXPECT_EQ(Errors(R"("héllo")", R"({"minLength": 5, "maxLength": 5})"), "valid");
  EXPECT_EQ(Errors(R"("ab")", R"({"minLength": 3})"),
            "invalid\n(root) string_gte: String length must be greater than or equal to 3");
  EXPECT_EQ(Errors(R"("abc")", R"({"pattern": "^a.c$"})"), "valid");
  EXPECT_EQ(Errors(R"("xbc")", R"({"pattern": "^a"})"),
            "invalid\n(root) pattern: Does not match pattern '^a'");
  // Patterns are unanchored searches, as Go's MatchString.
  EXPECT_EQ(Errors(R"("xxabxx")", R"({"pattern": "ab"})"), "valid");
}

TEST(JsonMatchSchemaTest, Objects) {
  std::string schema = R"({
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "patternProperties": {"^x-": {"type": "string"}},
    "additionalProperties": false,
    "required": ["name", "age"],
    "minProperties": 2
  })";
  EXPECT_EQ(Errors(R"({"name": "a", "age": 3, "x-tag": "t"})", schema), "valid");
  EXPECT_EQ(Errors(R"({"name": 1, "age": -1, "x-tag": 2, "other": 0})", schema),
            "invalid"
            "\n(root) additional_property_not_allowed: Additional property other is not allowed"
            "\nx-tag invalid_type: Invalid type. Expected: string, given: integer"
            "\nage number_gte: Must be greater than or equal to 0"
            "\nname invalid_type: Invalid type. Expected: string, given: integer");
  EXPECT_EQ(Errors("{}", schema),
            "invalid\n(root) array_min_properties: Must have at least 2 properties"
            "\n(root) required: name is required\n(root) required: age is required");
  EXPECT_EQ(Errors(R"({"a": 1})", R"({"additionalProperties": {"type": "string"}})"),
            "invalid\na invalid_type: Invalid type. Expected: string, given: integer");
  EXPECT_EQ(Errors(R"({"a": 1})", R"({"dependencies": {"a": ["b"]}})"),
            "invalid\n(root) missing_dependency: Has a dependency on b");
  EXPECT_EQ(Errors(R"({"ab": 1})", R"({"propertyNames": {"maxLength": 1}})"),
            "invalid\n(root) invalid_property_name: Property name of \"ab\" does not match"
            "\n(root) string_lte: String length must be less than or equal to 1");
  // Nested paths join with dots.
  EXPECT_EQ(Errors(R"({"a": {"b": [1, "x"]}})",
                   R"({"properties": {"a": {"properties": {"b": {"items": {"type": "integer"}}}}}})"),
            "invalid\na.b.1 invalid_type: Invalid type. Expected: integer, given: string");
}

TEST(JsonMatchSchemaTest, Arrays) {
  EXPECT_EQ(Errors("[1, 2, 1]", R"({"uniqueItems": true, "maxItems": 2})"),
            "invalid\n(root) array_max_items: Array must have at most 2 items"
            "\n(root) unique: array items[0,2] must be unique");
  // 1 and 1.0 are the same item.
  EXPECT_EQ(Errors("[1, 1.0]", R"({"uniqueItems": true})"),
            "invalid\n(root) unique: array items[0,1] must be unique");
  EXPECT_EQ(Errors(R"([1, "a", true])",
                   R"({"items": [{"type": "integer"}, {"type": "string"}], "additionalItems": false})"),
            "invalid\n(root) array_no_additional_items: No additional items allowed on array");
  EXPECT_EQ(Errors(R"([1, "a", true])",
                   R"({"items": [{"type": "integer"}], "additionalItems": {"type": "string"}})"),
            "invalid\n2 invalid_type: Invalid type. Expected: string, given: boolean");
  EXPECT_EQ(Errors("[1, 2]", R"({"contains": {"type": "string"}})"),
            "invalid\n(root) contains: At least one of the items must match"
            "\n0 invalid_type: Invalid type. Expected: string, given: integer");
  EXPECT_EQ(Errors("[]", R"({"minItems": 1})"),
            "invalid\n(root) array_min_items: Array must have at least 1 items");
}

TEST(JsonMatchSchemaTest, ConstEnumAndFormats) {
  EXPECT_EQ(Errors(R"({"a": [1]})", R"({"const": {"a": [1.0]}})"), "valid");
  EXPECT_EQ(Errors("2", R"({"properties": {}, "const": 1})"),
            "invalid\n(root) const: (root) does not match: 1");
  EXPECT_EQ(Errors(R"({"k": "c"})", R"({"properties": {"k": {"enum": ["a", "b"]}}})"),
            "invalid\nk enum: k must be one of the following: \"a\", \"b\"");
  EXPECT_EQ(Errors(R"("2024-02-29")", R"({"format": "date"})"), "valid");
  EXPECT_EQ(Errors(R"("2023-02-29")", R"({"format": "date"})"),
            "invalid\n(root) format: Does not match format 'date'");
  EXPECT_EQ(Errors(R"("2024-05-01T10:00:00Z")", R"({"format": "date-time"})"), "valid");
  EXPECT_EQ(Errors(R"("10.0.0.1")", R"({"format": "ipv4"})"), "valid");
  EXPECT_EQ(Errors(R"("10.0.0.256")", R"({"format": "ipv4"})"),
            "invalid\n(root) format: Does not match format 'ipv4'");
  EXPECT_EQ(Errors(R"("::1")", R"({"format": "ipv6"})"), "valid");
  EXPECT_EQ(Errors(R"("a@example.com")", R"({"format": "email"})"), "valid");
  EXPECT_EQ(Errors(R"("not an email")", R"({"format": "email"})"),
            "invalid\n(root) format: Does not match format 'email'");
  EXPECT_EQ(Errors(R"("my-host.example.com")", R"({"format": "hostname"})"), "valid");
  EXPECT_EQ(Errors(R"("-bad.example.com")", R"({"format": "hostname"})"),
            "invalid\n(root) format: Does not match format 'hostname'");
  EXPECT_EQ(Errors(R"("https://example.com/a?b#c")", R"({"format": "uri"})"), "valid");
  EXPECT_EQ(Errors(R"("/relative")", R"({"format": "uri"})"),
            "invalid\n(root) format: Does not match format 'uri'");
  EXPECT_EQ(Errors(R"("/relative")", R"({"format": "uri-reference"})"), "valid");
  EXPECT_EQ(Errors(R"("123E4567-e89b-12d3-a456-426614174000")", R"({"format": "uuid"})"),
            "valid");
  EXPECT_EQ(Errors(R"("/a/~1b")", R"({"format": "json-pointer"})"), "valid");
  EXPECT_EQ(Errors(R"("a(")", R"({"format": "regex"})"),
            "invalid\n(root) format: Does not match format 'regex'");
  // Unknown formats and non-strings pass.
  EXPECT_EQ(Errors(R"("x")", R"({"format": "color"})"), "valid");
  EXPECT_EQ(Errors("5", R"({"format": "email"})"), "valid");
}

TEST(JsonMatchSchemaTest, Combinators) {
  // anyOf reports the closest branch.
  EXPECT_EQ(Errors(R"({"a": "x"})",
                   R"({"anyOf": [{"type": "string"},
                                 {"properties": {"a": {"type": "integer"}}}]})"),
            "invalid\n(root) number_any_of: Must validate at least one schema (anyOf)"
            "\na invalid_type: Invalid type. Expected: integer, given: string");
  EXPECT_EQ(Errors("5", R"({"oneOf": [{"type": "integer"}, {"minimum": 1}]})"),
            "invalid\n(root) number_one_of: Must validate one and only one schema (oneOf)");
  EXPECT_EQ(Errors("5", R"({"oneOf": [{"type": "integer"}, {"minimum": 10}]})"), "valid");
  EXPECT_EQ(Errors("5", R"({"allOf": [{"type": "integer"}, {"maximum": 1}]})"),
            "invalid\n(root) number_lte: Must be less than or equal to 1"
            "\n(root) number_all_of: Must validate all the schemas (allOf)");
  EXPECT_EQ(Errors("5", R"({"not": {"type": "integer"}})"),
            "invalid\n(root) number_not: Must not validate the schema (not)");
  EXPECT_EQ(Errors("5", R"({"if": {"minimum": 3}, "then": {"multipleOf": 2}})"),
            "invalid\n(root) condition_then: Must validate \"then\" as \"if\" was valid"
            "\n(root) multiple_of: Must be a multiple of 2");
  EXPECT_EQ(Errors("1", R"({"if": {"minimum": 3}, "else": {"type": "string"}})"),
            "invalid\n(root) condition_else: Must validate \"else\" as \"if\" was not valid"
            "\n(root) invalid_type: Invalid type. Expected: string, given: integer");
  // Boolean schemas (draft 6+), at the root only as JSON text: a boolean
  // operand is neither text nor an object.
  EXPECT_EQ(Eval("json.match_schema", {R"("1")", R"("false")"}),
            R"j([false,[{"desc":"False always fails validation",)j"
            R"j("error":"(root): False always fails validation","field":"(root)","type":"false"}]])j");
  EXPECT_EQ(Eval("json.match_schema", {R"("1")", R"("true")"}), "[true,[]]");
  EXPECT_EQ(Eval("json.match_schema", {R"("1")", "true"}),
            "error: json.match_schema: wrong type, expected string or object");
  EXPECT_EQ(Errors("[1, 2]", R"({"items": false})"),
            "invalid\n0 false: False always fails validation\n1 false: False always fails validation");
}

TEST(JsonMatchSchemaTest, Drafts) {
  // Draft 4: exclusiveMaximum is a boolean, boolean schemas are not schemas,
  // and const does not exist.
  std::string d4 = R"("$schema": "http://json-schema.org/draft-04/schema#")";
  EXPECT_EQ(Errors("5", "{" + d4 + R"(, "maximum": 5, "exclusiveMaximum": true})"),
            "invalid\n(root) number_lt: Must be less than 5");
  EXPECT_EQ(Errors("5", "{" + d4 + R"(, "const": 1})"), "valid");
  EXPECT_EQ(Errors("5", "{" + d4 + R"(, "not": true})"),
            "error: json.match_schema: Expected: valid schema, given: Invalid JSON");
  // Draft 6 has no if/then/else.
  std::string d6 = R"("$schema": "http://json-schema.org/draft-06/schema#")";
  EXPECT_EQ(Errors("5", "{" + d6 + R"(, "if": true, "then": false})"), "valid");
  EXPECT_EQ(Errors("5", "{" + d6 + R"(, "exclusiveMaximum": true})"),
            "error: json.match_schema: Invalid type. Expected: number, given: exclusiveMaximum");
}

TEST(JsonMatchSchemaTest, References) {
  std::string tree = R"({
    "definitions": {
      "node": {"type": "object", "properties": {"children": {"type": "array",
               "items": {"$ref": "#/definitions/node"}}, "v": {"type": "integer"}}}
    },
    "$ref": "#/definitions/node"
  })";
  EXPECT_EQ(Errors(R"({"v": 1, "children": [{"v": 2, "children": []}]})", tree), "valid");
  EXPECT_EQ(Errors(R"({"v": 1, "children": [{"v": "x"}]})", tree),
            "invalid\nchildren.0.v invalid_type: Invalid type. Expected: integer, given: string");
  // "#" is the whole document; "$id" names a subschema to refer to.
  EXPECT_EQ(Errors(R"({"a": {"a": {"a": 1}}})",
                   R"({"properties": {"a": {"anyOf": [{"$ref": "#"}, {"type": "integer"}]}}})"),
            "valid");
  EXPECT_EQ(Errors(R"("x")", R"({"$id": "http://example.com/root.json",
                                "definitions": {"s": {"$id": "s.json", "type": "integer"}},
                                "$ref": "s.json"})"),
            "invalid\n(root) invalid_type: Invalid type. Expected: integer, given: string");
  EXPECT_EQ(Errors(R"("x")", R"({"definitions": {"a~b": {"type": "integer"}},
                                "$ref": "#/definitions/a~0b"})"),
            "invalid\n(root) invalid_type: Invalid type. Expected: integer, given: string");
  // A reference cycle that never reaches the document is an error, not a crash.
  EXPECT_EQ(Errors("1", R"({"$ref": "#"})"),
            "error: json.match_schema: schema nesting exceeds 1000 while validating (a $ref "
            "cycle?)");
}

TEST(JsonMatchSchemaTest, RegoValuesBecomeJson) {
  // Sets inside documents are arrays to the validator, as OPA's ast.JSON
  // makes them; a set operand is neither JSON text nor an object.
  Value set = testing::Set({Value::Int(1), Value::Int(2)});
  ObjectBuilder doc;
  doc.Add(Str("a"), set);
  EXPECT_EQ(EvalV("json.match_schema",
                  {doc.Build(), J(R"({"properties": {"a": {"type": "array"}}})")}),
            "[true,[]]");
  EXPECT_EQ(EvalV("json.match_schema", {set, J("{}")}),
            "error: json.match_schema: wrong type, expected string or object");
  EXPECT_EQ(EvalV("json.match_schema", {Str("not json"), J("{}")}),
            "error: json.match_schema: invalid JSON string");
}

// --- Compiled-schema cache (PatternCache) -------------------------------------

// json.match_schema's result as JSON through [ctx] (its own cache or none).
std::string MatchWith(BuiltinContext& ctx, const Value& doc, const Value& schema) {
  absl::StatusOr<Value> r = testing::Call("json.match_schema", {doc, schema}, &ctx);
  if (!r.ok()) return "error: " + std::string(r.status().message());
  return ToJson(*r);
}

TEST(JsonSchemaCacheTest, CachedSchemaGivesTheUncachedResults) {
  const char* schemas[] = {
      R"({"type": "object", "required": ["n"],
          "properties": {"n": {"type": "integer", "minimum": 100000000000000000000000,
                               "multipleOf": 0.5},
                         "s": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3}}})",
      R"({"definitions": {"node": {"properties": {"v": {"type": "integer"},
          "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}},
          "$ref": "#/definitions/node"})",
      R"({"oneOf": [{"type": "string"}, {"type": "integer", "exclusiveMaximum": 3}]})",
  };
  const char* docs[] = {
      R"({"n": 100000000000000000000001.5, "s": "abcd"})",
      R"({"n": 3, "s": "ab"})",
      R"({"v": 1, "children": [{"v": "x", "children": []}]})",
      "7",
      R"("text")",
  };
  BuiltinContext uncached;  // no cache: compiles every call, as before the cache
  PatternCache cache;
  Arena arena;
  BuiltinContext cached;
  cached.arena = &arena;
  cached.patterns = &cache;
  for (const char* schema_text : schemas) {
    for (const char* doc_text : docs) {
      std::string want = MatchWith(uncached, J(doc_text), J(schema_text));
      // The schema operand lives in the evaluation arena, which is reset and
      // reused after every call, as a decision's is: the cached entry must
      // not point into it.
      for (int round = 0; round < 3; ++round) {
        absl::StatusOr<Value> schema = ParseJson(schema_text, &arena);
        absl::StatusOr<Value> doc = ParseJson(doc_text, &arena);
        ASSERT_TRUE(schema.ok() && doc.ok());
        EXPECT_EQ(MatchWith(cached, *doc, *schema), want) << schema_text << "\n" << doc_text;
        arena.Reset();
        (void)ParseJson(R"({"overwrite": [99999999999999999999999999, "xxxxxxxxxxxxxxxxxx"]})",
                        &arena);
        arena.Reset();
      }
    }
  }
  // One entry per distinct schema (the regex inside the first is one more).
  EXPECT_EQ(cache.size(), std::size(schemas) + 1);
}

TEST(JsonSchemaCacheTest, DistinctSchemasDoNotCollide) {
  PatternCache cache;
  BuiltinContext ctx;
  ctx.patterns = &cache;
  Value five = Str("5");  // a document operand is JSON text or an object
  // Schemas that differ only in one bound, or only deep inside.
  EXPECT_EQ(MatchWith(ctx, five, J(R"({"minimum": 5})")), "[true,[]]");
  EXPECT_EQ(MatchWith(ctx, five, J(R"({"minimum": 6})")),
            R"x([false,[{"desc":"Must be greater than or equal to 6","error":"(root): Must be )x"
            R"x(greater than or equal to 6","field":"(root)","type":"number_gte"}]])x");
  EXPECT_EQ(MatchWith(ctx, J(R"({"a": {"b": 1}})"),
                      J(R"({"properties": {"a": {"properties": {"b": {"type": "integer"}}}}})")),
            "[true,[]]");
  EXPECT_EQ(MatchWith(ctx, J(R"({"a": {"b": 1}})"),
                      J(R"({"properties": {"a": {"properties": {"b": {"type": "string"}}}}})")),
            R"([false,[{"desc":"Invalid type. Expected: string, given: integer","error":"a.b: )"
            R"(Invalid type. Expected: string, given: integer","field":"a.b","type":"invalid_type"}]])");
  // JSON text and the object it spells are different operands, one schema.
  EXPECT_EQ(MatchWith(ctx, five, Str(R"({"minimum": 6})")),
            MatchWith(ctx, five, J(R"({"minimum": 6})")));
  EXPECT_EQ(MatchWith(ctx, five, Str(R"({"maximum": 4})")),
            R"x([false,[{"desc":"Must be less than or equal to 4","error":"(root): Must be )x"
            R"x(less than or equal to 4","field":"(root)","type":"number_lte"}]])x");
  EXPECT_EQ(cache.size(), 6u);
  // Asking again hits the cache and gives the same answers.
  EXPECT_EQ(MatchWith(ctx, five, J(R"({"minimum": 5})")), "[true,[]]");
  EXPECT_EQ(MatchWith(ctx, Str("7"), J(R"({"minimum": 6})")), "[true,[]]");
  EXPECT_EQ(cache.size(), 6u);
}

TEST(JsonSchemaCacheTest, InvalidSchemasAreNotCachedAndTheCacheIsBounded) {
  PatternCache cache(/*capacity=*/16, /*schema_capacity=*/2);
  BuiltinContext ctx;
  ctx.patterns = &cache;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Value> r =
        testing::Call("json.verify_schema", {J(R"({"minLength": -1})")}, &ctx);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(ToJson(*r),
              R"([false,"jsonschema: minLength must be greater than or equal to 0"])");
  }
  EXPECT_EQ(cache.size(), 0u);
  for (int i = 0; i < 10; ++i) {
    Value schema = J(R"({"maximum": )" + std::to_string(i) + "}");
    EXPECT_EQ(MatchWith(ctx, Str("3"), schema).substr(0, 7), i >= 3 ? "[true,[" : "[false,");
    absl::StatusOr<Value> verified = testing::Call("json.verify_schema", {schema}, &ctx);
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(ToJson(*verified), "[true,null]");
    EXPECT_LE(cache.size(), 2u);
  }
  EXPECT_EQ(MatchWith(ctx, Str("3"), J(R"({"maximum": 2})")),
            R"x([false,[{"desc":"Must be less than or equal to 2","error":"(root): Must be )x"
            R"x(less than or equal to 2","field":"(root)","type":"number_lte"}]])x");
}

}  // namespace
}  // namespace verdict::builtins
