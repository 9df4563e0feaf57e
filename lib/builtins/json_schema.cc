// File: lib/builtins/json_schema.cc
//
// json.verify_schema and json.match_schema: JSON Schema validation, drafts
// 4, 6 and 7, with the behaviour and the messages of the gojsonschema fork
// OPA uses (its internal/gojsonschema), since policies compare them:
//
//   json.match_schema({"id": "x"}, {"properties": {"id": {"type": "integer"}}})
//     == [false, [{"desc": "Invalid type. Expected: integer, given: string",
//                  "error": "id: Invalid type. Expected: integer, given: string",
//                  "field": "id", "type": "invalid_type"}]]
//
// Two phases, as in gojsonschema:
//   Compiler   turns the schema document into a vector of Nodes (one per
//              subschema; children and $ref targets are indices, so
//              recursive schemas are just cycles). Schema errors are the
//              library's texts ("has a primitive type that is NOT VALID
//              -- given: /x/ ...", "minLength must be of an integer").
//   Validator  walks a document against the nodes, collecting errors with
//              gojsonschema's "score" so that anyOf / oneOf report the
//              branch that came closest, as OPA does.
//
// The draft is the one the root's "$schema" names, else gojsonschema's
// "hybrid" mode (every keyword of every draft; `id` and `$id`;
// exclusiveMinimum as a boolean or a number). $ref resolves within the
// document: JSON pointers ("#/definitions/a"), "#" and $id-named
// subschemas, relative to the $id scope they appear in. Remote references
// are refused: verdict does not fetch schemas (OPA fetches them when
// allow_net permits). Where gojsonschema iterates Go maps (properties,
// patternProperties, dependencies) and so reports errors in random order,
// verdict uses sorted key order.
//
// Compiled schemas are kept in the evaluation context's PatternCache
// (patterns.h), keyed by the schema operand, as OPA caches them across
// queries; without a cache every call compiles.
//
// Entry points: JsonVerifySchema, JsonMatchSchema (builtins.def).
// Tested by tests/builtins/json_schema_test.cc and the conformance folder
// jsonschema/.
#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/go_time.h"
#include "builtins/patterns.h"
#include "builtins/utf8.h"
#include "re2/re2.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

// The order gojsonschema lists them in its error text.
constexpr std::string_view kJsonTypes[] = {"array",  "boolean", "integer", "number",
                                           "null",   "object",  "string"};
constexpr std::string_view kJsonTypesText =
    "[array boolean integer number null object string]";

enum class Draft : int { k4 = 4, k6 = 6, k7 = 7, kHybrid = 1 << 30 };

absl::Status SchemaError(std::string message) {
  return MakeError(ErrorCode::kEvalBuiltinError, message);
}

// "Invalid type. Expected: <expected>, given: <given>" (gojsonschema's
// invalidType, whose callers sometimes swap the two; kept as they are).
absl::Status InvalidType(std::string_view expected, std::string_view given) {
  return SchemaError(absl::StrCat("Invalid type. Expected: ", Absl(expected),
                                  ", given: ", Absl(given)));
}

absl::Status NotASchema() {
  return SchemaError("Expected: valid schema, given: Invalid JSON");
}

// --- Operands ------------------------------------------------------------------

// Whether [v] holds a set or a non-string object key, which OPA's ast.JSON
// would turn into an array / a string key before gojsonschema sees it.
bool NeedsJsonConversion(const Value& v) {
  switch (v.kind()) {
    case Kind::kSet:
      return true;
    case Kind::kArray:
      for (const Value& item : v.items()) {
        if (NeedsJsonConversion(item)) return true;
      }
      return false;
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        if (!e.key.is_string() || NeedsJsonConversion(e.value)) return true;
      }
      return false;
    default:
      return false;
  }
}

// The JSON document an operand stands for: a string is JSON text; an
// object or array is itself (as JSON). Errors carry OPA's texts.
absl::StatusOr<Value> LoadOperand(const Value& v, Arena* arena) {
  if (v.is_string()) {
    absl::StatusOr<Value> doc = ParseJson(v.as_string(), arena);
    if (!doc.ok()) return SchemaError("invalid JSON string");
    return doc;
  }
  if (v.is_object() || v.is_array()) {
    if (!NeedsJsonConversion(v)) return v;
    absl::StatusOr<Value> doc = ParseJson(ToJson(v), arena);
    if (!doc.ok()) return SchemaError("invalid JSON string");
    return doc;
  }
  return SchemaError("wrong type, expected string or object");
}

// --- JSON as gojsonschema compares it ----------------------------------------

// Go's json.Marshal after a float64 round trip (gojsonschema's
// marshalWithoutNumber): numbers as float64, object keys sorted, and
// <, >, & escaped as Go's HTML-safe encoder does. const, enum and
// uniqueItems compare documents by this text, so 1 and 1.0 are equal.
Value NumbersAsDoubles(const Value& v) {
  switch (v.kind()) {
    case Kind::kNumber:
      return Value::Double(v.ToDouble());
    case Kind::kArray: {
      ArrayBuilder b;
      b.Reserve(v.size());
      for (const Value& item : v.items()) b.Add(NumbersAsDoubles(item));
      return b.Build();
    }
    case Kind::kObject: {
      ObjectBuilder b;
      b.Reserve(v.size());
      for (const ObjectEntry& e : v.entries()) b.Add(e.key, NumbersAsDoubles(e.value));
      return b.Build();
    }
    default:
      return v;
  }
}

std::string MarshalWithoutNumber(const Value& v) {
  std::string json = ToJson(NumbersAsDoubles(v));
  std::string out;
  out.reserve(json.size());
  // Outside strings JSON text has no <, > or &, so escaping every one is
  // escaping those inside strings.
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A number as Go's big.Float prints it in an error detail: %g with ten
// significant digits ("10", "0.5", "1e-05", "1.23456789e+10").
std::string FormatDetailNumber(const Value& number) {
  value::Decimal d = value::ToDecimal(number);
  if (d.digits.empty()) return "0";
  std::string digits = d.digits;
  int64_t exponent = d.exponent;  // value = digits * 10^exponent
  if (digits.size() > 10) {
    size_t drop = digits.size() - 10;
    bool up = digits[10] > '5' ||
              (digits[10] == '5' &&
               (digits.find_first_not_of('0', 11) != std::string::npos ||
                ((digits[9] - '0') % 2 == 1)));
    digits.resize(10);
    exponent += static_cast<int64_t>(drop);
    if (up) {
      int i = 9;
      while (i >= 0 && digits[i] == '9') digits[i--] = '0';
      if (i < 0) {
        digits.insert(digits.begin(), '1');
        digits.pop_back();
        ++exponent;
      } else {
        ++digits[i];
      }
    }
  }
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  // Position of the first digit: value = 0.d1d2... * 10^point.
  int64_t point = static_cast<int64_t>(digits.size()) + exponent;
  int64_t x = point - 1;
  std::string out = d.negative ? "-" : "";
  if (x < -4 || x >= 10) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += x < 0 ? "e-" : "e+";
    int64_t ax = x < 0 ? -x : x;
    if (ax < 10) out += '0';
    absl::StrAppend(&out, ax);
    return out;
  }
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += digits;
  } else if (point >= static_cast<int64_t>(digits.size())) {
    out += digits;
    out.append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(point));
    out += '.';
    out.append(digits, static_cast<size_t>(point));
  }
  return out;
}

