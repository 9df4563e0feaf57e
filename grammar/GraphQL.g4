// GraphQL.g4: GraphQL documents (spec, October 2021 edition), as accepted by
// the gqlparser library OPA's graphql.* builtins use.
//
// Two start rules: queryDocument (executable documents: operations and
// fragments) and schemaDocument (type system documents: schema, types,
// directives, extensions, descriptions). The C++ lexer and parser are
// generated at build time into lib/graphql (see grammar/README.md) and driven
// by lib/graphql/parse.cc, the only file that sees ANTLR.
//
// Every decision in the parser rules is LL(1), as in gqlparser's recursive
// descent, so that a syntax error surfaces at the token gqlparser would
// reject; parse.cc turns ANTLR's failure (rule, expected tokens, offending
// token) into gqlparser's message ("Expected Name, found }", "Unexpected
// Name \"on\"", "expected at least one definition, found )"). Where gqlparser
// accepts more than the spec (a `schema` or `enum` without a body, a type
// without fields: the schema validator rejects those later), so does this
// grammar.
//
// Keywords are tokens of their own and every one of them is also a `name`.
// The lexer reads bytes (parse.cc feeds it UTF-8 bytes): non-ASCII bytes
// only occur in strings and comments. Malformed strings and numbers are
// BAD_* tokens ending where gqlparser's lexer reports them.
grammar GraphQL;

// ---------------------------------------------------------------------------
// Executable documents

queryDocument : executableDefinition* EOF ;

executableDefinition
  : operationDefinition
  | fragmentDefinition
  ;

operationDefinition
  : selectionSet
  | operationType name? variableDefinitions? directive* selectionSet
  ;

operationType : QUERY | MUTATION | SUBSCRIPTION ;

variableDefinitions : LPAREN variableDefinition+ RPAREN ;

variableDefinition : variable COLON typeRef (EQUALS constValue)? directive* ;

variable : DOLLAR name ;

selectionSet : LBRACE selection+ RBRACE ;

selection
  : field
  | fragmentSelection
  ;

// `alias: name` or just `name`; the first name is the alias when a colon
// follows (decided by the builder, keeping the rule LL(1)).
field : name (COLON name)? arguments? directive* selectionSet? ;

fragmentSelection
  : SPREAD ( fragmentName directive*                        // fragment spread
           | (ON name)? directive* selectionSet             // inline fragment
           )
  ;

fragmentDefinition
  : FRAGMENT fragmentName variableDefinitions? ON name directive* selectionSet
  ;

// Any name but `on`.
fragmentName
  : NAME | QUERY | MUTATION | SUBSCRIPTION | FRAGMENT | TRUE_KW | FALSE_KW | NULL_KW
  | SCHEMA | SCALAR | TYPE | INTERFACE | UNION | ENUM | INPUT | EXTEND
  | DIRECTIVE | IMPLEMENTS | REPEATABLE
  | LOC_QUERY | LOC_MUTATION | LOC_SUBSCRIPTION | LOC_FIELD
  | LOC_FRAGMENT_DEFINITION | LOC_FRAGMENT_SPREAD | LOC_INLINE_FRAGMENT
  | LOC_VARIABLE_DEFINITION | LOC_SCHEMA | LOC_SCALAR | LOC_OBJECT
  | LOC_FIELD_DEFINITION | LOC_ARGUMENT_DEFINITION | LOC_INTERFACE
  | LOC_UNION | LOC_ENUM | LOC_ENUM_VALUE | LOC_INPUT_OBJECT
  | LOC_INPUT_FIELD_DEFINITION
  ;

arguments : LPAREN argument+ RPAREN ;
argument : name COLON value ;

constArguments : LPAREN constArgument+ RPAREN ;
constArgument : name COLON constValue ;

directive : AT name arguments? ;
constDirective : AT name constArguments? ;

