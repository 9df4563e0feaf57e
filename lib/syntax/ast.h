// File: lib/syntax/ast.h
//
// The Rego abstract syntax tree, modelled on OPA's v1/ast (policy.go,
// term.go) so that OPA's compiler stages translate directly:
//
//   Module   package, imports, rules, comments
//   Rule     head, body, default flag, else chain
//   Head     ref (name path), args (functions), key (`contains`), value
//   Body     list of Expr
//   Expr     one term, or a call [operator, operands...], or `some`, or
//            `every`; plus `not` and `with` modifiers
//   Term     a value with a Span: null, boolean, number, string, var, ref,
//            array, set, object, comprehensions, call, template string
//
// Everything is a plain value type (std::vector / std::optional members):
// copy to duplicate a subtree, assign to rewrite one. Every node has a Span
// (lib/syntax/source.h) with file, 1-based line and column.
//
// Conventions shared with OPA (the compiler relies on them):
//  * Infix operators are calls with OPA's builtin names: `x + 1` is
//    Call[Ref(plus), x, 1]. Names: plus minus mul div rem (arithmetic),
//    and or (set `&` `|`), equal neq lt lte gt gte (comparisons), and
//    internal.member_2 / internal.member_3 for `x in xs` / `k, v in xs`
//    (the operator is the ref internal.member_2). At the top of an
//    expression `=` and `:=` are the calls eq and assign: `x := 1` is
//    Expr{kCall, [Ref(assign), x, 1]}; a call at the top of an expression
//    is always stored as an Expr of kind kCall, never as a kCall term.
//  * A bare name is a kVar; `data` and `input` alone are refs with one
//    element (as OPA). In a ref, `.name` parts are kString terms and
//    `[expr]` parts are whatever term was written: `a.b[c]["d"]` is
//    Ref[Var a, String b, Var c, String d].
//  * `_` becomes a fresh var named "$0", "$1", ... (IsWildcard()), numbered
//    in source order within one parse.
//  * Number literals keep their text exactly as written, sign included:
//    "1", "-1", "1.5e3", ".5", "-0.25E-2". lib/value converts them.
//  * Strings are decoded (escapes resolved, UTF-8).
//  * Rules without a body get the body `true` (Rule::body_generated); rules
//    without a value get the value `true` (Head::value_generated), as OPA.
//
// Printing: ast_printer.cc renders any node as Rego text (calls in prefix
// form, `plus(x, 1)`), used by tests and `policyc` debugging.
//
// Built by lib/syntax/parse.cc; tested by tests/syntax/parse_test.cc.
#ifndef VERDICT_SYNTAX_AST_H_
#define VERDICT_SYNTAX_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syntax/annotations.h"
#include "syntax/source.h"

namespace verdict::syntax {

struct Expr;
struct ObjectItem;
struct TemplatePart;

// A body: expressions that must all hold; Expr::index is the position.
using Body = std::vector<Expr>;

enum class TermKind : uint8_t {
  kNull,
  kBoolean,              // boolean
  kNumber,               // text: literal as written
  kString,               // text: decoded value
  kVar,                  // text: name
  kRef,                  // terms: head, then path elements
  kArray,                // terms: elements
  kSet,                  // terms: elements (in source order)
  kObject,               // items: key/value pairs (in source order)
  kArrayComprehension,   // terms: [head]; body
  kSetComprehension,     // terms: [head]; body
  kObjectComprehension,  // terms: [key, value]; body
  kCall,                 // terms: operator (a kRef), then arguments
  kTemplateString,       // parts; multiline for $`...`
};

// "null", "boolean", "number", "string", "var", "ref", "array", "set",
// "object", "arraycomprehension", "setcomprehension",
// "objectcomprehension", "call", "templatestring" (OPA's TypeName words).
std::string_view TermKindName(TermKind kind);

// Term
//
// One node of a value. Which members are used depends on [kind] (see
// TermKind); the others stay empty.
struct Term {
  TermKind kind = TermKind::kNull;
  Span span;
  bool boolean = false;
  std::string text;
  std::vector<Term> terms;
  std::vector<ObjectItem> items;
  Body body;
  std::vector<TemplatePart> parts;
  bool multiline = false;

  // Constructors for the compiler's rewrites (spans stay default unless set).
  static Term Null(Span span = {});
  static Term Boolean(bool value, Span span = {});
  static Term Number(std::string literal, Span span = {});
  static Term String(std::string value, Span span = {});
  static Term Var(std::string name, Span span = {});
  static Term Ref(std::vector<Term> parts, Span span = {});
  static Term Call(std::vector<Term> operator_and_args, Span span = {});

  // Is this a kVar whose name is "$N" (a `_` in the source)?
  bool IsWildcard() const;

