// METADATA blocks -> Annotations (annotations.h), following OPA's metadata
// parser (parser.go: parseAnnotations, metadataParser.Parse,
// parseRelatedResource, parseAuthor) and attachment rules (annotations.go:
// attachAnnotationsNodes, validateAnnotationScopeAttachment).
//
// Steps for each block (ProcessAnnotations):
//  1. Gather the YAML: the comments after the METADATA line, in column 1 on
//     consecutive lines, each without one leading space.
//  2. Load it with yaml-cpp (which throws: caught here) and decode the keys
//     OPA knows into typed fields, reporting go-yaml's "cannot unmarshal"
//     errors for values of the wrong YAML kind. OPA points a YAML error at
//     the comment with the index of the 1-based YAML line it names; so do we.
//  3. Check related resources, authors and schemas as OPA does.
//  4. Attach the block to the first statement below it and check its scope.
//
// Tested by tests/syntax/annotations_test.cc.
#include "syntax/annotations.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/strings.h"
#include "syntax/ast.h"
#include "syntax/parse.h"
#include "value/yaml.h"
#include "yaml-cpp/yaml.h"

namespace verdict::syntax {
namespace {

constexpr std::string_view kRule = "rule";
constexpr std::string_view kDocument = "document";
constexpr std::string_view kPackage = "package";
constexpr std::string_view kSubpackages = "subpackages";

std::string_view TrimSpace(std::string_view s) {
  return Std(absl::StripAsciiWhitespace(Absl(s)));
}

// A problem in a block: the message and the comment it points at.
struct BlockError {
  std::string message;
  Span span;
};

// go-yaml's name for a node's kind in "cannot unmarshal" messages:
// "!!map", "!!seq", "!!str `text`", "!!int `12`".
std::string YamlKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "!!map";
    case YAML::NodeType::Sequence: return "!!seq";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "!!null";
    case YAML::NodeType::Scalar: break;
  }
  std::string tag = "!!str";
  if (node.Tag() != "!") {
    absl::StatusOr<Value> v = value::FromYamlNode(node);
    if (v.ok() && v->is_number()) {
      tag = v->is_int() ? "!!int" : "!!float";
    } else if (v.ok() && v->is_bool()) {
      tag = "!!bool";
    }
  }
  return absl::StrCat(tag, " `", node.Scalar(), "`");
}

// Go's %v of a decoded YAML value, for OPA's "invalid author definition %s"
// messages: strings as they are, maps as map[k:v ...] with sorted keys.
std::string GoFormat(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull: return "<nil>";
    case Kind::kString: return std::string(v.as_string());
    case Kind::kArray:
    case Kind::kSet: {
      std::vector<std::string> parts;
      for (const Value& item : v.items()) parts.push_back(GoFormat(item));
      return absl::StrCat("[", absl::StrJoin(parts, " "), "]");
    }
    case Kind::kObject: {
      std::vector<std::string> parts;
      for (const ObjectEntry& e : v.entries()) {
        parts.push_back(absl::StrCat(GoFormat(e.key), ":", GoFormat(e.value)));
      }
      return absl::StrCat("map[", absl::StrJoin(parts, " "), "]");
    }
    default: return ToJson(v);
  }
}