// Whether [number] / [divisor] is an integer, exactly (gojsonschema uses
// big.Rat): both are scaled to integers by the smaller exponent.
bool IsMultipleOf(const Value& number, const Value& divisor) {
  value::Decimal a = value::ToDecimal(number);
  value::Decimal b = value::ToDecimal(divisor);
  if (a.digits.empty()) return true;
  if (b.digits.empty()) return false;
  int64_t shift = std::min(a.exponent, b.exponent);
  int64_t ea = a.exponent - shift, eb = b.exponent - shift;
  if (ea > static_cast<int64_t>(limits::kMaxExactDigits) ||
      eb > static_cast<int64_t>(limits::kMaxExactDigits)) {
    long double q = value::ToLongDouble(number) / value::ToLongDouble(divisor);
    return std::isfinite(q) && q == std::floor(q);
  }
  a.negative = b.negative = false;
  a.exponent = ea;
  b.exponent = eb;
  Value x = value::FromDecimal(a, nullptr);
  Value y = value::FromDecimal(b, nullptr);
  absl::StatusOr<Value> rem = value::Remainder(x, y, nullptr);
  if (!rem.ok()) {
    long double q = value::ToLongDouble(number) / value::ToLongDouble(divisor);
    return std::isfinite(q) && q == std::floor(q);
  }
  return rem->is_number() && value::ToDecimal(*rem).digits.empty();
}

// --- URI references ($id, $ref) -----------------------------------------------

struct Uri {
  std::string scheme, authority, path, query, fragment;
  bool has_scheme = false, has_authority = false, has_query = false, has_fragment = false;
};

Uri SplitUri(std::string_view s) {
  Uri u;
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    u.has_fragment = true;
    u.fragment = std::string(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
      continue;
    }
    if (c == ':' && i > 0) {
      u.has_scheme = true;
      u.scheme = std::string(s.substr(0, i));
      s = s.substr(i + 1);
    }
    break;
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    u.has_query = true;
    u.query = std::string(s.substr(q + 1));
    s = s.substr(0, q);
  }
  if (s.substr(0, 2) == "//") {
    u.has_authority = true;
    size_t end = s.find('/', 2);
    u.authority = std::string(s.substr(2, end == std::string_view::npos ? end : end - 2));
    s = end == std::string_view::npos ? std::string_view() : s.substr(end);
  }
  u.path = std::string(s);
  return u;
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  bool absolute = !path.empty() && path[0] == '/';
  bool trailing = false;
  size_t i = absolute ? 1 : 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    trailing = false;
    if (seg == ".") {
      trailing = true;
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing = true;
    } else {
      out.push_back(seg);
    }
    i = j + 1;
  }
  std::string result = absolute ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k > 0) result += '/';
    result.append(out[k]);
  }
  if (trailing && !result.empty() && result.back() != '/') result += '/';
  return result;
}

std::string JoinUri(const Uri& u) {
  std::string out;
  if (u.has_scheme) absl::StrAppend(&out, u.scheme, ":");
  if (u.has_authority) absl::StrAppend(&out, "//", u.authority);
  out += u.path;
  if (u.has_query) absl::StrAppend(&out, "?", u.query);
  // An empty fragment names the document itself: "x#" is "x".
  if (u.has_fragment && !u.fragment.empty()) absl::StrAppend(&out, "#", u.fragment);
  return out;
}

