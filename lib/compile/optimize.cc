// Passes over lowered bytecode (optimize.h): jump threading, constant
// truth tests, jumps to the next instruction, and the register passes that
// run on liveness (liveness.h) one function at a time.
#include "compile/optimize.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "compile/fold.h"
#include "compile/liveness.h"
#include "vm/opcode.h"

namespace verdict::compile {
namespace {

using vm::Instr;
using vm::Op;

// What constant folding knows about the whole program: which builtins and
// functions some `with` replaces (their calls must stay calls), which
// zero-arity functions always return one constant, and the constant table
// with an index for adding folded values without duplicates.
class FoldState {
 public:
  explicit FoldState(vm::Program* program)
      : p_(*program),
        builtin_foldable_(program->builtins.size(), 0),
        function_mocked_(program->functions.size(), false),
        function_value_(program->functions.size(), -1) {
    std::vector<bool> builtin_mocked(program->builtins.size(), false);
    for (const Instr& in : program->code) {
      const bool on_function = in.op == Op::kWithFunc || (in.op == Op::kWithValue && in.n == 0);
      const bool on_builtin = in.op == Op::kWithBuiltin || (in.op == Op::kWithValue && in.n == 1);
      if (on_function && in.b < function_mocked_.size()) function_mocked_[in.b] = true;
      if (on_builtin && in.b < builtin_mocked.size()) builtin_mocked[in.b] = true;
    }
    for (size_t b = 0; b < program->builtins.size(); ++b) {
      builtin_foldable_[b] = !builtin_mocked[b] && FoldableBuiltin(program->builtins[b]);
    }
    for (size_t k = 0; k < program->constants.size(); ++k) {
      constant_index_.emplace(program->constants[k], static_cast<uint32_t>(k));
    }
  }

  bool BuiltinFoldable(uint32_t b) const {
    return b < builtin_foldable_.size() && builtin_foldable_[b];
  }
  const std::string& BuiltinName(uint32_t b) const { return p_.builtins[b]; }
  Arena* arena() const { return p_.arena.get(); }

  // K[index] of the constant function [f] returns, if it is one.
  std::optional<uint32_t> FunctionValue(uint32_t f) const {
    if (f >= function_value_.size() || function_value_[f] < 0) return std::nullopt;
    return static_cast<uint32_t>(function_value_[f]);
  }
  // Whether every call of [f] is undefined (its code is ReturnUndefined).
  bool FunctionUndefined(uint32_t f) const {
    return f < function_value_.size() && function_value_[f] == kUndefined;
  }

  // The index of [v] in the constant table, added when new.
  uint32_t Constant(const Value& v) {
    auto [it, added] = constant_index_.emplace(v, static_cast<uint32_t>(p_.constants.size()));
    if (added) p_.constants.push_back(v);
    return it->second;
  }

  // Finds the zero-arity functions no `with` replaces whose code is now
  // `LoadConst R K; Return R`, so that every call of one is that constant,
  // or `ReturnUndefined`, so that every call is undefined. Returns whether
  // any was found that was not known before.
  bool FindConstantFunctions() {
    bool found = false;
    for (size_t f = 0; f < p_.functions.size(); ++f) {
      if (function_value_[f] != kUnknown || function_mocked_[f] ||
          p_.functions[f].num_params != 0) {
        continue;
      }
      function_value_[f] = ConstantResult(p_.functions[f]);
      found = found || function_value_[f] != kUnknown;
    }
    return found;
  }

  // Whether [f] calls a function known to be constant or undefined.
  bool CallsConstantFunction(const vm::Function& f) const {
    for (uint32_t pc = f.entry_pc; pc < f.end_pc; ++pc) {
      const Instr& in = p_.code[pc];
      if (in.op == Op::kCall && in.n == 0 && in.b < function_value_.size() &&
          function_value_[in.b] != kUnknown) {
        return true;
      }
    }
    return false;
  }

 private:
  static constexpr int64_t kUnknown = -1;
  static constexpr int64_t kUndefined = -2;

  // What [f] returns on every call, from its entry through Nops and
  // Jumps: a LoadConst and a Return of its register (the constant's
  // index), or ReturnUndefined (kUndefined); kUnknown otherwise.
  int64_t ConstantResult(const vm::Function& f) const {
    std::optional<uint32_t> reg, k;
    uint32_t pc = f.entry_pc;
    for (int steps = 0; steps < 16 && pc >= f.entry_pc && pc < f.end_pc; ++steps) {
      const Instr& in = p_.code[pc];
      switch (in.op) {
        case Op::kNop:
          ++pc;
          break;
        case Op::kJump:
          pc = in.t;
          break;
        case Op::kLoadConst:
          reg = in.a;
          k = in.b;
          ++pc;
          break;
        case Op::kReturn:
          return reg && *reg == in.a ? int64_t{*k} : kUnknown;
        case Op::kReturnUndefined:
          return kUndefined;
        default:
          return kUnknown;
      }
    }
    return kUnknown;
  }

