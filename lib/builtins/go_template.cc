// File: lib/builtins/go_template.cc
//
// strings.render_template(template, vars): OPA renders with Go's
// text/template over the variables converted to Go values (objects become
// map[string]any, arrays []any, numbers json.Number, null nil). This file
// implements the part of text/template such templates use:
//
//   {{.name}} {{.a.b}} {{$}} {{$x := .a}} {{$x = 1}} {{$x.b}}
//   {{if p}} .. {{else if p}} .. {{else}} .. {{end}}     also {{with p}}
//   {{range $i, $v := p}} .. {{break}} {{continue}} .. {{else}} .. {{end}}
//   pipelines: {{.a | printf "%s-%s" .b}} and (parenthesised) arguments
//   functions: and or not len index slice eq ne lt le gt ge print printf
//              println html js urlquery
//   comments {{/* .. */}} and trim markers {{- and -}}
//   literals: "strings" `raw` 'c' 12 0x1f 1.5e3 true false nil
// Not implemented: define / template / block and call (a parse error says
// so).
//
// Three stages, as in Go: a lexer turns the text into tokens, a recursive
// descent parser builds the tree (checking functions and variables), and
// an executor walks it. Values keep Go's types where the output depends on
// them: a data number is a json.Number, which is a string in Go's eyes
// (always true in {{if}}, equal only to its own text), while numbers the
// template makes (literals, len, range indexes) are ints. A missing map key
// prints as "<no value>", which OPA then reports as "<undefined>".
// Errors read like Go's: `template: template:1: function "foo" not defined`,
// `template: template:1:2: executing "template" at <.a.b>: nil pointer
// evaluating interface {}.b`.
//
// Entry point: StringsRenderTemplate (builtins.def). Tested by
// tests/builtins/go_template_test.cc and the conformance folder
// rendertemplate/.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/utf8.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

constexpr std::string_view kName = "strings.render_template";

// --- Lexer -----------------------------------------------------------------------------

enum class Tok {
  kEof,
  kText,
  kLeft,      // {{
  kRight,     // }}
  kSpace,
  kIdent,     // function name
  kKeyword,   // if else end range with break continue define template block
  kBool,
  kNil,
  kField,     // .name
  kVariable,  // $ or $name
  kDot,
  kString,    // quoted, still escaped
  kRawString,
  kChar,
  kNumber,
  kPipe,
  kLeftParen,
  kRightParen,
  kDeclare,   // :=
  kAssign,    // =
  kComma,
};

struct Token {
  Tok type;
  std::string_view text;
  size_t pos;  // byte offset in the template
};

absl::Status ParseError(int line, std::string_view message) {
  return MakeError(ErrorCode::kEvalBuiltinError,
                   absl::StrCat("template: template:", line, ": ", Absl(message)));
}

// "U+0023", as Go's %U prints a rune.
std::string UnicodeName(char32_t r) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (uint32_t v = static_cast<uint32_t>(r); v != 0; v >>= 4) digits.insert(digits.begin(), kHex[v & 15]);
  while (digits.size() < 4) digits.insert(digits.begin(), '0');
  return "U+" + digits;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  absl::StatusOr<std::vector<Token>> Run() {
    size_t pos = 0;
    bool trim_next = false;
    while (true) {
      size_t open = in_.find("{{", pos);
      std::string_view text = in_.substr(pos, open == std::string_view::npos ? open : open - pos);
      if (trim_next) {
        size_t skip = 0;
        while (skip < text.size() && IsSpace(text[skip])) ++skip;
        text.remove_prefix(skip);
        pos += skip;
        trim_next = false;
      }
      if (open == std::string_view::npos) {
        if (!text.empty()) out_.push_back({Tok::kText, text, pos});
        out_.push_back({Tok::kEof, {}, in_.size()});
        return std::move(out_);
      }
      size_t after = open + 2;
      bool trim = after + 1 < in_.size() && in_[after] == '-' && IsSpace(in_[after + 1]);
      if (trim) {
        while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
        after += 2;
      }
      if (!text.empty()) out_.push_back({Tok::kText, text, pos});
      if (in_.substr(after, 2) == "/*") {
        size_t close = in_.find("*/", after + 2);
        if (close == std::string_view::npos) return Error(open, "unclosed comment");
        size_t end = close + 2;
        bool trim_after = false;
        if (in_.substr(end, 4) == " -}}") {
          trim_after = true;
          end += 2;
        }
        if (in_.substr(end, 2) != "}}") return Error(open, "comment ends before closing delimiter");
        pos = end + 2;
        trim_next = trim_after;
        continue;
      }
      out_.push_back({Tok::kLeft, in_.substr(open, 2), open});
      VERDICT_ASSIGN_OR_RETURN(pos, InsideAction(after, &trim_next));
    }
  }

 private:
  absl::Status Error(size_t pos, std::string_view message) {
    return ParseError(LineAt(pos), message);
  }
  int LineAt(size_t pos) const {
    return 1 + static_cast<int>(std::count(in_.begin(), in_.begin() + pos, '\n'));
  }

  bool AtTerminator(size_t p) const {
    if (p >= in_.size()) return true;
    char c = in_[p];
    if (IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(') {
      return true;
    }
    return in_.substr(p, 2) == "}}";
  }

  // Lexes one action from [p]; returns the position after its "}}".
  absl::StatusOr<size_t> InsideAction(size_t p, bool* trim_after) {
    int parens = 0;
    while (true) {
      if (p >= in_.size()) return Error(p, "unclosed action");
      char c = in_[p];
      if (in_.substr(p, 4) == " -}}" || (IsSpace(c) && in_.substr(p + 1, 3) == "-}}")) {
        if (parens > 0) return Error(p, "unclosed left paren");
        out_.push_back({Tok::kRight, in_.substr(p + 2, 2), p + 2});
        *trim_after = true;
        return p + 4;
      }
      if (in_.substr(p, 2) == "}}") {
        if (parens > 0) return Error(p, "unclosed left paren");
        out_.push_back({Tok::kRight, in_.substr(p, 2), p});
        return p + 2;
      }
      size_t start = p;
      if (IsSpace(c)) {
        while (p < in_.size() && IsSpace(in_[p]) && in_.substr(p, 4) != " -}}") ++p;
        if (p == start) ++p;
        out_.push_back({Tok::kSpace, in_.substr(start, p - start), start});
        continue;
      }
      switch (c) {
        case '=':
          out_.push_back({Tok::kAssign, in_.substr(p, 1), p});
          ++p;
          continue;
        case ':':
          if (in_.substr(p, 2) != ":=") return Error(p, "expected :=");
          out_.push_back({Tok::kDeclare, in_.substr(p, 2), p});
          p += 2;
          continue;
        case '|':
          out_.push_back({Tok::kPipe, in_.substr(p, 1), p});
          ++p;
          continue;
        case ',':
          out_.push_back({Tok::kComma, in_.substr(p, 1), p});
          ++p;
          continue;
        case '(':
          ++parens;
          out_.push_back({Tok::kLeftParen, in_.substr(p, 1), p});
          ++p;
          continue;
        case ')':
          if (--parens < 0) return Error(p, "unexpected right paren");
          out_.push_back({Tok::kRightParen, in_.substr(p, 1), p});
          ++p;
          continue;
        case '"':
        case '`':
        case '\'': {
          ++p;
          while (p < in_.size() && in_[p] != c) {
            if (c != '`' && in_[p] == '\\') ++p;
            if (c != '`' && p < in_.size() && in_[p] == '\n') {
              return Error(p, c == '"' ? "unterminated quoted string" : "unterminated character constant");
            }
            ++p;
          }
          if (p >= in_.size()) {
            return Error(start, c == '"'   ? "unterminated quoted string"
                                : c == '`' ? "unterminated raw quoted string"
                                           : "unterminated character constant");
          }
          ++p;
          Tok t = c == '"' ? Tok::kString : c == '`' ? Tok::kRawString : Tok::kChar;
          out_.push_back({t, in_.substr(start, p - start), start});
          continue;
        }
        case '$':
        case '.': {
          if (c == '.' && p + 1 < in_.size() && in_[p + 1] >= '0' && in_[p + 1] <= '9') break;
          ++p;
          while (p < in_.size() && IsAlnum(in_[p])) ++p;
          Tok t = c == '$' ? Tok::kVariable : (p == start + 1 ? Tok::kDot : Tok::kField);
          if (!AtTerminator(p)) return BadCharacter(p);
          out_.push_back({t, in_.substr(start, p - start), start});
          continue;
        }
        default:
          break;
      }
      if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        ++p;
        while (p < in_.size() && (IsAlnum(in_[p]) || in_[p] == '.' ||
                                  ((in_[p] == '+' || in_[p] == '-') &&
                                   (in_[p - 1] == 'e' || in_[p - 1] == 'E' ||
                                    in_[p - 1] == 'p' || in_[p - 1] == 'P')))) {
          ++p;
        }
        out_.push_back({Tok::kNumber, in_.substr(start, p - start), start});
        continue;
      }
      if (IsAlnum(c)) {
        while (p < in_.size() && IsAlnum(in_[p])) ++p;
        std::string_view word = in_.substr(start, p - start);
        if (!AtTerminator(p)) return BadCharacter(p);
        Tok t = Tok::kIdent;
        if (word == "true" || word == "false") t = Tok::kBool;
        if (word == "nil") t = Tok::kNil;
        for (std::string_view k : {"if", "else", "end", "range", "with", "break", "continue",
                                   "define", "template", "block"}) {
          if (word == k) t = Tok::kKeyword;
        }
        out_.push_back({t, word, start});
        continue;
      }
      return BadCharacter(p);
    }
  }

  absl::Status BadCharacter(size_t p) {
    size_t i = p;
    char32_t r = DecodeUtf8(in_, &i);
    return Error(p, absl::StrCat("bad character ", UnicodeName(r), " '",
                                 Absl(in_.substr(p, i - p)), "'"));
  }

  std::string_view in_;
  std::vector<Token> out_;
};

