// File: lib/vm/interp.h
//
// The interpreter: runs one function of a verified Program to its result.
//
//   // Once per program (shared read-only by every thread):
//   VERDICT_ASSIGN_OR_RETURN(std::shared_ptr<const BoundProgram> bound,
//                            BoundProgram::Bind(std::move(program)));
//   // Once per thread, reused for every decision:
//   EvalContext ctx;
//   // Per decision:
//   EvalOptions options;
//   options.input = input;   // undefined Value: no input
//   options.data = data;     // the base document (an object)
//   VERDICT_ASSIGN_OR_RETURN(Value result,
//                            Evaluate(ctx, *bound, fn, {}, options));
//   // result lives in ctx.arena() (or in input, data or the program's
//   // constants, borrowed: no reference counts taken) until the next
//   // evaluation and while bound and data live: DeepCopy(result, nullptr)
//   // to keep it longer.
//
// Design (docs/vm.md has the long form): registers are one growing
// std::vector<Value> per context, each call frame a window into it; calls
// do not recurse on the C++ stack; zero-arity functions are memoized per
// evaluation under a generation number that `with` overrides bump; all
// scratch storage (registers, frames, accumulators, memo, arena) is kept
// across evaluations, so a steady-state decision allocates nothing on the
// heap.
//
// Thread safety: a BoundProgram is immutable and may be shared; an
// EvalContext belongs to one thread at a time.
//
// Tested by tests/vm/interp_test.cc.
#ifndef VERDICT_VM_INTERP_H_
#define VERDICT_VM_INTERP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builtins/registry.h"
#include "verdict/nondeterministic.h"
#include "verdict/value.h"
#include "vm/program.h"

namespace verdict::vm {

// Borrowed()
//
// [v] without the reference count it may own: a copy that stays valid only
// while something else keeps [v]'s cell alive. Evaluations hold the active
// data this way (the compiled policy owns it for longer than any
// evaluation runs), so the copies made for every decision on every thread
// never touch one shared count, which would bounce its cache line between
// cores. Results leave an evaluation deep-copied or serialized, so a
// borrowed reference never outlives it.
inline Value Borrowed(const Value& v) {
  if (!v.is_counted()) return v;
  return Value::FromCell(v.kind(), v.aux(), v.cell(), /*counted=*/false);
}

// BoundProgram
//
// A verified Program with its builtin names resolved to table entries, so
// a CallBuiltin is one indirect call. Built once per program.
class BoundProgram {
 public:
  // Bind()
  //
  // Verifies [program] and resolves its builtins with [lookup] (custom
  // builtins of an engine come in through it).
  static absl::StatusOr<std::shared_ptr<const BoundProgram>> Bind(
      Program program, const BuiltinLookup& lookup = BuiltinLookup(&builtins::FindBuiltin));

  const Program& program() const { return program_; }
  const builtins::BuiltinInfo& builtin(uint32_t i) const { return *builtins_[i]; }
  // program().constants, Borrowed(): what LoadConst copies into registers,
  // so no thread touches a constant's shared reference count.
  const std::vector<Value>& constants() const { return constants_; }