  vm::Program& p_;
  std::vector<char> builtin_foldable_;
  std::vector<bool> function_mocked_;
  std::vector<int64_t> function_value_;  // K index, kUnknown or kUndefined
  std::unordered_map<Value, uint32_t, ValueHash> constant_index_;
};

bool IsReturn(Op op) { return op == Op::kReturn || op == Op::kReturnUndefined; }

// Where control that arrives at [pc] ends up once unconditional Jumps are
// followed. A cycle of Jumps (an endless loop) is left alone.
uint32_t FollowJumps(const std::vector<Instr>& code, uint32_t pc) {
  for (size_t steps = 0; steps < code.size(); ++steps) {
    if (pc >= code.size() || code[pc].op != Op::kJump) return pc;
    pc = code[pc].t;
  }
  return pc;
}

void ThreadJumps(vm::Program* program) {
  std::vector<Instr>& code = program->code;
  for (Instr& in : code) {
    if (!vm::GetOpInfo(in.op).uses_t) continue;
    in.t = FollowJumps(code, in.t);
    // A jump to a return is that return (the frame is the same).
    if (in.op == Op::kJump && in.t < code.size() && IsReturn(code[in.t].op)) {
      in = code[in.t];
    }
  }
}

std::vector<bool> JumpTargets(const vm::Program& program) {
  std::vector<bool> target(program.code.size() + 1, false);
  for (const Instr& in : program.code) {
    if (vm::GetOpInfo(in.op).uses_t && in.t < target.size()) target[in.t] = true;
  }
  for (const vm::Function& f : program.functions) {
    if (f.entry_pc < target.size()) target[f.entry_pc] = true;
  }
  return target;
}

// Is K[b] of a LoadConst a value Truthy lets through (anything but false)?
bool LoadsTruthyConstant(const vm::Program& program, const Instr& in) {
  if (in.op != Op::kLoadConst || in.b >= program.constants.size()) return false;
  const Value& k = program.constants[in.b];
  return k.is_defined() && !(k.is_bool() && !k.as_bool());
}

std::vector<bool> DroppableInstructions(const vm::Program& program) {
  const std::vector<Instr>& code = program.code;
  std::vector<bool> target = JumpTargets(program);
  std::vector<bool> drop(code.size(), false);
  for (size_t pc = 0; pc < code.size(); ++pc) {
    const Instr& in = code[pc];
    if (in.op == Op::kNop) {
      drop[pc] = true;
    } else if (in.op == Op::kTruthy && pc > 0 && !target[pc] &&
               LoadsTruthyConstant(program, code[pc - 1]) && code[pc - 1].a == in.a) {
      // Only reachable by falling through the LoadConst just before it.
      drop[pc] = true;
    }
  }
  // A Jump over nothing but dropped instructions goes where control would
  // fall anyway. Backwards, so drops after each Jump are already known.
  for (size_t pc = code.size(); pc-- > 0;) {
    const Instr& in = code[pc];
    if (in.op != Op::kJump || drop[pc] || in.t <= pc || in.t > code.size()) continue;
    bool skips_nothing = true;
    for (size_t k = pc + 1; k < in.t && skips_nothing; ++k) skips_nothing = drop[k];
    if (skips_nothing) drop[pc] = true;
  }
  return drop;
}

void RemoveInstructions(vm::Program* program, const std::vector<bool>& drop) {
  std::vector<Instr>& code = program->code;
  // new_pc[old]: the position of old, or of the next kept instruction.
  std::vector<uint32_t> new_pc(code.size() + 1);
  uint32_t next = 0;
  for (size_t pc = 0; pc < code.size(); ++pc) {
    new_pc[pc] = next;
    if (!drop[pc]) ++next;
  }
  new_pc[code.size()] = next;
  std::vector<Instr> kept;
  kept.reserve(next);
  for (size_t pc = 0; pc < code.size(); ++pc) {
    if (drop[pc]) continue;
    Instr in = code[pc];
    if (vm::GetOpInfo(in.op).uses_t && in.t < new_pc.size()) in.t = new_pc[in.t];
    kept.push_back(in);
  }
  code = std::move(kept);
  for (vm::Function& f : program->functions) {
    if (f.entry_pc < new_pc.size()) f.entry_pc = new_pc[f.entry_pc];
    if (f.end_pc < new_pc.size()) f.end_pc = new_pc[f.end_pc];
  }
  // Entries that now share a pc: the last one describes the instruction
  // that kept it.
  std::vector<vm::SpanEntry> spans;
  spans.reserve(program->spans.size());
  for (vm::SpanEntry s : program->spans) {
    if (s.pc < new_pc.size()) s.pc = new_pc[s.pc];
    if (!spans.empty() && spans.back().pc == s.pc) {
      spans.back() = s;
    } else {
      spans.push_back(s);
    }
  }
  program->spans = std::move(spans);
}

// ---------------------------------------------------------------------------
// Register passes. Each works inside one function and turns what it removes
// into Nops, which RemoveInstructions drops at the end.

// Ops that only compute R[a]: no failure edge, no effect, nothing else
// written. When R[a] is dead they can go.
bool IsPureDefinition(Op op) {
  return op == Op::kLoadConst || op == Op::kMove || op == Op::kMakeArray ||
         op == Op::kMakeSet;
}

// Ops whose one destination is field a and may be renamed: they write it
// only when they fall through.
bool HasRenamableDestination(Op op) {
  switch (op) {
    case Op::kLoadConst:
    case Op::kMove:
    case Op::kLoadInput:
    case Op::kLoadData:
    case Op::kIndex:
    case Op::kIndexConst:
    case Op::kMakeArray:
    case Op::kMakeSet:
    case Op::kMakeObject:
    case Op::kAccFinish:
    case Op::kCallBuiltin:
    case Op::kCall:
      return true;
    default:
      return false;
  }
}

bool Reads(const Instr& in, uint32_t reg) {
  bool found = false;
  ForEachRead(in, [&](uint32_t r) { found = found || r == reg; });
  return found;
}

bool Writes(const Instr& in, uint32_t reg) {
  bool found = false;
  ForEachWrite(in, [&](uint32_t r) { found = found || r == reg; });
  return found;
}

class FunctionPasses {
 public:
  // [fold]: the program's folding state; nullptr runs no folding (the
  // final RemoveUnreachable).
  FunctionPasses(vm::Program* program, const vm::Function& f, FoldState* fold = nullptr)
      : p_(*program), code_(program->code), f_(f), fold_(fold) {}

