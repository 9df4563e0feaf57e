// Lowering of rules and queries to bytecode (lower.h explains the model).
//
// Layout of this file, bottom up: name resolution and scopes; the safety
// analysis that orders body expressions; terms; unification (Match);
// expressions (calls, some, every, not, with); bodies; rule documents;
// queries; and LowerProgram(), the entry point.
//
// Tested by tests/compile/lower_test.cc (semantics), errors_test.cc
// (compile errors) and the conformance suite.
#include "compile/lower.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/strings.h"
#include "builtins/registry.h"
#include "compile/emitter.h"
#include "compile/rule_index.h"
#include "vm/opcode.h"

namespace verdict::compile {
namespace {

using syntax::Body;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Term;
using syntax::TermKind;
using vm::AccKind;
using vm::Op;

// The n operand that marks the instruction delivering a rule definition's
// value (opcodes.def *10); its span is the definition's location.
constexpr uint8_t kRuleValue = 1;

bool IsScalar(const Term& t) {
  return t.kind == TermKind::kNull || t.kind == TermKind::kBoolean ||
         t.kind == TermKind::kNumber || t.kind == TermKind::kString;
}

bool IsComparison(std::string_view name) {
  return name == "equal" || name == "neq" || name == "lt" || name == "lte" ||
         name == "gt" || name == "gte";
}

// Whether [t] is a literal without variables, calls or closures.
bool IsConstantTerm(const Term& t);

// Calls [fn] on every var term of [t], not descending into closures
// (comprehension bodies) unless [into_closures].
void ForEachVar(const Term& t, bool into_closures,
                const std::function<void(const Term&)>& fn);

void ForEachVarInExpr(const Expr& e, bool into_closures,
                      const std::function<void(const Term&)>& fn) {
  for (size_t i = 0; i < e.terms.size(); ++i) {
    // A call's operator is a name, not a variable.
    if (e.kind == ExprKind::kCall && i == 0) continue;
    ForEachVar(e.terms[i], into_closures, fn);
  }
  if (e.every) {
    if (e.every->key) ForEachVar(*e.every->key, into_closures, fn);
    ForEachVar(e.every->value, into_closures, fn);
    ForEachVar(e.every->domain, into_closures, fn);
    if (into_closures) {
      for (const Expr& inner : e.every->body) ForEachVarInExpr(inner, true, fn);
    }
  }
  for (const syntax::With& w : e.with) {
    ForEachVar(w.value, into_closures, fn);
  }
}

void ForEachVar(const Term& t, bool into_closures,
                const std::function<void(const Term&)>& fn) {
  switch (t.kind) {
    case TermKind::kVar:
      fn(t);
      return;
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kCall:
      for (size_t i = 0; i < t.terms.size(); ++i) {
        // A call's operator is a name, not a variable.
        if (t.kind == TermKind::kCall && i == 0) continue;
        ForEachVar(t.terms[i], into_closures, fn);
      }
      return;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        ForEachVar(item.key, into_closures, fn);
        ForEachVar(item.value, into_closures, fn);
      }
      return;
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension:
      if (into_closures) {
        for (const Term& head : t.terms) ForEachVar(head, true, fn);
        for (const Expr& e : t.body) ForEachVarInExpr(e, true, fn);
      }
      return;
    case TermKind::kTemplateString:
      for (const syntax::TemplatePart& part : t.parts) {
        for (const Expr& e : part.expr) ForEachVarInExpr(e, into_closures, fn);
      }
      return;
    default:
      return;
  }
}

// Names a closure body declares itself (`:=`, `some`, every's key and
// value), in it or in closures nested in it: a closure's use of such a
// name never refers to the enclosing body's variable.
void CollectDeclared(const Body& body, std::set<std::string>* out);

void CollectDeclaredInTerm(const Term& t, std::set<std::string>* out) {
  switch (t.kind) {
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension:
      CollectDeclared(t.body, out);
      for (const Term& h : t.terms) CollectDeclaredInTerm(h, out);
      return;
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kCall:
      for (const Term& e : t.terms) CollectDeclaredInTerm(e, out);
      return;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        CollectDeclaredInTerm(item.key, out);
        CollectDeclaredInTerm(item.value, out);
      }
      return;
    case TermKind::kTemplateString:
      for (const syntax::TemplatePart& part : t.parts) CollectDeclared(part.expr, out);
      return;
    default:
      return;
  }
}

void CollectDeclared(const Body& body, std::set<std::string>* out) {
  auto add = [&](const Term& var) { out->insert(var.text); };
  for (const Expr& e : body) {
    if (e.kind == ExprKind::kCall && e.OperatorName() == "assign" && e.terms.size() == 3) {
      ForEachVar(e.terms[1], false, add);
    } else if (e.kind == ExprKind::kSome) {
      for (const Term& t : e.terms) {
        if (t.kind == TermKind::kVar) {
          add(t);
        } else if (t.kind == TermKind::kCall) {
          for (size_t i = 1; i + 1 < t.terms.size(); ++i) ForEachVar(t.terms[i], false, add);
        }
      }
    } else if (e.kind == ExprKind::kEvery) {
      if (e.every->key) ForEachVar(*e.every->key, false, add);
      ForEachVar(e.every->value, false, add);
      CollectDeclared(e.every->body, out);
      CollectDeclaredInTerm(e.every->domain, out);
    }
    for (const Term& t : e.terms) CollectDeclaredInTerm(t, out);
    for (const syntax::With& w : e.with) CollectDeclaredInTerm(w.value, out);
  }
}

// Where a name or a reference leads.
struct Target {
  enum Kind { kNone, kLocal, kInput, kData, kValue } kind = kNone;
  uint32_t reg = 0;                 // kLocal
  const Term* head = nullptr;       // kValue: a literal, call or comprehension
  std::vector<const Term*> elems;   // path after the root (or after head)
};

// The variables of one body (a rule, a comprehension, an every). A
// variable declared with := is visible to closures only from its
// declaration on: in `y := {x | xs[x]}; x := count(y)` the x of the
// comprehension is its own (OPA's rewriting of declared variables).
struct Scope {
  absl::flat_hash_map<std::string, uint32_t> vars;  // name -> register
  absl::flat_hash_map<std::string, int> assigned_at;  // := vars: Expr::index
  Scope* parent = nullptr;
  // Expr::index, in the parent's body, of the expression holding this
  // closure: the parent's := variables declared at or after it are hidden.
  int limit = std::numeric_limits<int>::max();
};

class Lowerer {
 public:
  Lowerer(const RuleTree& tree, const CompileOptions& options, vm::Program* program)
      : tree_(tree), options_(options), em_(program) {}

  absl::Status Run(std::span<const QuerySpec> queries);

 private:
  // --- errors ---------------------------------------------------------------
  void Error(ErrorCode code, const syntax::Span& span, std::string_view message) {
    if (!status_.ok()) return;
    status_ = MakeError(code, absl::StrCat(Absl(span.ToString()), ": ",
                                           Absl(ErrorCodeName(code)), ": ",
                                           Absl(message)));
  }
  bool failed() const { return !status_.ok(); }

  // --- names ----------------------------------------------------------------
  const Term* Own(Term t) {
    owned_.push_back(std::move(t));
    return &owned_.back();
  }
  // The register of local [name] as seen from the current scope; seen
  // from a closure of the current scope's expression number [limit] when
  // [limit] is given (see Scope).
  const uint32_t* FindLocal(const std::string& name,
                            int limit = std::numeric_limits<int>::max()) const {
    for (const Scope* s = scope_; s != nullptr; s = s->parent) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) {
        auto at = s->assigned_at.find(name);
        if (at == s->assigned_at.end() || at->second < limit) return &it->second;
      }
      limit = s->limit;
    }
    return nullptr;
  }
  // A variable of a closure in the expression being scheduled or lowered.
  const uint32_t* FindOuterLocal(const std::string& name) const {
    return FindLocal(name, expr_index_);
  }
  bool ResolveGlobal(const std::string& name, Target* out);
  bool ResolveRef(const Term& t, Target* out);
  uint32_t Declare(const std::string& name) {
    uint32_t reg = em_.NewRegister();
    scope_->vars[name] = reg;
    SetBound(reg, false);
    return reg;
  }
  void DeclareLocals(const Body& body);
  void DeclareLocalsInTerm(const Term& t);
  void DeclareArgVars(const Term& t);
  bool NamesBuiltin(const Term& t) const;

  // --- boundness --------------------------------------------------------------
  using Bound = std::vector<char>;
  void SetBound(uint32_t reg, bool b) {
    if (reg >= bound_.size()) bound_.resize(reg + 1, 0);
    bound_[reg] = b;
  }
  static bool IsSet(const Bound& bound, uint32_t reg) {
    return reg < bound.size() && bound[reg];
  }
  bool VarBound(const Term& var, const Bound& bound) const;
  bool CanEval(const Term& t, const Bound& bound) const;
  bool IsPattern(const Term& t, const Bound& bound) const;
  bool ArgsEvaluable(std::span<const Term> args, const Bound& bound,
                     Bound* after = nullptr) const;
  std::vector<uint32_t> LowerArgs(std::span<const Term> args, Label* fail);
  uint32_t ArgumentSpan(const std::vector<uint32_t>& regs);
  bool CanUnify(const Term& a, const Term& b, const Bound& bound) const;
  bool ElementPairs(const Term& a, const Term& b,
                    std::vector<std::pair<const Term*, const Term*>>* pairs, bool* mismatch);
  bool Schedulable(const Expr& e, const Bound& bound) const;
  bool SchedulableInner(const Expr& e, const Bound& bound) const;
  void MarkBound(const Expr& e, Bound* bound) const;
  bool ClosureReady(const Body& body, const std::vector<const Term*>& heads,
                    const Bound& bound) const;
  std::vector<const Expr*> Order(const Body& body);
  int CallArity(const Term& op) const;

  // --- lowering -------------------------------------------------------------
  uint32_t LowerTerm(const Term& t, Label* fail);
  uint32_t LowerTarget(const Target& target, const syntax::Span& span, Label* fail);
  uint32_t LowerData(const std::vector<const Term*>& elems, size_t first,
                     const syntax::Span& span, Label* fail);
  uint32_t ApplyElems(uint32_t reg, const std::vector<const Term*>& elems, size_t first,
                      Label* fail);
  uint32_t LowerCall(const Term& op, std::span<const Term> args, const syntax::Span& span,
                     Label* fail);
  uint32_t LowerComprehension(const Term& t, Label* fail);
  uint32_t LowerTemplate(const Term& t, Label* fail);
  uint32_t LowerTemplatePart(const Expr& e);
  uint32_t LowerComposite(const Term& t, Label* fail);
  uint32_t LoadBase(const std::vector<std::string>& path,
                    const std::vector<const Term*>& elems, size_t i, Label* fail);
  void OpenLoop(uint32_t collection, uint32_t key_reg, uint32_t value_reg, Label* fail);
  void Match(const Term& pattern, uint32_t reg, Label* fail);
  void Unify(const Term& a, const Term& b, Label* fail);
  void LowerExpr(const Expr& e, Label* fail);
  void LowerExprAt(const Expr& e, Label* fail);
  void LowerExprPlain(const Expr& e, Label* fail);
  void LowerWith(const Expr& e, Label* fail);
  void LowerSome(const Expr& e, Label* fail);
  void LowerPrint(const Expr& e, Label* fail);
  bool FuseGenerator(const Expr& some, const Term& collection, const Term& pattern,
                     Label* fail);
  DocNode* FusableGenerator(const Expr& some, const Term& collection);
  bool RaisesNothing(const Body& body, const Expr* except = nullptr);
  bool RaisesNothing(const Expr& e);
  bool RaisesNothing(const Term& t);
  void CollectWithTargets(std::span<const QuerySpec> queries);
  void LowerEvery(const Expr& e, Label* fail);
  void LowerCallExpr(const Expr& e, Label* fail);
  void LowerBody(const Body& body, Label* fail, const std::function<void(Label*)>& on_success);

  // --- documents ------------------------------------------------------------
  uint32_t FunctionOf(DocNode* node);
  uint32_t BuiltinWrapper(const std::string& name, int arity);
  uint32_t DataView(DocNode* node);
  uint32_t Projection(DocNode* node, const std::vector<std::string>& rest);
  void LowerProjection(uint32_t function, DocNode* node, const std::vector<std::string>& rest);
  DocNode* DocAt(DocNode* from, std::span<const std::string> path) const;
  void LowerNode(DocNode* node);
  void LowerNamespace(DocNode* node);
  void LowerRules(DocNode* node);
  void LowerRefHeadObject(DocNode* node);
  void AddContribution(const std::vector<uint32_t>& path, uint32_t value, bool element,
                       uint32_t acc, uint8_t mark = 0);
  uint32_t MakeArrayOf(const std::vector<uint32_t>& regs);
  // A definition's tests of keys a Switch decided (LowerDefinitions):
  // body expressions, and constant arguments by position.
  struct ImpliedTests {
    std::vector<const Expr*> exprs;
    std::vector<int> args;
  };
  void LowerDefinition(DocNode* node, const RuleDef& def, uint32_t acc,
                       const ImpliedTests* implied = nullptr);
  // Keys the enclosing Switches decided, and the values of those whose
  // case has one value.
  struct DecidedKeys {
    std::vector<IndexKey> keys;
    std::vector<std::pair<IndexKey, Value>> values;
  };
  void LowerDefinitions(DocNode* node, std::span<const size_t> defs,
                        std::span<const DefinitionKeys> keys, uint32_t acc,
                        DecidedKeys* decided);
  DefinitionKeys IndexKeysOf(DocNode* node, const RuleDef& def);
  bool InputPathOf(const Term& t, Value* path);
  void EnterDefinition(const RuleDef& def);
  void DeclareDefinitionVars(DocNode* node, const RuleDef& def, const syntax::Rule& rule);
  void BindArgs(const syntax::Rule& rule, Label* fail, Body* deferred);
  void AddRuleValue(DocNode* node, const RuleDef& def, const syntax::Rule& rule,
                    uint32_t acc, Label* fail);
  void LowerQuery(const QuerySpec& query, uint32_t function);
  absl::Status CheckRecursion();

  Value ConstantOf(const Term& t, bool* ok);
  uint32_t LoadConst(const Value& v) {
    uint32_t r = em_.NewRegister();
    em_.Emit(Op::kLoadConst, r, em_.Constant(v));
    return r;
  }
  Value Str(std::string_view s) { return Value::String(s, em_.arena()); }

  const RuleTree& tree_;
  const CompileOptions& options_;
  Emitter em_;
  absl::Status status_;

  // The definition being lowered.
  const syntax::Module* module_ = nullptr;
  std::vector<std::string> package_;
  DocNode* node_ = nullptr;  // the document whose function is being lowered
  Scope* scope_ = nullptr;
  // Expr::index of the expression being scheduled or lowered in scope_
  // (max: the rule head, after every expression).
  int expr_index_ = std::numeric_limits<int>::max();
  Bound bound_;
  int depth_ = 0;
  // Some `with` replaces internal.member_2: `x in xs` must stay a builtin
  // call for the mock to reach it (instead of the Member instruction).
  bool membership_mocked_ = false;
  // Tests of the definition being lowered that a Switch decided.
  const ImpliedTests* implied_ = nullptr;
  // The rule body being lowered and its definition's head, where `some x
  // in s` may run s's generator in place (FuseGenerator); null elsewhere
  // (queries, closures).
  const Body* fusion_body_ = nullptr;
  const syntax::Head* fusion_head_ = nullptr;
  // The data paths (constant prefixes) some `with` replaces.
  std::vector<std::vector<std::string>> with_data_paths_;

  // Set while lowering the definitions of a document whose value is merged
  // by internal.ref_head_object: the constant keys from that document to
  // the definitions' own document.
  const std::vector<std::string>* ref_head_prefix_ = nullptr;
  std::deque<Term> owned_;
  std::deque<Body> owned_bodies_;  // synthesized expressions (template parts)
  int template_parts_ = 0;
  std::deque<DocNode*> pending_;
  std::map<DocNode*, std::set<DocNode*>> deps_;
  absl::flat_hash_map<std::string, uint32_t> wrappers_;
  struct PendingWrapper {
    uint32_t function;
    std::string builtin;
    int arity;
  };
  std::vector<PendingWrapper> pending_wrappers_;
  // Functions that read a document's path from the data overlay, standing in
  // for its rules under `with data.x as v` when x holds rules below it.
  absl::flat_hash_map<DocNode*, uint32_t> views_;
  std::vector<std::pair<uint32_t, DocNode*>> pending_views_;
  // {k: data.<node>[k].<rest>} functions (LowerData), by node and rest.
  struct PendingProjection {
    uint32_t function;
    DocNode* node;
    std::vector<std::string> rest;
  };
  std::map<std::pair<DocNode*, std::vector<std::string>>, uint32_t> projections_;
  std::deque<PendingProjection> pending_projections_;
};

