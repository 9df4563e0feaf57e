// File: lib/builtins/registry.h
//
// The built-in function table. builtins.def has one line per builtin
// (name, C++ function, argument types, result type, flags); this header
// exposes it to the compiler (name resolution and type checks), the VM
// (calls by index) and tools (`policyc builtins`).
//
// Every builtin has one signature:
//   absl::StatusOr<Value> Fn(BuiltinContext& ctx, std::span<const Value> args);
// It returns a Value, an undefined Value (Rego undefined, no error), or an
// error built with MakeError(ErrorCode::kEvalBuiltinError |
// kEvalTypeError, message) using OPA's message wording, which the
// conformance suite compares. Whether an error propagates or becomes
// undefined (strict mode) is the caller's decision, not the builtin's.
//
// Tested by tests/builtins/*_test.cc and the conformance suite.
#ifndef VERDICT_BUILTINS_REGISTRY_H_
#define VERDICT_BUILTINS_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/value.h"

namespace verdict::builtins {

// Static types used by compile-time checks; a subset of OPA's types.
enum class Type : uint8_t {
  kAny,
  kNull,
  kBoolean,
  kNumber,
  kString,
  kArray,
  kObject,
  kSet,
  kCollection,  // array, object or set
};

enum BuiltinFlags : uint8_t {
  kPure = 0,
  // Result may differ between calls with the same arguments (time.now_ns,
  // rand.intn, uuid.rfc4122): fixed within one evaluation and recorded so a
  // decision log can replay it.
  kNondeterministic = 1 << 0,
  // Known to OPA but not offered by verdict (http.send, net.lookup_ip_addr,
  // opa.runtime, providers.aws.sign_req): using one is a compile error that
  // names it and says why.
  kUnsupported = 1 << 1,
  // Deprecated in OPA and rejected by OPA's Rego v1 compiler (re_match,
  // all, any, set_diff, cast_*, net.cidr_overlap); implemented for lenient
  // compiles.
  kDeprecated = 1 << 2,
  // A relation (walk): the result is an array holding every solution, and
  // the caller iterates it, binding the output operand to each element.
  kRelation = 1 << 3,
};

// Largest number of declared arguments of any builtin.
inline constexpr int kMaxArity = 6;

class PatternCache;  // compiled regexes, globs and JSON schemas (patterns.h)
struct PatternMemo;  // the patterns a context has used (patterns.h)
struct PatternMemoDeleter {
  void operator()(PatternMemo* memo) const;
};

// Per-evaluation state a builtin may use. The VM owns one per evaluation.
struct BuiltinContext {
  Arena* arena = nullptr;            // results are allocated here
  PatternCache* patterns = nullptr;  // may be null: compile per call
  // Wall clock for time.now_ns, read once per evaluation; injectable.
  std::function<int64_t()> clock;
  int64_t now_ns = 0;
  bool now_ns_set = false;
  // Seed for rand.intn / uuid.rfc4122 within this evaluation.
  uint64_t random_seed = 0;
  // Where print() writes, one line per call and combination of operand
  // values; null: print does nothing (as OPA without a print hook).
  const std::function<void(std::string_view)>* print = nullptr;
  // A lock-free front to [patterns] for glob.match and regex.match, made
  // on first use; single-threaded like the context (LookupGlob, patterns.h).
  std::unique_ptr<PatternMemo, PatternMemoDeleter> pattern_memo;
};

using BuiltinFn = absl::StatusOr<Value> (*)(BuiltinContext& ctx,
                                            std::span<const Value> args);

// A builtin the embedding application adds (Engine::RegisterBuiltin, see
// lib/api/custom_builtins.h): a std::function, so it can carry state.
using CustomBuiltinFn =
    std::function<absl::StatusOr<Value>(BuiltinContext& ctx, std::span<const Value> args)>;

struct BuiltinInfo {
  std::string_view name;         // "strings.replace_n"
  BuiltinFn fn;                  // nullptr only for kUnsupported entries
  int8_t arity;                  // declared arguments
  Type args[kMaxArity];          // first `arity` entries are meaningful
  Type result;
  uint8_t flags;                 // BuiltinFlags
  std::string_view unsupported_reason;  // for kUnsupported
  // Custom builtins only: called instead of fn (which is then a stub).
  const CustomBuiltinFn* custom = nullptr;

  // Call(): how the VM runs a builtin, table or custom.
  absl::StatusOr<Value> Call(BuiltinContext& ctx, std::span<const Value> args) const {
    return custom == nullptr ? fn(ctx, args) : (*custom)(ctx, args);
  }
};

// All builtins in table order (the order of builtins.def).
std::span<const BuiltinInfo> AllBuiltins();

// The builtin named [name] ("count", "time.parse_rfc3339_ns"), or nullptr.
const BuiltinInfo* FindBuiltin(std::string_view name);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_REGISTRY_H_