value
  : variable
  | INT
  | FLOAT
  | STRING
  | BLOCK_STRING
  | TRUE_KW
  | FALSE_KW
  | NULL_KW
  | enumValue
  | listValue
  | objectValue
  ;

constValue
  : INT
  | FLOAT
  | STRING
  | BLOCK_STRING
  | TRUE_KW
  | FALSE_KW
  | NULL_KW
  | enumValue
  | constListValue
  | constObjectValue
  ;

// Any name but true, false and null.
enumValue
  : NAME | QUERY | MUTATION | SUBSCRIPTION | FRAGMENT | ON | SCHEMA | SCALAR
  | TYPE | INTERFACE | UNION | ENUM | INPUT | EXTEND | DIRECTIVE | IMPLEMENTS
  | REPEATABLE
  | LOC_QUERY | LOC_MUTATION | LOC_SUBSCRIPTION | LOC_FIELD
  | LOC_FRAGMENT_DEFINITION | LOC_FRAGMENT_SPREAD | LOC_INLINE_FRAGMENT
  | LOC_VARIABLE_DEFINITION | LOC_SCHEMA | LOC_SCALAR | LOC_OBJECT
  | LOC_FIELD_DEFINITION | LOC_ARGUMENT_DEFINITION | LOC_INTERFACE
  | LOC_UNION | LOC_ENUM | LOC_ENUM_VALUE | LOC_INPUT_OBJECT
  | LOC_INPUT_FIELD_DEFINITION
  ;

listValue : LBRACKET value* RBRACKET ;
objectValue : LBRACE objectField* RBRACE ;
objectField : name COLON value ;

constListValue : LBRACKET constValue* RBRACKET ;
constObjectValue : LBRACE constObjectField* RBRACE ;
constObjectField : name COLON constValue ;

typeRef : (name | listType) BANG? ;
listType : LBRACKET typeRef RBRACKET ;

// ---------------------------------------------------------------------------
// Type system documents

schemaDocument : typeSystemDefinition* EOF ;

typeSystemDefinition
  : description? ( schemaDefinition | typeDefinition | directiveDefinition )
  | typeSystemExtension
  ;

description : STRING | BLOCK_STRING ;

schemaDefinition : SCHEMA constDirective* operationTypesDefinition? ;

operationTypesDefinition : LBRACE operationTypeDefinition+ RBRACE ;

operationTypeDefinition : operationType COLON name ;

typeDefinition
  : scalarTypeDefinition
  | objectTypeDefinition
  | interfaceTypeDefinition
  | unionTypeDefinition
  | enumTypeDefinition
  | inputObjectTypeDefinition
  ;

scalarTypeDefinition : SCALAR name constDirective* ;

objectTypeDefinition
  : TYPE name implementsInterfaces? constDirective* fieldsDefinition?
  ;

interfaceTypeDefinition
  : INTERFACE name implementsInterfaces? constDirective* fieldsDefinition?
  ;

implementsInterfaces : IMPLEMENTS AMP? name (AMP name)* ;

fieldsDefinition : LBRACE fieldDefinition+ RBRACE ;

fieldDefinition
  : description? name argumentsDefinition? COLON typeRef constDirective*
  ;

argumentsDefinition : LPAREN inputValueDefinition+ RPAREN ;

inputValueDefinition
  : description? name COLON typeRef (EQUALS constValue)? constDirective*
  ;

unionTypeDefinition : UNION name constDirective* unionMemberTypes? ;

unionMemberTypes : EQUALS PIPE? name (PIPE name)* ;

enumTypeDefinition : ENUM name constDirective* enumValuesDefinition? ;

enumValuesDefinition : LBRACE enumValueDefinition+ RBRACE ;

enumValueDefinition : description? name constDirective* ;

inputObjectTypeDefinition
  : INPUT name constDirective* inputFieldsDefinition?
  ;

inputFieldsDefinition : LBRACE inputValueDefinition+ RBRACE ;