// --- Syntax tree ----------------------------------------------------------------------

struct Pipeline;

// One operand: a term followed by a chain of fields.
struct Operand {
  enum Kind { kField, kVariable, kDot, kIdent, kString, kNumber, kBool, kNil, kPipe };
  Kind kind = kNil;
  std::string text;                 // source text, for error context
  std::string name;                 // identifier or variable name ("$x")
  std::vector<std::string> fields;  // .a.b (for kField: the whole chain)
  std::string str;                  // unquoted string
  bool boolean = false;
  bool is_int = false;              // number: int or float
  int64_t int_value = 0;
  double float_value = 0;
  std::unique_ptr<Pipeline> pipe;   // kPipe
  size_t pos = 0;
};

struct Command {
  std::vector<Operand> args;
  std::string text;
  size_t pos = 0;
};

struct Pipeline {
  std::vector<std::string> decl;  // declared or assigned variables
  bool is_assign = false;
  std::vector<Command> cmds;
  std::string text;
  size_t pos = 0;
};

struct Node {
  enum Kind { kText, kAction, kIf, kRange, kWith, kBreak, kContinue } kind;
  std::string_view text;  // kText
  std::unique_ptr<Pipeline> pipe;
  std::vector<Node> list, else_list;
  size_t pos = 0;
};

constexpr std::string_view kFunctions[] = {
    "and", "or",  "not", "len", "index", "slice", "eq",      "ne",   "lt",
    "le",  "gt",  "ge",  "print", "printf", "println", "html", "js", "urlquery"};

class Parser {
 public:
  Parser(std::string_view input, std::vector<Token> tokens)
      : in_(input), toks_(std::move(tokens)) {}

  absl::StatusOr<std::vector<Node>> Run() {
    vars_.push_back("$");
    std::vector<Node> list;
    while (Peek().type != Tok::kEof) {
      if (Peek().type == Tok::kLeft) {
        size_t save = i_;
        Next();
        const Token& k = PeekNonSpace();
        if (k.type == Tok::kKeyword && (k.text == "end" || k.text == "else")) {
          return Error(k.pos, absl::StrCat("unexpected {{", Absl(k.text), "}}"));
        }
        i_ = save;
      }
      VERDICT_ASSIGN_OR_RETURN(std::optional<Node> n, TextOrAction());
      if (n) list.push_back(std::move(*n));
    }
    return list;
  }

 private:
  const Token& Peek() const { return toks_[i_]; }
  const Token& Next() {
    const Token& t = toks_[i_];
    if (t.type != Tok::kEof) ++i_;
    return t;
  }
  const Token& PeekNonSpace() {
    while (Peek().type == Tok::kSpace) ++i_;
    return Peek();
  }
  const Token& NextNonSpace() {
    while (Peek().type == Tok::kSpace) ++i_;
    return Next();
  }
  int LineAt(size_t pos) const {
    return 1 + static_cast<int>(std::count(in_.begin(), in_.begin() + std::min(pos, in_.size()), '\n'));
  }
  absl::Status Error(size_t pos, std::string_view message) const {
    return ParseError(LineAt(pos), message);
  }
  absl::Status Unexpected(const Token& t, std::string_view context) const {
    std::string what;
    switch (t.type) {
      case Tok::kEof:
        what = "EOF";
        break;
      case Tok::kRight:
        what = "\"}}\"";
        break;
      case Tok::kKeyword:
        what = absl::StrCat("{{", Absl(t.text), "}}");
        break;
      default:
        what = absl::StrCat("\"", Absl(t.text), "\"");
    }
    return Error(t.pos, absl::StrCat("unexpected ", what, " in ", Absl(context)));
  }