// The string value of `key` in object [m], "" when absent or not a string
// (OPA's getSafeString).
std::string_view SafeString(const Value& m, std::string_view key) {
  const Value* v = m.Get(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->as_string();
}

// A ref as OPA's toObject renders it: string elements as they are, the
// others printed (`input.x[0]` -> ["input", "x", "0"]).
Value RefToArray(const Term& ref) {
  ArrayBuilder b;
  auto add = [&](const Term& t) {
    b.Add(Value::String(t.kind == TermKind::kString ? t.text : ToString(t)));
  };
  if (ref.kind == TermKind::kRef) {
    for (const Term& t : ref.terms) add(t);
  } else {
    add(ref);
  }
  return b.Build();
}

// The decoder of one block: the YAML keys OPA knows, typed as its
// rawAnnotation struct, with go-yaml's errors for wrongly typed values.
class BlockParser {
 public:
  BlockParser(const Comment& metadata, std::vector<const Comment*> lines)
      : metadata_(metadata), lines_(std::move(lines)) {}

  std::optional<Annotations> Parse(BlockError* error) {
    std::string yaml;
    for (const Comment* c : lines_) {
      std::string_view text = c->text;
      if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      absl::StrAppend(&yaml, Absl(text), "\n");
    }
    error->span = metadata_.span;
    if (TrimSpace(yaml).empty()) {
      error->message = "expected METADATA block, found whitespace";
      return std::nullopt;
    }
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      int line = e.mark.is_null() ? 0 : e.mark.line + 1;
      error->message = YamlSyntaxError(yaml, line, e.msg);
      if (line > 0) PointAtLine(line, error);
      return std::nullopt;
    } catch (const std::exception& e) {
      error->message = absl::StrCat("yaml: ", e.what());
      return std::nullopt;
    }
    Annotations a;
    a.span = metadata_.span;
    try {
      Decode(root, a);
    } catch (const std::exception& e) {
      error->message = absl::StrCat("yaml: ", e.what());
      return std::nullopt;
    }
    if (!unmarshal_errors_.empty()) {
      error->message = absl::StrCat("yaml: unmarshal errors:\n  ",
                                    absl::StrJoin(unmarshal_errors_, "\n  "));
      PointAtLine(first_error_line_, error);
      return std::nullopt;
    }
    if (!semantic_error_.empty()) {
      error->message = semantic_error_;
      return std::nullopt;
    }
    return a;
  }

 private:
  // go-yaml's "yaml: line N: problem": ParseYaml() words yaml-cpp's
  // messages as go-yaml does and adds a column, which go-yaml does not print.
  static std::string YamlSyntaxError(const std::string& yaml, int line,
                                     const std::string& fallback) {
    absl::Status s = ParseYaml(yaml).status();
    std::string_view text = Std(s.message());
    std::string prefix = absl::StrCat("yaml: line ", line, ":");
    if (line > 0 && text.substr(0, prefix.size()) == prefix) {
      size_t colon = text.find(": ", prefix.size());
      if (colon != std::string_view::npos) {
        return absl::StrCat(prefix, " ", Absl(text.substr(colon + 2)));
      }
    }
    return line > 0 ? absl::StrCat(prefix, " ", fallback) : absl::StrCat("yaml: ", fallback);
  }

  // OPA's mapping of a YAML line number to a comment of the block: the
  // comment at that index (so the line after the one named), or the last.
  void PointAtLine(int line, BlockError* error) const {
    if (lines_.empty()) return;
    size_t index = std::min(static_cast<size_t>(line), lines_.size() - 1);
    error->span = lines_[index]->span;
  }

  void TypeError(const YAML::Node& node, std::string_view go_type) {
    int line = node.Mark().is_null() ? 0 : node.Mark().line + 1;
    if (unmarshal_errors_.empty()) first_error_line_ = line;
    unmarshal_errors_.push_back(absl::StrCat("line ", line, ": cannot unmarshal ",
                                             YamlKind(node), " into ", Absl(go_type)));
  }

  void Fail(std::string message) {
    if (semantic_error_.empty()) semantic_error_ = std::move(message);
  }

  static bool IsNull(const YAML::Node& node) {
    return !node.IsDefined() || node.IsNull();
  }

  std::string DecodeString(const YAML::Node& node) {
    if (IsNull(node)) return "";
    if (!node.IsScalar()) {
      TypeError(node, "string");
      return "";
    }
    return node.Scalar();
  }

  bool DecodeBool(const YAML::Node& node) {
    if (IsNull(node)) return false;
    if (node.IsScalar() && node.Tag() != "!") {
      std::string s = absl::AsciiStrToLower(node.Scalar());
      if (s == "true" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "no" || s == "off") return false;
    }
    TypeError(node, "bool");
    return false;
  }

  // A sequence whose items become Values; null gives none.
  std::vector<Value> DecodeList(const YAML::Node& node) {
    std::vector<Value> out;
    if (IsNull(node)) return out;
    if (!node.IsSequence()) {
      TypeError(node, "[]interface {}");
      return out;
    }
    for (const YAML::Node& item : node) {
      absl::StatusOr<Value> v = value::FromYamlNode(item);
      if (!v.ok()) {
        Fail(std::string(v.status().message()));
        continue;
      }
      out.push_back(*std::move(v));
    }
    return out;
  }

  // A map decoded as a Value; null gives undefined.
  Value DecodeMap(const YAML::Node& node) {
    if (IsNull(node)) return Value();
    if (!node.IsMap()) {
      TypeError(node, "map[string]interface {}");
      return Value();
    }
    absl::StatusOr<Value> v = value::FromYamlNode(node);
    if (!v.ok()) {
      Fail(std::string(v.status().message()));
      return Value();
    }
    return *std::move(v);
  }

  void Decode(const YAML::Node& root, Annotations& a) {
    if (IsNull(root)) return;
    if (!root.IsMap()) {
      TypeError(root, "ast.rawAnnotation");
      return;
    }
    for (YAML::const_iterator it = root.begin(); it != root.end(); ++it) {
      YAML::Node key_node = it->first;  // copies: the iterator yields temporaries
      YAML::Node v = it->second;
      if (!key_node.IsScalar()) continue;
      const std::string key = key_node.Scalar();
      if (key == "scope") {
        a.scope = DecodeString(v);
      } else if (key == "title") {
        a.title = DecodeString(v);
      } else if (key == "description") {
        a.description = DecodeString(v);
      } else if (key == "entrypoint") {
        a.entrypoint = DecodeBool(v);
      } else if (key == "organizations") {
        DecodeOrganizations(v, a);
      } else if (key == "related_resources") {
        for (const Value& rr : DecodeList(v)) AddRelatedResource(rr, a);
      } else if (key == "authors") {
        for (const Value& author : DecodeList(v)) AddAuthor(author, a);
      } else if (key == "schemas") {
        DecodeSchemas(v, a);
      } else if (key == "custom") {
        Value custom = DecodeMap(v);
        if (custom.is_object() && !custom.empty()) a.custom = std::move(custom);
      } else if (key == "compile" || key == "labels") {
        DecodeMap(v);  // typed by OPA too; verdict has no use for them
      }
      // Other keys are ignored, as go-yaml ignores unknown fields.
    }
  }

  void DecodeOrganizations(const YAML::Node& node, Annotations& a) {
    if (IsNull(node)) return;
    if (!node.IsSequence()) {
      TypeError(node, "[]string");
      return;
    }
    for (const YAML::Node& item : node) a.organizations.push_back(DecodeString(item));
  }

  void DecodeSchemas(const YAML::Node& node, Annotations& a) {
    if (IsNull(node)) return;
    if (!node.IsSequence()) {
      TypeError(node, "[]map[string]interface {}");
      return;
    }
    for (const YAML::Node& item : node) {
      if (!IsNull(item) && !item.IsMap()) {
        TypeError(item, "map[string]interface {}");
        continue;
      }
      Value pair = DecodeMap(item);
      if (!unmarshal_errors_.empty()) continue;
      AddSchema(item, pair, a);
    }
  }

  void AddRelatedResource(const Value& rr, Annotations& a) {
    auto fail = [&](std::string_view why) {
      Fail(absl::StrCat("invalid related-resource definition ", GoFormat(rr), ": ",
                        Absl(why)));
    };
    if (rr.is_string()) {
      if (rr.as_string().empty()) return fail("ref URL may not be empty string");
      a.related_resources.push_back({std::string(rr.as_string()), ""});
      return;
    }
    if (rr.is_object()) {
      std::string_view ref = TrimSpace(SafeString(rr, "ref"));
      if (ref.empty()) return fail("'ref' value required in object");
      a.related_resources.push_back(
          {std::string(ref), std::string(TrimSpace(SafeString(rr, "description")))});
      return;
    }
    fail("invalid value type, must be string or map");
  }

  void AddAuthor(const Value& author, Annotations& a) {
    auto fail = [&](std::string_view why) {
      Fail(absl::StrCat("invalid author definition ", GoFormat(author), ": ",
                        Absl(why)));
    };
    if (author.is_string()) {
      // "Name Words <email>": a last word in angle brackets is the email.
      std::vector<absl::string_view> words =
          absl::StrSplit(Absl(author.as_string()), absl::ByAnyChar(" \t\n\r\v\f"),
                         absl::SkipEmpty());
      if (words.empty()) return fail("author is an empty string");
      AuthorAnnotation out;
      absl::string_view last = words.back();
      if (last.size() >= 2 && last.front() == '<' && last.back() == '>') {
        out.email = std::string(last.substr(1, last.size() - 2));
        words.pop_back();
      }
      out.name = absl::StrJoin(words, " ");
      a.authors.push_back(std::move(out));
      return;
    }
    if (author.is_object()) {
      AuthorAnnotation out{std::string(TrimSpace(SafeString(author, "name"))),
                           std::string(TrimSpace(SafeString(author, "email")))};
      if (out.name.empty() && out.email.empty()) {
        return fail("'name' and/or 'email' values required in object");
      }
      a.authors.push_back(std::move(out));
      return;
    }
    fail("invalid value type, must be string or map");
  }

  // `- input.x: schema.y` or `- input.x: {type: ...}`: the first pair.
  void AddSchema(const YAML::Node& item, const Value& pair, Annotations& a) {
    std::string key;
    Value value;
    if (item.IsMap() && item.begin() != item.end()) {
      YAML::Node first = item.begin()->first;
      key = first.Scalar();
      if (pair.is_object()) {
        for (const ObjectEntry& e : pair.entries()) {
          if (e.key.is_string() && e.key.as_string() == key) value = e.value;
        }
      }
    }
    absl::StatusOr<Term> path = ParseRef(key);
    if (!path.ok()) return Fail("invalid document reference");
    SchemaAnnotation s;
    s.path = RefToArray(*path);
    if (value.is_string()) {
      absl::StatusOr<Term> ref = ParseTerm(value.as_string());
      bool ok = ref.ok() &&
                ((ref->kind == TermKind::kVar && ref->text == "schema") ||
                 (ref->kind == TermKind::kRef && ref->terms[0].kind == TermKind::kVar &&
                  ref->terms[0].text == "schema"));
      if (!ok) return Fail("invalid schema reference");
      s.schema = RefToArray(*ref);
    } else if (value.is_object()) {
      s.definition = value;
    } else {
      return Fail(absl::StrCat("invalid schema declaration for path \"", key, "\""));
    }
    a.schemas.push_back(std::move(s));
  }

  const Comment& metadata_;
  std::vector<const Comment*> lines_;
  std::vector<std::string> unmarshal_errors_;
  int first_error_line_ = 0;
  std::string semantic_error_;
};