// ===========================================================================
// Names

bool Lowerer::ResolveGlobal(const std::string& name, Target* out) {
  if (name == "input") {
    out->kind = Target::kInput;
    return true;
  }
  if (name == "data") {
    out->kind = Target::kData;
    return true;
  }
  if (module_ != nullptr) {
    for (const syntax::Import& imp : module_->imports) {
      const Term& path = imp.path;
      if (path.kind != TermKind::kRef || path.terms.empty()) continue;
      const std::string& root = path.terms[0].text;
      if (root != "data" && root != "input") continue;
      std::string alias = imp.alias;
      if (alias.empty()) {
        if (path.terms.size() < 2) {
          alias = root;
        } else {
          alias = path.terms.back().text;
        }
      }
      if (alias != name) continue;
      out->kind = root == "data" ? Target::kData : Target::kInput;
      for (size_t i = 1; i < path.terms.size(); ++i) out->elems.push_back(&path.terms[i]);
      return true;
    }
    std::vector<std::string> path = package_;
    path.push_back(name);
    if (tree_.Find(path) != nullptr) {
      out->kind = Target::kData;
      for (const std::string& key : path) out->elems.push_back(Own(Term::String(key)));
      return true;
    }
  }
  return false;
}

// Resolves a var or ref term to its root and path elements.
bool Lowerer::ResolveRef(const Term& t, Target* out) {
  const Term* head = &t;
  size_t first = 0;
  if (t.kind == TermKind::kRef) {
    head = &t.terms[0];
    first = 1;
  }
  if (head->kind == TermKind::kVar) {
    if (const uint32_t* reg = FindLocal(head->text)) {
      out->kind = Target::kLocal;
      out->reg = *reg;
    } else if (!ResolveGlobal(head->text, out)) {
      return false;
    }
  } else {
    out->kind = Target::kValue;
    out->head = head;
  }
  if (t.kind == TermKind::kRef) {
    for (size_t i = first; i < t.terms.size(); ++i) out->elems.push_back(&t.terms[i]);
  }
  return true;
}

void Lowerer::DeclareLocalsInTerm(const Term& t) {
  ForEachVar(t, /*into_closures=*/false, [&](const Term& var) {
    if (FindLocal(var.text) != nullptr) return;
    Target ignored;
    if (!var.IsWildcard() && ResolveGlobal(var.text, &ignored)) return;
    Declare(var.text);
  });
}

// A function argument's pattern variables are locals of the function even
// where a rule has the same name (f(x) := x + 1 beside x := f(2)); terms
// that are evaluated rather than matched resolve as usual.
void Lowerer::DeclareArgVars(const Term& t) {
  switch (t.kind) {
    case TermKind::kVar:
      if (t.text == "input" || t.text == "data") return;
      if (scope_->vars.find(t.text) == scope_->vars.end()) Declare(t.text);
      return;
    case TermKind::kArray:
      for (const Term& e : t.terms) DeclareArgVars(e);
      return;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        DeclareLocalsInTerm(item.key);
        DeclareArgVars(item.value);
      }
      return;
    default:
      DeclareLocalsInTerm(t);
      return;
  }
}

void Lowerer::DeclareLocals(const Body& body) {
  for (const Expr& e : body) {
    if (e.kind == ExprKind::kSome) {
      for (const Term& t : e.terms) {
        if (t.kind == TermKind::kVar) {
          if (scope_->vars.find(t.text) == scope_->vars.end()) Declare(t.text);
        } else if (t.kind == TermKind::kCall) {
          // some k, v in xs: the patterns declare new variables.
          for (size_t i = 1; i + 1 < t.terms.size(); ++i) {
            ForEachVar(t.terms[i], false, [&](const Term& var) {
              if (scope_->vars.find(var.text) == scope_->vars.end()) Declare(var.text);
            });
          }
          DeclareLocalsInTerm(t.terms.back());
        }
      }
      continue;
    }
    if (e.kind == ExprKind::kCall && e.OperatorName() == "assign" && e.terms.size() == 3) {
      ForEachVar(e.terms[1], false, [&](const Term& var) {
        if (scope_->vars.find(var.text) == scope_->vars.end()) {
          Declare(var.text);
          if (!var.IsWildcard()) scope_->assigned_at[var.text] = e.index;
        }
      });
      DeclareLocalsInTerm(e.terms[2]);
    } else if (e.kind == ExprKind::kEvery) {
      DeclareLocalsInTerm(e.every->domain);
    } else {
      for (size_t i = 0; i < e.terms.size(); ++i) {
        if (e.kind == ExprKind::kCall && i == 0) continue;
        DeclareLocalsInTerm(e.terms[i]);
      }
    }
    for (const syntax::With& w : e.with) {
      if (NamesBuiltin(w.value)) continue;  // `with count as sum`: a name, not a var
      DeclareLocalsInTerm(w.value);
    }
  }
}

// Whether [t] (a var or ref such as `opa.runtime`) names a builtin rather
// than a variable or document in scope.
bool Lowerer::NamesBuiltin(const Term& t) const {
  if (t.kind != TermKind::kVar && t.kind != TermKind::kRef) return false;
  Target ignored;
  if (const_cast<Lowerer*>(this)->ResolveRef(t, &ignored)) return false;
  std::string name = t.RefString();
  if (builtins::FindBuiltin(name) != nullptr) return true;
  for (const auto& [extra, arity] : options_.extra_builtins) {
    if (extra == name) return true;
  }
  return false;
}

// ===========================================================================
// Safety: which expressions can run given the bound variables

bool Lowerer::VarBound(const Term& var, const Bound& bound) const {
  if (const uint32_t* reg = FindLocal(var.text)) return IsSet(bound, *reg);
  if (var.IsWildcard()) return false;
  Target ignored;
  return const_cast<Lowerer*>(this)->ResolveGlobal(var.text, &ignored);
}

int Lowerer::CallArity(const Term& op) const {
  Target target;
  if (const_cast<Lowerer*>(this)->ResolveRef(op, &target) &&
      target.kind == Target::kData) {
    std::vector<std::string> path;
    for (const Term* e : target.elems) {
      if (e->kind != TermKind::kString) return -1;
      path.push_back(e->text);
    }
    if (DocNode* node = tree_.Find(path)) {
      return node->kind == DocKind::kFunction ? node->arity : -1;
    }
  }
  std::string name = op.RefString();
  if (const builtins::BuiltinInfo* info = builtins::FindBuiltin(name)) return info->arity;
  for (const auto& [extra, arity] : options_.extra_builtins) {
    if (extra == name) return arity;
  }
  return -1;
}

bool Lowerer::ClosureReady(const Body& body, const std::vector<const Term*>& heads,
                           const Bound& bound) const {
  bool ready = true;
  std::set<std::string> own;
  CollectDeclared(body, &own);
  auto check = [&](const Term& var) {
    if (own.count(var.text) != 0) return;
    if (const uint32_t* reg = FindOuterLocal(var.text)) {
      if (!IsSet(bound, *reg)) ready = false;
    }
  };
  for (const Term* h : heads) ForEachVar(*h, true, check);
  for (const Expr& e : body) ForEachVarInExpr(e, true, check);
  return ready;
}

bool Lowerer::CanEval(const Term& t, const Bound& bound) const {
  switch (t.kind) {
    case TermKind::kNull:
    case TermKind::kBoolean:
    case TermKind::kNumber:
    case TermKind::kString:
      return true;
    case TermKind::kVar:
      return VarBound(t, bound);
    case TermKind::kRef: {
      const Term& head = t.terms[0];
      if (head.kind == TermKind::kVar) {
        if (!VarBound(head, bound)) return false;
      } else if (!CanEval(head, bound)) {
        return false;
      }
      for (size_t i = 1; i < t.terms.size(); ++i) {
        if (!CanEval(t.terms[i], bound) && !IsPattern(t.terms[i], bound)) return false;
      }
      return true;
    }
    case TermKind::kArray:
    case TermKind::kSet:
      for (const Term& e : t.terms) {
        if (!CanEval(e, bound)) return false;
      }
      return true;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        if (!CanEval(item.key, bound) || !CanEval(item.value, bound)) return false;
      }
      return true;
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension: {
      std::vector<const Term*> heads;
      for (const Term& h : t.terms) heads.push_back(&h);
      return ClosureReady(t.body, heads, bound);
    }
    case TermKind::kCall:
      return ArgsEvaluable(std::span<const Term>(t.terms).subspan(1), bound);
    case TermKind::kTemplateString:
      for (const syntax::TemplatePart& part : t.parts) {
        for (const Expr& e : part.expr) {
          for (size_t i = 0; i < e.terms.size(); ++i) {
            if (e.kind == ExprKind::kCall && i == 0) continue;
            if (!CanEval(e.terms[i], bound)) return false;
          }
        }
      }
      return true;
  }
  return false;
}

// Whether the arguments of a call can all be evaluated, in some order: an
// argument that iterates binds the variables of its reference, and a later
// argument may use them (foo == input.foos[foo]). [*after], when given,
// receives the bound set once all are evaluated.
bool Lowerer::ArgsEvaluable(std::span<const Term> args, const Bound& bound,
                            Bound* after) const {
  Bound sim = bound;
  std::vector<bool> done(args.size(), false);
  size_t remaining = args.size();
  while (remaining > 0) {
    bool progress = false;
    for (size_t i = 0; i < args.size(); ++i) {
      if (done[i] || !CanEval(args[i], sim)) continue;
      ForEachVar(args[i], false, [&](const Term& var) {
        if (const uint32_t* reg = FindLocal(var.text)) {
          if (*reg >= sim.size()) sim.resize(*reg + 1, 0);
          sim[*reg] = 1;
        }
      });
      done[i] = true;
      --remaining;
      progress = true;
    }
    if (!progress) return false;
  }
  if (after != nullptr) *after = std::move(sim);
  return true;
}

// Lowers [args] in an order that binds before it uses (ArgsEvaluable);
// returns their registers in argument order.
std::vector<uint32_t> Lowerer::LowerArgs(std::span<const Term> args, Label* fail) {
  std::vector<uint32_t> regs(args.size(), 0);
  std::vector<bool> done(args.size(), false);
  size_t remaining = args.size();
  while (remaining > 0 && !failed()) {
    size_t pick = args.size();
    for (size_t i = 0; i < args.size(); ++i) {
      if (!done[i] && CanEval(args[i], bound_)) {
        pick = i;
        break;
      }
    }
    if (pick == args.size()) {  // stuck: lower in order, reporting what is unsafe
      for (pick = 0; done[pick]; ++pick) {
      }
    }
    regs[pick] = LowerTerm(args[pick], fail);
    done[pick] = true;
    --remaining;
  }
  return regs;
}

bool Lowerer::IsPattern(const Term& t, const Bound& bound) const {
  switch (t.kind) {
    case TermKind::kVar:
      return true;
    case TermKind::kArray:
      for (const Term& e : t.terms) {
        if (!IsPattern(e, bound)) return false;
      }
      return true;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        if (!CanEval(item.key, bound) || !IsPattern(item.value, bound)) return false;
      }
      return true;
    default:
      return CanEval(t, bound);
  }
}

bool Lowerer::CanUnify(const Term& a, const Term& b, const Bound& bound) const {
  if (CanEval(a, bound) && IsPattern(b, bound)) return true;
  if (CanEval(b, bound) && IsPattern(a, bound)) return true;
  std::vector<std::pair<const Term*, const Term*>> pairs;
  bool mismatch = false;
  if (const_cast<Lowerer*>(this)->ElementPairs(a, b, &pairs, &mismatch)) {
    if (mismatch) return true;  // never unifies: the expression just fails
    // Element pairs in any order, each binding what it can.
    Bound sim = bound;
    std::vector<bool> done(pairs.size(), false);
    size_t remaining = pairs.size();
    while (remaining > 0) {
      bool progress = false;
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (done[i] || !CanUnify(*pairs[i].first, *pairs[i].second, sim)) continue;
        auto mark = [&](const Term& var) {
          if (const uint32_t* reg = FindLocal(var.text)) {
            if (*reg >= sim.size()) sim.resize(*reg + 1, 0);
            sim[*reg] = 1;
          }
        };
        ForEachVar(*pairs[i].first, false, mark);
        ForEachVar(*pairs[i].second, false, mark);
        done[i] = true;
        --remaining;
        progress = true;
      }
      if (!progress) return false;
    }
    return true;
  }
  return false;
}

