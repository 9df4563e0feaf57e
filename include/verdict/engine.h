// File: include/verdict/engine.h
//
// verdict's C++ API: load Rego policies and data, compile them to bytecode,
// evaluate queries.
//
// Example:
//
//   verdict::Engine engine;
//   VERDICT_RETURN_IF_ERROR(engine.AddModule("authz.rego", R"(
//       package authz
//       default allow := false
//       allow if input.user == "alice"
//   )"));
//   VERDICT_RETURN_IF_ERROR(engine.Compile());
//
//   // Hot path: prepare once, evaluate many inputs from many threads.
//   absl::StatusOr<verdict::PreparedQuery> allow = engine.Prepare("data.authz.allow");
//   std::string result;
//   absl::Status s = allow->EvaluateJson(R"({"user": "alice"})", &result);
//   // result == "true"
//
// Undefined is not an error: a query whose rule has no value yields a
// Decision with defined == false (EvaluateJson writes nothing and returns
// OK with *defined = false).
//
// Thread safety: an Engine is built by one thread (Add*, Compile). After
// Compile() it is immutable, and Prepare(), Evaluate() and every method of
// PreparedQuery may be called from any number of threads at once, without
// locks on the evaluation path: each thread evaluates in its own reused
// context. To swap policies, compile a new Engine and replace a
// std::shared_ptr<const Engine>. (tests/api/concurrency_test.cc runs four
// threads on one PreparedQuery against single-threaded results.)
//
// Errors are absl::Status values carrying an OPA error code (ErrorCode in
// lib/base/error_code.h, e.g. "rego_parse_error", "eval_conflict_error")
// and, where one exists, a file:line:col location in the message.
#ifndef VERDICT_ENGINE_H_
#define VERDICT_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "verdict/bundle.h"
#include "verdict/nondeterministic.h"
#include "verdict/value.h"

namespace verdict {

class CompiledPolicy;  // internal: program + data, shared by prepared queries
namespace api {
class BundleSet;  // internal: the active bundles (lib/api/engine_bundle.h)
}  // namespace api

// One rule definition that produced part of a decision (EvalOptions::explain).
struct ExplainedRule {
  std::string rule;      // the rule's path: "data.abac.deny", "data.lib.f"
  std::string location;  // its definition: "abac.rego:82:1" (file:line:col)
};

struct EvalOptions {
  // Built-in errors raise instead of making the expression undefined.
  bool strict_builtin_errors = false;
  // Instruction budget per evaluation (0 = unlimited); exceeding it is an
  // eval_limit_error, so a runaway policy cannot hang a service.
  uint64_t max_instructions = 0;
  // Fill Decision::explanation (Evaluate(), not EvaluateJson()). Runs the
  // slower traced interpreter loop.
  bool explain = false;
  // Record every call of a non-deterministic builtin (time.now_ns,
  // rand.intn, uuid.rfc4122, JWT/certificate verification, custom builtins
  // with deterministic == false) into Decision::nondeterministic.
  bool record_nondeterministic = false;
  // Calls recorded by an earlier decision: a non-deterministic call with the
  // same builtin and arguments returns the recorded result instead of
  // running, so the earlier decision is reproduced. Must outlive the call.
  const std::vector<NondeterministicCall>* replay = nullptr;
  // The clock time.now_ns (and JWT/certificate expiry checks) read, in Unix
  // nanoseconds; empty: the system clock. Read at most once per evaluation.
  std::function<int64_t()> clock;
  // Receives print() output, one line per print call and combination of
  // its operands' values (`print("user", input.user)` -> "user alice";
  // undefined operands read "<undefined>"), as OPA's print hook does.
  // Empty: print() does nothing. Called on the evaluating thread.
  std::function<void(std::string_view)> print;
};

// The result of one evaluation.
struct Decision {
  bool defined = false;
  // For a rule query ("data.authz.allow"): its value. For a query body
  // ("x = data.p[y]"): an array of binding objects, one per solution.
  // Heap-owned: stays valid after later evaluations.
  Value result;
  // With EvalOptions::explain: every rule definition whose body succeeded
  // and contributed a value (complete rules, else branches, defaults,
  // partial set and object elements, functions), in evaluation order,
  // each listed once.
  std::vector<ExplainedRule> explanation;
  // With EvalOptions::record_nondeterministic: one entry per distinct
  // non-deterministic call (builtin, arguments) in the order first made;
  // pass them as EvalOptions::replay to reproduce this decision.
  std::vector<NondeterministicCall> nondeterministic;
};

// A query compiled once and evaluated many times.
class PreparedQuery {
 public:
  PreparedQuery(const PreparedQuery&) = default;
  PreparedQuery& operator=(const PreparedQuery&) = default;