// OPA's validateAnnotationScopeAttachment and
// validateAnnotationEntrypointAttachment; [target] is nullptr when no
// statement follows the block.
void CheckScope(const Annotations& a, const StatementInfo* target, Diagnostics& diags) {
  auto have = [&]() -> std::string {
    if (target == nullptr) return "";
    switch (target->kind) {
      case StatementInfo::Kind::kPackage: return " (have package)";
      case StatementInfo::Kind::kImport: return " (have import)";
      case StatementInfo::Kind::kRule: return " (have rule)";
    }
    return "";
  };
  const std::string& scope = a.scope;
  if (scope == kRule || scope == kDocument) {
    if (target == nullptr || target->kind != StatementInfo::Kind::kRule) {
      diags.push_back({ErrorCode::kParseError, a.span,
                       absl::StrCat("annotation scope '", scope,
                                    "' must be applied to rule", have())});
    }
  } else if (scope == kPackage || scope == kSubpackages) {
    if (target == nullptr || target->kind != StatementInfo::Kind::kPackage) {
      diags.push_back({ErrorCode::kParseError, a.span,
                       absl::StrCat("annotation scope '", scope,
                                    "' must be applied to package", have())});
    }
  } else {
    diags.push_back({ErrorCode::kParseError, a.span,
                     absl::StrCat("invalid annotation scope '", scope,
                                  "'. Use one of 'rule', 'document', 'package', "
                                  "or 'subpackages'")});
  }
  if (a.entrypoint && scope != kDocument && scope != kPackage) {
    diags.push_back({ErrorCode::kParseError, a.span,
                     absl::StrCat("annotation entrypoint applied to non-document "
                                  "or package scope '", scope, "'")});
  }
}

}  // namespace

