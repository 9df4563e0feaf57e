// File: lib/compile/liveness.h
//
// Register data flow of one function's bytecode, for the optimizer
// (optimize.cc): which registers an instruction reads and writes (from the
// operand kinds of opcodes.def), where control goes next, and the classic
// backward liveness analysis over that flow graph.
//
// Two facts of the instruction set shape the analysis:
//  * an instruction that jumps to its failure target t writes nothing on
//    that edge (every handler in interp.cc tests before it stores), so a
//    register it defines stays live across it toward t;
//  * IterInit and IterNext also write and read the iterator position
//    R[a+1] (opcodes.def *5), which no operand names.
//
// Tested through tests/compile/optimize_test.cc.
#ifndef VERDICT_COMPILE_LIVENESS_H_
#define VERDICT_COMPILE_LIVENESS_H_

#include <cstdint>
#include <vector>

#include "vm/opcode.h"
#include "vm/program.h"

namespace verdict::compile {

// Calls fn(reg) for every register [in] reads.
template <typename Fn>
void ForEachRead(const vm::Instr& in, Fn&& fn) {
  const vm::OpInfo& info = vm::GetOpInfo(in.op);
  auto field = [&](vm::OperandKind kind, uint32_t v) {
    if (kind == vm::OperandKind::kReg) {
      fn(v);
    } else if (kind == vm::OperandKind::kSpan) {
      const uint32_t count = in.op == vm::Op::kMakeObject ? 2u * in.n : in.n;
      for (uint32_t i = 0; i < count; ++i) fn(v + i);
    }
  };
  field(info.a, in.a);
  field(info.b, in.b);
  field(info.c, in.c);
  if (in.op == vm::Op::kIterNext) fn(uint32_t{in.a} + 1);
}

// Calls fn(reg) for every register [in] writes when it falls through.
template <typename Fn>
void ForEachWrite(const vm::Instr& in, Fn&& fn) {
  const vm::OpInfo& info = vm::GetOpInfo(in.op);
  auto field = [&](vm::OperandKind kind, uint32_t v) {
    if (kind == vm::OperandKind::kDst) fn(v);
    if (kind == vm::OperandKind::kOptDst && v != vm::kNoReg) fn(v);
  };
  field(info.a, in.a);
  field(info.b, in.b);
  field(info.c, in.c);
  if (in.op == vm::Op::kIterInit || in.op == vm::Op::kIterNext) fn(uint32_t{in.a} + 1);
}

// Whether control can continue at pc + 1 after [op]. A Switch continues at
// one of the Cases after it; counting every Case as falling through to the
// next makes all of them, and so all their targets, the Switch's successors.
inline bool FallsThrough(vm::Op op) {
  return op != vm::Op::kJump && op != vm::Op::kReturn &&
         op != vm::Op::kReturnUndefined && op != vm::Op::kFail;
}

// Live registers of one function: LiveIn(pc) holds the registers whose
// current value some path from pc reads before writing.
class Liveness {
 public:
  Liveness(const vm::Program& program, const vm::Function& function);

  bool LiveIn(uint32_t pc, uint32_t reg) const;
  // Live on the fall-through edge after pc (false past the function end).
  bool LiveAfter(uint32_t pc, uint32_t reg) const;

 private:
  using Bits = std::vector<uint64_t>;
  const Bits& In(uint32_t pc) const { return in_[pc - entry_]; }
  uint32_t entry_ = 0;
  uint32_t end_ = 0;
  size_t words_ = 0;
  std::vector<Bits> in_;
};

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_LIVENESS_H_
