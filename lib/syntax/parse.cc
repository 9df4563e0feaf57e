// Rego text -> AST: drives the ANTLR lexer and parser generated from
// grammar/RegoLexer.g4 and grammar/RegoParser.g4, then builds the AST of
// ast.h from the parse tree. The ONLY file that sees ANTLR; everything ANTLR
// throws is caught here. Entry points: ParseModule, ParseQuery, ParseTerm,
// ParseRef (parse.h).
//
// Steps, in order (Parse()):
//  1. Check the bytes (literal.h): size limit, valid UTF-8, no NUL; skip a
//     leading BOM.
//  2. Lex everything into a token list. The lexer reads bytes (ByteStream),
//     so token indices are byte offsets; columns are computed by SourceFile.
//     Comments are collected for Module::comments.
//  3. Adjust tokens (see grammar/README.md): keywords touching a following
//     '.' or '[' (or a preceding '.') become IDENT; '.', '[' and '('
//     touching a preceding term become DOT_ADJ, LBRACK_ADJ, LPAREN_ADJ.
//  4. Refuse bracket nesting deeper than limits::kMaxSyntaxDepth before the
//     (recursive) ANTLR parser runs; deeply nested input is parsed on a
//     thread with a large stack (RunOnLargeStack).
//  5. Parse: fast SLL prediction first, full LL with error reporting if
//     that fails (the standard ANTLR two-stage strategy).
//  6. Build the AST (Builder), applying OPA's parse-time checks. Newlines
//     between body expressions are checked here: the grammar lets
//     expressions follow each other and the Builder requires a '\n' or ';'
//     between two of them, exactly where OPA's parser does.
//  7. Modules only, when the rest parsed: METADATA comment blocks become
//     Module::annotations (annotations.cc, ProcessAnnotations).
//
// Only the first syntax error ANTLR reports is kept (its recovery mostly
// repeats it); the Builder's checks report every problem they find.
//
// Tested by tests/syntax/parse_test.cc, parse_error_test.cc and
// conformance_parse_test.cc.
#include "syntax/parse.h"


#include <algorithm>
#include <exception>
#include <functional>
#include <utility>

#include "RegoLexer.h"
#include "RegoParser.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "antlr4-runtime.h"
#include "base/large_stack.h"
#include "base/limits.h"
#include "base/strings.h"
#include "syntax/literal.h"

namespace verdict::syntax {
namespace {

using antlr4::Token;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;
using verdict_antlr::RegoLexer;
using verdict_antlr::RegoParser;

// At most this many problems are reported per source; later ones are
// usually consequences of the first.
constexpr size_t kMaxDiagnostics = 20;

// ---------------------------------------------------------------------------
// ByteStream: the source bytes as ANTLR characters, one byte each, so token
// start/stop indices are byte offsets. Non-ASCII bytes only occur inside
// strings and comments, where the lexer accepts any byte.

class ByteStream : public antlr4::CharStream {
 public:
  ByteStream(std::string_view data, std::string name, size_t start)
      : data_(data), name_(std::move(name)), p_(std::min(start, data.size())) {}

  void consume() override {
    if (p_ >= data_.size()) {
      throw antlr4::IllegalStateException("cannot consume EOF");
    }
    ++p_;
  }

  size_t LA(ssize_t i) override {
    if (i == 0) return 0;
    ssize_t pos = i > 0 ? static_cast<ssize_t>(p_) + i - 1
                        : static_cast<ssize_t>(p_) + i;
    if (pos < 0 || pos >= static_cast<ssize_t>(data_.size())) {
      return antlr4::IntStream::EOF;
    }
    return static_cast<unsigned char>(data_[pos]);
  }

  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, data_.size()); }
  size_t size() override { return data_.size(); }
  std::string getSourceName() const override { return name_; }

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
  std::string name_;
  size_t p_;
};

// ---------------------------------------------------------------------------
// Token classes.

bool IsKeywordToken(size_t type) {
  switch (type) {
    case RegoLexer::PACKAGE:
    case RegoLexer::IMPORT:
    case RegoLexer::AS:
    case RegoLexer::DEFAULT:
    case RegoLexer::ELSE:
    case RegoLexer::WITH:
    case RegoLexer::NOT:
    case RegoLexer::SOME:
    case RegoLexer::EVERY:
    case RegoLexer::IF:
    case RegoLexer::CONTAINS:
    case RegoLexer::IN:
    case RegoLexer::NULL_KW:
    case RegoLexer::TRUE_KW:
    case RegoLexer::FALSE_KW:
      return true;
    default:
      return false;
  }
}

// Tokens after which a touching '.', '[' or '(' continues a ref or call.
bool EndsTerm(size_t type) {
  switch (type) {
    case RegoLexer::IDENT:
    case RegoLexer::CONTAINS:  // contains(s, x): the builtin
    case RegoLexer::NUMBER:
    case RegoLexer::STRING:
    case RegoLexer::RAW_STRING:
    case RegoLexer::NULL_KW:
    case RegoLexer::TRUE_KW:
    case RegoLexer::FALSE_KW:
    case RegoLexer::RBRACK:
    case RegoLexer::RPAREN:
    case RegoLexer::RBRACE:
    case RegoLexer::TEMPLATE_END:
    case RegoLexer::RAW_TEMPLATE_END:
      return true;
    default:
      return false;
  }
}

// How OPA names a token in "unexpected X token" messages.
std::string TokenName(const Token* token) {
  size_t type = token->getType();
  if (type == Token::EOF) return "eof token";
  if (IsKeywordToken(type)) return absl::StrCat(token->getText(), " keyword");
  switch (type) {
    case RegoLexer::IDENT: return "ident token";
    case RegoLexer::NUMBER: return "number token";
    case RegoLexer::STRING:
    case RegoLexer::RAW_STRING: return "string token";
    case RegoLexer::TEMPLATE_START:
    case RegoLexer::RAW_TEMPLATE_START: return "template-string token";
    case RegoLexer::TEMPLATE_TEXT:
    case RegoLexer::RAW_TEMPLATE_TEXT: return "template-string text";
    default: return absl::StrCat(token->getText(), " token");
  }
}

// The message for a token the grammar does not accept where it stands.
std::string UnexpectedTokenMessage(const Token* token) {
  switch (token->getType()) {
    case RegoLexer::BAD_STRING:
    case RegoLexer::BAD_RAW_STRING:
    case RegoLexer::TEMPLATE_NEWLINE:
      return "non-terminated string";
    case RegoLexer::BAD_NUMBER:
      return "illegal number format";
    case RegoLexer::ILLEGAL:
    case RegoLexer::TEMPLATE_ILLEGAL: {
      std::string text = token->getText();
      unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
      if (c > 0x20 && c < 0x7f) return absl::StrCat("illegal ", text, " character");
      return absl::StrFormat("illegal character (byte 0x%02x)", c);
    }
    default:
      return absl::StrCat("unexpected ", TokenName(token));
  }
}

// ---------------------------------------------------------------------------
// Error listener: turns ANTLR's syntax errors into Diagnostics.

class ErrorCollector : public antlr4::BaseErrorListener {
 public:
  ErrorCollector(std::shared_ptr<const SourceFile> file, Diagnostics& out)
      : file_(std::move(file)), out_(out) {}

  void syntaxError(antlr4::Recognizer* recognizer, Token* offending,
                   size_t line, size_t col, const std::string& msg,
                   std::exception_ptr) override {
    ++count_;
    if (count_ > 1) return;  // ANTLR's recovery mostly repeats the first error
    if (offending == nullptr) {
      // Lexer error: offset from ANTLR's line and byte column.
      std::string_view line_text = file_->LineText(static_cast<int>(line));
      uint32_t offset = static_cast<uint32_t>(
          line_text.data() - file_->text().data() + col);
      out_.push_back({ErrorCode::kParseError, Span::Of(file_, offset, offset + 1),
                      "illegal token"});
      return;
    }
    std::string message = UnexpectedTokenMessage(offending);
    if (auto* parser = dynamic_cast<antlr4::Parser*>(recognizer)) {
      Expectation(*parser, offending, message);
    }
    uint32_t start = offending->getType() == Token::EOF
                         ? static_cast<uint32_t>(file_->text().size())
                         : static_cast<uint32_t>(offending->getStartIndex());
    uint32_t stop = offending->getType() == Token::EOF
                        ? start
                        : static_cast<uint32_t>(offending->getStopIndex() + 1);
    out_.push_back({ErrorCode::kParseError, Span::Of(file_, start, stop),
                    std::move(message)});
  }

