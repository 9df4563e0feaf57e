// Prints AST nodes as Rego text: calls in prefix form (`plus(x, 1)`,
// `eq(x, y)`, `internal.member_2(x, xs)`), wildcards as `_`, strings JSON
// quoted. The output parses back to the same tree, which the tests use as a
// round-trip check. Entry points: the ToString() overloads in ast.h.
// Tested by tests/syntax/ast_printer_test.cc and tests/syntax/parse_test.cc.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "syntax/ast.h"

namespace verdict::syntax {
namespace {

class Printer {
 public:
  std::string Take() { return std::move(out_); }

  void PrintTerm(const Term& t) {
    switch (t.kind) {
      case TermKind::kNull: out_ += "null"; return;
      case TermKind::kBoolean: out_ += t.boolean ? "true" : "false"; return;
      case TermKind::kNumber: out_ += t.text; return;
      case TermKind::kString: Quote(t.text, /*template_text=*/false); return;
      case TermKind::kVar: out_ += t.IsWildcard() ? "_" : t.text; return;
      case TermKind::kRef: PrintRef(t); return;
      case TermKind::kArray:
        out_ += '[';
        PrintList(t.terms);
        out_ += ']';
        return;
      case TermKind::kSet:
        if (t.terms.empty()) {
          out_ += "set()";
          return;
        }
        out_ += '{';
        PrintList(t.terms);
        out_ += '}';
        return;
      case TermKind::kObject:
        out_ += '{';
        for (size_t i = 0; i < t.items.size(); ++i) {
          if (i > 0) out_ += ", ";
          PrintTerm(t.items[i].key);
          out_ += ": ";
          PrintTerm(t.items[i].value);
        }
        out_ += '}';
        return;
      case TermKind::kArrayComprehension:
        out_ += '[';
        PrintComprehension(t);
        out_ += ']';
        return;
      case TermKind::kSetComprehension:
      case TermKind::kObjectComprehension:
        out_ += '{';
        PrintComprehension(t);
        out_ += '}';
        return;
      case TermKind::kCall:
        if (t.terms.empty()) return;
        PrintTerm(t.terms[0]);
        out_ += '(';
        PrintList(t.terms, 1);
        out_ += ')';
        return;
      case TermKind::kTemplateString: PrintTemplate(t); return;
    }
  }

  void PrintExpr(const Expr& e) {
    if (e.negated) out_ += "not ";
    switch (e.kind) {
      case ExprKind::kTerm:
        if (!e.terms.empty()) PrintTerm(e.terms[0]);
        break;
      case ExprKind::kCall:
        if (e.terms.empty()) break;
        PrintTerm(e.terms[0]);
        out_ += '(';
        PrintList(e.terms, 1);
        out_ += ')';
        break;
      case ExprKind::kSome: PrintSome(e); break;
      case ExprKind::kEvery:
        if (e.every.has_value()) PrintEvery(*e.every);
        break;
    }
    for (const With& w : e.with) {
      out_ += " with ";
      PrintTerm(w.target);
      out_ += " as ";
      PrintTerm(w.value);
    }
  }

  void PrintBody(const Body& body) {
    for (size_t i = 0; i < body.size(); ++i) {
      if (i > 0) out_ += "; ";
      PrintExpr(body[i]);
    }
  }

  void PrintRule(const Rule& r) {
    if (r.is_default) out_ += "default ";
    const Head& h = r.head;
    PrintTerm(Term::Ref(h.ref));
    if (h.IsFunction()) {
      out_ += '(';
      PrintList(h.args);
      out_ += ')';
    }
    if (h.key.has_value() && !h.value.has_value()) {
      out_ += " contains ";
      PrintTerm(*h.key);
    }
    PrintValueAndBody(r);
    for (const Rule& e : r.elses) {
      out_ += " else";
      PrintValueAndBody(e);
    }
  }

  void PrintModule(const Module& m) {
    out_ += "package ";
    out_ += m.package.PathString();
    out_ += '\n';
    for (const Import& imp : m.imports) {
      out_ += "import ";
      PrintTerm(imp.path);
      if (!imp.alias.empty()) absl::StrAppend(&out_, " as ", imp.alias);
      out_ += '\n';
    }
    for (const Rule& r : m.rules) {
      PrintRule(r);
      out_ += '\n';
    }
  }

