// File: lib/vm/interp.cc
//
// The dispatch loop (Interpreter::Run) and its slow paths. Entry point:
// Evaluate() in interp.h. Instruction semantics are in opcodes.def; this
// file only implements them.
//
// Shape (after Lua's luaV_execute and Wren's runInterpreter):
//   - One loop body compiles either as computed goto (GCC/Clang; one
//     indirect jump per handler, which predicts far better) or as a switch
//     (define VERDICT_VM_NO_COMPUTED_GOTO): the vmdispatch/vmcase/vmnext
//     macros hide the difference. The labels come from opcodes.def.
//   - The hot state lives in locals: `ip` (the instruction being run, so
//     the pc of any error is always at hand), `R` (the frame's registers),
//     `A` (its accumulators), `steps` (the instruction count). They are
//     reloaded after anything that may move the vectors behind them
//     (calls and returns).
//   - Handlers are a few lines; allocation, overrides, errors and tracing
//     go through out-of-line helpers.
//   - Undefined is control flow: `vmfail` jumps to the instruction's t.
//     A jump to t <= pc is a loop's back edge: the budget and the cancel
//     flag are polled there and on calls, like Lua's trap.
//   - The traced variant is a separate instantiation (Run<true>), so the
//     untraced loop carries no trace test at all.
//
// Tested by tests/vm/interp_test.cc.
#include "vm/interp.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/patterns.h"
#include "vm/disasm.h"

#if defined(__GNUC__) && !defined(VERDICT_VM_NO_COMPUTED_GOTO)
#define VERDICT_VM_COMPUTED_GOTO 1
#else
#define VERDICT_VM_COMPUTED_GOTO 0
#endif

namespace verdict::vm {

// --- BoundProgram --------------------------------------------------------------

absl::StatusOr<std::shared_ptr<const BoundProgram>> BoundProgram::Bind(
    Program program, const BuiltinLookup& lookup) {
  VERDICT_RETURN_IF_ERROR(Verify(program, lookup));
  std::shared_ptr<BoundProgram> bound(new BoundProgram());
  bound->builtins_.reserve(program.builtins.size());
  for (const std::string& name : program.builtins) {
    bound->builtins_.push_back(lookup(name));  // non-null: Verify checked
  }
  bound->program_ = std::move(program);
  bound->constants_.reserve(bound->program_.constants.size());
  for (const Value& k : bound->program_.constants) bound->constants_.push_back(Borrowed(k));
  return std::shared_ptr<const BoundProgram>(std::move(bound));
}

// --- EvalContext ---------------------------------------------------------------

EvalContext::EvalContext() : patterns_(std::make_unique<builtins::PatternCache>()) {
  builtin_ctx_.patterns = patterns_.get();
  std::random_device rd;
  seed_state_ = (uint64_t{rd()} << 32) ^ rd();
}
EvalContext::~EvalContext() = default;

namespace {

bool TraceFromEnvironment() {
  static const bool enabled = [] {
    const char* v = std::getenv("VERDICT_VM_TRACE");
    return v != nullptr && v[0] != '\0' && v[0] != '0';
  }();
  return enabled;
}

// Register writes on the hot path. Most values (scalars, inline strings,
// arena and static cells) carry no reference count, and for those an
// assignment is a 16-byte copy; Value::operator= builds a temporary and
// swaps it, which GCC keeps out of line. Self-assignment is fine.
__attribute__((always_inline)) inline void Set(Value& dst, const Value& src) {
  if (__builtin_expect(!dst.is_counted() && !src.is_counted(), 1)) {
    std::memmove(static_cast<void*>(&dst), static_cast<const void*>(&src), sizeof(Value));
  } else {
    dst = src;
  }
}

// Writes [dst]'s two words from general registers. A Value in memory was
// usually stored as two 8-byte halves, and a 16-byte load of one just
// written stalls store forwarding; words already in registers avoid it.
__attribute__((always_inline)) inline void StoreWords(Value& dst, uint64_t lo, uint64_t hi) {
  char* raw = reinterpret_cast<char*>(static_cast<void*>(&dst));
  std::memcpy(raw, &lo, sizeof lo);
  std::memcpy(raw + sizeof lo, &hi, sizeof hi);
}

// Set() from a Value that was just written to memory, such as a builtin's
// result: its words move through general registers (StoreWords).
__attribute__((always_inline)) inline void SetFromFresh(Value& dst, const Value& src) {
  if (__builtin_expect(!dst.is_counted() && !src.is_counted(), 1)) {
    uint64_t lo = src.raw_lo(), hi = src.raw_hi();
    asm("" : "+r"(lo), "+r"(hi));  // not merged into one vector load
    StoreWords(dst, lo, hi);
  } else {
    dst = src;
  }
}

// Set() of a member read out of [container]. A container this evaluation
// holds no count of (the input, data, constants, arena values; see
// Borrowed()) outlives the registers and keeps its members alive, so the
// member is copied without a count as well: a caller's pre-parsed input
// is read with no atomic reference counting, as data is. A counted
// container may be the only owner of its members, which then keep theirs.
__attribute__((always_inline)) inline void SetMember(Value& dst, const Value& member,
                                                     const Value& container) {
  if (__builtin_expect(!dst.is_counted() && !member.is_counted(), 1)) {
    std::memmove(static_cast<void*>(&dst), static_cast<const void*>(&member), sizeof(Value));
  } else if (!dst.is_counted() && !container.is_counted()) {
    StoreWords(dst, member.raw_lo(),
               member.raw_hi() & ~(uint64_t{value_internal::kCounted} << 48));  // Borrowed()
  } else {
    dst = member;
  }
}

// R := an integer, without a Value temporary (GCC materializes
// temporaries of a type with a destructor in memory; reading one back
// stalled store forwarding, a third of IterNext's time before this): the
// two words value.h's layout gives a kInt number, payload and the tag
// word taken from Value::Int itself.
const uint64_t kIntTagWord = Value::Int(0).raw_hi();

__attribute__((always_inline)) inline void SetInt(Value& dst, int64_t i) {
  if (__builtin_expect(dst.is_counted(), 0)) {
    dst = Value::Int(i);
    return;
  }
  StoreWords(dst, static_cast<uint64_t>(i), kIntTagWord);
}

// coll[key] per opcodes.def (*4): arrays by integral number, objects by
// key, sets by membership (yielding the key). nullptr when undefined.
__attribute__((always_inline)) inline const Value* IndexOf(const Value& coll, const Value& key) {
  switch (coll.kind()) {
    case Kind::kArray: {
      if (!key.is_int()) return nullptr;
      int64_t i = key.as_int();
      if (i < 0 || static_cast<uint64_t>(i) >= coll.size()) return nullptr;
      return &coll[static_cast<size_t>(i)];
    }
    case Kind::kObject:
      return coll.Get(key);
    case Kind::kSet:
      return coll.Contains(key) ? &key : nullptr;
    default:
      return nullptr;
  }
}

// coll[key] for a constant key, tried first at the position [hint] names
// (EvalContext::hints_) and updating it after a search. Positions past
// 255 are not remembered; non-objects and other keys go to IndexOf.
__attribute__((always_inline)) inline const Value* IndexHinted(const Value& coll,
                                                               const Value& key,
                                                               uint8_t* hint) {
  if (!coll.is_object() || !key.is_inline_string()) return IndexOf(coll, key);
  const std::span<const ObjectEntry> entries = coll.entries();
  const size_t guess = *hint;
  if (guess < entries.size() && entries[guess].key.raw_lo() == key.raw_lo() &&
      entries[guess].key.raw_hi() == key.raw_hi()) {
    return &entries[guess].value;
  }
  const Value* v = coll.Get(key);
  if (v != nullptr) {
    const auto pos = static_cast<size_t>(
        reinterpret_cast<const ObjectEntry*>(reinterpret_cast<const char*>(v) -
                                             offsetof(ObjectEntry, value)) -
        entries.data());
    if (pos <= 0xff) *hint = static_cast<uint8_t>(pos);
  }
  return v;
}

// Follows [path] from [root]; nullptr when any step is undefined.
inline const Value* Walk(const Value& root, std::span<const Value> path) {
  const Value* cur = &root;
  for (const Value& key : path) {
    cur = IndexOf(*cur, key);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

bool IsPrefix(std::span<const Value> prefix, std::span<const Value> path) {
  if (prefix.size() > path.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] != path[i]) return false;
  }
  return true;
}

const char* ConflictMessage(const Function& f) {
  return f.num_params > 0 ? "functions must not produce multiple outputs for same inputs"
                          : "complete rules must not produce multiple outputs";
}

}  // namespace

void EvalContext::Reset() {
  if (clean_) return;
  clean_ = true;
  // Drop every Value that may point into the arena before resetting it.
  // Overwriting an arena Value never reads its cell, so the order does not
  // matter for safety, only for not keeping heap cells alive.
  // Only counted Values need their destructor; then all bytes go to zero,
  // which is the undefined Value (value.h's layout).
  // Counted Values are rare in registers: one OR over the tag words (a
  // vectorized loop) says whether any needs releasing.
  Value* regs = regs_.data();
  uint64_t tags = 0;
  for (size_t i = 0; i < regs_high_; ++i) tags |= regs[i].raw_hi();
  if (__builtin_expect(Value::RawHiCounted(tags), 0)) {
    for (size_t i = 0; i < regs_high_; ++i) {
      if (regs[i].is_counted()) regs[i] = Value();
    }
  }
  if (regs_high_ != 0) std::memset(static_cast<void*>(regs), 0, regs_high_ * sizeof(Value));
  regs_high_ = 0;
  for (size_t i = 0; i < accs_high_; ++i) accs_[i].items.clear();
  if (memo_counts_) {
    memo_counts_ = false;
    for (MemoEntry& m : memo_) {
      if (m.value.is_counted()) m.value = Value();
    }
    for (CallMemoSlot& s : call_memo_) {
      if (s.value.is_counted()) s.value = Value();
    }
  }
  accs_high_ = 0;
  call_memo_args_.clear();
  call_memo_used_ = 0;
  overrides_.clear();
  input_ = Value();
  arena_.Reset();
}

// --- Data paths ----------------------------------------------------------------

std::vector<Value> ResolveDataPaths(const Program& program, const Value& data) {
  std::vector<Value> out(program.constants.size());
  const Value root = data.is_undefined() ? Value::EmptyObject() : data;
  for (const Instr& in : program.code) {
    if (in.op != Op::kLoadData || in.b >= out.size()) continue;
    const Value& path = program.constants[in.b];
    if (!path.is_array()) continue;  // the verifier rejects such programs
    if (const Value* v = Walk(root, path.items())) out[in.b] = Borrowed(*v);
  }
  return out;
}

// --- Interpreter ---------------------------------------------------------------

class Interpreter {
 public:
  Interpreter(EvalContext& ctx, const BoundProgram& bound, const EvalOptions& options)
      : c_(ctx),
        bound_(bound),
        p_(bound.program()),
        o_(options),
        budget_(options.max_instructions == 0 ? std::numeric_limits<uint64_t>::max()
                                              : options.max_instructions),
        max_depth_(options.max_call_depth == 0 ? limits::kMaxCallDepth
                                               : options.max_call_depth),
        empty_data_(Value::EmptyObject()),
        data_root_(options.data.is_undefined() ? &empty_data_ : &options.data),
        data_paths_(options.data_paths.size() == bound.program().constants.size()
                        ? options.data_paths
                        : std::span<const Value>()) {}