  int count() const { return count_; }

 private:
  // Appends ": expected X" when the parser wanted exactly one token.
  static void Expectation(antlr4::Parser& parser, const Token* offending,
                          std::string& message) {
    switch (offending->getType()) {
      case RegoLexer::BAD_STRING:
      case RegoLexer::BAD_RAW_STRING:
      case RegoLexer::TEMPLATE_NEWLINE:
      case RegoLexer::BAD_NUMBER:
      case RegoLexer::ILLEGAL:
      case RegoLexer::TEMPLATE_ILLEGAL:
        return;
      default:
        break;
    }
    antlr4::misc::IntervalSet expected;
    try {
      expected = parser.getExpectedTokens();
    } catch (const std::exception&) {
      return;
    }
    // After `.` a name must follow (IDENT or a keyword used as one): OPA
    // says "expected ident" (`package foo.` at the end of the text).
    antlr4::TokenStream* stream = parser.getTokenStream();
    const Token* prev = stream != nullptr ? stream->LT(-1) : nullptr;
    if (prev != nullptr && prev->getType() == RegoLexer::DOT_ADJ &&
        expected.contains(static_cast<size_t>(RegoLexer::IDENT))) {
      absl::StrAppend(&message, ": expected ident");
      return;
    }
    if (expected.size() != 1) return;
    size_t type = static_cast<size_t>(expected.getSingleElement());
    std::string literal = parser.getVocabulary().getLiteralName(type);
    if (literal.size() >= 2 && literal.front() == '\'') {
      absl::StrAppend(&message, ": expected ", literal.substr(1, literal.size() - 2));
    }
  }

  std::shared_ptr<const SourceFile> file_;
  Diagnostics& out_;
  int count_ = 0;
};

// ---------------------------------------------------------------------------
// Builder: parse tree -> AST, with OPA's parse-time checks.

// The builtin name of an infix operator token.
std::string_view OperatorName(size_t type) {
  switch (type) {
    case RegoLexer::EQ: return "equal";
    case RegoLexer::NEQ: return "neq";
    case RegoLexer::LT: return "lt";
    case RegoLexer::LTE: return "lte";
    case RegoLexer::GT: return "gt";
    case RegoLexer::GTE: return "gte";
    case RegoLexer::BAR: return "or";
    case RegoLexer::AMP: return "and";
    case RegoLexer::PLUS: return "plus";
    case RegoLexer::MINUS: return "minus";
    case RegoLexer::STAR: return "mul";
    case RegoLexer::SLASH: return "div";
    case RegoLexer::PERCENT: return "rem";
    case RegoLexer::ASSIGN: return "assign";
    case RegoLexer::UNIFY: return "eq";
    default: return "";
  }
}

bool IsRootDocument(const Term& t) {
  return t.kind == TermKind::kVar && (t.text == "data" || t.text == "input");
}