  // Evaluate()
  //
  // Evaluates with [input] (undefined Value = no input). The input is read
  // in place, without taking reference counts, so it must stay alive and
  // unchanged for the call; nothing of it is kept afterwards (the
  // Decision owns a copy of its result).
  absl::StatusOr<Decision> Evaluate(const Value& input,
                                    const EvalOptions& options = {}) const;

  // EvaluateJson()
  //
  // The hot path: parses [input_json] straight into the evaluating thread's
  // arena, evaluates, and writes the result as canonical JSON into [*out]
  // (cleared first; left empty when undefined). Reuses the thread's context
  // and [*out]'s capacity, so steady-state calls do not allocate.
  absl::Status EvaluateJson(std::string_view input_json, std::string* out,
                            bool* defined = nullptr,
                            const EvalOptions& options = {}) const;

  // The query text this was prepared from.
  const std::string& query() const { return query_; }

 private:
  friend class Engine;
  PreparedQuery() = default;
  std::shared_ptr<const CompiledPolicy> policy_;
  uint32_t function_ = 0;
  bool is_body_ = false;  // query body: results are binding objects
  std::string query_;
};

// One active bundle, as Engine::Bundles() reports it.
struct BundleStatus {
  std::string name;
  std::string revision;
  std::vector<std::string> roots;
  bool signature_verified = false;
  // true: the bundle's program.vbc evaluates its rules; false: its sources
  // were compiled at activation (no program.vbc, an incompatible one, or
  // other modules or bundles active beside it).
  bool precompiled = false;
  // Why a program.vbc was not used, and similar notes for the operator.
  std::vector<std::string> warnings;
};

// Argument and result types of a custom builtin (Engine::RegisterBuiltin).
enum class BuiltinType : uint8_t {
  kAny,
  kNull,
  kBoolean,
  kNumber,
  kString,
  kArray,
  kObject,
  kSet,
};

// A builtin function supplied by the application, callable from Rego like
// OPA's own (OPA's rego.Function):
//
//   verdict::CustomBuiltin lookup;
//   lookup.name = "acme.tier";
//   lookup.args = {verdict::BuiltinType::kString};
//   lookup.result = verdict::BuiltinType::kString;
//   lookup.fn = [](std::span<const verdict::Value> args)
//       -> absl::StatusOr<verdict::Value> {
//     return verdict::Value::String(args[0].as_string() == "alice" ? "gold" : "basic");
//   };
//   VERDICT_RETURN_IF_ERROR(engine.RegisterBuiltin(std::move(lookup)));
//   // Rego: allow if acme.tier(input.user) == "gold"
struct CustomBuiltin {
  // A Rego reference: identifiers joined by dots ("acme.tier"). It must not
  // name a builtin verdict already knows.
  std::string name;
  // One entry per argument (at most 6). Each argument is checked before
  // [fn] runs; a mismatch is an eval_type_error "name: operand N must be T
  // but got U", as for OPA's builtins.
  std::vector<BuiltinType> args;
  BuiltinType result = BuiltinType::kAny;
  // Called from any evaluating thread at once, so it must be thread-safe.
  // Returns a Value (build it on the heap: Arena nullptr), an undefined
  // Value (the call is undefined), or an error, which becomes an
  // eval_builtin_error "name: message" (undefined unless
  // EvalOptions::strict_builtin_errors).
  std::function<absl::StatusOr<Value>(std::span<const Value> args)> fn;
  // false: calls with the same arguments may give different results (a
  // clock, a random draw, a lookup in changing state).
  bool deterministic = true;
};

class Engine {
 public:
  Engine();
  ~Engine();
  // Moving transfers the compiled policy; copying is not offered because an
  // Engine under construction owns parsed modules (share compiled engines
  // through std::shared_ptr<const Engine> instead).
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // RegisterBuiltin()
  //
  // Adds a custom builtin for the modules and queries compiled after this
  // call (call it before Compile()). Errors: an invalid or taken name, more
  // than 6 arguments, no function.
  absl::Status RegisterBuiltin(CustomBuiltin builtin);

