// File: lib/graphql/validate.cc
//
// Query validation (validate.h): a Walker visits the document the way
// gqlparser's does (operations first: variables, directives, selections,
// following fragment spreads once per operation; then every fragment on its
// own), filling in each node's validation annotations, and calls the Rules
// at each node. Each Rule is one validation rule of the spec, with
// gqlparser's messages; they run in gqlparser's order (by rule name).
//
// Recursion follows document nesting and chains of fragment spreads; it is
// bounded by kMaxWalkDepth, and deep documents are validated on a large
// stack (base/large_stack.h).
//
// Entry point: Validate. Tested by tests/builtins/graphql_test.cc and the
// conformance folder graphql/.
#include "graphql/validate.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <tuple>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "base/large_stack.h"

namespace verdict::graphql {
namespace {

// Selection nesting followed by the walk, through fragment spreads.
constexpr int kMaxWalkDepth = 10000;

// --- Messages helpers (gqlparser's messaging.go, suggestionList.go) ------------

std::string OrList(std::vector<std::string> items) {
  if (items.size() > 5) items.resize(5);
  if (items.size() == 2) return items[0] + " or " + items[1];
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += i == items.size() - 1 ? ", or " : ", ";
    out += items[i];
  }
  return out;
}

std::string QuotedOrList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const std::string& item : items) quoted.push_back("\"" + item + "\"");
  return OrList(std::move(quoted));
}

std::vector<uint32_t> Runes(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t r = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len && i + k < s.size(); ++k) {
      r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(r);
    i += static_cast<size_t>(len);
  }
  return out;
}

size_t Levenshtein(std::string_view a, std::string_view b) {
  std::vector<uint32_t> ra = Runes(a);
  std::vector<uint32_t> rb = Runes(b);
  std::vector<size_t> prev(rb.size() + 1);
  std::vector<size_t> cur(rb.size() + 1);
  for (size_t j = 0; j <= rb.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= ra.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= rb.size(); ++j) {
      size_t cost = ra[i - 1] == rb[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[rb.size()];
}

size_t LexicalDistance(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::string la = absl::AsciiStrToLower(std::string(a));
  std::string lb = absl::AsciiStrToLower(std::string(b));
  if (la == lb) return 1;
  return Levenshtein(la, lb);
}

// Options close to [input], closest first.
std::vector<std::string> SuggestionList(std::string_view input,
                                        const std::vector<std::string>& options) {
  size_t threshold = static_cast<size_t>(std::floor(static_cast<double>(input.size()) * 0.4)) + 1;
  std::vector<std::pair<size_t, std::string>> found;
  for (const std::string& option : options) {
    size_t d = LexicalDistance(input, option);
    if (d <= threshold) found.emplace_back(d, option);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

std::string SuggestQuoted(std::string_view prefix, std::string_view typed,
                          const std::vector<std::string>& options) {
  std::vector<std::string> s = SuggestionList(typed, options);
  if (s.empty()) return "";
  return absl::StrCat(" ", Absl(prefix), " ", QuotedOrList(s), "?");
}

std::string SuggestUnquoted(std::string_view prefix, std::string_view typed,
                            const std::vector<std::string>& options) {
  std::vector<std::string> s = SuggestionList(typed, options);
  if (s.empty()) return "";
  return absl::StrCat(" ", Absl(prefix), " ", OrList(s), "?");
}

// --- Go number parsing, as gqlparser's Value.Value() uses it ----------------------

enum class ParseResult { kOk, kSyntax, kRange };

ParseResult ParseGoInt(std::string_view s, int bits) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i == s.size()) return ParseResult::kSyntax;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return ParseResult::kSyntax;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) overflow = true;
    if (!overflow) v = v * 10 + digit;
  }
  uint64_t limit = uint64_t{1} << (bits - 1);
  if (overflow || (neg ? v > limit : v >= limit)) return ParseResult::kRange;
  return ParseResult::kOk;
}

ParseResult ParseGoFloat(std::string_view s) {
  std::string text(s);
  std::string lower = absl::AsciiStrToLower(text);
  std::string_view body = lower;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity" || body == "nan") return ParseResult::kOk;
  // Decimal syntax: digits, optional fraction, optional exponent.
  size_t i = 0;
  size_t digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return ParseResult::kSyntax;
  if (i < body.size() && body[i] == 'e') {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return ParseResult::kSyntax;
  }
  if (i != body.size()) return ParseResult::kSyntax;
  errno = 0;
  double d = std::strtod(text.c_str(), nullptr);
  if (std::isinf(d)) return ParseResult::kRange;
  return ParseResult::kOk;
}

bool ParseGoBool(std::string_view s) {
  static constexpr std::string_view kValid[] = {"1", "t", "T", "TRUE", "true", "True",
                                                "0", "f", "F", "FALSE", "false", "False"};
  return std::find(std::begin(kValid), std::end(kValid), s) != std::end(kValid);
}

// Whether gqlparser's Value.Value(nil) fails for [v].
bool ValueFails(const Value& v, int depth = 0) {
  if (depth > kMaxWalkDepth) return false;
  switch (v.kind) {
    case ValueKind::kVariable:
      if (v.variable_definition != nullptr && v.variable_definition->default_value != nullptr) {
        return ValueFails(*v.variable_definition->default_value, depth + 1);
      }
      return false;
    case ValueKind::kInt: return ParseGoInt(v.raw, 64) != ParseResult::kOk;
    case ValueKind::kFloat: return ParseGoFloat(v.raw) != ParseResult::kOk;
    case ValueKind::kBoolean: return !ParseGoBool(v.raw);
    case ValueKind::kList:
    case ValueKind::kObject:
      for (const ChildValue& c : v.children) {
        if (ValueFails(*c.value, depth + 1)) return true;
      }
      return false;
    default: return false;
  }
}

bool OneOf(const TypeDef* def, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (def->name == n) return true;
  }
  return false;
}

std::string ResponseName(const Selection& f) { return f.alias.empty() ? f.name : f.alias; }

// --- Walker and rules ----------------------------------------------------------

class Walker;

class Rule {
 public:
  virtual ~Rule() = default;
  virtual void OnOperation(Walker&, OperationDefinition&) {}
  virtual void OnField(Walker&, Selection&) {}
  virtual void OnFragment(Walker&, FragmentDefinition&) {}
  virtual void OnInlineFragment(Walker&, Selection&) {}
  virtual void OnFragmentSpread(Walker&, Selection&) {}
  virtual void OnDirective(Walker&, Directive&) {}
  virtual void OnDirectiveList(Walker&, std::vector<Directive>&) {}
  virtual void OnValue(Walker&, Value&) {}
  virtual void OnVariable(Walker&, VariableDefinition&) {}
};

class Walker {
 public:
  Walker(const Schema& schema, QueryDocument& doc, std::vector<std::unique_ptr<Rule>> rules)
      : schema(schema), doc(doc), rules_(std::move(rules)) {}

  void Walk();

  // gqlparser's At(position): no location for a node without one.
  void AddError(const Pos& pos, std::string message) {
    Error e;
    e.message = std::move(message);
    if (pos.known) {
      e.has_location = true;
      e.line = pos.line;
      e.column = pos.column;
      e.in_prelude = pos.prelude;
    }
    errors.push_back(std::move(e));
  }