// Does [t] contain a var (outside comprehensions, which are closures)?
// Used for OPA's "ref not ground" style checks on rule heads.
bool IsGround(const Term& t) {
  switch (t.kind) {
    case TermKind::kVar: return false;
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

class Builder {
 public:
  Builder(std::shared_ptr<const SourceFile> file, Diagnostics& diagnostics)
      : file_(std::move(file)), diags_(diagnostics) {}

  std::optional<Module> BuildModule(RegoParser::ModuleContext* ctx);
  Body BuildQuery(RegoParser::QueryContext* ctx);
  // Every statement BuildModule saw, for attaching METADATA blocks.
  std::vector<StatementInfo>& statements() { return statements_; }

 private:
  // ---- spans and errors ----
  Span SpanOf(const Token* token) const {
    if (token == nullptr) return Span::Of(file_, 0, 0);
    if (token->getType() == Token::EOF) {
      uint32_t end = static_cast<uint32_t>(file_->text().size());
      return Span::Of(file_, end, end);
    }
    return Span::Of(file_, static_cast<uint32_t>(token->getStartIndex()),
                    static_cast<uint32_t>(token->getStopIndex() + 1));
  }
  Span SpanOf(TerminalNode* node) const {
    return SpanOf(node != nullptr ? node->getSymbol() : nullptr);
  }
  Span SpanOf(antlr4::ParserRuleContext* ctx) const {
    const Token* start = ctx->getStart();
    const Token* stop = ctx->getStop();
    if (start == nullptr) return Span::Of(file_, 0, 0);
    uint32_t begin = static_cast<uint32_t>(start->getStartIndex());
    uint32_t end = begin;
    if (stop != nullptr && stop->getType() != Token::EOF &&
        stop->getStopIndex() + 1 > begin) {
      end = static_cast<uint32_t>(stop->getStopIndex() + 1);
    }
    return Span::Of(file_, begin, end);
  }

  void Error(const Span& span, std::string message) {
    if (diags_.size() >= kMaxDiagnostics) return;
    diags_.push_back({ErrorCode::kParseError, span, std::move(message)});
  }

  // Errors when a node would sit deeper than limits::kMaxSyntaxDepth.
  bool TooDeep(int depth, const Span& span) {
    if (depth <= limits::kMaxSyntaxDepth) return false;
    if (!depth_error_) {
      depth_error_ = true;
      Error(span, absl::StrCat("nesting too deep (more than ",
                               limits::kMaxSyntaxDepth, " levels)"));
    }
    return true;
  }

  Term Wildcard(const Span& span) {
    return Term::Var(absl::StrCat("$", wildcards_++), span);
  }

  // A var from a name token: `_` becomes a fresh wildcard.
  Term VarFromToken(const Token* token) {
    Span span = SpanOf(token);
    std::string name = token->getText();
    if (name == "_") return Wildcard(span);
    return Term::Var(std::move(name), span);
  }

  // The operator ref of a builtin call, e.g. [Var plus] or
  // [Var internal, String member_2], spanning the operator token.
  static Term OperatorRef(std::string_view name, const Span& span) {
    std::vector<Term> parts;
    size_t dot = name.find('.');
    if (dot == std::string_view::npos) {
      parts.push_back(Term::Var(std::string(name), span));
    } else {
      parts.push_back(Term::Var(std::string(name.substr(0, dot)), span));
      parts.push_back(Term::String(std::string(name.substr(dot + 1)), span));
    }
    return Term::Ref(std::move(parts), span);
  }

  static Term MakeCall(std::string_view op, const Span& op_span,
                       std::vector<Term> operands) {
    Span span = operands.front().span.To(operands.back().span);
    std::vector<Term> terms;
    terms.reserve(operands.size() + 1);
    terms.push_back(OperatorRef(op, op_span));
    for (Term& t : operands) terms.push_back(std::move(t));
    return Term::Call(std::move(terms), std::move(span));
  }

  // A body of one `true`, for rules written without a body.
  static Body TrueBody(const Span& span) {
    Expr e;
    e.kind = ExprKind::kTerm;
    e.span = span;
    e.terms.push_back(Term::Boolean(true, span));
    Body body;
    body.push_back(std::move(e));
    return body;
  }

  // The name right after a DOT_ADJ must touch it: `a.b`, not `a. b`.
  void CheckTouching(TerminalNode* dot, antlr4::ParserRuleContext* name) {
    if (dot == nullptr || name == nullptr || name->getStart() == nullptr) return;
    if (name->getStart()->getStartIndex() != dot->getSymbol()->getStopIndex() + 1) {
      Error(SpanOf(name), absl::StrCat("unexpected whitespace after . token: "
                                       "expected ident"));
    }
  }

  // ---- module level ----
  void BuildPackage(RegoParser::PackageDeclContext* ctx, Module& module);
  void BuildImport(RegoParser::ImportDeclContext* ctx, Module& module);
  std::vector<Term> BuildPath(RegoParser::PathContext* ctx);
  void BuildRule(RegoParser::RuleDeclContext* ctx, std::vector<Rule>& out);
  bool BuildHead(RegoParser::RuleHeadContext* ctx, bool is_default, Head& head);
  bool BuildRuleBody(RegoParser::RuleBodyContext* ctx, const char* what,
                     bool has_if_before, Rule& rule);
  void CheckDefaultRule(const Rule& rule);
  std::vector<Term> CopyArgs(const std::vector<Term>& args);

  // ---- bodies and expressions ----
  Body BuildBody(RegoParser::BodyContext* ctx, int depth);
  Body BuildBraceBody(RegoParser::BraceBodyContext* ctx, int depth) {
    return BuildBody(ctx->body(), depth);
  }
  Expr BuildLiteral(RegoParser::LiteralContext* ctx, int depth);
  Term BuildMembership(RegoParser::MembershipContext* ctx, int depth);

  // ---- terms ----
  Term BuildInfix(RegoParser::InfixTermContext* ctx, int depth);
  Term BuildListTerm(RegoParser::ListTermContext* ctx, int depth);
  template <typename Ctx>
  Term BuildChain(Ctx* ctx, int depth);
  Term BuildOperand(antlr4::ParserRuleContext* ctx, int depth);
  Term BuildTerm(RegoParser::TermContext* ctx, int depth);
  Term BuildPrimary(RegoParser::PrimaryContext* ctx, int depth);
  Term BuildNumber(RegoParser::NumberTermContext* ctx);
  Term BuildString(const Token* token, bool raw);
  Term BuildTemplate(RegoParser::TemplateStringContext* ctx, int depth);
  std::vector<Term> BuildTermList(RegoParser::TermListContext* ctx, int depth);

  std::shared_ptr<const SourceFile> file_;
  Diagnostics& diags_;
  std::vector<StatementInfo> statements_;
  int wildcards_ = 0;
  bool depth_error_ = false;
};

std::optional<Module> Builder::BuildModule(RegoParser::ModuleContext* ctx) {
  Module module;
  module.source = file_;
  std::vector<RegoParser::StmtContext*> stmts = ctx->stmt();
  if (stmts.empty()) {
    Error(Span::Of(file_, 0, 0), "empty module");
    return std::nullopt;
  }
  if (stmts[0]->packageDecl() == nullptr) {
    Error(SpanOf(stmts[0]), "package expected");
  }
  for (size_t i = 0; i < stmts.size(); ++i) {
    RegoParser::StmtContext* stmt = stmts[i];
    int line = SpanOf(stmt).line;
    if (stmt->packageDecl() != nullptr) {
      statements_.push_back({StatementInfo::Kind::kPackage, line, 0});
    } else if (stmt->importDecl() != nullptr) {
      statements_.push_back({StatementInfo::Kind::kImport, line, 0});
    } else if (stmt->ruleDecl() != nullptr) {
      statements_.push_back({StatementInfo::Kind::kRule, line, module.rules.size()});
    }
    if (auto* pkg = stmt->packageDecl()) {
      if (i == 0) {
        BuildPackage(pkg, module);
      } else {
        Error(SpanOf(pkg), "unexpected package");
      }
    } else if (auto* imp = stmt->importDecl()) {
      BuildImport(imp, module);
    } else if (auto* rule = stmt->ruleDecl()) {
      BuildRule(rule, module.rules);
    }
  }
  return module;
}

Body Builder::BuildQuery(RegoParser::QueryContext* ctx) {
  if (ctx->body() == nullptr) {
    Error(SpanOf(ctx->getStart()), "empty query");
    return {};
  }
  return BuildBody(ctx->body(), 1);
}

// Package and import paths: the head as a var, `.name` parts as strings,
// `[term]` parts as written (checked by the callers).
std::vector<Term> Builder::BuildPath(RegoParser::PathContext* ctx) {
  std::vector<Term> parts;
  Token* head = ctx->getStart();
  parts.push_back(Term::Var(head->getText(), SpanOf(head)));
  for (size_t i = 1; i < ctx->children.size(); ++i) {
    auto* node = dynamic_cast<TerminalNode*>(ctx->children[i]);
    if (node == nullptr) continue;
    size_t type = node->getSymbol()->getType();
    if (type == RegoLexer::DOT_ADJ && i + 1 < ctx->children.size()) {
      auto* name = dynamic_cast<RegoParser::RefNameContext*>(ctx->children[i + 1]);
      if (name == nullptr) continue;
      CheckTouching(node, name);
      parts.push_back(Term::String(name->getText(), SpanOf(name)));
    } else if (type == RegoLexer::LBRACK_ADJ && i + 1 < ctx->children.size()) {
      auto* inner = dynamic_cast<RegoParser::InfixTermContext*>(ctx->children[i + 1]);
      if (inner == nullptr) continue;
      Term t = BuildInfix(inner, 2);
      if (t.kind != TermKind::kString) {
        Error(t.span, absl::StrCat("unexpected ", Absl(TermKindName(t.kind)),
                                   " token: expecting string"));
      }
      parts.push_back(std::move(t));
    }
  }
  return parts;
}

void Builder::BuildPackage(RegoParser::PackageDeclContext* ctx, Module& module) {
  std::vector<Term> parts = BuildPath(ctx->path());
  Package& pkg = module.package;
  pkg.span = SpanOf(ctx);
  pkg.path.push_back(Term::Var("data", parts[0].span));
  pkg.path.push_back(Term::String(parts[0].text, parts[0].span));
  for (size_t i = 1; i < parts.size(); ++i) pkg.path.push_back(std::move(parts[i]));
}

void Builder::BuildImport(RegoParser::ImportDeclContext* ctx, Module& module) {
  Import imp;
  imp.span = SpanOf(ctx);
  std::vector<Term> parts = BuildPath(ctx->path());
  Span path_span = SpanOf(ctx->path());
  const std::string root = parts[0].text;
  if (root != "data" && root != "input" && root != "future" && root != "rego") {
    Error(path_span, absl::StrCat("unexpected import path, must begin with one "
                                  "of: {data, future, input, rego}, got: ",
                                  root));
    return;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].kind != TermKind::kString) return;  // reported by BuildPath
  }
  if (ctx->alias != nullptr) imp.alias = ctx->alias->getText();
  imp.path = Term::Ref(std::move(parts), path_span);
  const std::vector<Term>& path = imp.path.terms;

  if (root == "future") {
    if (path.size() == 1 || path[1].text != "keywords") {
      Error(path_span, "invalid import, must be `future.keywords`");
    } else if (!imp.alias.empty()) {
      Error(path_span, "`future` imports cannot be aliased");
    } else if (path.size() == 3 && path[2].text != "in" &&
               path[2].text != "every" && path[2].text != "contains" &&
               path[2].text != "if") {
      Error(path_span, "unexpected keyword, must be one of [contains every if in]");
    } else if (path.size() > 3) {
      Error(path_span, "invalid import, must be `future.keywords.x`, e.g. "
                       "`import future.keywords.in`");
    }
    // Rego v1 has every future keyword: nothing to import.
    module.keyword_imports.push_back(std::move(imp));
    return;
  }
  if (root == "rego") {
    if (path.size() != 2 || path[1].text != "v1") {
      Error(path_span, absl::StrCat("invalid import `", imp.path.RefString(),
                                    "`, must be `rego.v1`"));
    }
    module.keyword_imports.push_back(std::move(imp));  // a no-op in Rego v1
    return;
  }
  if (imp.alias.empty()) {
    const Term& last = path.back();
    if (path.size() > 1 && IsKeyword(last.text)) {
      Error(last.span, absl::StrCat("unexpected import path, must not end with "
                                    "a keyword, got: ", last.text,
                                    " (hint: import a different path or use "
                                    "an alias)"));
      return;
    }
  }
  module.imports.push_back(std::move(imp));
}

// New wildcards for the args of a copied head (else and extra bodies), as
// OPA does: each `_` stays distinct.
std::vector<Term> Builder::CopyArgs(const std::vector<Term>& args) {
  std::vector<Term> out = args;
  for (Term& t : out) {
    if (t.IsWildcard()) t = Wildcard(t.span);
  }
  return out;
}

