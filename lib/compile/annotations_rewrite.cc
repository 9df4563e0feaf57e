// rego.metadata.rule() / rego.metadata.chain() -> constants (see
// annotations_rewrite.h). Two walks over the rules: the first only looks
// for a call, so that policies without one are neither copied nor changed;
// the second, on copies, replaces each call by the value computed for the
// rule (or else branch) it appears in:
//
//   x := rego.metadata.rule()      x := {"scope": "rule", "title": ...}
//   rego.metadata.chain(c)         c = [{"path": [...], ...}, ...]
//   rego.metadata.rule()           {"scope": "rule", ...}   (a term: true)
//
// OPA binds the value to a generated variable at the start of the body and
// rewrites the calls to use it; a constant in place is the same thing for
// the lowering, which folds it into the rule's constants.
//
// Tested by tests/compile/annotations_rewrite_test.cc.
#include "compile/annotations_rewrite.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "compile/rule_tree.h"
#include "syntax/annotations.h"

namespace verdict::compile {
namespace {

using syntax::Annotations;
using syntax::Body;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Head;
using syntax::Module;
using syntax::Rule;
using syntax::Span;
using syntax::Term;
using syntax::TermKind;

using Path = std::vector<std::string>;

constexpr std::string_view kChainName = "rego.metadata.chain";
constexpr std::string_view kRuleName = "rego.metadata.rule";

enum class Call : uint8_t { kNone, kChain, kRule };

Call MetadataCall(const Term& op) {
  if (op.kind != TermKind::kRef) return Call::kNone;
  std::string name = op.RefString();
  if (name == kChainName) return Call::kChain;
  if (name == kRuleName) return Call::kRule;
  return Call::kNone;
}

absl::Status ErrorAt(ErrorCode code, const Span& span, std::string_view message) {
  return MakeError(code, absl::StrCat(Absl(span.ToString()), ": ",
                                      Absl(ErrorCodeName(code)), ": ", Absl(message)));
}

// ---------------------------------------------------------------------------
// Looking for calls.

bool UsesBody(const Body& body);

bool UsesTerm(const Term& t) {
  if (t.kind == TermKind::kCall && !t.terms.empty() &&
      MetadataCall(t.terms[0]) != Call::kNone) {
    return true;
  }
  for (const Term& x : t.terms) {
    if (UsesTerm(x)) return true;
  }
  for (const syntax::ObjectItem& item : t.items) {
    if (UsesTerm(item.key) || UsesTerm(item.value)) return true;
  }
  for (const syntax::TemplatePart& part : t.parts) {
    if (UsesBody(part.expr)) return true;
  }
  return UsesBody(t.body);
}

bool UsesExpr(const Expr& e) {
  if (e.kind == ExprKind::kCall && !e.terms.empty() &&
      MetadataCall(e.terms[0]) != Call::kNone) {
    return true;
  }
  for (const Term& t : e.terms) {
    if (UsesTerm(t)) return true;
  }
  if (e.every.has_value()) {
    const syntax::Every& q = *e.every;
    if ((q.key.has_value() && UsesTerm(*q.key)) || UsesTerm(q.value) ||
        UsesTerm(q.domain) || UsesBody(q.body)) {
      return true;
    }
  }
  for (const syntax::With& w : e.with) {
    if (UsesTerm(w.value)) return true;
  }
  return false;
}

bool UsesBody(const Body& body) {
  return std::any_of(body.begin(), body.end(), UsesExpr);
}

bool UsesRule(const Rule& rule) {
  const Head& h = rule.head;
  if ((h.value.has_value() && UsesTerm(*h.value)) || (h.key.has_value() && UsesTerm(*h.key))) {
    return true;
  }
  for (const Term& t : h.ref) {
    if (UsesTerm(t)) return true;
  }
  if (UsesBody(rule.body)) return true;
  return std::any_of(rule.elses.begin(), rule.elses.end(), UsesRule);
}

// ---------------------------------------------------------------------------
// The annotation set (OPA's AnnotationSet).

bool IsGround(const Term& t) {
  switch (t.kind) {
    case TermKind::kVar:
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension:
    case TermKind::kCall:
    case TermKind::kTemplateString:
      return false;
    default:
      return syntax::AllSubterms(t, IsGround);
  }
}

// The rule's path without `data`, up to the first head element holding a
// variable (OPA's rule.Ref().GroundPrefix()); non-string keys printed.
Path RulePath(const Module& module, const Head& head) {
  Path path = PackagePath(module);
  for (size_t i = 0; i < head.ref.size(); ++i) {
    const Term& t = head.ref[i];
    if (i == 0) {
      path.push_back(t.text);
      continue;
    }
    if (!IsGround(t)) break;
    path.push_back(t.kind == TermKind::kString ? t.text : syntax::ToString(t));
  }
  return path;
}

// OPA's Location.String(): "file:row".
std::string LocationString(const Span& span) {
  if (!span.filename().empty()) return absl::StrCat(Absl(span.filename()), ":", span.line);
  return absl::StrCat(span.line, ":", span.col);
}

// Source order of blocks (OPA's Location.Compare).
bool Before(const Annotations* a, const Annotations* b) {
  int c = a->span.filename().compare(b->span.filename());
  if (c != 0) return c < 0;
  if (a->span.line != b->span.line) return a->span.line < b->span.line;
  return a->span.col < b->span.col;
}

struct AnnotationSet {
  // (module, rule) -> its rule-scope blocks, closest to the rule first.
  std::map<std::pair<size_t, size_t>, std::vector<const Annotations*>> by_rule;
  std::map<Path, const Annotations*> by_package;
  // document blocks by rule path and subpackages blocks by package path,
  // in one table as in OPA (a path holds one of either).
  std::map<Path, const Annotations*> by_path;
};

absl::StatusOr<AnnotationSet> BuildSet(std::span<const Module> modules) {
  AnnotationSet set;
  auto redeclared = [](const Annotations& a, const Annotations& other) {
    return ErrorAt(ErrorCode::kTypeError, a.span,
                   absl::StrCat(a.scope, " annotation redeclared: ",
                                LocationString(other.span)));
  };
  for (size_t mi = 0; mi < modules.size(); ++mi) {
    const Module& m = modules[mi];
    for (const Annotations& a : m.annotations) {
      bool on_rule = a.target == syntax::AnnotationTarget::kRule;
      if (on_rule && a.rule_index >= m.rules.size()) continue;
      if (a.scope == "rule" && on_rule) {
        set.by_rule[{mi, a.rule_index}].push_back(&a);
      } else if (a.scope == "package" && !on_rule) {
        auto [it, added] = set.by_package.emplace(PackagePath(m), &a);
        if (!added) return redeclared(a, *it->second);
      } else if (a.scope == "document" || a.scope == "subpackages") {
        Path path = on_rule ? RulePath(m, m.rules[a.rule_index].head) : PackagePath(m);
        auto [it, added] = set.by_path.emplace(std::move(path), &a);
        if (!added) return redeclared(a, *it->second);
      }
    }
  }
  for (auto& [rule, blocks] : set.by_rule) {
    std::stable_sort(blocks.begin(), blocks.end(),
                     [](const Annotations* a, const Annotations* b) { return Before(b, a); });
  }
  return set;
}

// ---------------------------------------------------------------------------
// Values -> terms.

Term ValueToTerm(const Value& v, const Span& span) {
  switch (v.kind()) {
    case Kind::kBool:
      return Term::Boolean(v.as_bool(), span);
    case Kind::kNumber:
      return Term::Number(ToJson(v), span);
    case Kind::kString:
      return Term::String(std::string(v.as_string()), span);
    case Kind::kArray:
    case Kind::kSet: {
      Term t;
      t.kind = v.is_array() ? TermKind::kArray : TermKind::kSet;
      t.span = span;
      for (const Value& item : v.items()) t.terms.push_back(ValueToTerm(item, span));
      return t;
    }
    case Kind::kObject: {
      Term t;
      t.kind = TermKind::kObject;
      t.span = span;
      for (const ObjectEntry& e : v.entries()) {
        t.items.push_back({ValueToTerm(e.key, span), ValueToTerm(e.value, span)});
      }
      return t;
    }
    default:
      return Term::Null(span);
  }
}

Value PathValue(const Path& path) {
  ArrayBuilder b;
  for (const std::string& key : path) b.Add(Value::String(key));
  return b.Build();
}

Value ChainEntry(const Path& path, const Annotations* a) {
  ObjectBuilder o;
  o.Add(Value::String("path"), PathValue(path));
  if (a != nullptr) o.Add(Value::String("annotations"), syntax::AnnotationsToValue(*a));
  return o.Build();
}

// ---------------------------------------------------------------------------
// Rewriting.

class Rewriter {
 public:
  Rewriter(const AnnotationSet& set, const Module& module, size_t module_index)
      : set_(set), module_(module), module_index_(module_index) {}