// [ref] resolved against [base] (Go's url.ResolveReference, as
// gojsonreference's Inherits uses it).
std::string ResolveUri(std::string_view base, std::string_view ref) {
  Uri r = SplitUri(ref);
  if (base.empty()) return JoinUri(r);
  Uri b = SplitUri(base);
  Uri t;
  if (r.has_scheme) {
    t = r;
    t.path = RemoveDotSegments(r.path);
  } else {
    t.scheme = b.scheme;
    t.has_scheme = b.has_scheme;
    if (r.has_authority) {
      t.has_authority = true;
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      t.has_authority = b.has_authority;
      t.authority = b.authority;
      if (r.path.empty()) {
        t.path = b.path;
        t.has_query = r.has_query || b.has_query;
        t.query = r.has_query ? r.query : b.query;
      } else {
        if (r.path[0] == '/') {
          t.path = RemoveDotSegments(r.path);
        } else {
          std::string merged;
          if (b.has_authority && b.path.empty()) {
            merged = "/" + r.path;
          } else {
            size_t slash = b.path.rfind('/');
            merged = slash == std::string::npos ? r.path
                                                : b.path.substr(0, slash + 1) + r.path;
          }
          t.path = RemoveDotSegments(merged);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
    }
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return JoinUri(t);
}

std::string WithoutFragment(std::string_view uri) {
  return std::string(uri.substr(0, uri.find('#')));
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The key naming a schema's id: "id" (draft 4), "$id" (6, 7), and in hybrid
// mode "id" when present, else "$id".
std::string_view IdKey(const Value& schema, Draft draft) {
  if (draft == Draft::k4) return "id";
  if (draft == Draft::kHybrid && schema.Get("id") != nullptr) return "id";
  return "$id";
}

// Keywords whose object value maps names to schemas (the map itself is
// not a schema).
bool IsSchemaMapKeyword(std::string_view k) {
  return k == "properties" || k == "dependencies" || k == "patternProperties" ||
         k == "definitions";
}

// --- Compiled schema -------------------------------------------------------------

struct Dependency {
  std::string key;
  std::vector<std::string> required;  // an array of property names
  int schema = -1;                    // or a schema
};

struct PatternProperty {
  std::string pattern;
  std::shared_ptr<const RE2> re;
  int schema = -1;
};

// One subschema; every int is a node index (-1 = absent).
struct Node {
  int8_t pass = -1;  // a boolean schema (draft 6+): 1 true, 0 false
  int ref = -1;      // $ref: validation is the target's
  std::vector<std::string> types;
  std::vector<std::pair<std::string, int>> properties;  // sorted by name
  bool additional_properties = true;
  int additional_properties_schema = -1;
  std::vector<PatternProperty> pattern_properties;  // sorted by pattern
  int property_names = -1;
  std::vector<Dependency> dependencies;  // sorted by key
  std::vector<int> items;
  bool items_single = false;
  bool additional_items = true;
  int additional_items_schema = -1;
  Value multiple_of, minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<int64_t> min_length, max_length, min_items, max_items;
  std::optional<int64_t> min_properties, max_properties;
  std::shared_ptr<const RE2> pattern;
  std::string pattern_text;
  std::string format;
  std::vector<std::string> required;
  bool unique_items = false;
  int contains = -1;
  std::optional<std::string> const_json;
  std::vector<std::string> enum_json;
  std::vector<int> one_of, any_of, all_of;
  int not_schema = -1;
  int if_schema = -1, then_schema = -1, else_schema = -1;

  std::string TypesText() const {
    if (types.size() == 1) return types[0];
    return absl::StrCat("[", absl::StrJoin(types, ","), "]");
  }
  bool HasType(std::string_view t) const {
    return std::find(types.begin(), types.end(), t) != types.end();
  }
};

}  // namespace

// Declared in patterns.h, whose PatternCache keeps these across calls.
struct CompiledSchema {
  std::vector<Node> nodes;  // nodes[0] is the root
};

namespace {

// Integer keyword values (gojsonschema's mustBeInteger).
std::optional<int64_t> IntegerValue(const Value& v) {
  if (!v.is_number() || !value::IsIntegral(v)) return std::nullopt;
  return v.ToInt64();
}

class Compiler {
 public:
  explicit Compiler(PatternCache* patterns) : patterns_(patterns) {}

  absl::StatusOr<CompiledSchema> Compile(const Value& doc) {
    if (!doc.is_object() && !doc.is_bool()) return SchemaError("schema is invalid");
    draft_ = Draft::kHybrid;
    if (const Value* s = doc.is_object() ? doc.Get("$schema") : nullptr) {
      if (!s->is_string()) return SchemaError("$schema must be of type string");
      std::string url = WithoutFragment(s->as_string());
      if (url == "http://json-schema.org/draft-04/schema") draft_ = Draft::k4;
      if (url == "http://json-schema.org/draft-06/schema") draft_ = Draft::k6;
      if (url == "http://json-schema.org/draft-07/schema") draft_ = Draft::k7;
    }
    CollectIds(doc, "", true);
    pool_.emplace("", doc);
    nodes_.emplace_back();
    VERDICT_RETURN_IF_ERROR(Parse(doc, 0, "", 0));
    CompiledSchema out;
    out.nodes = std::move(nodes_);
    return out;
  }

 private:
  // Registers every subschema with an id under its resolved URI
  // (gojsonschema's parseReferences); the first of duplicates wins.
  void CollectIds(const Value& doc, const std::string& scope, bool schema_position) {
    if (doc.is_array()) {
      for (const Value& item : doc.items()) CollectIds(item, scope, schema_position);
      return;
    }
    if (!doc.is_object()) return;
    std::string local = scope;
    if (schema_position) {
      const Value* id = doc.Get("id");
      if (id == nullptr) id = doc.Get("$id");
      if (id != nullptr && id->is_string()) {
        local = ResolveUri(scope, id->as_string());
        pool_.emplace(local, doc);
      }
    }
    for (const ObjectEntry& e : doc.entries()) {
      if (!e.key.is_string()) continue;
      std::string_view k = e.key.as_string();
      if (k == "const" || k == "enum") continue;
      if (IsSchemaMapKeyword(k) && e.value.is_object()) {
        for (const ObjectEntry& child : e.value.entries()) CollectIds(child.value, local, true);
      } else {
        CollectIds(e.value, local, true);
      }
    }
  }

  // The document [ref] (absolute) names, and the id scope it sits in.
  absl::StatusOr<std::pair<Value, std::string>> GetDocument(const std::string& ref) {
    if (auto it = pool_.find(ref); it != pool_.end()) return std::pair(it->second, ref);
    std::string base = WithoutFragment(ref);
    auto it = pool_.find(base);
    if (it == pool_.end()) {
      if (!SplitUri(ref).has_scheme) {
        return SchemaError(absl::StrCat("Reference ", Absl(ref), " must be canonical"));
      }
      return SchemaError(absl::StrCat("remote reference ", Absl(ref),
                                      " cannot be loaded: verdict does not fetch schemas"));
    }
    std::string fragment = PercentDecode(SplitUri(ref).fragment);
    Value node = it->second;
    std::string scope = base;
    if (fragment.empty()) return std::pair(node, scope);
    if (fragment[0] != '/') {
      return SchemaError("JSON pointer must be empty or start with a \"/\"");
    }
    bool schema_position = true;
    size_t i = 1;
    while (true) {
      size_t j = fragment.find('/', i);
      if (j == std::string::npos) j = fragment.size();
      std::string token = fragment.substr(i, j - i);
      for (size_t p = 0; (p = token.find('~', p)) != std::string::npos; ++p) {
        if (p + 1 < token.size() && token[p + 1] == '1') token.replace(p, 2, "/");
        else if (p + 1 < token.size() && token[p + 1] == '0') token.replace(p, 2, "~");
      }
      if (schema_position && node.is_object()) {
        const Value* id = node.Get(IdKey(node, draft_));
        if (id != nullptr && id->is_string()) scope = ResolveUri(scope, id->as_string());
      }
      if (node.is_object()) {
        const Value* next = node.Get(token);
        if (next == nullptr) {
          return SchemaError(absl::StrCat("Object has no key '", token, "'"));
        }
        schema_position = !IsSchemaMapKeyword(token) || !schema_position;
        if (token == "const" || token == "enum") schema_position = false;
        node = *next;
      } else if (node.is_array()) {
        size_t index = 0;
        bool ok = !token.empty() && token.size() < 10;
        for (char c : token) ok = ok && c >= '0' && c <= '9';
        if (ok) index = static_cast<size_t>(std::stoul(token));
        if (!ok || index >= node.size()) {
          return SchemaError(absl::StrCat("Out of bound array[0,", node.size(),
                                          "] index '", token, "'"));
        }
        node = node[index];
      } else {
        return SchemaError(absl::StrCat("Invalid token reference '", token, "'"));
      }
      if (j == fragment.size()) break;
      i = j + 1;
    }
    return std::pair(node, scope);
  }

  absl::StatusOr<int> Child(const Value& doc, const std::string& scope, int depth) {
    int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    VERDICT_RETURN_IF_ERROR(Parse(doc, index, scope, depth + 1));
    return index;
  }

  absl::StatusOr<std::shared_ptr<const RE2>> Regex(std::string_view pattern) {
    return GetRegex(patterns_, pattern);
  }

  // gojsonschema's parseSchema: keyword by keyword, in its order, so the
  // first error reported is the one it reports.
  absl::Status Parse(const Value& doc, int index, std::string scope, int depth) {
    if (depth > limits::kMaxSchemaDepth) {
      return SchemaError(absl::StrCat("schema nesting exceeds ", limits::kMaxSchemaDepth));
    }
    Node node;
    if (draft_ >= Draft::k6 && doc.is_bool()) {
      node.pass = doc.as_bool() ? 1 : 0;
      nodes_[index] = std::move(node);
      return absl::OkStatus();
    }
    if (!doc.is_object()) return NotASchema();
    auto get_string = [&](std::string_view key) -> absl::StatusOr<const Value*> {
      const Value* v = doc.Get(key);
      if (v != nullptr && !v->is_string()) return InvalidType("string", key);
      return v;
    };
    auto get_slice = [&](std::string_view key) -> absl::StatusOr<const Value*> {
      const Value* v = doc.Get(key);
      if (v != nullptr && !v->is_array()) {
        return SchemaError(absl::StrCat(Absl(key), " must be of an array"));
      }
      return v;
    };
    auto integer = [&](std::string_view key) -> absl::StatusOr<std::optional<int64_t>> {
      const Value* v = doc.Get(key);
      if (v == nullptr) return std::optional<int64_t>();
      std::optional<int64_t> i = IntegerValue(*v);
      if (!i) return SchemaError(absl::StrCat(Absl(key), " must be of an integer"));
      if (*i < 0) {
        return SchemaError(absl::StrCat(Absl(key), " must be greater than or equal to 0"));
      }
      return i;
    };
    auto sub_schema = [&](const Value& v) { return v.is_bool() || v.is_object(); };

    VERDICT_ASSIGN_OR_RETURN(const Value* id, get_string(IdKey(doc, draft_)));
    if (id != nullptr) scope = ResolveUri(scope, id->as_string());

    if (const Value* defs = doc.Get("definitions")) {
      if (!defs->is_object()) return InvalidType("array of schemas", "definitions");
      for (const ObjectEntry& e : defs->entries()) {
        if (!sub_schema(e.value)) return InvalidType("array of schemas", "definitions");
        VERDICT_RETURN_IF_ERROR(Child(e.value, scope, depth).status());
      }
    }
    VERDICT_RETURN_IF_ERROR(get_string("title").status());
    VERDICT_RETURN_IF_ERROR(get_string("description").status());

    VERDICT_ASSIGN_OR_RETURN(const Value* ref, get_string("$ref"));
    if (ref != nullptr) {
      std::string target = ResolveUri(scope, ref->as_string());
      if (auto it = refs_.find(target); it != refs_.end()) {
        node.ref = it->second;
      } else {
        int ref_index = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
        refs_.emplace(target, ref_index);
        VERDICT_ASSIGN_OR_RETURN(auto found, GetDocument(target));
        if (!sub_schema(found.first)) return SchemaError("valid schema must be of type object");
        VERDICT_RETURN_IF_ERROR(Parse(found.first, ref_index, found.second, depth + 1));
        node.ref = ref_index;
      }
      // The referenced schema replaces this one (drafts 4 to 7).
      nodes_[index] = std::move(node);
      return absl::OkStatus();
    }

    if (const Value* type = doc.Get("type")) {
      auto add = [&](std::string_view t) -> absl::Status {
        if (std::find(std::begin(kJsonTypes), std::end(kJsonTypes), t) == std::end(kJsonTypes)) {
          return SchemaError(absl::StrCat("has a primitive type that is NOT VALID -- given: /",
                                          Absl(t), "/ Expected valid values are:",
                                          Absl(kJsonTypesText)));
        }
        if (node.HasType(t)) return SchemaError(absl::StrCat(Absl(t), " type is duplicated"));
        node.types.emplace_back(t);
        return absl::OkStatus();
      };
      if (type->is_string()) {
        VERDICT_RETURN_IF_ERROR(add(type->as_string()));
      } else if (type->is_array()) {
        for (const Value& t : type->items()) {
          if (!t.is_string()) return InvalidType("type", "string/array of strings");
          VERDICT_RETURN_IF_ERROR(add(t.as_string()));
        }
      } else {
        return InvalidType("type", "string/array of strings");
      }
    }

    if (const Value* props = doc.Get("properties")) {
      if (!props->is_object()) return SchemaError("properties must be of type object");
      for (const ObjectEntry& e : props->entries()) {
        VERDICT_ASSIGN_OR_RETURN(int child, Child(e.value, scope, depth));
        node.properties.emplace_back(std::string(e.key.as_string()), child);
      }
    }

    if (const Value* ap = doc.Get("additionalProperties")) {
      if (ap->is_bool()) {
        node.additional_properties = ap->as_bool();
      } else if (ap->is_object()) {
        VERDICT_ASSIGN_OR_RETURN(node.additional_properties_schema, Child(*ap, scope, depth));
      } else {
        return InvalidType("boolean/valid schema", "additionalProperties");
      }
    }

    if (const Value* pp = doc.Get("patternProperties")) {
      if (!pp->is_object()) return InvalidType("valid schema", "patternProperties");
      for (const ObjectEntry& e : pp->entries()) {
        std::string_view pattern = e.key.as_string();
        absl::StatusOr<std::shared_ptr<const RE2>> re = Regex(pattern);
        if (!re.ok()) {
          return SchemaError(absl::StrCat("Invalid regex pattern '", Absl(pattern), "'"));
        }
        VERDICT_ASSIGN_OR_RETURN(int child, Child(e.value, scope, depth));
        node.pattern_properties.push_back({std::string(pattern), *std::move(re), child});
      }
    }

    if (const Value* pn = doc.Get("propertyNames"); pn != nullptr && draft_ >= Draft::k6) {
      if (!sub_schema(*pn)) return InvalidType("valid schema", "patternProperties");
      VERDICT_ASSIGN_OR_RETURN(node.property_names, Child(*pn, scope, depth));
    }

    if (const Value* deps = doc.Get("dependencies")) {
      if (!deps->is_object()) return SchemaError("dependencies must be of type object");
      for (const ObjectEntry& e : deps->entries()) {
        Dependency dep;
        dep.key = std::string(e.key.as_string());
        if (e.value.is_array()) {
          for (const Value& name : e.value.items()) {
            if (!name.is_string()) {
              return SchemaError("dependency must be of type schema or array of strings");
            }
            dep.required.emplace_back(name.as_string());
          }
          if (dep.required.empty()) continue;
        } else if (sub_schema(e.value)) {
          VERDICT_ASSIGN_OR_RETURN(dep.schema, Child(e.value, scope, depth));
        } else {
          return SchemaError("dependency must be of type schema or array of strings");
        }
        node.dependencies.push_back(std::move(dep));
      }
    }

    if (const Value* items = doc.Get("items")) {
      if (items->is_array()) {
        for (const Value& item : items->items()) {
          if (!sub_schema(item)) return InvalidType("valid schema/array of schemas", "items");
          VERDICT_ASSIGN_OR_RETURN(int child, Child(item, scope, depth));
          node.items.push_back(child);
        }
      } else if (sub_schema(*items)) {
        VERDICT_ASSIGN_OR_RETURN(int child, Child(*items, scope, depth));
        node.items.push_back(child);
        node.items_single = true;
      } else {
        return InvalidType("valid schema/array of schemas", "items");
      }
    }

    if (const Value* ai = doc.Get("additionalItems")) {
      if (ai->is_bool()) {
        node.additional_items = ai->as_bool();
      } else if (ai->is_object()) {
        VERDICT_ASSIGN_OR_RETURN(node.additional_items_schema, Child(*ai, scope, depth));
      } else {
        return InvalidType("boolean/valid schema", "additionalItems");
      }
    }

    if (const Value* m = doc.Get("multipleOf")) {
      if (!m->is_number()) return InvalidType("number", "multipleOf");
      if (value::CompareNumbers(*m, Value::Int(0)) <= 0) {
        return SchemaError("multipleOf must be strictly greater than 0");
      }
      node.multiple_of = *m;
    }
    if (const Value* m = doc.Get("minimum")) {
      if (!m->is_number()) return SchemaError("minimum must be of a number");
      node.minimum = *m;
    }
    if (const Value* em = doc.Get("exclusiveMinimum")) {
      VERDICT_RETURN_IF_ERROR(ExclusiveBound(*em, "exclusiveMinimum", "minimum",
                                             &node.minimum, &node.exclusive_minimum));
    }
    if (const Value* m = doc.Get("maximum")) {
      if (!m->is_number()) return SchemaError("maximum must be of a number");
      node.maximum = *m;
    }
    if (const Value* em = doc.Get("exclusiveMaximum")) {
      VERDICT_RETURN_IF_ERROR(ExclusiveBound(*em, "exclusiveMaximum", "maximum",
                                             &node.maximum, &node.exclusive_maximum));
    }

    VERDICT_ASSIGN_OR_RETURN(node.min_length, integer("minLength"));
    VERDICT_ASSIGN_OR_RETURN(node.max_length, integer("maxLength"));
    if (node.min_length && node.max_length && *node.min_length > *node.max_length) {
      return SchemaError("minLength cannot be greater than maxLength");
    }
    VERDICT_ASSIGN_OR_RETURN(const Value* pattern, get_string("pattern"));
    if (pattern != nullptr) {
      absl::StatusOr<std::shared_ptr<const RE2>> re = Regex(pattern->as_string());
      if (!re.ok()) return SchemaError("pattern must be a valid regex");
      node.pattern = *std::move(re);
      node.pattern_text = std::string(pattern->as_string());
    }
    VERDICT_ASSIGN_OR_RETURN(const Value* format, get_string("format"));
    if (format != nullptr) node.format = std::string(format->as_string());

    VERDICT_ASSIGN_OR_RETURN(node.min_properties, integer("minProperties"));
    VERDICT_ASSIGN_OR_RETURN(node.max_properties, integer("maxProperties"));
    if (node.min_properties && node.max_properties &&
        *node.min_properties > *node.max_properties) {
      return SchemaError("minProperties cannot be greater than maxProperties");
    }

    VERDICT_ASSIGN_OR_RETURN(const Value* required, get_slice("required"));
    if (required != nullptr) {
      for (const Value& r : required->items()) {
        if (!r.is_string()) return InvalidType("string", "required");
        std::string name(r.as_string());
        if (std::find(node.required.begin(), node.required.end(), name) != node.required.end()) {
          return SchemaError("required items must be unique");
        }
        node.required.push_back(std::move(name));
      }
    }

    VERDICT_ASSIGN_OR_RETURN(node.min_items, integer("minItems"));
    VERDICT_ASSIGN_OR_RETURN(node.max_items, integer("maxItems"));
    if (const Value* u = doc.Get("uniqueItems")) {
      if (!u->is_bool()) return SchemaError("uniqueItems must be of a boolean");
      node.unique_items = u->as_bool();
    }
    if (const Value* c = doc.Get("contains"); c != nullptr && draft_ >= Draft::k6) {
      VERDICT_ASSIGN_OR_RETURN(node.contains, Child(*c, scope, depth));
    }

    if (const Value* c = doc.Get("const"); c != nullptr && draft_ >= Draft::k6) {
      node.const_json = MarshalWithoutNumber(*c);
    }
    VERDICT_ASSIGN_OR_RETURN(const Value* en, get_slice("enum"));
    if (en != nullptr) {
      for (const Value& v : en->items()) {
        std::string json = MarshalWithoutNumber(v);
        if (std::find(node.enum_json.begin(), node.enum_json.end(), json) !=
            node.enum_json.end()) {
          return SchemaError("enum items must be unique");
        }
        node.enum_json.push_back(std::move(json));
      }
    }

    for (auto [key, list] : {std::pair<std::string_view, std::vector<int>*>{"oneOf", &node.one_of},
                             {"anyOf", &node.any_of},
                             {"allOf", &node.all_of}}) {
      VERDICT_ASSIGN_OR_RETURN(const Value* subs, get_slice(key));
      if (subs == nullptr) continue;
      for (const Value& s : subs->items()) {
        VERDICT_ASSIGN_OR_RETURN(int child, Child(s, scope, depth));
        list->push_back(child);
      }
    }
    if (const Value* n = doc.Get("not")) {
      if (!sub_schema(*n)) return SchemaError("not must be of an object");
      VERDICT_ASSIGN_OR_RETURN(node.not_schema, Child(*n, scope, depth));
    }
    if (draft_ >= Draft::k7) {
      for (auto [key, slot] : {std::pair<std::string_view, int*>{"if", &node.if_schema},
                               {"then", &node.then_schema},
                               {"else", &node.else_schema}}) {
        const Value* s = doc.Get(key);
        if (s == nullptr) continue;
        if (!sub_schema(*s)) return SchemaError(absl::StrCat(Absl(key), " must be of an object"));
        VERDICT_ASSIGN_OR_RETURN(*slot, Child(*s, scope, depth));
      }
    }
    nodes_[index] = std::move(node);
    return absl::OkStatus();
  }

  // exclusiveMinimum / exclusiveMaximum: a boolean modifying the bound in
  // draft 4, a number of its own in 6 and 7, either in hybrid mode.
  absl::Status ExclusiveBound(const Value& v, std::string_view key, std::string_view bound_key,
                              Value* bound, Value* exclusive) {
    bool boolean_form = draft_ == Draft::k4 || (draft_ == Draft::kHybrid && v.is_bool());
    if (boolean_form) {
      if (!v.is_bool()) return InvalidType("boolean", key);
      if (!bound->is_defined()) {
        return SchemaError(
            absl::StrCat(Absl(key), " cannot be used without ", Absl(bound_key)));
      }
      if (v.as_bool()) {
        *exclusive = *bound;
        *bound = Value();
      }
      return absl::OkStatus();
    }
    if (!v.is_number()) {
      return InvalidType(draft_ == Draft::kHybrid ? "boolean/number" : "number", key);
    }
    *exclusive = v;
    return absl::OkStatus();
  }

  PatternCache* patterns_;
  Draft draft_ = Draft::kHybrid;
  std::vector<Node> nodes_;
  absl::flat_hash_map<std::string, Value> pool_;  // resolved id -> document
  absl::flat_hash_map<std::string, int> refs_;    // resolved $ref -> node
};

// --- Formats -------------------------------------------------------------------------

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() >= 256) return false;
  size_t start = 0;
  while (true) {
    size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    for (size_t i = 0; i < label.size(); ++i) {
      char c = label[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && !(c == '-' && i > 0 && i + 1 < label.size())) return false;
    }
    if (end == s.size()) return true;
    start = end + 1;
  }
}

bool IsAtext(unsigned char c) {
  if (c >= 0x80) return true;  // UTF-8, as Go's net/mail accepts
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// An addr-spec (local@domain), as Go's net/mail parses one.
bool IsAddrSpec(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  bool local_ok = false;
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    local_ok = true;
    for (size_t i = 1; i + 1 < local.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(local[i]);
      if (c == '\\') {
        ++i;
        if (i + 1 >= local.size()) local_ok = false;
      } else if (c == '"' || (c < 0x20 && c != '\t')) {
        local_ok = false;
      }
    }
  } else {
    local_ok = IsDotAtom(local);
  }
  if (!local_ok) return false;
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    for (char c : domain.substr(1, domain.size() - 2)) {
      if (c == '[' || c == ']' || c == '\\' || static_cast<unsigned char>(c) < 0x21) return false;
    }
    return true;
  }
  return IsDotAtom(domain);
}

bool IsEmail(std::string_view s) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    return t;
  };
  s = trim(s);
  if (!s.empty() && s.back() == '>') {
    size_t open = s.rfind('<');
    if (open == std::string_view::npos) return false;
    std::string_view name = trim(s.substr(0, open));
    for (char c : name) {
      if (c == '<' || c == '>' || c == '@' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    return IsAddrSpec(s.substr(open + 1, s.size() - open - 2));
  }
  return IsAddrSpec(s);
}

bool IsIp(std::string_view s, int family) {
  if (s.find('\0') != std::string_view::npos) return false;
  std::string text(s);
  unsigned char buf[16];
  return inet_pton(family, text.c_str(), buf) == 1;
}

bool HexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool ValidEscapes(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || !HexDigit(s[i + 1]) || !HexDigit(s[i + 2])) return false;
    i += 2;
  }
  return true;
}

