// The compiler's conductor (compiler.h): rule tree, lowering, verification.
#include "compile/compiler.h"

#include "base/status_macros.h"
#include "compile/annotations_rewrite.h"
#include "compile/lower.h"
#include "compile/optimize.h"
#include "compile/rule_tree.h"

namespace verdict::compile {

bool IsValueQuery(const syntax::Body& body) {
  if (body.size() != 1) return false;
  const syntax::Expr& e = body[0];
  if (e.kind != syntax::ExprKind::kTerm || e.negated || !e.with.empty()) return false;
  const syntax::Term& t = e.terms[0];
  if (t.kind != syntax::TermKind::kRef) return false;
  const std::string& root = t.terms[0].text;
  if (t.terms[0].kind != syntax::TermKind::kVar || (root != "data" && root != "input")) {
    return false;
  }
  for (size_t i = 1; i < t.terms.size(); ++i) {
    syntax::TermKind k = t.terms[i].kind;
    if (k != syntax::TermKind::kString && k != syntax::TermKind::kNumber &&
        k != syntax::TermKind::kBoolean && k != syntax::TermKind::kNull) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<vm::Program> Compile(std::span<const syntax::Module> modules,
                                    std::span<const QuerySpec> queries,
                                    const CompileOptions& options) {
  // rego.metadata.* calls become constants; copies only when there are any.
  std::vector<syntax::Module> rewritten;
  VERDICT_ASSIGN_OR_RETURN(bool changed, RewriteRegoMetadataCalls(modules, &rewritten));
  if (changed) modules = rewritten;
  VERDICT_ASSIGN_OR_RETURN(RuleTree tree, BuildRuleTree(modules));
  vm::Program program;
  VERDICT_RETURN_IF_ERROR(LowerProgram(tree, queries, options, &program));
  Optimize(&program);
  // Custom builtins are unknown to the default lookup; BoundProgram::Bind
  // verifies such a program with the engine's lookup instead.
  if (options.extra_builtins.empty()) VERDICT_RETURN_IF_ERROR(vm::Verify(program));
  return program;
}

}  // namespace verdict::compile