directiveDefinition
  : DIRECTIVE AT name argumentsDefinition? REPEATABLE? ON
    PIPE? directiveLocation (PIPE directiveLocation)*
  ;

directiveLocation
  : LOC_QUERY | LOC_MUTATION | LOC_SUBSCRIPTION | LOC_FIELD
  | LOC_FRAGMENT_DEFINITION | LOC_FRAGMENT_SPREAD | LOC_INLINE_FRAGMENT
  | LOC_VARIABLE_DEFINITION | LOC_SCHEMA | LOC_SCALAR | LOC_OBJECT
  | LOC_FIELD_DEFINITION | LOC_ARGUMENT_DEFINITION | LOC_INTERFACE
  | LOC_UNION | LOC_ENUM | LOC_ENUM_VALUE | LOC_INPUT_OBJECT
  | LOC_INPUT_FIELD_DEFINITION
  ;

// An extension must extend something: each alternative below requires at
// least one part, so `extend type T` alone fails at the token after T.
typeSystemExtension
  : EXTEND ( schemaExtension
           | scalarTypeExtension
           | objectTypeExtension
           | interfaceTypeExtension
           | unionTypeExtension
           | enumTypeExtension
           | inputObjectTypeExtension
           )
  ;

schemaExtension
  : SCHEMA ( constDirective+ operationTypesDefinition?
           | operationTypesDefinition
           )
  ;

scalarTypeExtension : SCALAR name constDirective+ ;

objectTypeExtension
  : TYPE name ( implementsInterfaces constDirective* fieldsDefinition?
              | constDirective+ fieldsDefinition?
              | fieldsDefinition
              )
  ;

interfaceTypeExtension
  : INTERFACE name ( constDirective+ fieldsDefinition?
                   | fieldsDefinition
                   )
  ;

unionTypeExtension
  : UNION name ( constDirective+ unionMemberTypes?
               | unionMemberTypes
               )
  ;

enumTypeExtension
  : ENUM name ( constDirective+ enumValuesDefinition?
              | enumValuesDefinition
              )
  ;

// gqlparser reads variables in the directives of input extensions.
inputObjectTypeExtension
  : INPUT name ( directive+ inputFieldsDefinition?
               | inputFieldsDefinition
               )
  ;

// Every name, keywords included.
name
  : NAME | QUERY | MUTATION | SUBSCRIPTION | FRAGMENT | ON | TRUE_KW | FALSE_KW
  | NULL_KW | SCHEMA | SCALAR | TYPE | INTERFACE | UNION | ENUM | INPUT | EXTEND
  | DIRECTIVE | IMPLEMENTS | REPEATABLE
  | LOC_QUERY | LOC_MUTATION | LOC_SUBSCRIPTION | LOC_FIELD
  | LOC_FRAGMENT_DEFINITION | LOC_FRAGMENT_SPREAD | LOC_INLINE_FRAGMENT
  | LOC_VARIABLE_DEFINITION | LOC_SCHEMA | LOC_SCALAR | LOC_OBJECT
  | LOC_FIELD_DEFINITION | LOC_ARGUMENT_DEFINITION | LOC_INTERFACE
  | LOC_UNION | LOC_ENUM | LOC_ENUM_VALUE | LOC_INPUT_OBJECT
  | LOC_INPUT_FIELD_DEFINITION
  ;

// ---------------------------------------------------------------------------
// Tokens

BANG     : '!';
DOLLAR   : '$';
AMP      : '&';
LPAREN   : '(';
RPAREN   : ')';
SPREAD   : '...';
COLON    : ':';
EQUALS   : '=';
AT       : '@';
LBRACKET : '[';
RBRACKET : ']';
LBRACE   : '{';
RBRACE   : '}';
PIPE     : '|';