  absl::StatusOr<Value> Start(uint32_t function, std::span<const Value> args);

 private:
  using Frame = EvalContext::Frame;
  using Accumulator = EvalContext::Accumulator;
  using Override = EvalContext::Override;
  using OverrideKind = EvalContext::OverrideKind;

  template <bool kTrace>
  absl::StatusOr<Value> Run(uint64_t& steps);

  // An error of [code] at [pc]: "file:line:col: message".
  absl::Status ErrorAt(uint32_t pc, ErrorCode code, std::string_view message) const {
    std::string loc = p_.LocationAt(pc);
    if (loc.empty()) return MakeError(code, message);
    return MakeError(code, absl::StrCat(loc, ": ", Absl(message)));
  }
  absl::Status Poll(uint32_t pc, uint64_t steps) const;
  // A register read before any instruction wrote it: only malformed
  // bytecode gets here (the compiler never reads an unset register).
  absl::Status UndefinedOperand(uint32_t pc) const {
    return ErrorAt(pc, ErrorCode::kEvalInternalError, "operand register is undefined");
  }
  absl::Status PushFrame(uint32_t callee, uint32_t call_pc, size_t args_at, uint32_t nargs,
                         bool memoize);
  [[gnu::noinline]] absl::Status GrowForCall(uint32_t call_pc, size_t regs, size_t accs);
  [[gnu::cold, gnu::noinline]] absl::Status CallLimitError(uint32_t call_pc) const;
  // A builtin's error at [pc] (strict_builtin_errors; else the call is
  // just undefined and this is not reached).
  [[gnu::cold, gnu::noinline]] absl::Status BuiltinFailed(uint32_t pc,
                                                          const absl::Status& error) const;
  absl::Status PushMockFrame(uint32_t replacement, uint32_t call_pc, size_t args_at,
                             uint32_t nargs);
  void EnsureAccs(size_t n);
  // R[in.a] := the array or set of R[in.b, in.b + in.n), [empty] when n is
  // 0. The builder lives only in here: the dispatch loop's computed gotos
  // would skip its destructor.
  template <typename Builder>
  absl::Status MakeCollection(const Instr& in, Value* R, const Value& empty);
  const Override* FindCallOverride(bool builtin, uint32_t index) const;