  // Runs the passes until none changes anything more.
  void Run() {
    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = false;
      {
        Liveness live(p_, f_);
        Count();
        changed |= RemoveDeadDefinitions(live);
        changed |= CoalesceCopies(live);
      }
      Count();
      changed |= PropagateParameters();
      changed |= FoldConstants();
      changed |= FoldEmptyAccumulators();
      changed |= FoldSingleValueAccumulators();
      changed |= ExitEarlyOnConstantValues();
      changed |= RemoveUnreachable();
      if (!changed) break;
    }
  }

  // Instructions no path from the entry reaches become Nops.
  bool RemoveUnreachable() {
    std::vector<bool> seen(f_.end_pc - f_.entry_pc, false);
    std::vector<uint32_t> work = {f_.entry_pc};
    while (!work.empty()) {
      const uint32_t pc = work.back();
      work.pop_back();
      if (!InFunction(pc) || seen[pc - f_.entry_pc]) continue;
      seen[pc - f_.entry_pc] = true;
      const Instr& in = code_[pc];
      if (FallsThrough(in.op)) work.push_back(pc + 1);
      if (vm::GetOpInfo(in.op).uses_t) work.push_back(in.t);
    }
    bool changed = false;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      if (!seen[pc - f_.entry_pc] && code_[pc].op != Op::kNop) {
        code_[pc] = Instr();
        changed = true;
      }
    }
    return changed;
  }

 private:
  // Each round recomputes liveness; a few rounds settle chains of copies.
  static constexpr int kMaxRounds = 8;
  // How far back CoalesceCopies looks for the copied value's definition:
  // argument lists are short, and the walk is quadratic in the worst case.
  static constexpr uint32_t kMaxCopyDistance = 64;
  // How far back ConstantIn looks for a register's LoadConst, and how many
  // Moves it follows: operands are computed just before their use.
  static constexpr uint32_t kMaxConstantDistance = 256;
  static constexpr int kMaxConstantCopies = 8;

