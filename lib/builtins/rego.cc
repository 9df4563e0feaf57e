// File: lib/builtins/rego.cc
//
// The rego.* family: rego.parse_module parses Rego with verdict's parser
// (lib/syntax) and returns OPA's AST JSON (syntax/ast_json.h). Like OPA's,
// it parses without METADATA processing, so comments come back as comments
// and a malformed METADATA block is no error. A parse error is an
// eval_builtin_error worded as OPA's ast.Errors:
//   rego.parse_module: 1 error occurred: x.rego:1: rego_parse_error: <message>
// followed by the source line and a caret.
//
// rego.metadata.rule and rego.metadata.chain are resolved by the compiler
// inside rules (lib/compile/annotations_rewrite.h); what is left for run
// time is a call outside any rule, which fails with OPA's message.
//
// Tested by tests/builtins/rego_test.cc and the conformance suite.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "syntax/ast_json.h"
#include "syntax/parse.h"

namespace verdict::builtins {
namespace {

// OPA's ast.Errors.Error(): "1 error occurred: <e>" or "N errors
// occurred:\n<e>\n<e>", each error "file:row: code: message" plus its
// source line and caret.
std::string OpaErrorsText(const syntax::Diagnostics& diags) {
  std::vector<std::string> lines;
  for (const syntax::Diagnostic& d : diags) {
    std::string e = absl::StrCat(Absl(d.span.filename()), ":", d.span.line, ": ",
                                 Absl(ErrorCodeName(d.code)), ": ", d.message);
    std::string caret = syntax::RenderCaret(d.span);
    if (!caret.empty()) absl::StrAppend(&e, "\n", caret);
    lines.push_back(std::move(e));
  }
  if (lines.size() == 1) return absl::StrCat("1 error occurred: ", lines[0]);
  std::string out = absl::StrCat(lines.size(), " errors occurred:");
  for (const std::string& line : lines) absl::StrAppend(&out, "\n", line);
  return out;
}

absl::Status MetadataOutsideRule(std::string_view name) {
  return BuiltinError(name, absl::StrCat("the ", Absl(name),
                                         " function must only be called within "
                                         "the scope of a rule"));
}

}  // namespace

absl::StatusOr<Value> RegoParseModule(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "rego.parse_module";
  VERDICT_ASSIGN_OR_RETURN(std::string_view filename, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view source, StringArg(kName, args, 1));
  syntax::Diagnostics diags;
  syntax::ParseOptions options;
  options.annotations = false;
  std::optional<syntax::Module> module = syntax::ParseModule(
      syntax::SourceFile::Make(std::string(filename), std::string(source)), diags, options);
  if (!module.has_value()) return BuiltinError(kName, OpaErrorsText(diags));
  return syntax::ModuleToJson(*module, ctx.arena);
}

absl::StatusOr<Value> RegoMetadataChain(BuiltinContext&, std::span<const Value>) {
  return MetadataOutsideRule("rego.metadata.chain");
}

absl::StatusOr<Value> RegoMetadataRule(BuiltinContext&, std::span<const Value>) {
  return MetadataOutsideRule("rego.metadata.rule");
}

}  // namespace verdict::builtins