  FragmentDefinition* Fragment(std::string_view name) {
    for (FragmentDefinition& f : doc.fragments) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  const Schema& schema;
  QueryDocument& doc;
  OperationDefinition* current_operation = nullptr;
  std::vector<Error> errors;

 private:
  void WalkOperation(OperationDefinition& op);
  void WalkFragment(FragmentDefinition& frag);
  void WalkDirectives(const TypeDef* parent, std::vector<Directive>& dirs,
                      std::string_view location);
  void WalkValue(Value& value, int depth);
  void WalkArgument(const ArgumentDefinition* def, Argument& arg);
  void WalkSelectionSet(const TypeDef* parent, SelectionSet& set);
  void WalkSelection(const TypeDef* parent, Selection& sel);

  template <typename F>
  void Each(F&& f) {
    for (auto& rule : rules_) f(*rule);
  }

  std::vector<std::unique_ptr<Rule>> rules_;
  std::set<std::string, std::less<>> validated_spreads_;
  int depth_ = 0;
  bool too_deep_ = false;
};

void Walker::Walk() {
  for (OperationDefinition& op : doc.operations) {
    validated_spreads_.clear();
    WalkOperation(op);
  }
  for (FragmentDefinition& frag : doc.fragments) {
    validated_spreads_.clear();
    WalkFragment(frag);
  }
}

void Walker::WalkOperation(OperationDefinition& op) {
  current_operation = &op;
  for (VariableDefinition& var : op.variable_definitions) {
    var.definition = schema.Type(var.type->Name());
    Each([&](Rule& r) { r.OnVariable(*this, var); });
    if (var.default_value != nullptr) {
      var.default_value->expected_type = var.type.get();
      var.default_value->definition = schema.Type(var.type->Name());
    }
  }
  const TypeDef* def = nullptr;
  std::string_view location;
  if (op.operation == "mutation") {
    def = schema.mutation();
    location = "MUTATION";
  } else if (op.operation == "subscription") {
    def = schema.subscription();
    location = "SUBSCRIPTION";
  } else {
    def = schema.query();
    location = "QUERY";
  }
  for (VariableDefinition& var : op.variable_definitions) {
    if (var.default_value != nullptr) WalkValue(*var.default_value, 0);
    WalkDirectives(var.definition, var.directives, "VARIABLE_DEFINITION");
  }
  WalkDirectives(def, op.directives, location);
  WalkSelectionSet(def, op.selection_set);
  Each([&](Rule& r) { r.OnOperation(*this, op); });
  current_operation = nullptr;
}

void Walker::WalkFragment(FragmentDefinition& frag) {
  const TypeDef* def = schema.Type(frag.type_condition);
  frag.definition = def;
  WalkDirectives(def, frag.directives, "FRAGMENT_DEFINITION");
  WalkSelectionSet(def, frag.selection_set);
  Each([&](Rule& r) { r.OnFragment(*this, frag); });
}

void Walker::WalkDirectives(const TypeDef* parent, std::vector<Directive>& dirs,
                            std::string_view location) {
  for (Directive& dir : dirs) {
    const DirectiveDefinition* def = schema.Directive(dir.name);
    dir.definition = def;
    dir.parent_definition = parent;
    dir.location = std::string(location);
    for (Argument& arg : dir.arguments) {
      WalkArgument(def != nullptr ? def->Argument(arg.name) : nullptr, arg);
    }
    Each([&](Rule& r) { r.OnDirective(*this, dir); });
  }
  Each([&](Rule& r) { r.OnDirectiveList(*this, dirs); });
}

void Walker::WalkValue(Value& value, int depth) {
  if (depth > kMaxWalkDepth) return;
  if (value.kind == ValueKind::kVariable && current_operation != nullptr) {
    value.variable_definition = nullptr;
    for (VariableDefinition& var : current_operation->variable_definitions) {
      if (var.variable == value.raw) {
        var.used = true;
        value.variable_definition = &var;
        break;
      }
    }
  }
  if (value.kind == ValueKind::kObject) {
    for (ChildValue& child : value.children) {
      if (value.definition != nullptr) {
        if (const FieldDefinition* field = value.definition->Field(child.name)) {
          child.value->expected_type = field->type.get();
          child.value->expected_type_has_default =
              field->default_value != nullptr && field->default_value->kind != ValueKind::kNull;
          child.value->definition = schema.Type(field->type->Name());
        }
      }
      WalkValue(*child.value, depth + 1);
    }
  }
  if (value.kind == ValueKind::kList) {
    for (ChildValue& child : value.children) {
      if (value.expected_type != nullptr && value.expected_type->elem != nullptr) {
        child.value->expected_type = value.expected_type->elem.get();
        child.value->definition = value.definition;
      }
      WalkValue(*child.value, depth + 1);
    }
  }
  Each([&](Rule& r) { r.OnValue(*this, value); });
}

void Walker::WalkArgument(const ArgumentDefinition* def, Argument& arg) {
  if (def != nullptr) {
    arg.value->expected_type = def->type.get();
    arg.value->expected_type_has_default =
        def->default_value != nullptr && def->default_value->kind != ValueKind::kNull;
    arg.value->definition = schema.Type(def->type->Name());
  }
  WalkValue(*arg.value, 0);
}

void Walker::WalkSelectionSet(const TypeDef* parent, SelectionSet& set) {
  if (depth_ >= kMaxWalkDepth) {
    if (!too_deep_ && !set.empty()) {
      too_deep_ = true;
      AddError(set.front().pos, absl::StrCat("Selections nested too deeply (more than ",
                                             kMaxWalkDepth, " levels)."));
    }
    return;
  }
  ++depth_;
  for (Selection& sel : set) WalkSelection(parent, sel);
  --depth_;
}

void Walker::WalkSelection(const TypeDef* parent, Selection& sel) {
  switch (sel.kind) {
    case Selection::Kind::kField: {
      const FieldDefinition* def = nullptr;
      if (sel.name == "__typename") {
        def = &TypenameField();
      } else if (parent != nullptr) {
        def = parent->Field(sel.name);
      }
      sel.definition = def;
      sel.object_definition = parent;
      const TypeDef* next = def != nullptr ? schema.Type(def->type->Name()) : nullptr;
      for (Argument& arg : sel.arguments) {
        WalkArgument(def != nullptr ? def->Argument(arg.name) : nullptr, arg);
      }
      WalkDirectives(next, sel.directives, "FIELD");
      WalkSelectionSet(next, sel.selection_set);
      Each([&](Rule& r) { r.OnField(*this, sel); });
      break;
    }
    case Selection::Kind::kInlineFragment: {
      sel.object_definition = parent;
      const TypeDef* next = parent;
      if (!sel.type_condition.empty()) next = schema.Type(sel.type_condition);
      WalkDirectives(next, sel.directives, "INLINE_FRAGMENT");
      WalkSelectionSet(next, sel.selection_set);
      Each([&](Rule& r) { r.OnInlineFragment(*this, sel); });
      break;
    }
    case Selection::Kind::kFragmentSpread: {
      FragmentDefinition* def = Fragment(sel.name);
      sel.fragment = def;
      sel.object_definition = parent;
      const TypeDef* next = def != nullptr ? schema.Type(def->type_condition) : nullptr;
      WalkDirectives(next, sel.directives, "FRAGMENT_SPREAD");
      if (def != nullptr && validated_spreads_.insert(def->name).second) {
        WalkSelectionSet(next, def->selection_set);
      }
      Each([&](Rule& r) { r.OnFragmentSpread(*this, sel); });
      break;
    }
  }
}

// --- The rules, in gqlparser's order ---------------------------------------------

class FieldsOnCorrectType : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override {
    if (field.object_definition == nullptr || field.definition != nullptr) return;
    const TypeDef* parent = field.object_definition;
    std::string message = absl::StrCat("Cannot query field \"", field.name, "\" on type \"",
                                       parent->name, "\".");
    std::vector<std::string> types = SuggestedTypeNames(w, *parent, field.name);
    if (!types.empty()) {
      absl::StrAppend(&message, " Did you mean to use an inline fragment on ",
                      QuotedOrList(types), "?");
    } else if (parent->kind == kObject || parent->kind == kInterface) {
      std::vector<std::string> names;
      for (const FieldDefinition* f : parent->fields) names.push_back(f->name);
      std::vector<std::string> fields = SuggestionList(field.name, names);
      if (!fields.empty()) absl::StrAppend(&message, " Did you mean ", QuotedOrList(fields), "?");
    }
    w.AddError(field.pos, std::move(message));
  }

