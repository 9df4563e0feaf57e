// The AST -> OPA's JSON (ast_json.h), following the MarshalJSON methods of
// OPA's v1/ast (term.go, policy.go): a recursive walk over the AST,
// bounded by limits::kMaxSyntaxDepth like every other walk over it.
//
// Sets and objects are written in OPA's sorted order; CompareTerms() below
// orders terms as OPA's ast.Compare does (kinds in the order null, boolean,
// number, string, var, ref, array, object, set, comprehensions, call;
// then by value, numbers numerically).
//
// Tested by tests/syntax/ast_json_test.cc.
#include "syntax/ast_json.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "base/strings.h"

namespace verdict::syntax {
namespace {

int KindOrder(TermKind kind) {
  switch (kind) {
    case TermKind::kNull: return 0;
    case TermKind::kBoolean: return 1;
    case TermKind::kNumber: return 2;
    case TermKind::kString: return 3;
    case TermKind::kVar: return 4;
    case TermKind::kRef: return 5;
    case TermKind::kArray: return 6;
    case TermKind::kObject: return 7;
    case TermKind::kSet: return 8;
    case TermKind::kArrayComprehension: return 9;
    case TermKind::kObjectComprehension: return 10;
    case TermKind::kSetComprehension: return 11;
    case TermKind::kCall: return 12;
    case TermKind::kTemplateString: return 13;
  }
  return 14;
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int CompareTerms(const Term& a, const Term& b);

int CompareTermLists(const std::vector<Term>& a, const std::vector<Term>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = CompareTerms(a[i], b[i])) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

std::vector<const ObjectItem*> SortedItems(const Term& t) {
  std::vector<const ObjectItem*> items;
  for (const ObjectItem& item : t.items) items.push_back(&item);
  std::stable_sort(items.begin(), items.end(), [](const ObjectItem* x, const ObjectItem* y) {
    return CompareTerms(x->key, y->key) < 0;
  });
  return items;
}

std::vector<const Term*> SortedElements(const Term& t) {
  std::vector<const Term*> out;
  for (const Term& x : t.terms) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(), [](const Term* x, const Term* y) {
    return CompareTerms(*x, *y) < 0;
  });
  // A set literal holds each element once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Term* x, const Term* y) { return CompareTerms(*x, *y) == 0; }),
            out.end());
  return out;
}

int CompareTerms(const Term& a, const Term& b) {
  int ka = KindOrder(a.kind);
  int kb = KindOrder(b.kind);
  if (ka != kb) return ka < kb ? -1 : 1;
  switch (a.kind) {
    case TermKind::kNull:
      return 0;
    case TermKind::kBoolean:
      return a.boolean == b.boolean ? 0 : (a.boolean ? 1 : -1);
    case TermKind::kNumber: {
      absl::StatusOr<Value> x = Value::Number(a.text);
      absl::StatusOr<Value> y = Value::Number(b.text);
      if (x.ok() && y.ok()) return Sign(Compare(*x, *y));
      return Sign(a.text.compare(b.text));
    }
    case TermKind::kString:
    case TermKind::kVar:
      return Sign(a.text.compare(b.text));
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kCall:
      return CompareTermLists(a.terms, b.terms);
    case TermKind::kSet: {
      std::vector<const Term*> x = SortedElements(a);
      std::vector<const Term*> y = SortedElements(b);
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = CompareTerms(*x[i], *y[i])) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case TermKind::kObject: {
      std::vector<const ObjectItem*> x = SortedItems(a);
      std::vector<const ObjectItem*> y = SortedItems(b);
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = CompareTerms(x[i]->key, y[i]->key)) return c;
        if (int c = CompareTerms(x[i]->value, y[i]->value)) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension:
    case TermKind::kTemplateString:
      // Closures and templates: heads first, then the printed text, a
      // stable stand-in for OPA's body comparison.
      if (int c = CompareTermLists(a.terms, b.terms)) return c;
      return Sign(ToString(a).compare(ToString(b)));
  }
  return 0;
}

// Does [t] hold no variable (OPA's IsGround)?
bool IsGround(const Term& t) {
  switch (t.kind) {
    case TermKind::kVar:
    case TermKind::kArrayComprehension:
    case TermKind::kSetComprehension:
    case TermKind::kObjectComprehension:
      return false;
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kCall:
    case TermKind::kObject:
      return AllSubterms(t, IsGround);
    case TermKind::kTemplateString:
      for (const TemplatePart& part : t.parts) {
        if (!part.is_text) return false;
      }
      return true;
    default:
      return true;
  }
}

class Encoder {
 public:
  explicit Encoder(Arena* arena) : arena_(arena) {}

  Value Str(std::string_view s) { return Value::String(s, arena_); }

  Value TypedTerm(std::string_view type, Value value) {
    ObjectBuilder o(arena_);
    o.Add(Str("type"), Str(type));
    o.Add(Str("value"), std::move(value));
    return o.Build();
  }