  // [rule] is module.rules[rule_index], or one of its else branches.
  void RewriteRule(Rule& rule, size_t rule_index, bool is_else) {
    rule_index_ = rule_index;
    is_else_ = is_else;
    path_ = RulePath(module_, rule.head);
    chain_.reset();
    rule_value_.reset();
    Head& h = rule.head;
    for (Term& t : h.ref) RewriteTerm(t);
    if (h.key.has_value()) RewriteTerm(*h.key);
    if (h.value.has_value()) RewriteTerm(*h.value);
    RewriteBody(rule.body);
  }

 private:
  const std::vector<const Annotations*>* RuleBlocks() const {
    if (is_else_) return nullptr;
    auto it = set_.by_rule.find({module_index_, rule_index_});
    return it == set_.by_rule.end() ? nullptr : &it->second;
  }

  const Value& RuleValue() {
    if (!rule_value_.has_value()) {
      const std::vector<const Annotations*>* blocks = RuleBlocks();
      rule_value_ = blocks != nullptr && !blocks->empty()
                        ? syntax::AnnotationsToValue(*blocks->front())
                        : Value::EmptyObject();
    }
    return *rule_value_;
  }

  const Value& Chain() {
    if (chain_.has_value()) return *chain_;
    ArrayBuilder b;
    const std::vector<const Annotations*>* blocks = RuleBlocks();
    if (blocks != nullptr && !blocks->empty()) {
      for (const Annotations* a : *blocks) b.Add(ChainEntry(path_, a));
    } else {
      b.Add(ChainEntry(path_, nullptr));
    }
    if (auto it = set_.by_path.find(path_); it != set_.by_path.end()) {
      b.Add(ChainEntry(path_, it->second));
    }
    Path package = PackagePath(module_);
    if (auto it = set_.by_package.find(package); it != set_.by_package.end()) {
      b.Add(ChainEntry(package, it->second));
    }
    for (size_t n = package.size(); n >= 1; --n) {
      Path prefix(package.begin(), package.begin() + static_cast<ptrdiff_t>(n));
      if (auto it = set_.by_path.find(prefix); it != set_.by_path.end()) {
        b.Add(ChainEntry(prefix, it->second));
      }
    }
    chain_ = b.Build();
    return *chain_;
  }

