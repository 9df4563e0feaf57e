// RegoParser.g4: the syntax of Rego v1 modules and queries.
//
// The grammar accepts a little more than OPA does; lib/syntax/parse.cc turns
// the parse tree into the AST (lib/syntax/ast.h) and reports, as
// rego_parse_error, what OPA's parser rejects at that point: missing newlines
// between body expressions, rule heads that are not rules, `else` on
// multi-value rules, bad escapes, and so on. Keep this file free of actions
// so that it reads as the language reference.
//
// Operator precedence, lowest first (as OPA's parser):
//   `=` `:=`  (one per expression, not inside terms)
//   `in`      (`x in xs`, `k, v in xs`; left associative)
//   `==` `!=` `<` `<=` `>` `>=`
//   `|`       (set union)
//   `&`       (set intersection)
//   `+` `-`
//   `*` `/` `%`
// Refs and calls (`a.b[c]`, `f(x)`) bind tightest and need the '.', '[' or
// '(' to touch what precedes it (the lexer's *_ADJ tokens).
parser grammar RegoParser;

options { tokenVocab = RegoLexer; }

// ---- entry points ----------------------------------------------------------

module : stmt* EOF;

// A query is a body: `data.x.p = x; y = 1` or one expression per line.
query : body? EOF;

// ---- module statements -----------------------------------------------------

stmt
  : packageDecl
  | importDecl
  | ruleDecl
  ;

packageDecl : PACKAGE path;

importDecl : IMPORT path (AS alias=IDENT)?;

// Package and import paths; the first element may be any keyword.
path : (IDENT | keyword) (DOT_ADJ refName | LBRACK_ADJ infixTerm RBRACK)*;

// Every kind of rule: complete (`p := 1`), partial set (`p contains x`),
// partial object or ref head (`p[k] := v`, `a.b.c := 1`), function
// (`f(x) := y`), default, and their bodies and else chains. Which
// combinations are legal is checked when the AST is built.
ruleDecl : DEFAULT? ruleHead ruleBody? elseClause* extraBody*;

ruleHead
  : headRef (LPAREN_ADJ termList? RPAREN)?
    (CONTAINS key=infixTerm | op=(ASSIGN | UNIFY) value=infixTerm)?
  ;

headRef : IDENT (DOT_ADJ refName | LBRACK_ADJ infixTerm RBRACK)*;

// `if` then a braced body or a single expression; a braced body without
// `if` is Rego v0 and is rejected with a helpful message.
ruleBody
  : IF ifBody
  | braceBody
  ;

ifBody
  : braceBody  // first: `if { x }` is a body, not a set
  | literal
  ;

elseClause : ELSE (op=(ASSIGN | UNIFY) value=infixTerm)? ruleBody?;

// `p if { a } { b }` defines p twice (OPA keeps this old form).
extraBody : braceBody;

braceBody : LBRACE body RBRACE;

// ---- bodies and expressions ------------------------------------------------

// Expressions are separated by ';' or a newline; parse.cc checks the newline.
body : literal (SEMICOLON? literal)*;

literal : NOT? (someDecl | everyDecl | expr) withModifier*;

someDecl
  : SOME membership            // some x in xs, some k, v in xs
  | SOME IDENT (COMMA IDENT)*  // some x, y
  ;

everyDecl : EVERY membership braceBody;

membership : relTerm (COMMA relTerm)? IN relTerm (IN relTerm)*;

withModifier : WITH target=term AS value=infixTerm;

expr : infixTerm (op=(ASSIGN | UNIFY) infixTerm)?;

// ---- terms -----------------------------------------------------------------

// An infix term where OPA allows `k, v in xs` (not inside lists).
infixTerm : relTerm (COMMA relTerm IN relTerm)? (IN relTerm)*;

// An infix term inside array, set, object and argument lists.
listTerm : relTerm (IN relTerm)*;

relTerm    : orTerm (op=(EQ | NEQ | LT | LTE | GT | GTE) orTerm)*;
orTerm     : andTerm (BAR andTerm)*;
andTerm    : arithTerm (AMP arithTerm)*;
arithTerm  : factorTerm (op=(PLUS | MINUS) factorTerm)*;
factorTerm : term (op=(STAR | SLASH | PERCENT) term)*;

term : primary suffix*;

suffix
  : DOT_ADJ refName                  # dotSuffix
  | LBRACK_ADJ infixTerm RBRACK      # bracketSuffix
  | LPAREN_ADJ termList? RPAREN      # callSuffix
  ;

primary
  : NULL_KW                                     # nullTerm
  | (TRUE_KW | FALSE_KW)                        # boolTerm
  | MINUS? NUMBER                               # numberTerm
  | STRING                                      # stringTerm
  | RAW_STRING                                  # rawStringTerm
  | templateString                              # templateTerm
  | (IDENT | CONTAINS)                          # varTerm
  | LBRACK term BAR body RBRACK                 # arrayComprehension
  | LBRACK termList? RBRACK                     # arrayTerm
  | LBRACE term BAR body RBRACE                 # setComprehension
  | LBRACE listTerm COLON term BAR body RBRACE  # objectComprehension
  | LBRACE RBRACE                               # emptyObject
  | LBRACE objectItem (COMMA objectItem)* COMMA? RBRACE  # objectTerm
  | LBRACE termList RBRACE                      # setTerm
  | LPAREN infixTerm RPAREN                     # parenTerm
  ;

termList : listTerm (COMMA listTerm)* COMMA?;

objectItem : key=listTerm COLON value=listTerm;

templateString
  : TEMPLATE_START (TEMPLATE_TEXT | TEMPLATE_EXPR_OPEN literal RBRACE)* TEMPLATE_END
  | RAW_TEMPLATE_START (RAW_TEMPLATE_TEXT | RAW_TEMPLATE_EXPR_OPEN literal RBRACE)* RAW_TEMPLATE_END
  ;

// After '.', any keyword is a plain key: `foo.in`, `data.x.default`.
refName : IDENT | keyword;

keyword
  : PACKAGE | IMPORT | AS | DEFAULT | ELSE | WITH | NOT | SOME | EVERY | IF
  | CONTAINS | IN | NULL_KW | TRUE_KW | FALSE_KW
  ;