// Go's url.Parse, as far as it can fail: control characters, bad percent
// escapes, a missing scheme before ':', a colon in a relative first
// segment, a bad host or port. [path] receives the path.
bool ParseUrl(std::string_view s, bool* has_scheme, std::string* path) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  std::string_view rest = s;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    if (!ValidEscapes(rest.substr(hash + 1))) return false;
    rest = rest.substr(0, hash);
  }
  *has_scheme = false;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
      continue;
    }
    if (c == ':') {
      if (i == 0) return false;  // "missing protocol scheme"
      *has_scheme = true;
      rest = rest.substr(i + 1);
    }
    break;
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
  if (!*has_scheme) {
    size_t colon = rest.find(':');
    if (colon != std::string_view::npos && colon < rest.find('/')) return false;
  }
  if (rest.substr(0, 2) == "//") {
    std::string_view authority = rest.substr(2);
    size_t slash = authority.find('/');
    if (slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    } else {
      rest = {};
    }
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority = authority.substr(at + 1);
    }
    std::string_view port;
    if (!authority.empty() && authority[0] == '[') {
      size_t close = authority.find(']');
      if (close == std::string_view::npos) return false;
      port = authority.substr(close + 1);
      if (!port.empty() && port[0] != ':') return false;
    } else {
      size_t colon = authority.rfind(':');
      if (colon != std::string_view::npos) {
        port = authority.substr(colon);
        authority = authority.substr(0, colon);
      }
      for (char c : authority) {
        unsigned char u = static_cast<unsigned char>(c);
        bool ok = u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') ||
                  std::string_view("-._~!$&'()*+,;=:[]%\"<>").find(c) != std::string_view::npos;
        if (!ok) return false;
      }
      if (!ValidEscapes(authority)) return false;
    }
    for (size_t i = 1; i < port.size(); ++i) {
      if (port[i] < '0' || port[i] > '9') return false;
    }
  }
  if (!ValidEscapes(rest)) return false;
  *path = std::string(rest);
  return true;
}