QUERY        : 'query';
MUTATION     : 'mutation';
SUBSCRIPTION : 'subscription';
FRAGMENT     : 'fragment';
ON           : 'on';
TRUE_KW         : 'true';
FALSE_KW        : 'false';
NULL_KW         : 'null';
SCHEMA       : 'schema';
SCALAR       : 'scalar';
TYPE         : 'type';
INTERFACE    : 'interface';
UNION        : 'union';
ENUM         : 'enum';
INPUT        : 'input';
EXTEND       : 'extend';
DIRECTIVE    : 'directive';
IMPLEMENTS   : 'implements';
REPEATABLE   : 'repeatable';

LOC_QUERY                  : 'QUERY';
LOC_MUTATION               : 'MUTATION';
LOC_SUBSCRIPTION           : 'SUBSCRIPTION';
LOC_FIELD                  : 'FIELD';
LOC_FRAGMENT_DEFINITION    : 'FRAGMENT_DEFINITION';
LOC_FRAGMENT_SPREAD        : 'FRAGMENT_SPREAD';
LOC_INLINE_FRAGMENT        : 'INLINE_FRAGMENT';
LOC_VARIABLE_DEFINITION    : 'VARIABLE_DEFINITION';
LOC_SCHEMA                 : 'SCHEMA';
LOC_SCALAR                 : 'SCALAR';
LOC_OBJECT                 : 'OBJECT';
LOC_FIELD_DEFINITION       : 'FIELD_DEFINITION';
LOC_ARGUMENT_DEFINITION    : 'ARGUMENT_DEFINITION';
LOC_INTERFACE              : 'INTERFACE';
LOC_UNION                  : 'UNION';
LOC_ENUM                   : 'ENUM';
LOC_ENUM_VALUE             : 'ENUM_VALUE';
LOC_INPUT_OBJECT           : 'INPUT_OBJECT';
LOC_INPUT_FIELD_DEFINITION : 'INPUT_FIELD_DEFINITION';

NAME : [_A-Za-z] [_0-9A-Za-z]*;

INT   : '-'? INT_PART;
FLOAT : '-'? INT_PART (FRACTION EXPONENT? | EXPONENT);

fragment INT_PART : '0' | [1-9] [0-9]*;
fragment FRACTION : '.' [0-9]+;
fragment EXPONENT : [eE] [+-]? [0-9]+;

// A leading zero followed by a digit: the error is at that digit.
BAD_ZERO : '-'? '0' [0-9];
// A sign, fraction or exponent without digits: the error is after it.
BAD_NUMBER
  : '-'
  | '-'? INT_PART '.'
  | '-'? INT_PART FRACTION? [eE] [+-]?
  ;

// Escapes are decoded by parse.cc. A string stops at a line break.
STRING : '"' STRING_CHAR* '"';
// Unterminated, a control character, or a bad escape: the error is after
// the token (at the offending character, or at the end of the input).
BAD_STRING : '"' STRING_CHAR* '\\'?;

fragment STRING_CHAR
  : ~["\\\u0000-\u0008\u000A-\u001F]
  | '\\' ["\\/bfnrt]
  | '\\u' HEX HEX HEX HEX
  ;
fragment HEX : [0-9a-fA-F];

// """...""": any character but the closing """, with \""" for a literal
// """; line breaks are allowed.
BLOCK_STRING : '"""' BLOCK_CHAR* '"""';
BAD_BLOCK_STRING : '"""' BLOCK_CHAR*;

fragment BLOCK_CHAR
  : BLOCK_PLAIN
  | BLOCK_ESCAPE
  | '"' '"'? (BLOCK_PLAIN | BLOCK_ESCAPE)
  ;
fragment BLOCK_ESCAPE : '\\"""' | '\\';
fragment BLOCK_PLAIN : ~["\\\u0000-\u0008\u000B\u000C\u000E-\u001F];

// Commas are insignificant, like white space; so is a byte order mark.
WS : ([ \t,\r\n] | '\u00EF\u00BB\u00BF')+ -> skip;
COMMENT : '#' ~[\u0000-\u0008\u000A-\u001F]* -> skip;

// Anything else: the error is at this character.
INVALID : . ;