bool IsMetadataComment(std::string_view text, int col) {
  return col == 1 && TrimSpace(text).substr(0, 8) == "METADATA";
}

void ProcessAnnotations(std::span<const StatementInfo> statements, Module& module,
                        Diagnostics& diags) {
  const std::vector<Comment>& comments = module.comments;
  for (size_t i = 0; i < comments.size(); ++i) {
    if (!IsMetadataComment(comments[i].text, comments[i].span.col)) continue;
    std::vector<const Comment*> lines;
    size_t j = i + 1;
    for (; j < comments.size(); ++j) {
      const Comment& c = comments[j];
      if (c.span.col != 1 || c.span.line - 1 != comments[j - 1].span.line ||
          IsMetadataComment(c.text, c.span.col)) {
        break;
      }
      lines.push_back(&c);
    }
    BlockError error;
    std::optional<Annotations> a = BlockParser(comments[i], std::move(lines)).Parse(&error);
    i = j - 1;
    if (!a.has_value()) {
      diags.push_back({ErrorCode::kParseError, error.span, std::move(error.message)});
      continue;
    }
    const StatementInfo* target = nullptr;
    for (const StatementInfo& s : statements) {
      if (s.line > a->span.line) {
        target = &s;
        break;
      }
    }
    if (a->scope.empty() && target != nullptr) {
      switch (target->kind) {
        case StatementInfo::Kind::kRule:
          a->scope = a->entrypoint ? kDocument : kRule;
          break;
        case StatementInfo::Kind::kPackage:
          a->scope = kPackage;
          break;
        case StatementInfo::Kind::kImport:
          a->scope = "import";  // invalid: reported below with its name
          break;
      }
    }
    size_t before = diags.size();
    CheckScope(*a, target, diags);
    if (diags.size() != before) continue;
    if (target->kind == StatementInfo::Kind::kPackage) {
      a->target = AnnotationTarget::kPackage;
    } else {
      a->target = AnnotationTarget::kRule;
      a->rule_index = target->rule_index;
    }
    module.annotations.push_back(*std::move(a));
  }
}