  absl::Status Enter(size_t pos) {
    if (++depth_ > limits::kMaxTemplateDepth) return Error(pos, "template nesting too deep");
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<Node>> TextOrAction() {
    const Token& t = Next();
    if (t.type == Tok::kText) {
      Node n{Node::kText, t.text, nullptr, {}, {}, t.pos};
      return std::optional<Node>(std::move(n));
    }
    if (t.type == Tok::kLeft) return Action();
    return Unexpected(t, "input");
  }

  // After "{{". Returns nothing for {{end}} / {{else}} (the caller checks
  // which via ended_).
  absl::StatusOr<std::optional<Node>> Action() {
    const Token& t = NextNonSpace();
    if (t.type == Tok::kKeyword) {
      if (t.text == "end" || t.text == "else") {
        ended_ = t.text;
        ended_pos_ = t.pos;
        if (t.text == "end") {
          VERDICT_RETURN_IF_ERROR(ExpectRight("end"));
        }
        return std::optional<Node>();
      }
      if (t.text == "if" || t.text == "with" || t.text == "range") return Control(t);
      if (t.text == "break" || t.text == "continue") {
        if (range_depth_ == 0) {
          return Error(t.pos, absl::StrCat("{{", Absl(t.text), "}} outside {{range}}"));
        }
        VERDICT_RETURN_IF_ERROR(ExpectRight(t.text));
        Node n{t.text == "break" ? Node::kBreak : Node::kContinue, {}, nullptr, {}, {}, t.pos};
        return std::optional<Node>(std::move(n));
      }
      return Error(t.pos, absl::StrCat("{{", Absl(t.text),
                                       "}} is not supported by strings.render_template"));
    }
    --i_;
    size_t pos = t.pos;
    VERDICT_ASSIGN_OR_RETURN(std::unique_ptr<Pipeline> pipe, ParsePipeline("command", Tok::kRight));
    Node n{Node::kAction, {}, std::move(pipe), {}, {}, pos};
    return std::optional<Node>(std::move(n));
  }

  absl::Status ExpectRight(std::string_view context) {
    const Token& t = NextNonSpace();
    if (t.type != Tok::kRight) return Unexpected(t, context);
    return absl::OkStatus();
  }

  // The nodes up to {{end}} or {{else}}; ended_ says which.
  absl::StatusOr<std::vector<Node>> ItemList() {
    std::vector<Node> list;
    ended_ = {};
    while (true) {
      if (Peek().type == Tok::kEof) return Error(Peek().pos, "unexpected EOF");
      VERDICT_ASSIGN_OR_RETURN(std::optional<Node> n, TextOrAction());
      if (!n) return list;
      list.push_back(std::move(*n));
    }
  }

  absl::StatusOr<std::optional<Node>> Control(const Token& keyword) {
    VERDICT_RETURN_IF_ERROR(Enter(keyword.pos));
    std::string context(keyword.text);
    size_t vars_mark = vars_.size();
    Node n{context == "if" ? Node::kIf : context == "with" ? Node::kWith : Node::kRange,
           {}, nullptr, {}, {}, keyword.pos};
    VERDICT_ASSIGN_OR_RETURN(n.pipe, ParsePipeline(context, Tok::kRight));
    if (n.kind == Node::kRange) ++range_depth_;
    VERDICT_ASSIGN_OR_RETURN(n.list, ItemList());
    if (n.kind == Node::kRange) --range_depth_;
    if (ended_ == "else") {
      const Token& next = PeekNonSpace();
      if ((context == "if" || context == "with") && next.type == Tok::kKeyword &&
          next.text == context) {
        // {{else if ...}} / {{else with ...}}: one {{end}} closes the chain.
        const Token& kw = Next();
        VERDICT_ASSIGN_OR_RETURN(std::optional<Node> nested, Control(kw));
        n.else_list.push_back(std::move(*nested));
      } else {
        VERDICT_RETURN_IF_ERROR(ExpectRight("else"));
        VERDICT_ASSIGN_OR_RETURN(n.else_list, ItemList());
        if (ended_ != "end") return Error(ended_pos_, "expected end; found {{else}}");
      }
    }
    vars_.resize(vars_mark);
    --depth_;
    return std::optional<Node>(std::move(n));
  }

  absl::StatusOr<std::unique_ptr<Pipeline>> ParsePipeline(std::string_view context, Tok end) {
    auto pipe = std::make_unique<Pipeline>();
    pipe->pos = PeekNonSpace().pos;
    // Declarations: $x := / $x = / (range) $i, $e :=
    if (PeekNonSpace().type == Tok::kVariable) {
      size_t save = i_;
      const Token& v = Next();
      const Token& next = PeekNonSpace();
      if (next.type == Tok::kDeclare || next.type == Tok::kAssign) {
        pipe->is_assign = next.type == Tok::kAssign;
        Next();
        pipe->decl.emplace_back(v.text);
      } else if (next.type == Tok::kComma) {
        Next();
        pipe->decl.emplace_back(v.text);
        if (context != "range") {
          return Error(next.pos, absl::StrCat("too many declarations in ", Absl(context)));
        }
        const Token& v2 = NextNonSpace();
        if (v2.type != Tok::kVariable) return Error(v2.pos, "range can only initialize variables");
        const Token& op = NextNonSpace();
        if (op.type != Tok::kDeclare && op.type != Tok::kAssign) {
          return Error(op.pos, absl::StrCat("too many declarations in ", Absl(context)));
        }
        pipe->is_assign = op.type == Tok::kAssign;
        pipe->decl.emplace_back(v2.text);
      } else {
        i_ = save;
      }
      for (const std::string& name : pipe->decl) {
        if (pipe->is_assign) {
          if (std::find(vars_.begin(), vars_.end(), name) == vars_.end()) {
            return Error(v.pos, absl::StrCat("undefined variable \"", name, "\""));
          }
        } else {
          vars_.push_back(name);
        }
      }
    }
    while (true) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        if (pipe->cmds.empty()) {
          return Error(t.pos, absl::StrCat("missing value for ", Absl(context)));
        }
        for (size_t k = 1; k < pipe->cmds.size(); ++k) {
          Operand::Kind first = pipe->cmds[k].args[0].kind;
          if (first == Operand::kBool || first == Operand::kDot || first == Operand::kNil ||
              first == Operand::kNumber || first == Operand::kString) {
            return Error(pipe->cmds[k].pos,
                         absl::StrCat("non executable command in pipeline stage ", k + 1));
          }
        }
        pipe->text = std::string(in_.substr(pipe->pos, t.pos - pipe->pos));
        while (!pipe->text.empty() && IsSpace(pipe->text.back())) pipe->text.pop_back();
        return pipe;
      }
      switch (t.type) {
        case Tok::kBool:
        case Tok::kChar:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdent:
        case Tok::kNumber:
        case Tok::kNil:
        case Tok::kRawString:
        case Tok::kString:
        case Tok::kVariable:
        case Tok::kLeftParen: {
          --i_;
          VERDICT_ASSIGN_OR_RETURN(Command cmd, ParseCommand());
          pipe->cmds.push_back(std::move(cmd));
          break;
        }
        default:
          return Unexpected(t, context);
      }
    }
  }

  absl::StatusOr<Command> ParseCommand() {
    Command cmd;
    cmd.pos = PeekNonSpace().pos;
    size_t end = cmd.pos;
    while (true) {
      PeekNonSpace();
      VERDICT_ASSIGN_OR_RETURN(std::optional<Operand> op, ParseOperand());
      if (op) cmd.args.push_back(std::move(*op));
      end = Peek().pos;
      const Token& t = Next();
      if (t.type == Tok::kSpace) continue;
      if (t.type == Tok::kRight || t.type == Tok::kRightParen) {
        --i_;
      } else if (t.type != Tok::kPipe) {
        return Unexpected(t, "operand");
      }
      break;
    }
    if (cmd.args.empty()) return Error(cmd.pos, "empty command");
    cmd.text = std::string(in_.substr(cmd.pos, end - cmd.pos));
    while (!cmd.text.empty() && IsSpace(cmd.text.back())) cmd.text.pop_back();
    return cmd;
  }

  absl::StatusOr<std::optional<Operand>> ParseOperand() {
    VERDICT_ASSIGN_OR_RETURN(std::optional<Operand> term, ParseTerm());
    if (!term) return term;
    while (Peek().type == Tok::kField) {
      const Token& f = Next();
      if (term->kind == Operand::kBool || term->kind == Operand::kString ||
          term->kind == Operand::kNumber || term->kind == Operand::kNil ||
          term->kind == Operand::kDot) {
        return Error(f.pos, absl::StrCat("unexpected . after term \"", term->text, "\""));
      }
      term->fields.emplace_back(f.text.substr(1));
      term->text = std::string(in_.substr(term->pos, f.pos + f.text.size() - term->pos));
    }
    return term;
  }

  absl::StatusOr<std::optional<Operand>> ParseTerm() {
    const Token& t = NextNonSpace();
    Operand op;
    op.pos = t.pos;
    op.text = std::string(t.text);
    switch (t.type) {
      case Tok::kIdent:
        if (std::find(std::begin(kFunctions), std::end(kFunctions), t.text) ==
            std::end(kFunctions)) {
          if (t.text == "call") {
            return Error(t.pos, "function \"call\" is not supported by strings.render_template");
          }
          return Error(t.pos, absl::StrCat("function \"", Absl(t.text), "\" not defined"));
        }
        op.kind = Operand::kIdent;
        op.name = std::string(t.text);
        return std::optional<Operand>(std::move(op));
      case Tok::kDot:
        op.kind = Operand::kDot;
        return std::optional<Operand>(std::move(op));
      case Tok::kNil:
        op.kind = Operand::kNil;
        return std::optional<Operand>(std::move(op));
      case Tok::kVariable:
        if (std::find(vars_.begin(), vars_.end(), t.text) == vars_.end()) {
          return Error(t.pos, absl::StrCat("undefined variable \"", Absl(t.text), "\""));
        }
        op.kind = Operand::kVariable;
        op.name = std::string(t.text);
        return std::optional<Operand>(std::move(op));
      case Tok::kField:
        op.kind = Operand::kField;
        op.fields.emplace_back(t.text.substr(1));
        return std::optional<Operand>(std::move(op));
      case Tok::kBool:
        op.kind = Operand::kBool;
        op.boolean = t.text == "true";
        return std::optional<Operand>(std::move(op));
      case Tok::kNumber:
      case Tok::kChar:
        op.kind = Operand::kNumber;
        VERDICT_RETURN_IF_ERROR(ParseNumberLiteral(t, &op));
        return std::optional<Operand>(std::move(op));
      case Tok::kString:
      case Tok::kRawString: {
        op.kind = Operand::kString;
        if (t.type == Tok::kRawString) {
          op.str = std::string(t.text.substr(1, t.text.size() - 2));
        } else {
          VERDICT_ASSIGN_OR_RETURN(op.str, Unquote(t));
        }
        return std::optional<Operand>(std::move(op));
      }
      case Tok::kLeftParen: {
        VERDICT_RETURN_IF_ERROR(Enter(t.pos));
        op.kind = Operand::kPipe;
        VERDICT_ASSIGN_OR_RETURN(op.pipe, ParsePipeline("parenthesized pipeline", Tok::kRightParen));
        --depth_;
        op.text = absl::StrCat("(", op.pipe->text, ")");
        return std::optional<Operand>(std::move(op));
      }
      default:
        --i_;
        return std::optional<Operand>();
    }
  }

  // A Go string literal's value (escapes \n \t \\ \" \xNN \uNNNN \UNNNNNNNN \NNN).
  absl::StatusOr<std::string> Unquote(const Token& t) {
    std::string_view s = t.text.substr(1, t.text.size() - 2);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        out += s[i];
        continue;
      }
      if (++i >= s.size()) return Error(t.pos, "invalid syntax");
      char c = s[i];
      auto hex = [&](int n) -> std::optional<uint32_t> {
        uint32_t v = 0;
        for (int k = 0; k < n; ++k) {
          if (i + 1 >= s.size()) return std::nullopt;
          char h = s[++i];
          int d = h >= '0' && h <= '9'   ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                         : -1;
          if (d < 0) return std::nullopt;
          v = v * 16 + static_cast<uint32_t>(d);
        }
        return v;
      };
      switch (c) {
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case 'x': {
          std::optional<uint32_t> v = hex(2);
          if (!v) return Error(t.pos, "invalid syntax");
          out += static_cast<char>(*v);
          break;
        }
        case 'u':
        case 'U': {
          std::optional<uint32_t> v = hex(c == 'u' ? 4 : 8);
          if (!v || *v > 0x10FFFF || (*v >= 0xD800 && *v < 0xE000)) {
            return Error(t.pos, "invalid syntax");
          }
          AppendUtf8(&out, static_cast<char32_t>(*v));
          break;
        }
        default:
          if (c >= '0' && c <= '7' && i + 2 < s.size()) {
            int v = 0;
            for (int k = 0; k < 3; ++k, ++i) {
              if (s[i] < '0' || s[i] > '7') return Error(t.pos, "invalid syntax");
              v = v * 8 + (s[i] - '0');
            }
            --i;
            if (v > 255) return Error(t.pos, "invalid syntax");
            out += static_cast<char>(v);
            break;
          }
          return Error(t.pos, "invalid syntax");
      }
    }
    return out;
  }

  // Numbers and character constants, as Go's parse.NumberNode: an int when
  // the literal is an integer that fits, else a float64.
  absl::Status ParseNumberLiteral(const Token& t, Operand* op) {
    if (t.type == Tok::kChar) {
      std::string_view body = t.text.substr(1, t.text.size() - 2);
      char32_t r;
      if (!body.empty() && body[0] == '\\') {
        Token as_string{Tok::kString, t.text, t.pos};
        VERDICT_ASSIGN_OR_RETURN(std::string s, Unquote(as_string));
        size_t k = 0;
        r = DecodeUtf8(s, &k);
        if (k != s.size()) return Error(t.pos, absl::StrCat("malformed character constant: ", Absl(t.text)));
      } else {
        size_t k = 0;
        r = DecodeUtf8(body, &k);
        if (body.empty() || k != body.size()) {
          return Error(t.pos, absl::StrCat("malformed character constant: ", Absl(t.text)));
        }
      }
      op->is_int = true;
      op->int_value = static_cast<int64_t>(r);
      return absl::OkStatus();
    }
    std::string text;
    for (char c : t.text) {
      if (c != '_') text += c;
    }
    auto bad = [&] { return Error(t.pos, absl::StrCat("bad number syntax: ", Absl(t.text))); };
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
      negative = s[0] == '-';
      s.remove_prefix(1);
    }
    if (s.empty()) return bad();
    int base = 10;
    if (s.size() > 1 && s[0] == '0') {
      char b = static_cast<char>(s[1] | 0x20);
      if (b == 'x') base = 16;
      if (b == 'o') base = 8;
      if (b == 'b') base = 2;
      if (base != 10) {
        s.remove_prefix(2);
      } else if (s.find_first_of(".eE") == std::string_view::npos) {
        base = 8;  // leading 0: octal
        s.remove_prefix(1);
      }
    }
    uint64_t u = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), u, base);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) {
      if (u <= static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0)) {
        op->is_int = true;
        op->int_value = negative ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
        return absl::OkStatus();
      }
    }
    if (base != 10 && base != 8) return bad();
    std::string_view f = text;
    if (!f.empty() && f[0] == '+') f.remove_prefix(1);
    double d = 0;
    auto [fptr, fec] = std::from_chars(f.data(), f.data() + f.size(), d);
    if (fec != std::errc() || fptr != f.data() + f.size()) return bad();
    // An integral float literal ("1e3") is an int in Go's parse tree.
    if (std::floor(d) == d && std::fabs(d) < 9.2e18) {
      op->is_int = true;
      op->int_value = static_cast<int64_t>(d);
      return absl::OkStatus();
    }
    op->float_value = d;
    return absl::OkStatus();
  }

  std::string_view in_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  std::vector<std::string> vars_;
  std::string_view ended_;
  size_t ended_pos_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;
};

