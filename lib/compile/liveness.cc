// Backward liveness over one function's bytecode (liveness.h).
#include "compile/liveness.h"

namespace verdict::compile {

Liveness::Liveness(const vm::Program& program, const vm::Function& function)
    : entry_(function.entry_pc),
      end_(function.end_pc),
      words_((size_t{function.num_registers} + 63) / 64),
      in_(function.end_pc - function.entry_pc, Bits(words_, 0)) {
  const std::vector<vm::Instr>& code = program.code;
  auto in_function = [&](uint32_t pc) { return pc >= entry_ && pc < end_; };
  auto set = [&](Bits& bits, uint32_t reg) {
    if (reg / 64 < words_) bits[reg / 64] |= uint64_t{1} << (reg % 64);
  };
  auto clear = [&](Bits& bits, uint32_t reg) {
    if (reg / 64 < words_) bits[reg / 64] &= ~(uint64_t{1} << (reg % 64));
  };
  // Round-robin backward passes until nothing changes: loops need a few.
  Bits next(words_);
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t pc = end_; pc-- > entry_;) {
      const vm::Instr& in = code[pc];
      std::fill(next.begin(), next.end(), 0);
      if (FallsThrough(in.op) && in_function(pc + 1)) next = In(pc + 1);
      ForEachWrite(in, [&](uint32_t r) { clear(next, r); });
      if (vm::GetOpInfo(in.op).uses_t && in_function(in.t)) {
        const Bits& target = In(in.t);
        for (size_t w = 0; w < words_; ++w) next[w] |= target[w];
      }
      ForEachRead(in, [&](uint32_t r) { set(next, r); });
      Bits& mine = in_[pc - entry_];
      if (next != mine) {
        mine = next;
        changed = true;
      }
    }
  }
}

bool Liveness::LiveIn(uint32_t pc, uint32_t reg) const {
  if (pc < entry_ || pc >= end_ || reg / 64 >= words_) return false;
  return (In(pc)[reg / 64] >> (reg % 64)) & 1;
}

bool Liveness::LiveAfter(uint32_t pc, uint32_t reg) const { return LiveIn(pc + 1, reg); }

}  // namespace verdict::compile
