// File: lib/vm/verify.cc
//
// Verify(): the checks that let the interpreter trust a Program it did not
// compile (a file, a bundle, a fuzzer). Everything the dispatch loop reads
// without a bounds check is proven here once: operands in range for the
// kinds kOpInfo[] gives them, jump targets inside their own function, no
// function that can fall off its end, functions that tile the code, call
// arities, builtins known to the lookup, constants of the right shape.
// What is left to runtime (undefined registers, unbalanced WithPop,
// recursion) the interpreter handles as errors, not crashes.
//
// Tested by tests/vm/verify_test.cc.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/registry.h"
#include "vm/program.h"

namespace verdict::vm {
namespace {

constexpr int kNumErrorCodes = 0
#define VERDICT_X(name, str, canonical) +1
    VERDICT_ERROR_CODES(VERDICT_X)
#undef VERDICT_X
    ;

absl::Status PcError(uint32_t pc, const std::string& message) {
  return MakeError(ErrorCode::kBytecodeError, absl::StrCat("pc ", pc, ": ", message));
}

absl::Status ProgramError(const std::string& message) {
  return MakeError(ErrorCode::kBytecodeError, message);
}

std::string FieldName(int field) {
  switch (field) {
    case 0: return "a";
    case 1: return "b";
    default: return "c";
  }
}

// A constant is well formed when it is defined all the way down (a
// hand-built or deserialized program could hold an undefined member).
bool ConstantDefined(const Value& v, int depth) {
  if (depth > 1000) return false;
  switch (v.kind()) {
    case Kind::kUndefined:
      return false;
    case Kind::kArray:
    case Kind::kSet:
      for (const Value& item : v.items()) {
        if (!ConstantDefined(item, depth + 1)) return false;
      }
      return true;
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        if (!ConstantDefined(e.key, depth + 1) || !ConstantDefined(e.value, depth + 1)) {
          return false;
        }
      }
      return true;
    default:
      return true;
  }
}

class Verifier {
 public:
  Verifier(const Program& program, const BuiltinLookup& lookup)
      : p_(program), lookup_(lookup) {}