  // AddModule()
  //
  // Parses one Rego module. [filename] appears in error locations.
  absl::Status AddModule(std::string_view filename, std::string_view source);

  // SetData() / SetDataJson()
  //
  // Replaces the base document (`data`); it must be an object.
  absl::Status SetData(const Value& data);
  absl::Status SetDataJson(std::string_view json);

  // MergeData()
  //
  // Deep-merges [value] into the base document at [path] (e.g. {"iam"});
  // a conflict with an existing non-object value is an error.
  absl::Status MergeData(const std::vector<std::string>& path, const Value& value);

  // LoadPath()
  //
  // Like `opa eval -d PATH`: a .rego file, a data file (.json, .yaml,
  // .yml), or a directory searched recursively for both. Data files in a
  // directory are merged at the path of the directory they sit in,
  // relative to [path]; a data file given directly lands at the root.
  absl::Status LoadPath(std::string_view path);

  // Compile()
  //
  // Compiles every module added so far. On error nothing changes: a
  // previously compiled policy stays in effect.
  absl::Status Compile();

  // Prepare()
  //
  // Compiles [query]: a reference such as "data.authz.allow", or any query
  // body such as "x = data.p[y]; y > 1" whose variables become bindings.
  absl::StatusOr<PreparedQuery> Prepare(std::string_view query) const;

  // Evaluate()
  //
  // One-shot Prepare + Evaluate, for tools and tests.
  absl::StatusOr<Decision> Evaluate(std::string_view query, const Value& input,
                                    const EvalOptions& options = {}) const;

  // --- Bundles (include/verdict/bundle.h, docs/bundles.md) -----------------
  //
  // A bundle owns the parts of `data` under its manifest's roots: its data
  // replaces whatever was there, its packages must lie there, and the roots
  // of bundles active together must not overlap. Activation is atomic: the
  // bundles are checked and everything is compiled first, and on any error
  // the previous policy, data and bundles stay in effect. When one bundle
  // is active alone (no AddModule modules, no custom builtins) and carries
  // a program.vbc built by this library version from the same sources,
  // that program is used as is; otherwise the sources are compiled and
  // Bundles() says why.
  // Like Compile(), activation changes the engine: do not run it while
  // other threads call Prepare()/Evaluate() on the same Engine. Queries
  // prepared earlier keep evaluating the policy they were prepared with.

  // LoadBundle()
  //
  // ReadBundle([path], [options]) (a directory or .tar.gz), then
  // ActivateBundle() under the name [path].
  absl::Status LoadBundle(std::string_view path, const BundleReadOptions& options = {});

  // ActivateBundle() / ActivateBundles()
  //
  // Activates bundles already read, each under its Bundle::name, replacing
  // an active bundle of the same name.
  absl::Status ActivateBundle(Bundle bundle);
  absl::Status ActivateBundles(std::vector<Bundle> bundles);

  // DeactivateBundle()
  //
  // Removes the bundle [name] with its data and modules (atomically, like
  // activation).
  absl::Status DeactivateBundle(std::string_view name);

  // Bundles()
  //
  // The active bundles, sorted by name.
  std::vector<BundleStatus> Bundles() const;

 private:
  // Bundle support (engine_bundle.cc) reaches the state only through these
  // (engine.cc).
  std::shared_ptr<const api::BundleSet> bundle_set() const;
  bool has_api_modules() const;
  absl::Status SwapBundles(std::shared_ptr<const api::BundleSet> next);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace verdict

#endif  // VERDICT_ENGINE_H_
