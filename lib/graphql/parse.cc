// File: lib/graphql/parse.cc
//
// GraphQL text -> documents: drives the ANTLR lexer and parser generated
// from grammar/GraphQL.g4 and builds the documents of ast.h from the parse
// tree. The ONLY file that sees ANTLR; everything ANTLR throws is caught
// here. Entry points: ParseQuery, ParseSchema (parse.h).
//
// Steps (Parse()):
//  1. Lex the bytes (ByteStream: one ANTLR character per byte, so token
//     indices are byte offsets). The lexer never fails: malformed strings and
//     numbers, and stray characters, are BAD_* / INVALID tokens.
//  2. Refuse bracket nesting deeper than limits::kMaxGraphQLDepth before the
//     recursive parser runs; deeply nested input is parsed on a thread with a
//     large stack.
//  3. Parse with FirstError, an error strategy that stops at the first
//     problem and turns it into gqlparser's message (see Describe()).
//  4. Build the document (Builder), with gqlparser's positions: line and
//     column in characters, lines ended by \n, \r or \r\n, a string token
//     placed after its opening quote(s).
//
// How errors are worded. gqlparser is a recursive descent parser that peeks
// one token; the grammar keeps every decision LL(1) so ANTLR fails at the
// same token. The message depends on what gqlparser was about to parse:
//   - a rule that had consumed nothing yet (the outermost such context U):
//     what that rule expects first ("Expected Name, found }" for a field,
//     "Expected $, found Name" for a variable definition, "Expected {, found
//     X" for a selection set, "Unexpected X" for a value or a definition);
//     "expected at least one definition, found }" when U is the first
//     element of a non-empty list ({...}, (...)) and the token closes it;
//   - a list that did not find its closing token after an element: what the
//     next element expects first (gqlparser loops until the closing token);
//   - any other missing token K: "Expected K, found X" (for keywords,
//     `Expected "on", found Name "Type"`);
//   - anything else: "Unexpected X".
// X is printed as gqlparser's lexer token: `Name "foo"`, `String "s"`, `}`,
// `<EOF>`, `<Invalid>` (for malformed tokens).
//
// Tested by tests/builtins/graphql_test.cc and the conformance folder
// graphql/.
#include "graphql/parse.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "GraphQLLexer.h"
#include "GraphQLParser.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "antlr4-runtime.h"
#include "base/limits.h"
#include "base/large_stack.h"

namespace verdict::graphql {
namespace {

using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;
using verdict_graphql_antlr::GraphQLLexer;
using verdict_graphql_antlr::GraphQLParser;
using P = verdict_graphql_antlr::GraphQLParser;

// ---------------------------------------------------------------------------
// ByteStream: the source bytes as ANTLR characters, one byte each.

class ByteStream : public antlr4::CharStream {
 public:
  explicit ByteStream(std::string_view data) : data_(data) {}

  void consume() override {
    if (p_ >= data_.size()) throw antlr4::IllegalStateException("cannot consume EOF");
    ++p_;
  }
  size_t LA(ssize_t i) override {
    if (i == 0) return 0;
    ssize_t pos = i > 0 ? static_cast<ssize_t>(p_) + i - 1 : static_cast<ssize_t>(p_) + i;
    if (pos < 0 || pos >= static_cast<ssize_t>(data_.size())) return antlr4::IntStream::EOF;
    return static_cast<unsigned char>(data_[pos]);
  }
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, data_.size()); }
  size_t size() override { return data_.size(); }
  std::string getSourceName() const override { return "input"; }
  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < interval.a) return "";
    size_t a = static_cast<size_t>(interval.a);
    size_t b = std::min(static_cast<size_t>(interval.b) + 1, data_.size());
    if (a >= b) return "";
    return std::string(data_.substr(a, b - a));
  }
  std::string toString() const override { return std::string(data_); }

 private:
  std::string_view data_;
  size_t p_ = 0;
};

// ---------------------------------------------------------------------------
// Lines and columns as gqlparser counts them.

class LineTable {
 public:
  explicit LineTable(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        starts_.push_back(i + 1);
      } else if (text[i] == '\r') {
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        starts_.push_back(i + 1);
      }
    }
  }

  // 1-based line and column (in characters) of byte [offset].
  Pos At(size_t offset, bool prelude) const {
    offset = std::min(offset, text_.size());
    size_t line = static_cast<size_t>(
        std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin());
    size_t start = starts_[line - 1];
    int column = 1;
    for (size_t i = start; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    Pos pos = Pos::At(static_cast<int>(line), column);
    pos.prelude = prelude;
    return pos;
  }

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
};

bool IsInvalidToken(size_t type) {
  switch (type) {
    case P::BAD_ZERO:
    case P::BAD_NUMBER:
    case P::BAD_STRING:
    case P::BAD_BLOCK_STRING:
    case P::INVALID:
      return true;
    default:
      return false;
  }
}

// Where gqlparser places a token (or, for a malformed one, its error).
size_t TokenOffset(const Token* t, size_t text_size) {
  switch (t->getType()) {
    case Token::EOF: return text_size;
    case P::STRING: return t->getStartIndex() + 1;
    case P::BLOCK_STRING: return t->getStartIndex() + 3;
    case P::BAD_ZERO: return t->getStopIndex();
    case P::BAD_NUMBER:
    case P::BAD_STRING:
    case P::BAD_BLOCK_STRING: return t->getStopIndex() + 1;
    default: return t->getStartIndex();
  }
}

// ---------------------------------------------------------------------------
// String literals.