  void Count() {
    defs_.assign(f_.num_registers, 0);
    def_pc_.assign(f_.num_registers, 0);
    target_.assign(f_.end_pc - f_.entry_pc + 1, false);
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      const Instr& in = code_[pc];
      ForEachWrite(in, [&](uint32_t r) {
        if (r < defs_.size()) {
          ++defs_[r];
          def_pc_[r] = pc;
        }
      });
      if (vm::GetOpInfo(in.op).uses_t && InFunction(in.t)) target_[in.t - f_.entry_pc] = true;
    }
  }
  bool InFunction(uint32_t pc) const { return pc >= f_.entry_pc && pc < f_.end_pc; }
  bool IsTarget(uint32_t pc) const { return InFunction(pc) && target_[pc - f_.entry_pc]; }

  // A pure definition nobody reads, and IterNext outputs nobody reads.
  bool RemoveDeadDefinitions(const Liveness& live) {
    bool changed = false;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      Instr& in = code_[pc];
      if (IsPureDefinition(in.op) && in.n == 0 && !live.LiveAfter(pc, in.a)) {
        in = Instr();
        changed = true;
      } else if (in.op == Op::kIterNext) {
        for (uint32_t* out : {&in.b, &in.c}) {
          if (*out == vm::kNoReg || *out == in.a || *out == uint32_t{in.a} + 1) continue;
          if (!live.LiveAfter(pc, *out)) {
            *out = vm::kNoReg;
            changed = true;
          }
        }
      }
    }
    return changed;
  }

  // `X Rs ...; ...; Move Rd Rs` where the Move is the only reader of the
  // value X wrote: X writes Rd itself. Lowering computes every term into a
  // fresh register and copies it where a variable or a call's argument
  // span wants it, so this removes most Moves. Between X and the Move no
  // instruction may touch Rd or read Rs, be entered by a jump, or fail to
  // a place where Rd's old value or X's Rs is live.
  bool CoalesceCopies(const Liveness& live) {
    bool changed = false;
    std::vector<bool> touched(f_.num_registers, false);
    for (uint32_t move = f_.entry_pc; move < f_.end_pc; ++move) {
      const Instr& mv = code_[move];
      if (mv.op != Op::kMove || IsTarget(move)) continue;
      const uint32_t rd = mv.a, rs = mv.b;
      if (rd == rs || rs >= touched.size() || rd >= touched.size()) continue;
      if (touched[rd] || touched[rs] || live.LiveAfter(move, rs)) continue;
      // Walk back to X, the instruction that wrote the value the Move reads.
      uint32_t def = move;
      bool clear = true;
      for (uint32_t steps = 0; clear && steps < kMaxCopyDistance && def > f_.entry_pc;
           ++steps) {
        const Instr& in = code_[--def];
        if (Writes(in, rs)) break;
        const bool fails_to_live = vm::GetOpInfo(in.op).uses_t &&
                                   (live.LiveIn(in.t, rd) || live.LiveIn(in.t, rs));
        clear = !IsTarget(def) && FallsThrough(in.op) && !Reads(in, rd) && !Writes(in, rd) &&
                !Reads(in, rs) && !fails_to_live;
      }
      if (!clear || def == move || !Writes(code_[def], rs)) continue;
      Instr& x = code_[def];
      const bool writes_a = HasRenamableDestination(x.op) && x.a == rs;
      const bool iter_output = x.op == Op::kIterNext && x.b != x.c &&
                               (x.b == rs || x.c == rs) && rd != x.a &&
                               rd != uint32_t{x.a} + 1;
      if (!writes_a && !iter_output) continue;
      if (Reads(x, rd) || Writes(x, rd)) continue;
      // A Move carrying the rule-value mark (opcodes.def *10) hands it to
      // a LoadConst or Move; other definitions cannot carry it.
      const bool can_mark = x.op == Op::kLoadConst || x.op == Op::kMove;
      if (mv.n != 0 && (!can_mark || x.n != 0)) continue;
      if (mv.n != 0) x.n = mv.n;
      if (writes_a) {
        x.a = static_cast<uint16_t>(rd);
      } else {
        (x.b == rs ? x.b : x.c) = rd;
      }
      code_[move] = Instr();
      touched[rd] = touched[rs] = true;
      changed = true;
    }
    return changed;
  }

  // `Move Rd Rp` where Rp is a parameter the function never writes and Rd
  // is written only here: every read of Rd can read Rp. Reads inside an
  // argument span or an iterator pair keep their register (they are
  // positional).
  bool PropagateParameters() {
    bool changed = false;
    for (uint32_t move = f_.entry_pc; move < f_.end_pc; ++move) {
      const Instr& mv = code_[move];
      if (mv.op != Op::kMove || mv.n != 0) continue;
      const uint32_t rd = mv.a, rp = mv.b;
      if (rp >= f_.num_params || defs_[rp] != 0 || rd >= defs_.size() || defs_[rd] != 1) {
        continue;
      }
      if (!OnlyPlainReads(rd)) continue;
      for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
        Instr& in = code_[pc];
        const vm::OpInfo& info = vm::GetOpInfo(in.op);
        if (info.a == vm::OperandKind::kReg && in.a == rd) in.a = static_cast<uint16_t>(rp);
        if (info.b == vm::OperandKind::kReg && in.b == rd) in.b = rp;
        if (info.c == vm::OperandKind::kReg && in.c == rd) in.c = rp;
      }
      code_[move] = Instr();
      defs_[rd] = 0;
      changed = true;
    }
    return changed;
  }

  bool OnlyPlainReads(uint32_t reg) const {
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      const Instr& in = code_[pc];
      if (!Reads(in, reg)) continue;
      const vm::OpInfo& info = vm::GetOpInfo(in.op);
      if (info.a == vm::OperandKind::kSpan || info.b == vm::OperandKind::kSpan ||
          info.c == vm::OperandKind::kSpan) {
        const uint32_t first = info.b == vm::OperandKind::kSpan ? in.b : in.c;
        const uint32_t count = in.op == Op::kMakeObject ? 2u * in.n : in.n;
        if (reg >= first && reg - first < count) return false;
      }
      if (in.op == Op::kIterNext) return false;
    }
    return true;
  }

  // The constant R[reg] holds whenever the instruction at [pc] runs, as
  // an index into the constant table, if it is one. Either the register's
  // only write in the function is a LoadConst (registers are never read
  // before they are written, so every read sees it), or walking back from
  // [pc] along straight-line code, which no jump enters, meets a LoadConst
  // of it first. Moves are followed to their source.
  std::optional<uint32_t> ConstantIn(uint32_t reg, uint32_t pc) const {
    for (int copies = 0; copies < kMaxConstantCopies; ++copies) {
      if (reg >= defs_.size()) return std::nullopt;
      const Instr* def = nullptr;
      uint32_t def_pc = 0;
      if (reg >= f_.num_params && defs_[reg] == 1) {
        def_pc = def_pc_[reg];
        def = &code_[def_pc];
      } else {
        for (uint32_t p = pc, steps = 0; def == nullptr; --p, ++steps) {
          if (steps >= kMaxConstantDistance || p <= f_.entry_pc || IsTarget(p)) {
            return std::nullopt;
          }
          const Instr& prev = code_[p - 1];
          if (!FallsThrough(prev.op)) return std::nullopt;
          if (Writes(prev, reg)) {
            def_pc = p - 1;
            def = &prev;
          }
        }
      }
      if (def->op == Op::kLoadConst) return def->b;
      if (def->op != Op::kMove) return std::nullopt;
      reg = def->b;
      pc = def_pc;
    }
    return std::nullopt;
  }

  // Builtin calls whose builtin may be folded (fold.h; no `with` replaces
  // it) and whose arguments are all constants, collection literals of
  // constants, and calls of constant functions become LoadConsts. A call
  // that fails or is undefined now stays, to fail the same way when a
  // decision runs it.
  bool FoldConstants() {
    if (fold_ == nullptr) return false;
    Count();
    bool changed = false;
    std::vector<Value> operands;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      Instr& in = code_[pc];
      std::optional<uint32_t> k;
      switch (in.op) {
        case Op::kCall:
          if (in.n != 0) break;
          k = fold_->FunctionValue(in.b);
          if (fold_->FunctionUndefined(in.b)) {
            in = Jump(in.t);
            changed = true;
          }
          break;
        case Op::kCallBuiltin:
          if (!fold_->BuiltinFoldable(in.b) || !Operands(pc, in.c, in.n, &operands)) break;
          if (Value v = FoldBuiltinCall(fold_->BuiltinName(in.b), operands, fold_->arena());
              v.is_defined()) {
            k = fold_->Constant(v);
          }
          break;
        case Op::kMakeArray:
        case Op::kMakeSet:
        case Op::kMakeObject: {
          const uint32_t count = in.op == Op::kMakeObject ? 2u * in.n : in.n;
          if (!Operands(pc, in.b, count, &operands)) break;
          if (Value v = FoldCollection(in.op, operands, fold_->arena()); v.is_defined()) {
            k = fold_->Constant(v);
          }
          break;
        }
        case Op::kIndex:
        case Op::kIndexConst: {
          std::optional<uint32_t> coll = ConstantIn(in.b, pc);
          std::optional<uint32_t> key =
              in.op == Op::kIndexConst ? std::optional<uint32_t>(in.c) : ConstantIn(in.c, pc);
          if (!coll || !key || *coll >= p_.constants.size() || *key >= p_.constants.size()) break;
          Value v = FoldIndex(p_.constants[*coll], p_.constants[*key]);
          if (v.is_defined()) {
            k = fold_->Constant(v);
          } else {
            in = Jump(in.t);  // always missing
            changed = true;
          }
          break;
        }
        default:
          changed |= FoldTestOfConstants(pc);
          break;
      }
      if (!k) continue;
      Instr load;
      load.op = Op::kLoadConst;
      load.a = in.a;
      load.b = *k;
      in = load;
      changed = true;
    }
    return changed;
  }

  // A test (Truthy, Equal, Less, Member ...) of constants passes or fails
  // whenever it runs: it goes, or becomes a Jump to its failure target.
  bool FoldTestOfConstants(uint32_t pc) {
    Instr& in = code_[pc];
    const vm::OpInfo& info = vm::GetOpInfo(in.op);
    if (!info.uses_t || info.a != vm::OperandKind::kReg) return false;
    std::optional<uint32_t> a = ConstantIn(in.a, pc);
    std::optional<uint32_t> b;
    if (info.b == vm::OperandKind::kReg) {
      b = ConstantIn(in.b, pc);
      if (!b) return false;
    } else if (info.b == vm::OperandKind::kConst) {
      b = in.b;
    }
    if (!a || *a >= p_.constants.size() || (b && *b >= p_.constants.size())) return false;
    std::optional<bool> passes =
        FoldTest(in.op, p_.constants[*a], b ? p_.constants[*b] : Value(), in.b);
    if (!passes) return false;
    in = *passes ? Instr() : Jump(in.t);
    return true;
  }

  static Instr Jump(uint32_t target) {
    Instr jump;
    jump.op = Op::kJump;
    jump.t = target;
    return jump;
  }

  // The constants in R[first .. first+count) at [pc], into [*out]; false
  // when one of them is not known to be constant.
  bool Operands(uint32_t pc, uint32_t first, uint32_t count, std::vector<Value>* out) const {
    out->clear();
    for (uint32_t i = 0; i < count; ++i) {
      std::optional<uint32_t> k = ConstantIn(first + i, pc);
      if (!k || *k >= p_.constants.size()) return false;
      out->push_back(p_.constants[*k]);
    }
    return true;
  }

  // An accumulator nothing is ever added to (a rule with only a default
  // definition, a comprehension whose body cannot succeed) finishes empty:
  // a value accumulator's AccFinish always fails, the others load an empty
  // collection.
  bool FoldEmptyAccumulators() {
    if (fold_ == nullptr || f_.num_accumulators == 0) return false;
    // One pass over the function: each accumulator's kind (kNoKind when
    // something adds to it or it has two kinds), its AccInits and
    // AccFinishes.
    constexpr uint32_t kNoKind = ~0u;
    struct Census {
      uint32_t kind = kNoKind;
      bool seen = false;
      std::vector<uint32_t> inits, finishes;
    };
    std::vector<Census> census(f_.num_accumulators);
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      const Instr& in = code_[pc];
      const uint32_t acc = in.op == Op::kAccFinish ? in.b : in.a;
      if (acc >= census.size()) continue;
      Census& c = census[acc];
      switch (in.op) {
        case Op::kAccAdd:
        case Op::kAccPut:
          c.kind = kNoKind;
          c.seen = true;
          break;
        case Op::kAccInit:
          c.kind = c.seen && c.kind != in.b ? kNoKind : in.b;
          c.seen = true;
          c.inits.push_back(pc);
          break;
        case Op::kAccFinish:
          c.finishes.push_back(pc);
          break;
        default:
          break;
      }
    }
    bool changed = false;
    for (Census& c : census) {
      if (c.kind == kNoKind || c.inits.empty() || c.finishes.empty()) continue;
      Value empty;
      switch (static_cast<vm::AccKind>(c.kind)) {
        case vm::AccKind::kArray:
          empty = Value::EmptyArray();
          break;
        case vm::AccKind::kSet:
          empty = Value::EmptySet();
          break;
        case vm::AccKind::kObject:
          empty = Value::EmptyObject();
          break;
        case vm::AccKind::kValue:
          break;  // undefined: the AccFinish fails
        default:
          continue;
      }
      for (uint32_t pc : c.finishes) {
        Instr out = Jump(code_[pc].t);
        if (empty.is_defined()) {
          out = Instr();
          out.op = Op::kLoadConst;
          out.a = code_[pc].a;
          out.b = fold_->Constant(empty);
        }
        code_[pc] = out;
      }
      for (uint32_t pc : c.inits) code_[pc] = Instr();
      changed = true;
    }
    if (changed) Count();
    return changed;
  }

  // A value accumulator (a complete rule, a function, an else chain) whose
  // every AccAdd leads straight to the AccFinish: no loop encloses them,
  // so one call executes at most one AccAdd and the body yields at most
  // one value; the accumulator is not needed. Each AccAdd becomes a Move
  // into the AccFinish's register and continues after it (a Return when a
  // Return of that register follows), and the failure paths that reached
  // the AccFinish go to its target directly.
  bool FoldSingleValueAccumulators() {
    bool changed = false;
    for (uint32_t acc = 0; acc < f_.num_accumulators; ++acc) {
      std::vector<uint32_t> inits, adds, finishes;
      if (!ValueAccumulator(acc, &inits, &adds, &finishes)) continue;
      const uint32_t fin = finishes[0];
      std::vector<uint32_t> path;  // the Jumps from the AccAdds to the AccFinish
      bool straight = true;
      for (uint32_t add : adds) straight = straight && PathTo(add + 1, fin, &path);
      if (!straight) continue;
      const Instr finish = code_[fin];
      const Instr next = fin + 1 < f_.end_pc ? code_[fin + 1] : Instr();
      const bool returns = next.op == Op::kReturn && next.a == finish.a;
      // What falls into the AccFinish: an AccAdd, which as a Move must
      // continue after it, or another instruction, whose path never added
      // and so goes where an empty accumulator went. Jumps into the Nops
      // before it would be ambiguous.
      uint32_t before = fin;
      while (before > f_.entry_pc && code_[before - 1].op == Op::kNop) --before;
      const bool add_falls_in =
          before > f_.entry_pc && std::find(adds.begin(), adds.end(), before - 1) != adds.end();
      bool entered = false;
      for (uint32_t pc = before; pc < fin; ++pc) entered = entered || IsTarget(pc);
      if (!returns && add_falls_in && entered) continue;
      for (uint32_t add : adds) {
        Instr out;
        out.op = returns ? Op::kReturn : Op::kMove;
        out.a = static_cast<uint16_t>(returns ? code_[add].b : finish.a);
        out.b = returns ? 0 : code_[add].b;
        out.n = code_[add].n;
        code_[add] = out;
      }
      for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
        Instr& in = code_[pc];
        if (!vm::GetOpInfo(in.op).uses_t || in.t != fin) continue;
        const bool on_path = std::find(path.begin(), path.end(), pc) != path.end();
        in.t = on_path ? fin + 1 : finish.t;
      }
      if (!returns && add_falls_in) {
        code_[fin] = Instr();
      } else {
        Instr skip;
        skip.op = Op::kJump;
        skip.t = finish.t;
        code_[fin] = skip;
      }
      code_[inits[0]] = Instr();
      changed = true;
      Count();  // jump targets moved
    }
    return changed;
  }

  // A value accumulator every AccAdd of which adds the same constant, just
  // loaded, and whose AccFinish is followed by a Return of the result: the
  // first body that succeeds decides the value, and no later one can
  // conflict with it. Each AccAdd returns at once (OPA's early exit for
  // rules with a constant value: `allow if { some g in grants; ... }`
  // stops at the first matching g).
  bool ExitEarlyOnConstantValues() {
    bool changed = false;
    for (uint32_t acc = 0; acc < f_.num_accumulators; ++acc) {
      std::vector<uint32_t> inits, adds, finishes;
      if (!ValueAccumulator(acc, &inits, &adds, &finishes)) continue;
      const uint32_t fin = finishes[0];
      if (fin + 1 >= f_.end_pc || code_[fin + 1].op != Op::kReturn ||
          code_[fin + 1].a != code_[fin].a) {
        continue;
      }
      const Value* value = nullptr;
      bool constant = true;
      for (uint32_t add : adds) {
        const Instr& load = code_[add - 1];
        constant = constant && add > f_.entry_pc && !IsTarget(add) &&
                   load.op == Op::kLoadConst && load.a == code_[add].b &&
                   load.b < p_.constants.size() &&
                   (value == nullptr || p_.constants[load.b] == *value);
        if (!constant) break;
        value = &p_.constants[load.b];
      }
      if (!constant) continue;
      for (uint32_t add : adds) {
        Instr ret;
        ret.op = Op::kReturn;
        ret.a = static_cast<uint16_t>(code_[add].b);
        ret.n = code_[add].n;
        code_[add] = ret;
      }
      Instr skip;
      skip.op = Op::kJump;
      skip.t = code_[fin].t;
      code_[fin] = skip;
      code_[inits[0]] = Instr();
      changed = true;
    }
    return changed;
  }

  // Whether accumulator [acc] is a value accumulator with one AccInit, one
  // AccFinish, some AccAdds and no AccPut; their pcs go to the vectors.
  bool ValueAccumulator(uint32_t acc, std::vector<uint32_t>* inits, std::vector<uint32_t>* adds,
                        std::vector<uint32_t>* finishes) const {
    bool put = false;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      const Instr& in = code_[pc];
      if (in.op == Op::kAccInit && in.a == acc) inits->push_back(pc);
      if (in.op == Op::kAccAdd && in.a == acc) adds->push_back(pc);
      if (in.op == Op::kAccPut && in.a == acc) put = true;
      if (in.op == Op::kAccFinish && in.b == acc) finishes->push_back(pc);
    }
    return !put && inits->size() == 1 && !adds->empty() && finishes->size() == 1 &&
           code_[(*inits)[0]].b == static_cast<uint32_t>(vm::AccKind::kValue);
  }

  // Whether control from [from] reaches [to] through Nops and Jumps only,
  // none of which another jump enters; [*jumps] gets the Jumps.
  bool PathTo(uint32_t from, uint32_t to, std::vector<uint32_t>* jumps) const {
    uint32_t pc = from;
    for (uint32_t steps = 0; steps <= f_.end_pc - f_.entry_pc; ++steps) {
      if (pc == to) return true;
      if (!InFunction(pc) || IsTarget(pc)) return false;
      if (code_[pc].op == Op::kNop) {
        ++pc;
      } else if (code_[pc].op == Op::kJump) {
        jumps->push_back(pc);
        pc = code_[pc].t;
      } else {
        return false;
      }
    }
    return false;
  }

  const vm::Program& p_;
  std::vector<Instr>& code_;
  const vm::Function& f_;
  FoldState* fold_;
  std::vector<uint32_t> defs_;    // writes of each register in the function
  std::vector<uint32_t> def_pc_;  // where the last of them is
  std::vector<bool> target_;
};

