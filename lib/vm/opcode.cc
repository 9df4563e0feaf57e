// File: lib/vm/opcode.cc
//
// kOpInfo[], generated from opcodes.def: one row per op with its name,
// operand kinds and semantics string. No list here is kept by hand.
//
// Tested by tests/vm/opcode_test.cc.
#include "vm/opcode.h"

namespace verdict::vm {

const OpInfo kOpInfo[kNumOps] = {
#define VERDICT_OP(name, a, b, c, uses_t, semantics)                       \
  {#name, OperandKind::k##a, OperandKind::k##b, OperandKind::k##c, (uses_t) != 0, \
   semantics},
#include "vm/opcodes.def"
#undef VERDICT_OP
};

std::string_view OperandKindName(OperandKind kind) {
  switch (kind) {
    case OperandKind::kNone: return "None";
    case OperandKind::kReg: return "Reg";
    case OperandKind::kDst: return "Dst";
    case OperandKind::kOptDst: return "OptDst";
    case OperandKind::kConst: return "Const";
    case OperandKind::kFunc: return "Func";
    case OperandKind::kBltn: return "Bltn";
    case OperandKind::kAcc: return "Acc";
    case OperandKind::kImm: return "Imm";
    case OperandKind::kSpan: return "Span";
  }
  return "?";
}

}  // namespace verdict::vm