bool Builder::BuildHead(RegoParser::RuleHeadContext* ctx, bool is_default,
                        Head& head) {
  head.span = SpanOf(ctx);
  RegoParser::HeadRefContext* ref = ctx->headRef();
  head.ref.push_back(VarFromToken(ref->IDENT()->getSymbol()));
  for (size_t i = 1; i < ref->children.size(); ++i) {
    auto* node = dynamic_cast<TerminalNode*>(ref->children[i]);
    if (node == nullptr || i + 1 >= ref->children.size()) continue;
    size_t type = node->getSymbol()->getType();
    if (type == RegoLexer::DOT_ADJ) {
      auto* name = dynamic_cast<RegoParser::RefNameContext*>(ref->children[i + 1]);
      if (name == nullptr) continue;
      CheckTouching(node, name);
      head.ref.push_back(Term::String(name->getText(), SpanOf(name)));
    } else if (type == RegoLexer::LBRACK_ADJ) {
      auto* inner = dynamic_cast<RegoParser::InfixTermContext*>(ref->children[i + 1]);
      if (inner != nullptr) head.ref.push_back(BuildInfix(inner, 2));
    }
  }
  std::string name = Term::Ref(head.ref).RefString();
  if (ctx->LPAREN_ADJ() != nullptr && ctx->termList() != nullptr) {
    head.args = BuildTermList(ctx->termList(), 2);
  }
  if (ctx->CONTAINS() != nullptr) {
    if (ctx->LPAREN_ADJ() != nullptr) {
      Error(SpanOf(ctx->CONTAINS()),
            absl::StrCat("unexpected contains keyword: the contains keyword can "
                         "only be used with multi-value rule definitions "
                         "(e.g., ", name, " contains <VALUE> { ... })"));
      return false;
    }
    if (is_default) {
      Error(SpanOf(ctx->CONTAINS()), "unexpected contains keyword: default rules "
                                     "cannot be multi-value rules");
      return false;
    }
    head.key = BuildInfix(ctx->key, 1);
    return true;
  }
  if (ctx->value != nullptr) {
    head.assign = ctx->op->getType() == RegoLexer::ASSIGN;
    head.value = BuildInfix(ctx->value, 1);
  }
  return true;
}

// The body after `if` (or a v0 braced body, which Rego v1 rejects).
bool Builder::BuildRuleBody(RegoParser::RuleBodyContext* ctx, const char* what,
                            bool has_if_before, Rule& rule) {
  if (ctx->IF() == nullptr) {
    if (!has_if_before) {
      Error(SpanOf(ctx), absl::StrCat("`if` keyword is required before ", what,
                                      " body"));
      return false;
    }
    rule.body = BuildBraceBody(ctx->braceBody(), 1);
    return true;
  }
  RegoParser::IfBodyContext* body = ctx->ifBody();
  if (body->braceBody() != nullptr) {
    rule.body = BuildBraceBody(body->braceBody(), 1);
    return true;
  }
  Expr e = BuildLiteral(body->literal(), 1);
  // `p if {1, 2}` is not a body, and a set is always true: OPA rejects it.
  if (e.kind == ExprKind::kTerm && !e.terms.empty() &&
      e.terms[0].kind == TermKind::kSet && !e.negated) {
    Error(e.span, "unexpected { token: a rule body must not be a set literal");
    return false;
  }
  rule.body.push_back(std::move(e));
  return true;
}

void Builder::BuildRule(RegoParser::RuleDeclContext* ctx, std::vector<Rule>& out) {
  size_t errors_before = diags_.size();
  Rule rule;
  rule.span = SpanOf(ctx);
  rule.is_default = ctx->DEFAULT() != nullptr;
  Head& head = rule.head;
  if (!BuildHead(ctx->ruleHead(), rule.is_default, head)) return;

  const bool contains = head.key.has_value();
  const bool has_if = ctx->ruleBody() != nullptr && ctx->ruleBody()->IF() != nullptr;
  const char* what = head.IsFunction() ? "function" : "rule";

  // OPA's head shapes (parser.go parseRules/parseHead):
  //  - no value and no key: `p`, `a.b.c`, `f(x)` get the value true; `p[x]`
  //    with `if` is the single-value rule p[x] = true; `p[x]` without `if`
  //    is a v0 partial set, which needs `contains` in Rego v1.
  bool v0_partial_set = false;
  if (!contains && !head.value.has_value()) {
    if (head.ref.size() != 2 || head.IsFunction() || has_if) {
      head.value = Term::Boolean(true, head.span);
      head.value_generated = true;
    } else {
      v0_partial_set = true;
    }
  }

  if (rule.is_default) {
    if (ctx->ruleBody() != nullptr || !ctx->elseClause().empty() ||
        !ctx->extraBody().empty()) {
      Span at = ctx->ruleBody() != nullptr ? SpanOf(ctx->ruleBody())
                : !ctx->elseClause().empty() ? SpanOf(ctx->elseClause(0))
                                             : SpanOf(ctx->extraBody(0));
      Error(at, "unexpected token after default rule: default rules cannot have "
                "a body");
      return;
    }
    if (v0_partial_set || !head.value.has_value()) {
      Error(rule.span, "illegal default rule (must have a value)");
      return;
    }
    rule.body = TrueBody(head.value->span);
    rule.body_generated = true;
    CheckDefaultRule(rule);
    if (diags_.size() == errors_before) out.push_back(std::move(rule));
    return;
  }

  if (v0_partial_set) {
    Error(rule.span, "`contains` keyword is required for partial set rules");
    return;
  }

  // The body.
  if (ctx->ruleBody() != nullptr) {
    if (!BuildRuleBody(ctx->ruleBody(), what, false, rule)) return;
  } else {
    rule.body = TrueBody(head.value.has_value() ? head.value->span : head.span);
    rule.body_generated = true;
    if (head.value_generated) {
      Error(rule.span, absl::StrCat(what, " must have value assignment and/or "
                                          "body declaration"));
      return;
    }
  }

  // The else chain.
  std::vector<RegoParser::ElseClauseContext*> elses = ctx->elseClause();
  if (!elses.empty()) {
    Span at = SpanOf(elses[0]->ELSE());
    bool ground = true;
    for (size_t i = 1; i < head.ref.size(); ++i) ground = ground && IsGround(head.ref[i]);
    if (head.ref.size() > 1 && !ground) {
      Error(at, "else keyword cannot be used on rules with variables in head");
      return;
    }
    if (contains) {
      Error(at, "else keyword cannot be used on multi-value rules");
      return;
    }
  }
  for (RegoParser::ElseClauseContext* e : elses) {
    Rule alt;
    alt.span = SpanOf(e);
    alt.head.span = SpanOf(e->ELSE());
    alt.head.ref = head.ref;
    alt.head.args = CopyArgs(head.args);
    if (e->value != nullptr) {
      alt.head.assign = e->op->getType() == RegoLexer::ASSIGN;
      alt.head.value = BuildInfix(e->value, 1);
    } else {
      if (e->ruleBody() == nullptr) {
        Error(alt.head.span, "unexpected else keyword: expected else value term "
                             "or rule body");
        return;
      }
      alt.head.value = Term::Boolean(true, alt.head.span);
      alt.head.value_generated = true;
    }
    if (e->ruleBody() != nullptr) {
      if (!BuildRuleBody(e->ruleBody(), what, has_if, alt)) return;
    } else {
      alt.body = TrueBody(alt.head.value->span);
      alt.body_generated = true;
    }
    rule.elses.push_back(std::move(alt));
  }

  // `p if { a } { b }`: more definitions of p with the same head.
  std::vector<Rule> extra;
  for (RegoParser::ExtraBodyContext* body : ctx->extraBody()) {
    if (!elses.empty()) {
      Error(SpanOf(body), "unexpected { token: expected else keyword");
      return;
    }
    if (!has_if) {
      Error(SpanOf(body), absl::StrCat("`if` keyword is required before ", what,
                                       " body"));
      return;
    }
    Rule next;
    next.span = SpanOf(body);
    next.head = head;
    next.head.span = next.span;
    next.head.args = CopyArgs(head.args);
    next.body = BuildBraceBody(body->braceBody(), 1);
    extra.push_back(std::move(next));
  }
  if (diags_.size() != errors_before) return;
  out.push_back(std::move(rule));
  for (Rule& r : extra) out.push_back(std::move(r));
}

// OPA's validateDefaultRuleValue / validateDefaultRuleArgs.
void Builder::CheckDefaultRule(const Rule& rule) {
  // The value may not contain refs, vars or calls outside comprehensions.
  std::vector<const Term*> stack = {&*rule.head.value};
  while (!stack.empty()) {
    const Term* t = stack.back();
    stack.pop_back();
    switch (t->kind) {
      case TermKind::kRef:
      case TermKind::kVar:
      case TermKind::kCall:
        Error(rule.span, absl::StrCat("illegal default rule (value cannot "
                                      "contain ", Absl(TermKindName(t->kind)), ")"));
        return;
      case TermKind::kArrayComprehension:
      case TermKind::kSetComprehension:
      case TermKind::kObjectComprehension:
        break;
      case TermKind::kTemplateString:
        for (const TemplatePart& part : t->parts) {
          if (!part.is_text) {
            Error(rule.span, "illegal default rule (value cannot contain "
                             "templatestring)");
            return;
          }
        }
        break;
      default:
        for (const Term& x : t->terms) stack.push_back(&x);
        for (const ObjectItem& item : t->items) {
          stack.push_back(&item.key);
          stack.push_back(&item.value);
        }
    }
  }
  // Arguments: distinct vars.
  std::vector<std::string> seen;
  for (const Term& arg : rule.head.args) {
    if (arg.kind != TermKind::kVar) {
      Error(rule.span, absl::StrCat("illegal default rule (arguments cannot "
                                    "contain ", Absl(TermKindName(arg.kind)), ")"));
      return;
    }
    if (std::find(seen.begin(), seen.end(), arg.text) != seen.end()) {
      Error(rule.span, absl::StrCat("illegal default rule (arguments cannot be "
                                    "repeated ", arg.text, ")"));
      return;
    }
    seen.push_back(arg.text);
  }
}