// ---------------------------------------------------------------------------
// Loop-invariant loads. Bodies iterate with IterInit/IterNext and the rest
// of the body after them, so a load in a loop runs once per element:
//
//   IterInit R8 R5 -> exit          LoadInput R16 ["action"] -> exit
//   IterNext R8 _ R1 -> exit   =>   IterInit R8 R5 -> exit
//   Index R11 R10 R1 -> next        IterNext R8 _ R1 -> exit
//   LoadInput R16 ["action"] -> next    Index R11 R10 R1 -> next
//
// A LoadConst, or a LoadInput or LoadData in a function without `with`
// (nothing in it changes the input or data), whose register nothing else
// writes, and which every iteration reaches through quiet instructions
// (no effect, no error; each fails only to the loop's IterNext) computes
// the same value each time: it moves before the IterInit. When it fails
// (a missing key) every iteration would have failed at it having done
// nothing, so the hoisted load fails to the loop's exit. Repeated, a load
// leaves every loop it does not depend on.

// Ops that either fall through or fail, raise no error and write nothing
// but their destination.
bool IsQuiet(Op op) {
  switch (op) {
    case Op::kNop:
    case Op::kLoadConst:
    case Op::kMove:
    case Op::kLoadInput:
    case Op::kLoadData:
    case Op::kTruthy:
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kEqualConst:
    case Op::kMember:
    case Op::kIsArray:
    case Op::kIsObject:
    case Op::kIndex:
    case Op::kIndexConst:
    case Op::kMakeArray:
    case Op::kMakeSet:
    case Op::kMakeObject:
      return true;
    default:
      return false;
  }
}