 private:
  BoundProgram() = default;
  Program program_;
  std::vector<const builtins::BuiltinInfo*> builtins_;
  std::vector<Value> constants_;
};

// ResolveDataPaths()
//
// The base document [data] looked up at the path of every LoadData of
// [program], once: entry b is the document at K[b] (undefined when the path
// is missing, and for constants no LoadData uses), Borrowed() from [data]:
// valid while [data] lives. Data is immutable while
// a policy is active, so a caller that keeps this beside the program and
// the data (EvalOptions::data_paths) turns each LoadData into one load.
std::vector<Value> ResolveDataPaths(const Program& program, const Value& data);

// Per-evaluation settings.
struct EvalOptions {
  // The input document; undefined means "no input" (LoadInput fails).
  Value input;
  // The base document root (`data`); undefined behaves as {}.
  Value data;
  // ResolveDataPaths(program, data) for this program and data, or empty
  // (LoadData then walks the document). Ignored unless it has one entry
  // per constant, and while a `with data...` override is active.
  std::span<const Value> data_paths;
  // Builtin errors raise (with their own code) instead of making the
  // expression undefined.
  bool strict_builtin_errors = false;
  // Instruction budget, checked on backward jumps and calls; 0 = none.
  // Exceeding it is eval_limit_error.
  uint64_t max_instructions = 0;
  // Nested calls allowed; exceeding it is eval_limit_error.
  uint32_t max_call_depth = 0;  // 0 = limits::kMaxCallDepth
  // Set from another thread to stop the evaluation (eval_cancel_error);
  // polled with the instruction budget.
  const std::atomic<bool>* cancel = nullptr;
  // Reset the context's arena before evaluating. A caller that has parsed
  // the input into ctx.arena() calls ctx.Reset() first and sets this false.
  bool reset_arena = true;
  // Per-instruction trace (pc, op, operands, the frame's registers),
  // appended here when not null. The environment variable
  // VERDICT_VM_TRACE=1 sends the same trace to stderr. Off costs nothing:
  // the traced loop is a separate instantiation of the interpreter.
  std::string* trace = nullptr;
  // When not null, the pc of every instruction that delivers a rule
  // definition's value (AccAdd/AccPut/Return with n == 1, opcodes.def *10)
  // is appended here as it runs, in evaluation order (a pc repeated back
  // to back is stored once). Runs the traced loop, so off costs nothing.
  std::vector<uint32_t>* contributions = nullptr;
  // Calls of kNondeterministic builtins are appended here when not null:
  // one entry per distinct (builtin, arguments) of this evaluation, with
  // the arguments and result deep-copied to the heap (they outlive the
  // context's next Reset). Calls that fail are not recorded.
  std::vector<NondeterministicCall>* record = nullptr;
  // When not null, a kNondeterministic call whose builtin name and
  // arguments equal an entry's returns that entry's result (undefined
  // included) instead of running the builtin.
  const std::vector<NondeterministicCall>* replay = nullptr;
};

// Counters of the last evaluation (tests, benchmarks, policyc eval --stats).
struct EvalStats {
  uint64_t instructions = 0;  // instructions dispatched
  uint64_t calls = 0;         // function frames pushed
  uint64_t memo_hits = 0;     // calls answered by the memo
  uint64_t builtin_calls = 0;
};

// EvalContext
//
// The reusable scratch state of one thread's evaluations.
class EvalContext {
 public:
  EvalContext();
  ~EvalContext();
  // Holds raw pointers into its own vectors while evaluating.
  EvalContext(const EvalContext&) = delete;
  EvalContext& operator=(const EvalContext&) = delete;

  // The arena for temporaries: values built while evaluating, and the
  // input when the caller parses it here (see EvalOptions::reset_arena).
  Arena& arena() {
    clean_ = false;
    return arena_;
  }
  // Reset(): kills every value in arena() and the references the context
  // still holds from the last evaluation. Nothing to do when nothing ran
  // and nothing was allocated since the last Reset (Evaluate() resets at
  // its start, PreparedQuery::Evaluate also at its end).
  void Reset();

  // Settings builtins read (pattern cache, clock, random seed). arena and
  // the per-evaluation clock reading are set by Evaluate(); random_seed is
  // drawn afresh for each evaluation at its first non-deterministic call.
  builtins::BuiltinContext& builtin_context() { return builtin_ctx_; }

  const EvalStats& stats() const { return stats_; }

 private:
  friend class Interpreter;