Value AnnotationsToValue(const Annotations& a) {
  ObjectBuilder o;
  auto str = [](std::string_view s) { return Value::String(s); };
  if (!a.scope.empty()) o.Add(str("scope"), str(a.scope));
  if (!a.title.empty()) o.Add(str("title"), str(a.title));
  if (a.entrypoint) o.Add(str("entrypoint"), Value::Bool(true));
  if (!a.description.empty()) o.Add(str("description"), str(a.description));
  if (!a.organizations.empty()) {
    ArrayBuilder b;
    for (const std::string& org : a.organizations) b.Add(str(org));
    o.Add(str("organizations"), b.Build());
  }
  if (!a.related_resources.empty()) {
    ArrayBuilder b;
    for (const RelatedResourceAnnotation& rr : a.related_resources) {
      ObjectBuilder item;
      item.Add(str("ref"), str(rr.ref));
      if (!rr.description.empty()) item.Add(str("description"), str(rr.description));
      b.Add(item.Build());
    }
    o.Add(str("related_resources"), b.Build());
  }
  if (!a.authors.empty()) {
    ArrayBuilder b;
    for (const AuthorAnnotation& author : a.authors) {
      ObjectBuilder item;
      if (!author.name.empty()) item.Add(str("name"), str(author.name));
      if (!author.email.empty()) item.Add(str("email"), str(author.email));
      b.Add(item.Build());
    }
    o.Add(str("authors"), b.Build());
  }
  if (!a.schemas.empty()) {
    ArrayBuilder b;
    for (const SchemaAnnotation& s : a.schemas) {
      ObjectBuilder item;
      if (s.path.is_array() && !s.path.empty()) item.Add(str("path"), s.path);
      if (s.schema.is_array() && !s.schema.empty()) item.Add(str("schema"), s.schema);
      if (s.definition.is_defined()) item.Add(str("definition"), s.definition);
      b.Add(item.Build());
    }
    o.Add(str("schemas"), b.Build());
  }
  if (a.custom.is_object() && !a.custom.empty()) o.Add(str("custom"), a.custom);
  return o.Build();
}

}  // namespace verdict::syntax
