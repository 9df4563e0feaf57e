// File: lib/value/yaml.cc
//
// YAML text or yaml-cpp nodes -> Value (see yaml.h for the scalar typing).
// yaml-cpp reports errors by throwing; this file is the edge where those
// exceptions become kJsonError statuses with line:col. Mapping keys become
// strings, as in OPA, which loads YAML by converting it to JSON.
// Entry points: ParseYaml (include/verdict/value.h), FromYamlNode.
//
// Tested by tests/value/yaml_test.cc.
#include "value/yaml.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/strings.h"
#include "value/json.h"
#include "value/number.h"

namespace verdict {
namespace value {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

// yaml-cpp's wording of the structural errors that libyaml (behind OPA's
// go-yaml) words differently; other messages are kept as yaml-cpp says them.
std::string_view GoYamlWording(std::string_view message) {
  struct Wording {
    std::string_view yaml_cpp, go_yaml;
  };
  static constexpr Wording kWordings[] = {
      {"end of sequence flow not found", "did not find expected ',' or ']'"},
      {"end of map flow not found", "did not find expected ',' or '}'"},
      {"end of sequence not found", "did not find expected '-' indicator"},
      {"end of map not found", "did not find expected key"},
  };
  for (const Wording& w : kWordings) {
    if (message == w.yaml_cpp) return w.go_yaml;
  }
  return message;
}

// "yaml: line N:C: problem", in go-yaml's words where they differ (the
// yaml.unmarshal builtin drops the column, as go-yaml prints none).
absl::Status YamlError(const YAML::Mark& mark, std::string_view message) {
  message = GoYamlWording(message);
  if (mark.is_null()) return MakeError(ErrorCode::kJsonError, absl::StrCat("yaml: ", Absl(message)));
  return MakeError(ErrorCode::kJsonError, absl::StrCat("yaml: line ", mark.line + 1, ":",
                                                       mark.column + 1, ": ", Absl(message)));
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Integer in [base] from [digits] (no sign, no prefix), as an exact number.
std::optional<Value> RadixInt(std::string_view digits, int base, bool negative, Arena* arena) {
  // Accumulate in decimal through the exact arithmetic to allow any size.
  Value acc = Value::Int(0);
  Value radix = Value::Int(base);
  for (char c : digits) {
    int d = IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    absl::StatusOr<Value> m = Multiply(acc, radix, arena);
    if (!m.ok()) return std::nullopt;
    absl::StatusOr<Value> s = Add(*m, Value::Int(d), arena);
    if (!s.ok()) return std::nullopt;
    acc = *std::move(s);
  }
  return negative ? Negate(acc, arena) : acc;
}

// A plain scalar typed by the YAML 1.2 core schema; nullopt: a string.
// Sets *error for scalars that are numbers without a Rego value (.inf, .nan).
std::optional<Value> ResolvePlain(std::string_view s, Arena* arena, bool* error) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::Null();
  if (s == "true" || s == "True" || s == "TRUE") return Value::Bool(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value::Bool(false);
  char c = s[0];
  if (!(IsDigit(c) || c == '-' || c == '+' || c == '.')) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '-' || body[0] == '+') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF" || s == ".nan" || s == ".NaN" ||
      s == ".NAN") {
    *error = true;
    return std::nullopt;
  }
  if (s[0] != '-' && s[0] != '+' && body.size() > 2 && body[0] == '0') {
    if (body[1] == 'x' && AllOf(body.substr(2), IsHex)) {
      return RadixInt(body.substr(2), 16, false, arena);
    }
    if (body[1] == 'o' && AllOf(body.substr(2), IsOctal)) {
      return RadixInt(body.substr(2), 8, false, arena);
    }
  }
  // [-+]?[0-9]+ and [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < body.size() && IsDigit(body[i])) ++i, ++int_digits;
  bool dot = false;
  if (i < body.size() && body[i] == '.') {
    dot = true;
    ++i;
    while (i < body.size() && IsDigit(body[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  size_t exp_at = i;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < body.size() && IsDigit(body[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  // Rewrite as a JSON literal: no '+', no leading zeros, digits around '.'.
  std::string text;
  if (negative) text.push_back('-');
  std::string_view int_part = body.substr(0, int_digits);
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  text.append(int_part.empty() ? "0" : int_part);
  if (dot && frac_digits > 0) {
    text.push_back('.');
    text.append(body.substr(int_digits + 1, frac_digits));
  }
  text.append(body.substr(exp_at));
  std::optional<Value> v = ParseNumber(text, arena);
  if (!v) *error = true;  // absurd exponent
  return v;
}

struct Converter {
  Arena* arena;
  size_t nodes = 0;

  absl::StatusOr<Value> Key(const YAML::Node& node, int depth) {
    absl::StatusOr<Value> key = Convert(node, depth);
    if (!key.ok() || key->is_string()) return key;
    if (node.IsScalar()) return Value::String(node.Scalar(), arena);
    return Value::String(ToJson(*key), arena);
  }

  absl::StatusOr<Value> Convert(const YAML::Node& node, int depth) {
    if (++nodes > limits::kMaxYamlNodes) {
      return YamlError(node.Mark(), "document too large (alias expansion?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return Value::Null();
      case YAML::NodeType::Scalar: {
        const std::string& tag = node.Tag();
        const std::string& text = node.Scalar();
        std::string_view short_tag = tag;
        if (short_tag.substr(0, kTagPrefix.size()) == kTagPrefix) {
          short_tag.remove_prefix(kTagPrefix.size());
        }
        if (tag == "!" || short_tag == "str" || short_tag == "binary") {
          return Value::String(text, arena);
        }
        bool error = false;
        std::optional<Value> v = ResolvePlain(text, arena, &error);
        if (error) return YamlError(node.Mark(), absl::StrCat("unsupported number ", text));
        if (v) return *std::move(v);
        if (short_tag == "int" || short_tag == "float" || short_tag == "bool" ||
            short_tag == "null") {
          return YamlError(node.Mark(), absl::StrCat("invalid !!", Absl(short_tag), " ", text));
        }
        return Value::String(text, arena);
      }
      case YAML::NodeType::Sequence: {
        if (depth >= limits::kMaxJsonDepth) {
          return YamlError(node.Mark(), absl::StrCat("nesting deeper than ", limits::kMaxJsonDepth));
        }
        ArrayBuilder b(arena);
        b.Reserve(node.size());
        for (const YAML::Node& child : node) {
          absl::StatusOr<Value> item = Convert(child, depth + 1);
          if (!item.ok()) return item.status();
          b.Add(*std::move(item));
        }
        return b.Build();
      }
      case YAML::NodeType::Map: {
        if (depth >= limits::kMaxJsonDepth) {
          return YamlError(node.Mark(), absl::StrCat("nesting deeper than ", limits::kMaxJsonDepth));
        }
        ObjectBuilder b(arena);
        b.Reserve(node.size());
        for (auto it = node.begin(); it != node.end(); ++it) {
          absl::StatusOr<Value> key = Key(it->first, depth + 1);
          if (!key.ok()) return key.status();
          absl::StatusOr<Value> value = Convert(it->second, depth + 1);
          if (!value.ok()) return value.status();
          b.Add(*std::move(key), *std::move(value));
        }
        return b.Build();
      }
    }
    return Value::Null();
  }
};

}  // namespace

absl::StatusOr<Value> FromYamlNode(const YAML::Node& node, Arena* arena) {
  try {
    Converter c{arena};
    return c.Convert(node, 0);
  } catch (const YAML::Exception& e) {
    return YamlError(e.mark, e.msg);
  } catch (const std::exception& e) {
    return YamlError(YAML::Mark::null_mark(), e.what());
  }
}

}  // namespace value

absl::StatusOr<Value> ParseYaml(std::string_view yaml, Arena* arena) {
  try {
    YAML::Node node = YAML::Load(std::string(yaml));
    return value::FromYamlNode(node, arena);
  } catch (const YAML::Exception& e) {
    return value::YamlError(e.mark, e.msg);
  } catch (const std::exception& e) {
    return value::YamlError(YAML::Mark::null_mark(), e.what());
  }
}

}  // namespace verdict