  // The call memo (opcodes.def *8): FindCallMemo() returns the remembered
  // result of F[function](args) in the current generation, or nullptr;
  // RememberArgs() copies a missed call's arguments for the slot that
  // StoreCallMemo() fills when the call returns (kNoReg: the memo is full).
  const EvalContext::CallMemoSlot* FindCallMemo(uint32_t function, uint64_t hash,
                                                const Value* args, uint32_t n) const;
  uint32_t RememberArgs(const Value* args, uint32_t n);
  void StoreCallMemo(const Frame& done, const Value& result);
  void GrowCallMemo();
  bool LoadData(const Value& path, Value* out);
  Value Patch(const Value& base, std::span<const Value> path, const Value& value);
  void PushOverride(Override o);
  absl::Status PopOverrides(uint32_t pc, uint32_t count);
  absl::Status AccAdd(uint32_t pc, Accumulator& acc, const Value& v);
  absl::Status AccFinish(uint32_t pc, Accumulator& acc, Value* out, bool* defined);
  absl::Status CallBuiltin(uint32_t pc, const Instr& in, const Value* R, Value* out,
                           bool* defined);
  // A kNondeterministic builtin's call: draws the evaluation's random seed,
  // answers from EvalOptions::replay, records into EvalOptions::record.
  absl::StatusOr<Value> CallNondeterministic(const builtins::BuiltinInfo& info,
                                             std::span<const Value> args);
  void Trace(const Instr* ip, const Value* R) const;
  static void IterNextAliased(const Instr& in, Value* R, size_t i);

  EvalContext& c_;
  const BoundProgram& bound_;
  const Program& p_;
  const EvalOptions& o_;
  const uint64_t budget_;
  const uint32_t max_depth_;
  const Value empty_data_;   // `data` when the caller gave none
  const Value* data_root_;
  const std::span<const Value> data_paths_;  // empty: walk data_root_
  size_t record_start_ = 0;  // o_.record's size when this evaluation began
};

absl::Status Interpreter::Poll(uint32_t pc, uint64_t steps) const {
  if (o_.cancel != nullptr && o_.cancel->load(std::memory_order_relaxed)) {
    return ErrorAt(pc, ErrorCode::kEvalCancelError, "evaluation cancelled");
  }
  if (steps >= budget_) {
    return ErrorAt(pc, ErrorCode::kEvalLimitError,
                   absl::StrCat("instruction budget of ", o_.max_instructions, " exceeded"));
  }
  return absl::OkStatus();
}

template <typename Builder>
__attribute__((always_inline)) inline absl::Status Interpreter::MakeCollection(
    const Instr& in, Value* R, const Value& empty) {
  if (in.n == 0) {
    R[in.a] = empty;
    return absl::OkStatus();
  }
  Builder b(&c_.arena_);
  b.Reserve(in.n);
  for (uint32_t i = 0; i < in.n; ++i) {
    if (R[in.b + i].is_undefined()) {
      return UndefinedOperand(static_cast<uint32_t>(&in - p_.code.data()));
    }
    b.Add(R[in.b + i]);
  }
  R[in.a] = b.Build();
  return absl::OkStatus();
}

inline void Interpreter::EnsureAccs(size_t n) {
  if (__builtin_expect(n > c_.accs_.size(), 0)) c_.accs_.resize(std::max(n, 2 * c_.accs_.size()));
  if (n > c_.accs_high_) c_.accs_high_ = n;
}

absl::Status Interpreter::BuiltinFailed(uint32_t pc, const absl::Status& error) const {
  return ErrorAt(pc, GetErrorCode(error), Std(error.message()));
}

absl::Status Interpreter::CallLimitError(uint32_t call_pc) const {
  if (c_.depth_ >= max_depth_) {
    return ErrorAt(call_pc, ErrorCode::kEvalLimitError,
                   absl::StrCat("call depth limit of ", max_depth_, " exceeded"));
  }
  return ErrorAt(call_pc, ErrorCode::kEvalLimitError, "register stack exhausted");
}

// Room for a call needing [regs] registers and [accs] accumulators and one
// more frame, or the limit error: the rare branch of PushFrame.
absl::Status Interpreter::GrowForCall(uint32_t call_pc, size_t regs, size_t accs) {
  if (c_.depth_ >= max_depth_ || regs > std::numeric_limits<uint32_t>::max()) {
    return CallLimitError(call_pc);
  }
  if (regs > c_.regs_.size()) c_.regs_.resize(std::max(regs, 2 * c_.regs_.size()));
  if (accs > c_.accs_.size()) c_.accs_.resize(std::max(accs, 2 * c_.accs_.size()));
  if (c_.depth_ == c_.frames_.size()) c_.frames_.resize(std::max<size_t>(16, 2 * c_.frames_.size()));
  return absl::OkStatus();
}

// Inline in the dispatch loop (one call in ten instructions on the shared
// workloads); growth and limits are one test, handled out of line.
__attribute__((always_inline)) inline absl::Status Interpreter::PushFrame(
    uint32_t callee, uint32_t call_pc, size_t args_at, uint32_t nargs, bool memoize) {
  const Frame& cur = c_.frames_[c_.depth_ - 1];
  const Function& cur_fn = p_.functions[cur.function];
  const Function& fn = p_.functions[callee];
  const size_t base = size_t{cur.base} + cur_fn.num_registers;
  const size_t need = base + fn.num_registers;
  const size_t acc_base = size_t{cur.acc_base} + cur_fn.num_accumulators;
  const size_t acc_need = acc_base + fn.num_accumulators;
  if (__builtin_expect(c_.depth_ >= max_depth_ || c_.depth_ == c_.frames_.size() ||
                           need > c_.regs_.size() || acc_need > c_.accs_.size(),
                       0)) {
    VERDICT_RETURN_IF_ERROR(GrowForCall(call_pc, need, acc_need));  // invalidates cur
  }
  if (need > c_.regs_high_) c_.regs_high_ = need;
  if (acc_need > c_.accs_high_) c_.accs_high_ = acc_need;
  Value* regs = c_.regs_.data();
  for (uint32_t i = 0; i < nargs; ++i) Set(regs[base + i], regs[args_at + i]);
  const uint32_t overrides = static_cast<uint32_t>(c_.overrides_.size());
  c_.frames_[c_.depth_++] = Frame{callee, static_cast<uint32_t>(base),
                                  static_cast<uint32_t>(acc_base), call_pc, c_.gen_,
                                  overrides, memoize};
  ++c_.stats_.calls;
  return absl::OkStatus();
}

// A call redirected by `with f as g` (or `with builtin as g`) runs g with
// none of the caller's function mocks in effect, as in OPA: a mock that
// calls the function it replaces reaches the original, and a mock never
// reaches another mock. A barrier override hides them until g returns;
// `with` inside g pushes above it and applies.
absl::Status Interpreter::PushMockFrame(uint32_t replacement, uint32_t call_pc,
                                        size_t args_at, uint32_t nargs) {
  Override barrier{};
  barrier.kind = OverrideKind::kBarrier;
  PushOverride(std::move(barrier));
  VERDICT_RETURN_IF_ERROR(PushFrame(replacement, call_pc, args_at, nargs, /*memoize=*/false));
  c_.frames_[c_.depth_ - 1].mock = true;
  return absl::OkStatus();
}

namespace {

uint64_t CallHash(uint32_t function, const Value* args, uint32_t n) {
  uint64_t h = (uint64_t{function} + 1) * 0x9e3779b97f4a7c15ull;
  for (uint32_t i = 0; i < n; ++i) h = (h ^ Hash(args[i])) * 0xff51afd7ed558ccdull;
  return h ^ (h >> 29);
}

}  // namespace

const EvalContext::CallMemoSlot* Interpreter::FindCallMemo(uint32_t function, uint64_t hash,
                                                           const Value* args,
                                                           uint32_t n) const {
  const std::vector<EvalContext::CallMemoSlot>& table = c_.call_memo_;
  if (table.empty()) return nullptr;
  const size_t mask = table.size() - 1;
  // The load factor stays at most 1/2, so a slot of another generation
  // (empty for this one) always ends the probe.
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const EvalContext::CallMemoSlot& s = table[i];
    if (s.gen != c_.gen_) return nullptr;
    if (s.hash != hash || s.function != function || s.nargs != n) continue;
    const Value* saved = &c_.call_memo_args_[s.args];
    bool same = true;
    for (uint32_t k = 0; k < n && same; ++k) same = saved[k] == args[k];
    if (same) return &s;
  }
}