Body Builder::BuildBody(RegoParser::BodyContext* ctx, int depth) {
  Body body;
  if (TooDeep(depth, SpanOf(ctx))) return body;
  const Token* previous_end = nullptr;
  bool separated = true;
  for (ParseTree* child : ctx->children) {
    if (auto* node = dynamic_cast<TerminalNode*>(child)) {
      if (node->getSymbol()->getType() == RegoLexer::SEMICOLON) separated = true;
      continue;
    }
    auto* literal = dynamic_cast<RegoParser::LiteralContext*>(child);
    if (literal == nullptr) continue;
    if (!separated && previous_end != nullptr) {
      // Two expressions need a newline or ';' between them (OPA parseQuery).
      size_t from = previous_end->getStopIndex() + 1;
      size_t to = literal->getStart()->getStartIndex();
      std::string_view gap = file_->text().substr(from, to > from ? to - from : 0);
      if (gap.find('\n') == std::string_view::npos) {
        const Token* next = literal->getStart();
        const char* end = ctx->parent != nullptr &&
                                  dynamic_cast<RegoParser::QueryContext*>(ctx->parent)
                              ? "eof"
                              : "}";
        Error(SpanOf(next), absl::StrCat("unexpected ", TokenName(next),
                                         ": expected \\n or ; or ", end));
      }
    }
    Expr e = BuildLiteral(literal, depth + 1);
    e.index = static_cast<int>(body.size());
    body.push_back(std::move(e));
    previous_end = literal->getStop();
    separated = false;
  }
  return body;
}

Term Builder::BuildMembership(RegoParser::MembershipContext* ctx, int depth) {
  std::vector<RegoParser::RelTermContext*> operands = ctx->relTerm();
  std::vector<TerminalNode*> ins = ctx->IN();
  size_t first_rhs = ctx->COMMA() != nullptr ? 2 : 1;
  int chain = static_cast<int>(ins.size());
  std::vector<Term> args;
  for (size_t i = 0; i <= first_rhs && i < operands.size(); ++i) {
    args.push_back(BuildOperand(operands[i], depth + chain + 1));
  }
  Term call = MakeCall(first_rhs == 2 ? "internal.member_3" : "internal.member_2",
                       SpanOf(ins[0]), std::move(args));
  for (size_t i = 1; i < ins.size() && first_rhs + i < operands.size(); ++i) {
    Term rhs = BuildOperand(operands[first_rhs + i], depth + chain - static_cast<int>(i) + 1);
    std::vector<Term> pair;
    pair.push_back(std::move(call));
    pair.push_back(std::move(rhs));
    call = MakeCall("internal.member_2", SpanOf(ins[i]), std::move(pair));
  }
  return call;
}

Expr Builder::BuildLiteral(RegoParser::LiteralContext* ctx, int depth) {
  Expr e;
  e.span = SpanOf(ctx);
  e.negated = ctx->NOT() != nullptr;
  if (TooDeep(depth, e.span)) return e;
  if (auto* some = ctx->someDecl()) {
    e.kind = ExprKind::kSome;
    if (e.negated) {
      Error(SpanOf(some->SOME()), "unexpected some keyword: illegal negation of 'some'");
    }
    if (some->membership() != nullptr) {
      e.terms.push_back(BuildMembership(some->membership(), depth + 1));
    } else {
      for (TerminalNode* id : some->IDENT()) e.terms.push_back(VarFromToken(id->getSymbol()));
      if (!ctx->withModifier().empty()) {
        Error(SpanOf(ctx->withModifier(0)), "unexpected with keyword");
      }
    }
  } else if (auto* every = ctx->everyDecl()) {
    e.kind = ExprKind::kEvery;
    if (e.negated) {
      Error(SpanOf(every->EVERY()), "unexpected every keyword: illegal negation of 'every'");
    }
    RegoParser::MembershipContext* m = every->membership();
    Every ev;
    ev.span = SpanOf(every);
    std::vector<RegoParser::RelTermContext*> operands = m->relTerm();
    if (m->IN().size() > 1) {
      Error(SpanOf(m->IN(1)), "unexpected in keyword: expected value to be a variable");
      return e;
    }
    size_t i = 0;
    if (m->COMMA() != nullptr) {
      ev.key = BuildOperand(operands[i++], depth + 2);
      if (ev.key->kind != TermKind::kVar) {
        Error(ev.key->span, "unexpected term: expected key to be a variable");
      }
    }
    ev.value = BuildOperand(operands[i++], depth + 2);
    if (ev.value.kind != TermKind::kVar) {
      Error(ev.value.span, "unexpected term: expected value to be a variable");
    }
    ev.domain = BuildOperand(operands[i], depth + 2);
    ev.body = BuildBraceBody(every->braceBody(), depth + 2);
    e.every = std::move(ev);
  } else {
    RegoParser::ExprContext* x = ctx->expr();
    std::vector<RegoParser::InfixTermContext*> sides = x->infixTerm();
    if (x->op != nullptr && sides.size() == 2) {
      e.kind = ExprKind::kCall;
      e.terms.push_back(OperatorRef(OperatorName(x->op->getType()), SpanOf(x->op)));
      e.terms.push_back(BuildInfix(sides[0], depth + 1));
      e.terms.push_back(BuildInfix(sides[1], depth + 1));
    } else {
      Term t = BuildInfix(sides[0], depth);
      if (t.kind == TermKind::kCall) {
        // A call at the top of an expression is the expression itself.
        e.kind = ExprKind::kCall;
        e.terms = std::move(t.terms);
      } else {
        e.kind = ExprKind::kTerm;
        e.terms.push_back(std::move(t));
      }
    }
  }
  for (RegoParser::WithModifierContext* w : ctx->withModifier()) {
    if (e.kind == ExprKind::kSome && ctx->someDecl()->membership() == nullptr) break;
    With with;
    with.span = SpanOf(w);
    with.target = BuildTerm(w->target, depth + 1);
    if (w->target->getStart()->getType() != RegoLexer::IDENT) {
      Error(SpanOf(w->target), absl::StrCat("unexpected ",
                                            TokenName(w->target->getStart()),
                                            ": expected ident"));
    } else if (with.target.kind != TermKind::kRef &&
               with.target.kind != TermKind::kVar) {
      Error(with.target.span, absl::StrCat("unexpected ",
                                           Absl(TermKindName(with.target.kind)),
                                           " token: expected with target path"));
    }
    with.value = BuildInfix(w->value, depth + 1);
    e.with.push_back(std::move(with));
  }
  return e;
}

// relTerm (COMMA relTerm IN relTerm)? (IN relTerm)*
Term Builder::BuildInfix(RegoParser::InfixTermContext* ctx, int depth) {
  std::vector<RegoParser::RelTermContext*> operands = ctx->relTerm();
  std::vector<TerminalNode*> ins = ctx->IN();
  if (ins.empty()) return BuildOperand(operands[0], depth);
  if (TooDeep(depth + static_cast<int>(ins.size()), SpanOf(ctx))) return Term::Null(SpanOf(ctx));
  bool key_value = ctx->COMMA() != nullptr;
  int chain = static_cast<int>(ins.size());
  std::vector<Term> args;
  size_t used = key_value ? 3 : 2;
  for (size_t i = 0; i < used; ++i) args.push_back(BuildOperand(operands[i], depth + chain));
  Term call = MakeCall(key_value ? "internal.member_3" : "internal.member_2",
                       SpanOf(ins[0]), std::move(args));
  for (size_t i = 1; i < ins.size(); ++i) {
    std::vector<Term> pair;
    pair.push_back(std::move(call));
    pair.push_back(BuildOperand(operands[used + i - 1], depth + chain - static_cast<int>(i)));
    call = MakeCall("internal.member_2", SpanOf(ins[i]), std::move(pair));
  }
  return call;
}