// Two composite terms unified element by element: arrays of one length,
// or objects whose keys are constants. [*mismatch]: the shapes differ
// (lengths or key sets), so they never unify. False: not two such terms.
bool Lowerer::ElementPairs(const Term& a, const Term& b,
                           std::vector<std::pair<const Term*, const Term*>>* pairs,
                           bool* mismatch) {
  *mismatch = false;
  if (a.kind == TermKind::kArray && b.kind == TermKind::kArray) {
    if (a.terms.size() != b.terms.size()) {
      *mismatch = true;
      return true;
    }
    for (size_t i = 0; i < a.terms.size(); ++i) pairs->emplace_back(&a.terms[i], &b.terms[i]);
    return true;
  }
  if (a.kind != TermKind::kObject || b.kind != TermKind::kObject) return false;
  for (const Term* t : {&a, &b}) {
    for (const syntax::ObjectItem& item : t->items) {
      if (!IsConstantTerm(item.key)) return false;
    }
  }
  if (a.items.size() != b.items.size()) {
    *mismatch = true;
    return true;
  }
  for (const syntax::ObjectItem& x : a.items) {
    bool ok = true;
    Value kx = ConstantOf(x.key, &ok);
    const Term* match = nullptr;
    for (const syntax::ObjectItem& y : b.items) {
      if (ConstantOf(y.key, &ok) == kx) {
        match = &y.value;
        break;
      }
    }
    if (match == nullptr) {
      *mismatch = true;
      pairs->clear();
      return true;
    }
    pairs->emplace_back(&x.value, match);
  }
  return true;
}

bool Lowerer::SchedulableInner(const Expr& e, const Bound& bound) const {
  switch (e.kind) {
    case ExprKind::kSome: {
      if (e.terms.empty() || e.terms[0].kind == TermKind::kVar) return true;
      const Term& call = e.terms[0];
      return CanEval(call.terms.back(), bound);
    }
    case ExprKind::kEvery: {
      if (!CanEval(e.every->domain, bound)) return false;
      std::vector<const Term*> heads;
      // Key and value are the every's own variables: not free.
      bool ready = true;
      std::set<std::string> own;
      if (e.every->key) ForEachVar(*e.every->key, false, [&](const Term& v) { own.insert(v.text); });
      ForEachVar(e.every->value, false, [&](const Term& v) { own.insert(v.text); });
      CollectDeclared(e.every->body, &own);
      for (const Expr& inner : e.every->body) {
        ForEachVarInExpr(inner, true, [&](const Term& var) {
          if (own.count(var.text)) return;
          if (const uint32_t* reg = FindOuterLocal(var.text)) {
            if (!IsSet(bound, *reg)) ready = false;
          }
        });
      }
      return ready;
    }
    case ExprKind::kTerm:
      return CanEval(e.terms[0], bound);
    case ExprKind::kCall: {
      std::string name = e.OperatorName();
      if (name == "eq" && e.terms.size() == 3) return CanUnify(e.terms[1], e.terms[2], bound);
      if (name == "assign" && e.terms.size() == 3) return CanEval(e.terms[2], bound);
      size_t nargs = e.terms.size() - 1;
      int arity = CallArity(e.terms[0]);
      std::span<const Term> args = std::span<const Term>(e.terms).subspan(1);
      if (arity >= 0 && nargs == static_cast<size_t>(arity) + 1) {
        Bound sim = bound;
        if (!ArgsEvaluable(args.first(nargs - 1), bound, &sim)) return false;
        return IsPattern(e.terms.back(), sim);
      }
      return ArgsEvaluable(args, bound);
    }
  }
  return false;
}

bool Lowerer::Schedulable(const Expr& e, const Bound& bound) const {
  for (const syntax::With& w : e.with) {
    if (!CanEval(w.value, bound)) {
      // A function used as a mock is a name, not a value.
      if (w.value.kind != TermKind::kVar && w.value.kind != TermKind::kRef) return false;
      if (CallArity(w.value) < 0) return false;
    }
  }
  if (e.negated) {
    bool ready = true;
    ForEachVarInExpr(e, false, [&](const Term& var) {
      if (var.IsWildcard()) return;
      if (const uint32_t* reg = FindLocal(var.text)) {
        if (!IsSet(bound, *reg)) ready = false;
      }
    });
    if (!ready) return false;
  }
  return SchedulableInner(e, bound);
}

void Lowerer::MarkBound(const Expr& e, Bound* bound) const {
  if (e.negated || e.kind == ExprKind::kEvery) return;
  if (e.kind == ExprKind::kSome && (e.terms.empty() || e.terms[0].kind == TermKind::kVar)) {
    return;
  }
  ForEachVarInExpr(e, false, [&](const Term& var) {
    if (const uint32_t* reg = FindLocal(var.text)) {
      if (*reg >= bound->size()) bound->resize(*reg + 1, 0);
      (*bound)[*reg] = 1;
    }
  });
}

std::vector<const Expr*> Lowerer::Order(const Body& body) {
  std::vector<const Expr*> order;
  std::vector<const Expr*> remaining;
  for (const Expr& e : body) remaining.push_back(&e);
  Bound sim = bound_;
  const int saved_index = expr_index_;
  while (!remaining.empty()) {
    auto it = remaining.begin();
    for (; it != remaining.end(); ++it) {
      expr_index_ = (*it)->index;
      if (Schedulable(**it, sim)) break;
    }
    if (it == remaining.end()) {
      // Report the first unbound variable of the first stuck expression.
      const Expr* stuck = remaining.front();
      const Term* unsafe = nullptr;
      expr_index_ = stuck->index;
      // Its own variables first, then those its closures take from here.
      ForEachVarInExpr(*stuck, false, [&](const Term& var) {
        if (unsafe != nullptr || var.IsWildcard()) return;
        const uint32_t* reg = FindLocal(var.text);
        if (reg != nullptr && !IsSet(sim, *reg)) unsafe = &var;
      });
      ForEachVarInExpr(*stuck, true, [&](const Term& var) {
        if (unsafe != nullptr || var.IsWildcard()) return;
        const uint32_t* reg = FindOuterLocal(var.text);
        if (reg != nullptr && !IsSet(sim, *reg)) unsafe = &var;
      });
      if (unsafe != nullptr) {
        Error(ErrorCode::kUnsafeVarError, unsafe->span,
              absl::StrCat("var ", Absl(unsafe->text), " is unsafe"));
      } else {
        Error(ErrorCode::kUnsafeVarError, stuck->span,
              absl::StrCat("expression is unsafe: ", Absl(syntax::ToString(*stuck))));
      }
      expr_index_ = saved_index;
      return {};
    }
    MarkBound(**it, &sim);
    order.push_back(*it);
    remaining.erase(it);
  }
  expr_index_ = saved_index;
  return order;
}

// ===========================================================================
// Terms

Value Lowerer::ConstantOf(const Term& t, bool* ok) {
  switch (t.kind) {
    case TermKind::kNull:
      return Value::Null();
    case TermKind::kBoolean:
      return Value::Bool(t.boolean);
    case TermKind::kNumber: {
      absl::StatusOr<Value> v = Value::Number(t.text, em_.arena());
      if (!v.ok()) {
        *ok = false;
        Error(ErrorCode::kParseError, t.span, absl::StrCat("invalid number ", Absl(t.text)));
        return Value();
      }
      return *v;
    }
    case TermKind::kString:
      return Str(t.text);
    case TermKind::kArray: {
      ArrayBuilder b(em_.arena());
      for (const Term& e : t.terms) b.Add(ConstantOf(e, ok));
      return b.Build();
    }
    case TermKind::kSet: {
      SetBuilder b(em_.arena());
      for (const Term& e : t.terms) b.Add(ConstantOf(e, ok));
      return b.Build();
    }
    case TermKind::kObject: {
      ObjectBuilder b(em_.arena());
      for (const syntax::ObjectItem& item : t.items) {
        b.Add(ConstantOf(item.key, ok), ConstantOf(item.value, ok));
      }
      bool conflict = false;
      Value v = b.Build(&conflict);
      if (conflict) *ok = false;
      return v;
    }
    default:
      *ok = false;
      return Value();
  }
}

bool IsConstantTerm(const Term& t) {
  switch (t.kind) {
    case TermKind::kNull:
    case TermKind::kBoolean:
    case TermKind::kNumber:
    case TermKind::kString:
      return true;
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      return syntax::AllSubterms(t, IsConstantTerm);
    default:
      return false;
  }
}

uint32_t Lowerer::LowerTerm(const Term& t, Label* fail) {
  if (failed()) return 0;
  if (++depth_ > limits::kMaxSyntaxDepth) {
    Error(ErrorCode::kCompileError, t.span, "expression nested too deeply");
    --depth_;
    return 0;
  }
  uint32_t result = 0;
  if (IsConstantTerm(t)) {
    bool ok = true;
    Value v = ConstantOf(t, &ok);
    if (ok) {
      result = LoadConst(v);
    } else {
      result = LowerComposite(t, fail);
    }
  } else {
    switch (t.kind) {
      case TermKind::kVar:
      case TermKind::kRef: {
        Target target;
        if (!ResolveRef(t, &target)) {
          Error(ErrorCode::kUnsafeVarError, t.span,
                absl::StrCat("var ", Absl(t.kind == TermKind::kVar ? t.text : t.terms[0].text),
                             " is unsafe"));
          break;
        }
        result = LowerTarget(target, t.span, fail);
        break;
      }
      case TermKind::kArray:
      case TermKind::kSet:
      case TermKind::kObject:
        result = LowerComposite(t, fail);
        break;
      case TermKind::kArrayComprehension:
      case TermKind::kSetComprehension:
      case TermKind::kObjectComprehension:
        result = LowerComprehension(t, fail);
        break;
      case TermKind::kCall:
        result = LowerCall(t.terms[0], std::span<const Term>(t.terms).subspan(1), t.span, fail);
        break;
      case TermKind::kTemplateString:
        result = LowerTemplate(t, fail);
        break;
      default:
        Error(ErrorCode::kCompileError, t.span, "unexpected term");
    }
  }
  --depth_;
  return result;
}

uint32_t Lowerer::LowerComposite(const Term& t, Label* fail) {
  if (t.kind == TermKind::kObject) {
    uint32_t n = static_cast<uint32_t>(t.items.size());
    std::vector<uint32_t> regs;
    for (const syntax::ObjectItem& item : t.items) {
      regs.push_back(LowerTerm(item.key, fail));
      regs.push_back(LowerTerm(item.value, fail));
    }
    // Pairs in key order when every key is a string literal (the usual
    // object literal): MakeObject then finds them sorted and skips its sort.
    // The terms were evaluated in source order above; only slots move.
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    const bool literal_keys = std::all_of(t.items.begin(), t.items.end(), [](const auto& item) {
      return item.key.kind == TermKind::kString;
    });
    if (literal_keys) {
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return t.items[a].key.text < t.items[b].key.text;  // bytewise, as Rego orders strings
      });
    }
    uint32_t first = em_.NewRegisters(2 * n);
    for (uint32_t i = 0; i < n; ++i) {
      em_.Emit(Op::kMove, first + 2 * i, regs[2 * order[i]]);
      em_.Emit(Op::kMove, first + 2 * i + 1, regs[2 * order[i] + 1]);
    }
    uint32_t out = em_.NewRegister();
    em_.Emit(Op::kMakeObject, out, first, 0, *fail, static_cast<uint8_t>(n));
    if (n > 255) Error(ErrorCode::kCompileError, t.span, "object literal too large");
    return out;
  }
  uint32_t n = static_cast<uint32_t>(t.terms.size());
  std::vector<uint32_t> regs;
  for (const Term& e : t.terms) regs.push_back(LowerTerm(e, fail));
  uint32_t first = em_.NewRegisters(n);
  for (uint32_t i = 0; i < n; ++i) em_.Emit(Op::kMove, first + i, regs[i]);
  uint32_t out = em_.NewRegister();
  if (n > 255) Error(ErrorCode::kCompileError, t.span, "collection literal too large");
  em_.Emit(t.kind == TermKind::kArray ? Op::kMakeArray : Op::kMakeSet, out, first, 0, {},
           static_cast<uint8_t>(n));
  return out;
}

uint32_t Lowerer::LowerTarget(const Target& target, const syntax::Span& span, Label* fail) {
  switch (target.kind) {
    case Target::kLocal:
      if (!IsSet(bound_, target.reg)) {
        // Scheduling guarantees this; reaching it means an unbound local in
        // a position nothing can bind.
        Error(ErrorCode::kUnsafeVarError, span, "var is unsafe");
      }
      return ApplyElems(target.reg, target.elems, 0, fail);
    case Target::kInput: {
      // The leading constant keys are walked by LoadInput itself.
      ArrayBuilder path(em_.arena());
      size_t n = 0;
      for (; n < target.elems.size() && IsScalar(*target.elems[n]); ++n) {
        bool ok = true;
        path.Add(ConstantOf(*target.elems[n], &ok));
      }
      uint32_t r = em_.NewRegister();
      em_.Emit(Op::kLoadInput, r, em_.Constant(path.Build()), 0, *fail);
      return ApplyElems(r, target.elems, n, fail);
    }
    case Target::kData:
      return LowerData(target.elems, 0, span, fail);
    case Target::kValue: {
      uint32_t r = LowerTerm(*target.head, fail);
      return ApplyElems(r, target.elems, 0, fail);
    }
    case Target::kNone:
      break;
  }
  Error(ErrorCode::kCompileError, span, "unresolved reference");
  return 0;
}

// data.<elems>: walk the rule tree while the path is constant; call the
// document function where rules live; load base data where none do.
uint32_t Lowerer::LowerData(const std::vector<const Term*>& elems, size_t first,
                            const syntax::Span& span, Label* fail) {
  DocNode* node = tree_.root.get();
  std::vector<std::string> path;
  size_t i = first;
  while (i < elems.size()) {
    if (node->has_rules()) break;
    const Term* e = elems[i];
    if (e->kind != TermKind::kString) {
      // Rules have string keys only: a number, boolean or null key leads
      // into base data.
      if (IsScalar(*e)) return LoadBase(path, elems, i, fail);
      break;
    }
    DocNode* child = node->Child(e->text);
    if (child == nullptr) return LoadBase(path, elems, i, fail);
    path.push_back(e->text);
    node = child;
    ++i;
  }
  if (!node->HasRulesBelow()) return LoadBase(path, elems, i, fail);
  if (!node->has_rules() && i < elems.size()) {
    // data.ns[x].a.b: evaluating all of data.ns for one path below each of
    // its keys could reach the rule doing it (OPA issue 7399). A projection
    // function computes just {k: data.ns[k].a.b} for every key k.
    size_t j = i + 1;
    while (j < elems.size() && elems[j]->kind == TermKind::kString) ++j;
    if (j > i + 1) {
      std::vector<std::string> rest;
      for (size_t m = i + 1; m < j; ++m) rest.push_back(elems[m]->text);
      uint32_t fn = Projection(node, rest);
      uint32_t r = em_.NewRegister();
      em_.Emit(Op::kCall, r, fn, 0, *fail, 0);
      std::vector<const Term*> tail = {elems[i]};
      tail.insert(tail.end(), elems.begin() + static_cast<std::ptrdiff_t>(j), elems.end());
      return ApplyElems(r, tail, 0, fail);
    }
  }
  if (node->kind == DocKind::kFunction) {
    Error(ErrorCode::kTypeError, span,
          absl::StrCat("function ", node->PathString(), " must be called"));
    return 0;
  }
  uint32_t fn = FunctionOf(node);
  if (node_ != nullptr) deps_[node_].insert(node);
  uint32_t r = em_.NewRegister();
  em_.Emit(Op::kCall, r, fn, 0, *fail, 0);
  return ApplyElems(r, elems, i, fail);
}