bool MatchesWhole(const RE2& re, std::string_view s) { return RE2::FullMatch(s, re); }

// gojsonschema's format checkers; unknown formats and non-strings pass.
bool IsFormat(std::string_view format, const Value& v) {
  if (!v.is_string()) return true;
  std::string_view s = v.as_string();
  auto parses = [&](std::string_view layout) { return ParseGoTime(layout, s).ok(); };
  if (format == "date") return parses("2006-01-02");
  if (format == "time") return parses("15:04:05Z07:00") || parses("15:04:05");
  if (format == "date-time") {
    return parses("15:04:05") || parses("15:04:05Z07:00") || parses("2006-01-02") ||
           parses(kRfc3339) || parses(kRfc3339Nano);
  }
  if (format == "hostname") return IsHostname(s);
  if (format == "email" || format == "idn-email") return IsEmail(s);
  if (format == "ipv4") {
    return (IsIp(s, AF_INET) || IsIp(s, AF_INET6)) && s.find('.') != std::string_view::npos;
  }
  if (format == "ipv6") {
    return (IsIp(s, AF_INET) || IsIp(s, AF_INET6)) && s.find(':') != std::string_view::npos;
  }
  bool has_scheme = false;
  std::string path;
  if (format == "uri" || format == "iri") {
    return ParseUrl(s, &has_scheme, &path) && has_scheme &&
           s.find('\\') == std::string_view::npos;
  }
  if (format == "uri-reference" || format == "iri-reference") {
    return ParseUrl(s, &has_scheme, &path) && s.find('\\') == std::string_view::npos;
  }
  if (format == "uri-template") {
    if (!ParseUrl(s, &has_scheme, &path) || s.find('\\') != std::string_view::npos) {
      return false;
    }
    size_t open = path.rfind('{');
    return open == std::string::npos || path.find('}', open) != std::string::npos;
  }
  if (format == "uuid") {
    static const RE2* const re = new RE2(
        "(?i)[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}");
    return MatchesWhole(*re, s);
  }
  if (format == "regex") return s.empty() || CompileRegex(s).ok();
  if (format == "json-pointer") {
    static const RE2* const re = new RE2("(?:/(?:[^~/]|~0|~1)*)*");
    return MatchesWhole(*re, s);
  }
  if (format == "relative-json-pointer") {
    static const RE2* const re = new RE2("(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)");
    return MatchesWhole(*re, s);
  }
  return true;
}