// relTerm (IN relTerm)*
Term Builder::BuildListTerm(RegoParser::ListTermContext* ctx, int depth) {
  std::vector<RegoParser::RelTermContext*> operands = ctx->relTerm();
  std::vector<TerminalNode*> ins = ctx->IN();
  int chain = static_cast<int>(ins.size());
  if (TooDeep(depth + chain, SpanOf(ctx))) return Term::Null(SpanOf(ctx));
  Term acc = BuildOperand(operands[0], depth + chain);
  for (size_t i = 0; i < ins.size(); ++i) {
    std::vector<Term> pair;
    pair.push_back(std::move(acc));
    pair.push_back(BuildOperand(operands[i + 1], depth + chain - static_cast<int>(i)));
    acc = MakeCall("internal.member_2", SpanOf(ins[i]), std::move(pair));
  }
  return acc;
}

// Any of the binary-operator levels: operand (op operand)*, left-assoc.
Term Builder::BuildOperand(antlr4::ParserRuleContext* ctx, int depth) {
  if (auto* c = dynamic_cast<RegoParser::RelTermContext*>(ctx)) return BuildChain(c, depth);
  if (auto* c = dynamic_cast<RegoParser::OrTermContext*>(ctx)) return BuildChain(c, depth);
  if (auto* c = dynamic_cast<RegoParser::AndTermContext*>(ctx)) return BuildChain(c, depth);
  if (auto* c = dynamic_cast<RegoParser::ArithTermContext*>(ctx)) return BuildChain(c, depth);
  if (auto* c = dynamic_cast<RegoParser::FactorTermContext*>(ctx)) return BuildChain(c, depth);
  if (auto* c = dynamic_cast<RegoParser::TermContext*>(ctx)) return BuildTerm(c, depth);
  return Term::Null(SpanOf(ctx));
}

template <typename Ctx>
Term Builder::BuildChain(Ctx* ctx, int depth) {
  const std::vector<ParseTree*>& children = ctx->children;
  int ops = static_cast<int>(children.size() / 2);
  if (ops == 0) {
    return BuildOperand(dynamic_cast<antlr4::ParserRuleContext*>(children[0]), depth);
  }
  // The leftmost operand ends up [ops] calls deep.
  if (TooDeep(depth + ops, SpanOf(ctx))) return Term::Null(SpanOf(ctx));
  Term acc = BuildOperand(dynamic_cast<antlr4::ParserRuleContext*>(children[0]),
                          depth + ops);
  for (size_t i = 1; i + 1 < children.size(); i += 2) {
    auto* op = dynamic_cast<TerminalNode*>(children[i]);
    auto* rhs_ctx = dynamic_cast<antlr4::ParserRuleContext*>(children[i + 1]);
    if (op == nullptr || rhs_ctx == nullptr) break;
    int level = depth + ops - static_cast<int>(i / 2);
    std::vector<Term> pair;
    pair.push_back(std::move(acc));
    pair.push_back(BuildOperand(rhs_ctx, level));
    acc = MakeCall(OperatorName(op->getSymbol()->getType()), SpanOf(op), std::move(pair));
  }
  return acc;
}

// primary suffix*: refs and calls.
Term Builder::BuildTerm(RegoParser::TermContext* ctx, int depth) {
  std::vector<RegoParser::SuffixContext*> suffixes = ctx->suffix();
  int calls = 0;
  for (auto* s : suffixes) {
    if (dynamic_cast<RegoParser::CallSuffixContext*>(s) != nullptr) ++calls;
  }
  // Each call nests the ref before it two levels deeper (call -> ref).
  int inner = depth + 2 * calls + (suffixes.empty() ? 0 : 1);
  if (TooDeep(inner, SpanOf(ctx))) return Term::Null(SpanOf(ctx));
  Term cur = BuildPrimary(ctx->primary(), inner);
  for (RegoParser::SuffixContext* s : suffixes) {
    Span span = cur.span.To(SpanOf(s));
    if (auto* call = dynamic_cast<RegoParser::CallSuffixContext*>(s)) {
      Term op;
      if (cur.kind == TermKind::kVar) {
        std::vector<Term> parts;
        parts.push_back(cur);
        op = Term::Ref(std::move(parts), cur.span);
      } else if (cur.kind == TermKind::kRef) {
        op = std::move(cur);
      } else {
        Error(SpanOf(call->LPAREN_ADJ()),
              absl::StrCat("unexpected ( token: ", Absl(TermKindName(cur.kind)),
                           " cannot be called"));
        return Term::Null(span);
      }
      std::vector<Term> args;
      if (call->termList() != nullptr) args = BuildTermList(call->termList(), inner);
      // set() is the empty set, not a call.
      if (args.empty() && op.terms.size() == 1 && op.terms[0].kind == TermKind::kVar &&
          op.terms[0].text == "set") {
        Term set;
        set.kind = TermKind::kSet;
        set.span = span;
        cur = std::move(set);
        continue;
      }
      std::vector<Term> terms;
      terms.push_back(std::move(op));
      for (Term& a : args) terms.push_back(std::move(a));
      cur = Term::Call(std::move(terms), span);
      continue;
    }
    // A ref part; OPA accepts these heads only.
    switch (cur.kind) {
      case TermKind::kVar:
      case TermKind::kRef:
      case TermKind::kArray:
      case TermKind::kObject:
      case TermKind::kSet:
      case TermKind::kArrayComprehension:
      case TermKind::kSetComprehension:
      case TermKind::kObjectComprehension:
      case TermKind::kCall:
        break;
      default:
        Error(cur.span, absl::StrCat("illegal ref (head cannot be ",
                                     Absl(TermKindName(cur.kind)), ")"));
        return Term::Null(span);
    }
    Term part;
    if (auto* dot = dynamic_cast<RegoParser::DotSuffixContext*>(s)) {
      CheckTouching(dot->DOT_ADJ(), dot->refName());
      part = Term::String(dot->refName()->getText(), SpanOf(dot->refName()));
    } else if (auto* bracket = dynamic_cast<RegoParser::BracketSuffixContext*>(s)) {
      part = BuildInfix(bracket->infixTerm(), inner);
    }
    if (cur.kind != TermKind::kRef) {
      std::vector<Term> parts;
      parts.push_back(std::move(cur));
      cur = Term::Ref(std::move(parts), span);
    }
    cur.terms.push_back(std::move(part));
    cur.span = span;
  }
  if (IsRootDocument(cur)) {
    Span span = cur.span;
    std::vector<Term> parts;
    parts.push_back(std::move(cur));
    cur = Term::Ref(std::move(parts), span);
  }
  return cur;
}

std::vector<Term> Builder::BuildTermList(RegoParser::TermListContext* ctx, int depth) {
  std::vector<Term> out;
  for (RegoParser::ListTermContext* t : ctx->listTerm()) {
    out.push_back(BuildListTerm(t, depth));
  }
  return out;
}

