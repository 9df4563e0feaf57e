// Small helpers on AST nodes: constructors, names, identifier checks.
// The node types are documented in ast.h; printing lives in ast_printer.cc.
// Tested by tests/syntax/parse_test.cc and tests/syntax/ast_printer_test.cc.
#include "syntax/ast.h"

#include <array>

namespace verdict::syntax {

std::string_view TermKindName(TermKind kind) {
  switch (kind) {
    case TermKind::kNull: return "null";
    case TermKind::kBoolean: return "boolean";
    case TermKind::kNumber: return "number";
    case TermKind::kString: return "string";
    case TermKind::kVar: return "var";
    case TermKind::kRef: return "ref";
    case TermKind::kArray: return "array";
    case TermKind::kSet: return "set";
    case TermKind::kObject: return "object";
    case TermKind::kArrayComprehension: return "arraycomprehension";
    case TermKind::kSetComprehension: return "setcomprehension";
    case TermKind::kObjectComprehension: return "objectcomprehension";
    case TermKind::kCall: return "call";
    case TermKind::kTemplateString: return "templatestring";
  }
  return "unknown";
}

Term Term::Null(Span span) {
  Term t;
  t.kind = TermKind::kNull;
  t.span = std::move(span);
  return t;
}

Term Term::Boolean(bool value, Span span) {
  Term t;
  t.kind = TermKind::kBoolean;
  t.boolean = value;
  t.span = std::move(span);
  return t;
}

Term Term::Number(std::string literal, Span span) {
  Term t;
  t.kind = TermKind::kNumber;
  t.text = std::move(literal);
  t.span = std::move(span);
  return t;
}

Term Term::String(std::string value, Span span) {
  Term t;
  t.kind = TermKind::kString;
  t.text = std::move(value);
  t.span = std::move(span);
  return t;
}

Term Term::Var(std::string name, Span span) {
  Term t;
  t.kind = TermKind::kVar;
  t.text = std::move(name);
  t.span = std::move(span);
  return t;
}

Term Term::Ref(std::vector<Term> parts, Span span) {
  Term t;
  t.kind = TermKind::kRef;
  t.terms = std::move(parts);
  t.span = std::move(span);
  return t;
}

Term Term::Call(std::vector<Term> operator_and_args, Span span) {
  Term t;
  t.kind = TermKind::kCall;
  t.terms = std::move(operator_and_args);
  t.span = std::move(span);
  return t;
}

bool Term::IsWildcard() const {
  return kind == TermKind::kVar && !text.empty() && text[0] == '$';
}

std::string Term::RefString() const {
  if (kind == TermKind::kVar) return text;
  if (kind != TermKind::kRef || terms.empty() || terms[0].kind != TermKind::kVar) {
    return ToString(*this);
  }
  std::string out = terms[0].text;
  for (size_t i = 1; i < terms.size(); ++i) {
    const Term& part = terms[i];
    if (part.kind == TermKind::kString && IsIdentifier(part.text)) {
      out += '.';
      out += part.text;
    } else {
      out += '[';
      out += ToString(part);
      out += ']';
    }
  }
  return out;
}

std::string Expr::OperatorName() const {
  if (kind != ExprKind::kCall || terms.empty()) return "";
  return terms[0].RefString();
}

const Term* Expr::Operand(size_t i) const {
  if (kind != ExprKind::kCall || i + 1 >= terms.size()) return nullptr;
  return &terms[i + 1];
}

std::string Head::RefString() const {
  return Term::Ref(ref).RefString();
}

std::string Package::PathString() const {
  if (path.size() < 2) return "";
  std::vector<Term> rest(path.begin() + 1, path.end());
  rest[0] = Term::Var(rest[0].text);
  return Term::Ref(std::move(rest)).RefString();
}

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

bool IsKeyword(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kKeywords = {
      "not",  "package", "import", "as",   "default",  "else", "with", "null",
      "true", "false",   "some",   "if",   "contains", "in",   "every"};
  for (std::string_view k : kKeywords) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace verdict::syntax