// Base data at [path] + [elems] from [i] on, read as OPA reads its store:
// every key is a string, so data.a[2] finds {"a": {"2": ...}} (and an
// array's element 2); a boolean or null key finds nothing.
uint32_t Lowerer::LoadBase(const std::vector<std::string>& path,
                           const std::vector<const Term*>& elems, size_t i, Label* fail) {
  ArrayBuilder keys(em_.arena());
  for (const std::string& k : path) keys.Add(Str(k));
  for (; i < elems.size() && elems[i]->kind == TermKind::kString; ++i) {
    keys.Add(Str(elems[i]->text));
  }
  uint32_t r = em_.NewRegister();
  em_.Emit(Op::kLoadData, r, em_.Constant(keys.Build()), 0, *fail);
  for (; i < elems.size() && IsScalar(*elems[i]); ++i) {
    const Term& e = *elems[i];
    uint32_t out = em_.NewRegister();
    if (e.kind == TermKind::kString) {
      em_.Emit(Op::kIndexConst, out, r, em_.Constant(Str(e.text)), *fail);
    } else if (e.kind == TermKind::kNumber) {
      bool ok = true;
      Label as_string = em_.NewLabel();
      Label found = em_.NewLabel();
      em_.Emit(Op::kIndexConst, out, r, em_.Constant(ConstantOf(e, &ok)), as_string);
      em_.Emit(Op::kJump, 0, 0, 0, found);
      em_.Bind(as_string);
      em_.Emit(Op::kIndexConst, out, r, em_.Constant(Str(e.text)), *fail);
      em_.Bind(found);
    } else {
      em_.Emit(Op::kJump, 0, 0, 0, *fail);
    }
    r = out;
  }
  return ApplyElems(r, elems, i, fail);
}

void Lowerer::OpenLoop(uint32_t collection, uint32_t key_reg, uint32_t value_reg,
                       Label* fail) {
  uint32_t it = em_.NewRegisters(2);
  em_.Emit(Op::kIterInit, it, collection, 0, *fail);
  Label next = em_.NewLabel();
  em_.Bind(next);
  em_.Emit(Op::kIterNext, it, key_reg, value_reg, *fail);
  *fail = next;
}

uint32_t Lowerer::ApplyElems(uint32_t reg, const std::vector<const Term*>& elems,
                             size_t first, Label* fail) {
  for (size_t i = first; i < elems.size() && !failed(); ++i) {
    const Term& e = *elems[i];
    if (IsScalar(e)) {
      bool ok = true;
      Value key = ConstantOf(e, &ok);
      uint32_t out = em_.NewRegister();
      em_.Emit(Op::kIndexConst, out, reg, em_.Constant(key), *fail);
      reg = out;
    } else if (CanEval(e, bound_)) {
      uint32_t key = LowerTerm(e, fail);
      uint32_t out = em_.NewRegister();
      em_.Emit(Op::kIndex, out, reg, key, *fail);
      reg = out;
    } else {
      // Unbound variable or pattern: iterate and bind.
      uint32_t key = em_.NewRegister();
      uint32_t value = em_.NewRegister();
      OpenLoop(reg, key, value, fail);
      Match(e, key, fail);
      reg = value;
    }
  }
  return reg;
}

uint32_t Lowerer::BuiltinWrapper(const std::string& name, int arity) {
  auto it = wrappers_.find(name);
  if (it != wrappers_.end()) return it->second;
  uint32_t fn = em_.DeclareFunction(absl::StrCat("builtin:", name), arity);
  wrappers_[name] = fn;
  pending_wrappers_.push_back({fn, name, arity});
  return fn;
}

// The document a constant path from [from] reaches in the rule tree: the
// first node with rules, or the namespace where the path ends if rules
// live below it; nullptr when the path leads into base data only.
DocNode* Lowerer::DocAt(DocNode* from, std::span<const std::string> path) const {
  DocNode* node = from;
  for (const std::string& key : path) {
    if (node->has_rules()) return node;
    node = node->Child(key);
    if (node == nullptr) return nullptr;
  }
  return node->HasRulesBelow() ? node : nullptr;
}

uint32_t Lowerer::Projection(DocNode* node, const std::vector<std::string>& rest) {
  // The caller depends on what each key's path reaches, not on all of node.
  if (node_ != nullptr) {
    for (auto& [key, child] : node->children) {
      if (child->kind == DocKind::kFunction) continue;
      if (DocNode* d = DocAt(child.get(), rest)) deps_[node_].insert(d);
    }
  }
  auto key = std::make_pair(node, rest);
  auto it = projections_.find(key);
  if (it != projections_.end()) return it->second;
  uint32_t fn = em_.DeclareFunction(
      absl::StrCat("projection:", node->PathString(), "[_].", absl::StrJoin(rest, ".")), 0);
  projections_[key] = fn;
  pending_projections_.push_back({fn, node, rest});
  return fn;
}

void Lowerer::LowerProjection(uint32_t function, DocNode* node,
                              const std::vector<std::string>& rest) {
  em_.BeginFunction(function);
  node_ = nullptr;  // dependencies were recorded for the callers
  module_ = nullptr;
  package_.clear();
  bound_.clear();
  Scope scope;
  scope_ = &scope;
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kObject));
  // Base data keys that no rule defines.
  ArrayBuilder keys(em_.arena());
  for (const std::string& k : node->path) keys.Add(Str(k));
  Label base_done = em_.NewLabel();
  Label f = base_done;
  uint32_t base = em_.NewRegister();
  em_.Emit(Op::kLoadData, base, em_.Constant(keys.Build()), 0, f);
  em_.Emit(Op::kIsObject, base, 0, 0, f);
  uint32_t k = em_.NewRegister();
  uint32_t v = em_.NewRegister();
  OpenLoop(base, k, v, &f);
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
    em_.Emit(Op::kNotEqual, k, LoadConst(Str(key)), 0, f);
  }
  for (const std::string& s : rest) {
    uint32_t out = em_.NewRegister();
    em_.Emit(Op::kIndexConst, out, v, em_.Constant(Str(s)), f);
    v = out;
  }
  em_.Emit(Op::kAccPut, acc, k, v);
  em_.Emit(Op::kJump, 0, 0, 0, f);
  em_.Bind(base_done);
  // Keys with rules below: the path under each, through the rule tree.
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
    std::vector<const Term*> elems;
    for (const std::string& s : child->path) elems.push_back(Own(Term::String(s)));
    for (const std::string& s : rest) elems.push_back(Own(Term::String(s)));
    Label skip = em_.NewLabel();
    Label sf = skip;
    uint32_t value = LowerData(elems, 0, {}, &sf);
    em_.Emit(Op::kAccPut, acc, LoadConst(Str(key)), value);
    em_.Bind(skip);
  }
  uint32_t result = em_.NewRegister();
  em_.Emit(Op::kAccFinish, result, acc);
  em_.Emit(Op::kReturn, result);
  scope_ = nullptr;
  if (!em_.EndFunction()) {
    Error(ErrorCode::kEvalInternalError, {}, "internal: bad labels in projection");
  }
}

uint32_t Lowerer::DataView(DocNode* node) {
  auto it = views_.find(node);
  if (it != views_.end()) return it->second;
  uint32_t fn = em_.DeclareFunction(absl::StrCat("view:", node->PathString()), 0);
  views_[node] = fn;
  pending_views_.push_back({fn, node});
  return fn;
}

uint32_t Lowerer::LowerCall(const Term& op, std::span<const Term> args,
                            const syntax::Span& span, Label* fail) {
  // User function?
  Target target;
  int fn = -1;
  int arity = -1;
  if (ResolveRef(op, &target) && target.kind == Target::kData) {
    std::vector<std::string> path;
    bool constant = true;
    for (const Term* e : target.elems) {
      if (e->kind != TermKind::kString) constant = false;
      path.push_back(e->text);
    }
    DocNode* node = constant ? tree_.Find(path) : nullptr;
    if (node != nullptr && node->kind == DocKind::kFunction) {
      fn = static_cast<int>(FunctionOf(node));
      arity = node->arity;
      if (node_ != nullptr) deps_[node_].insert(node);
    } else if (node != nullptr) {
      Error(ErrorCode::kTypeError, span,
            absl::StrCat(node->PathString(), " is not a function"));
      return 0;
    }
  } else if (target.kind == Target::kLocal) {
    Error(ErrorCode::kTypeError, span,
          absl::StrCat("variable ", Absl(op.RefString()), " cannot be called"));
    return 0;
  }
  std::string name = op.RefString();
  uint32_t builtin = 0;
  bool relation = false;
  if (fn < 0) {
    const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
    if (info != nullptr) {
      relation = (info->flags & builtins::kRelation) != 0;
      if (info->flags & builtins::kUnsupported) {
        Error(ErrorCode::kCompileError, span,
              absl::StrCat("builtin ", Absl(name), " is not supported by verdict: ",
                           Absl(info->unsupported_reason)));
        return 0;
      }
      arity = info->arity;
    } else {
      for (const auto& [extra, extra_arity] : options_.extra_builtins) {
        if (extra == name) arity = extra_arity;
      }
      if (arity < 0) {
        Error(ErrorCode::kTypeError, span,
              name == "print" ? std::string("print() has no value: write it as an expression "
                                            "of its own")
                              : absl::StrCat("undefined function ", Absl(name)));
        return 0;
      }
    }
    builtin = em_.Builtin(name);
  }
  if (static_cast<int>(args.size()) != arity) {
    Error(ErrorCode::kTypeError, span,
          absl::StrCat(Absl(name), ": arity mismatch: ", args.size(), " arguments, ",
                       arity, " expected"));
    return 0;
  }
  std::vector<uint32_t> regs = LowerArgs(args, fail);
  uint32_t first = ArgumentSpan(regs);
  uint32_t out = em_.NewRegister();
  if (fn >= 0) {
    em_.Emit(Op::kCall, out, static_cast<uint32_t>(fn), first, *fail,
             static_cast<uint8_t>(args.size()));
  } else {
    em_.Emit(Op::kCallBuiltin, out, builtin, first, *fail, static_cast<uint8_t>(args.size()));
  }
  if (relation) {
    // A relation (walk) returns every solution in an array: the call's
    // value is each element in turn, so `walk(x, [p, v])` and
    // `[p, v] := walk(x)` bind the pattern once per solution.
    uint32_t elem = em_.NewRegister();
    OpenLoop(out, vm::kNoReg, elem, fail);
    return elem;
  }
  return out;
}

uint32_t Lowerer::LowerComprehension(const Term& t, Label* fail) {
  AccKind kind = t.kind == TermKind::kArrayComprehension ? AccKind::kArray
                 : t.kind == TermKind::kSetComprehension ? AccKind::kSet
                                                         : AccKind::kObject;
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(kind));
  Scope inner;
  inner.parent = scope_;
  inner.limit = expr_index_;
  Scope* saved_scope = scope_;
  Bound saved_bound = bound_;
  scope_ = &inner;
  DeclareLocals(t.body);
  for (const Term& h : t.terms) DeclareLocalsInTerm(h);
  Label end = em_.NewLabel();
  Label body_fail = end;
  LowerBody(t.body, &body_fail, [&](Label* f) {
    if (kind == AccKind::kObject) {
      uint32_t k = LowerTerm(t.terms[0], f);
      uint32_t v = LowerTerm(t.terms[1], f);
      em_.Emit(Op::kAccPut, acc, k, v);
    } else {
      uint32_t v = LowerTerm(t.terms[0], f);
      em_.Emit(Op::kAccAdd, acc, v);
    }
    em_.Emit(Op::kJump, 0, 0, 0, *f);
  });
  em_.Bind(end);
  scope_ = saved_scope;
  bound_ = std::move(saved_bound);
  uint32_t out = em_.NewRegister();
  em_.Emit(Op::kAccFinish, out, acc, 0, *fail);
  return out;
}

// {expr} of a template string: the set of the expression's values, built
// like the set comprehension {v | v = expr}, so an undefined part is the
// empty set (rendered "<undefined>"), several values are an error of
// internal.template_string, and `with` on the part applies to it alone.
uint32_t Lowerer::LowerTemplatePart(const Expr& e) {
  std::string name = absl::StrCat("$template", template_parts_++);
  Body& body = owned_bodies_.emplace_back();
  Expr& capture = body.emplace_back();
  capture.kind = ExprKind::kCall;
  capture.span = e.span;
  capture.terms.push_back(Term::Ref({Term::Var("eq", e.span)}, e.span));
  capture.terms.push_back(Term::Var(name, e.span));
  capture.terms.push_back(e.kind == ExprKind::kCall ? Term::Call(e.terms, e.span) : e.terms[0]);
  capture.with = e.with;

  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kSet));
  Scope inner;
  inner.parent = scope_;
  inner.limit = expr_index_;
  Scope* saved_scope = scope_;
  Bound saved_bound = bound_;
  scope_ = &inner;
  uint32_t value = Declare(name);
  DeclareLocals(body);
  Label end = em_.NewLabel();
  Label body_fail = end;
  LowerBody(body, &body_fail, [&](Label* f) {
    em_.Emit(Op::kAccAdd, acc, value);
    em_.Emit(Op::kJump, 0, 0, 0, *f);
  });
  em_.Bind(end);
  scope_ = saved_scope;
  bound_ = std::move(saved_bound);
  uint32_t out = em_.NewRegister();
  Label never = em_.NewLabel();  // a set accumulator always finishes
  em_.Emit(Op::kAccFinish, out, acc, 0, never);
  em_.Bind(never);
  return out;
}

// print(x, y, ...): internal.print([{x...}, {y...}, ...]), each operand the
// set of its values like a template part, so an undefined one prints
// "<undefined>" and the expression never fails (OPA's rewriting of print).
// Scalar literals go as they are.
void Lowerer::LowerPrint(const Expr& e, Label* fail) {
  std::vector<uint32_t> operands;
  for (size_t i = 1; i < e.terms.size() && !failed(); ++i) {
    const Term& arg = e.terms[i];
    if (IsScalar(arg)) {
      operands.push_back(LowerTerm(arg, fail));
      continue;
    }
    Expr part;
    part.kind = ExprKind::kTerm;
    part.span = arg.span;
    part.index = e.index;
    part.terms.push_back(arg);
    operands.push_back(LowerTemplatePart(part));
  }
  uint32_t list = MakeArrayOf(operands);
  uint32_t out = em_.NewRegister();
  em_.SetSpan(e.span);
  em_.Emit(Op::kCallBuiltin, out, em_.Builtin("internal.print"), list, *fail, 1);
}