uint32_t Interpreter::RememberArgs(const Value* args, uint32_t n) {
  if (c_.call_memo_used_ >= limits::kMaxCallMemoEntries) return kNoReg;
  const auto at = static_cast<uint32_t>(c_.call_memo_args_.size());
  c_.call_memo_args_.insert(c_.call_memo_args_.end(), args, args + n);
  return at;
}

void Interpreter::StoreCallMemo(const Frame& done, const Value& result) {
  if (c_.call_memo_used_ >= limits::kMaxCallMemoEntries) return;
  if (2 * (c_.call_memo_used_ + 1) > c_.call_memo_.size()) GrowCallMemo();
  std::vector<EvalContext::CallMemoSlot>& table = c_.call_memo_;
  const size_t mask = table.size() - 1;
  size_t i = done.call_memo_hash & mask;
  while (table[i].gen == done.memo_gen) i = (i + 1) & mask;
  EvalContext::CallMemoSlot& s = table[i];
  s.gen = done.memo_gen;
  s.hash = done.call_memo_hash;
  s.function = done.function;
  s.nargs = p_.functions[done.function].num_params;
  s.args = done.call_memo_args;
  s.value = result;
  c_.memo_counts_ |= result.is_counted();
  ++c_.call_memo_used_;
}

void Interpreter::GrowCallMemo() {
  std::vector<EvalContext::CallMemoSlot> old = std::move(c_.call_memo_);
  c_.call_memo_.assign(std::max<size_t>(64, 2 * old.size()), EvalContext::CallMemoSlot());
  const size_t mask = c_.call_memo_.size() - 1;
  for (EvalContext::CallMemoSlot& s : old) {
    if (s.gen != c_.gen_) continue;  // other generations are only lost hits
    size_t i = s.hash & mask;
    while (c_.call_memo_[i].gen == c_.gen_) i = (i + 1) & mask;
    c_.call_memo_[i] = std::move(s);
  }
}

const EvalContext::Override* Interpreter::FindCallOverride(bool builtin,
                                                           uint32_t index) const {
  for (auto it = c_.overrides_.rbegin(); it != c_.overrides_.rend(); ++it) {
    switch (it->kind) {
      case OverrideKind::kFunc:
      case OverrideKind::kBuiltin:
      case OverrideKind::kValue:
        if (it->target_is_builtin == builtin && it->target == index) return &*it;
        break;
      case OverrideKind::kBarrier:
        return nullptr;
      default:
        break;
    }
  }
  return nullptr;
}

// A copy of [base] with [value] at [path], building objects where the path
// leads through anything else (`with input.a.b as v` on input {}).
Value Interpreter::Patch(const Value& base, std::span<const Value> path,
                         const Value& value) {
  if (path.empty()) return value;
  const Value& key = path[0];
  const Value* child = base.is_object() ? base.Get(key) : nullptr;
  Value patched = Patch(child != nullptr ? *child : Value(), path.subspan(1), value);
  ObjectBuilder b(&c_.arena_);
  if (base.is_object()) {
    b.Reserve(base.size() + 1);
    for (const ObjectEntry& e : base.entries()) {
      if (e.key != key) b.Add(e.key, e.value);
    }
  }
  b.Add(key, std::move(patched));
  return b.Build();
}

// LoadData (opcodes.def *1): the base document at [path], seen through
// the `with data...` overrides in push order so the newest wins.
bool Interpreter::LoadData(const Value& path_const, Value* out) {
  std::span<const Value> path = path_const.items();
  const Value* found = Walk(*data_root_, path);
  if (c_.data_overrides_ == 0) {
    if (found == nullptr) return false;
    *out = *found;
    return true;
  }
  Value v = found != nullptr ? *found : Value();
  for (const Override& o : c_.overrides_) {
    if (o.kind != OverrideKind::kData) continue;
    std::span<const Value> opath = o.path.items();
    if (IsPrefix(opath, path)) {
      // The override covers the loaded path: it answers alone.
      const Value* r = Walk(o.value, path.subspan(opath.size()));
      v = r != nullptr ? *r : Value();
    } else if (IsPrefix(path, opath)) {
      // The override sits inside the loaded document: patch it in.
      v = Patch(v, opath.subspan(path.size()), o.value);
    }
  }
  if (v.is_undefined()) return false;
  *out = std::move(v);
  return true;
}

void Interpreter::PushOverride(Override o) {
  o.saved_gen = c_.gen_;
  switch (o.kind) {
    case OverrideKind::kData:
      ++c_.data_overrides_;
      break;
    case OverrideKind::kInput:
      break;
    default:
      ++c_.call_overrides_;
      break;
  }
  c_.overrides_.push_back(std::move(o));
  // Nothing memoized outside this scope may answer inside it.
  c_.gen_ = ++c_.gen_counter_;
}

absl::Status Interpreter::PopOverrides(uint32_t pc, uint32_t count) {
  if (count > c_.overrides_.size()) {
    return ErrorAt(pc, ErrorCode::kEvalInternalError,
                   absl::StrCat("WithPop of ", count, " overrides, ", c_.overrides_.size(),
                                " active"));
  }
  for (uint32_t i = 0; i < count; ++i) {
    Override& o = c_.overrides_.back();
    switch (o.kind) {
      case OverrideKind::kInput:
        c_.input_ = std::move(o.value);
        break;
      case OverrideKind::kData:
        --c_.data_overrides_;
        break;
      default:
        --c_.call_overrides_;
        break;
    }
    c_.gen_ = o.saved_gen;
    c_.overrides_.pop_back();
  }
  return absl::OkStatus();
}

absl::Status Interpreter::AccAdd(uint32_t pc, Accumulator& acc, const Value& v) {
  if (v.is_undefined()) return UndefinedOperand(pc);
  switch (acc.kind) {
    case AccKind::kValue:
      if (acc.items.empty()) {
        acc.items.push_back(v);
      } else if (acc.items[0] != v) {
        const Function& f = p_.functions[c_.frames_[c_.depth_ - 1].function];
        return ErrorAt(pc, ErrorCode::kEvalConflictError, ConflictMessage(f));
      }
      return absl::OkStatus();
    case AccKind::kArray:
    case AccKind::kSet:
      acc.items.push_back(v);
      return absl::OkStatus();
    case AccKind::kObject:
      break;
  }
  return ErrorAt(pc, ErrorCode::kEvalInternalError, "AccAdd into an object accumulator");
}