class LoopInvariantHoister {
 public:
  static constexpr uint32_t kMaxHoistDistance = 64;

  LoopInvariantHoister(vm::Program* program, const vm::Function& f,
                       std::vector<vm::SpanEntry>* spans)
      : code_(program->code), f_(f), spans_(*spans) {}

  // One pass over the function; true when something moved.
  bool Round() {
    std::vector<uint32_t> writes(f_.num_registers, 0);
    std::vector<bool> target(f_.end_pc - f_.entry_pc, false);
    bool has_with = false;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      const Instr& in = code_[pc];
      ForEachWrite(in, [&](uint32_t r) {
        if (r < writes.size()) ++writes[r];
      });
      if (vm::GetOpInfo(in.op).uses_t && InFunction(in.t)) target[in.t - f_.entry_pc] = true;
      has_with = has_with || in.op == Op::kWithInput || in.op == Op::kWithData ||
                 in.op == Op::kWithFunc || in.op == Op::kWithBuiltin ||
                 in.op == Op::kWithValue;
    }
    auto is_target = [&](uint32_t pc) { return target[pc - f_.entry_pc]; };
    bool moved = false;
    for (uint32_t p = f_.entry_pc + 2; p < f_.end_pc; ++p) {
      const Instr& x = code_[p];
      const bool load = x.op == Op::kLoadInput || x.op == Op::kLoadData;
      if ((x.op != Op::kLoadConst && !(load && !has_with)) || x.n != 0 || is_target(p) ||
          x.a >= writes.size() || writes[x.a] != 1) {
        continue;
      }
      // Back through quiet instructions to the IterNext of the loop (not
      // too far: the walk would be quadratic in long straight-line code).
      uint32_t next = p;
      bool quiet = true;
      while (quiet && next > f_.entry_pc && code_[next - 1].op != Op::kIterNext) {
        const Instr& in = code_[--next];
        quiet = p - next <= kMaxHoistDistance && !is_target(next) && IsQuiet(in.op) &&
                !Reads(in, x.a);
      }
      if (!quiet || next < f_.entry_pc + 2) continue;
      const uint32_t iter_next = next - 1, iter_init = next - 2;
      const Instr& init = code_[iter_init];
      if (init.op != Op::kIterInit || init.a != code_[iter_next].a || is_target(iter_init) ||
          Reads(init, x.a) || Writes(init, x.a) || Reads(code_[iter_next], x.a) ||
          Writes(code_[iter_next], x.a)) {
        continue;
      }
      bool fail_to_next = !load || x.t == iter_next;
      for (uint32_t pc = next; pc < p && fail_to_next; ++pc) {
        fail_to_next = !vm::GetOpInfo(code_[pc].op).uses_t || code_[pc].t == iter_next;
      }
      if (!fail_to_next) continue;
      Instr hoisted = x;
      if (load) hoisted.t = init.t;
      Rotate(iter_init, p, hoisted);
      moved = true;
    }
    return moved;
  }

 private:
  bool InFunction(uint32_t pc) const { return pc >= f_.entry_pc && pc < f_.end_pc; }

  // code_[from..to] becomes [hoisted, code_[from..to-1]]; jump targets into
  // the shifted range follow their instructions (nothing jumps to `from`
  // or `to`).
  void Rotate(uint32_t from, uint32_t to, const Instr& hoisted) {
    std::rotate(code_.begin() + from, code_.begin() + to, code_.begin() + to + 1);
    std::rotate(spans_.begin() + from, spans_.begin() + to, spans_.begin() + to + 1);
    code_[from] = hoisted;
    for (uint32_t pc = f_.entry_pc; pc < f_.end_pc; ++pc) {
      Instr& in = code_[pc];
      if (vm::GetOpInfo(in.op).uses_t && in.t >= from && in.t < to) ++in.t;
    }
  }

  std::vector<Instr>& code_;
  const vm::Function& f_;
  std::vector<vm::SpanEntry>& spans_;  // one per pc
};