void AppendRune(std::string& out, uint32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;  // as Go's WriteRune
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of a STRING token (the lexer has checked its escapes).
std::string StringValue(std::string_view text) {
  std::string_view body = text.substr(1, text.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t r = 0;
        for (size_t k = 1; k <= 4 && i + k < body.size(); ++k) {
          r = (r << 4) | static_cast<uint32_t>(std::max(0, HexDigit(body[i + k])));
        }
        i += 4;
        AppendRune(out, r);
        break;
      }
      default: out += e; break;  // " / backslash
    }
  }
  return out;
}

// Leading spaces and tabs of a line (in bytes); npos when the line is blank.
size_t LeadingWhitespace(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ' && line[i] != '\t') return i;
  }
  return std::string_view::npos;
}

// The value of a BLOCK_STRING token: gqlparser's blockStringValue (which,
// unlike the spec's algorithm, lets the first line count towards the common
// indentation) over the raw text with \""" unescaped and line breaks as \n.
std::string BlockStringValue(std::string_view text) {
  std::string_view body = text.substr(3, text.size() - 6);
  std::string raw;
  raw.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body.substr(i, 4) == "\\\"\"\"") {
      raw += "\"\"\"";
      i += 3;
    } else if (body[i] == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
      raw += '\n';
    } else {
      raw += body[i];
    }
  }
  std::vector<std::string_view> lines;
  size_t from = 0;
  std::string_view all = raw;
  for (;;) {
    size_t nl = all.find('\n', from);
    if (nl == std::string_view::npos) {
      lines.push_back(all.substr(from));
      break;
    }
    lines.push_back(all.substr(from, nl - from));
    from = nl + 1;
  }
  size_t common = std::string_view::npos;
  for (std::string_view line : lines) {
    size_t indent = LeadingWhitespace(line);
    if (indent != std::string_view::npos && indent < common) {
      common = indent;
      if (common == 0) break;
    }
  }
  if (common != std::string_view::npos) {
    for (size_t i = 1; i < lines.size(); ++i) {
      lines[i] = lines[i].size() < common ? std::string_view() : lines[i].substr(common);
    }
  }
  size_t start = 0;
  size_t end = lines.size();
  while (start < end && LeadingWhitespace(lines[start]) == std::string_view::npos) ++start;
  while (start < end && LeadingWhitespace(lines[end - 1]) == std::string_view::npos) --end;
  std::string out;
  for (size_t i = start; i < end; ++i) {
    if (i > start) out += '\n';
    out.append(lines[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Tokens as gqlparser's lexer names them in messages.

bool IsNameToken(size_t type) {
  return type == P::NAME || (type >= P::QUERY && type <= P::LOC_INPUT_FIELD_DEFINITION);
}

bool IsKeywordToken(size_t type) {
  return type >= P::QUERY && type <= P::REPEATABLE;
}

// gqlparser's Type.String(): the token kind.
std::string KindString(size_t type) {
  if (type == Token::EOF) return "<EOF>";
  if (IsNameToken(type)) return "Name";
  switch (type) {
    case P::BANG: return "!";
    case P::DOLLAR: return "$";
    case P::AMP: return "&";
    case P::LPAREN: return "(";
    case P::RPAREN: return ")";
    case P::SPREAD: return "...";
    case P::COLON: return ":";
    case P::EQUALS: return "=";
    case P::AT: return "@";
    case P::LBRACKET: return "[";
    case P::RBRACKET: return "]";
    case P::LBRACE: return "{";
    case P::RBRACE: return "}";
    case P::PIPE: return "|";
    case P::INT: return "Int";
    case P::FLOAT: return "Float";
    case P::STRING: return "String";
    case P::BLOCK_STRING: return "BlockString";
    default: return "<Invalid>";
  }
}

// The token's value as gqlparser's lexer holds it.
std::string TokenValue(const Token* t) {
  size_t type = t->getType();
  if (IsNameToken(type) || type == P::INT || type == P::FLOAT) return t->getText();
  if (type == P::STRING) return StringValue(t->getText());
  if (type == P::BLOCK_STRING) return BlockStringValue(t->getText());
  return "";
}

// gqlparser's Token.String(): `Name "foo"`, `}`, `<EOF>`.
std::string TokenString(const Token* t) {
  std::string value = TokenValue(t);
  if (value.empty()) return KindString(t->getType());
  return absl::StrCat(KindString(t->getType()), " ", GoQuote(value));
}

// ---------------------------------------------------------------------------
// Error wording (see the file comment).

enum class Expect {
  kGeneric,    // by what ANTLR wanted
  kName,       // "Expected Name, found X"
  kNameOnly,   // a name token not allowed here is "Unexpected"; else kName
  kDollar,     // "Expected $, found X"
  kBrace,      // "Expected {, found X"
  kUnexpected, // "Unexpected X"
};

// What gqlparser expects first when it starts parsing rule [rule].
Expect StartExpectation(size_t rule) {
  switch (rule) {
    case P::RuleName:
    case P::RuleField:
    case P::RuleSelection:
    case P::RuleArgument:
    case P::RuleConstArgument:
    case P::RuleObjectField:
    case P::RuleConstObjectField:
    case P::RuleFieldDefinition:
    case P::RuleInputValueDefinition:
    case P::RuleEnumValueDefinition:
    case P::RuleTypeRef:
      return Expect::kName;
    case P::RuleFragmentName:
    case P::RuleDirectiveLocation:
      return Expect::kNameOnly;
    case P::RuleVariableDefinition:
    case P::RuleVariable:
      return Expect::kDollar;
    case P::RuleSelectionSet:
      return Expect::kBrace;
    case P::RuleValue:
    case P::RuleConstValue:
    case P::RuleDirective:
    case P::RuleConstDirective:
    case P::RuleOperationTypeDefinition:
    case P::RuleOperationType:
    case P::RuleExecutableDefinition:
    case P::RuleTypeSystemDefinition:
    case P::RuleQueryDocument:
    case P::RuleSchemaDocument:
      return Expect::kUnexpected;
    default:
      return Expect::kGeneric;
  }
}

// Lists: their closing token, what an element expects first, and whether
// gqlparser requires at least one element ("some" rather than "many").
struct ListRule {
  size_t close;
  Expect element;
  bool at_least_one;
};

bool ListRuleOf(size_t rule, ListRule* out) {
  switch (rule) {
    case P::RuleQueryDocument:
    case P::RuleSchemaDocument:
      *out = {Token::EOF, Expect::kUnexpected, false};
      return true;
    case P::RuleSelectionSet:
      *out = {P::RBRACE, Expect::kName, true};
      return true;
    case P::RuleVariableDefinitions:
      *out = {P::RPAREN, Expect::kDollar, true};
      return true;
    case P::RuleArguments:
    case P::RuleConstArguments:
    case P::RuleArgumentsDefinition:
      *out = {P::RPAREN, Expect::kName, true};
      return true;
    case P::RuleFieldsDefinition:
    case P::RuleEnumValuesDefinition:
    case P::RuleInputFieldsDefinition:
      *out = {P::RBRACE, Expect::kName, true};
      return true;
    case P::RuleOperationTypesDefinition:
      *out = {P::RBRACE, Expect::kUnexpected, true};
      return true;
    case P::RuleListValue:
    case P::RuleConstListValue:
      *out = {P::RBRACKET, Expect::kUnexpected, false};
      return true;
    case P::RuleObjectValue:
    case P::RuleConstObjectValue:
      *out = {P::RBRACE, Expect::kName, false};
      return true;
    default:
      return false;
  }
}

// gqlparser's lexer message for a malformed token, which surfaces where
// gqlparser consumes a token without looking at it first (an operation type
// in a schema definition).
std::string LexerMessage(const Token* t) {
  std::string text = t->getText();
  unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
  switch (t->getType()) {
    case P::BAD_ZERO:
      return absl::StrCat("Invalid number, unexpected digit after 0: \"",
                          std::string(1, text.back()), "\".");
    case P::BAD_NUMBER: {
      antlr4::CharStream* in = t->getInputStream();
      ssize_t next = static_cast<ssize_t>(t->getStopIndex()) + 1;
      std::string got = in != nullptr && static_cast<size_t>(next) < in->size()
                            ? "\"" + in->getText(antlr4::misc::Interval(next, next)) + "\""
                            : std::string("<EOF>");
      return "Invalid number, expected digit but got: " + got + ".";
    }
    case P::BAD_STRING:
    case P::BAD_BLOCK_STRING:
      return "Unterminated string.";
    default:
      if (c == '\'') {
        return "Unexpected single quote character ('), did you mean to use a double quote (\")?";
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return absl::StrCat("Cannot contain the invalid character \"\\u",
                            absl::StrFormat("%04d", c), "\"");
      }
      return absl::StrCat("Cannot parse the unexpected character \"", text, "\".");
  }
}

struct Failure {
  bool set = false;
  std::string message;
  size_t offset = 0;  // byte offset of the reported position
};

bool Consumed(ParserRuleContext* ctx, const Token* offending) {
  return ctx->getStart() == nullptr ||
         ctx->getStart()->getTokenIndex() != offending->getTokenIndex();
}

// An error strategy that stops at the first problem and words it.
class FirstError : public antlr4::DefaultErrorStrategy {
 public:
  FirstError(Failure* failure, size_t text_size)
      : failure_(failure), text_size_(text_size) {}

  void sync(antlr4::Parser*) override {}

  Token* recoverInline(antlr4::Parser* parser) override {
    Record(parser, parser->getContext(), parser->getCurrentToken(), true);
    throw antlr4::ParseCancellationException();
  }

  void reportError(antlr4::Parser* parser, const antlr4::RecognitionException& e) override {
    Token* offending = e.getOffendingToken();
    if (offending == nullptr) offending = parser->getCurrentToken();
    auto* ctx = dynamic_cast<ParserRuleContext*>(e.getCtx());
    Record(parser, ctx != nullptr ? ctx : parser->getContext(), offending, false);
  }

  void recover(antlr4::Parser*, std::exception_ptr) override {
    throw antlr4::ParseCancellationException();
  }

 private:
  void Set(std::string message, const Token* at) {
    failure_->set = true;
    failure_->message = std::move(message);
    failure_->offset = TokenOffset(at, text_size_);
  }

  void SetExpect(Expect expect, const Token* t) {
    size_t type = t->getType();
    switch (expect) {
      case Expect::kNameOnly:
        if (IsNameToken(type)) return Set("Unexpected " + TokenString(t), t);
        [[fallthrough]];
      case Expect::kName:
        return Set("Expected Name, found " + KindString(type), t);
      case Expect::kDollar:
        return Set("Expected $, found " + KindString(type), t);
      case Expect::kBrace:
        return Set("Expected {, found " + KindString(type), t);
      case Expect::kUnexpected:
      case Expect::kGeneric:
        return Set("Unexpected " + TokenString(t), t);
    }
  }

  void Record(antlr4::Parser* parser, ParserRuleContext* ctx, Token* t, bool mismatch) {
    if (failure_->set || t == nullptr) return;
    if (ctx == nullptr) return Set("Unexpected " + TokenString(t), t);
    size_t type = t->getType();

    if (!Consumed(ctx, t)) {
      // The outermost context that has consumed nothing yet.
      ParserRuleContext* u = ctx;
      while (auto* parent = dynamic_cast<ParserRuleContext*>(u->parent)) {
        if (Consumed(parent, t)) break;
        u = parent;
      }
      auto* parent = dynamic_cast<ParserRuleContext*>(u->parent);
      ListRule list;
      if (parent != nullptr && ListRuleOf(parent->getRuleIndex(), &list) &&
          list.at_least_one && parent->children.size() == 2 &&
          parent->children[1] == u && type == list.close) {
        return Set("expected at least one definition, found " + KindString(type), t);
      }
      size_t rule = u->getRuleIndex();
      if (IsInvalidToken(type) && (rule == P::RuleOperationTypeDefinition ||
                                   rule == P::RuleOperationType)) {
        return Set(LexerMessage(t), t);
      }
      Expect expect = StartExpectation(rule);
      if (expect != Expect::kGeneric) return SetExpect(expect, t);
    } else {
      size_t rule = ctx->getRuleIndex();
      ListRule list;
      if (mismatch && ListRuleOf(rule, &list)) {
        if (IsInvalidToken(type) && rule == P::RuleOperationTypesDefinition) {
          return Set(LexerMessage(t), t);
        }
        return SetExpect(list.element, t);
      }
      if (rule == P::RuleFragmentSelection) return SetExpect(Expect::kBrace, t);
      if (rule == P::RuleTypeSystemDefinition && type == P::EXTEND) {
        // gqlparser: a description cannot precede an extension.
        auto* d = dynamic_cast<GraphQLParser::TypeSystemDefinitionContext*>(ctx);
        if (d != nullptr && d->description() != nullptr) {
          Token* desc = d->description()->getStart();
          return Set("Unexpected " + TokenString(desc), desc);
        }
      }
    }

    // Generic: what ANTLR wanted.
    if (mismatch) {
      antlr4::misc::IntervalSet expected;
      try {
        expected = parser->getExpectedTokens();
      } catch (const std::exception&) {
      }
      if (expected.size() == 1) {
        size_t want = static_cast<size_t>(expected.getSingleElement());
        if (IsKeywordToken(want)) {
          std::string literal = parser->getVocabulary().getLiteralName(want);
          if (literal.size() >= 2) literal = literal.substr(1, literal.size() - 2);
          return Set(absl::StrCat("Expected ", GoQuote(literal), ", found ", TokenString(t)), t);
        }
        return Set(absl::StrCat("Expected ", KindString(want), ", found ", KindString(type)), t);
      }
    }
    Set("Unexpected " + TokenString(t), t);
  }

  Failure* failure_;
  size_t text_size_;
};

// ---------------------------------------------------------------------------
// Builder: parse tree -> document.

class Builder {
 public:
  Builder(const LineTable& lines, size_t text_size, antlr4::TokenStream* tokens,
          bool prelude)
      : lines_(lines), text_size_(text_size), tokens_(tokens), prelude_(prelude) {}

  void BuildQuery(GraphQLParser::QueryDocumentContext* ctx, QueryDocument* out);
  void BuildSchema(GraphQLParser::SchemaDocumentContext* ctx, SchemaDocument* out);

 private:
  Pos PosOf(const Token* t) const {
    return lines_.At(TokenOffset(t, text_size_), prelude_);
  }
  Pos PosOf(ParserRuleContext* ctx) const { return PosOf(ctx->getStart()); }
  // The token after [t] (gqlparser's peekPos after consuming it).
  Pos PosAfter(const Token* t) const {
    return PosOf(tokens_->get(t->getTokenIndex() + 1));
  }

  // Children of [ctx] of context type C, in order.
  template <typename C>
  static std::vector<C*> All(ParserRuleContext* ctx) {
    std::vector<C*> out;
    for (ParseTree* child : ctx->children) {
      if (auto* c = dynamic_cast<C*>(child)) out.push_back(c);
    }
    return out;
  }
  static bool HasToken(ParserRuleContext* ctx, size_t type) {
    for (ParseTree* child : ctx->children) {
      if (auto* t = dynamic_cast<TerminalNode*>(child)) {
        if (t->getSymbol()->getType() == type) return true;
      }
    }
    return false;
  }

  std::string Description(GraphQLParser::DescriptionContext* ctx) {
    return ctx == nullptr ? std::string() : TokenValue(ctx->getStart());
  }

  void OperationDefinition(GraphQLParser::OperationDefinitionContext* ctx,
                           graphql::OperationDefinition* op);
  void FragmentDefinition(GraphQLParser::FragmentDefinitionContext* ctx,
                          graphql::FragmentDefinition* frag);
  std::vector<VariableDefinition> VariableDefinitions(
      GraphQLParser::VariableDefinitionsContext* ctx);
  SelectionSet Selections(GraphQLParser::SelectionSetContext* ctx);
  Selection Field(GraphQLParser::FieldContext* ctx);
  Selection Fragment(GraphQLParser::FragmentSelectionContext* ctx);
  std::vector<Directive> Directives(ParserRuleContext* ctx);
  Directive DirectiveOf(ParserRuleContext* ctx);
  std::vector<Argument> Arguments(ParserRuleContext* ctx);
  std::unique_ptr<Value> ValueOf(ParserRuleContext* ctx);
  std::unique_ptr<Type> TypeOf(GraphQLParser::TypeRefContext* ctx);

  void TypeSystemDefinition(GraphQLParser::TypeSystemDefinitionContext* ctx,
                            SchemaDocument* out);
  void Extension(GraphQLParser::TypeSystemExtensionContext* ctx, SchemaDocument* out);
  SchemaDefinition SchemaDef(ParserRuleContext* ctx, const Token* keyword,
                             std::string description);
  std::vector<FieldDefinition> Fields(ParserRuleContext* fields_ctx);
  FieldDefinition InputValue(GraphQLParser::InputValueDefinitionContext* ctx);
  std::vector<ArgumentDefinition> ArgumentDefs(GraphQLParser::ArgumentsDefinitionContext* ctx);
  std::vector<std::string> Interfaces(GraphQLParser::ImplementsInterfacesContext* ctx);
  std::vector<std::string> UnionMembers(GraphQLParser::UnionMemberTypesContext* ctx);
  std::vector<EnumValueDefinition> EnumValues(GraphQLParser::EnumValuesDefinitionContext* ctx);
  Definition DefinitionOf(ParserRuleContext* ctx, std::string_view kind,
                          std::string description);

  const LineTable& lines_;
  size_t text_size_;
  antlr4::TokenStream* tokens_;
  bool prelude_;
};

void Builder::BuildQuery(GraphQLParser::QueryDocumentContext* ctx, QueryDocument* out) {
  for (auto* def : ctx->executableDefinition()) {
    if (auto* op = def->operationDefinition()) {
      OperationDefinition(op, &out->operations.emplace_back());
    } else if (auto* frag = def->fragmentDefinition()) {
      FragmentDefinition(frag, &out->fragments.emplace_back());
    }
  }
}

void Builder::OperationDefinition(GraphQLParser::OperationDefinitionContext* ctx,
                                  graphql::OperationDefinition* op) {
  op->pos = PosOf(ctx);
  if (ctx->operationType() == nullptr) {
    op->operation = "query";
    op->selection_set = Selections(ctx->selectionSet());
    return;
  }
  op->operation = ctx->operationType()->getText();
  if (ctx->name() != nullptr) op->name = ctx->name()->getText();
  if (ctx->variableDefinitions() != nullptr) {
    op->variable_definitions = VariableDefinitions(ctx->variableDefinitions());
  }
  op->directives = Directives(ctx);
  op->selection_set = Selections(ctx->selectionSet());
}

void Builder::FragmentDefinition(GraphQLParser::FragmentDefinitionContext* ctx,
                                 graphql::FragmentDefinition* frag) {
  frag->pos = PosOf(ctx);
  frag->name = ctx->fragmentName()->getText();
  if (ctx->variableDefinitions() != nullptr) {
    frag->variable_definition = VariableDefinitions(ctx->variableDefinitions());
  }
  frag->type_condition = ctx->name()->getText();
  frag->directives = Directives(ctx);
  frag->selection_set = Selections(ctx->selectionSet());
}

std::vector<VariableDefinition> Builder::VariableDefinitions(
    GraphQLParser::VariableDefinitionsContext* ctx) {
  std::vector<VariableDefinition> out;
  for (auto* v : ctx->variableDefinition()) {
    VariableDefinition& def = out.emplace_back();
    def.pos = PosOf(v);
    def.variable = v->variable()->name()->getText();
    def.type = TypeOf(v->typeRef());
    if (v->constValue() != nullptr) def.default_value = ValueOf(v->constValue());
    def.directives = Directives(v);
  }
  return out;
}

SelectionSet Builder::Selections(GraphQLParser::SelectionSetContext* ctx) {
  SelectionSet out;
  if (ctx == nullptr) return out;
  for (auto* s : ctx->selection()) {
    if (auto* f = s->field()) {
      out.push_back(Field(f));
    } else if (auto* fr = s->fragmentSelection()) {
      out.push_back(Fragment(fr));
    }
  }
  return out;
}

Selection Builder::Field(GraphQLParser::FieldContext* ctx) {
  Selection f;
  f.kind = Selection::Kind::kField;
  f.pos = PosOf(ctx);
  std::vector<GraphQLParser::NameContext*> names = ctx->name();
  f.alias = names[0]->getText();
  f.name = names.size() > 1 ? names[1]->getText() : f.alias;
  if (ctx->arguments() != nullptr) f.arguments = Arguments(ctx->arguments());
  f.directives = Directives(ctx);
  f.selection_set = Selections(ctx->selectionSet());
  return f;
}

Selection Builder::Fragment(GraphQLParser::FragmentSelectionContext* ctx) {
  Selection s;
  if (auto* name = ctx->fragmentName()) {
    s.kind = Selection::Kind::kFragmentSpread;
    s.pos = PosOf(name);
    s.name = name->getText();
  } else {
    s.kind = Selection::Kind::kInlineFragment;
    s.pos = PosAfter(ctx->SPREAD()->getSymbol());
    if (ctx->name() != nullptr) s.type_condition = ctx->name()->getText();
    s.selection_set = Selections(ctx->selectionSet());
  }
  s.directives = Directives(ctx);
  return s;
}

std::vector<Directive> Builder::Directives(ParserRuleContext* ctx) {
  std::vector<Directive> out;
  for (ParseTree* child : ctx->children) {
    if (auto* d = dynamic_cast<GraphQLParser::DirectiveContext*>(child)) {
      out.push_back(DirectiveOf(d));
    } else if (auto* cd = dynamic_cast<GraphQLParser::ConstDirectiveContext*>(child)) {
      out.push_back(DirectiveOf(cd));
    }
  }
  return out;
}

Directive Builder::DirectiveOf(ParserRuleContext* ctx) {
  Directive d;
  auto* name = All<GraphQLParser::NameContext>(ctx).front();
  d.name = name->getText();
  d.pos = PosOf(name);
  for (ParseTree* child : ctx->children) {
    if (auto* a = dynamic_cast<ParserRuleContext*>(child)) {
      if (a->getRuleIndex() == P::RuleArguments || a->getRuleIndex() == P::RuleConstArguments) {
        d.arguments = Arguments(a);
      }
    }
  }
  return d;
}

// (argument | constArgument)+ of an arguments rule.
std::vector<Argument> Builder::Arguments(ParserRuleContext* ctx) {
  std::vector<Argument> out;
  for (ParseTree* child : ctx->children) {
    auto* arg = dynamic_cast<ParserRuleContext*>(child);
    if (arg == nullptr) continue;
    Argument& a = out.emplace_back();
    auto* name = All<GraphQLParser::NameContext>(arg).front();
    a.name = name->getText();
    a.pos = PosOf(name);
    for (ParseTree* part : arg->children) {
      auto* v = dynamic_cast<ParserRuleContext*>(part);
      if (v != nullptr && v != name) a.value = ValueOf(v);
    }
  }
  return out;
}

// A value or constValue context (or any of its alternatives).
std::unique_ptr<Value> Builder::ValueOf(ParserRuleContext* ctx) {
  auto v = std::make_unique<Value>();
  if (ctx->getRuleIndex() == P::RuleValue || ctx->getRuleIndex() == P::RuleConstValue) {
    ParseTree* child = ctx->children.front();
    if (auto* inner = dynamic_cast<ParserRuleContext*>(child)) {
      if (inner->getRuleIndex() != P::RuleEnumValue) return ValueOf(inner);
      v->kind = ValueKind::kEnum;
      v->raw = inner->getText();
      v->pos = PosOf(inner);
      return v;
    }
    const Token* t = dynamic_cast<TerminalNode*>(child)->getSymbol();
    v->pos = PosOf(t);
    v->raw = TokenValue(t);
    switch (t->getType()) {
      case P::INT: v->kind = ValueKind::kInt; break;
      case P::FLOAT: v->kind = ValueKind::kFloat; break;
      case P::STRING: v->kind = ValueKind::kString; break;
      case P::BLOCK_STRING: v->kind = ValueKind::kBlock; break;
      case P::TRUE_KW:
      case P::FALSE_KW: v->kind = ValueKind::kBoolean; break;
      default: v->kind = ValueKind::kNull; break;
    }
    return v;
  }
  v->pos = PosOf(ctx);
  switch (ctx->getRuleIndex()) {
    case P::RuleVariable:
      v->kind = ValueKind::kVariable;
      v->raw = All<GraphQLParser::NameContext>(ctx).front()->getText();
      break;
    case P::RuleListValue:
    case P::RuleConstListValue:
      v->kind = ValueKind::kList;
      for (ParseTree* child : ctx->children) {
        if (auto* item = dynamic_cast<ParserRuleContext*>(child)) {
          ChildValue& c = v->children.emplace_back();
          c.value = ValueOf(item);
        }
      }
      break;
    default:  // objectValue, constObjectValue
      v->kind = ValueKind::kObject;
      for (ParseTree* child : ctx->children) {
        auto* field = dynamic_cast<ParserRuleContext*>(child);
        if (field == nullptr) continue;
        ChildValue& c = v->children.emplace_back();
        auto* name = All<GraphQLParser::NameContext>(field).front();
        c.name = name->getText();
        c.pos = PosOf(name);
        for (ParseTree* part : field->children) {
          auto* value = dynamic_cast<ParserRuleContext*>(part);
          if (value != nullptr && value != name) c.value = ValueOf(value);
        }
      }
      break;
  }
  return v;
}

std::unique_ptr<Type> Builder::TypeOf(GraphQLParser::TypeRefContext* ctx) {
  auto t = std::make_unique<Type>();
  if (auto* list = ctx->listType()) {
    t->pos = PosOf(list->typeRef());
    t->elem = TypeOf(list->typeRef());
  } else {
    t->pos = PosOf(ctx->name());
    t->named_type = ctx->name()->getText();
  }
  t->non_null = ctx->BANG() != nullptr;
  return t;
}

// --- Schema documents -------------------------------------------------------------

void Builder::BuildSchema(GraphQLParser::SchemaDocumentContext* ctx, SchemaDocument* out) {
  for (auto* def : ctx->typeSystemDefinition()) TypeSystemDefinition(def, out);
  if (prelude_) {
    for (Definition& d : out->definitions) d.builtin = true;
    for (Definition& d : out->extensions) d.builtin = true;
  }
}

void Builder::TypeSystemDefinition(GraphQLParser::TypeSystemDefinitionContext* ctx,
                                   SchemaDocument* out) {
  if (auto* ext = ctx->typeSystemExtension()) return Extension(ext, out);
  std::string description = Description(ctx->description());
  if (auto* s = ctx->schemaDefinition()) {
    out->schema.push_back(SchemaDef(s, s->SCHEMA()->getSymbol(), std::move(description)));
    return;
  }
  if (auto* d = ctx->directiveDefinition()) {
    DirectiveDefinition& def = out->directives.emplace_back();
    def.description = std::move(description);
    def.name = d->name()->getText();
    def.pos = PosOf(d->name());
    if (d->argumentsDefinition() != nullptr) def.arguments = ArgumentDefs(d->argumentsDefinition());
    def.is_repeatable = d->REPEATABLE() != nullptr;
    for (auto* loc : d->directiveLocation()) def.locations.push_back(loc->getText());
    return;
  }
  auto* t = ctx->typeDefinition();
  if (t == nullptr) return;
  auto* inner = dynamic_cast<ParserRuleContext*>(t->children.front());
  std::string_view kind;
  switch (inner->getRuleIndex()) {
    case P::RuleScalarTypeDefinition: kind = kScalar; break;
    case P::RuleObjectTypeDefinition: kind = kObject; break;
    case P::RuleInterfaceTypeDefinition: kind = kInterface; break;
    case P::RuleUnionTypeDefinition: kind = kUnion; break;
    case P::RuleEnumTypeDefinition: kind = kEnum; break;
    default: kind = kInputObject; break;
  }
  out->definitions.push_back(DefinitionOf(inner, kind, std::move(description)));
}

void Builder::Extension(GraphQLParser::TypeSystemExtensionContext* ctx, SchemaDocument* out) {
  auto* inner = dynamic_cast<ParserRuleContext*>(ctx->children.back());
  if (inner == nullptr) return;
  std::string_view kind;
  switch (inner->getRuleIndex()) {
    case P::RuleSchemaExtension: {
      auto* s = dynamic_cast<GraphQLParser::SchemaExtensionContext*>(inner);
      out->schema_extension.push_back(SchemaDef(s, s->SCHEMA()->getSymbol(), ""));
      return;
    }
    case P::RuleScalarTypeExtension: kind = kScalar; break;
    case P::RuleObjectTypeExtension: kind = kObject; break;
    case P::RuleInterfaceTypeExtension: kind = kInterface; break;
    case P::RuleUnionTypeExtension: kind = kUnion; break;
    case P::RuleEnumTypeExtension: kind = kEnum; break;
    default: kind = kInputObject; break;
  }
  out->extensions.push_back(DefinitionOf(inner, kind, ""));
}

SchemaDefinition Builder::SchemaDef(ParserRuleContext* ctx, const Token* keyword,
                                    std::string description) {
  SchemaDefinition def;
  def.description = std::move(description);
  def.pos = PosAfter(keyword);
  def.directives = Directives(ctx);
  for (auto* types : All<GraphQLParser::OperationTypesDefinitionContext>(ctx)) {
    for (auto* op : types->operationTypeDefinition()) {
      OperationTypeDefinition& o = def.operation_types.emplace_back();
      o.pos = PosOf(op);
      o.operation = op->operationType()->getText();
      o.type = op->name()->getText();
    }
  }
  return def;
}

// Any type definition or extension: the parts it has.
Definition Builder::DefinitionOf(ParserRuleContext* ctx, std::string_view kind,
                                 std::string description) {
  Definition def;
  def.kind = std::string(kind);
  def.description = std::move(description);
  auto* name = All<GraphQLParser::NameContext>(ctx).front();
  def.name = name->getText();
  def.pos = PosOf(name);
  def.directives = Directives(ctx);
  for (ParseTree* child : ctx->children) {
    auto* part = dynamic_cast<ParserRuleContext*>(child);
    if (part == nullptr) continue;
    switch (part->getRuleIndex()) {
      case P::RuleImplementsInterfaces:
        def.interfaces =
            Interfaces(dynamic_cast<GraphQLParser::ImplementsInterfacesContext*>(part));
        break;
      case P::RuleFieldsDefinition:
      case P::RuleInputFieldsDefinition:
        def.fields = Fields(part);
        break;
      case P::RuleUnionMemberTypes:
        def.types = UnionMembers(dynamic_cast<GraphQLParser::UnionMemberTypesContext*>(part));
        break;
      case P::RuleEnumValuesDefinition:
        def.enum_values =
            EnumValues(dynamic_cast<GraphQLParser::EnumValuesDefinitionContext*>(part));
        break;
      default:
        break;
    }
  }
  return def;
}

std::vector<std::string> Builder::Interfaces(GraphQLParser::ImplementsInterfacesContext* ctx) {
  std::vector<std::string> out;
  for (auto* n : ctx->name()) out.push_back(n->getText());
  return out;
}

std::vector<std::string> Builder::UnionMembers(GraphQLParser::UnionMemberTypesContext* ctx) {
  std::vector<std::string> out;
  for (auto* n : ctx->name()) out.push_back(n->getText());
  return out;
}

std::vector<EnumValueDefinition> Builder::EnumValues(
    GraphQLParser::EnumValuesDefinitionContext* ctx) {
  std::vector<EnumValueDefinition> out;
  for (auto* v : ctx->enumValueDefinition()) {
    EnumValueDefinition& e = out.emplace_back();
    e.pos = PosOf(v);
    e.description = Description(v->description());
    e.name = v->name()->getText();
    e.directives = Directives(v);
  }
  return out;
}

std::vector<FieldDefinition> Builder::Fields(ParserRuleContext* fields_ctx) {
  std::vector<FieldDefinition> out;
  for (ParseTree* child : fields_ctx->children) {
    if (auto* f = dynamic_cast<GraphQLParser::FieldDefinitionContext*>(child)) {
      FieldDefinition& def = out.emplace_back();
      def.pos = PosOf(f);
      def.description = Description(f->description());
      def.name = f->name()->getText();
      if (f->argumentsDefinition() != nullptr) def.arguments = ArgumentDefs(f->argumentsDefinition());
      def.type = TypeOf(f->typeRef());
      def.directives = Directives(f);
    } else if (auto* in = dynamic_cast<GraphQLParser::InputValueDefinitionContext*>(child)) {
      out.push_back(InputValue(in));
    }
  }
  return out;
}

FieldDefinition Builder::InputValue(GraphQLParser::InputValueDefinitionContext* ctx) {
  FieldDefinition def;
  def.pos = PosOf(ctx);
  def.description = Description(ctx->description());
  def.name = ctx->name()->getText();
  def.type = TypeOf(ctx->typeRef());
  if (ctx->constValue() != nullptr) def.default_value = ValueOf(ctx->constValue());
  def.directives = Directives(ctx);
  return def;
}

std::vector<ArgumentDefinition> Builder::ArgumentDefs(
    GraphQLParser::ArgumentsDefinitionContext* ctx) {
  std::vector<ArgumentDefinition> out;
  for (auto* in : ctx->inputValueDefinition()) {
    FieldDefinition f = InputValue(in);
    ArgumentDefinition& a = out.emplace_back();
    a.description = std::move(f.description);
    a.name = std::move(f.name);
    a.default_value = std::move(f.default_value);
    a.type = std::move(f.type);
    a.directives = std::move(f.directives);
    a.pos = f.pos;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Driver.

// The generated parser recurses a few rules per bracket level; input nested
// deeper than kInlineDepth is parsed on a thread with a large stack so that
// callers on small thread stacks are safe up to limits::kMaxGraphQLDepth.
constexpr int kInlineDepth = 24;

enum class Goal { kQuery, kSchema };

bool Parse(std::string_view text, Goal goal, bool prelude, QueryDocument* query,
           SchemaDocument* schema, Error* error) {
  LineTable lines(text);
  auto fail = [&](size_t offset, std::string message) {
    Pos pos = lines.At(offset, prelude);
    error->message = std::move(message);
    error->has_location = true;
    error->line = pos.line;
    error->column = pos.column;
    error->in_prelude = prelude;
    return false;
  };

  ByteStream input(text);
  GraphQLLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<std::unique_ptr<Token>> tokens;
  int depth = 0;
  int max_depth = 0;
  for (;;) {
    std::unique_ptr<Token> token = lexer.nextToken();
    size_t type = token->getType();
    if (type == P::LBRACE || type == P::LBRACKET || type == P::LPAREN) {
      max_depth = std::max(max_depth, ++depth);
      if (depth > limits::kMaxGraphQLDepth) {
        return fail(token->getStartIndex(),
                    absl::StrCat("nesting too deep (more than ",
                                 limits::kMaxGraphQLDepth, " levels)"));
      }
    } else if (type == P::RBRACE || type == P::RBRACKET || type == P::RPAREN) {
      depth = std::max(0, depth - 1);
    }
    tokens.push_back(std::move(token));
    if (type == Token::EOF) break;
  }

  bool ok = false;
  auto parse_and_build = [&] {
    antlr4::ListTokenSource source(std::move(tokens), "input");
    antlr4::CommonTokenStream stream(&source);
    GraphQLParser parser(&stream);
    parser.removeErrorListeners();
    Failure failure;
    parser.setErrorHandler(std::make_shared<FirstError>(&failure, text.size()));
    ParserRuleContext* tree = nullptr;
    try {
      tree = goal == Goal::kQuery ? static_cast<ParserRuleContext*>(parser.queryDocument())
                                  : static_cast<ParserRuleContext*>(parser.schemaDocument());
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (failure.set || tree == nullptr) {
      if (!failure.set) failure.message = "Unexpected <Invalid>";
      fail(failure.offset, std::move(failure.message));
      return;
    }
    Builder builder(lines, text.size(), &stream, prelude);
    if (goal == Goal::kQuery) {
      builder.BuildQuery(static_cast<GraphQLParser::QueryDocumentContext*>(tree), query);
    } else {
      builder.BuildSchema(static_cast<GraphQLParser::SchemaDocumentContext*>(tree), schema);
    }
    ok = true;
  };
  if (max_depth <= kInlineDepth) {
    parse_and_build();
  } else {
    RunOnLargeStack(parse_and_build);
  }
  return ok;
}

// Parse() with every exception turned into an error.
bool SafeParse(std::string_view text, Goal goal, bool prelude, QueryDocument* query,
               SchemaDocument* schema, Error* error) {
  try {
    return Parse(text, goal, prelude, query, schema, error);
  } catch (const std::exception& e) {
    *error = Error{absl::StrCat("internal parser error: ", e.what()), true, 1, 1, prelude};
  } catch (...) {
    *error = Error{"internal parser error", true, 1, 1, prelude};
  }
  return false;
}

}  // namespace

bool ParseQuery(std::string_view text, QueryDocument* out, Error* error) {
  *out = QueryDocument();
  return SafeParse(text, Goal::kQuery, false, out, nullptr, error);
}

bool ParseSchema(std::string_view text, SchemaDocument* out, Error* error, bool prelude) {
  *out = SchemaDocument();
  return SafeParse(text, Goal::kSchema, prelude, nullptr, out, error);
}

}  // namespace verdict::graphql