 private:
  void PrintList(const std::vector<Term>& terms, size_t from = 0) {
    for (size_t i = from; i < terms.size(); ++i) {
      if (i > from) out_ += ", ";
      PrintTerm(terms[i]);
    }
  }

  void PrintRef(const Term& t) {
    if (t.terms.empty()) return;
    PrintTerm(t.terms[0]);
    for (size_t i = 1; i < t.terms.size(); ++i) {
      const Term& part = t.terms[i];
      if (part.kind == TermKind::kString && IsIdentifier(part.text)) {
        out_ += '.';
        out_ += part.text;
      } else {
        out_ += '[';
        PrintTerm(part);
        out_ += ']';
      }
    }
  }

  void PrintComprehension(const Term& t) {
    if (t.kind == TermKind::kObjectComprehension && t.terms.size() == 2) {
      PrintTerm(t.terms[0]);
      out_ += ": ";
      PrintTerm(t.terms[1]);
    } else if (!t.terms.empty()) {
      PrintTerm(t.terms[0]);
    }
    out_ += " | ";
    PrintBody(t.body);
  }

  void PrintTemplate(const Term& t) {
    out_ += t.multiline ? "$`" : "$\"";
    for (const TemplatePart& part : t.parts) {
      if (part.is_text) {
        if (t.multiline) {
          for (char c : part.text) {
            if (c == '{') out_ += '\\';
            out_ += c;
          }
        } else {
          Quote(part.text, /*template_text=*/true);
        }
      } else if (!part.expr.empty()) {
        out_ += '{';
        PrintExpr(part.expr[0]);
        out_ += '}';
      }
    }
    out_ += t.multiline ? '`' : '"';
  }

  // `some x, y`, or `some x in xs` / `some k, v in xs` for a member call.
  void PrintSome(const Expr& e) {
    out_ += "some ";
    if (e.terms.size() == 1 && e.terms[0].kind == TermKind::kCall &&
        !e.terms[0].terms.empty()) {
      const Term& call = e.terms[0];
      std::string op = call.terms[0].RefString();
      if ((op == "internal.member_2" && call.terms.size() == 3) ||
          (op == "internal.member_3" && call.terms.size() == 4)) {
        PrintList(std::vector<Term>(call.terms.begin() + 1, call.terms.end() - 1));
        out_ += " in ";
        PrintTerm(call.terms.back());
        return;
      }
    }
    PrintList(e.terms);
  }

  void PrintEvery(const Every& every) {
    out_ += "every ";
    if (every.key.has_value()) {
      PrintTerm(*every.key);
      out_ += ", ";
    }
    PrintTerm(every.value);
    out_ += " in ";
    PrintTerm(every.domain);
    out_ += " { ";
    PrintBody(every.body);
    out_ += " }";
  }

  void PrintValueAndBody(const Rule& r) {
    const Head& h = r.head;
    if (h.value.has_value() && !h.value_generated) {
      out_ += h.assign ? " := " : " = ";
      PrintTerm(*h.value);
    }
    if (!r.body_generated) {
      out_ += " if { ";
      PrintBody(r.body);
      out_ += " }";
    }
  }

  // JSON string quoting; in template text '{' is escaped too.
  void Quote(std::string_view s, bool template_text) {
    if (!template_text) out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        case '\r': out_ += "\\r"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '{':
          if (template_text) out_ += '\\';
          out_ += c;
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            out_ += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
          } else {
            out_ += c;
          }
      }
    }
    if (!template_text) out_ += '"';
  }

  std::string out_;
};

}  // namespace

std::string ToString(const Term& term) {
  Printer p;
  p.PrintTerm(term);
  return p.Take();
}

std::string ToString(const Expr& expr) {
  Printer p;
  p.PrintExpr(expr);
  return p.Take();
}

std::string ToString(const Body& body) {
  Printer p;
  p.PrintBody(body);
  return p.Take();
}

std::string ToString(const Rule& rule) {
  Printer p;
  p.PrintRule(rule);
  return p.Take();
}

std::string ToString(const Module& module) {
  Printer p;
  p.PrintModule(module);
  return p.Take();
}

}  // namespace verdict::syntax
