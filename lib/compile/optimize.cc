// Peephole passes over lowered bytecode (optimize.h): jump threading,
// constant truth tests, jumps to the next instruction.
#include "compile/optimize.h"

#include <cstdint>
#include <vector>

#include "vm/opcode.h"

namespace verdict::compile {
namespace {

using vm::Instr;
using vm::Op;

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

}  // namespace

OptimizeStats Optimize(vm::Program* program) {
  OptimizeStats stats;
  stats.instructions_before = program->code.size();
  ThreadJumps(program);
  RemoveInstructions(program, DroppableInstructions(*program));
  stats.instructions_after = program->code.size();
  return stats;
}

}  // namespace verdict::compile