  Term Constant(Call which, const Span& span) {
    return ValueToTerm(which == Call::kChain ? Chain() : RuleValue(), span);
  }

  void RewriteBody(Body& body) {
    for (Expr& e : body) RewriteExpr(e);
  }

  void RewriteExpr(Expr& e) {
    if (e.kind == ExprKind::kCall && !e.terms.empty()) {
      Call which = MetadataCall(e.terms[0]);
      if (which != Call::kNone && e.terms.size() == 1) {
        // A bare call: its value is the expression (always truthy).
        Term value = Constant(which, e.span);
        e.kind = ExprKind::kTerm;
        e.terms.clear();
        e.terms.push_back(std::move(value));
      } else if (which != Call::kNone && e.terms.size() == 2) {
        // rego.metadata.chain(out): out = <value>.
        Span op_span = e.terms[0].span;
        Term out = std::move(e.terms[1]);
        e.terms.clear();
        e.terms.push_back(Term::Ref({Term::Var("eq", op_span)}, op_span));
        e.terms.push_back(std::move(out));
        e.terms.push_back(Constant(which, e.span));
      }
    }
    for (Term& t : e.terms) RewriteTerm(t);
    if (e.every.has_value()) {
      syntax::Every& q = *e.every;
      if (q.key.has_value()) RewriteTerm(*q.key);
      RewriteTerm(q.value);
      RewriteTerm(q.domain);
      RewriteBody(q.body);
    }
    for (syntax::With& w : e.with) RewriteTerm(w.value);
  }

  void RewriteTerm(Term& t) {
    if (t.kind == TermKind::kCall && t.terms.size() == 1) {
      Call which = MetadataCall(t.terms[0]);
      if (which != Call::kNone) {
        t = Constant(which, t.span);
        return;
      }
    }
    for (Term& x : t.terms) RewriteTerm(x);
    for (syntax::ObjectItem& item : t.items) {
      RewriteTerm(item.key);
      RewriteTerm(item.value);
    }
    for (syntax::TemplatePart& part : t.parts) RewriteBody(part.expr);
    RewriteBody(t.body);
  }

  const AnnotationSet& set_;
  const Module& module_;
  size_t module_index_;
  size_t rule_index_ = 0;
  bool is_else_ = false;
  Path path_;
  std::optional<Value> chain_;
  std::optional<Value> rule_value_;
};

}  // namespace

absl::StatusOr<bool> RewriteRegoMetadataCalls(std::span<const Module> modules,
                                              std::vector<Module>* rewritten) {
  VERDICT_ASSIGN_OR_RETURN(AnnotationSet set, BuildSet(modules));
  bool used = false;
  for (const Module& m : modules) {
    used = used || std::any_of(m.rules.begin(), m.rules.end(), UsesRule);
  }
  if (!used) return false;
  rewritten->assign(modules.begin(), modules.end());
  for (size_t mi = 0; mi < rewritten->size(); ++mi) {
    Module& m = (*rewritten)[mi];
    Rewriter rewriter(set, modules[mi], mi);
    for (size_t ri = 0; ri < m.rules.size(); ++ri) {
      Rule& rule = m.rules[ri];
      if (!UsesRule(rule)) continue;
      rewriter.RewriteRule(rule, ri, /*is_else=*/false);
      for (Rule& alt : rule.elses) rewriter.RewriteRule(alt, ri, /*is_else=*/true);
    }
  }
  return true;
}

}  // namespace verdict::compile