// The first register of [regs] laid out consecutively, as Call and
// CallBuiltin take their arguments. Values already in place (one argument,
// or arguments computed into adjacent registers) need no copies.
uint32_t Lowerer::ArgumentSpan(const std::vector<uint32_t>& regs) {
  bool in_place = !regs.empty();
  for (size_t i = 1; i < regs.size() && in_place; ++i) in_place = regs[i] == regs[0] + i;
  if (in_place) return regs[0];
  uint32_t first = em_.NewRegisters(static_cast<uint32_t>(regs.size()));
  for (size_t i = 0; i < regs.size(); ++i) {
    em_.Emit(Op::kMove, first + static_cast<uint32_t>(i), regs[i]);
  }
  return first;
}

uint32_t Lowerer::LowerTemplate(const Term& t, Label* fail) {
  std::vector<uint32_t> regs;
  for (const syntax::TemplatePart& part : t.parts) {
    if (part.is_text) {
      regs.push_back(LoadConst(Str(part.text)));
      continue;
    }
    regs.push_back(LowerTemplatePart(part.expr.front()));
  }
  uint32_t first = em_.NewRegisters(static_cast<uint32_t>(regs.size()));
  for (size_t i = 0; i < regs.size(); ++i) {
    em_.Emit(Op::kMove, first + static_cast<uint32_t>(i), regs[i]);
  }
  uint32_t arr = em_.NewRegister();
  em_.Emit(Op::kMakeArray, arr, first, 0, {}, static_cast<uint8_t>(regs.size()));
  uint32_t out = em_.NewRegister();
  em_.Emit(Op::kCallBuiltin, out, em_.Builtin("internal.template_string"), arr, *fail, 1);
  return out;
}

// ===========================================================================
// Unification

// Matches [pattern] against the value in [reg], binding unbound variables.
void Lowerer::Match(const Term& pattern, uint32_t reg, Label* fail) {
  if (failed()) return;
  switch (pattern.kind) {
    case TermKind::kVar: {
      if (const uint32_t* local = FindLocal(pattern.text)) {
        if (IsSet(bound_, *local)) {
          em_.Emit(Op::kEqual, *local, reg, 0, *fail);
        } else {
          em_.Emit(Op::kMove, *local, reg);
          SetBound(*local, true);
        }
        return;
      }
      break;  // a global: compare with its value
    }
    case TermKind::kArray:
      if (!CanEval(pattern, bound_)) {
        em_.Emit(Op::kIsArray, reg, static_cast<uint32_t>(pattern.terms.size()), 0, *fail);
        for (size_t i = 0; i < pattern.terms.size(); ++i) {
          uint32_t elem = em_.NewRegister();
          em_.Emit(Op::kIndexConst, elem, reg,
                   em_.Constant(Value::Int(static_cast<int64_t>(i))), *fail);
          Match(pattern.terms[i], elem, fail);
        }
        return;
      }
      break;
    case TermKind::kObject:
      if (!CanEval(pattern, bound_)) {
        em_.Emit(Op::kIsObject, reg, 0, 0, *fail);
        uint32_t arg = em_.NewRegisters(1);
        em_.Emit(Op::kMove, arg, reg);
        uint32_t size = em_.NewRegister();
        em_.Emit(Op::kCallBuiltin, size, em_.Builtin("count"), arg, *fail, 1);
        em_.Emit(Op::kEqualConst, size,
                 em_.Constant(Value::Int(static_cast<int64_t>(pattern.items.size()))), 0,
                 *fail);
        for (const syntax::ObjectItem& item : pattern.items) {
          uint32_t key = LowerTerm(item.key, fail);
          uint32_t value = em_.NewRegister();
          em_.Emit(Op::kIndex, value, reg, key, *fail);
          Match(item.value, value, fail);
        }
        return;
      }
      break;
    default:
      break;
  }
  if (IsScalar(pattern)) {
    bool ok = true;
    em_.Emit(Op::kEqualConst, reg, em_.Constant(ConstantOf(pattern, &ok)), 0, *fail);
    return;
  }
  uint32_t v = LowerTerm(pattern, fail);
  em_.Emit(Op::kEqual, v, reg, 0, *fail);
}

void Lowerer::Unify(const Term& a, const Term& b, Label* fail) {
  if (CanEval(a, bound_) && CanEval(b, bound_)) {
    if (IsScalar(b)) {
      uint32_t ra = LowerTerm(a, fail);
      bool ok = true;
      em_.Emit(Op::kEqualConst, ra, em_.Constant(ConstantOf(b, &ok)), 0, *fail);
      return;
    }
    if (IsScalar(a)) {
      uint32_t rb = LowerTerm(b, fail);
      bool ok = true;
      em_.Emit(Op::kEqualConst, rb, em_.Constant(ConstantOf(a, &ok)), 0, *fail);
      return;
    }
    uint32_t ra = LowerTerm(a, fail);
    uint32_t rb = LowerTerm(b, fail);
    em_.Emit(Op::kEqual, ra, rb, 0, *fail);
    return;
  }
  if (CanEval(b, bound_) && IsPattern(a, bound_)) {
    Match(a, LowerTerm(b, fail), fail);
    return;
  }
  if (CanEval(a, bound_) && IsPattern(b, bound_)) {
    Match(b, LowerTerm(a, fail), fail);
    return;
  }
  std::vector<std::pair<const Term*, const Term*>> pairs;
  bool mismatch = false;
  if (ElementPairs(a, b, &pairs, &mismatch)) {
    if (mismatch) {
      em_.Emit(Op::kJump, 0, 0, 0, *fail);
      // Nothing after this runs; its variables count as bound for safety.
      auto mark = [&](const Term& var) {
        if (const uint32_t* reg = FindLocal(var.text)) SetBound(*reg, true);
      };
      ForEachVar(a, false, mark);
      ForEachVar(b, false, mark);
      return;
    }
    std::vector<bool> done(pairs.size(), false);
    size_t remaining = pairs.size();
    while (remaining > 0 && !failed()) {
      bool progress = false;
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (done[i] || !CanUnify(*pairs[i].first, *pairs[i].second, bound_)) continue;
        Unify(*pairs[i].first, *pairs[i].second, fail);
        done[i] = true;
        --remaining;
        progress = true;
      }
      if (!progress) break;
    }
    if (remaining == 0) return;
  }
  Error(ErrorCode::kUnsafeVarError, a.span, "unification with unbound variables on both sides");
}

// ===========================================================================
// Expressions

void Lowerer::LowerSome(const Expr& e, Label* fail) {
  if (e.terms.empty() || e.terms[0].kind == TermKind::kVar) return;  // declaration
  const Term& call = e.terms[0];
  if (call.terms.size() == 3 && e.with.empty() &&
      FuseGenerator(e, call.terms.back(), call.terms[1], fail)) {
    return;
  }
  uint32_t coll = LowerTerm(call.terms.back(), fail);
  uint32_t key = em_.NewRegister();
  uint32_t value = em_.NewRegister();
  OpenLoop(coll, key, value, fail);
  if (call.terms.size() == 4) {  // some k, v in xs
    Match(call.terms[1], key, fail);
    Match(call.terms[2], value, fail);
  } else {
    Match(call.terms[1], value, fail);
  }
}

void Lowerer::LowerEvery(const Expr& e, Label* fail) {
  const syntax::Every& every = *e.every;
  uint32_t domain = LowerTerm(every.domain, fail);
  uint32_t it = em_.NewRegisters(2);
  Label done = em_.NewLabel();
  // A domain that is not a collection makes `every` false (OPA), not
  // vacuously true.
  em_.Emit(Op::kIterInit, it, domain, 0, *fail);
  Label next = em_.NewLabel();
  em_.Bind(next);
  uint32_t key = em_.NewRegister();
  uint32_t value = em_.NewRegister();
  em_.Emit(Op::kIterNext, it, key, value, done);

  Scope inner;
  inner.parent = scope_;
  inner.limit = expr_index_;
  Scope* saved_scope = scope_;
  Bound saved_bound = bound_;
  scope_ = &inner;
  if (every.key) {
    ForEachVar(*every.key, false, [&](const Term& v) { Declare(v.text); });
  }
  ForEachVar(every.value, false, [&](const Term& v) {
    if (inner.vars.find(v.text) == inner.vars.end()) Declare(v.text);
  });
  DeclareLocals(every.body);
  Label counterexample = em_.NewLabel();
  Label body_fail = counterexample;
  if (every.key) Match(*every.key, key, &body_fail);
  Match(every.value, value, &body_fail);
  LowerBody(every.body, &body_fail, [&](Label*) { em_.Emit(Op::kJump, 0, 0, 0, next); });
  em_.Bind(counterexample);
  em_.Emit(Op::kJump, 0, 0, 0, *fail);
  em_.Bind(done);
  scope_ = saved_scope;
  bound_ = std::move(saved_bound);
}

void Lowerer::LowerCallExpr(const Expr& e, Label* fail) {
  std::string name = e.OperatorName();
  if (name == "print" && CallArity(e.terms[0]) < 0) {
    LowerPrint(e, fail);
    return;
  }
  if ((name == "eq" || name == "assign") && e.terms.size() == 3) {
    if (name == "assign") {
      // := always binds the left side (a new variable or pattern).
      uint32_t r = LowerTerm(e.terms[2], fail);
      Match(e.terms[1], r, fail);
      return;
    }
    Unify(e.terms[1], e.terms[2], fail);
    return;
  }
  std::span<const Term> args = std::span<const Term>(e.terms).subspan(1);
  int arity = CallArity(e.terms[0]);
  if (arity >= 0 && args.size() == static_cast<size_t>(arity) + 1) {
    uint32_t r = LowerCall(e.terms[0], args.first(args.size() - 1), e.span, fail);
    Match(args.back(), r, fail);
    return;
  }
  if (IsComparison(name) && args.size() == 2) {
    const Term& a = args[0];
    const Term& b = args[1];
    if ((name == "equal" || name == "neq") && (IsScalar(a) || IsScalar(b))) {
      const Term& constant = IsScalar(b) ? b : a;
      const Term& other = IsScalar(b) ? a : b;
      uint32_t r = LowerTerm(other, fail);
      bool ok = true;
      uint32_t k = em_.Constant(ConstantOf(constant, &ok));
      if (name == "equal") {
        em_.Emit(Op::kEqualConst, r, k, 0, *fail);
      } else {
        uint32_t kr = em_.NewRegister();
        em_.Emit(Op::kLoadConst, kr, k);
        em_.Emit(Op::kNotEqual, r, kr, 0, *fail);
      }
      return;
    }
    std::vector<uint32_t> regs = LowerArgs(args, fail);
    uint32_t ra = regs[0];
    uint32_t rb = regs[1];
    Op op = name == "equal" ? Op::kEqual
            : name == "neq" ? Op::kNotEqual
            : name == "lt"  ? Op::kLess
            : name == "lte" ? Op::kLessEqual
            : name == "gt"  ? Op::kGreater
                            : Op::kGreaterEqual;
    em_.Emit(op, ra, rb, 0, *fail);
    return;
  }
  if (name == "internal.member_2" && args.size() == 2 && !membership_mocked_) {
    // `x in s` over a partial set rule: s's body in place, its elements
    // compared with x, the first match going on (Generator fusion).
    if (e.with.empty() && RaisesNothing(args[0]) && FuseGenerator(e, args[1], args[0], fail)) {
      return;
    }
    std::vector<uint32_t> regs = LowerArgs(args, fail);
    em_.Emit(Op::kMember, regs[0], regs[1], 0, *fail);
    return;
  }
  uint32_t r = LowerCall(e.terms[0], args, e.span, fail);
  em_.Emit(Op::kTruthy, r, 0, 0, *fail);
}

void Lowerer::LowerExprPlain(const Expr& e, Label* fail) {
  switch (e.kind) {
    case ExprKind::kSome:
      LowerSome(e, fail);
      return;
    case ExprKind::kEvery:
      LowerEvery(e, fail);
      return;
    case ExprKind::kTerm: {
      uint32_t r = LowerTerm(e.terms[0], fail);
      em_.Emit(Op::kTruthy, r, 0, 0, *fail);
      return;
    }
    case ExprKind::kCall:
      LowerCallExpr(e, fail);
      return;
  }
}