Term Builder::BuildPrimary(RegoParser::PrimaryContext* ctx, int depth) {
  Span span = SpanOf(ctx);
  if (TooDeep(depth, span)) return Term::Null(span);
  if (dynamic_cast<RegoParser::NullTermContext*>(ctx)) return Term::Null(span);
  if (auto* b = dynamic_cast<RegoParser::BoolTermContext*>(ctx)) {
    return Term::Boolean(b->TRUE_KW() != nullptr, span);
  }
  if (auto* n = dynamic_cast<RegoParser::NumberTermContext*>(ctx)) return BuildNumber(n);
  if (auto* s = dynamic_cast<RegoParser::StringTermContext*>(ctx)) {
    return BuildString(s->STRING()->getSymbol(), false);
  }
  if (auto* s = dynamic_cast<RegoParser::RawStringTermContext*>(ctx)) {
    return BuildString(s->RAW_STRING()->getSymbol(), true);
  }
  if (auto* t = dynamic_cast<RegoParser::TemplateTermContext*>(ctx)) {
    return BuildTemplate(t->templateString(), depth);
  }
  if (auto* v = dynamic_cast<RegoParser::VarTermContext*>(ctx)) {
    return VarFromToken(v->getStart());
  }
  if (auto* a = dynamic_cast<RegoParser::ArrayTermContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kArray;
    t.span = span;
    if (a->termList() != nullptr) t.terms = BuildTermList(a->termList(), depth + 1);
    return t;
  }
  if (auto* s = dynamic_cast<RegoParser::SetTermContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kSet;
    t.span = span;
    t.terms = BuildTermList(s->termList(), depth + 1);
    return t;
  }
  if (dynamic_cast<RegoParser::EmptyObjectContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kObject;
    t.span = span;
    return t;
  }
  if (auto* o = dynamic_cast<RegoParser::ObjectTermContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kObject;
    t.span = span;
    for (RegoParser::ObjectItemContext* item : o->objectItem()) {
      t.items.push_back({BuildListTerm(item->key, depth + 1),
                         BuildListTerm(item->value, depth + 1)});
    }
    return t;
  }
  if (auto* c = dynamic_cast<RegoParser::ArrayComprehensionContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kArrayComprehension;
    t.span = span;
    t.terms.push_back(BuildTerm(c->term(), depth + 1));
    t.body = BuildBody(c->body(), depth + 1);
    return t;
  }
  if (auto* c = dynamic_cast<RegoParser::SetComprehensionContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kSetComprehension;
    t.span = span;
    t.terms.push_back(BuildTerm(c->term(), depth + 1));
    t.body = BuildBody(c->body(), depth + 1);
    return t;
  }
  if (auto* c = dynamic_cast<RegoParser::ObjectComprehensionContext*>(ctx)) {
    Term t;
    t.kind = TermKind::kObjectComprehension;
    t.span = span;
    t.terms.push_back(BuildListTerm(c->listTerm(), depth + 1));
    t.terms.push_back(BuildTerm(c->term(), depth + 1));
    t.body = BuildBody(c->body(), depth + 1);
    return t;
  }
  if (auto* p = dynamic_cast<RegoParser::ParenTermContext*>(ctx)) {
    return BuildInfix(p->infixTerm(), depth);
  }
  return Term::Null(span);
}

Term Builder::BuildNumber(RegoParser::NumberTermContext* ctx) {
  Span span = SpanOf(ctx);
  std::string digits = ctx->NUMBER()->getText();
  switch (CheckNumberLiteral(digits)) {
    case NumberProblem::kLeadingZero:
      Error(SpanOf(ctx->NUMBER()),
            "unexpected number token: expected number without leading zero");
      break;
    case NumberProblem::kTooBig:
      Error(span, "number too big");
      break;
    case NumberProblem::kNone:
      break;
  }
  std::string text = ctx->MINUS() != nullptr ? "-" + digits : digits;
  return Term::Number(std::move(text), span);
}

Term Builder::BuildString(const Token* token, bool raw) {
  Span span = SpanOf(token);
  std::string_view text = span.text();
  std::string_view inner = text.size() >= 2 ? text.substr(1, text.size() - 2)
                                            : std::string_view();
  if (raw) return Term::String(std::string(inner), span);
  std::string value;
  size_t bad_at = 0;
  if (!DecodeEscapes(inner, /*template_text=*/false, value, bad_at)) {
    uint32_t at = span.offset + 1 + static_cast<uint32_t>(bad_at);
    Error(Span::Of(file_, at, at + 2), "illegal escape sequence");
  }
  return Term::String(std::move(value), span);
}

Term Builder::BuildTemplate(RegoParser::TemplateStringContext* ctx, int depth) {
  Term t;
  t.kind = TermKind::kTemplateString;
  t.span = SpanOf(ctx);
  t.multiline = ctx->RAW_TEMPLATE_START() != nullptr;
  const std::vector<ParseTree*>& children = ctx->children;
  for (size_t i = 1; i + 1 < children.size(); ++i) {
    if (auto* node = dynamic_cast<TerminalNode*>(children[i])) {
      size_t type = node->getSymbol()->getType();
      if (type != RegoLexer::TEMPLATE_TEXT && type != RegoLexer::RAW_TEMPLATE_TEXT) continue;
      Span span = SpanOf(node);
      TemplatePart part;
      part.span = span;
      size_t bad_at = 0;
      if (t.multiline) {
        // Only `\{` is an escape in raw template strings.
        std::string_view raw = span.text();
        for (size_t j = 0; j < raw.size(); ++j) {
          if (raw[j] == '\\' && j + 1 < raw.size() && raw[j + 1] == '{') continue;
          part.text.push_back(raw[j]);
        }
      } else if (!DecodeEscapes(span.text(), /*template_text=*/true, part.text, bad_at)) {
        uint32_t at = span.offset + static_cast<uint32_t>(bad_at);
        Error(Span::Of(file_, at, at + 2), "illegal escape sequence");
      }
      if (!part.text.empty()) t.parts.push_back(std::move(part));
      continue;
    }
    auto* literal = dynamic_cast<RegoParser::LiteralContext*>(children[i]);
    if (literal == nullptr) continue;
    Expr e = BuildLiteral(literal, depth + 2);
    // OPA: template expressions produce a value; they cannot bind or declare.
    const char* bad = nullptr;
    if (e.negated) {
      bad = "unexpected negation ('not') in template-string expression";
    } else if (e.kind == ExprKind::kCall && e.OperatorName() == "eq") {
      bad = "unexpected unification ('=') in template-string expression";
    } else if (e.kind == ExprKind::kCall && e.OperatorName() == "assign") {
      bad = "unexpected assignment (':=') in template-string expression";
    } else if (e.kind == ExprKind::kEvery) {
      bad = "unexpected 'every' in template-string expression";
    } else if (e.kind == ExprKind::kSome) {
      bad = "unexpected 'some' in template-string expression";
    }
    if (bad != nullptr) Error(e.span, bad);
    TemplatePart part;
    part.span = e.span;
    part.is_text = false;
    part.expr.push_back(std::move(e));
    t.parts.push_back(std::move(part));
  }
  return t;
}

// ---------------------------------------------------------------------------
// The pipeline.

enum class Goal { kModule, kQuery };

// Checks the raw bytes; false (with a diagnostic) when lexing cannot start.
bool CheckBytes(const std::shared_ptr<const SourceFile>& file, Diagnostics& diags) {
  std::string_view text = file->text();
  if (text.size() > limits::kMaxSourceBytes) {
    diags.push_back({ErrorCode::kParseError, Span::Of(file, 0, 0),
                     absl::StrCat("source too large (", text.size(),
                                  " bytes; the limit is ",
                                  limits::kMaxSourceBytes, ")")});
    return false;
  }
  if (std::optional<TextProblem> bad = CheckSourceBytes(text)) {
    uint32_t at = static_cast<uint32_t>(bad->offset);
    diags.push_back({ErrorCode::kParseError,
                     Span::Of(file, at, at + static_cast<uint32_t>(bad->length)),
                     bad->message});
    return false;
  }
  return true;
}

struct Parsed {
  std::optional<Module> module;
  Body query;
  std::vector<StatementInfo> statements;  // modules only
};

void ParseTokens(const std::shared_ptr<const SourceFile>& file, Goal goal,
                 std::vector<std::unique_ptr<Token>> tokens,
                 std::vector<Comment> comments, Diagnostics& diags,
                 Parsed& result);

// The generated parser recurses through about ten rules per bracket level
// and needs roughly 6 KiB of stack per level (measured: 500 levels need
// 2-4 MiB). Sources nested deeper than kInlineDepth are parsed on a thread
// of our own (RunOnLargeStack, base/large_stack.h), so callers running on
// small thread stacks are safe up to limits::kMaxSyntaxDepth.
constexpr int kInlineDepth = 24;