// --- Validation ----------------------------------------------------------------------

struct ErrorEntry {
  std::string_view type;  // "invalid_type", ...
  std::string field;      // "id", "a.0.b", "(root)"
  std::string description;
};

// gojsonschema's Result: errors, and a score of how well the document
// matched, used to pick the branch to report for anyOf / oneOf.
struct Result {
  std::vector<ErrorEntry> errors;
  int score = 0;
  bool valid() const { return errors.empty(); }
  void Merge(Result&& other) {
    for (ErrorEntry& e : other.errors) errors.push_back(std::move(e));
    score += other.score;
  }
};

class Validator {
 public:
  explicit Validator(const CompiledSchema& schema) : nodes_(schema.nodes) {}

  absl::Status Validate(const Value& doc, Result* result) { return Recursive(0, doc, result); }

 private:
  std::string Field() const {
    return path_.empty() ? std::string("(root)") : absl::StrJoin(path_, ".");
  }

  void AddError(Result* r, std::string_view type, std::string description) {
    r->errors.push_back({type, Field(), std::move(description)});
    r->score -= 2;  // a net -1 with the +1 at the end of the check
  }

  absl::StatusOr<Result> Sub(int node, const Value& v) {
    Result r;
    VERDICT_RETURN_IF_ERROR(Recursive(node, v, &r));
    return r;
  }

  absl::StatusOr<Result> SubAt(int node, const Value& v, std::string segment) {
    path_.push_back(std::move(segment));
    absl::StatusOr<Result> r = Sub(node, v);
    path_.pop_back();
    return r;
  }

  absl::Status Recursive(int index, const Value& v, Result* r) {
    if (++depth_ > limits::kMaxSchemaDepth) {
      return SchemaError(absl::StrCat("schema nesting exceeds ", limits::kMaxSchemaDepth,
                                      " while validating (a $ref cycle?)"));
    }
    absl::Status s = RecursiveBody(index, v, r);
    --depth_;
    return s;
  }

  absl::Status RecursiveBody(int index, const Value& v, Result* r) {
    const Node& node = nodes_[index];
    if (node.pass >= 0) {
      if (node.pass == 0) AddError(r, "false", "False always fails validation");
      return absl::OkStatus();
    }
    if (node.ref >= 0) return Recursive(node.ref, v, r);

    std::string_view given;
    bool type_ok = true;
    switch (v.kind()) {
      case Kind::kNull:
        given = "null";
        type_ok = node.HasType("null");
        break;
      case Kind::kNumber: {
        bool integral = value::IsIntegral(v);
        given = integral ? "integer" : "number";
        type_ok = node.HasType("number") || (integral && node.HasType("integer"));
        break;
      }
      case Kind::kArray:
        given = "array";
        type_ok = node.HasType("array");
        break;
      case Kind::kObject:
        given = "object";
        type_ok = node.HasType("object");
        break;
      case Kind::kBool:
        given = "boolean";
        type_ok = node.HasType("boolean");
        break;
      case Kind::kString:
        given = "string";
        type_ok = node.HasType("string");
        break;
      default:
        return absl::OkStatus();
    }
    if (!node.types.empty() && !type_ok) {
      AddError(r, "invalid_type",
               absl::StrCat("Invalid type. Expected: ", node.TypesText(), ", given: ",
                            Absl(given)));
      return absl::OkStatus();
    }
    VERDICT_RETURN_IF_ERROR(ValidateSchema(node, v, r));
    switch (v.kind()) {
      case Kind::kNumber:
        ValidateNumber(node, v, r);
        ValidateCommon(node, v, r);
        break;
      case Kind::kArray:
        VERDICT_RETURN_IF_ERROR(ValidateArray(node, v, r));
        ValidateCommon(node, v, r);
        break;
      case Kind::kObject:
        VERDICT_RETURN_IF_ERROR(ValidateObject(node, v, r));
        ValidateCommon(node, v, r);
        for (const auto& [name, child] : node.properties) {
          const Value* next = v.Get(name);
          if (next == nullptr) continue;
          path_.push_back(name);
          absl::Status s = Recursive(child, *next, r);
          path_.pop_back();
          VERDICT_RETURN_IF_ERROR(s);
        }
        break;
      case Kind::kString:
        ValidateCommon(node, v, r);
        ValidateString(node, v, r);
        break;
      default:  // null, boolean
        ValidateCommon(node, v, r);
        break;
    }
    ++r->score;
    return absl::OkStatus();
  }