// `with`: push overrides, run the expression, pop them on every way out. If
// the expression iterates, re-entering its loop from later failures pushes
// the overrides again.
void Lowerer::LowerWith(const Expr& e, Label* fail) {
  std::vector<vm::Instr> pushes;
  auto push = [&](Op op, uint32_t b, uint32_t c, uint8_t n = 0) {
    vm::Instr in;
    in.op = op;
    in.b = b;
    in.c = c;
    in.n = n;
    pushes.push_back(in);
  };
  for (const syntax::With& w : e.with) {
    Target target;
    bool resolved = ResolveRef(w.target, &target);
    // Is the replacement a function (a mock by name)?
    int mock_fn = -1;
    std::string mock_builtin;
    {
      Target mt;
      if ((w.value.kind == TermKind::kVar || w.value.kind == TermKind::kRef) &&
          ResolveRef(w.value, &mt) && mt.kind == Target::kData) {
        std::vector<std::string> path;
        bool constant = true;
        for (const Term* el : mt.elems) {
          if (el->kind != TermKind::kString) constant = false;
          path.push_back(el->text);
        }
        DocNode* node = constant ? tree_.Find(path) : nullptr;
        if (node != nullptr && node->kind == DocKind::kFunction) {
          mock_fn = static_cast<int>(FunctionOf(node));
        }
      } else if (NamesBuiltin(w.value)) {
        std::string name = w.value.RefString();
        const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
        if (info != nullptr && (info->flags & builtins::kUnsupported)) {
          Error(ErrorCode::kCompileError, w.value.span,
                absl::StrCat("builtin ", Absl(name), " is not supported by verdict: ",
                             Absl(info->unsupported_reason)));
          return;
        }
        mock_fn = static_cast<int>(BuiltinWrapper(name, CallArity(w.value)));
      }
    }
    auto value_reg = [&]() { return LowerTerm(w.value, fail); };

    if (resolved && target.kind == Target::kInput) {
      ArrayBuilder keys(em_.arena());
      for (const Term* el : target.elems) {
        bool ok = IsScalar(*el);
        if (!ok) {
          Error(ErrorCode::kCompileError, w.span, "with target path must be constant");
          return;
        }
        keys.Add(ConstantOf(*el, &ok));
      }
      push(Op::kWithInput, em_.Constant(keys.Build()), value_reg());
      continue;
    }
    if (resolved && target.kind == Target::kData) {
      std::vector<std::string> path;
      ArrayBuilder keys(em_.arena());
      DocNode* node = tree_.root.get();
      DocNode* doc = nullptr;
      bool beyond_doc = false;
      for (const Term* el : target.elems) {
        if (!IsScalar(*el)) {
          Error(ErrorCode::kCompileError, w.span, "with target path must be constant");
          return;
        }
        bool ok = true;
        keys.Add(ConstantOf(*el, &ok));
        if (doc != nullptr) {
          beyond_doc = true;
          continue;
        }
        if (node != nullptr && el->kind == TermKind::kString) {
          node = node->Child(el->text);
          if (node != nullptr && node->has_rules()) doc = node;
        } else {
          node = nullptr;
        }
      }
      if (doc != nullptr && !beyond_doc && (mock_fn >= 0 || doc->children.empty())) {
        uint32_t fn = FunctionOf(doc);
        if (mock_fn >= 0) {
          push(Op::kWithFunc, fn, static_cast<uint32_t>(mock_fn));
        } else {
          push(Op::kWithValue, fn, value_reg(), 0);
        }
        continue;
      }
      if (beyond_doc) {
        Error(ErrorCode::kCompileError, w.span,
              "with on a path inside a rule's value is not supported yet");
        return;
      }
      if (node != nullptr && node->HasRulesBelow()) {
        // The value replaces the whole subtree: it goes into the data
        // overlay, and every document at or below the path reads its part
        // from there instead of evaluating its rules.
        push(Op::kWithData, em_.Constant(keys.Build()), value_reg());
        std::function<void(DocNode*)> redirect = [&](DocNode* d) {
          if (!d->HasRulesBelow() || d->kind == DocKind::kFunction) return;
          push(Op::kWithFunc, FunctionOf(d), DataView(d));
          for (auto& [key, child] : d->children) redirect(child.get());
        };
        redirect(node);
        continue;
      }
      push(Op::kWithData, em_.Constant(keys.Build()), value_reg());
      continue;
    }
    // A builtin.
    std::string name = w.target.RefString();
    if (!NamesBuiltin(w.target)) {
      Error(ErrorCode::kCompileError, w.span,
            absl::StrCat("with keyword cannot replace ", Absl(name)));
      return;
    }
    uint32_t b = em_.Builtin(name);
    if (mock_fn >= 0) {
      push(Op::kWithBuiltin, b, static_cast<uint32_t>(mock_fn));
    } else {
      push(Op::kWithValue, b, value_reg(), 1);
    }
  }
  if (failed()) return;
  auto emit_pushes = [&]() {
    for (const vm::Instr& in : pushes) em_.Emit(in.op, 0, in.b, in.c, {}, in.n);
  };
  uint32_t count = static_cast<uint32_t>(pushes.size());
  emit_pushes();
  Label pad = em_.NewLabel();
  Label inner = pad;
  if (e.negated) {
    Label not_fail = em_.NewLabel();
    Label f = not_fail;
    LowerExprPlain(e, &f);
    em_.Emit(Op::kWithPop, 0, count);
    em_.Emit(Op::kJump, 0, 0, 0, *fail);
    em_.Bind(not_fail);
    em_.Emit(Op::kWithPop, 0, count);
    return;
  }
  LowerExprPlain(e, &inner);
  em_.Emit(Op::kWithPop, 0, count);
  Label after = em_.NewLabel();
  em_.Emit(Op::kJump, 0, 0, 0, after);
  Label outer = *fail;
  if (inner.id != pad.id) {
    Label reenter = em_.NewLabel();
    em_.Bind(reenter);
    emit_pushes();
    em_.Emit(Op::kJump, 0, 0, 0, inner);
    *fail = reenter;
  }
  em_.Bind(pad);
  em_.Emit(Op::kWithPop, 0, count);
  em_.Emit(Op::kJump, 0, 0, 0, outer);
  em_.Bind(after);
}

void Lowerer::LowerExpr(const Expr& e, Label* fail) {
  if (failed()) return;
  const int saved_index = expr_index_;
  expr_index_ = e.index;
  LowerExprAt(e, fail);
  expr_index_ = saved_index;
}

void Lowerer::LowerExprAt(const Expr& e, Label* fail) {
  em_.SetSpan(e.span);
  if (!e.with.empty()) {
    LowerWith(e, fail);
    return;
  }
  if (e.negated) {
    Bound saved = bound_;
    Label not_fail = em_.NewLabel();
    Label f = not_fail;
    LowerExprPlain(e, &f);
    em_.Emit(Op::kJump, 0, 0, 0, *fail);
    em_.Bind(not_fail);
    bound_ = std::move(saved);
    return;
  }
  LowerExprPlain(e, fail);
}

// Lowers [body] in order of safety; on success runs [on_success], which
// must end with a jump (usually to *fail, to find the next solution).
void Lowerer::LowerBody(const Body& body, Label* fail,
                        const std::function<void(Label*)>& on_success) {
  std::vector<const Expr*> order = Order(body);
  if (failed()) return;
  for (const Expr* e : order) {
    if (implied_ != nullptr &&
        std::find(implied_->exprs.begin(), implied_->exprs.end(), e) != implied_->exprs.end()) {
      continue;
    }
    LowerExpr(*e, fail);
    if (failed()) return;
  }
  const int saved_index = expr_index_;
  expr_index_ = std::numeric_limits<int>::max();  // heads come after the body
  on_success(fail);
  expr_index_ = saved_index;
}

// ===========================================================================
// Generator fusion
//
// `some x in s` where s is a partial set rule builds the whole set (every
// solution of s's body, sorted and deduplicated) and then iterates it. A
// rule body can instead run s's body in place: each solution binds x (or,
// for the test `x in s`, is compared with x) and continues with the rest
// of the consumer's body, whose failures resume s's innermost loop. No
// set is built, and a rule that exits early
// (`allow if { some g in grants; ... }`) stops at the first matching
// solution. The consumer then sees solutions in s's order, repeats
// included, rather than sorted and once each; a rule's value cannot tell
// (a set, a constant, or a value that conflicts either way), but an error
// could: a solution that raises met before one that exits early. So the
// `some` (or `in`) must be an expression of the rule body itself (not of
// a query, a comprehension or `every`), s's body and the consumer's other
// expressions and head must be unable to raise (RaisesNothing), and no
// `with` may replace s.

// The node of [collection] if [some] can run its generator in place.
DocNode* Lowerer::FusableGenerator(const Expr& some, const Term& collection) {
  if (!options_.fuse_generators || fusion_body_ == nullptr || node_ == nullptr) return nullptr;
  const Body& body = *fusion_body_;
  if (body.empty() || &some < &body.front() || &some > &body.back()) return nullptr;
  Target target;
  if (!ResolveRef(collection, &target) || target.kind != Target::kData) return nullptr;
  std::vector<std::string> path;
  for (const Term* e : target.elems) {
    if (e->kind != TermKind::kString) return nullptr;
    path.push_back(e->text);
  }
  DocNode* gen = tree_.Find(path);
  if (gen == nullptr || gen == node_ || gen->kind != DocKind::kPartialSet ||
      gen->rules.size() != 1 || !gen->rules[0].rule->elses.empty() ||
      !gen->rules[0].dynamic.empty() || !gen->rules[0].rule->head.key) {
    return nullptr;
  }
  for (const std::vector<std::string>& w : with_data_paths_) {
    const size_t n = std::min(w.size(), path.size());
    if (std::equal(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n), path.begin())) {
      return nullptr;
    }
  }
  // The consumer, in its own scope.
  const syntax::Head& head = *fusion_head_;
  if (!RaisesNothing(body, &some) || (head.key && !RaisesNothing(*head.key)) ||
      (head.value && !RaisesNothing(*head.value))) {
    return nullptr;
  }
  for (const Term& arg : head.args) {
    if (!RaisesNothing(arg)) return nullptr;
  }
  // The generator, in its module's.
  const RuleDef& def = gen->rules[0];
  const syntax::Module* saved_module = module_;
  std::vector<std::string> saved_package = package_;
  Scope* saved_scope = scope_;
  EnterDefinition(def);
  Scope scope;
  scope_ = &scope;
  const uint32_t registers = em_.RegisterMark();
  DeclareLocals(def.rule->body);
  DeclareLocalsInTerm(*def.rule->head.key);
  const bool safe = RaisesNothing(def.rule->body) && RaisesNothing(*def.rule->head.key);
  em_.ReleaseRegisters(registers);
  scope_ = saved_scope;
  module_ = saved_module;
  package_ = std::move(saved_package);
  return safe ? gen : nullptr;
}

// Whether evaluating [t] can only succeed or be undefined: scalars,
// variables, collections of such, and references into the input, locals
// or base data (never rules, whose calls can raise conflicts; no calls).
bool Lowerer::RaisesNothing(const Term& t) {
  switch (t.kind) {
    case TermKind::kVar:
    case TermKind::kRef: {
      Target target;
      if (!ResolveRef(t, &target)) return t.kind == TermKind::kVar;  // a local
      if (target.kind == Target::kValue) {
        if (!RaisesNothing(*target.head)) return false;
      } else if (target.kind == Target::kData) {
        // No rule may live on the path or below where it turns dynamic.
        const DocNode* node = tree_.root.get();
        for (const Term* e : target.elems) {
          if (node->has_rules()) return false;
          if (e->kind != TermKind::kString) break;
          auto it = node->children.find(e->text);
          if (it == node->children.end()) {
            node = nullptr;
            break;
          }
          node = it->second.get();
        }
        if (node != nullptr && node->HasRulesBelow()) return false;
      }
      for (const Term* e : target.elems) {
        if (!RaisesNothing(*e)) return false;
      }
      return true;
    }
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      return syntax::AllSubterms(t, [this](const Term& x) { return RaisesNothing(x); });
    default:
      return IsConstantTerm(t);
  }
}

bool Lowerer::RaisesNothing(const Expr& e) {
  if (!e.with.empty()) return false;
  switch (e.kind) {
    case ExprKind::kSome:
      for (const Term& t : e.terms) {
        if (t.kind == TermKind::kVar) continue;  // a declaration
        // some [k,] v in xs: internal.member_2/3(patterns..., xs)
        for (size_t i = 1; i < t.terms.size(); ++i) {
          if (!RaisesNothing(t.terms[i])) return false;
        }
      }
      return true;
    case ExprKind::kTerm:
      return RaisesNothing(e.terms[0]);
    case ExprKind::kCall: {
      const std::string name = e.OperatorName();
      const bool test = name == "eq" || name == "assign" || IsComparison(name) ||
                        (name == "internal.member_2" && !membership_mocked_);
      if (!test) return false;
      for (size_t i = 1; i < e.terms.size(); ++i) {
        if (!RaisesNothing(e.terms[i])) return false;
      }
      return true;
    }
    case ExprKind::kEvery:
      return false;
  }
  return false;
}

bool Lowerer::RaisesNothing(const Body& body, const Expr* except) {
  for (const Expr& e : body) {
    if (&e != except && !RaisesNothing(e)) return false;
  }
  return true;
}

// `some pattern in collection` with the generator's body in place (see
// above). Returns false, having emitted nothing, when that does not apply.
bool Lowerer::FuseGenerator(const Expr& some, const Term& collection, const Term& pattern,
                            Label* fail) {
  DocNode* gen = FusableGenerator(some, collection);
  if (gen == nullptr) return false;
  deps_[node_].insert(gen);  // the recursion check still sees the edge
  const RuleDef& def = gen->rules[0];
  const syntax::Rule& rule = *def.rule;
  const syntax::Module* saved_module = module_;
  std::vector<std::string> saved_package = package_;
  Scope* saved_scope = scope_;
  const int saved_index = expr_index_;
  const ImpliedTests* saved_implied = implied_;
  const Body* saved_body = fusion_body_;
  EnterDefinition(def);
  Scope scope;  // the generator's variables are its own
  scope_ = &scope;
  implied_ = nullptr;
  fusion_body_ = nullptr;
  expr_index_ = std::numeric_limits<int>::max();
  // Its registers stay allocated: its loops resume after the consumer's
  // continuation fails.
  DeclareLocals(rule.body);
  DeclareLocalsInTerm(*rule.head.key);
  Label gen_fail = *fail;  // exhausted: where the consumer failed to
  LowerBody(rule.body, &gen_fail, [&](Label* f) {
    uint32_t element = LowerTerm(*rule.head.key, f);
    scope_ = saved_scope;
    module_ = saved_module;
    package_ = saved_package;
    expr_index_ = saved_index;
    Match(pattern, element, f);
    *fail = *f;
  });
  scope_ = saved_scope;
  module_ = saved_module;
  package_ = std::move(saved_package);
  expr_index_ = saved_index;
  implied_ = saved_implied;
  fusion_body_ = saved_body;
  return true;
}

// What the `with`s in rules and queries replace: every target under data
// (FusableGenerator), and whether one names internal.member_2, so that
// `x in xs` stays a builtin call the mock reaches.
void Lowerer::CollectWithTargets(std::span<const QuerySpec> queries) {
  std::function<void(const Body&)> body;
  std::function<void(const Term&)> term = [&](const Term& t) {
    for (const Term& x : t.terms) term(x);
    for (const syntax::ObjectItem& item : t.items) {
      term(item.key);
      term(item.value);
    }
    body(t.body);
    for (const syntax::TemplatePart& part : t.parts) body(part.expr);
  };
  body = [&](const Body& b) {
    for (const Expr& e : b) {
      for (const syntax::With& w : e.with) {
        if (w.target.RefString() == "internal.member_2") membership_mocked_ = true;
        Target target;
        if (ResolveRef(w.target, &target) && target.kind == Target::kData) {
          std::vector<std::string> path;
          for (const Term* el : target.elems) {
            if (el->kind != TermKind::kString) break;
            path.push_back(el->text);
          }
          with_data_paths_.push_back(std::move(path));
        }
        term(w.value);
      }
      for (const Term& t : e.terms) term(t);
      if (e.every) {
        term(e.every->domain);
        body(e.every->body);
      }
    }
  };
  auto rule = [&](const syntax::Rule& r) {
    body(r.body);
    for (const Term& a : r.head.args) term(a);
    if (r.head.key) term(*r.head.key);
    if (r.head.value) term(*r.head.value);
  };
  std::function<void(const DocNode*)> visit = [&](const DocNode* node) {
    auto definition = [&](const RuleDef& def) {
      EnterDefinition(def);
      rule(*def.rule);
      for (const syntax::Rule& alt : def.rule->elses) rule(alt);
    };
    for (const RuleDef& def : node->rules) definition(def);
    if (node->default_rule) definition(*node->default_rule);
    for (const auto& [key, child] : node->children) visit(child.get());
  };
  visit(tree_.root.get());
  module_ = nullptr;
  package_.clear();
  for (const QuerySpec& q : queries) body(q.body);
}

// ===========================================================================
// Documents

uint32_t Lowerer::FunctionOf(DocNode* node) {
  if (node->function < 0) {
    node->function = static_cast<int>(em_.DeclareFunction(
        node->PathString(), node->kind == DocKind::kFunction ? node->arity : 0));
    pending_.push_back(node);
  }
  return static_cast<uint32_t>(node->function);
}