 private:
  // Types that have the field, for an abstract parent: interfaces first
  // (most used first), then object types, by name.
  static std::vector<std::string> SuggestedTypeNames(Walker& w, const TypeDef& parent,
                                                     const std::string& name) {
    if (!parent.IsAbstractType()) return {};
    std::vector<std::string> objects;
    std::vector<std::string> interfaces;
    std::map<std::string, int> usage;
    for (const TypeDef* possible : w.schema.PossibleTypes(parent.name)) {
      if (possible == nullptr || possible->Field(name) == nullptr) continue;
      objects.push_back(possible->name);
      for (const std::string& intf : possible->interfaces) {
        const TypeDef* t = w.schema.Type(intf);
        if (t != nullptr && t->Field(name) != nullptr) {
          if (usage[intf] == 0) interfaces.push_back(intf);
          usage[intf]++;
        }
      }
    }
    std::vector<std::string> all = interfaces;
    all.insert(all.end(), objects.begin(), objects.end());
    std::stable_sort(all.begin(), all.end(), [&](const std::string& a, const std::string& b) {
      int ua = usage.count(a) ? usage[a] : 0;
      int ub = usage.count(b) ? usage[b] : 0;
      if (ua != ub) return ub < ua;
      return a < b;
    });
    return all;
  }
};

class FragmentsOnCompositeTypes : public Rule {
 public:
  void OnInlineFragment(Walker& w, Selection& inline_fragment) override {
    const TypeDef* t = w.schema.Type(inline_fragment.type_condition);
    if (t == nullptr || t->IsCompositeType()) return;
    w.AddError(inline_fragment.pos,
               absl::StrCat("Fragment cannot condition on non composite type \"",
                            inline_fragment.type_condition, "\"."));
  }
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    if (fragment.definition == nullptr || fragment.type_condition.empty() ||
        fragment.definition->IsCompositeType()) {
      return;
    }
    w.AddError(fragment.pos, absl::StrCat("Fragment \"", fragment.name,
                                          "\" cannot condition on non composite type \"",
                                          fragment.type_condition, "\"."));
  }
};

class KnownArgumentNames : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override {
    if (field.definition == nullptr || field.object_definition == nullptr) return;
    for (const Argument& arg : field.arguments) {
      if (field.definition->Argument(arg.name) != nullptr) continue;
      std::vector<std::string> names;
      for (const ArgumentDefinition& a : field.definition->arguments) names.push_back(a.name);
      w.AddError(field.pos, absl::StrCat("Unknown argument \"", arg.name, "\" on field \"",
                                         field.object_definition->name, ".", field.name, "\".",
                                         SuggestQuoted("Did you mean", arg.name, names)));
    }
  }
  void OnDirective(Walker& w, Directive& dir) override {
    if (dir.definition == nullptr) return;
    for (const Argument& arg : dir.arguments) {
      if (dir.definition->Argument(arg.name) != nullptr) continue;
      std::vector<std::string> names;
      for (const ArgumentDefinition& a : dir.definition->arguments) names.push_back(a.name);
      w.AddError(dir.pos, absl::StrCat("Unknown argument \"", arg.name, "\" on directive \"@",
                                       dir.name, "\".",
                                       SuggestQuoted("Did you mean", arg.name, names)));
    }
  }
};

class KnownDirectives : public Rule {
 public:
  void OnDirective(Walker& w, Directive& dir) override {
    if (dir.definition == nullptr) {
      w.AddError(dir.pos, absl::StrCat("Unknown directive \"@", dir.name, "\"."));
      return;
    }
    const std::vector<std::string>& locs = dir.definition->locations;
    if (std::find(locs.begin(), locs.end(), dir.location) != locs.end()) return;
    if (seen_.insert({dir.name, dir.pos.line, dir.pos.column}).second) {
      w.AddError(dir.pos, absl::StrCat("Directive \"@", dir.name, "\" may not be used on ",
                                       dir.location, "."));
    }
  }

 private:
  std::set<std::tuple<std::string, int, int>> seen_;
};

class KnownFragmentNames : public Rule {
 public:
  void OnFragmentSpread(Walker& w, Selection& spread) override {
    if (spread.fragment == nullptr) {
      w.AddError(spread.pos, absl::StrCat("Unknown fragment \"", spread.name, "\"."));
    }
  }
};

class KnownRootType : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    const TypeDef* def = op.operation == "mutation"       ? w.schema.mutation()
                         : op.operation == "subscription" ? w.schema.subscription()
                                                          : w.schema.query();
    if (def == nullptr) {
      w.AddError(op.pos, absl::StrCat("Schema does not support operation type \"",
                                      op.operation, "\""));
    }
  }
};

class KnownTypeNames : public Rule {
 public:
  void OnVariable(Walker& w, VariableDefinition& var) override {
    const std::string& name = var.type->Name();
    if (w.schema.Type(name) != nullptr) return;
    w.AddError(var.pos, absl::StrCat("Unknown type \"", name, "\"."));
  }
  void OnInlineFragment(Walker& w, Selection& inline_fragment) override {
    const std::string& name = inline_fragment.type_condition;
    if (name.empty() || w.schema.Type(name) != nullptr) return;
    w.AddError(inline_fragment.pos, absl::StrCat("Unknown type \"", name, "\"."));
  }
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    const std::string& name = fragment.type_condition;
    if (w.schema.Type(name) != nullptr) return;
    std::vector<std::string> names;
    for (const auto& [type_name, def] : w.schema.types()) names.push_back(type_name);
    w.AddError(fragment.pos, absl::StrCat("Unknown type \"", name, "\".",
                                          SuggestQuoted("Did you mean", name, names)));
  }
};

class LoneAnonymousOperation : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    if (op.name.empty() && w.doc.operations.size() > 1) {
      w.AddError(op.pos, "This anonymous operation must be the only defined operation.");
    }
  }
};

