// File: lib/vm/disasm.cc
//
// Disassemble() and FormatInstr(): listings driven by kOpInfo[] (the
// operand kinds of opcodes.def), so a new op needs no code here unless its
// immediate has a special meaning (AccInit's kind, WithValue's target).
//
// Tested by tests/vm/disasm_test.cc.
#include "vm/disasm.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/strings.h"

namespace verdict::vm {
namespace {

std::string_view AccKindName(uint32_t kind) {
  switch (kind) {
    case static_cast<uint32_t>(AccKind::kArray): return "array";
    case static_cast<uint32_t>(AccKind::kSet): return "set";
    case static_cast<uint32_t>(AccKind::kObject): return "object";
    case static_cast<uint32_t>(AccKind::kValue): return "value";
    default: return "?";
  }
}

std::string FunctionRef(const Program& p, uint32_t f) {
  if (f >= p.functions.size()) return absl::StrCat("F[", f, "]<out of range>");
  return absl::StrCat("F[", f, "]<", Absl(p.functions[f].name), ">");
}

std::string BuiltinRef(const Program& p, uint32_t b) {
  if (b >= p.builtins.size()) return absl::StrCat("B[", b, "]<out of range>");
  return absl::StrCat("B[", b, "]<", Absl(p.builtins[b]), ">");
}

std::string Operand(const Program& p, const Instr& in, OperandKind kind, uint32_t v) {
  switch (kind) {
    case OperandKind::kNone:
      return "";
    case OperandKind::kReg:
    case OperandKind::kDst:
      return absl::StrCat("R", v);
    case OperandKind::kOptDst:
      return v == kNoReg ? "_" : absl::StrCat("R", v);
    case OperandKind::kConst:
      if (v >= p.constants.size()) return absl::StrCat("K[", v, "]<out of range>");
      return absl::StrCat("K[", v, "]=", ShortValue(p.constants[v]));
    case OperandKind::kFunc:
      return FunctionRef(p, v);
    case OperandKind::kBltn:
      return BuiltinRef(p, v);
    case OperandKind::kAcc:
      return absl::StrCat("acc", v);
    case OperandKind::kImm:
      switch (in.op) {
        case Op::kAccInit:
          return std::string(AccKindName(v));
        case Op::kWithValue:
          return in.n == 0 ? FunctionRef(p, v) : BuiltinRef(p, v);
        default:
          return absl::StrCat(v);
      }
    case OperandKind::kSpan: {
      uint32_t count = in.op == Op::kMakeObject ? 2u * in.n : in.n;
      if (count == 0) return "()";
      if (count == 1) return absl::StrCat("(R", v, ")");
      return absl::StrCat("(R", v, "..R", uint64_t{v} + count - 1, ")");
    }
  }
  return "?";
}

}  // namespace

std::string ShortValue(const Value& v, size_t max_bytes) {
  if (v.is_undefined()) return "undefined";
  std::string s = ToJson(v);
  if (s.size() > max_bytes) {
    s.resize(max_bytes);
    s += "...";
  }
  return s;
}

std::string FormatInstr(const Program& p, uint32_t pc) {
  if (pc >= p.code.size()) return "<pc out of range>";
  const Instr& in = p.code[pc];
  if (!IsValidOp(static_cast<uint8_t>(in.op))) {
    return absl::StrCat("<invalid opcode ", static_cast<int>(in.op), ">");
  }
  const OpInfo& info = GetOpInfo(in.op);
  std::string out(info.name);
  const std::pair<OperandKind, uint32_t> fields[] = {
      {info.a, in.a}, {info.b, in.b}, {info.c, in.c}};
  for (const auto& [kind, value] : fields) {
    std::string text = Operand(p, in, kind, value);
    if (!text.empty()) absl::StrAppend(&out, " ", text);
  }
  if (info.uses_t) absl::StrAppend(&out, " -> ", in.t);
  return out;
}

std::string Disassemble(const Program& p) {
  std::string out;
  for (uint32_t i = 0; i < p.functions.size(); ++i) {
    const Function& f = p.functions[i];
    absl::StrAppend(&out, "function ", i, " ", Absl(f.name), "  params ", f.num_params,
                    "  registers ", f.num_registers, "  accumulators ",
                    f.num_accumulators, "\n");
    for (const EntryPoint& e : p.entry_points) {
      if (e.function == i) absl::StrAppend(&out, "  entry point ", Absl(e.name), "\n");
    }
    uint32_t end = f.end_pc;
    if (f.entry_pc > f.end_pc || f.end_pc > p.code.size()) {
      absl::StrAppend(&out, "  <bad code range [", f.entry_pc, ", ", f.end_pc, ")>\n");
      end = std::min(f.end_pc, static_cast<uint32_t>(p.code.size()));
    }
    for (uint32_t pc = f.entry_pc; pc < end; ++pc) {
      std::string line = absl::StrCat("  ", pc);
      if (line.size() < 8) line.insert(2, 8 - line.size(), ' ');
      absl::StrAppend(&line, "  ", FormatInstr(p, pc));
      std::string loc = p.LocationAt(pc);
      if (!loc.empty()) {
        if (line.size() < 52) line.append(52 - line.size(), ' ');
        absl::StrAppend(&line, " ; ", loc);
      }
      absl::StrAppend(&out, line, "\n");
    }
  }
  return out;
}

}  // namespace verdict::vm
