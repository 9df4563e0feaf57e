// Test helper for tests/compile: Rego source in, the query's value out,
// through the compiler and the VM only (no Engine), so a failure points at
// lib/compile or lib/vm.
#ifndef VERDICT_TESTS_COMPILE_COMPILE_TESTING_H_
#define VERDICT_TESTS_COMPILE_COMPILE_TESTING_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/error_code.h"
#include "compile/compiler.h"
#include "syntax/parse.h"
#include "verdict/value.h"
#include "vm/interp.h"

namespace verdict::compile::testing {

inline std::string ErrorText(const absl::Status& s) {
  return "error: " + std::string(ErrorCodeName(GetErrorCode(s))) + ": " +
         std::string(s.message());
}

// Compiles [modules] (named test-0.rego, test-1.rego, ...) with [query] and
// evaluates it with [input] and [data] (JSON; empty: no input, data {}).
// A query that is one reference (data.p.q) gives its value; any other
// gives the array of binding objects. Returns canonical JSON, "undefined",
// or "error: <code>: <message>". [strict]: builtin errors raise;
// [options]: the compiler's.
inline std::string Eval(const std::vector<std::string>& modules, std::string_view query,
                        std::string_view input = "", std::string_view data = "",
                        bool strict = false, const CompileOptions& options = {}) {
  std::vector<syntax::Module> parsed;
  for (size_t i = 0; i < modules.size(); ++i) {
    absl::StatusOr<syntax::Module> m =
        syntax::ParseModule(modules[i], "test-" + std::to_string(i) + ".rego");
    if (!m.ok()) return ErrorText(m.status());
    parsed.push_back(*std::move(m));
  }
  absl::StatusOr<syntax::Body> body = syntax::ParseQuery(query);
  if (!body.ok()) return ErrorText(body.status());
  QuerySpec spec;
  spec.name = "query";
  spec.value_query = IsValueQuery(*body);
  spec.body = *std::move(body);
  absl::StatusOr<vm::Program> program = Compile(parsed, {&spec, 1}, options);
  if (!program.ok()) return ErrorText(program.status());
  const vm::EntryPoint* entry = program->FindEntryPoint("query");
  if (entry == nullptr) return "error: no query entry point";
  uint32_t function = entry->function;
  absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> bound =
      vm::BoundProgram::Bind(*std::move(program));
  if (!bound.ok()) return ErrorText(bound.status());
  Arena arena;  // input and data outlive the context's per-evaluation arena
  vm::EvalOptions eval;
  eval.strict_builtin_errors = strict;
  if (!input.empty()) {
    absl::StatusOr<Value> v = ParseJson(input, &arena);
    if (!v.ok()) return ErrorText(v.status());
    eval.input = *v;
  }
  if (!data.empty()) {
    absl::StatusOr<Value> v = ParseJson(data, &arena);
    if (!v.ok()) return ErrorText(v.status());
    eval.data = *v;
  }
  vm::EvalContext ctx;
  absl::StatusOr<Value> result = vm::Evaluate(ctx, **bound, function, {}, eval);
  if (!result.ok()) return ErrorText(result.status());
  return result->is_undefined() ? "undefined" : ToJson(*result);
}

// One module.
inline std::string Value1(std::string_view module, std::string_view query,
                          std::string_view input = "", std::string_view data = "",
                          bool strict = false) {
  return Eval({std::string(module)}, query, input, data, strict);
}

}  // namespace verdict::compile::testing

#endif  // VERDICT_TESTS_COMPILE_COMPILE_TESTING_H_