void HoistLoopInvariants(vm::Program* program) {
  // The span table as one entry per instruction, so instructions can move.
  std::vector<vm::SpanEntry> spans(program->code.size());
  size_t next = 0;
  vm::SpanEntry current{0, ~0u, 0, 0};
  for (uint32_t pc = 0; pc < spans.size(); ++pc) {
    while (next < program->spans.size() && program->spans[next].pc <= pc) {
      current = program->spans[next++];
    }
    spans[pc] = current;
  }
  bool moved = false;
  for (const vm::Function& f : program->functions) {
    LoopInvariantHoister hoister(program, f, &spans);
    // Each round moves a load out of one more enclosing loop.
    for (int round = 0; round < 8 && hoister.Round(); ++round) moved = true;
  }
  if (!moved) return;
  std::vector<vm::SpanEntry> compressed;
  for (uint32_t pc = 0; pc < spans.size(); ++pc) {
    vm::SpanEntry s = spans[pc];
    if (s.file == ~0u) continue;
    s.pc = pc;
    if (!compressed.empty() && compressed.back().file == s.file &&
        compressed.back().line == s.line && compressed.back().col == s.col) {
      continue;
    }
    compressed.push_back(s);
  }
  program->spans = std::move(compressed);
}

}  // namespace

OptimizeStats Optimize(vm::Program* program) {
  OptimizeStats stats;
  stats.instructions_before = program->code.size();
  ThreadJumps(program);
  RemoveInstructions(program, DroppableInstructions(*program));
  FoldState fold(program);
  for (const vm::Function& f : program->functions) FunctionPasses(program, f, &fold).Run();
  // Calls of functions that became constants become LoadConsts, which can
  // make their callers constant in turn: each round replaces calls, so
  // this ends, at the latest when no Call is left.
  for (size_t round = 0; round <= program->functions.size(); ++round) {
    if (!fold.FindConstantFunctions()) break;
    for (const vm::Function& f : program->functions) {
      if (fold.CallsConstantFunction(f)) FunctionPasses(program, f, &fold).Run();
    }
  }
  // Threading turns jumps to returns into returns, which strands the
  // returns they jumped to.
  ThreadJumps(program);
  for (const vm::Function& f : program->functions) FunctionPasses(program, f).RemoveUnreachable();
  RemoveInstructions(program, DroppableInstructions(*program));
  HoistLoopInvariants(program);
  stats.instructions_after = program->code.size();
  return stats;
}

}  // namespace verdict::compile
