// File: lib/vm/program.h
//
// A Program is a compiled policy: bytecode (opcodes.def), constants,
// the builtins and functions it calls, named entry points, and a span
// table mapping each pc to file:line:col. The compiler (lib/compile)
// produces it; the interpreter (interp.h) runs it; Serialize/Deserialize
// store it inside bundles; Verify() checks a program from outside (a file,
// a bundle) before anything runs it, so malformed bytecode is an error,
// never a crash.
//
// Tested by tests/vm/program_test.cc and tests/vm/verify_test.cc.
#ifndef VERDICT_VM_PROGRAM_H_
#define VERDICT_VM_PROGRAM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "verdict/value.h"
#include "vm/opcode.h"

namespace verdict::builtins {
struct BuiltinInfo;
}  // namespace verdict::builtins

namespace verdict::vm {

// Resolves a builtin name to its table entry, or nullptr when unknown. The
// default is builtins::FindBuiltin; an engine with custom builtins passes
// its own lookup (which falls back to FindBuiltin).
using BuiltinLookup =
    std::function<const builtins::BuiltinInfo*(std::string_view name)>;

// An optional register operand that is not used (IterNext key or value).
inline constexpr uint32_t kNoReg = 0xffffffffu;

// One instruction; the layout is drawn at the top of opcodes.def.
struct Instr {
  Op op = Op::kNop;
  uint8_t n = 0;
  uint16_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
  uint32_t t = 0;
};
static_assert(sizeof(Instr) == 16, "Instr is drawn as 16 bytes in opcodes.def");

// What an accumulator collects (AccInit's immediate operand).
enum class AccKind : uint8_t {
  kArray = 0,   // array comprehension: values in order
  kSet = 1,     // set comprehension, partial set rule
  kObject = 2,  // object comprehension, partial object rule
  kValue = 3,   // complete rule or function: at most one distinct value
};

// A function: a rule document, a user function, a virtual document subtree
// or a query. Its code is the half-open range [entry_pc, end_pc).
struct Function {
  std::string name;           // "data.abac.allow", "data.lib.f", "query:0"
  uint32_t entry_pc = 0;
  uint32_t end_pc = 0;
  uint16_t num_params = 0;    // arguments arrive in R[0] .. R[num_params-1]
  uint16_t num_registers = 0; // frame size, parameters included
  uint16_t num_accumulators = 0;
  // Zero-arity functions are memoized per evaluation (opcodes.def, *8).
  bool memoize() const { return num_params == 0; }
};

// Source location of the instructions from `pc` up to the next entry.
struct SpanEntry {
  uint32_t pc = 0;
  uint32_t file = 0;  // index into Program::files
  uint32_t line = 0;
  uint32_t col = 0;
};

// A name callers can evaluate: "data.abac.decision" -> function.
struct EntryPoint {
  std::string name;
  uint32_t function = 0;
};

struct Program {
  // Bumped whenever opcodes.def or the serialized layout changes; a bundle
  // holding another version is recompiled from its sources.
  static constexpr uint32_t kFormatVersion = 6;

  std::vector<Instr> code;
  std::vector<Value> constants;
  std::vector<std::string> builtins;  // names; bound to the table at load
  std::vector<Function> functions;
  std::vector<EntryPoint> entry_points;
  std::vector<SpanEntry> spans;       // sorted by pc
  std::vector<std::string> files;
  // Owns the cells of `constants` (and of anything they point to).
  std::shared_ptr<Arena> arena;

  // The entry point named [name], or nullptr.
  const EntryPoint* FindEntryPoint(std::string_view name) const;
  // The source location of [pc], or nullptr when the table has none.
  const SpanEntry* SpanAt(uint32_t pc) const;
  // "file:line:col" for [pc], or "" when unknown.
  std::string LocationAt(uint32_t pc) const;
};

// Verify()
//
// Checks every invariant the interpreter relies on: operands in range for
// their kinds (opcodes.def), jump targets inside the function, functions
// that cannot fall off their end, known builtins with matching arity,
// entry points in range. Returns bytecode_error naming the pc. The first
// form resolves builtin names with builtins::FindBuiltin, the second with
// [lookup].
absl::Status Verify(const Program& program);
absl::Status Verify(const Program& program, const BuiltinLookup& lookup);

// Serialize() / Deserialize()
//
// A versioned binary form: magic "VRDTPROG", format version, then
// length-prefixed sections. Deserialize() rejects a wrong magic, a wrong
// version (with a message saying which, so the caller can recompile) and
// any truncated or inconsistent section, then runs Verify().
// A checksum over everything after the header makes any corruption an
// error rather than a different valid program.
std::string Serialize(const Program& program);
absl::StatusOr<Program> Deserialize(std::string_view bytes);
absl::StatusOr<Program> Deserialize(std::string_view bytes,
                                    const BuiltinLookup& lookup);

}  // namespace verdict::vm

#endif  // VERDICT_VM_PROGRAM_H_
