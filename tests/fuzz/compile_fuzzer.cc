// File: tests/fuzz/compile_fuzzer.cc
//
// Differential fuzzing of the compiler's optimizations. The bytes are in
// policy_input.h's format (Rego modules, then optionally data), as for
// rego_fuzzer. The query `data` is compiled and
// evaluated three ways:
//   1. with every optimization (rule indexing, generator fusion);
//   2. with both off;
//   3. as 1., after a round trip through Serialize() and Deserialize().
// Property: all three give the same value, or all three an error. The
// optimizations must not change what a policy means, and a stored program
// must mean what the compiled one did.
//
// Skipped: policies whose results need not repeat (rand.intn, uuid,
// time.now_ns, http.send and the like read the world), and runs where one
// configuration exhausted the instruction budget (they execute different
// numbers of instructions).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error_code.h"
#include "compile/compiler.h"
#include "fuzz_check.h"
#include "policy_input.h"
#include "syntax/parse.h"
#include "verdict/value.h"
#include "vm/interp.h"
#include "vm/program.h"

namespace {

using verdict::ErrorCode;
using verdict::Value;

constexpr std::string_view kWorldReaders[] = {"rand.", "uuid.", "time.now_ns", "http.send",
                                              "net.lookup", "opa.runtime", "trace("};

struct Outcome {
  bool ok = false;
  ErrorCode code = ErrorCode::kEvalInternalError;
  std::string text;  // canonical JSON, "undefined", or the error
};

Outcome Run(absl::StatusOr<verdict::vm::Program> program, const Value& input, const Value& data) {
  Outcome out;
  if (!program.ok()) {
    out.code = verdict::GetErrorCode(program.status());
    out.text = program.status().ToString();
    return out;
  }
  const verdict::vm::EntryPoint* entry = program->FindEntryPoint("query");
  FUZZ_CHECK(entry != nullptr, "no query entry point");
  const uint32_t function = entry->function;
  absl::StatusOr<std::shared_ptr<const verdict::vm::BoundProgram>> bound =
      verdict::vm::BoundProgram::Bind(*std::move(program));
  FUZZ_CHECK(bound.ok(), bound.status().ToString());
  verdict::vm::EvalOptions options;
  options.input = input;
  options.data = data;
  options.max_instructions = 200000;
  verdict::vm::EvalContext ctx;
  absl::StatusOr<Value> result = verdict::vm::Evaluate(ctx, **bound, function, {}, options);
  if (!result.ok()) {
    out.code = verdict::GetErrorCode(result.status());
    out.text = result.status().ToString();
    return out;
  }
  out.ok = true;
  out.text = result->is_undefined() ? "undefined" : verdict::ToJson(*result);
  return out;
}

std::string Describe(const char* name, const Outcome& o) {
  return std::string(name) + ": " + o.text + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  for (std::string_view reader : kWorldReaders) {
    if (text.find(reader) != std::string_view::npos) return 0;
  }
  const verdict::fuzz::PolicyInput in = verdict::fuzz::SplitPolicyInput(text);
  verdict::Arena arena;
  Value data;
  if (!in.data.empty()) {
    absl::StatusOr<Value> parsed = verdict::ParseJson(in.data, &arena);
    if (!parsed.ok() || !parsed->is_object()) return 0;
    data = *parsed;
  }
  std::vector<verdict::syntax::Module> modules;
  for (size_t i = 0; i < in.modules.size(); ++i) {
    absl::StatusOr<verdict::syntax::Module> m =
        verdict::syntax::ParseModule(in.modules[i], "m" + std::to_string(i) + ".rego");
    if (!m.ok()) return 0;
    modules.push_back(*std::move(m));
  }
  absl::StatusOr<verdict::syntax::Body> body = verdict::syntax::ParseQuery("data");
  FUZZ_CHECK(body.ok(), body.status().ToString());
  verdict::compile::QuerySpec spec;
  spec.name = "query";
  spec.value_query = true;
  spec.body = *std::move(body);
  absl::StatusOr<Value> input = verdict::ParseJson(verdict::fuzz::kFixedInput, &arena);
  FUZZ_CHECK(input.ok(), "fixed input");

  verdict::compile::CompileOptions plain;
  plain.index_rules = false;
  plain.fuse_generators = false;
  absl::StatusOr<verdict::vm::Program> optimized = verdict::compile::Compile(modules, {&spec, 1});
  absl::StatusOr<verdict::vm::Program> reloaded = optimized;
  if (optimized.ok()) {
    reloaded = verdict::vm::Deserialize(verdict::vm::Serialize(*optimized));
    FUZZ_CHECK(reloaded.ok(), reloaded.status().ToString());
  }
  const Outcome a = Run(std::move(optimized), *input, data);
  const Outcome b = Run(verdict::compile::Compile(modules, {&spec, 1}, plain), *input, data);
  const Outcome c = Run(std::move(reloaded), *input, data);
  if (a.code == ErrorCode::kEvalLimitError || b.code == ErrorCode::kEvalLimitError) return 0;
  const std::string all = Describe("optimized", a) + Describe("plain", b) + Describe("reloaded", c);
  FUZZ_CHECK(a.ok == b.ok && a.ok == c.ok, "one configuration failed:\n" + all);
  if (a.ok) FUZZ_CHECK(a.text == b.text && a.text == c.text, "results differ:\n" + all);
  return 0;
}