class MaxIntrospectionDepth : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override {
    if (field.name != "__schema" && field.name != "__type") return;
    std::set<std::string> visited;
    if (CheckField(field, visited, 0, 0)) {
      w.AddError(field.pos, "Maximum introspection depth exceeded");
    }
  }

 private:
  static constexpr int kMaxListsDepth = 3;

  static bool CheckSet(const SelectionSet& set, std::set<std::string>& visited, int depth,
                       int nesting) {
    if (nesting > kMaxWalkDepth) return false;
    for (const Selection& child : set) {
      if (child.is_field() && CheckField(child, visited, depth, nesting + 1)) return true;
      if (child.is_spread() && CheckSpread(child, visited, depth, nesting + 1)) return true;
      if (child.is_inline() && CheckSet(child.selection_set, visited, depth, nesting + 1)) {
        return true;
      }
    }
    return false;
  }
  static bool CheckField(const Selection& field, std::set<std::string>& visited, int depth,
                         int nesting) {
    if (field.name == "fields" || field.name == "interfaces" ||
        field.name == "possibleTypes" || field.name == "inputFields") {
      ++depth;
      if (depth >= kMaxListsDepth) return true;
    }
    return CheckSet(field.selection_set, visited, depth, nesting);
  }
  static bool CheckSpread(const Selection& spread, std::set<std::string>& visited, int depth,
                          int nesting) {
    if (visited.count(spread.name) > 0 || spread.fragment == nullptr) return false;
    visited.insert(spread.name);
    bool found = CheckSet(spread.fragment->selection_set, visited, depth, nesting);
    visited.erase(spread.name);
    return found;
  }
};

// Fragment spreads in a selection set, inline fragments and fields searched
// depth first from the last (gqlparser's order).
std::vector<const Selection*> FragmentSpreads(const SelectionSet& root) {
  std::vector<const Selection*> spreads;
  std::vector<const SelectionSet*> to_visit = {&root};
  while (!to_visit.empty()) {
    const SelectionSet* set = to_visit.back();
    to_visit.pop_back();
    for (const Selection& sel : *set) {
      if (sel.is_spread()) {
        spreads.push_back(&sel);
      } else {
        to_visit.push_back(&sel.selection_set);
      }
    }
  }
  return spreads;
}

class NoFragmentCycles : public Rule {
 public:
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    path_.clear();
    index_.clear();
    Visit(w, fragment, 0);
  }

 private:
  void Visit(Walker& w, const FragmentDefinition& fragment, int depth) {
    if (depth > kMaxWalkDepth || !visited_.insert(fragment.name).second) return;
    std::vector<const Selection*> spreads = FragmentSpreads(fragment.selection_set);
    if (spreads.empty()) return;
    index_[fragment.name] = path_.size();
    for (const Selection* spread : spreads) {
      auto cycle = index_.find(spread->name);
      path_.push_back(spread);
      if (cycle == index_.end()) {
        if (const FragmentDefinition* next = w.Fragment(spread->name)) {
          Visit(w, *next, depth + 1);
        }
      } else {
        std::vector<std::string> names;
        for (size_t i = cycle->second; i + 1 < path_.size(); ++i) {
          names.push_back("\"" + path_[i]->name + "\"");
        }
        std::string via = names.empty() ? "" : " via " + absl::StrJoin(names, ", ");
        w.AddError(spread->pos, absl::StrCat("Cannot spread fragment \"", spread->name,
                                             "\" within itself", via, "."));
      }
      path_.pop_back();
    }
    index_.erase(fragment.name);
  }

  std::set<std::string> visited_;
  std::vector<const Selection*> path_;
  std::map<std::string, size_t> index_;
};

class NoUndefinedVariables : public Rule {
 public:
  void OnValue(Walker& w, Value& value) override {
    if (w.current_operation == nullptr || value.kind != ValueKind::kVariable ||
        value.variable_definition != nullptr) {
      return;
    }
    if (!w.current_operation->name.empty()) {
      w.AddError(value.pos, absl::StrCat("Variable \"", value.String(),
                                         "\" is not defined by operation \"",
                                         w.current_operation->name, "\"."));
    } else {
      w.AddError(value.pos, absl::StrCat("Variable \"", value.String(), "\" is not defined."));
    }
  }
};

class NoUnusedFragments : public Rule {
 public:
  void OnFragmentSpread(Walker&, Selection& spread) override {
    if (!in_fragment_definition_) used_.insert(spread.name);
  }
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    in_fragment_definition_ = true;
    if (used_.count(fragment.name) == 0) {
      w.AddError(fragment.pos, absl::StrCat("Fragment \"", fragment.name, "\" is never used."));
    }
  }

 private:
  bool in_fragment_definition_ = false;
  std::set<std::string> used_;
};

class NoUnusedVariables : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    for (const VariableDefinition& var : op.variable_definitions) {
      if (var.used) continue;
      if (!op.name.empty()) {
        w.AddError(var.pos, absl::StrCat("Variable \"$", var.variable,
                                         "\" is never used in operation \"", op.name, "\"."));
      } else {
        w.AddError(var.pos, absl::StrCat("Variable \"$", var.variable, "\" is never used."));
      }
    }
  }
};

