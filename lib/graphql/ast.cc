// File: lib/graphql/ast.cc
//
// Helpers of the GraphQL document model (ast.h): deep copies, the textual
// forms gqlparser prints in its messages (Type.String, Value.String, Go's
// strconv.Quote) and error formatting.
//
// Tested by tests/builtins/graphql_test.cc.
#include "graphql/ast.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace verdict::graphql {

// --- Type ---------------------------------------------------------------------

Type::Type(const Type& other)
    : named_type(other.named_type),
      elem(other.elem ? std::make_unique<Type>(*other.elem) : nullptr),
      non_null(other.non_null),
      pos(other.pos) {}

Type& Type::operator=(const Type& other) {
  if (this != &other) {
    Type copy(other);
    *this = std::move(copy);
  }
  return *this;
}

const std::string& Type::Name() const {
  static const std::string* const kEmpty = new std::string();
  const Type* t = this;
  while (t->named_type.empty()) {
    if (t->elem == nullptr) return *kEmpty;
    t = t->elem.get();
  }
  return t->named_type;
}

std::string Type::String() const {
  std::string bang = non_null ? "!" : "";
  if (!named_type.empty()) return named_type + bang;
  if (elem == nullptr) return "[]" + bang;  // malformed (decoded JSON)
  return absl::StrCat("[", elem->String(), "]", bang);
}

bool Type::IsCompatible(const Type& other) const {
  if (named_type != other.named_type) return false;
  if (elem != nullptr && other.elem == nullptr) return false;
  if (elem != nullptr && !elem->IsCompatible(*other.elem)) return false;
  if (other.non_null) return non_null;
  return true;
}

// --- Value ----------------------------------------------------------------------

Value::Value(const Value& other)
    : kind(other.kind),
      raw(other.raw),
      children(other.children),
      expected_type_has_default(other.expected_type_has_default),
      pos(other.pos),
      definition(other.definition),
      variable_definition(other.variable_definition),
      expected_type(other.expected_type) {}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

ChildValue::ChildValue(const ChildValue& other)
    : name(other.name),
      value(other.value ? std::make_unique<Value>(*other.value) : nullptr),
      pos(other.pos) {}

ChildValue& ChildValue::operator=(const ChildValue& other) {
  if (this != &other) {
    ChildValue copy(other);
    *this = std::move(copy);
  }
  return *this;
}

std::string Value::String() const {
  switch (kind) {
    case ValueKind::kVariable:
      return "$" + raw;
    case ValueKind::kInt:
    case ValueKind::kFloat:
    case ValueKind::kEnum:
    case ValueKind::kBoolean:
    case ValueKind::kNull:
      return raw;
    case ValueKind::kString:
    case ValueKind::kBlock:
      return GoQuote(raw);
    case ValueKind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ",";
        if (children[i].value != nullptr) out += children[i].value->String();
      }
      return out + "]";
    }
    case ValueKind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ",";
        out += children[i].name + ":";
        if (children[i].value != nullptr) out += children[i].value->String();
      }
      return out + "}";
    }
  }
  return raw;
}

// --- Definitions ------------------------------------------------------------------

const ArgumentDefinition* FieldDefinition::Argument(std::string_view n) const {
  for (const ArgumentDefinition& a : arguments) {
    if (a.name == n) return &a;
  }
  return nullptr;
}

const ArgumentDefinition* DirectiveDefinition::Argument(std::string_view n) const {
  for (const ArgumentDefinition& a : arguments) {
    if (a.name == n) return &a;
  }
  return nullptr;
}

// --- Errors -----------------------------------------------------------------------

std::string Error::Format() const {
  std::string out = in_prelude ? "prelude.graphql" : "input";
  if (has_location) absl::StrAppend(&out, ":", line, ":", column);
  absl::StrAppend(&out, ": ", message);
  return out;
}

Error ErrorAt(const Pos& pos, std::string message) {
  Error e;
  e.message = std::move(message);
  e.has_location = true;
  e.line = pos.known ? pos.line : -1;
  e.column = pos.known ? pos.column : -1;
  e.in_prelude = pos.prelude;
  return e;
}

namespace {

// Decodes one UTF-8 sequence at [i]; returns the code point, or -1 for an
// invalid byte (consuming one byte).
int32_t DecodeRune(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = b0 >= 0xF0 && b0 < 0xF5 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (len == 0 || b0 >= 0xF5 || i + len > s.size()) {
    ++i;
    return -1;
  }
  int32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return -1;
  }
  i += len;
  return cp;
}

// Go's unicode.IsPrint, approximated outside ASCII: control characters,
// the soft hyphen, line/paragraph separators, surrogates, private-use and
// non-characters are escaped; everything else prints as itself.
bool IsPrint(int32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r >= 0x80 && r < 0xA0) return false;
  if (r == 0xAD || r == 0x2028 || r == 0x2029) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xFDD0 && r <= 0xFDEF) return false;
  if (r >= 0xF0000) return false;
  return true;
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    int32_t r = DecodeRune(s, i);
    if (r < 0) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<uint8_t>(s[start]));
      continue;
    }
    switch (r) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      default: break;
    }
    if (IsPrint(r)) {
      out.append(s.substr(start, i - start));
    } else if (r < 0x20 || r == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", r);
    } else if (r < 0x10000) {
      absl::StrAppendFormat(&out, "\\u%04x", r);
    } else {
      absl::StrAppendFormat(&out, "\\U%08x", r);
    }
  }
  out += "\"";
  return out;
}

}  // namespace verdict::graphql
