// RegoLexer.g4: tokens of Rego v1 (OPA's policy language).
//
// The C++ lexer is generated at build time (see grammar/README.md); the
// generated code is compiled only into lib/syntax and is driven from
// lib/syntax/parse.cc, which also post-processes the token list:
//   - '.', '[' and '(' directly after a term (no space between) become
//     DOT_ADJ, LBRACK_ADJ and LPAREN_ADJ: only those continue a ref or call,
//     as in OPA, where `f (x)` is not a call and `a [1]` is not a ref;
//   - a keyword directly followed by '.' or '[', or directly after a '.',
//     becomes IDENT (OPA's "keywords in refs": `in.foo := 1`, `x.default`).
// Whitespace, newlines included, is skipped here: newlines only separate body
// expressions, and parse.cc checks that between the expressions it produced.
//
// Template strings ($"..{expr}.." and $`..{expr}..`) use lexer modes. Every
// '{' pushes DEFAULT_MODE and every '}' pops a mode when there is one, so the
// '}' that closes a template expression returns to the template's mode.
lexer grammar RegoLexer;

tokens { DOT_ADJ, LBRACK_ADJ, LPAREN_ADJ }

channels { COMMENTS }

// Keywords (Rego v1: the future keywords are always on).
PACKAGE  : 'package';
IMPORT   : 'import';
AS       : 'as';
DEFAULT  : 'default';
ELSE     : 'else';
WITH     : 'with';
NOT      : 'not';
SOME     : 'some';
EVERY    : 'every';
IF       : 'if';
CONTAINS : 'contains';
IN       : 'in';
NULL_KW  : 'null';
TRUE_KW  : 'true';
FALSE_KW : 'false';

IDENT : [a-zA-Z_] [a-zA-Z0-9_]*;

// Numbers are kept as written; parse.cc checks leading zeros and size.
NUMBER
  : DIGITS ('.' DIGITS)? EXPONENT?
  | '.' DIGITS EXPONENT?
  ;
// A number run into letters ("1a", "1e") is one bad token, as in OPA.
BAD_NUMBER : DIGITS ('.' DIGITS)? [a-zA-Z_] [a-zA-Z0-9_]*;
fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? DIGITS;

// Escapes are checked and decoded by parse.cc (JSON escapes).
STRING     : '"' ('\\' ~[\n] | ~["\\\n])* '"';
BAD_STRING : '"' ('\\' ~[\n] | ~["\\\n])*;  // runs into a newline or EOF
RAW_STRING     : '`' ~[`]* '`';
BAD_RAW_STRING : '`' ~[`]*;

TEMPLATE_START     : '$"' -> pushMode(TEMPLATE);
RAW_TEMPLATE_START : '$`' -> pushMode(RAW_TEMPLATE);

ASSIGN    : ':=';
EQ        : '==';
NEQ       : '!=';
LTE       : '<=';
GTE       : '>=';
UNIFY     : '=';
LT        : '<';
GT        : '>';
PLUS      : '+';
MINUS     : '-';
STAR      : '*';
SLASH     : '/';
PERCENT   : '%';
AMP       : '&';
BAR       : '|';
COMMA     : ',';
SEMICOLON : ';';
COLON     : ':';
DOT       : '.';
LBRACK    : '[';
RBRACK    : ']';
LPAREN    : '(';
RPAREN    : ')';
LBRACE    : '{' -> pushMode(DEFAULT_MODE);
RBRACE    : '}' { if (!modeStack.empty()) popMode(); };

COMMENT : '#' ~[\n]* -> channel(COMMENTS);
WS      : [ \t\r\n]+ -> skip;

// Anything else is one illegal character; the parser reports it.
ILLEGAL : .;

mode TEMPLATE;
TEMPLATE_END       : '"' -> popMode;
TEMPLATE_EXPR_OPEN : '{' -> pushMode(DEFAULT_MODE);
TEMPLATE_TEXT      : ('\\' ~[\n] | ~["\\{\n])+;
TEMPLATE_NEWLINE   : '\n';  // illegal: template strings end on their line
TEMPLATE_ILLEGAL   : .;     // a '\' before a newline

mode RAW_TEMPLATE;
RAW_TEMPLATE_END       : '`' -> popMode;
RAW_TEMPLATE_EXPR_OPEN : '{' -> pushMode(DEFAULT_MODE);
RAW_TEMPLATE_TEXT      : ('\\{' | ~[`{])+;