absl::Status Interpreter::AccFinish(uint32_t pc, Accumulator& acc, Value* out,
                                    bool* defined) {
  *defined = true;
  Arena* arena = &c_.arena_;
  switch (acc.kind) {
    case AccKind::kValue:
      if (acc.items.empty()) {
        *defined = false;
      } else {
        *out = acc.items[0];
      }
      return absl::OkStatus();
    case AccKind::kArray: {
      if (acc.items.empty()) {
        *out = Value::EmptyArray();
        return absl::OkStatus();
      }
      ArrayBuilder b(arena);
      b.Reserve(acc.items.size());
      for (const Value& v : acc.items) b.Add(v);
      *out = b.Build();
      return absl::OkStatus();
    }
    case AccKind::kSet: {
      if (acc.items.empty()) {
        *out = Value::EmptySet();
        return absl::OkStatus();
      }
      SetBuilder b(arena);
      b.Reserve(acc.items.size());
      for (const Value& v : acc.items) b.Add(v);
      *out = b.Build();
      return absl::OkStatus();
    }
    case AccKind::kObject: {
      if (acc.items.empty()) {
        *out = Value::EmptyObject();
        return absl::OkStatus();
      }
      ObjectBuilder b(arena);
      b.Reserve(acc.items.size() / 2);
      for (size_t i = 0; i + 1 < acc.items.size(); i += 2) b.Add(acc.items[i], acc.items[i + 1]);
      bool conflict = false;
      *out = b.Build(&conflict);
      if (conflict) {
        return ErrorAt(pc, ErrorCode::kEvalConflictError, "object keys must be unique");
      }
      return absl::OkStatus();
    }
  }
  return ErrorAt(pc, ErrorCode::kEvalInternalError, "bad accumulator kind");
}

absl::Status Interpreter::CallBuiltin(uint32_t pc, const Instr& in, const Value* R,
                                      Value* out, bool* defined) {
  *defined = false;
  std::span<const Value> args(R + in.c, in.n);
  for (const Value& a : args) {
    if (a.is_undefined()) return UndefinedOperand(pc);
  }
  const builtins::BuiltinInfo& info = bound_.builtin(in.b);
  ++c_.stats_.builtin_calls;
  absl::StatusOr<Value> result = (info.flags & builtins::kNondeterministic) == 0
                                     ? info.Call(c_.builtin_ctx_, args)
                                     : CallNondeterministic(info, args);
  if (!result.ok()) {
    if (!o_.strict_builtin_errors) return absl::OkStatus();  // undefined
    return BuiltinFailed(pc, result.status());
  }
  if (result->is_undefined()) return absl::OkStatus();
  *out = *std::move(result);
  *defined = true;
  return absl::OkStatus();
}