// Fields that would land on the same response key must be mergeable: same
// field, same arguments, compatible types, mergeable sub-selections (the
// spec's FieldsInSetCanMerge; gqlparser's port of graphql-js).
class OverlappingFieldsCanBeMerged : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    Report(w, WithinSelectionSet(w, op.selection_set));
  }
  void OnField(Walker& w, Selection& field) override {
    if (w.current_operation == nullptr) return;
    Report(w, WithinSelectionSet(w, field.selection_set));
  }
  void OnInlineFragment(Walker& w, Selection& inline_fragment) override {
    Report(w, WithinSelectionSet(w, inline_fragment.selection_set));
  }
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    Report(w, WithinSelectionSet(w, fragment.selection_set));
  }

 private:
  struct Conflict {
    std::string response_name;
    std::string message;
    std::vector<Conflict> sub;
    Pos pos;

    void Print(std::string& out) const {
      if (sub.empty()) {
        out += message;
        return;
      }
      for (size_t i = 0; i < sub.size(); ++i) {
        absl::StrAppend(&out, "subfields \"", sub[i].response_name, "\" conflict because ");
        sub[i].Print(out);
        if (i + 1 != sub.size()) out += " and ";
      }
    }
  };

  // Response name -> fields, in first-seen order.
  struct FieldsMap {
    std::vector<std::string> seq;
    std::map<std::string, std::vector<const Selection*>> data;

    void Push(const std::string& name, const Selection* f) {
      auto [it, added] = data.try_emplace(name);
      if (added) seq.push_back(name);
      it->second.push_back(f);
    }
  };

  static void Collect(const SelectionSet& set, FieldsMap& fields,
                      std::vector<const Selection*>& spreads, int depth) {
    if (depth > kMaxWalkDepth) return;
    for (const Selection& sel : set) {
      if (sel.is_field()) {
        fields.Push(ResponseName(sel), &sel);
      } else if (sel.is_inline()) {
        Collect(sel.selection_set, fields, spreads, depth + 1);
      } else {
        spreads.push_back(&sel);
      }
    }
  }

  static void Report(Walker& w, const std::vector<Conflict>& conflicts) {
    for (const Conflict& c : conflicts) {
      std::string because;
      c.Print(because);
      w.AddError(c.pos, absl::StrCat("Fields \"", c.response_name, "\" conflict because ",
                                     because,
                                     ". Use different aliases on the fields to fetch both if "
                                     "this was intentional."));
    }
  }

  std::vector<Conflict> WithinSelectionSet(Walker& w, const SelectionSet& set) {
    std::vector<Conflict> conflicts;
    if (set.empty()) return conflicts;
    FieldsMap fields;
    std::vector<const Selection*> spreads;
    Collect(set, fields, spreads, 0);
    ConflictsWithin(w, conflicts, fields);
    compared_fragments_.clear();
    for (size_t i = 0; i < spreads.size(); ++i) {
      BetweenFieldsAndFragment(w, conflicts, false, fields, *spreads[i], 0);
      for (size_t j = i + 1; j < spreads.size(); ++j) {
        BetweenFragments(w, conflicts, false, *spreads[i], *spreads[j], 0);
      }
    }
    return conflicts;
  }

  static bool SameSelection(const Selection& a, const Selection& b, int depth);
  static bool SameValue(const Value* a, const Value* b, int depth) {
    if (a == b) return true;
    if (a == nullptr || b == nullptr || depth > kMaxWalkDepth) return false;
    if (a->kind != b->kind || a->raw != b->raw || a->children.size() != b->children.size() ||
        a->pos.line != b->pos.line || a->pos.column != b->pos.column) {
      return false;
    }
    for (size_t i = 0; i < a->children.size(); ++i) {
      if (a->children[i].name != b->children[i].name ||
          !SameValue(a->children[i].value.get(), b->children[i].value.get(), depth + 1)) {
        return false;
      }
    }
    return true;
  }
  static bool SameArgs(const std::vector<Argument>& a, const std::vector<Argument>& b,
                       int depth) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || !SameValue(a[i].value.get(), b[i].value.get(), depth)) {
        return false;
      }
    }
    return true;
  }
  // reflect.DeepEqual of two collected field maps.
  static bool DeepEqual(const FieldsMap& a, const FieldsMap& b) {
    if (a.seq != b.seq) return false;
    for (const auto& [name, fields] : a.data) {
      auto it = b.data.find(name);
      if (it == b.data.end() || it->second.size() != fields.size()) return false;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] != it->second[i] && !SameSelection(*fields[i], *it->second[i], 0)) {
          return false;
        }
      }
    }
    return true;
  }

  void BetweenFieldsAndFragment(Walker& w, std::vector<Conflict>& conflicts, bool exclusive,
                                const FieldsMap& fields, const Selection& spread, int depth) {
    if (depth > kMaxWalkDepth || !compared_fragments_.insert(spread.name).second) return;
    if (spread.fragment == nullptr) return;
    FieldsMap other;
    std::vector<const Selection*> spreads;
    Collect(spread.fragment->selection_set, other, spreads, 0);
    if (DeepEqual(fields, other)) return;
    ConflictsBetween(w, conflicts, exclusive, fields, other);
    for (const Selection* s : spreads) {
      if (s->name == spread.name) continue;
      BetweenFieldsAndFragment(w, conflicts, exclusive, fields, *s, depth + 1);
    }
  }

  bool PairSeen(const std::string& a, const std::string& b, bool exclusive) const {
    auto it = pairs_.find(a);
    if (it == pairs_.end()) return false;
    auto jt = it->second.find(b);
    if (jt == it->second.end()) return false;
    return exclusive ? true : !jt->second;
  }

  void BetweenFragments(Walker& w, std::vector<Conflict>& conflicts, bool exclusive,
                        const Selection& a, const Selection& b, int depth) {
    if (depth > kMaxWalkDepth || a.name == b.name || PairSeen(a.name, b.name, exclusive)) return;
    pairs_[a.name][b.name] = exclusive;
    pairs_[b.name][a.name] = exclusive;
    if (a.fragment == nullptr || b.fragment == nullptr) return;
    FieldsMap fields_a;
    FieldsMap fields_b;
    std::vector<const Selection*> spreads_a;
    std::vector<const Selection*> spreads_b;
    Collect(a.fragment->selection_set, fields_a, spreads_a, 0);
    Collect(b.fragment->selection_set, fields_b, spreads_b, 0);
    ConflictsBetween(w, conflicts, exclusive, fields_a, fields_b);
    for (const Selection* s : spreads_b) BetweenFragments(w, conflicts, exclusive, a, *s, depth + 1);
    for (const Selection* s : spreads_a) BetweenFragments(w, conflicts, exclusive, *s, b, depth + 1);
  }

  void ConflictsWithin(Walker& w, std::vector<Conflict>& conflicts, const FieldsMap& fields) {
    for (const std::string& name : fields.seq) {
      const std::vector<const Selection*>& list = fields.data.at(name);
      for (size_t i = 0; i < list.size(); ++i) {
        for (size_t j = i + 1; j < list.size(); ++j) {
          if (auto c = FindConflict(w, false, *list[i], *list[j])) conflicts.push_back(*c);
        }
      }
    }
  }

  void ConflictsBetween(Walker& w, std::vector<Conflict>& conflicts, bool exclusive,
                        const FieldsMap& a, const FieldsMap& b) {
    for (const std::string& name : a.seq) {
      auto it = b.data.find(name);
      if (it == b.data.end()) continue;
      for (const Selection* fa : a.data.at(name)) {
        for (const Selection* fb : it->second) {
          if (auto c = FindConflict(w, exclusive, *fa, *fb)) conflicts.push_back(*c);
        }
      }
    }
  }

  std::optional<std::vector<Conflict>> BetweenSubSelectionSets(Walker& w, bool exclusive,
                                                               const SelectionSet& a,
                                                               const SelectionSet& b) {
    std::vector<Conflict> conflicts;
    FieldsMap fields_a;
    FieldsMap fields_b;
    std::vector<const Selection*> spreads_a;
    std::vector<const Selection*> spreads_b;
    Collect(a, fields_a, spreads_a, 0);
    Collect(b, fields_b, spreads_b, 0);
    ConflictsBetween(w, conflicts, exclusive, fields_a, fields_b);
    for (const Selection* s : spreads_b) {
      compared_fragments_.clear();
      BetweenFieldsAndFragment(w, conflicts, exclusive, fields_a, *s, 0);
    }
    for (const Selection* s : spreads_a) {
      compared_fragments_.clear();
      BetweenFieldsAndFragment(w, conflicts, exclusive, fields_b, *s, 0);
    }
    for (const Selection* sa : spreads_a) {
      for (const Selection* sb : spreads_b) BetweenFragments(w, conflicts, exclusive, *sa, *sb, 0);
    }
    if (conflicts.empty()) return std::nullopt;
    return conflicts;
  }

  static bool TypesConflict(Walker& w, const Type& t1, const Type& t2) {
    if (t1.elem != nullptr) {
      if (t2.elem != nullptr) return TypesConflict(w, *t1.elem, *t2.elem);
      return true;
    }
    if (t2.elem != nullptr) return true;
    if (t1.non_null != t2.non_null) return true;
    const TypeDef* d1 = w.schema.Type(t1.named_type);
    const TypeDef* d2 = w.schema.Type(t2.named_type);
    if (d1 == nullptr || d2 == nullptr) return false;
    if (d1->IsLeafType() && d2->IsLeafType()) return d1->name != d2->name;
    return false;
  }

  static bool SameArguments(const std::vector<Argument>& a, const std::vector<Argument>& b) {
    if (a.size() != b.size()) return false;
    for (const Argument& x : a) {
      bool matched = false;
      for (const Argument& y : b) {
        if (x.name == y.name && x.value->kind == y.value->kind && x.value->raw == y.value->raw) {
          matched = true;
          break;
        }
      }
      if (!matched) return false;
    }
    return true;
  }

  std::optional<Conflict> FindConflict(Walker& w, bool parent_exclusive, const Selection& a,
                                       const Selection& b) {
    if (a.object_definition == nullptr || b.object_definition == nullptr) return std::nullopt;
    if (++depth_ > kMaxWalkDepth) {
      --depth_;
      return std::nullopt;
    }
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    bool exclusive = parent_exclusive;
    if (!exclusive) {
      exclusive = a.object_definition->name != b.object_definition->name &&
                  a.object_definition->kind == kObject &&
                  b.object_definition->kind == kObject && a.definition != nullptr &&
                  b.definition != nullptr;
    }
    std::string name_a = ResponseName(a);
    if (!exclusive) {
      if (a.name != b.name) {
        return Conflict{name_a, absl::StrCat("\"", a.name, "\" and \"", b.name,
                                             "\" are different fields"),
                        {}, b.pos};
      }
      if (!SameArguments(a.arguments, b.arguments)) {
        return Conflict{name_a, "they have differing arguments", {}, b.pos};
      }
    }
    if (a.definition != nullptr && b.definition != nullptr &&
        TypesConflict(w, *a.definition->type, *b.definition->type)) {
      return Conflict{name_a, absl::StrCat("they return conflicting types \"",
                                           a.definition->type->String(), "\" and \"",
                                           b.definition->type->String(), "\""),
                      {}, b.pos};
    }
    std::optional<std::vector<Conflict>> sub =
        BetweenSubSelectionSets(w, exclusive, a.selection_set, b.selection_set);
    if (!sub.has_value()) return std::nullopt;
    return Conflict{name_a, "", std::move(*sub), b.pos};
  }

  std::map<std::string, std::map<std::string, bool>> pairs_;
  std::set<std::string> compared_fragments_;
  int depth_ = 0;
};

