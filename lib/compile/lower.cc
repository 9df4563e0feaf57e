// Lowering of rules and queries to bytecode (lower.h explains the model).
//
// Layout of this file, bottom up: name resolution and scopes; the safety
// analysis that orders body expressions; terms; unification (Match);
// expressions (calls, some, every, not, with); bodies; rule documents;
// queries; and LowerProgram(), the entry point.
#include "compile/lower.h"

#include <deque>
#include <functional>
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

bool IsScalar(const Term& t) {
  return t.kind == TermKind::kNull || t.kind == TermKind::kBoolean ||
         t.kind == TermKind::kNumber || t.kind == TermKind::kString;
}

bool IsClosure(const Term& t) {
  return t.kind == TermKind::kArrayComprehension ||
         t.kind == TermKind::kSetComprehension ||
         t.kind == TermKind::kObjectComprehension;
}

bool IsComparison(std::string_view name) {
  return name == "equal" || name == "neq" || name == "lt" || name == "lte" ||
         name == "gt" || name == "gte";
}

// Calls [fn] on every var term of [t], not descending into closures
// (comprehension bodies) unless [into_closures].
void ForEachVar(const Term& t, bool into_closures,
                const std::function<void(const Term&)>& fn);

void ForEachVarInExpr(const Expr& e, bool into_closures,
                      const std::function<void(const Term&)>& fn) {
  for (const Term& t : e.terms) ForEachVar(t, into_closures, fn);
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

// Where a name or a reference leads.
struct Target {
  enum Kind { kNone, kLocal, kInput, kData, kValue } kind = kNone;
  uint32_t reg = 0;                 // kLocal
  const Term* head = nullptr;       // kValue: a literal, call or comprehension
  std::vector<const Term*> elems;   // path after the root (or after head)
};

struct Scope {
  absl::flat_hash_map<std::string, uint32_t> vars;  // name -> register
  Scope* parent = nullptr;
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
  const uint32_t* FindLocal(const std::string& name) const {
    for (const Scope* s = scope_; s != nullptr; s = s->parent) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
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
  bool CanUnify(const Term& a, const Term& b, const Bound& bound) const;
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
  uint32_t LowerComposite(const Term& t, Label* fail);
  void OpenLoop(uint32_t collection, uint32_t key_reg, uint32_t value_reg, Label* fail);
  void Match(const Term& pattern, uint32_t reg, Label* fail);
  void Unify(const Term& a, const Term& b, Label* fail);
  void LowerExpr(const Expr& e, Label* fail);
  void LowerExprPlain(const Expr& e, Label* fail);
  void LowerWith(const Expr& e, Label* fail);
  void LowerSome(const Expr& e, Label* fail);
  void LowerEvery(const Expr& e, Label* fail);
  void LowerCallExpr(const Expr& e, Label* fail);
  void LowerBody(const Body& body, Label* fail, const std::function<void(Label*)>& on_success);

  // --- documents ------------------------------------------------------------
  uint32_t FunctionOf(DocNode* node);
  uint32_t BuiltinWrapper(const std::string& name, int arity);
  void LowerNode(DocNode* node);
  void LowerNamespace(DocNode* node);
  void LowerRules(DocNode* node);
  void LowerDefinition(DocNode* node, const RuleDef& def, uint32_t acc);
  void EnterDefinition(const RuleDef& def);
  void BindArgs(const syntax::Rule& rule, Label* fail);
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
  Bound bound_;
  int depth_ = 0;

  std::deque<Term> owned_;
  std::deque<DocNode*> pending_;
  std::map<DocNode*, std::set<DocNode*>> deps_;
  absl::flat_hash_map<std::string, uint32_t> wrappers_;
  struct PendingWrapper {
    uint32_t function;
    std::string builtin;
    int arity;
  };
  std::vector<PendingWrapper> pending_wrappers_;
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
        if (scope_->vars.find(var.text) == scope_->vars.end()) Declare(var.text);
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
    for (const syntax::With& w : e.with) DeclareLocalsInTerm(w.value);
  }
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
  auto check = [&](const Term& var) {
    if (const uint32_t* reg = FindLocal(var.text)) {
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
      for (size_t i = 1; i < t.terms.size(); ++i) {
        if (!CanEval(t.terms[i], bound)) return false;
      }
      return true;
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
  if (a.kind == TermKind::kArray && b.kind == TermKind::kArray &&
      a.terms.size() == b.terms.size()) {
    // Element pairs in any order, each binding what it can.
    Bound sim = bound;
    std::vector<bool> done(a.terms.size(), false);
    size_t remaining = a.terms.size();
    while (remaining > 0) {
      bool progress = false;
      for (size_t i = 0; i < a.terms.size(); ++i) {
        if (done[i] || !CanUnify(a.terms[i], b.terms[i], sim)) continue;
        auto mark = [&](const Term& var) {
          if (const uint32_t* reg = FindLocal(var.text)) {
            if (*reg >= sim.size()) sim.resize(*reg + 1, 0);
            sim[*reg] = 1;
          }
        };
        ForEachVar(a.terms[i], false, mark);
        ForEachVar(b.terms[i], false, mark);
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
      for (const Expr& inner : e.every->body) {
        ForEachVarInExpr(inner, true, [&](const Term& var) {
          if (own.count(var.text)) return;
          if (const uint32_t* reg = FindLocal(var.text)) {
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
      if (arity >= 0 && nargs == static_cast<size_t>(arity) + 1) {
        for (size_t i = 1; i < e.terms.size() - 1; ++i) {
          if (!CanEval(e.terms[i], bound)) return false;
        }
        return IsPattern(e.terms.back(), bound);
      }
      for (size_t i = 1; i < e.terms.size(); ++i) {
        if (!CanEval(e.terms[i], bound)) return false;
      }
      return true;
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
  while (!remaining.empty()) {
    auto it = remaining.begin();
    for (; it != remaining.end(); ++it) {
      if (Schedulable(**it, sim)) break;
    }
    if (it == remaining.end()) {
      // Report the first unbound variable of the first stuck expression.
      const Expr* stuck = remaining.front();
      const Term* unsafe = nullptr;
      ForEachVarInExpr(*stuck, true, [&](const Term& var) {
        if (unsafe != nullptr || var.IsWildcard()) return;
        const uint32_t* reg = FindLocal(var.text);
        if (reg != nullptr && !IsSet(sim, *reg)) unsafe = &var;
      });
      if (unsafe != nullptr) {
        Error(ErrorCode::kUnsafeVarError, unsafe->span,
              absl::StrCat("var ", Absl(unsafe->text), " is unsafe"));
      } else {
        Error(ErrorCode::kUnsafeVarError, stuck->span,
              absl::StrCat("expression is unsafe: ", Absl(syntax::ToString(*stuck))));
      }
      return {};
    }
    MarkBound(**it, &sim);
    order.push_back(*it);
    remaining.erase(it);
  }
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
      for (const Term& e : t.terms) {
        if (!IsConstantTerm(e)) return false;
      }
      return true;
    case TermKind::kObject:
      for (const syntax::ObjectItem& item : t.items) {
        if (!IsConstantTerm(item.key) || !IsConstantTerm(item.value)) return false;
      }
      return true;
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
    uint32_t first = em_.NewRegisters(2 * n);
    for (uint32_t i = 0; i < 2 * n; ++i) em_.Emit(Op::kMove, first + i, regs[i]);
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
      uint32_t r = em_.NewRegister();
      em_.Emit(Op::kLoadInput, r, 0, 0, *fail);
      return ApplyElems(r, target.elems, 0, fail);
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
    if (e->kind != TermKind::kString) break;
    DocNode* child = node->Child(e->text);
    if (child == nullptr) {
      // Base data only from here: load the longest constant path.
      ArrayBuilder keys(em_.arena());
      for (const std::string& k : path) keys.Add(Str(k));
      size_t j = i;
      for (; j < elems.size() && IsScalar(*elems[j]); ++j) {
        bool ok = true;
        keys.Add(ConstantOf(*elems[j], &ok));
      }
      uint32_t r = em_.NewRegister();
      em_.Emit(Op::kLoadData, r, em_.Constant(keys.Build()), 0, *fail);
      return ApplyElems(r, elems, j, fail);
    }
    path.push_back(e->text);
    node = child;
    ++i;
  }
  if (!node->HasRulesBelow()) {
    ArrayBuilder keys(em_.arena());
    for (const std::string& k : path) keys.Add(Str(k));
    uint32_t r = em_.NewRegister();
    em_.Emit(Op::kLoadData, r, em_.Constant(keys.Build()), 0, *fail);
    return ApplyElems(r, elems, i, fail);
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
  if (fn < 0) {
    const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
    if (info != nullptr) {
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
        Error(ErrorCode::kTypeError, span, absl::StrCat("undefined function ", Absl(name)));
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
  std::vector<uint32_t> regs;
  for (const Term& a : args) regs.push_back(LowerTerm(a, fail));
  uint32_t first = em_.NewRegisters(static_cast<uint32_t>(args.size()));
  for (size_t i = 0; i < regs.size(); ++i) {
    em_.Emit(Op::kMove, first + static_cast<uint32_t>(i), regs[i]);
  }
  uint32_t out = em_.NewRegister();
  if (fn >= 0) {
    em_.Emit(Op::kCall, out, static_cast<uint32_t>(fn), first, *fail,
             static_cast<uint8_t>(args.size()));
  } else {
    em_.Emit(Op::kCallBuiltin, out, builtin, first, *fail, static_cast<uint8_t>(args.size()));
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

uint32_t Lowerer::LowerTemplate(const Term& t, Label* fail) {
  std::vector<uint32_t> regs;
  for (const syntax::TemplatePart& part : t.parts) {
    if (part.is_text) {
      regs.push_back(LoadConst(Str(part.text)));
      continue;
    }
    const Expr& e = part.expr.front();
    uint32_t r;
    if (e.kind == ExprKind::kCall) {
      r = LowerCall(e.terms[0], std::span<const Term>(e.terms).subspan(1), e.span, fail);
    } else {
      r = LowerTerm(e.terms[0], fail);
    }
    // A part is a set of its values (OPA: undefined parts render <undefined>).
    uint32_t one = em_.NewRegisters(1);
    em_.Emit(Op::kMove, one, r);
    uint32_t set = em_.NewRegister();
    em_.Emit(Op::kMakeSet, set, one, 0, {}, 1);
    regs.push_back(set);
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
  if (a.kind == TermKind::kArray && b.kind == TermKind::kArray &&
      a.terms.size() == b.terms.size()) {
    std::vector<bool> done(a.terms.size(), false);
    size_t remaining = a.terms.size();
    while (remaining > 0 && !failed()) {
      bool progress = false;
      for (size_t i = 0; i < a.terms.size(); ++i) {
        if (done[i] || !CanUnify(a.terms[i], b.terms[i], bound_)) continue;
        Unify(a.terms[i], b.terms[i], fail);
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
  em_.Emit(Op::kIterInit, it, domain, 0, done);
  Label next = em_.NewLabel();
  em_.Bind(next);
  uint32_t key = em_.NewRegister();
  uint32_t value = em_.NewRegister();
  em_.Emit(Op::kIterNext, it, key, value, done);

  Scope inner;
  inner.parent = scope_;
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
    uint32_t ra = LowerTerm(a, fail);
    uint32_t rb = LowerTerm(b, fail);
    Op op = name == "equal" ? Op::kEqual
            : name == "neq" ? Op::kNotEqual
            : name == "lt"  ? Op::kLess
            : name == "lte" ? Op::kLessEqual
            : name == "gt"  ? Op::kGreater
                            : Op::kGreaterEqual;
    em_.Emit(op, ra, rb, 0, *fail);
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
      } else if ((w.value.kind == TermKind::kVar || w.value.kind == TermKind::kRef) &&
                 !ResolveRef(w.value, &mt)) {
        std::string name = w.value.RefString();
        if (const builtins::BuiltinInfo* info = builtins::FindBuiltin(name)) {
          mock_fn = static_cast<int>(BuiltinWrapper(name, info->arity));
        }
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
      if (doc != nullptr && !beyond_doc) {
        uint32_t fn = FunctionOf(doc);
        if (mock_fn >= 0) {
          push(Op::kWithFunc, fn, static_cast<uint32_t>(mock_fn));
        } else {
          push(Op::kWithValue, fn, value_reg(), 0);
        }
        continue;
      }
      if (doc != nullptr || (node != nullptr && node->HasRulesBelow())) {
        Error(ErrorCode::kCompileError, w.span,
              "with on a path that holds rules below it is not supported yet");
        return;
      }
      push(Op::kWithData, em_.Constant(keys.Build()), value_reg());
      continue;
    }
    // A builtin.
    std::string name = w.target.RefString();
    const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
    if (info == nullptr) {
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
    LowerExpr(*e, fail);
    if (failed()) return;
  }
  on_success(fail);
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

// Matches a function's argument patterns against R[0..n).
void Lowerer::BindArgs(const syntax::Rule& rule, Label* fail) {
  for (size_t i = 0; i < rule.head.args.size(); ++i) {
    Match(rule.head.args[i], static_cast<uint32_t>(i), fail);
  }
}

// After a definition's body succeeded: add its contribution to [acc].
void Lowerer::AddRuleValue(DocNode* node, const RuleDef& def, const syntax::Rule& rule,
                           uint32_t acc, Label* fail) {
  em_.SetSpan(rule.head.span);
  switch (node->kind) {
    case DocKind::kPartialSet: {
      uint32_t k = LowerTerm(*rule.head.key, fail);
      em_.Emit(Op::kAccAdd, acc, k);
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
      em_.Emit(Op::kAccPut, acc, k, v);
      break;
    }
    default: {
      uint32_t v = LowerTerm(*rule.head.value, fail);
      em_.Emit(Op::kAccAdd, acc, v);
      break;
    }
  }
  em_.Emit(Op::kJump, 0, 0, 0, *fail);
}

void Lowerer::LowerDefinition(DocNode* node, const RuleDef& def, uint32_t acc) {
  EnterDefinition(def);
  std::vector<const syntax::Rule*> chain = {def.rule};
  for (const syntax::Rule& alt : def.rule->elses) chain.push_back(&alt);
  Label chain_end = em_.NewLabel();
  for (size_t i = 0; i < chain.size() && !failed(); ++i) {
    const syntax::Rule& rule = *chain[i];
    const bool has_else = chain.size() > 1;
    Scope scope;
    scope_ = &scope;
    bound_.assign(node->arity, 1);
    // The head's variables live in the rule's scope.
    for (const Term& a : rule.head.args) DeclareLocalsInTerm(a);
    DeclareLocals(rule.body);
    for (const Term* d : def.dynamic) DeclareLocalsInTerm(*d);
    if (rule.head.key) DeclareLocalsInTerm(*rule.head.key);
    if (rule.head.value) DeclareLocalsInTerm(*rule.head.value);
    Label body_end = em_.NewLabel();
    Label fail = body_end;
    uint32_t target_acc = acc;
    if (has_else) {
      target_acc = em_.NewAccumulator();
      em_.Emit(Op::kAccInit, target_acc, static_cast<uint32_t>(AccKind::kValue));
    }
    em_.SetSpan(rule.span);
    BindArgs(rule, &fail);
    LowerBody(rule.body, &fail, [&](Label* f) {
      AddRuleValue(node, def, rule, target_acc, f);
    });
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
  }
  em_.Bind(chain_end);
}

void Lowerer::LowerRules(DocNode* node) {
  AccKind kind = node->kind == DocKind::kPartialSet      ? AccKind::kSet
                 : node->kind == DocKind::kPartialObject ? AccKind::kObject
                                                         : AccKind::kValue;
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(kind));
  for (const RuleDef& def : node->rules) {
    LowerDefinition(node, def, acc);
    if (failed()) return;
  }
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
    bool ok = true;
    Value v = ConstantOf(*def.rule->head.value, &ok);
    if (!ok) {
      Error(ErrorCode::kCompileError, def.rule->head.span,
            "default rule value must be a constant");
      return;
    }
    em_.Emit(Op::kReturn, LoadConst(v));
    scope_ = nullptr;
    return;
  }
  em_.Emit(Op::kReturnUndefined);
}

// A namespace: the base data at its path merged with its children's values.
void Lowerer::LowerNamespace(DocNode* node) {
  uint32_t acc = em_.NewAccumulator();
  em_.Emit(Op::kAccInit, acc, static_cast<uint32_t>(AccKind::kObject));
  ArrayBuilder keys(em_.arena());
  for (const std::string& k : node->path) keys.Add(Str(k));
  Label no_base = em_.NewLabel();
  Label f = no_base;
  uint32_t base = em_.NewRegister();
  em_.Emit(Op::kLoadData, base, em_.Constant(keys.Build()), 0, f);
  em_.Emit(Op::kIsObject, base, 0, 0, f);
  uint32_t k = em_.NewRegister();
  uint32_t v = em_.NewRegister();
  OpenLoop(base, k, v, &f);
  // Keys that rules also define are taken from the rules.
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow()) continue;
    uint32_t kr = LoadConst(Str(key));
    em_.Emit(Op::kNotEqual, k, kr, 0, f);
  }
  em_.Emit(Op::kAccPut, acc, k, v);
  em_.Emit(Op::kJump, 0, 0, 0, f);
  em_.Bind(no_base);
  for (auto& [key, child] : node->children) {
    if (!child->HasRulesBelow() || child->kind == DocKind::kFunction) continue;
    Label skip = em_.NewLabel();
    uint32_t value = em_.NewRegister();
    em_.Emit(Op::kCall, value, FunctionOf(child.get()), 0, skip, 0);
    deps_[node].insert(child.get());
    uint32_t kr = LoadConst(Str(key));
    em_.Emit(Op::kAccPut, acc, kr, value);
    em_.Bind(skip);
  }
  uint32_t result = em_.NewRegister();
  em_.Emit(Op::kAccFinish, result, acc);
  em_.Emit(Op::kReturn, result);
}

void Lowerer::LowerNode(DocNode* node) {
  em_.BeginFunction(static_cast<uint32_t>(node->function));
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
  while (!pending_.empty() && !failed()) {
    DocNode* node = pending_.front();
    pending_.pop_front();
    LowerNode(node);
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