  struct Frame {
    uint32_t function;
    uint32_t base;      // regs_ index of R[0]
    uint32_t acc_base;  // accs_ index of acc[0]
    uint32_t call_pc;   // the Call/CallBuiltin in the caller; kNoReg for the entry
    uint64_t memo_gen;  // generation the call started in (memoized calls)
    uint32_t overrides; // overrides_.size() at the call: a return must match
    bool memoize;       // store the result in memo_ on return
    bool mock = false;  // a `with` replacement: pop its barrier on return
    // Calls with arguments: where the arguments sit in call_memo_args_
    // (kNoReg: not remembered) and their hash, to store the result on return.
    uint32_t call_memo_args = kNoReg;
    uint64_t call_memo_hash = 0;
  };
  struct Accumulator {
    AccKind kind = AccKind::kArray;
    std::vector<Value> items;  // kObject: key, value, key, value ...
  };
  enum class MemoState : uint8_t { kRunning, kDone };
  struct MemoEntry {
    uint64_t gen = 0;  // valid while equal to the current generation
    MemoState state = MemoState::kDone;
    Value value;       // undefined: the function is undefined
  };
  // kBarrier hides the call overrides below it: pushed while a mock runs.
  enum class OverrideKind : uint8_t { kInput, kData, kFunc, kBuiltin, kValue, kBarrier };
  struct Override {
    OverrideKind kind;
    uint32_t target;       // function or builtin index (kFunc/kBuiltin/kValue)
    uint32_t replacement;  // function index (kFunc/kBuiltin)
    bool target_is_builtin;
    Value path;            // kInput/kData: array of keys
    Value value;           // kData/kValue: the value; kInput: the input it replaced
    uint64_t saved_gen;
  };

  Arena arena_;
  // Compiled regexes and globs of this thread's evaluations: every pattern
  // compiles once per context, and lookups never contend with other threads.
  std::unique_ptr<builtins::PatternCache> patterns_;
  builtins::BuiltinContext builtin_ctx_;
  std::vector<Value> regs_;
  size_t regs_high_ = 0;  // registers touched since the last clear
  bool clean_ = true;     // nothing ran or was allocated since Reset()
  // A memo entry or call memo slot took a counted value: Reset() drops
  // them, so no count outlives the evaluation (a caller's input, say).
  bool memo_counts_ = false;
  // Inline caches of IndexConst and LoadInput, one word per instruction:
  // byte i is the position where step i's key was last found, tried
  // before a search (objects of one shape keep a key at one position).
  // Only ever a guess: a hint is checked against the key it stands for.
  std::vector<uint32_t> hints_;
  // The call stack: frames_[0, depth_). frames_ only grows (doubling), so
  // a call writes into place instead of going through push_back.
  std::vector<Frame> frames_;
  size_t depth_ = 0;
  std::vector<Accumulator> accs_;
  size_t accs_high_ = 0;
  std::vector<MemoEntry> memo_;
  // The call memo: results of calls with arguments in this evaluation,
  // open addressing over (function, arguments). A slot of another
  // generation counts as empty, so no evaluation has to clear the table.
  struct CallMemoSlot {
    uint64_t gen = 0;  // 0: never used
    uint64_t hash = 0;
    uint32_t function = 0;
    uint32_t nargs = 0;
    uint32_t args = 0;  // index of the first argument in call_memo_args_
    Value value;        // undefined: the call was undefined
  };
  std::vector<CallMemoSlot> call_memo_;  // power-of-two size, or empty
  std::vector<Value> call_memo_args_;    // argument copies of this evaluation
  size_t call_memo_used_ = 0;            // slots written in this evaluation
  std::vector<Override> overrides_;
  uint32_t call_overrides_ = 0;  // kFunc/kBuiltin/kValue entries in overrides_
  uint32_t data_overrides_ = 0;  // kData entries in overrides_
  uint64_t gen_counter_ = 0;
  uint64_t gen_ = 0;
  Value input_;
  EvalStats stats_;
  // Per-context generator of random_seed (seeded from std::random_device);
  // seeded_: this evaluation has drawn its seed.
  uint64_t seed_state_ = 0;
  bool seeded_ = false;
};

// Evaluate()
//
// Runs function [function] of [program] with [args] (one per parameter)
// and returns its value, or an undefined Value when it is undefined.
// Errors carry their OPA code and "file:line:col: " when the program has
// a span for the failing instruction.
absl::StatusOr<Value> Evaluate(EvalContext& ctx, const BoundProgram& program,
                               uint32_t function, std::span<const Value> args,
                               const EvalOptions& options);

}  // namespace verdict::vm

#endif  // VERDICT_VM_INTERP_H_