  absl::Status Run() {
    if (p_.code.size() >= kNoReg) return ProgramError("code too large");
    for (size_t i = 0; i < p_.constants.size(); ++i) {
      if (!ConstantDefined(p_.constants[i], 0)) {
        return ProgramError(absl::StrCat("constant ", i, " is undefined or too deep"));
      }
    }
    VERDICT_RETURN_IF_ERROR(CheckBuiltins());
    VERDICT_RETURN_IF_ERROR(CheckFunctions());
    for (uint32_t pc = 0; pc < p_.code.size(); ++pc) {
      VERDICT_RETURN_IF_ERROR(CheckInstr(pc));
    }
    for (const EntryPoint& e : p_.entry_points) {
      if (e.function >= p_.functions.size()) {
        return ProgramError(absl::StrCat("entry point ", Absl(e.name), " names function ",
                                         e.function, " of ", p_.functions.size()));
      }
    }
    uint32_t last_pc = 0;
    for (const SpanEntry& s : p_.spans) {
      if (s.pc < last_pc || s.pc > p_.code.size()) {
        return ProgramError(absl::StrCat("span table not sorted at pc ", s.pc));
      }
      if (s.file >= p_.files.size()) {
        return ProgramError(absl::StrCat("span at pc ", s.pc, " names file ", s.file, " of ",
                                         p_.files.size()));
      }
      last_pc = s.pc;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CheckBuiltins() {
    infos_.reserve(p_.builtins.size());
    for (const std::string& name : p_.builtins) {
      const builtins::BuiltinInfo* info = lookup_ ? lookup_(name) : nullptr;
      if (info == nullptr) {
        return ProgramError(absl::StrCat("unknown builtin ", Absl(name)));
      }
      if (info->fn == nullptr) {
        return ProgramError(absl::StrCat("builtin ", Absl(name), " is not supported"));
      }
      infos_.push_back(info);
    }
    return absl::OkStatus();
  }

  // Functions must tile [0, code.size()): sorted by entry, each non-empty,
  // no gaps, no overlaps. owner_[pc] is then the function of each pc.
  absl::Status CheckFunctions() {
    if (p_.functions.size() >= kNoReg) return ProgramError("too many functions");
    std::vector<uint32_t> order(p_.functions.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      return p_.functions[x].entry_pc < p_.functions[y].entry_pc;
    });
    owner_.assign(p_.code.size(), 0);
    uint32_t next = 0;
    for (uint32_t i : order) {
      const Function& f = p_.functions[i];
      std::string who = absl::StrCat("function ", i, " (", Absl(f.name), ")");
      if (f.entry_pc >= f.end_pc || f.end_pc > p_.code.size()) {
        return ProgramError(absl::StrCat(who, ": bad code range [", f.entry_pc, ", ",
                                         f.end_pc, ") in ", p_.code.size(),
                                         " instructions"));
      }
      if (f.entry_pc < next) {
        return ProgramError(absl::StrCat(who, ": overlaps the previous function at pc ",
                                         f.entry_pc));
      }
      if (f.entry_pc > next) {
        return ProgramError(absl::StrCat("pc ", next, " to ", f.entry_pc,
                                         " belong to no function"));
      }
      if (f.num_params > f.num_registers) {
        return ProgramError(absl::StrCat(who, ": ", f.num_params, " parameters but ",
                                         f.num_registers, " registers"));
      }
      for (uint32_t pc = f.entry_pc; pc < f.end_pc; ++pc) owner_[pc] = i;
      next = f.end_pc;
      const Instr& last = p_.code[f.end_pc - 1];
      if (last.op != Op::kReturn && last.op != Op::kReturnUndefined &&
          last.op != Op::kJump && last.op != Op::kFail) {
        return PcError(f.end_pc - 1,
                       absl::StrCat(who, " can fall off its end: its last instruction "
                                         "must be Return, ReturnUndefined, Jump or Fail"));
      }
    }
    if (next != p_.code.size()) {
      return ProgramError(absl::StrCat("pc ", next, " to ", p_.code.size(),
                                       " belong to no function"));
    }
    return absl::OkStatus();
  }

  // One operand field against its kind.
  absl::Status CheckOperand(uint32_t pc, const Instr& in, const Function& f, int field,
                            OperandKind kind, uint32_t value) {
    auto bad = [&](const std::string& why) {
      return PcError(pc, absl::StrCat(Absl(GetOpInfo(in.op).name), " operand ",
                                      FieldName(field), " = ", value, ": ", why));
    };
    switch (kind) {
      case OperandKind::kNone:
        if (value != 0) return bad("unused operand must be 0");
        break;
      case OperandKind::kReg:
      case OperandKind::kDst:
        if (value >= f.num_registers) {
          return bad(absl::StrCat("register out of range (frame has ", f.num_registers,
                                  ")"));
        }
        break;
      case OperandKind::kOptDst:
        if (value != kNoReg && value >= f.num_registers) {
          return bad(absl::StrCat("register out of range (frame has ", f.num_registers,
                                  ")"));
        }
        break;
      case OperandKind::kConst:
        if (value >= p_.constants.size()) {
          return bad(absl::StrCat("constant out of range (program has ",
                                  p_.constants.size(), ")"));
        }
        break;
      case OperandKind::kFunc:
        if (value >= p_.functions.size()) {
          return bad(absl::StrCat("function out of range (program has ",
                                  p_.functions.size(), ")"));
        }
        break;
      case OperandKind::kBltn:
        if (value >= p_.builtins.size()) {
          return bad(absl::StrCat("builtin out of range (program has ", p_.builtins.size(),
                                  ")"));
        }
        break;
      case OperandKind::kAcc:
        if (value >= f.num_accumulators) {
          return bad(absl::StrCat("accumulator out of range (frame has ",
                                  f.num_accumulators, ")"));
        }
        break;
      case OperandKind::kImm:
        break;  // checked per op below
      case OperandKind::kSpan: {
        uint64_t count = in.op == Op::kMakeObject ? 2 * uint64_t{in.n} : in.n;
        if (uint64_t{value} + count > f.num_registers) {
          return bad(absl::StrCat(count, " registers from here exceed the frame (",
                                  f.num_registers, ")"));
        }
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckPathConstant(uint32_t pc, uint32_t k) {
    if (!p_.constants[k].is_array()) {
      return PcError(pc, absl::StrCat("path constant K[", k, "] is not an array"));
    }
    return absl::OkStatus();
  }

  // A Switch's table maps values to case numbers below c, and its c Cases
  // follow it in the same function (opcodes.def *12).
  absl::Status CheckSwitch(uint32_t pc, const Instr& in, const Function& f) {
    const Value& table = p_.constants[in.b];
    if (!table.is_object()) {
      return PcError(pc, absl::StrCat("Switch table K[", in.b, "] is not an object"));
    }
    for (const ObjectEntry& e : table.entries()) {
      if (!e.value.is_int() || e.value.as_int() < 0 || e.value.as_int() >= int64_t{in.c}) {
        return PcError(pc, absl::StrCat("Switch table K[", in.b, "] has case ",
                                        ToJson(e.value), " outside [0, ", in.c, ")"));
      }
    }
    if (uint64_t{pc} + in.c >= f.end_pc) {
      return PcError(pc, absl::StrCat("Switch has ", in.c, " cases past its function's end"));
    }
    for (uint32_t i = 1; i <= in.c; ++i) {
      if (p_.code[pc + i].op != Op::kCase) {
        return PcError(pc + i, absl::StrCat("Switch case ", i - 1, " is not a Case"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckInstr(uint32_t pc) {
    const Instr& in = p_.code[pc];
    uint8_t raw = static_cast<uint8_t>(in.op);
    if (!IsValidOp(raw)) {
      return PcError(pc, absl::StrCat("invalid opcode ", raw));
    }
    const OpInfo& info = GetOpInfo(in.op);
    const Function& f = p_.functions[owner_[pc]];
    VERDICT_RETURN_IF_ERROR(CheckOperand(pc, in, f, 0, info.a, in.a));
    VERDICT_RETURN_IF_ERROR(CheckOperand(pc, in, f, 1, info.b, in.b));
    VERDICT_RETURN_IF_ERROR(CheckOperand(pc, in, f, 2, info.c, in.c));
    bool has_span = info.a == OperandKind::kSpan || info.b == OperandKind::kSpan ||
                    info.c == OperandKind::kSpan;
    // WithValue's n says whether b names a function (0) or a builtin (1);
    // AccAdd, AccPut, LoadConst, Move and Return carry the rule-value mark
    // (opcodes.def *10).
    const bool n_is_flag = (in.op == Op::kWithValue || in.op == Op::kAccAdd ||
                            in.op == Op::kAccPut || in.op == Op::kMove ||
                            in.op == Op::kLoadConst || in.op == Op::kReturn) &&
                           in.n <= 1;
    if (!has_span && in.n != 0 && !n_is_flag) {
      return PcError(pc, absl::StrCat(Absl(info.name), " has no count but n = ", in.n));
    }
    if (info.uses_t) {
      if (in.t < f.entry_pc || in.t >= f.end_pc) {
        return PcError(pc, absl::StrCat(Absl(info.name), " jumps to ", in.t,
                                        " outside its function [", f.entry_pc, ", ",
                                        f.end_pc, ")"));
      }
    } else if (in.t != 0) {
      return PcError(pc, absl::StrCat(Absl(info.name), " has no target but t = ", in.t));
    }
    switch (in.op) {
      case Op::kLoadInput:
      case Op::kLoadData:
        return CheckPathConstant(pc, in.b);
      case Op::kWithInput:
      case Op::kWithData:
        return CheckPathConstant(pc, in.b);
      case Op::kIterInit:
      case Op::kIterNext:
        if (uint32_t{in.a} + 1 >= f.num_registers) {
          return PcError(pc, absl::StrCat(Absl(info.name), " iterator R[", in.a,
                                          "], R[", in.a + 1, "] exceed the frame (",
                                          f.num_registers, ")"));
        }
        return absl::OkStatus();
      case Op::kAccInit:
        if (in.b > static_cast<uint32_t>(AccKind::kValue)) {
          return PcError(pc, absl::StrCat("AccInit: unknown accumulator kind ", in.b));
        }
        return absl::OkStatus();
      case Op::kCall: {
        const Function& callee = p_.functions[in.b];
        if (callee.num_params != in.n) {
          return PcError(pc, absl::StrCat("Call of ", Absl(callee.name), " with ", in.n,
                                          " arguments, it takes ", callee.num_params));
        }
        return absl::OkStatus();
      }
      case Op::kCallBuiltin: {
        const builtins::BuiltinInfo* b = infos_[in.b];
        if (b->arity != in.n) {
          return PcError(pc, absl::StrCat("CallBuiltin of ", Absl(b->name), " with ", in.n,
                                          " arguments, it takes ", b->arity));
        }
        return absl::OkStatus();
      }
      case Op::kWithFunc: {
        const Function& target = p_.functions[in.b];
        const Function& repl = p_.functions[in.c];
        if (target.num_params != repl.num_params) {
          return PcError(pc, absl::StrCat("WithFunc replaces ", Absl(target.name), " (",
                                          target.num_params, " parameters) by ",
                                          Absl(repl.name), " (", repl.num_params, ")"));
        }
        return absl::OkStatus();
      }
      case Op::kWithBuiltin: {
        const builtins::BuiltinInfo* b = infos_[in.b];
        const Function& repl = p_.functions[in.c];
        if (b->arity != repl.num_params) {
          return PcError(pc, absl::StrCat("WithBuiltin replaces ", Absl(b->name), " (",
                                          b->arity, " arguments) by ", Absl(repl.name),
                                          " (", repl.num_params, " parameters)"));
        }
        return absl::OkStatus();
      }
      case Op::kWithValue:
        if (in.b >= (in.n == 0 ? p_.functions.size() : p_.builtins.size())) {
          return PcError(pc, absl::StrCat("WithValue target ", in.n == 0 ? "F[" : "B[",
                                          in.b, "] out of range"));
        }
        return absl::OkStatus();
      case Op::kSwitch:
        return CheckSwitch(pc, in, f);
      case Op::kWithPop:
        if (in.b == 0) return PcError(pc, "WithPop of 0 overrides");
        return absl::OkStatus();
      case Op::kFail:
        if (!p_.constants[in.b].is_string()) {
          return PcError(pc, absl::StrCat("Fail message K[", in.b, "] is not a string"));
        }
        if (in.c >= static_cast<uint32_t>(kNumErrorCodes)) {
          return PcError(pc, absl::StrCat("Fail with unknown error code ", in.c));
        }
        return absl::OkStatus();
      default:
        return absl::OkStatus();
    }
  }

  const Program& p_;
  const BuiltinLookup& lookup_;
  std::vector<const builtins::BuiltinInfo*> infos_;
  std::vector<uint32_t> owner_;  // function of each pc
};

}  // namespace

absl::Status Verify(const Program& program, const BuiltinLookup& lookup) {
  return Verifier(program, lookup).Run();
}

absl::Status Verify(const Program& program) {
  return Verify(program, BuiltinLookup(&builtins::FindBuiltin));
}

}  // namespace verdict::vm