// --- Values --------------------------------------------------------------------------

// A Go value as the executor sees it.
struct GoValue {
  enum Kind { kInvalid, kNil, kBool, kInt, kFloat, kString, kNumber, kArray, kMap } kind = kInvalid;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // kString; kNumber: the json.Number text
  Value v;        // kArray, kMap

  static GoValue Invalid() { return GoValue(); }
  static GoValue Nil() { return Make(kNil); }
  static GoValue Bool(bool x) {
    GoValue g = Make(kBool);
    g.b = x;
    return g;
  }
  static GoValue Int(int64_t x) {
    GoValue g = Make(kInt);
    g.i = x;
    return g;
  }
  static GoValue Float(double x) {
    GoValue g = Make(kFloat);
    g.f = x;
    return g;
  }
  static GoValue String(std::string x) {
    GoValue g = Make(kString);
    g.s = std::move(x);
    return g;
  }
  // A value of the template's data (OPA's ast.As conversion).
  static GoValue Data(const Value& x) {
    switch (x.kind()) {
      case ::verdict::Kind::kNull:
        return Nil();
      case ::verdict::Kind::kBool:
        return Bool(x.as_bool());
      case ::verdict::Kind::kNumber: {
        GoValue g = Make(kNumber);
        g.s = value::NumberToString(x);
        return g;
      }
      case ::verdict::Kind::kString:
        return String(std::string(x.as_string()));
      case ::verdict::Kind::kArray: {
        GoValue g = Make(kArray);
        g.v = x;
        return g;
      }
      case ::verdict::Kind::kObject: {
        GoValue g = Make(kMap);
        g.v = x;
        return g;
      }
      default:
        return Invalid();
    }
  }