void Parse(const std::shared_ptr<const SourceFile>& file, Goal goal,
           Diagnostics& diags, Parsed& result) {
  if (!CheckBytes(file, diags)) return;
  std::string_view text = file->text();
  size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // leading BOM

  ByteStream input(text, file->name(), start);
  RegoLexer lexer(&input);
  ErrorCollector lexer_errors(file, diags);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&lexer_errors);

  // Lex everything; comments go aside, the rest is adjusted below.
  std::vector<std::unique_ptr<Token>> tokens;
  std::vector<Comment> comments;
  for (;;) {
    std::unique_ptr<Token> token = lexer.nextToken();
    if (token->getChannel() == RegoLexer::COMMENTS) {
      Span span = Span::Of(file, static_cast<uint32_t>(token->getStartIndex()),
                           static_cast<uint32_t>(token->getStopIndex() + 1));
      std::string body(span.text().substr(1));
      if (!body.empty() && body.back() == '\r') body.pop_back();
      comments.push_back({std::move(span), std::move(body)});
      continue;
    }
    bool eof = token->getType() == Token::EOF;
    tokens.push_back(std::move(token));
    if (eof) break;
  }
  if (lexer_errors.count() > 0) return;

  auto touching = [](const Token* a, const Token* b) {
    return a->getStopIndex() + 1 == b->getStartIndex();
  };
  auto retype = [](std::unique_ptr<Token>& token, size_t type) {
    if (auto* common = dynamic_cast<antlr4::CommonToken*>(token.get())) {
      common->setType(type);
    }
  };
  // Keywords used as ref parts are names: `in.foo`, `default.x[1]`,
  // `foo.in(x)`.
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!IsKeywordToken(tokens[i]->getType())) continue;
    size_t next = tokens[i + 1]->getType();
    bool before_ref = (next == RegoLexer::DOT || next == RegoLexer::LBRACK) &&
                      touching(tokens[i].get(), tokens[i + 1].get());
    bool after_dot = i > 0 && tokens[i - 1]->getType() == RegoLexer::DOT &&
                     touching(tokens[i - 1].get(), tokens[i].get());
    if (before_ref || after_dot) retype(tokens[i], RegoLexer::IDENT);
  }
  // Ref and call suffixes touch what they follow.
  for (size_t i = 1; i < tokens.size(); ++i) {
    size_t type = tokens[i]->getType();
    if ((type == RegoLexer::DOT || type == RegoLexer::LBRACK || type == RegoLexer::LPAREN) &&
        EndsTerm(tokens[i - 1]->getType()) && touching(tokens[i - 1].get(), tokens[i].get())) {
      retype(tokens[i], type == RegoLexer::DOT      ? RegoLexer::DOT_ADJ
                        : type == RegoLexer::LBRACK ? RegoLexer::LBRACK_ADJ
                                                    : RegoLexer::LPAREN_ADJ);
    }
  }
  // The ANTLR parser recurses once per bracket level: bound it first.
  int depth = 0;
  int max_depth = 0;
  for (const std::unique_ptr<Token>& token : tokens) {
    switch (token->getType()) {
      case RegoLexer::LBRACE:
      case RegoLexer::LBRACK:
      case RegoLexer::LBRACK_ADJ:
      case RegoLexer::LPAREN:
      case RegoLexer::LPAREN_ADJ:
      case RegoLexer::TEMPLATE_START:
      case RegoLexer::RAW_TEMPLATE_START:
      case RegoLexer::TEMPLATE_EXPR_OPEN:
      case RegoLexer::RAW_TEMPLATE_EXPR_OPEN:
        max_depth = std::max(max_depth, ++depth);
        if (depth > limits::kMaxSyntaxDepth) {
          diags.push_back({ErrorCode::kParseError,
                           Span::Of(file, static_cast<uint32_t>(token->getStartIndex()),
                                    static_cast<uint32_t>(token->getStopIndex() + 1)),
                           absl::StrCat("nesting too deep (more than ",
                                        limits::kMaxSyntaxDepth, " levels)")});
          return;
        }
        break;
      case RegoLexer::RBRACE:
      case RegoLexer::RBRACK:
      case RegoLexer::RPAREN:
      case RegoLexer::TEMPLATE_END:
      case RegoLexer::RAW_TEMPLATE_END:
        depth = std::max(0, depth - 1);
        break;
      default:
        break;
    }
  }

  auto parse_and_build = [&] {
    ParseTokens(file, goal, std::move(tokens), std::move(comments), diags, result);
  };
  if (max_depth <= kInlineDepth) {
    parse_and_build();
  } else {
    RunOnLargeStack(parse_and_build);
  }
}

// Steps 5 and 6 of Parse(): the ANTLR parser and the Builder.
void ParseTokens(const std::shared_ptr<const SourceFile>& file, Goal goal,
                 std::vector<std::unique_ptr<Token>> tokens,
                 std::vector<Comment> comments, Diagnostics& diags,
                 Parsed& result) {
  antlr4::ListTokenSource source(std::move(tokens), file->name());
  antlr4::CommonTokenStream stream(&source);
  RegoParser parser(&stream);
  parser.removeErrorListeners();
  // Stage 1: SLL prediction, bail out on the first problem.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  antlr4::ParserRuleContext* tree = nullptr;
  auto run = [&]() -> antlr4::ParserRuleContext* {
    if (goal == Goal::kModule) return parser.module();
    return parser.query();
  };
  try {
    tree = run();
  } catch (const antlr4::ParseCancellationException&) {
    tree = nullptr;
  }
  ErrorCollector parser_errors(file, diags);
  if (tree == nullptr) {
    // Stage 2: full LL with error reporting.
    stream.seek(0);
    parser.reset();
    parser.addErrorListener(&parser_errors);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    tree = run();
  }
  if (parser_errors.count() > 0 || tree == nullptr) return;

  Builder builder(file, diags);
  if (goal == Goal::kModule) {
    result.module = builder.BuildModule(static_cast<RegoParser::ModuleContext*>(tree));
    if (result.module.has_value()) result.module->comments = std::move(comments);
    result.statements = std::move(builder.statements());
  } else {
    result.query = builder.BuildQuery(static_cast<RegoParser::QueryContext*>(tree));
  }
}

// Parse() with every exception turned into a diagnostic.
void SafeParse(const std::shared_ptr<const SourceFile>& file, Goal goal,
               Diagnostics& diags, Parsed& result) {
  try {
    Parse(file, goal, diags, result);
  } catch (const std::exception& e) {
    diags.push_back({ErrorCode::kParseError, Span::Of(file, 0, 0),
                     absl::StrCat("internal parser error: ", e.what())});
  } catch (...) {
    diags.push_back({ErrorCode::kParseError, Span::Of(file, 0, 0),
                     "internal parser error"});
  }
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.span.offset < b.span.offset;
                   });
}

}  // namespace

std::optional<Module> ParseModule(std::shared_ptr<const SourceFile> file,
                                  Diagnostics& diagnostics,
                                  const ParseOptions& options) {
  Diagnostics diags;
  Parsed parsed;
  SafeParse(file, Goal::kModule, diags, parsed);
  if (diags.empty() && parsed.module.has_value() && options.annotations) {
    ProcessAnnotations(parsed.statements, *parsed.module, diags);
  }
  bool ok = diags.empty();
  for (Diagnostic& d : diags) diagnostics.push_back(std::move(d));
  if (!ok) return std::nullopt;
  return std::move(parsed.module);
}

absl::StatusOr<Module> ParseModule(std::string_view source,
                                   std::string_view filename,
                                   const ParseOptions& options) {
  Diagnostics diags;
  std::optional<Module> module = ParseModule(
      SourceFile::Make(std::string(filename), std::string(source)), diags, options);
  if (!module.has_value()) return DiagnosticsToStatus(diags);
  return std::move(*module);
}

absl::StatusOr<Body> ParseQuery(std::string_view text, std::string_view filename) {
  auto file = SourceFile::Make(std::string(filename), std::string(text));
  Diagnostics diags;
  Parsed parsed;
  SafeParse(file, Goal::kQuery, diags, parsed);
  if (!diags.empty()) return DiagnosticsToStatus(diags);
  return std::move(parsed.query);
}

absl::StatusOr<Term> ParseTerm(std::string_view text) {
  absl::StatusOr<Body> body = ParseQuery(text, "term");
  if (!body.ok()) return body.status();
  const Body& b = *body;
  if (b.size() != 1 || b[0].kind != ExprKind::kTerm || b[0].negated ||
      !b[0].with.empty()) {
    Span span = b.empty() ? Span() : b[0].span;
    Diagnostics diags = {{ErrorCode::kParseError, span,
                          absl::StrCat("expected exactly one term, got: ",
                                       ToString(b))}};
    return DiagnosticsToStatus(diags);
  }
  return std::move(body->at(0).terms[0]);
}

absl::StatusOr<Term> ParseRef(std::string_view text) {
  absl::StatusOr<Term> term = ParseTerm(text);
  if (!term.ok()) return term.status();
  if (term->kind == TermKind::kVar) {
    Span span = term->span;
    std::vector<Term> parts;
    parts.push_back(std::move(*term));
    return Term::Ref(std::move(parts), span);
  }
  if (term->kind != TermKind::kRef) {
    Diagnostics diags = {{ErrorCode::kParseError, term->span,
                          absl::StrCat("expected ref but got ",
                                       Absl(TermKindName(term->kind)), " ",
                                       ToString(*term))}};
    return DiagnosticsToStatus(diags);
  }
  return term;
}

}  // namespace verdict::syntax
