// File: lib/vm/opcode.h
//
// The Op enum and the per-op metadata table, both generated from
// opcodes.def (the one instruction table; read it for the semantics).
// GetOpInfo() serves the verifier (program.cc), the disassembler
// (disasm.cc) and the interpreter's trace output.
//
// Tested by tests/vm/opcode_test.cc.
#ifndef VERDICT_VM_OPCODE_H_
#define VERDICT_VM_OPCODE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace verdict::vm {

// Op::kLoadConst, Op::kJump, ... in the order of opcodes.def.
enum class Op : uint8_t {
#define VERDICT_OP(name, a, b, c, uses_t, semantics) k##name,
#include "vm/opcodes.def"
#undef VERDICT_OP
};

inline constexpr size_t kNumOps = 0
#define VERDICT_OP(name, a, b, c, uses_t, semantics) +1
#include "vm/opcodes.def"
#undef VERDICT_OP
    ;
static_assert(kNumOps <= 256, "Op is stored in one byte (Instr::op)");

// What an operand field holds; the second column group of opcodes.def.
enum class OperandKind : uint8_t {
  kNone,   // unused, must be 0
  kReg,    // register < frame size, read
  kDst,    // register < frame size, written
  kOptDst, // register written, or kNoReg
  kConst,  // constant index
  kFunc,   // function index
  kBltn,   // builtin index
  kAcc,    // accumulator < frame accumulators
  kImm,    // immediate integer (meaning depends on the op)
  kSpan,   // first of n consecutive registers (n from Instr::n)
};

struct OpInfo {
  std::string_view name;       // "LoadConst"
  OperandKind a, b, c;
  bool uses_t;                 // the t field is a jump target
  std::string_view semantics;  // "R[a] := K[b]"
};

// The metadata of every op, indexed by the Op's value.
extern const OpInfo kOpInfo[kNumOps];

// GetOpInfo()
//
// The table row for [op]. [op] must be < kNumOps (IsValidOp); the verifier
// checks that before anything looks up a row.
inline const OpInfo& GetOpInfo(Op op) { return kOpInfo[static_cast<size_t>(op)]; }

// IsValidOp()
//
// Whether the byte [raw] names an op (deserialized code may hold anything).
inline constexpr bool IsValidOp(uint8_t raw) { return raw < kNumOps; }

// "Reg", "Const", ... for messages and the disassembler.
std::string_view OperandKindName(OperandKind kind);

}  // namespace verdict::vm

#endif  // VERDICT_VM_OPCODE_H_