  // Go's reflect type name, for error messages.
  std::string_view TypeName() const {
    switch (kind) {
      case kInvalid:
        return "<nil>";
      case kNil:
        return "interface {}";
      case kBool:
        return "bool";
      case kInt:
        return "int";
      case kFloat:
        return "float64";
      case kString:
        return "string";
      case kNumber:
        return "json.Number";
      case kArray:
        return "[]interface {}";
      case kMap:
        return "map[string]interface {}";
    }
    return "";
  }
  // Go's "string kind" (a json.Number is one).
  bool IsStringKind() const { return kind == kString || kind == kNumber; }

 private:
  static GoValue Make(Kind k) {
    GoValue g;
    g.kind = k;
    return g;
  }
};

// strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses.
std::string FormatGoFloat(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));  // -d.ddde+XX
  bool negative = sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 21) {
    out += digits[0];
    if (digits.size() > 1) absl::StrAppend(&out, ".", digits.substr(1));
    absl::StrAppend(&out, exp < 0 ? "e-" : "e+", std::abs(exp) < 10 ? "0" : "", std::abs(exp));
    return out;
  }
  if (exp < 0) {
    absl::StrAppend(&out, "0.", std::string(static_cast<size_t>(-exp - 1), '0'), digits);
  } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
    absl::StrAppend(&out, digits, std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0'));
  } else {
    absl::StrAppend(&out, digits.substr(0, static_cast<size_t>(exp) + 1), ".",
                    digits.substr(static_cast<size_t>(exp) + 1));
  }
  return out;
}

void AppendDataText(std::string* out, const Value& v);

// fmt's %v.
void AppendGoText(std::string* out, const GoValue& g) {
  switch (g.kind) {
    case GoValue::kInvalid:
      out->append("<no value>");
      break;
    case GoValue::kNil:
      out->append("<nil>");
      break;
    case GoValue::kBool:
      out->append(g.b ? "true" : "false");
      break;
    case GoValue::kInt:
      absl::StrAppend(out, g.i);
      break;
    case GoValue::kFloat:
      out->append(FormatGoFloat(g.f));
      break;
    case GoValue::kString:
    case GoValue::kNumber:
      out->append(g.s);
      break;
    case GoValue::kArray:
    case GoValue::kMap:
      AppendDataText(out, g.v);
      break;
  }
}

void AppendDataText(std::string* out, const Value& v) {
  switch (v.kind()) {
    case Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->push_back(' ');
        first = false;
        AppendDataText(out, item);
      }
      out->push_back(']');
      break;
    }
    case Kind::kObject: {
      out->append("map[");
      bool first = true;
      for (const ObjectEntry& e : v.entries()) {
        if (!first) out->push_back(' ');
        first = false;
        AppendDataText(out, e.key);
        out->push_back(':');
        AppendDataText(out, e.value);
      }
      out->push_back(']');
      break;
    }
    default:
      AppendGoText(out, GoValue::Data(v));
  }
}

std::string GoText(const GoValue& g) {
  std::string s;
  AppendGoText(&s, g);
  return s;
}

// text/template's truth: false, 0, nil, and empty strings, arrays and maps.
bool IsTrue(const GoValue& g) {
  switch (g.kind) {
    case GoValue::kInvalid:
    case GoValue::kNil:
      return false;
    case GoValue::kBool:
      return g.b;
    case GoValue::kInt:
      return g.i != 0;
    case GoValue::kFloat:
      return g.f != 0;
    case GoValue::kString:
    case GoValue::kNumber:
      return !g.s.empty();
    case GoValue::kArray:
    case GoValue::kMap:
      return !g.v.empty();
  }
  return false;
}

// fmt.Sprint: a space between operands when neither is a string.
std::string Sprint(const std::vector<GoValue>& args) {
  std::string out;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k > 0 && !args[k].IsStringKind() && !args[k - 1].IsStringKind()) out += ' ';
    AppendGoText(&out, args[k]);
  }
  return out;
}

// The escapers' argument: the string itself, or fmt.Sprint of them all.
std::string EscaperArg(const std::vector<GoValue>& args) {
  if (args.size() == 1 && args[0].kind == GoValue::kString) return args[0].s;
  return Sprint(args);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return out;
}

std::string JsEscape(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t r = DecodeUtf8(s, &i);
    switch (r) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '<': out += "\\u003C"; break;
      case '>': out += "\\u003E"; break;
      case '&': out += "\\u0026"; break;
      case '=': out += "\\u003D"; break;
      default:
        if (r < ' ') {
          absl::StrAppend(&out, "\\u", UnicodeName(r).substr(2));
        } else {
          out.append(s.substr(start, i - start));
        }
    }
  }
  return out;
}

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// --- Executor ----------------------------------------------------------------------

enum class Flow { kNormal, kBreak, kContinue };

class Executor {
 public:
  Executor(std::string_view input, BuiltinContext& ctx) : in_(input), ctx_(ctx) {}

  absl::StatusOr<std::string> Run(const std::vector<Node>& nodes, const GoValue& data) {
    vars_.push_back({"$", data});
    VERDICT_RETURN_IF_ERROR(WalkList(nodes, data).status());
    return std::move(out_);
  }

 private:
  // "template: template:L:C: executing "template" at <X>: message".
  absl::Status ExecError(size_t pos, std::string_view at, std::string_view message) const {
    size_t line_start = in_.rfind('\n', pos == 0 ? 0 : pos - 1);
    line_start = (line_start == std::string_view::npos || pos == 0) ? 0 : line_start + 1;
    int line = 1 + static_cast<int>(std::count(in_.begin(), in_.begin() + pos, '\n'));
    return MakeError(ErrorCode::kEvalBuiltinError,
                     absl::StrCat("template: template:", line, ":", pos - line_start,
                                  ": executing \"template\" at <", Absl(at), ">: ",
                                  Absl(message)));
  }
  absl::Status Fail(std::string_view message) const { return ExecError(at_pos_, at_text_, message); }
  void At(size_t pos, std::string_view text) {
    at_pos_ = pos;
    at_text_ = text;
  }

