// File: lib/vm/disasm.h
//
// Human-readable listings of a Program, for `policyc disasm`, golden
// bytecode tests and the interpreter's trace. Safe on unverified programs:
// an out-of-range operand is printed as such, never dereferenced.
//
//   function 0 data.authz.allow  params 0  registers 3  accumulators 1
//        0  AccInit      acc0 value                 ; authz.rego:4:1
//        1  LoadInput    R0 -> 6                    ; authz.rego:4:10
//        2  IndexConst   R1 R0 K[0]="user" -> 6     ; authz.rego:4:10
//
// Tested by tests/vm/disasm_test.cc.
#ifndef VERDICT_VM_DISASM_H_
#define VERDICT_VM_DISASM_H_

#include <cstdint>
#include <string>

#include "vm/program.h"

namespace verdict::vm {

// Disassemble()
//
// Every function (name, parameters, frame size) with its instructions, one
// per line: pc, op name, operands, and the source location when known.
// Constants appear inline (K[3]="foo"), functions and builtins by name.
std::string Disassemble(const Program& program);

// FormatInstr()
//
// One instruction's op name and operands, without pc or location:
// `IndexConst R1 R0 K[0]="user" -> 6`.
std::string FormatInstr(const Program& program, uint32_t pc);

// ShortValue()
//
// [v] as JSON cut to about [max_bytes] ("..." marks the cut); undefined
// prints as "undefined". Sets print as JSON arrays.
std::string ShortValue(const Value& v, size_t max_bytes = 40);

}  // namespace verdict::vm

#endif  // VERDICT_VM_DISASM_H_