  // anyOf, oneOf, allOf, not, dependencies, if/then/else.
  absl::Status ValidateSchema(const Node& node, const Value& v, Result* r) {
    if (!node.any_of.empty()) {
      bool validated = false;
      std::optional<Result> best;
      for (int s : node.any_of) {
        if (validated) break;
        VERDICT_ASSIGN_OR_RETURN(Result sub, Sub(s, v));
        validated = sub.valid();
        if (!validated && (!best || sub.score > best->score)) best = std::move(sub);
      }
      if (!validated) {
        AddError(r, "number_any_of", "Must validate at least one schema (anyOf)");
        if (best) r->Merge(std::move(*best));
      }
    }
    if (!node.one_of.empty()) {
      int validated = 0;
      std::optional<Result> best;
      for (int s : node.one_of) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, Sub(s, v));
        if (sub.valid()) {
          ++validated;
        } else if (validated == 0 && (!best || sub.score > best->score)) {
          best = std::move(sub);
        }
      }
      if (validated != 1) {
        AddError(r, "number_one_of", "Must validate one and only one schema (oneOf)");
        if (validated == 0 && best) r->Merge(std::move(*best));
      }
    }
    if (!node.all_of.empty()) {
      size_t validated = 0;
      for (int s : node.all_of) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, Sub(s, v));
        if (sub.valid()) ++validated;
        r->Merge(std::move(sub));
      }
      if (validated != node.all_of.size()) {
        AddError(r, "number_all_of", "Must validate all the schemas (allOf)");
      }
    }
    if (node.not_schema >= 0) {
      VERDICT_ASSIGN_OR_RETURN(Result sub, Sub(node.not_schema, v));
      if (sub.valid()) AddError(r, "number_not", "Must not validate the schema (not)");
    }
    if (!node.dependencies.empty() && v.is_object()) {
      for (const ObjectEntry& e : v.entries()) {
        auto dep = std::find_if(node.dependencies.begin(), node.dependencies.end(),
                                [&](const Dependency& d) { return d.key == e.key.as_string(); });
        if (dep == node.dependencies.end()) continue;
        if (dep->schema >= 0) {
          VERDICT_RETURN_IF_ERROR(Recursive(dep->schema, v, r));
          continue;
        }
        for (const std::string& needed : dep->required) {
          if (v.Get(needed) == nullptr) {
            AddError(r, "missing_dependency", absl::StrCat("Has a dependency on ", needed));
          }
        }
      }
    }
    if (node.if_schema >= 0) {
      VERDICT_ASSIGN_OR_RETURN(Result cond, Sub(node.if_schema, v));
      if (node.then_schema >= 0 && cond.valid()) {
        VERDICT_ASSIGN_OR_RETURN(Result then, Sub(node.then_schema, v));
        if (!then.valid()) {
          AddError(r, "condition_then", "Must validate \"then\" as \"if\" was valid");
          r->Merge(std::move(then));
        }
      }
      if (node.else_schema >= 0 && !cond.valid()) {
        VERDICT_ASSIGN_OR_RETURN(Result otherwise, Sub(node.else_schema, v));
        if (!otherwise.valid()) {
          AddError(r, "condition_else", "Must validate \"else\" as \"if\" was not valid");
          r->Merge(std::move(otherwise));
        }
      }
    }
    ++r->score;
    return absl::OkStatus();
  }

  // const, enum, format.
  void ValidateCommon(const Node& node, const Value& v, Result* r) {
    if (node.const_json || !node.enum_json.empty()) {
      std::string json = MarshalWithoutNumber(v);
      if (node.const_json && json != *node.const_json) {
        AddError(r, "const", absl::StrCat(Field(), " does not match: ", *node.const_json));
      }
      if (!node.enum_json.empty() &&
          std::find(node.enum_json.begin(), node.enum_json.end(), json) ==
              node.enum_json.end()) {
        AddError(r, "enum", absl::StrCat(Field(), " must be one of the following: ",
                                         absl::StrJoin(node.enum_json, ", ")));
      }
    }
    if (!node.format.empty() && !IsFormat(node.format, v)) {
      AddError(r, "format", absl::StrCat("Does not match format '", node.format, "'"));
    }
    ++r->score;
  }

  absl::Status ValidateArray(const Node& node, const Value& v, Result* r) {
    size_t n = v.size();
    if (node.items_single) {
      for (size_t i = 0; i < n; ++i) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, SubAt(node.items[0], v[i], absl::StrCat(i)));
        r->Merge(std::move(sub));
      }
    } else if (!node.items.empty()) {
      size_t k = node.items.size();
      for (size_t i = 0; i < k && i < n; ++i) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, SubAt(node.items[i], v[i], absl::StrCat(i)));
        r->Merge(std::move(sub));
      }
      if (k < n) {
        if (node.additional_items_schema >= 0) {
          for (size_t i = k; i < n; ++i) {
            VERDICT_ASSIGN_OR_RETURN(
                Result sub, SubAt(node.additional_items_schema, v[i], absl::StrCat(i)));
            r->Merge(std::move(sub));
          }
        } else if (!node.additional_items) {
          AddError(r, "array_no_additional_items", "No additional items allowed on array");
        }
      }
    }
    if (node.min_items && static_cast<int64_t>(n) < *node.min_items) {
      AddError(r, "array_min_items",
               absl::StrCat("Array must have at least ", *node.min_items, " items"));
    }
    if (node.max_items && static_cast<int64_t>(n) > *node.max_items) {
      AddError(r, "array_max_items",
               absl::StrCat("Array must have at most ", *node.max_items, " items"));
    }
    if (node.unique_items) {
      absl::flat_hash_map<std::string, size_t> seen;
      for (size_t j = 0; j < n; ++j) {
        std::string json = MarshalWithoutNumber(v[j]);
        if (auto it = seen.find(json); it != seen.end()) {
          AddError(r, "unique",
                   absl::StrCat("array items[", it->second, ",", j, "] must be unique"));
        }
        seen[json] = j;
      }
    }
    if (node.contains >= 0) {
      bool validated = false;
      std::optional<Result> best;
      for (size_t i = 0; i < n; ++i) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, SubAt(node.contains, v[i], absl::StrCat(i)));
        if (sub.valid()) {
          validated = true;
          break;
        }
        if (!best || sub.score > best->score) best = std::move(sub);
      }
      if (!validated) {
        AddError(r, "contains", "At least one of the items must match");
        if (best) r->Merge(std::move(*best));
      }
    }
    ++r->score;
    return absl::OkStatus();
  }

  absl::Status ValidateObject(const Node& node, const Value& v, Result* r) {
    int64_t n = static_cast<int64_t>(v.size());
    if (node.min_properties && n < *node.min_properties) {
      AddError(r, "array_min_properties",
               absl::StrCat("Must have at least ", *node.min_properties, " properties"));
    }
    if (node.max_properties && n > *node.max_properties) {
      AddError(r, "array_max_properties",
               absl::StrCat("Must have at most ", *node.max_properties, " properties"));
    }
    for (const std::string& name : node.required) {
      if (v.Get(name) != nullptr) {
        ++r->score;
      } else {
        AddError(r, "required", absl::StrCat(name, " is required"));
      }
    }
    for (const ObjectEntry& e : v.entries()) {
      std::string_view key = e.key.as_string();
      bool described = std::any_of(node.properties.begin(), node.properties.end(),
                                   [&](const auto& p) { return p.first == key; });
      bool matched = false;
      for (const PatternProperty& pp : node.pattern_properties) {
        if (!RE2::PartialMatch(key, *pp.re)) continue;
        matched = true;
        VERDICT_ASSIGN_OR_RETURN(Result sub, SubAt(pp.schema, e.value, std::string(key)));
        r->Merge(std::move(sub));
      }
      if (matched) ++r->score;
      if (described || matched) continue;
      if (node.additional_properties_schema >= 0) {
        VERDICT_ASSIGN_OR_RETURN(
            Result sub, SubAt(node.additional_properties_schema, e.value, std::string(key)));
        r->Merge(std::move(sub));
      } else if (!node.additional_properties) {
        AddError(r, "additional_property_not_allowed",
                 absl::StrCat("Additional property ", Absl(key), " is not allowed"));
      }
    }
    if (node.property_names >= 0) {
      for (const ObjectEntry& e : v.entries()) {
        VERDICT_ASSIGN_OR_RETURN(Result sub, Sub(node.property_names, e.key));
        if (!sub.valid()) {
          AddError(r, "invalid_property_name",
                   absl::StrCat("Property name of \"", Absl(e.key.as_string()),
                                "\" does not match"));
          r->Merge(std::move(sub));
        }
      }
    }
    ++r->score;
    return absl::OkStatus();
  }

  void ValidateString(const Node& node, const Value& v, Result* r) {
    std::string_view s = v.as_string();
    if (node.min_length || node.max_length) {
      int64_t runes = static_cast<int64_t>(CountRunes(s));
      if (node.min_length && runes < *node.min_length) {
        AddError(r, "string_gte",
                 absl::StrCat("String length must be greater than or equal to ",
                              *node.min_length));
      }
      if (node.max_length && runes > *node.max_length) {
        AddError(r, "string_lte",
                 absl::StrCat("String length must be less than or equal to ", *node.max_length));
      }
    }
    if (node.pattern && !RE2::PartialMatch(s, *node.pattern)) {
      AddError(r, "pattern", absl::StrCat("Does not match pattern '", node.pattern_text, "'"));
    }
    ++r->score;
  }

  void ValidateNumber(const Node& node, const Value& v, Result* r) {
    if (node.multiple_of.is_defined() && !IsMultipleOf(v, node.multiple_of)) {
      AddError(r, "multiple_of",
               absl::StrCat("Must be a multiple of ", FormatDetailNumber(node.multiple_of)));
    }
    if (node.maximum.is_defined() && value::CompareNumbers(v, node.maximum) > 0) {
      AddError(r, "number_lte", absl::StrCat("Must be less than or equal to ",
                                             FormatDetailNumber(node.maximum)));
    }
    if (node.exclusive_maximum.is_defined() &&
        value::CompareNumbers(v, node.exclusive_maximum) >= 0) {
      AddError(r, "number_lt",
               absl::StrCat("Must be less than ", FormatDetailNumber(node.exclusive_maximum)));
    }
    if (node.minimum.is_defined() && value::CompareNumbers(v, node.minimum) < 0) {
      AddError(r, "number_gte", absl::StrCat("Must be greater than or equal to ",
                                             FormatDetailNumber(node.minimum)));
    }
    if (node.exclusive_minimum.is_defined() &&
        value::CompareNumbers(v, node.exclusive_minimum) <= 0) {
      AddError(r, "number_gt", absl::StrCat("Must be greater than ",
                                            FormatDetailNumber(node.exclusive_minimum)));
    }
    ++r->score;
  }

  const std::vector<Node>& nodes_;
  std::vector<std::string> path_;
  int depth_ = 0;
};