void Lowerer::EnterDefinition(const RuleDef& def) {
  module_ = def.module;
  package_ = PackagePath(*def.module);
}

// Declares the variables of [rule], one body of [def], in the open scope.
// The head's variables live in the rule's scope; a function's arguments
// are its own even where a rule has the same name.
void Lowerer::DeclareDefinitionVars(DocNode* node, const RuleDef& def,
                                    const syntax::Rule& rule) {
  bound_.assign(node->arity, 1);
  for (const Term& a : rule.head.args) DeclareArgVars(a);
  DeclareLocals(rule.body);
  for (const Term* d : def.dynamic) DeclareLocalsInTerm(*d);
  if (rule.head.key) DeclareLocalsInTerm(*rule.head.key);
  if (rule.head.value) DeclareLocalsInTerm(*rule.head.value);
}

// Matches a function's argument patterns against R[0..n). An argument that
// needs the body's variables (f($"{x}") := 1 if x := ...) becomes the
// expression `$argI = arg` in [deferred], ordered with the body like OPA's
// rewrite of function arguments.
void Lowerer::BindArgs(const syntax::Rule& rule, Label* fail, Body* deferred) {
  for (size_t i = 0; i < rule.head.args.size(); ++i) {
    const Term& arg = rule.head.args[i];
    if (arg.kind == TermKind::kVar && !arg.IsWildcard() && IsPattern(arg, bound_)) {
      // A plain variable is the parameter's register itself: no copy.
      scope_->vars[arg.text] = static_cast<uint32_t>(i);
      SetBound(static_cast<uint32_t>(i), true);
      continue;
    }
    if (IsPattern(arg, bound_)) {
      const bool decided = implied_ != nullptr && std::find(implied_->args.begin(),
                                                            implied_->args.end(),
                                                            static_cast<int>(i)) !=
                                                      implied_->args.end();
      if (!decided) Match(arg, static_cast<uint32_t>(i), fail);
      continue;
    }
    std::string name = absl::StrCat("$arg", i);
    scope_->vars[name] = static_cast<uint32_t>(i);  // the parameter register, bound
    Expr& eq = deferred->emplace_back();
    eq.kind = ExprKind::kCall;
    eq.span = arg.span;
    eq.terms.push_back(Term::Ref({Term::Var("eq", arg.span)}, arg.span));
    eq.terms.push_back(Term::Var(name, arg.span));
    eq.terms.push_back(arg);
  }
}

// After a definition's body succeeded: add its contribution to [acc].
void Lowerer::AddRuleValue(DocNode* node, const RuleDef& def, const syntax::Rule& rule,
                           uint32_t acc, Label* fail) {
  em_.SetSpan(rule.head.span);
  if (ref_head_prefix_ != nullptr) {
    std::vector<uint32_t> path;
    for (const std::string& k : *ref_head_prefix_) path.push_back(LoadConst(Str(k)));
    for (const Term* d : def.dynamic) path.push_back(LowerTerm(*d, fail));
    const bool element = rule.head.IsMultiValue();
    uint32_t v = LowerTerm(element ? *rule.head.key : *rule.head.value, fail);
    em_.SetSpan(rule.head.span);  // the head's terms may have moved it
    AddContribution(path, v, element, acc, kRuleValue);
    em_.Emit(Op::kJump, 0, 0, 0, *fail);
    return;
  }
  switch (node->kind) {
    case DocKind::kPartialSet: {
      uint32_t k = LowerTerm(*rule.head.key, fail);
      em_.SetSpan(rule.head.span);
      em_.Emit(Op::kAccAdd, acc, k, 0, {}, kRuleValue);
      break;
    }
    case DocKind::kPartialObject: {
      uint32_t v = LowerTerm(*rule.head.value, fail);
      // p[a][b] := v adds {a: {b: v}}.
      for (size_t i = def.dynamic.size(); i-- > 1;) {
        uint32_t k = LowerTerm(*def.dynamic[i], fail);
        uint32_t pair = em_.NewRegisters(2);
        em_.Emit(Op::kMove, pair, k);
        em_.Emit(Op::kMove, pair + 1, v);
        uint32_t obj = em_.NewRegister();
        em_.Emit(Op::kMakeObject, obj, pair, 0, *fail, 1);
        v = obj;
      }
      uint32_t k = LowerTerm(*def.dynamic[0], fail);
      em_.SetSpan(rule.head.span);
      em_.Emit(Op::kAccPut, acc, k, v, {}, kRuleValue);
      break;
    }
    default: {
      uint32_t v = LowerTerm(*rule.head.value, fail);
      em_.SetSpan(rule.head.span);
      em_.Emit(Op::kAccAdd, acc, v, 0, {}, kRuleValue);
      break;
    }
  }
  em_.Emit(Op::kJump, 0, 0, 0, *fail);
}

// [implied]: tests an enclosing Switch decided (they bind nothing, so the
// order of the rest does not change without them).
void Lowerer::LowerDefinition(DocNode* node, const RuleDef& def, uint32_t acc,
                              const ImpliedTests* implied) {
  EnterDefinition(def);
  std::vector<const syntax::Rule*> chain = {def.rule};
  for (const syntax::Rule& alt : def.rule->elses) chain.push_back(&alt);
  Label chain_end = em_.NewLabel();
  for (size_t i = 0; i < chain.size() && !failed(); ++i) {
    const syntax::Rule& rule = *chain[i];
    const bool has_else = chain.size() > 1;
    // Bodies are independent: what one body's registers hold is dead once
    // its code is emitted, so the next body reuses them.
    const uint32_t registers = em_.RegisterMark();
    Scope scope;
    scope_ = &scope;
    DeclareDefinitionVars(node, def, rule);
    Label body_end = em_.NewLabel();
    Label fail = body_end;
    uint32_t target_acc = acc;
    if (has_else) {
      target_acc = em_.NewAccumulator();
      em_.Emit(Op::kAccInit, target_acc, static_cast<uint32_t>(AccKind::kValue));
    }
    em_.SetSpan(rule.span);
    Body deferred;
    implied_ = implied;
    BindArgs(rule, &fail, &deferred);
    if (!deferred.empty()) {
      deferred.insert(deferred.begin(), rule.body.begin(), rule.body.end());
      DeclareLocals(deferred);
    }
    if (!has_else) {
      fusion_body_ = &rule.body;
      fusion_head_ = &rule.head;
    }
    LowerBody(deferred.empty() ? rule.body : deferred, &fail, [&](Label* f) {
      AddRuleValue(node, def, rule, target_acc, f);
    });
    implied_ = nullptr;
    fusion_body_ = nullptr;
    fusion_head_ = nullptr;
    em_.Bind(body_end);
    if (has_else) {
      Label next = em_.NewLabel();
      uint32_t r = em_.NewRegister();
      em_.Emit(Op::kAccFinish, r, target_acc, 0, next);
      em_.Emit(Op::kAccAdd, acc, r);
      em_.Emit(Op::kJump, 0, 0, 0, chain_end);
      em_.Bind(next);
    }
    scope_ = nullptr;
    em_.ReleaseRegisters(registers);
  }
  em_.Bind(chain_end);
}

// Whether [t] is the input at a path of constant keys (`input.user.role`,
// or a name an import gives it); the path goes to [*path].
bool Lowerer::InputPathOf(const Term& t, Value* path) {
  Target target;
  if (!ResolveRef(t, &target) || target.kind != Target::kInput) return false;
  ArrayBuilder keys(em_.arena());
  for (const Term* e : target.elems) {
    if (!IsScalar(*e)) return false;
    bool ok = true;
    keys.Add(ConstantOf(*e, &ok));
    if (!ok) return false;
  }
  *path = keys.Build();
  return true;
}

// The keys whose values the body of [def] requires (rule_index.h): its
// constant arguments and its tests of input paths against constants that
// are not negated or under `with`. A definition with an else chain has
// none, since its else runs exactly when the body fails.
DefinitionKeys Lowerer::IndexKeysOf(DocNode* node, const RuleDef& def) {
  DefinitionKeys keys;
  const syntax::Rule& rule = *def.rule;
  if (!rule.elses.empty()) return keys;
  EnterDefinition(def);
  const uint32_t registers = em_.RegisterMark();
  Scope scope;
  scope_ = &scope;
  DeclareDefinitionVars(node, def, rule);  // locals shadow imported names
  bool ok = true;
  for (size_t i = 0; i < rule.head.args.size(); ++i) {
    const Term& arg = rule.head.args[i];
    if (!IsConstantTerm(arg)) continue;
    Value v = ConstantOf(arg, &ok);
    if (ok) keys.push_back({IndexKey{static_cast<int>(i), Value()}, {v}});
  }
  for (const Expr& e : rule.body) {
    if (e.negated || !e.with.empty() || e.kind != ExprKind::kCall || e.terms.size() != 3) {
      continue;
    }
    const std::string name = e.OperatorName();
    Value path;
    if (name == "eq" || name == "equal") {
      for (int side = 1; side <= 2; ++side) {
        const Term& constant = e.terms[3 - side];
        if (!IsConstantTerm(constant) || !InputPathOf(e.terms[side], &path)) continue;
        Value v = ConstantOf(constant, &ok);
        if (ok) keys.push_back({IndexKey{-1, path}, {v}, &e});
        break;
      }
    } else if (name == "internal.member_2" && !membership_mocked_ &&
               IsConstantTerm(e.terms[2]) && InputPathOf(e.terms[1], &path)) {
      Value xs = ConstantOf(e.terms[2], &ok);
      if (!ok) continue;
      KeyConstraint c{IndexKey{-1, path}, {}, &e};
      if (xs.is_object()) {
        for (const ObjectEntry& m : xs.entries()) c.values.push_back(m.value);
      } else if (xs.is_array() || xs.is_set()) {
        c.values.assign(xs.items().begin(), xs.items().end());
      }
      keys.push_back(std::move(c));  // anything else has no members
    }
  }
  scope_ = nullptr;
  em_.ReleaseRegisters(registers);
  return keys;
}

// Lowers the definitions [defs] of [node] (indices into node->rules) into
// [acc]: through a Switch when a key splits them well (rule_index.h),
// recursing into each group and the rest, otherwise one after another.
// A definition's tests of keys whose value a Switch decided are implied
// and not compiled.
void Lowerer::LowerDefinitions(DocNode* node, std::span<const size_t> defs,
                               std::span<const DefinitionKeys> keys, uint32_t acc,
                               DecidedKeys* decided) {
  std::optional<IndexSplit> split =
      keys.empty() ? std::nullopt : ChooseIndexSplit(defs, keys, decided->keys);
  if (!split) {
    ImpliedTests implied;
    for (size_t d : defs) {
      implied.exprs.clear();
      implied.args.clear();
      for (const KeyConstraint& c : keys.empty() ? DefinitionKeys() : keys[d]) {
        for (const auto& [key, value] : decided->values) {
          if (!(c.key == key) ||
              std::find(c.values.begin(), c.values.end(), value) == c.values.end()) {
            continue;
          }
          if (c.test != nullptr) implied.exprs.push_back(c.test);
          if (c.key.arg >= 0) implied.args.push_back(c.key.arg);
        }
      }
      LowerDefinition(node, node->rules[d], acc, &implied);
      if (failed()) return;
    }
    return;
  }
  em_.SetSpan(node->rules[defs[0]].rule->span);
  Label rest = em_.NewLabel();
  const uint32_t registers = em_.RegisterMark();
  uint32_t key = static_cast<uint32_t>(split->key.arg);
  if (split->key.arg < 0) {
    key = em_.NewRegister();
    em_.Emit(Op::kLoadInput, key, em_.Constant(split->key.input_path), 0, rest);
  }
  ObjectBuilder table(em_.arena());
  for (size_t g = 0; g < split->cases.size(); ++g) {
    for (const Value& v : split->cases[g].values) table.Add(v, Value::Int(static_cast<int64_t>(g)));
  }
  const auto cases = static_cast<uint32_t>(split->cases.size());
  em_.Emit(Op::kSwitch, key, em_.Constant(table.Build()), cases, rest);
  std::vector<Label> case_labels;
  for (uint32_t g = 0; g < cases; ++g) {
    case_labels.push_back(em_.NewLabel());
    em_.Emit(Op::kCase, 0, 0, 0, case_labels.back());
  }
  em_.ReleaseRegisters(registers);
  decided->keys.push_back(split->key);
  for (uint32_t g = 0; g < cases && !failed(); ++g) {
    em_.Bind(case_labels[g]);
    const IndexCase& c = split->cases[g];
    if (c.values.size() == 1) decided->values.emplace_back(split->key, c.values[0]);
    LowerDefinitions(node, c.defs, keys, acc, decided);
    if (c.values.size() == 1) decided->values.pop_back();
    em_.Emit(Op::kJump, 0, 0, 0, rest);
  }
  decided->keys.pop_back();
  em_.Bind(rest);
  LowerDefinitions(node, split->rest, keys, acc, decided);
}

uint32_t Lowerer::MakeArrayOf(const std::vector<uint32_t>& regs) {
  uint32_t n = static_cast<uint32_t>(regs.size());
  uint32_t first = em_.NewRegisters(n);
  for (uint32_t i = 0; i < n; ++i) em_.Emit(Op::kMove, first + i, regs[i]);
  uint32_t out = em_.NewRegister();
  em_.Emit(Op::kMakeArray, out, first, 0, {}, static_cast<uint8_t>(n));
  return out;
}

// acc += [path, value, element] (see internal.ref_head_object).
void Lowerer::AddContribution(const std::vector<uint32_t>& path, uint32_t value, bool element,
                              uint32_t acc, uint8_t mark) {
  if (path.size() > 255) {
    Error(ErrorCode::kCompileError, {}, "rule reference too long");
    return;
  }
  uint32_t triple = MakeArrayOf({MakeArrayOf(path), value, LoadConst(Value::Bool(element))});
  em_.Emit(Op::kAccAdd, acc, triple, 0, {}, mark);
}

// Whether [node]'s value needs OPA's merge of ref-head rules: keys nested
// below the first variable (p[a][b] := v), set leaves (p[q] contains r), or
// documents below it other than complete ones (p.b.r contains "x" beside
// p[q].r contains s). Plain p[k] := v next to p.c := 1 takes AccPut.
bool NeedsRefHeadMerge(const DocNode* node) {
  for (const RuleDef& def : node->rules) {
    if (def.dynamic.size() > 1 || def.rule->head.IsMultiValue()) return true;
  }
  for (const auto& [key, child] : node->children) {
    if (child->HasRulesBelow() && child->kind != DocKind::kComplete &&
        child->kind != DocKind::kFunction) {
      return true;
    }
  }
  return false;
}