  absl::Status Emit(std::string_view s) {
    if (out_.size() + s.size() > limits::kMaxBuiltinResultElements) {
      return Fail("output too large");
    }
    out_.append(s);
    return absl::OkStatus();
  }

  absl::StatusOr<Flow> WalkList(const std::vector<Node>& list, const GoValue& dot) {
    for (const Node& n : list) {
      VERDICT_ASSIGN_OR_RETURN(Flow flow, Walk(n, dot));
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  absl::StatusOr<Flow> Walk(const Node& n, const GoValue& dot) {
    switch (n.kind) {
      case Node::kText:
        VERDICT_RETURN_IF_ERROR(Emit(n.text));
        return Flow::kNormal;
      case Node::kAction: {
        VERDICT_ASSIGN_OR_RETURN(GoValue v, EvalPipeline(dot, *n.pipe));
        if (n.pipe->decl.empty()) VERDICT_RETURN_IF_ERROR(Emit(GoText(v)));
        return Flow::kNormal;
      }
      case Node::kIf:
      case Node::kWith: {
        if (++depth_ > limits::kMaxTemplateDepth) return Fail("template nesting too deep");
        size_t mark = vars_.size();
        VERDICT_ASSIGN_OR_RETURN(GoValue v, EvalPipeline(dot, *n.pipe));
        absl::StatusOr<Flow> flow;
        if (IsTrue(v)) {
          flow = WalkList(n.list, n.kind == Node::kWith ? v : dot);
        } else {
          flow = WalkList(n.else_list, dot);
        }
        vars_.resize(mark);
        --depth_;
        return flow;
      }
      case Node::kRange:
        return WalkRange(n, dot);
      case Node::kBreak:
        return Flow::kBreak;
      case Node::kContinue:
        return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  absl::StatusOr<Flow> WalkRange(const Node& n, const GoValue& dot) {
    if (++depth_ > limits::kMaxTemplateDepth) return Fail("template nesting too deep");
    size_t mark = vars_.size();
    VERDICT_ASSIGN_OR_RETURN(GoValue v, EvalPipeline(dot, *n.pipe));
    size_t iteration_mark = vars_.size();
    const Pipeline& p = *n.pipe;
    auto one = [&](GoValue index, GoValue elem) -> absl::StatusOr<Flow> {
      if (!p.decl.empty()) {
        // $e := (top), or $i, $e := (the two on top).
        if (p.is_assign) {
          SetVar(p.decl.back(), elem);
          if (p.decl.size() > 1) SetVar(p.decl[0], index);
        } else {
          vars_[iteration_mark - 1].second = elem;
          if (p.decl.size() > 1) vars_[iteration_mark - 2].second = index;
        }
      }
      absl::StatusOr<Flow> flow = WalkList(n.list, elem);
      vars_.resize(iteration_mark);
      return flow;
    };
    bool any = false;
    switch (v.kind) {
      case GoValue::kArray:
        for (size_t k = 0; k < v.v.size(); ++k) {
          any = true;
          VERDICT_ASSIGN_OR_RETURN(Flow flow,
                                   one(GoValue::Int(static_cast<int64_t>(k)), GoValue::Data(v.v[k])));
          if (flow == Flow::kBreak) break;
        }
        break;
      case GoValue::kMap:
        for (const ObjectEntry& e : v.v.entries()) {
          any = true;
          VERDICT_ASSIGN_OR_RETURN(Flow flow, one(GoValue::Data(e.key), GoValue::Data(e.value)));
          if (flow == Flow::kBreak) break;
        }
        break;
      case GoValue::kInt:
        if (p.decl.size() > 1) {
          At(n.pipe->pos, n.pipe->text);
          return Fail("can't use int to iterate over more than one variable");
        }
        for (int64_t k = 0; k < v.i; ++k) {
          any = true;
          VERDICT_ASSIGN_OR_RETURN(Flow flow, one(GoValue::Int(k), GoValue::Int(k)));
          if (flow == Flow::kBreak) break;
        }
        break;
      case GoValue::kInvalid:
      case GoValue::kNil:
        break;
      default:
        At(n.pipe->pos, n.pipe->text);
        return Fail(absl::StrCat("range can't iterate over ", GoText(v)));
    }
    absl::StatusOr<Flow> flow = Flow::kNormal;
    if (!any) flow = WalkList(n.else_list, dot);
    vars_.resize(mark);
    --depth_;
    if (!flow.ok()) return flow.status();
    return Flow::kNormal;
  }

  void SetVar(const std::string& name, const GoValue& v) {
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) {
        vars_[k].second = v;
        return;
      }
    }
  }

  const GoValue* Var(const std::string& name) const {
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) return &vars_[k].second;
    }
    return nullptr;
  }

  absl::StatusOr<GoValue> EvalPipeline(const GoValue& dot, const Pipeline& p) {
    if (++depth_ > limits::kMaxTemplateDepth) return Fail("template nesting too deep");
    std::optional<GoValue> value;
    for (const Command& cmd : p.cmds) {
      VERDICT_ASSIGN_OR_RETURN(GoValue v, EvalCommand(dot, cmd, value));
      value = std::move(v);
    }
    --depth_;
    // An interface holding nil is no value at all once out of the pipeline.
    if (value->kind == GoValue::kNil) value = GoValue::Invalid();
    for (const std::string& name : p.decl) {
      if (p.is_assign) {
        SetVar(name, *value);
      } else {
        vars_.push_back({name, *value});
      }
    }
    return *std::move(value);
  }

  absl::StatusOr<GoValue> EvalCommand(const GoValue& dot, const Command& cmd,
                                      const std::optional<GoValue>& final) {
    const Operand& first = cmd.args[0];
    At(first.pos, first.text);
    std::span<const Operand> args(cmd.args.data() + 1, cmd.args.size() - 1);
    if (first.kind == Operand::kIdent) return EvalFunction(dot, cmd, first.name, args, final);
    if (!args.empty() || final) {
      At(cmd.pos, cmd.text);
      return Fail(absl::StrCat("can't give argument to non-function ", first.text));
    }
    return EvalOperand(dot, first);
  }

  absl::StatusOr<GoValue> EvalOperand(const GoValue& dot, const Operand& op) {
    At(op.pos, op.text);
    GoValue base;
    switch (op.kind) {
      case Operand::kField:
        return FieldChain(dot, op.fields, op);
      case Operand::kVariable: {
        const GoValue* v = Var(op.name);
        if (v == nullptr) return Fail(absl::StrCat("undefined variable: ", op.name));
        base = *v;
        break;
      }
      case Operand::kPipe: {
        VERDICT_ASSIGN_OR_RETURN(base, EvalPipeline(dot, *op.pipe));
        At(op.pos, op.text);
        break;
      }
      case Operand::kDot:
        return dot;
      case Operand::kBool:
        return GoValue::Bool(op.boolean);
      case Operand::kNumber:
        return op.is_int ? GoValue::Int(op.int_value) : GoValue::Float(op.float_value);
      case Operand::kString:
        return GoValue::String(op.str);
      case Operand::kNil:
        return Fail("nil is not a command");
      case Operand::kIdent:
        return Fail(absl::StrCat("can't evaluate function ", op.name));
    }
    if (op.fields.empty()) return base;
    return FieldChain(base, op.fields, op);
  }