namespace {

bool SameCall(const NondeterministicCall& call, std::string_view name,
              std::span<const Value> args) {
  if (call.builtin != name || !call.args.is_array() || call.args.size() != args.size()) {
    return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!(call.args[i] == args[i])) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Value> Interpreter::CallNondeterministic(const builtins::BuiltinInfo& info,
                                                        std::span<const Value> args) {
  if (!c_.seeded_) {
    // splitmix64: a fresh, well-mixed seed per evaluation.
    uint64_t z = (c_.seed_state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    c_.builtin_ctx_.random_seed = z ^ (z >> 31);
    c_.seeded_ = true;
  }
  absl::StatusOr<Value> result;
  bool replayed = false;
  if (o_.replay != nullptr) {
    for (const NondeterministicCall& call : *o_.replay) {
      if (SameCall(call, info.name, args)) {
        result = call.result;
        replayed = true;
        break;
      }
    }
  }
  if (!replayed) result = info.Call(c_.builtin_ctx_, args);
  if (o_.record != nullptr && result.ok()) {
    std::vector<NondeterministicCall>& record = *o_.record;
    for (size_t i = record_start_; i < record.size(); ++i) {
      if (SameCall(record[i], info.name, args)) return result;  // recorded already
    }
    ArrayBuilder copied;
    copied.Reserve(args.size());
    for (const Value& a : args) copied.Add(DeepCopy(a, nullptr));
    record.push_back(NondeterministicCall{std::string(info.name), copied.Build(),
                                          DeepCopy(*result, nullptr)});
  }
  return result;
}

// IterNext whose key or value register is the collection's own: copy the
// element out before the collection register is overwritten.
void Interpreter::IterNextAliased(const Instr& in, Value* R, size_t i) {
  const Value& coll = R[in.a];
  Value key, value;
  switch (coll.kind()) {
    case Kind::kArray:
      key = Value::Int(static_cast<int64_t>(i));
      value = coll[i];
      break;
    case Kind::kObject:
      key = coll.entries()[i].key;
      value = coll.entries()[i].value;
      break;
    default:
      key = coll.items()[i];
      value = key;
      break;
  }
  if (in.b != kNoReg) R[in.b] = std::move(key);
  if (in.c != kNoReg) R[in.c] = std::move(value);
}

void Interpreter::Trace(const Instr* ip, const Value* R) const {
  uint32_t pc = static_cast<uint32_t>(ip - p_.code.data());
  if (o_.contributions != nullptr && ip->n != 0 &&
      (ip->op == Op::kAccAdd || ip->op == Op::kAccPut || ip->op == Op::kLoadConst ||
       ip->op == Op::kMove || ip->op == Op::kReturn) &&
      (o_.contributions->empty() || o_.contributions->back() != pc)) {
    o_.contributions->push_back(pc);
  }
  if (o_.trace == nullptr && !TraceFromEnvironment()) return;  // contributions only
  const Frame& f = c_.frames_[c_.depth_ - 1];
  std::string pc_text = absl::StrCat(pc);
  if (pc_text.size() < 5) pc_text.insert(0, 5 - pc_text.size(), ' ');
  std::string line = absl::StrCat(std::string(2 * (c_.depth_ - 1), ' '), pc_text,
                                  "  ", FormatInstr(p_, pc));
  if (line.size() < 56) line.append(56 - line.size(), ' ');
  line += " |";
  uint16_t n = p_.functions[f.function].num_registers;
  for (uint16_t r = 0; r < n; ++r) {
    if (R[r].is_undefined()) continue;
    absl::StrAppend(&line, " R", r, "=", ShortValue(R[r], 24));
  }
  std::string loc = p_.LocationAt(pc);
  if (!loc.empty()) absl::StrAppend(&line, "  ; ", loc);
  line += "\n";
  if (o_.trace != nullptr) {
    o_.trace->append(line);
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

#if VERDICT_VM_COMPUTED_GOTO
// Labels as values are a GNU extension, which is the point.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif

template <bool kTrace>
absl::StatusOr<Value> Interpreter::Run(uint64_t& steps_out) {
  // Counted in a local (a register): through the reference it would be a
  // load, an increment and a store in memory on every dispatch. Every exit
  // goes through VERDICT_LEAVE, which hands the count back.
  uint64_t steps = 0;
  const Instr* const code = p_.code.data();
  const Value* const K = bound_.constants().data();  // borrowed: no shared counts
  const Function* const F = p_.functions.data();
  uint32_t* const H = c_.hints_.data();  // one per instruction (Start sized it)
  const Instr* ip = code + F[c_.frames_[c_.depth_ - 1].function].entry_pc;
  Value* R = c_.regs_.data();
  Accumulator* A = c_.accs_.data();
  Value ret;          // the value a Return hands to do_return
  Value scratch;      // results of slow-path helpers
  bool defined = false;

// Frame registers and accumulators, reloaded after calls and returns.
#define VERDICT_RELOAD()                               \
  do {                                                 \
    const Frame& f_ = c_.frames_[c_.depth_ - 1];       \
    R = c_.regs_.data() + f_.base;                     \
    A = c_.accs_.data() + f_.acc_base;                 \
  } while (0)
#define PC() static_cast<uint32_t>(ip - code)
#define RA R[ip->a]
#define RB R[ip->b]
#define RC R[ip->c]
#define KB K[ip->b]
#define KC K[ip->c]
// Polls budget and cancel flag; returns the error from Run.
#define VERDICT_POLL()                                                      \
  do {                                                                      \
    if (__builtin_expect(steps >= budget_, 0) ||                            \
        (o_.cancel != nullptr && o_.cancel->load(std::memory_order_relaxed))) { \
      VERDICT_LEAVE(Poll(PC(), steps));                                             \
    }                                                                       \
  } while (0)
#define VERDICT_LEAVE(result) \
  do {                        \
    steps_out = steps;        \
    return (result);          \
  } while (0)
#define VERDICT_LEAVE_ERROR(...) VERDICT_LEAVE(ErrorAt(__VA_ARGS__))
#define VERDICT_TRY(expr)                    \
  do {                                       \
    absl::Status s_ = (expr);                \
    if (__builtin_expect(!s_.ok(), 0)) VERDICT_LEAVE(s_); \
  } while (0)

// A computed goto leaving a scope does not run destructors (GCC runs them
// only for direct jumps), so no handler may hold an object with a
// destructor (a StatusOr, a builder, a Value that may own a count) when it
// reaches vmnext, vmjump or vmfail: such objects live in an inner block
// that closes first. Returning (VERDICT_LEAVE) destroys them as usual.
#if VERDICT_VM_COMPUTED_GOTO
  static const void* const kLabels[kNumOps] = {
#define VERDICT_OP(name, a, b, c, uses_t, semantics) &&L_##name,
#include "vm/opcodes.def"
#undef VERDICT_OP
  };
#define vmdispatch(o) goto* kLabels[static_cast<uint8_t>(o)];
#define vmcase(name) L_##name:
#define VERDICT_DISPATCH()                           \
  {                                                  \
    ++steps;                                         \
    if constexpr (kTrace) Trace(ip, R);              \
    goto* kLabels[static_cast<uint8_t>(ip->op)];     \
  }
#define vmnext { ++ip; VERDICT_DISPATCH(); }
#define vmjump(target) { ip = code + (target); VERDICT_DISPATCH(); }
#else
#define vmdispatch(o) switch (o)
#define vmcase(name) case Op::k##name:
#define vmnext { ++ip; continue; }
#define vmjump(target) { ip = code + (target); continue; }
#endif
// Undefined: go to t, polling on back edges.
#define vmfail                                 \
  {                                            \
    if (ip->t <= PC()) VERDICT_POLL();         \
    vmjump(ip->t);                             \
  }

  for (;;) {
    ++steps;
    if constexpr (kTrace) Trace(ip, R);
    vmdispatch(ip->op) {
      vmcase(Nop) vmnext;

      vmcase(LoadConst) {
        Set(RA, KB);
        vmnext;
      }
      vmcase(Move) {
        Set(RA, RB);
        vmnext;
      }
      vmcase(LoadInput) {
        const Value* v = &c_.input_;
        if (v->is_undefined()) vmfail;
        const std::span<const Value> path = KB.items();
        uint8_t* hints = reinterpret_cast<uint8_t*>(&H[PC()]);
        for (size_t i = 0; i < path.size(); ++i) {
          v = i < sizeof(uint32_t) ? IndexHinted(*v, path[i], &hints[i]) : IndexOf(*v, path[i]);
          if (v == nullptr) vmfail;
        }
        SetMember(RA, *v, c_.input_);  // an uncounted root keeps every level alive
        vmnext;
      }
      vmcase(LoadData) {
        if (c_.data_overrides_ == 0 && !data_paths_.empty()) {
          const Value& v = data_paths_[ip->b];
          if (v.is_undefined()) vmfail;
          Set(RA, v);
          vmnext;
        }
        if (!LoadData(KB, &RA)) vmfail;
        vmnext;
      }
      vmcase(Jump) vmfail;
      vmcase(Switch) {
        // The verifier checked every case number against the table's size.
        const Value* c = KB.Get(RA);
        if (c == nullptr) vmfail;
        vmjump(PC() + 1 + static_cast<uint32_t>(c->as_int()));
      }
      vmcase(Case) vmfail;

      vmcase(Truthy) {
        if (!RA.is_defined() || (RA.is_bool() && !RA.as_bool())) vmfail;
        vmnext;
      }
      vmcase(Equal) {
        if (!(RA == RB)) vmfail;
        vmnext;
      }
      vmcase(NotEqual) {
        if (RA == RB) vmfail;
        vmnext;
      }
      vmcase(Less) {
        if (!(Compare(RA, RB) < 0)) vmfail;
        vmnext;
      }
      vmcase(LessEqual) {
        if (!(Compare(RA, RB) <= 0)) vmfail;
        vmnext;
      }
      vmcase(Greater) {
        if (!(Compare(RA, RB) > 0)) vmfail;
        vmnext;
      }
      vmcase(GreaterEqual) {
        if (!(Compare(RA, RB) >= 0)) vmfail;
        vmnext;
      }
      vmcase(EqualConst) {
        if (!(RA == KB)) vmfail;
        vmnext;
      }
      vmcase(Member) {
        if (!RB.HasMember(RA)) vmfail;
        vmnext;
      }
      vmcase(IsArray) {
        if (!RA.is_array() || RA.size() != ip->b) vmfail;
        vmnext;
      }
      vmcase(IsObject) {
        if (!RA.is_object()) vmfail;
        vmnext;
      }
      vmcase(Index) {
        const Value* v = IndexOf(RB, RC);
        if (v == nullptr) vmfail;
        SetMember(RA, *v, RB);
        vmnext;
      }
      vmcase(IndexConst) {
        const Value* v = IndexHinted(RB, KC, reinterpret_cast<uint8_t*>(&H[PC()]));
        if (v == nullptr) vmfail;
        SetMember(RA, *v, RB);
        vmnext;
      }

      vmcase(IterInit) {
        if (!RB.is_collection()) vmfail;
        Set(RA, RB);  // before R[a+1]: b may be a+1
        SetInt(R[ip->a + 1], 0);
        vmnext;
      }
      vmcase(IterNext) {
        const Value& coll = RA;
        const Value& pos = R[ip->a + 1];
        if (!coll.is_collection() || !pos.is_int()) vmfail;
        const int64_t i = pos.as_int();
        // A collection's size is its cell's (Value::size() is not inlined here).
        if (i < 0 || static_cast<uint64_t>(i) >= coll.cell()->size) vmfail;
        SetInt(R[ip->a + 1], i + 1);
        if (__builtin_expect(ip->b == ip->a || ip->c == ip->a, 0)) {
          IterNextAliased(*ip, R, static_cast<size_t>(i));
          vmnext;
        }
        const uint32_t b = ip->b, c = ip->c;
        switch (coll.kind()) {
          case Kind::kArray:
            if (b != kNoReg) SetInt(R[b], i);
            if (c != kNoReg) SetMember(R[c], coll[static_cast<size_t>(i)], coll);
            break;
          case Kind::kObject: {
            const ObjectEntry& e = coll.entries()[static_cast<size_t>(i)];
            if (b != kNoReg) SetMember(R[b], e.key, coll);
            if (c != kNoReg) SetMember(R[c], e.value, coll);
            break;
          }
          default: {
            const Value& item = coll.items()[static_cast<size_t>(i)];
            if (b != kNoReg) SetMember(R[b], item, coll);
            if (c != kNoReg) SetMember(R[c], item, coll);
            break;
          }
        }
        vmnext;
      }

      vmcase(MakeArray) {
        VERDICT_TRY(MakeCollection<ArrayBuilder>(*ip, R, Value::EmptyArray()));
        vmnext;
      }
      vmcase(MakeSet) {
        VERDICT_TRY(MakeCollection<SetBuilder>(*ip, R, Value::EmptySet()));
        vmnext;
      }
      vmcase(MakeObject) {
        if (ip->n == 0) {
          RA = Value::EmptyObject();
          vmnext;
        }
        bool conflict = false;
        {
          ObjectBuilder b(&c_.arena_);
          b.Reserve(ip->n);
          for (uint32_t i = 0; i < ip->n; ++i) {
            const Value& key = R[ip->b + 2 * i];
            const Value& value = R[ip->b + 2 * i + 1];
            if (key.is_undefined() || value.is_undefined()) VERDICT_LEAVE(UndefinedOperand(PC()));
            b.Add(key, value);
          }
          Value obj = b.Build(&conflict);
          if (!conflict) RA = std::move(obj);
        }
        if (conflict) vmfail;
        vmnext;
      }

      vmcase(AccInit) {
        Accumulator& acc = A[ip->a];
        acc.kind = static_cast<AccKind>(ip->b);
        acc.items.clear();
        vmnext;
      }
      vmcase(AccAdd) {
        Accumulator& acc = A[ip->a];
        if (acc.kind == AccKind::kSet || acc.kind == AccKind::kArray) {
          if (RB.is_defined()) {
            acc.items.push_back(RB);
            vmnext;
          }
        }
        VERDICT_TRY(AccAdd(PC(), acc, RB));
        vmnext;
      }
      vmcase(AccPut) {
        Accumulator& acc = A[ip->a];
        if (acc.kind != AccKind::kObject || RB.is_undefined() || RC.is_undefined()) {
          VERDICT_LEAVE_ERROR(PC(), ErrorCode::kEvalInternalError,
                         "AccPut needs an object accumulator and defined registers");
        }
        acc.items.push_back(RB);
        acc.items.push_back(RC);
        vmnext;
      }
      vmcase(AccFinish) {
        VERDICT_TRY(AccFinish(PC(), A[ip->b], &scratch, &defined));
        if (!defined) vmfail;
        SetFromFresh(RA, scratch);
        vmnext;
      }

      vmcase(CallBuiltin) {
        if (c_.call_overrides_ != 0) {
          if (const Override* o = FindCallOverride(true, ip->b)) {
            if (o->kind == OverrideKind::kValue) {
              Set(RA, o->value);
              vmnext;
            }
            // WithBuiltin: call the replacement function; its Return
            // completes this instruction (a and t mean the same as Call's).
            VERDICT_POLL();
            VERDICT_TRY(PushMockFrame(o->replacement, PC(),
                                      static_cast<size_t>(R - c_.regs_.data()) + ip->c,
                                      ip->n));
            VERDICT_RELOAD();
            ip = code + F[c_.frames_[c_.depth_ - 1].function].entry_pc;
            continue;
          }
        }
        {
          // The common call inline: defined operands, a table builtin
          // that is deterministic. Everything else goes through
          // CallBuiltin().
          const builtins::BuiltinInfo& info = bound_.builtin(ip->b);
          const Value* args = &RC;
          bool operands_defined = true;
          for (uint32_t i = 0; i < ip->n; ++i) operands_defined &= args[i].is_defined();
          if (__builtin_expect(operands_defined && info.custom == nullptr &&
                                   (info.flags & builtins::kNondeterministic) == 0,
                               1)) {
            ++c_.stats_.builtin_calls;
            bool result_defined = false;
            {  // result must be destroyed before dispatching (see vmnext)
              absl::StatusOr<Value> result = info.fn(c_.builtin_ctx_, {args, ip->n});
              if (__builtin_expect(result.ok(), 1)) {
                result_defined = result->is_defined();
                if (result_defined) SetFromFresh(RA, *result);
              } else if (o_.strict_builtin_errors) {
                VERDICT_LEAVE(BuiltinFailed(PC(), result.status()));
              }
            }
            if (!result_defined) vmfail;
            vmnext;
          }
        }
        VERDICT_TRY(CallBuiltin(PC(), *ip, R, &scratch, &defined));
        if (!defined) vmfail;
        SetFromFresh(RA, scratch);
        vmnext;
      }

      vmcase(Call) {
        uint32_t callee = ip->b;
        if (c_.call_overrides_ != 0) {
          if (const Override* o = FindCallOverride(false, callee)) {
            if (o->kind == OverrideKind::kValue) {
              Set(RA, o->value);
              vmnext;
            }
            VERDICT_POLL();
            VERDICT_TRY(PushMockFrame(o->replacement, PC(),
                                      static_cast<size_t>(R - c_.regs_.data()) + ip->c,
                                      ip->n));
            VERDICT_RELOAD();
            ip = code + F[c_.frames_[c_.depth_ - 1].function].entry_pc;
            continue;
          }
        }
        const bool memoize = F[callee].memoize();
        if (memoize) {
          EvalContext::MemoEntry& m = c_.memo_[callee];
          if (m.gen == c_.gen_) {
            if (m.state == EvalContext::MemoState::kRunning) {
              VERDICT_LEAVE_ERROR(PC(), ErrorCode::kEvalInternalError,
                             absl::StrCat("recursive evaluation of ", Absl(F[callee].name)));
            }
            ++c_.stats_.memo_hits;
            if (m.value.is_undefined()) vmfail;
            Set(RA, m.value);
            vmnext;
          }
          m.gen = c_.gen_;
          m.state = EvalContext::MemoState::kRunning;
        }
        uint32_t memo_args = kNoReg;
        uint64_t memo_hash = 0;
        if (!memoize && c_.call_overrides_ == 0) {
          // Functions are pure within an evaluation: the same arguments
          // give the same result, so repeated calls are answered here.
          const Value* args = &RC;
          memo_hash = CallHash(callee, args, ip->n);
          if (const EvalContext::CallMemoSlot* hit =
                  FindCallMemo(callee, memo_hash, args, ip->n)) {
            ++c_.stats_.memo_hits;
            if (hit->value.is_undefined()) vmfail;
            Set(RA, hit->value);
            vmnext;
          }
          memo_args = RememberArgs(args, ip->n);
        }
        VERDICT_POLL();
        VERDICT_TRY(PushFrame(callee, PC(),
                              static_cast<size_t>(R - c_.regs_.data()) + ip->c, ip->n,
                              memoize));
        if (memo_args != kNoReg) {
          c_.frames_[c_.depth_ - 1].call_memo_args = memo_args;
          c_.frames_[c_.depth_ - 1].call_memo_hash = memo_hash;
        }
        VERDICT_RELOAD();
        ip = code + F[callee].entry_pc;
        continue;
      }

      vmcase(Return) {
        Set(ret, RA);
        goto do_return;
      }
      vmcase(ReturnUndefined) {
        ret = Value();
        goto do_return;
      }

      vmcase(WithInput) {
        if (RC.is_undefined()) VERDICT_LEAVE(UndefinedOperand(PC()));
        {
          Override o{};
          o.kind = OverrideKind::kInput;
          o.value = c_.input_;
          Value replaced = Patch(c_.input_, KB.items(), RC);
          PushOverride(std::move(o));
          c_.input_ = std::move(replaced);
        }
        vmnext;
      }
      vmcase(WithData) {
        if (RC.is_undefined()) VERDICT_LEAVE(UndefinedOperand(PC()));
        {
          Override o{};
          o.kind = OverrideKind::kData;
          o.path = KB;
          o.value = RC;
          PushOverride(std::move(o));
        }
        vmnext;
      }
      vmcase(WithFunc) {
        {
          Override o{};
          o.kind = OverrideKind::kFunc;
          o.target = ip->b;
          o.replacement = ip->c;
          PushOverride(std::move(o));
        }
        vmnext;
      }
      vmcase(WithBuiltin) {
        {
          Override o{};
          o.kind = OverrideKind::kBuiltin;
          o.target = ip->b;
          o.replacement = ip->c;
          o.target_is_builtin = true;
          PushOverride(std::move(o));
        }
        vmnext;
      }
      vmcase(WithValue) {
        if (RC.is_undefined()) VERDICT_LEAVE(UndefinedOperand(PC()));
        {
          Override o{};
          o.kind = OverrideKind::kValue;
          o.target_is_builtin = ip->n == 1;
          o.target = ip->b;
          o.value = RC;
          PushOverride(std::move(o));
        }
        vmnext;
      }
      vmcase(WithPop) {
        VERDICT_TRY(PopOverrides(PC(), ip->b));
        vmnext;
      }
      vmcase(Fail) {
        VERDICT_LEAVE_ERROR(PC(), static_cast<ErrorCode>(ip->c), KB.as_string());
      }
    }
    // Every handler above leaves by a jump; nothing falls out of the dispatch.
    __builtin_unreachable();

  do_return: {
    const Frame done = c_.frames_[c_.depth_ - 1];
    if (__builtin_expect(done.overrides != c_.overrides_.size(), 0)) {
      // A `with` left open: values computed under it must not escape.
      VERDICT_LEAVE_ERROR(PC(), ErrorCode::kEvalInternalError,
                     "return with unbalanced with-overrides");
    }
    --c_.depth_;
    if (__builtin_expect(done.mock, 0)) VERDICT_TRY(PopOverrides(PC(), 1));  // its barrier
    if (done.memoize) {
      EvalContext::MemoEntry& m = c_.memo_[done.function];
      m.gen = done.memo_gen;
      m.state = EvalContext::MemoState::kDone;
      Set(m.value, ret);
      c_.memo_counts_ |= ret.is_counted();
    }
    if (done.call_memo_args != kNoReg) StoreCallMemo(done, ret);
    if (c_.depth_ == 0) VERDICT_LEAVE(ret);
    VERDICT_RELOAD();
    const Instr* call = code + done.call_pc;
    if (ret.is_undefined()) {
      ip = code + call->t;
    } else {
      Set(R[call->a], ret);
      ip = call + 1;
    }
    continue;
  }
  }

#undef VERDICT_RELOAD
#undef PC
#undef RA
#undef RB
#undef RC
#undef KB
#undef KC
#undef VERDICT_POLL
#undef VERDICT_TRY
#undef VERDICT_LEAVE
#undef VERDICT_LEAVE_ERROR
#undef vmdispatch
#undef vmcase
#undef vmnext
#undef vmjump
#undef vmfail
#undef VERDICT_DISPATCH
}

#if VERDICT_VM_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif

absl::StatusOr<Value> Interpreter::Start(uint32_t function, std::span<const Value> args) {
  if (function >= p_.functions.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("no function ", function, " in a program of ",
                                  p_.functions.size()));
  }
  const Function& fn = p_.functions[function];
  if (args.size() != fn.num_params) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(Absl(fn.name), " takes ", fn.num_params, " arguments, got ",
                                  args.size()));
  }
  if (o_.reset_arena) c_.Reset();
  c_.clean_ = false;
  c_.depth_ = 0;
  c_.overrides_.clear();
  c_.call_overrides_ = 0;
  c_.data_overrides_ = 0;
  c_.input_ = o_.input;
  c_.gen_ = ++c_.gen_counter_;
  if (c_.memo_.size() < p_.functions.size()) c_.memo_.resize(p_.functions.size());
  if (c_.hints_.size() < p_.code.size()) c_.hints_.resize(p_.code.size());
  c_.call_memo_args_.clear();
  c_.call_memo_used_ = 0;
  c_.stats_ = EvalStats();
  c_.builtin_ctx_.arena = &c_.arena_;
  c_.builtin_ctx_.now_ns_set = false;
  c_.seeded_ = false;
  record_start_ = o_.record != nullptr ? o_.record->size() : 0;

  if (fn.num_registers > c_.regs_.size()) c_.regs_.resize(fn.num_registers);
  if (fn.num_registers > c_.regs_high_) c_.regs_high_ = fn.num_registers;
  for (size_t i = 0; i < args.size(); ++i) c_.regs_[i] = args[i];
  EnsureAccs(fn.num_accumulators);
  if (c_.frames_.empty()) c_.frames_.resize(16);
  c_.frames_[c_.depth_++] = Frame{function, 0, 0, kNoReg, c_.gen_, 0, false};
  ++c_.stats_.calls;

  uint64_t steps = 0;
  absl::StatusOr<Value> result =
      (o_.trace != nullptr || o_.contributions != nullptr || TraceFromEnvironment())
          ? Run<true>(steps)
          : Run<false>(steps);
  c_.stats_.instructions = steps;
  return result;
}

absl::StatusOr<Value> Evaluate(EvalContext& ctx, const BoundProgram& program,
                               uint32_t function, std::span<const Value> args,
                               const EvalOptions& options) {
  return Interpreter(ctx, program, options).Start(function, args);
}

}  // namespace verdict::vm