bool OverlappingFieldsCanBeMerged::SameSelection(const Selection& a, const Selection& b,
                                                 int depth) {
  if (depth > kMaxWalkDepth) return false;
  if (a.kind != b.kind || a.alias != b.alias || a.name != b.name ||
      a.type_condition != b.type_condition || a.pos.line != b.pos.line ||
      a.pos.column != b.pos.column || a.definition != b.definition ||
      a.object_definition != b.object_definition || a.fragment != b.fragment ||
      !SameArgs(a.arguments, b.arguments, depth) || a.directives.size() != b.directives.size() ||
      a.selection_set.size() != b.selection_set.size()) {
    return false;
  }
  for (size_t i = 0; i < a.directives.size(); ++i) {
    if (a.directives[i].name != b.directives[i].name ||
        !SameArgs(a.directives[i].arguments, b.directives[i].arguments, depth)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.selection_set.size(); ++i) {
    if (!SameSelection(a.selection_set[i], b.selection_set[i], depth + 1)) return false;
  }
  return true;
}

class PossibleFragmentSpreads : public Rule {
 public:
  void OnInlineFragment(Walker& w, Selection& inline_fragment) override {
    if (!CanSpread(w, inline_fragment.object_definition, inline_fragment.type_condition)) {
      w.AddError(inline_fragment.pos,
                 absl::StrCat("Fragment cannot be spread here as objects of type \"",
                              inline_fragment.object_definition->name,
                              "\" can never be of type \"", inline_fragment.type_condition,
                              "\"."));
    }
  }
  void OnFragmentSpread(Walker& w, Selection& spread) override {
    if (spread.fragment == nullptr) return;
    if (!CanSpread(w, spread.object_definition, spread.fragment->type_condition)) {
      w.AddError(spread.pos, absl::StrCat("Fragment \"", spread.name,
                                          "\" cannot be spread here as objects of type \"",
                                          spread.object_definition->name,
                                          "\" can never be of type \"",
                                          spread.fragment->type_condition, "\"."));
    }
  }

 private:
  // False only when the parent's possible types and the fragment's share
  // no object type.
  static bool CanSpread(Walker& w, const TypeDef* parent, const std::string& fragment_type) {
    if (parent == nullptr) return true;
    std::vector<const TypeDef*> parents;
    if (parent->kind == kObject) {
      parents.push_back(parent);
    } else if (parent->kind == kInterface || parent->kind == kUnion) {
      parents = w.schema.PossibleTypes(parent->name);
    } else {
      return true;
    }
    const TypeDef* frag = w.schema.Type(fragment_type);
    if (frag == nullptr || !frag->IsCompositeType()) return true;
    for (const TypeDef* f : w.schema.PossibleTypes(frag->name)) {
      for (const TypeDef* p : parents) {
        if (f != nullptr && p != nullptr && p->name == f->name) return true;
      }
    }
    return false;
  }
};

class ProvidedRequiredArguments : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override {
    if (field.definition == nullptr) return;
    for (const ArgumentDefinition& def : field.definition->arguments) {
      if (!def.type->non_null || def.default_value != nullptr || Has(field.arguments, def.name)) {
        continue;
      }
      w.AddError(field.pos, absl::StrCat("Field \"", field.name, "\" argument \"", def.name,
                                         "\" of type \"", def.type->String(),
                                         "\" is required, but it was not provided."));
    }
  }
  void OnDirective(Walker& w, Directive& dir) override {
    if (dir.definition == nullptr) return;
    for (const ArgumentDefinition& def : dir.definition->arguments) {
      if (!def.type->non_null || def.default_value != nullptr || Has(dir.arguments, def.name)) {
        continue;
      }
      w.AddError(dir.pos, absl::StrCat("Directive \"@", dir.definition->name, "\" argument \"",
                                       def.name, "\" of type \"", def.type->String(),
                                       "\" is required, but it was not provided."));
    }
  }

 private:
  static bool Has(const std::vector<Argument>& args, const std::string& name) {
    for (const Argument& a : args) {
      if (a.name == name) return true;
    }
    return false;
  }
};

class ScalarLeafs : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override {
    if (field.definition == nullptr) return;
    const TypeDef* type = w.schema.Type(field.definition->type->Name());
    if (type == nullptr) return;
    if (type->IsLeafType() && !field.selection_set.empty()) {
      w.AddError(field.pos, absl::StrCat("Field \"", field.name,
                                         "\" must not have a selection since type \"",
                                         type->name, "\" has no subfields."));
    }
    if (!type->IsLeafType() && field.selection_set.empty()) {
      w.AddError(field.pos, absl::StrCat("Field \"", field.name, "\" of type \"",
                                         field.definition->type->String(),
                                         "\" must have a selection of subfields. Did you mean \"",
                                         field.name, " { ... }\"?"));
    }
  }
};