  // For refs: "data.x.y" when every element after the head is a string that
  // is a valid identifier and the head is a var; otherwise the printed ref.
  // For vars: the name. Used for operator and rule names.
  std::string RefString() const;
};

struct ObjectItem {
  Term key;
  Term value;
};

// Whether [pred] holds for every direct subterm of [t]: the elements of
// an array or set, the parts of a ref or call, the keys and values of an
// object (not comprehension bodies or template parts). The walkers that
// ask "no variable", "constant", "cannot raise" share it.
template <typename Pred>
bool AllSubterms(const Term& t, Pred pred) {
  for (const Term& x : t.terms) {
    if (!pred(x)) return false;
  }
  for (const ObjectItem& item : t.items) {
    if (!pred(item.key) || !pred(item.value)) return false;
  }
  return true;
}

// TemplatePart
//
// A piece of a template string: literal text, or an expression in braces.
struct TemplatePart {
  Span span;
  bool is_text = true;
  std::string text;        // decoded literal text (when is_text)
  std::vector<Expr> expr;  // exactly one Expr (when !is_text)
};

// With
//
// `with target as value`: target is a kRef or kVar.
struct With {
  Span span;
  Term target;
  Term value;
};

// Every
//
// `every k, v in domain { body }`; key is absent for `every v in domain`.
struct Every {
  Span span;
  std::optional<Term> key;
  Term value;
  Term domain;
  Body body;
};

enum class ExprKind : uint8_t {
  kTerm,   // terms: [term]
  kCall,   // terms: [operator ref, operands...]
  kSome,   // terms: the declared vars (`some x, y`), or one member call
           // term (`some x in xs` is [internal.member_2(x, xs)])
  kEvery,  // every
};

// Expr
//
// One expression of a body.
struct Expr {
  ExprKind kind = ExprKind::kTerm;
  Span span;
  bool negated = false;  // `not`
  int index = 0;         // position in the enclosing body
  std::vector<Term> terms;
  std::optional<Every> every;
  std::vector<With> with;

  // kCall: the operator's name ("eq", "assign", "plus", "count", "a.b.f").
  std::string OperatorName() const;
  // kCall: operand [i] (0-based, after the operator); nullptr if absent.
  const Term* Operand(size_t i) const;
};

// Head
//
// The head of a rule. ref names the document: ref[0] is a kVar, the rest
// are keys (`.name` gives kString, `[x]` gives the term written).
//   p := 1            ref [p], value 1, assign
//   p[x] := 1         ref [p, x], value 1  (single-value rule keyed by x)
//   a.b.c = 1         ref [a, "b", "c"], value 1
//   p contains x      ref [p], key x, no value
//   f(x, y) := z      ref [f], args [x, y], value z
//   p if ...          ref [p], value true (value_generated)
struct Head {
  Span span;
  std::vector<Term> ref;
  std::vector<Term> args;
  std::optional<Term> key;    // multi-value (`contains`) rules only
  std::optional<Term> value;  // absent only for multi-value rules
  bool assign = false;        // written with `:=` (false: `=` or none)
  bool value_generated = false;

  bool IsFunction() const { return !args.empty(); }
  bool IsMultiValue() const { return key.has_value() && !value.has_value(); }
  // The ref as text: "p", "a.b.c", "p[x]".
  std::string RefString() const;
};

// Rule
//
// One rule definition. An else chain `p := 1 if {a} else := 2 if {b}` is
// one Rule whose elses hold the alternatives in order; each else has a copy
// of the head (ref and args) with its own value and body.
struct Rule {
  Span span;
  Head head;
  Body body;
  bool is_default = false;
  bool body_generated = false;  // no body was written: body is [true]
  std::vector<Rule> elses;
};

struct Package {
  Span span;
  std::vector<Term> path;  // [Var data, String a, String b] for `package a.b`

  // "a.b" for `package a.b` (data omitted).
  std::string PathString() const;
};

struct Import {
  Span span;
  Term path;          // kRef: data.x.y, input.z, future.keywords.in, rego.v1
  std::string alias;  // "" when absent
};

struct Comment {
  Span span;
  std::string text;  // after the '#'
};

struct Module {
  std::shared_ptr<const SourceFile> source;
  Package package;
  std::vector<Import> imports;
  std::vector<Rule> rules;
  std::vector<Comment> comments;
  // METADATA blocks in source order (annotations.h).
  std::vector<Annotations> annotations;
  // `import rego.v1` and `import future.keywords...`: no-ops in Rego v1,
  // so not in imports; kept for tools that print the module (ast_json.h).
  std::vector<Import> keyword_imports;
};

// Printers (ast_printer.cc): Rego text, calls in prefix form, wildcards as
// `_`. The result parses back to the same tree (spans aside).
std::string ToString(const Term& term);
std::string ToString(const Expr& expr);
std::string ToString(const Body& body);  // exprs joined by "; "
std::string ToString(const Rule& rule);
std::string ToString(const Module& module);  // package, imports, rules; one per line

// IsIdentifier()
//
// Whether [name] is a Rego identifier ([a-zA-Z_][a-zA-Z0-9_]*).
bool IsIdentifier(std::string_view name);

// IsKeyword()
//
// Whether [name] is a Rego v1 keyword (`if`, `contains`, `in`, ...).
bool IsKeyword(std::string_view name);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_AST_H_