  Value Terms(const std::vector<Term>& terms) {
    ArrayBuilder b(arena_);
    b.Reserve(terms.size());
    for (const Term& t : terms) b.Add(TermJson(t));
    return b.Build();
  }

  Value TermJson(const Term& t) {
    std::string_view type = TermKindName(t.kind);
    switch (t.kind) {
      case TermKind::kNull:
        return TypedTerm(type, Value::EmptyObject());  // OPA encodes Null{} as {}
      case TermKind::kBoolean:
        return TypedTerm(type, Value::Bool(t.boolean));
      case TermKind::kNumber: {
        absl::StatusOr<Value> n = Value::Number(t.text, arena_);
        return TypedTerm(type, n.ok() ? *std::move(n) : Str(t.text));
      }
      case TermKind::kString:
      case TermKind::kVar:
        return TypedTerm(type, Str(t.text));
      case TermKind::kRef:
      case TermKind::kArray:
      case TermKind::kCall:
        return TypedTerm(type, Terms(t.terms));
      case TermKind::kSet: {
        ArrayBuilder b(arena_);
        for (const Term* x : SortedElements(t)) b.Add(TermJson(*x));
        return TypedTerm(type, b.Build());
      }
      case TermKind::kObject: {
        ArrayBuilder b(arena_);
        for (const ObjectItem* item : SortedItems(t)) {
          ArrayBuilder pair(arena_);
          pair.Add(TermJson(item->key));
          pair.Add(TermJson(item->value));
          b.Add(pair.Build());
        }
        return TypedTerm(type, b.Build());
      }
      case TermKind::kArrayComprehension:
      case TermKind::kSetComprehension: {
        ObjectBuilder o(arena_);
        if (!t.terms.empty()) o.Add(Str("term"), TermJson(t.terms[0]));
        o.Add(Str("body"), BodyJson(t.body));
        return TypedTerm(type, o.Build());
      }
      case TermKind::kObjectComprehension: {
        ObjectBuilder o(arena_);
        if (t.terms.size() == 2) {
          o.Add(Str("key"), TermJson(t.terms[0]));
          o.Add(Str("value"), TermJson(t.terms[1]));
        }
        o.Add(Str("body"), BodyJson(t.body));
        return TypedTerm(type, o.Build());
      }
      case TermKind::kTemplateString: {
        ArrayBuilder parts(arena_);
        for (const TemplatePart& part : t.parts) {
          if (part.is_text) {
            parts.Add(TypedTerm("string", Str(part.text)));
          } else if (!part.expr.empty()) {
            parts.Add(ExprJson(part.expr[0], 0));
          }
        }
        ObjectBuilder o(arena_);
        o.Add(Str("parts"), parts.Build());
        o.Add(Str("multi_line"), Value::Bool(t.multiline));
        return TypedTerm(type, o.Build());
      }
    }
    return TypedTerm(type, Value::Null());
  }

  Value BodyJson(const Body& body) {
    ArrayBuilder b(arena_);
    b.Reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      b.Add(ExprJson(body[i], static_cast<int>(i)));
    }
    return b.Build();
  }

  Value ExprJson(const Expr& e, int index) {
    ObjectBuilder o(arena_);
    o.Add(Str("index"), Value::Int(index));
    switch (e.kind) {
      case ExprKind::kTerm:
        o.Add(Str("terms"), e.terms.empty() ? Value::Null() : TermJson(e.terms[0]));
        break;
      case ExprKind::kCall:
        o.Add(Str("terms"), Terms(e.terms));
        break;
      case ExprKind::kSome: {
        ObjectBuilder some(arena_);
        some.Add(Str("symbols"), Terms(e.terms));
        o.Add(Str("terms"), some.Build());
        break;
      }
      case ExprKind::kEvery: {
        ObjectBuilder every(arena_);
        if (e.every.has_value()) {
          const Every& q = *e.every;
          every.Add(Str("key"), q.key.has_value() ? TermJson(*q.key) : Value::Null());
          every.Add(Str("value"), TermJson(q.value));
          every.Add(Str("domain"), TermJson(q.domain));
          every.Add(Str("body"), BodyJson(q.body));
        }
        o.Add(Str("terms"), every.Build());
        break;
      }
    }
    if (e.negated) o.Add(Str("negated"), Value::Bool(true));
    if (!e.with.empty()) {
      ArrayBuilder with(arena_);
      for (const With& w : e.with) {
        ObjectBuilder item(arena_);
        item.Add(Str("target"), TermJson(w.target));
        item.Add(Str("value"), TermJson(w.value));
        with.Add(item.Build());
      }
      o.Add(Str("with"), with.Build());
    }
    return o.Build();
  }