Value Pair(bool ok, Value detail, Arena* arena) {
  ArrayBuilder b(arena);
  b.Reserve(2);
  b.Add(Value::Bool(ok));
  b.Add(std::move(detail));
  return b.Build();
}

// The compiled schema for [operand]: from the context's cache when it has
// one (so a constant schema compiles once per evaluation context), else
// compiled now. Errors are the schema's problem without the builtin's
// prefix.
absl::StatusOr<std::shared_ptr<const CompiledSchema>> GetSchema(BuiltinContext& ctx,
                                                                const Value& operand) {
  PatternCache* cache = ctx.patterns;
  if (cache != nullptr) {
    if (std::shared_ptr<const CompiledSchema> hit = cache->CachedSchema(operand)) return hit;
  }
  // A cached schema outlives this evaluation's arena, and its nodes keep
  // number Values of the document (minimum, multipleOf ...): compile it
  // from heap cells then.
  VERDICT_ASSIGN_OR_RETURN(Value doc,
                           LoadOperand(operand, cache != nullptr ? nullptr : ctx.arena));
  if (cache != nullptr) doc = DeepCopy(doc, nullptr);  // an object operand may be in an arena
  VERDICT_ASSIGN_OR_RETURN(CompiledSchema compiled, Compiler(cache).Compile(doc));
  auto schema = std::make_shared<const CompiledSchema>(std::move(compiled));
  if (cache != nullptr) cache->AddSchema(operand, schema);
  return schema;
}

}  // namespace

absl::StatusOr<Value> JsonVerifySchema(BuiltinContext& ctx, std::span<const Value> args) {
  absl::Status problem = GetSchema(ctx, args[0]).status();
  if (problem.ok()) return Pair(true, Value::Null(), ctx.arena);
  // An invalid schema is an answer, not an error.
  return Pair(false, Str(ctx, absl::StrCat("jsonschema: ", problem.message())),
              ctx.arena);
}

absl::StatusOr<Value> JsonMatchSchema(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "json.match_schema";
  absl::StatusOr<Value> doc = LoadOperand(args[0], ctx.arena);
  if (!doc.ok()) return BuiltinError(kName, Std(doc.status().message()));
  absl::StatusOr<std::shared_ptr<const CompiledSchema>> schema = GetSchema(ctx, args[1]);
  if (!schema.ok()) return BuiltinError(kName, Std(schema.status().message()));
  Result result;
  absl::Status s = Validator(**schema).Validate(*doc, &result);
  if (!s.ok()) return BuiltinError(kName, Std(s.message()));
  ArrayBuilder errors(ctx.arena);
  errors.Reserve(result.errors.size());
  for (const ErrorEntry& e : result.errors) {
    ObjectBuilder o(ctx.arena);
    o.Reserve(4);
    o.Add(Str(ctx, "desc"), Str(ctx, e.description));
    o.Add(Str(ctx, "error"), Str(ctx, absl::StrCat(e.field, ": ", e.description)));
    o.Add(Str(ctx, "field"), Str(ctx, e.field));
    o.Add(Str(ctx, "type"), Str(ctx, e.type));
    errors.Add(o.Build());
  }
  return Pair(result.valid(), errors.Build(), ctx.arena);
}

}  // namespace verdict::builtins