  absl::StatusOr<GoValue> FieldChain(GoValue receiver, const std::vector<std::string>& fields,
                                     const Operand& op) {
    At(op.pos, op.text);
    for (const std::string& name : fields) {
      switch (receiver.kind) {
        case GoValue::kInvalid:
          return GoValue::Invalid();
        case GoValue::kNil:
          return Fail(absl::StrCat("nil pointer evaluating interface {}.", name));
        case GoValue::kMap: {
          const Value* next = receiver.v.Get(name);
          if (next == nullptr) return GoValue::Invalid();  // missingkey=default
          receiver = GoValue::Data(*next);
          break;
        }
        default:
          return Fail(absl::StrCat("can't evaluate field ", name, " in type ",
                                   Absl(receiver.TypeName())));
      }
    }
    return receiver;
  }

  absl::StatusOr<std::vector<GoValue>> EvalArgs(const GoValue& dot, std::span<const Operand> args,
                                                const std::optional<GoValue>& final) {
    std::vector<GoValue> out;
    for (const Operand& a : args) {
      if (a.kind == Operand::kNil) {
        out.push_back(GoValue::Nil());
        continue;
      }
      VERDICT_ASSIGN_OR_RETURN(GoValue v, EvalOperand(dot, a));
      out.push_back(std::move(v));
    }
    if (final) out.push_back(*final);
    return out;
  }

  absl::StatusOr<GoValue> EvalFunction(const GoValue& dot, const Command& cmd,
                                       const std::string& name, std::span<const Operand> args,
                                       const std::optional<GoValue>& final) {
    size_t nargs = args.size() + (final ? 1 : 0);
    auto arity = [&](size_t want) -> absl::Status {
      if (nargs == want) return absl::OkStatus();
      At(cmd.pos, cmd.text);
      return Fail(absl::StrCat("wrong number of args for ", name, ": want ", want, " got ", nargs));
    };
    auto at_least = [&](size_t want) -> absl::Status {
      if (nargs >= want) return absl::OkStatus();
      At(cmd.pos, cmd.text);
      return Fail(absl::StrCat("wrong number of args for ", name, ": want at least ", want,
                               " got ", nargs));
    };
    if (name == "and" || name == "or") {
      VERDICT_RETURN_IF_ERROR(at_least(1));
      // Short-circuit: the first argument that decides, else the last.
      GoValue v;
      for (size_t k = 0; k < nargs; ++k) {
        if (k < args.size()) {
          if (args[k].kind == Operand::kNil) {
            v = GoValue::Nil();
          } else {
            VERDICT_ASSIGN_OR_RETURN(v, EvalOperand(dot, args[k]));
          }
        } else {
          v = *final;
        }
        if (IsTrue(v) == (name == "or")) return v;
      }
      return v;
    }
    VERDICT_ASSIGN_OR_RETURN(std::vector<GoValue> a, EvalArgs(dot, args, final));
    At(cmd.pos, cmd.text);
    if (name == "not") {
      VERDICT_RETURN_IF_ERROR(arity(1));
      return GoValue::Bool(!IsTrue(a[0]));
    }
    if (name == "len") {
      VERDICT_RETURN_IF_ERROR(arity(1));
      switch (a[0].kind) {
        case GoValue::kString:
        case GoValue::kNumber:
          return GoValue::Int(static_cast<int64_t>(a[0].s.size()));
        case GoValue::kArray:
        case GoValue::kMap:
          return GoValue::Int(static_cast<int64_t>(a[0].v.size()));
        case GoValue::kInvalid:
        case GoValue::kNil:
          return Fail("error calling len: len of nil pointer");
        default:
          return Fail(absl::StrCat("error calling len: len of type ", Absl(a[0].TypeName())));
      }
    }
    if (name == "index") return Index(a, at_least(1));
    if (name == "slice") return Slice(a, at_least(1));
    if (name == "eq" || name == "ne" || name == "lt" || name == "le" || name == "gt" ||
        name == "ge") {
      return Compare(name, a);
    }
    if (name == "print") return GoValue::String(Sprint(a));
    if (name == "println") {
      std::string out;
      for (size_t k = 0; k < a.size(); ++k) {
        if (k > 0) out += ' ';
        AppendGoText(&out, a[k]);
      }
      out += '\n';
      return GoValue::String(std::move(out));
    }
    if (name == "printf") return Printf(a, at_least(1));
    if (name == "html") return GoValue::String(HtmlEscape(EscaperArg(a)));
    if (name == "js") return GoValue::String(JsEscape(EscaperArg(a)));
    if (name == "urlquery") return GoValue::String(QueryEscape(EscaperArg(a)));
    return Fail(absl::StrCat("function \"", name, "\" not defined"));
  }

  // An int operand of index / slice.
  absl::StatusOr<int64_t> IndexArg(const GoValue& g, std::string_view what) {
    if (g.kind == GoValue::kInt) return g.i;
    if (g.kind == GoValue::kInvalid || g.kind == GoValue::kNil) {
      return Fail(absl::StrCat("error calling ", Absl(what), ": cannot index slice/array with nil"));
    }
    return Fail(absl::StrCat("error calling ", Absl(what), ": cannot index slice/array with type ",
                             Absl(g.TypeName())));
  }

  absl::StatusOr<GoValue> Index(const std::vector<GoValue>& a, absl::Status arity) {
    VERDICT_RETURN_IF_ERROR(arity);
    GoValue item = a[0];
    for (size_t k = 1; k < a.size(); ++k) {
      switch (item.kind) {
        case GoValue::kArray:
        case GoValue::kString:
        case GoValue::kNumber: {
          VERDICT_ASSIGN_OR_RETURN(int64_t i, IndexArg(a[k], "index"));
          size_t n = item.kind == GoValue::kArray ? item.v.size() : item.s.size();
          if (i < 0 || static_cast<size_t>(i) >= n) {
            return Fail(absl::StrCat("error calling index: index out of range: ", i));
          }
          if (item.kind == GoValue::kArray) {
            item = GoValue::Data(item.v[static_cast<size_t>(i)]);
          } else {
            item = GoValue::Int(static_cast<unsigned char>(item.s[static_cast<size_t>(i)]));
          }
          break;
        }
        case GoValue::kMap: {
          if (a[k].kind != GoValue::kString) {
            return Fail(absl::StrCat("error calling index: value has type ",
                                     Absl(a[k].TypeName()), "; should be string"));
          }
          const Value* v = item.v.Get(a[k].s);
          item = v == nullptr ? GoValue::Nil() : GoValue::Data(*v);
          break;
        }
        case GoValue::kInvalid:
        case GoValue::kNil:
          return Fail("error calling index: index of untyped nil");
        default:
          return Fail(absl::StrCat("error calling index: can't index item of type ",
                                   Absl(item.TypeName())));
      }
    }
    return item;
  }