  // OPA's Head fields for [head]. [rule] is the definition the head
  // belongs to (for else heads: the first definition of the chain).
  Value HeadJson(const Rule& rule, const Head& head, bool assign) {
    ObjectBuilder o(arena_);
    const std::vector<Term>& ref = head.ref;
    o.Add(Str("ref"), Terms(ref));
    const Term* name = nullptr;
    const Term* key = head.key.has_value() ? &*head.key : nullptr;
    if (ref.size() == 1) {
      name = &ref[0];
    } else if (ref.size() == 2 && !head.IsFunction() && key == nullptr &&
               !rule.is_default) {
      // OPA's parser: a body-less `p.q := v` is built from an expression and
      // keeps q as its key; with `if`, p[k] gets a key only when k is not
      // ground, and a name only when a value was written.
      if (rule.body_generated) {
        name = &ref[0];
        key = &ref[1];
      } else {
        if (!IsGround(ref[1]) || ref[1].kind == TermKind::kRef) key = &ref[1];
        if (!rule.head.value_generated) name = &ref[0];
      }
    }
    if (name != nullptr) o.Add(Str("name"), Str(name->text));
    if (key != nullptr) o.Add(Str("key"), TermJson(*key));
    if (head.value.has_value()) o.Add(Str("value"), TermJson(*head.value));
    if (head.IsFunction()) o.Add(Str("args"), Terms(head.args));
    if (assign) o.Add(Str("assign"), Value::Bool(true));
    return o.Build();
  }

  Value RuleJson(const Rule& rule) {
    ObjectBuilder o(arena_);
    o.Add(Str("head"), HeadJson(rule, rule.head, rule.head.assign));
    o.Add(Str("body"), BodyJson(rule.body));
    if (rule.is_default) o.Add(Str("default"), Value::Bool(true));
    if (!rule.elses.empty()) o.Add(Str("else"), ElseJson(rule, 0));
    return o.Build();
  }

  // The else chain, nested as OPA's Rule.Else. An else without a value
  // keeps the head's `:=` flag, as OPA copies the head.
  Value ElseJson(const Rule& rule, size_t i) {
    const Rule& alt = rule.elses[i];
    bool assign = alt.head.value_generated ? rule.head.assign : alt.head.assign;
    ObjectBuilder o(arena_);
    o.Add(Str("head"), HeadJson(rule, alt.head, assign));
    o.Add(Str("body"), BodyJson(alt.body));
    if (i + 1 < rule.elses.size()) o.Add(Str("else"), ElseJson(rule, i + 1));
    return o.Build();
  }

  Value ImportJson(const Import& imp) {
    ObjectBuilder o(arena_);
    o.Add(Str("path"), TermJson(imp.path));
    if (!imp.alias.empty()) o.Add(Str("alias"), Str(imp.alias));
    return o.Build();
  }

  Value ModuleJson(const Module& m) {
    ObjectBuilder o(arena_);
    ObjectBuilder pkg(arena_);
    pkg.Add(Str("path"), Terms(m.package.path));
    o.Add(Str("package"), pkg.Build());

    std::vector<const Import*> imports;
    for (const Import& imp : m.imports) imports.push_back(&imp);
    for (const Import& imp : m.keyword_imports) imports.push_back(&imp);
    std::stable_sort(imports.begin(), imports.end(), [](const Import* a, const Import* b) {
      return a->span.offset < b->span.offset;
    });
    if (!imports.empty()) {
      ArrayBuilder b(arena_);
      for (const Import* imp : imports) b.Add(ImportJson(*imp));
      o.Add(Str("imports"), b.Build());
    }
    if (!m.annotations.empty()) {
      ArrayBuilder b(arena_);
      for (const Annotations& a : m.annotations) {
        b.Add(DeepCopy(AnnotationsToValue(a), arena_));
      }
      o.Add(Str("annotations"), b.Build());
    }
    if (!m.rules.empty()) {
      ArrayBuilder b(arena_);
      for (const Rule& r : m.rules) b.Add(RuleJson(r));
      o.Add(Str("rules"), b.Build());
    }
    if (!m.comments.empty()) {
      ArrayBuilder b(arena_);
      for (const Comment& c : m.comments) {
        ObjectBuilder loc(arena_);
        loc.Add(Str("file"), Str(c.span.filename()));
        loc.Add(Str("row"), Value::Int(c.span.line));
        loc.Add(Str("col"), Value::Int(c.span.col));
        ObjectBuilder item(arena_);
        item.Add(Str("Location"), loc.Build());
        item.Add(Str("Text"), Str(absl::Base64Escape(Absl(c.text))));
        b.Add(item.Build());
      }
      o.Add(Str("comments"), b.Build());
    }
    return o.Build();
  }

 private:
  Arena* arena_;
};

}  // namespace

Value ModuleToJson(const Module& module, Arena* arena) {
  return Encoder(arena).ModuleJson(module);
}

Value TermToJson(const Term& term, Arena* arena) {
  return Encoder(arena).TermJson(term);
}

Value ExprToJson(const Expr& expr, int index, Arena* arena) {
  return Encoder(arena).ExprJson(expr, index);
}

}  // namespace verdict::syntax