// A partial object whose rules nest: every solution of every definition at
// or below [node] becomes a [path, value, element] contribution, and
// internal.ref_head_object merges them the way OPA's evaluator does.
void Lowerer::LowerRefHeadObject(DocNode* node) {
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kSet));
  std::vector<std::string> prefix;
  std::function<void(DocNode*)> visit = [&](DocNode* d) {
    if (failed()) return;
    if (d == node || d->kind == DocKind::kPartialObject) {
      ref_head_prefix_ = &prefix;
      for (const RuleDef& def : d->rules) {
        LowerDefinition(d, def, acc);
        if (failed()) break;
      }
      ref_head_prefix_ = nullptr;
    } else if (d->kind == DocKind::kComplete || d->kind == DocKind::kPartialSet) {
      std::vector<uint32_t> path;
      for (const std::string& k : prefix) path.push_back(LoadConst(Str(k)));
      Label skip = em_.NewLabel();
      Label f = skip;
      uint32_t v = em_.NewRegister();
      em_.Emit(Op::kCall, v, FunctionOf(d), 0, f, 0);
      deps_[node].insert(d);
      if (d->kind == DocKind::kComplete) {
        AddContribution(path, v, /*element=*/false, acc);
      } else {
        uint32_t elem = em_.NewRegister();
        OpenLoop(v, vm::kNoReg, elem, &f);
        AddContribution(path, elem, /*element=*/true, acc);
        em_.Emit(Op::kJump, 0, 0, 0, f);
      }
      em_.Bind(skip);
      return;
    } else if (d->kind == DocKind::kFunction) {
      return;
    }
    for (auto& [key, child] : d->children) {
      if (!child->HasRulesBelow()) continue;
      prefix.push_back(key);
      visit(child.get());
      prefix.pop_back();
    }
  };
  visit(node);
  if (failed()) return;
  em_.SetSpan(node->rules.empty() ? syntax::Span{} : node->rules[0].rule->head.span);
  uint32_t all = em_.NewRegister();
  Label never = em_.NewLabel();  // a set accumulator always finishes
  em_.Emit(Op::kAccFinish, all, acc, 0, never);
  em_.Bind(never);
  uint32_t arg = em_.NewRegisters(1);
  em_.Emit(Op::kMove, arg, all);
  uint32_t result = em_.NewRegister();
  Label conflict = em_.NewLabel();
  em_.Emit(Op::kCallBuiltin, result, em_.Builtin("internal.ref_head_object"), arg, conflict, 1);
  em_.Emit(Op::kReturn, result);
  // Undefined only when the merge failed (strict mode raises it instead).
  em_.Bind(conflict);
  em_.Emit(Op::kFail, 0, em_.Constant(Str("object keys must be unique")),
           static_cast<uint32_t>(ErrorCode::kEvalConflictError));
}

void Lowerer::LowerRules(DocNode* node) {
  if (node->kind == DocKind::kPartialObject && NeedsRefHeadMerge(node)) {
    LowerRefHeadObject(node);
    return;
  }
  AccKind kind = node->kind == DocKind::kPartialSet      ? AccKind::kSet
                 : node->kind == DocKind::kPartialObject ? AccKind::kObject
                                                         : AccKind::kValue;
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(kind));
  std::vector<size_t> defs(node->rules.size());
  std::vector<DefinitionKeys> keys;
  for (size_t d = 0; d < defs.size(); ++d) {
    defs[d] = d;
    if (options_.index_rules && defs.size() >= kMinIndexedDefinitions) {
      keys.push_back(IndexKeysOf(node, node->rules[d]));
    }
  }
  DecidedKeys decided;
  LowerDefinitions(node, defs, keys, acc, &decided);
  if (failed()) return;
  if (node->kind == DocKind::kPartialObject) {
    // Children written with constant keys (p.q := 1 beside p[k] := v).
    for (auto& [key, child] : node->children) {
      if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
      Label skip = em_.NewLabel();
      uint32_t v = em_.NewRegister();
      em_.Emit(Op::kCall, v, FunctionOf(child.get()), 0, skip, 0);
      deps_[node].insert(child.get());
      uint32_t k = LoadConst(Str(key));
      em_.Emit(Op::kAccPut, acc, k, v);
      em_.Bind(skip);
    }
  }
  uint32_t result = em_.NewRegister();
  Label undefined = em_.NewLabel();
  em_.Emit(Op::kAccFinish, result, acc, 0, undefined);
  em_.Emit(Op::kReturn, result);
  em_.Bind(undefined);
  if (node->default_rule) {
    const RuleDef& def = *node->default_rule;
    EnterDefinition(def);
    Scope scope;
    scope_ = &scope;
    bound_.assign(node->arity, 1);
    em_.SetSpan(def.rule->span);
    // The parser rejects vars and refs outside closures; comprehensions
    // (default p := [x | ...]) are evaluated here.
    Label none = em_.NewLabel();
    Label f = none;
    uint32_t v = LowerTerm(*def.rule->head.value, &f);
    em_.SetSpan(def.rule->span);
    em_.Emit(Op::kReturn, v, 0, 0, {}, kRuleValue);
    em_.Bind(none);
    em_.Emit(Op::kReturnUndefined);
    scope_ = nullptr;
    return;
  }
  em_.Emit(Op::kReturnUndefined);
}

// A namespace: the base data at its path merged with its children's
// values as OPA merges them: where both define a key, two objects merge
// recursively and otherwise the base document wins.
void Lowerer::LowerNamespace(DocNode* node) {
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kObject));
  ArrayBuilder keys(em_.arena());
  for (const std::string& k : node->path) keys.Add(Str(k));
  Label no_base = em_.NewLabel();
  Label have_base = em_.NewLabel();
  uint32_t base = em_.NewRegister();
  em_.Emit(Op::kLoadData, base, em_.Constant(keys.Build()), 0, no_base);
  em_.Emit(Op::kIsObject, base, 0, 0, no_base);
  em_.Emit(Op::kJump, 0, 0, 0, have_base);
  em_.Bind(no_base);
  em_.Emit(Op::kLoadConst, base, em_.Constant(Value::EmptyObject()));
  em_.Bind(have_base);
  Label base_done = em_.NewLabel();
  Label f = base_done;
  uint32_t k = em_.NewRegister();
  uint32_t v = em_.NewRegister();
  OpenLoop(base, k, v, &f);
  // Keys that rules also define are merged below.
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
    uint32_t kr = LoadConst(Str(key));
    em_.Emit(Op::kNotEqual, k, kr, 0, f);
  }
  em_.Emit(Op::kAccPut, acc, k, v);
  em_.Emit(Op::kJump, 0, 0, 0, f);
  em_.Bind(base_done);
  uint32_t union_fn = em_.Builtin("object.union");
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
    Label skip = em_.NewLabel();
    uint32_t value = em_.NewRegister();
    em_.Emit(Op::kCall, value, FunctionOf(child.get()), 0, skip, 0);
    deps_[node].insert(child.get());
    uint32_t kr = LoadConst(Str(key));
    Label put = em_.NewLabel();
    Label base_wins = em_.NewLabel();
    uint32_t in_base = em_.NewRegister();
    em_.Emit(Op::kIndexConst, in_base, base, em_.Constant(Str(key)), put);
    em_.Emit(Op::kIsObject, in_base, 0, 0, base_wins);
    em_.Emit(Op::kIsObject, value, 0, 0, base_wins);
    uint32_t args = em_.NewRegisters(2);
    em_.Emit(Op::kMove, args, value);
    em_.Emit(Op::kMove, args + 1, in_base);  // object.union: the right side wins
    em_.Emit(Op::kCallBuiltin, value, union_fn, args, put, 2);
    em_.Emit(Op::kJump, 0, 0, 0, put);
    em_.Bind(base_wins);
    em_.Emit(Op::kMove, value, in_base);
    em_.Bind(put);
    em_.Emit(Op::kAccPut, acc, kr, value);
    em_.Bind(skip);
  }
  uint32_t result = em_.NewRegister();
  em_.Emit(Op::kAccFinish, result, acc);
  em_.Emit(Op::kReturn, result);
}

void Lowerer::LowerNode(DocNode* node) {
  em_.BeginFunction(static_cast<uint32_t>(node->function));
  // The function's prologue belongs to its first rule, not to whatever
  // was emitted before it.
  if (!node->rules.empty()) {
    em_.SetSpan(node->rules.front().rule->span);
  } else if (node->default_rule) {
    em_.SetSpan(node->default_rule->rule->span);
  }
  node_ = node;
  bound_.clear();
  if (node->kind == DocKind::kNamespace) {
    LowerNamespace(node);
  } else {
    LowerRules(node);
  }
  node_ = nullptr;
  module_ = nullptr;
  package_.clear();
  if (!em_.EndFunction()) {
    Error(ErrorCode::kEvalInternalError, {}, absl::StrCat("internal: bad labels in ",
                                                          node->PathString()));
  }
}

void Lowerer::LowerQuery(const QuerySpec& query, uint32_t function) {
  em_.BeginFunction(function);
  module_ = nullptr;
  package_.clear();
  bound_.clear();
  Scope scope;
  scope_ = &scope;
  if (query.value_query) {
    Label undefined = em_.NewLabel();
    Label fail = undefined;
    if (!query.body.empty()) em_.SetSpan(query.body[0].span);
    uint32_t r = LowerTerm(query.body[0].terms[0], &fail);
    em_.Emit(Op::kReturn, r);
    em_.Bind(undefined);
    em_.Emit(Op::kReturnUndefined);
  } else {
    DeclareLocals(query.body);
    std::vector<std::pair<std::string, uint32_t>> names;
    for (const auto& [name, reg] : scope.vars) {
      if (!name.empty() && name[0] != '$') names.emplace_back(name, reg);
    }
    std::sort(names.begin(), names.end());
    uint32_t acc = em_.NewAccumulator();
    em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kArray));
    Label end = em_.NewLabel();
    Label fail = end;
    LowerBody(query.body, &fail, [&](Label* f) {
      uint32_t n = static_cast<uint32_t>(names.size());
      uint32_t first = em_.NewRegisters(2 * n);
      for (uint32_t i = 0; i < n; ++i) {
        em_.Emit(Op::kLoadConst, first + 2 * i, em_.Constant(Str(names[i].first)));
        em_.Emit(Op::kMove, first + 2 * i + 1, names[i].second);
      }
      uint32_t obj = em_.NewRegister();
      em_.Emit(Op::kMakeObject, obj, first, 0, *f, static_cast<uint8_t>(n));
      em_.Emit(Op::kAccAdd, acc, obj);
      em_.Emit(Op::kJump, 0, 0, 0, *f);
    });
    em_.Bind(end);
    uint32_t result = em_.NewRegister();
    em_.Emit(Op::kAccFinish, result, acc);
    em_.Emit(Op::kReturn, result);
  }
  scope_ = nullptr;
  if (!em_.EndFunction()) {
    Error(ErrorCode::kEvalInternalError, {}, "internal: bad labels in query");
  }
}

absl::Status Lowerer::CheckRecursion() {
  // Depth-first search for a cycle in the document dependency graph.
  std::map<DocNode*, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<DocNode*> stack;
  std::function<bool(DocNode*)> visit = [&](DocNode* n) -> bool {
    state[n] = 1;
    stack.push_back(n);
    for (DocNode* m : deps_[n]) {
      if (state[m] == 1) {
        std::vector<std::string> names;
        auto it = std::find(stack.begin(), stack.end(), m);
        for (; it != stack.end(); ++it) names.push_back((*it)->PathString());
        names.push_back(m->PathString());
        syntax::Span span;
        if (!m->rules.empty()) span = m->rules[0].rule->span;
        status_ = MakeError(
            ErrorCode::kRecursionError,
            absl::StrCat(Absl(span.ToString()), ": rego_recursion_error: rule ",
                         m->PathString(), " is recursive: ", absl::StrJoin(names, " -> ")));
        return false;
      }
      if (state[m] == 0 && !visit(m)) return false;
    }
    stack.pop_back();
    state[n] = 2;
    return true;
  };
  for (auto& [n, deps] : deps_) {
    if (state[n] == 0 && !visit(n)) return status_;
  }
  return absl::OkStatus();
}

absl::Status Lowerer::Run(std::span<const QuerySpec> queries) {
  vm::Program& program = em_.program();
  CollectWithTargets(queries);
  // Every rule document is an entry point.
  std::function<void(DocNode*)> declare = [&](DocNode* node) {
    if (node->has_rules() && node->kind != DocKind::kFunction) {
      program.entry_points.push_back({node->PathString(), FunctionOf(node)});
    } else if (node->kind == DocKind::kFunction) {
      FunctionOf(node);
    }
    for (auto& [key, child] : node->children) declare(child.get());
  };
  declare(tree_.root.get());
  std::vector<uint32_t> query_functions;
  for (const QuerySpec& q : queries) {
    uint32_t fn = em_.DeclareFunction(q.name, 0);
    query_functions.push_back(fn);
    program.entry_points.push_back({q.name, fn});
  }
  for (size_t i = 0; i < queries.size() && !failed(); ++i) {
    LowerQuery(queries[i], query_functions[i]);
  }
  while ((!pending_.empty() || !pending_projections_.empty()) && !failed()) {
    if (!pending_.empty()) {
      DocNode* node = pending_.front();
      pending_.pop_front();
      LowerNode(node);
    } else {
      PendingProjection p = std::move(pending_projections_.front());
      pending_projections_.pop_front();
      LowerProjection(p.function, p.node, p.rest);
    }
  }
  for (auto& [function, node] : pending_views_) {
    if (failed()) break;
    em_.BeginFunction(function);
    ArrayBuilder keys(em_.arena());
    for (const std::string& k : node->path) keys.Add(Str(k));
    uint32_t out = em_.NewRegister();
    Label undefined = em_.NewLabel();
    em_.Emit(Op::kLoadData, out, em_.Constant(keys.Build()), 0, undefined);
    em_.Emit(Op::kReturn, out);
    em_.Bind(undefined);
    em_.Emit(Op::kReturnUndefined);
    em_.EndFunction();
  }
  while (!pending_wrappers_.empty() && !failed()) {
    PendingWrapper w = pending_wrappers_.back();
    pending_wrappers_.pop_back();
    em_.BeginFunction(w.function);
    uint32_t out = em_.NewRegister();
    Label undefined = em_.NewLabel();
    em_.Emit(Op::kCallBuiltin, out, em_.Builtin(w.builtin), 0, undefined,
             static_cast<uint8_t>(w.arity));
    em_.Emit(Op::kReturn, out);
    em_.Bind(undefined);
    em_.Emit(Op::kReturnUndefined);
    em_.EndFunction();
  }
  if (failed()) return status_;
  // Functions are emitted in lowering order; the verifier wants code in
  // function order, so sort functions by their entry pc (indices stay).
  return CheckRecursion();
}

}  // namespace

absl::Status LowerProgram(const RuleTree& tree, std::span<const QuerySpec> queries,
                          const CompileOptions& options, vm::Program* program) {
  Lowerer lowerer(tree, options, program);
  return lowerer.Run(queries);
}

}  // namespace verdict::compile