class SingleFieldSubscriptions : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    if (w.schema.subscription() == nullptr || op.operation != "subscription") return;
    std::vector<const Selection*> fields;
    std::set<std::string> in_fragment;
    TopFields(op.selection_set, fields, in_fragment, 0);
    std::vector<const Selection*> unique;
    std::set<std::string> seen;
    for (const Selection* f : fields) {
      if (seen.insert(f->name).second) unique.push_back(f);
    }
    std::string name = op.name.empty() ? "Anonymous Subscription"
                                       : "Subscription " + GoQuote(op.name);
    if (unique.size() > 1) {
      w.AddError(unique[1]->pos, name + " must select only one top level field.");
    }
    for (const Selection* f : unique) {
      if (f->name.substr(0, 2) == "__") {
        w.AddError(f->pos, name + " must not select an introspection top level field.");
      }
    }
  }

 private:
  static void TopFields(const SelectionSet& set, std::vector<const Selection*>& out,
                        std::set<std::string>& in_fragment, int depth) {
    if (depth > kMaxWalkDepth) return;
    for (const Selection& sel : set) {
      if (sel.is_field()) {
        out.push_back(&sel);
      } else if (sel.is_inline()) {
        TopFields(sel.selection_set, out, in_fragment, depth + 1);
      } else {
        if (sel.fragment == nullptr) return;  // as gqlparser: the rest of this set is skipped
        if (in_fragment.insert(sel.fragment->name).second) {
          TopFields(sel.fragment->selection_set, out, in_fragment, depth + 1);
        }
      }
    }
  }
};

void CheckUniqueArgs(Walker& w, const std::vector<Argument>& args) {
  std::map<std::string, int> known;
  for (const Argument& arg : args) {
    if (known[arg.name] == 1) {
      w.AddError(arg.pos, absl::StrCat("There can be only one argument named \"", arg.name, "\"."));
    }
    known[arg.name]++;
  }
}

class UniqueArgumentNames : public Rule {
 public:
  void OnField(Walker& w, Selection& field) override { CheckUniqueArgs(w, field.arguments); }
  void OnDirective(Walker& w, Directive& dir) override { CheckUniqueArgs(w, dir.arguments); }
};

class UniqueDirectivesPerLocation : public Rule {
 public:
  void OnDirectiveList(Walker& w, std::vector<Directive>& dirs) override {
    std::set<std::string> seen;
    for (const Directive& dir : dirs) {
      // gqlparser exempts a directive named "repeatable", not repeatable ones.
      if (dir.name != "repeatable" && seen.count(dir.name) > 0) {
        w.AddError(dir.pos, absl::StrCat("The directive \"@", dir.name,
                                         "\" can only be used once at this location."));
      }
      seen.insert(dir.name);
    }
  }
};

class UniqueFragmentNames : public Rule {
 public:
  void OnFragment(Walker& w, FragmentDefinition& fragment) override {
    if (!seen_.insert(fragment.name).second) {
      w.AddError(fragment.pos, absl::StrCat("There can be only one fragment named \"",
                                            fragment.name, "\"."));
    }
  }

 private:
  std::set<std::string> seen_;
};

class UniqueInputFieldNames : public Rule {
 public:
  void OnValue(Walker& w, Value& value) override {
    if (value.kind != ValueKind::kObject) return;
    std::set<std::string> seen;
    for (const ChildValue& child : value.children) {
      if (!seen.insert(child.name).second) {
        w.AddError(child.pos, absl::StrCat("There can be only one input field named \"",
                                           child.name, "\"."));
      }
    }
  }
};

class UniqueOperationNames : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    if (!seen_.insert(op.name).second) {
      w.AddError(op.pos, absl::StrCat("There can be only one operation named \"", op.name,
                                      "\"."));
    }
  }

 private:
  std::set<std::string> seen_;
};

class UniqueVariableNames : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    std::map<std::string, int> seen;
    for (const VariableDefinition& var : op.variable_definitions) {
      if (seen[var.variable] == 1) {
        w.AddError(var.pos, absl::StrCat("There can be only one variable named \"$",
                                         var.variable, "\"."));
      }
      seen[var.variable]++;
    }
  }
};

class ValuesOfCorrectType : public Rule {
 public:
  void OnValue(Walker& w, Value& value) override {
    if (value.definition == nullptr || value.expected_type == nullptr) return;
    const TypeDef* def = value.definition;
    const Type& expected = *value.expected_type;
    if (value.kind == ValueKind::kNull && expected.non_null) {
      w.AddError(value.pos, absl::StrCat("Expected value of type \"", expected.String(),
                                         "\", found ", value.String(), "."));
    }
    if (def->kind == kScalar && !OneOf(def, {"Int", "Float", "String", "Boolean", "ID"})) return;
    std::vector<std::string> enums;
    if (def->kind == kEnum) {
      for (const EnumValueDefinition* v : def->enum_values) enums.push_back(v->name);
    }
    if (ValueFails(value)) Unexpected(w, value);
    switch (value.kind) {
      case ValueKind::kNull:
      case ValueKind::kVariable:
        return;
      case ValueKind::kList:
        if (expected.elem == nullptr) Unexpected(w, value);
        return;
      case ValueKind::kInt:
        if (!OneOf(def, {"Int", "Float", "ID"})) Unexpected(w, value);
        return;
      case ValueKind::kFloat:
        if (!OneOf(def, {"Float"})) Unexpected(w, value);
        return;
      case ValueKind::kString:
      case ValueKind::kBlock:
        if (def->kind == kEnum) {
          w.AddError(value.pos,
                     absl::StrCat("Enum \"", expected.String(), "\" cannot represent non-enum value: ",
                                  value.String(), ".",
                                  SuggestQuoted("Did you mean the enum value", value.raw, enums)));
        } else if (!OneOf(def, {"String", "ID"})) {
          Unexpected(w, value);
        }
        return;
      case ValueKind::kEnum:
        if (def->kind != kEnum) {
          w.AddError(value.pos,
                     UnexpectedMessage(value) +
                         SuggestUnquoted("Did you mean the enum value", value.raw, enums));
        } else if (def->EnumValue(value.raw) == nullptr) {
          w.AddError(value.pos,
                     absl::StrCat("Value \"", value.String(), "\" does not exist in \"",
                                  expected.String(), "\" enum.",
                                  SuggestQuoted("Did you mean the enum value", value.raw, enums)));
        }
        return;
      case ValueKind::kBoolean:
        if (!OneOf(def, {"Boolean"})) Unexpected(w, value);
        return;
      case ValueKind::kObject:
        CheckObject(w, value);
        return;
    }
  }