  absl::StatusOr<GoValue> Slice(const std::vector<GoValue>& a, absl::Status arity) {
    VERDICT_RETURN_IF_ERROR(arity);
    const GoValue& item = a[0];
    if (a.size() > 4) {
      return Fail(absl::StrCat("error calling slice: too many slice indexes: ", a.size() - 1));
    }
    size_t len;
    if (item.kind == GoValue::kString || item.kind == GoValue::kNumber) {
      if (a.size() == 4) return Fail("error calling slice: cannot 3-index slice a string");
      len = item.s.size();
    } else if (item.kind == GoValue::kArray) {
      len = item.v.size();
    } else if (item.kind == GoValue::kInvalid || item.kind == GoValue::kNil) {
      return Fail("error calling slice: slice of untyped nil");
    } else {
      return Fail(absl::StrCat("error calling slice: can't slice item of type ",
                               Absl(item.TypeName())));
    }
    int64_t idx[3] = {0, static_cast<int64_t>(len), static_cast<int64_t>(len)};
    for (size_t k = 1; k < a.size(); ++k) {
      VERDICT_ASSIGN_OR_RETURN(idx[k - 1], IndexArg(a[k], "slice"));
      if (idx[k - 1] < 0 || static_cast<size_t>(idx[k - 1]) > len) {
        return Fail(absl::StrCat("error calling slice: index out of range: ", idx[k - 1]));
      }
    }
    if (idx[0] > idx[1] || idx[1] > idx[2]) {
      return Fail(absl::StrCat("error calling slice: invalid slice index: ", idx[0], " > ", idx[1]));
    }
    if (item.kind != GoValue::kArray) {
      return GoValue::String(item.s.substr(static_cast<size_t>(idx[0]),
                                           static_cast<size_t>(idx[1] - idx[0])));
    }
    ArrayBuilder b(ctx_.arena);
    for (int64_t k = idx[0]; k < idx[1]; ++k) b.Add(item.v[static_cast<size_t>(k)]);
    GoValue out;
    out.kind = GoValue::kArray;
    out.v = b.Build();
    return out;
  }

  // Go's basic kinds for eq / lt: bool, int, float, string.
  enum class Basic { kBad, kBool, kInt, kFloat, kString };
  static Basic BasicKind(const GoValue& g) {
    switch (g.kind) {
      case GoValue::kBool:
        return Basic::kBool;
      case GoValue::kInt:
        return Basic::kInt;
      case GoValue::kFloat:
        return Basic::kFloat;
      case GoValue::kString:
      case GoValue::kNumber:
        return Basic::kString;
      default:
        return Basic::kBad;
    }
  }

  absl::StatusOr<GoValue> Compare(const std::string& name, const std::vector<GoValue>& a) {
    bool equality = name == "eq" || name == "ne";
    if (a.empty() || (name != "eq" && a.size() != 2)) {
      return Fail(absl::StrCat("wrong number of args for ", name, ": want 2 got ", a.size()));
    }
    if (a.size() < 2) return Fail(absl::StrCat("error calling ", name, ": missing argument for comparison"));
    auto fail = [&](std::string_view why) {
      return Fail(absl::StrCat("error calling ", name, ": ", Absl(why)));
    };
    // <0, 0, >0; or an error.
    auto cmp = [&](const GoValue& x, const GoValue& y) -> absl::StatusOr<int> {
      Basic kx = BasicKind(x), ky = BasicKind(y);
      if (x.kind == GoValue::kInvalid || y.kind == GoValue::kInvalid || x.kind == GoValue::kNil ||
          y.kind == GoValue::kNil) {
        if (equality && x.kind == GoValue::kNil && y.kind == GoValue::kNil) return 0;
        return fail("invalid type for comparison");
      }
      if (kx == Basic::kBad || ky == Basic::kBad) {
        return fail(equality ? "non-comparable type" : "invalid type for comparison");
      }
      if (kx != ky) {
        return fail("incompatible types for comparison");
      }
      switch (kx) {
        case Basic::kBool:
          if (!equality) return fail("invalid type for comparison");
          return x.b == y.b ? 0 : 1;
        case Basic::kInt:
          return (x.i > y.i) - (x.i < y.i);
        case Basic::kFloat:
          return (x.f > y.f) - (x.f < y.f);
        case Basic::kString:
          return x.s.compare(y.s) < 0 ? -1 : x.s == y.s ? 0 : 1;
        default:
          return fail("invalid type for comparison");
      }
    };
    if (name == "eq") {
      for (size_t k = 1; k < a.size(); ++k) {
        VERDICT_ASSIGN_OR_RETURN(int c, cmp(a[0], a[k]));
        if (c == 0) return GoValue::Bool(true);
      }
      return GoValue::Bool(false);
    }
    VERDICT_ASSIGN_OR_RETURN(int c, cmp(a[0], a[1]));
    if (name == "ne") return GoValue::Bool(c != 0);
    if (name == "lt") return GoValue::Bool(c < 0);
    if (name == "le") return GoValue::Bool(c <= 0);
    if (name == "gt") return GoValue::Bool(c > 0);
    return GoValue::Bool(c >= 0);
  }

  // printf through the sprintf builtin (Go's fmt rules). Data numbers are
  // json.Number strings in Go, and arrays and maps print with %v's text.
  absl::StatusOr<GoValue> Printf(const std::vector<GoValue>& a, absl::Status arity) {
    VERDICT_RETURN_IF_ERROR(arity);
    if (a[0].kind != GoValue::kString) {
      return Fail(absl::StrCat("wrong type for value; expected string; got ",
                               Absl(a[0].TypeName())));
    }
    ArrayBuilder operands(ctx_.arena);
    for (size_t k = 1; k < a.size(); ++k) {
      const GoValue& g = a[k];
      switch (g.kind) {
        case GoValue::kBool:
          operands.Add(Value::Bool(g.b));
          break;
        case GoValue::kInt:
          operands.Add(Value::Int(g.i));
          break;
        case GoValue::kFloat:
          operands.Add(Value::Double(g.f));
          break;
        case GoValue::kNil:
        case GoValue::kInvalid:
          operands.Add(Value::Null());
          break;
        default:
          operands.Add(Value::String(GoText(g), ctx_.arena));
      }
    }
    Value call[2] = {Value::String(a[0].s, ctx_.arena), operands.Build()};
    absl::StatusOr<Value> s = Sprintf(ctx_, call);
    if (!s.ok()) return Fail(absl::StrCat("error calling printf: ", s.status().message()));
    return GoValue::String(std::string(s->as_string()));
  }

  std::string_view in_;
  BuiltinContext& ctx_;
  std::string out_;
  std::vector<std::pair<std::string, GoValue>> vars_;
  size_t at_pos_ = 0;
  std::string at_text_;
  int depth_ = 0;
};

// Whether [v] holds a set or a non-string object key, which OPA's
// conversion to Go values turns into an array / a string key.
bool NeedsJsonConversion(const Value& v) {
  switch (v.kind()) {
    case Kind::kSet:
      return true;
    case Kind::kArray:
      return std::any_of(v.items().begin(), v.items().end(), NeedsJsonConversion);
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        if (!e.key.is_string() || NeedsJsonConversion(e.value)) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<Value> StringsRenderTemplate(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view text, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* vars, ObjectArg(kName, args, 1));
  Value data = *vars;
  if (NeedsJsonConversion(data)) {
    absl::StatusOr<Value> converted = ParseJson(ToJson(data), ctx.arena);
    if (!converted.ok()) return BuiltinError(kName, Std(converted.status().message()));
    data = *converted;
  }
  absl::StatusOr<std::vector<Token>> tokens = Lexer(text).Run();
  if (!tokens.ok()) return BuiltinError(kName, Std(tokens.status().message()));
  absl::StatusOr<std::vector<Node>> tree = Parser(text, *std::move(tokens)).Run();
  if (!tree.ok()) return BuiltinError(kName, Std(tree.status().message()));
  absl::StatusOr<std::string> out = Executor(text, ctx).Run(*tree, GoValue::Data(data));
  if (!out.ok()) return BuiltinError(kName, Std(out.status().message()));
  // What Go prints for a missing key or nil, OPA reports as undefined.
  return Str(ctx, absl::StrReplaceAll(*out, {{"<no value>", "<undefined>"}}));
}

}  // namespace verdict::builtins