 private:
  static void CheckObject(Walker& w, const Value& value) {
    const TypeDef* def = value.definition;
    for (const FieldDefinition* field : def->fields) {
      if (!field->type->non_null) continue;
      bool given = false;
      for (const ChildValue& c : value.children) {
        if (c.name == field->name) {
          given = true;
          break;
        }
      }
      if (!given && field->default_value == nullptr) {
        w.AddError(value.pos, absl::StrCat("Field \"", def->name, ".", field->name,
                                           "\" of required type \"", field->type->String(),
                                           "\" was not provided."));
      }
    }
    for (const Directive* dir : def->directives) {
      if (dir->name != "oneOf") continue;
      if (value.children.size() != 1) {
        w.AddError(value.pos, absl::StrCat("OneOf Input Object \"", def->name,
                                           "\" must specify exactly one key."));
        continue;
      }
      const Value& field_value = *value.children[0].value;
      if (field_value.kind == ValueKind::kNull) {
        std::string first = def->fields.empty() ? "" : def->fields[0]->name;
        w.AddError(field_value.pos, absl::StrCat("Field \"", def->name, ".", first,
                                                 "\" must be non-null."));
        continue;
      }
      if (field_value.kind == ValueKind::kVariable && field_value.variable_definition != nullptr &&
          !field_value.variable_definition->type->non_null) {
        w.AddError(field_value.pos,
                   absl::StrCat("Variable \"", field_value.variable_definition->variable,
                                "\" must be non-nullable to be used for OneOf Input Object \"",
                                def->name, "\"."));
      }
    }
    std::vector<std::string> names;
    for (const FieldDefinition* f : def->fields) names.push_back(f->name);
    for (const ChildValue& c : value.children) {
      if (def->Field(c.name) != nullptr) continue;
      w.AddError(c.pos, absl::StrCat("Field \"", c.name, "\" is not defined by type \"",
                                     def->name, "\".",
                                     SuggestQuoted("Did you mean", c.name, names)));
    }
  }

  static std::string UnexpectedMessage(const Value& v) {
    std::string expected = v.expected_type->String();
    std::string text = v.String();
    if (expected == "Int" || expected == "Int!") {
      if (ParseGoInt(v.raw, 32) == ParseResult::kRange) {
        return "Int cannot represent non 32-bit signed integer value: " + text;
      }
      return "Int cannot represent non-integer value: " + text;
    }
    if (expected == "String" || expected == "String!" || expected == "[String]") {
      return "String cannot represent a non string value: " + text;
    }
    if (expected == "Boolean" || expected == "Boolean!") {
      return "Boolean cannot represent a non boolean value: " + text;
    }
    if (expected == "Float" || expected == "Float!") {
      return "Float cannot represent non numeric value: " + text;
    }
    if (expected == "ID" || expected == "ID!") {
      return "ID cannot represent a non-string and non-integer value: " + text;
    }
    if (v.definition->kind == kEnum) {
      return absl::StrCat("Enum \"", expected, "\" cannot represent non-enum value: ", text, ".");
    }
    return absl::StrCat("Expected value of type \"", expected, "\", found ", text, ".");
  }

  static void Unexpected(Walker& w, const Value& v) { w.AddError(v.pos, UnexpectedMessage(v)); }
};

class VariablesAreInputTypes : public Rule {
 public:
  void OnOperation(Walker& w, OperationDefinition& op) override {
    for (const VariableDefinition& var : op.variable_definitions) {
      if (var.definition == nullptr || var.definition->IsInputType()) continue;
      w.AddError(var.pos, absl::StrCat("Variable \"$", var.variable,
                                       "\" cannot be non-input type \"", var.type->String(),
                                       "\"."));
    }
  }
};

class VariablesInAllowedPosition : public Rule {
 public:
  void OnValue(Walker& w, Value& value) override {
    if (value.kind != ValueKind::kVariable || value.expected_type == nullptr ||
        value.variable_definition == nullptr || w.current_operation == nullptr) {
      return;
    }
    Type expected = *value.expected_type;
    const VariableDefinition& var = *value.variable_definition;
    // A default value (on the variable or on the argument) makes null fine.
    if (var.default_value != nullptr && var.default_value->kind != ValueKind::kNull &&
        value.expected_type->non_null) {
      expected.non_null = false;
    }
    if (value.expected_type_has_default) expected.non_null = false;
    if (!var.type->IsCompatible(expected)) {
      w.AddError(value.pos, absl::StrCat("Variable \"", value.String(), "\" of type \"",
                                         var.type->String(),
                                         "\" used in position expecting type \"",
                                         value.expected_type->String(), "\"."));
    }
  }
};

std::vector<std::unique_ptr<Rule>> DefaultRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<FieldsOnCorrectType>());
  rules.push_back(std::make_unique<FragmentsOnCompositeTypes>());
  rules.push_back(std::make_unique<KnownArgumentNames>());
  rules.push_back(std::make_unique<KnownDirectives>());
  rules.push_back(std::make_unique<KnownFragmentNames>());
  rules.push_back(std::make_unique<KnownRootType>());
  rules.push_back(std::make_unique<KnownTypeNames>());
  rules.push_back(std::make_unique<LoneAnonymousOperation>());
  rules.push_back(std::make_unique<MaxIntrospectionDepth>());
  rules.push_back(std::make_unique<NoFragmentCycles>());
  rules.push_back(std::make_unique<NoUndefinedVariables>());
  rules.push_back(std::make_unique<NoUnusedFragments>());
  rules.push_back(std::make_unique<NoUnusedVariables>());
  rules.push_back(std::make_unique<OverlappingFieldsCanBeMerged>());
  rules.push_back(std::make_unique<PossibleFragmentSpreads>());
  rules.push_back(std::make_unique<ProvidedRequiredArguments>());
  rules.push_back(std::make_unique<ScalarLeafs>());
  rules.push_back(std::make_unique<SingleFieldSubscriptions>());
  rules.push_back(std::make_unique<UniqueArgumentNames>());
  rules.push_back(std::make_unique<UniqueDirectivesPerLocation>());
  rules.push_back(std::make_unique<UniqueFragmentNames>());
  rules.push_back(std::make_unique<UniqueInputFieldNames>());
  rules.push_back(std::make_unique<UniqueOperationNames>());
  rules.push_back(std::make_unique<UniqueVariableNames>());
  rules.push_back(std::make_unique<ValuesOfCorrectType>());
  rules.push_back(std::make_unique<VariablesAreInputTypes>());
  rules.push_back(std::make_unique<VariablesInAllowedPosition>());
  return rules;
}

// Nesting of a selection set (fragment bodies counted where they stand).
int Nesting(const SelectionSet& set, int depth) {
  int deepest = depth;
  if (depth > kMaxWalkDepth) return depth;
  for (const Selection& sel : set) {
    deepest = std::max(deepest, Nesting(sel.selection_set, depth + 1));
  }
  return deepest;
}

}  // namespace

std::vector<Error> Validate(const Schema& schema, QueryDocument& doc) {
  Walker walker(schema, doc, DefaultRules());
  // Walks recurse along nesting and along chains of fragment spreads.
  int nesting = 0;
  for (const OperationDefinition& op : doc.operations) {
    nesting = std::max(nesting, Nesting(op.selection_set, 0));
  }
  for (const FragmentDefinition& f : doc.fragments) {
    nesting = std::max(nesting, Nesting(f.selection_set, 0));
  }
  if (nesting <= 16 && doc.fragments.size() <= 16) {
    walker.Walk();
  } else {
    RunOnLargeStack([&] { walker.Walk(); });
  }
  return std::move(walker.errors);
}

}  // namespace verdict::graphql
