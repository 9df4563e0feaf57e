// File: lib/compile/emitter.h
//
// Emitter appends bytecode to a vm::Program one function at a time:
// registers and accumulators of the open function, labels with back-patched
// jump targets (every failure jump of opcodes.def goes through a Label),
// deduplicated constants and builtin names, and the span table.
//
//   uint32_t f = emitter.DeclareFunction("data.a.p", 0);
//   emitter.BeginFunction(f);
//   Label fail = emitter.NewLabel();
//   uint32_t r = emitter.NewRegister();
//   emitter.Emit(Op::kLoadInput, r, emitter.Constant(path), 0, fail);
//   emitter.Emit(Op::kReturn, r);
//   emitter.Bind(fail);
//   emitter.Emit(Op::kReturnUndefined);
//   emitter.EndFunction();
//
// Used by lower.cc; tested through tests/compile.
#ifndef VERDICT_COMPILE_EMITTER_H_
#define VERDICT_COMPILE_EMITTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "syntax/source.h"
#include "verdict/value.h"
#include "vm/program.h"

namespace verdict::compile {

// A jump target in the open function; bound to a pc by Emitter::Bind().
struct Label {
  int32_t id = -1;
  bool valid() const { return id >= 0; }
};

class Emitter {
 public:
  explicit Emitter(vm::Program* program);

  // Functions -----------------------------------------------------------------
  // Reserves a function slot; its code is emitted later (Begin/EndFunction).
  uint32_t DeclareFunction(std::string name, int num_params);
  void BeginFunction(uint32_t function);
  // Patches labels and records the frame size. Returns false when a label
  // was used but never bound (a compiler bug, reported by the caller).
  bool EndFunction();
  size_t num_functions() const { return program_->functions.size(); }

  // Registers and accumulators of the open function -------------------------
  uint32_t NewRegister() { return NewRegisters(1); }
  // [n] consecutive registers; returns the first.
  uint32_t NewRegisters(uint32_t n) {
    uint32_t first = next_register_;
    next_register_ += n;
    if (next_register_ > max_register_) max_register_ = next_register_;
    return first;
  }
  uint32_t NewAccumulator() { return next_accumulator_++; }
  // The frame size: the most registers live at once.
  uint32_t num_registers() const { return max_register_; }
  // RegisterMark() / ReleaseRegisters(): the registers allocated after a
  // mark die when the code that used them is complete (one rule body); the
  // next body reuses their numbers. Smaller frames are cheaper to clear
  // after an evaluation and stay in cache.
  uint32_t RegisterMark() const { return next_register_; }
  void ReleaseRegisters(uint32_t mark) { next_register_ = mark; }

  // Labels ------------------------------------------------------------------
  Label NewLabel();
  void Bind(Label label);
  uint32_t pc() const { return static_cast<uint32_t>(program_->code.size()); }

  // Emit() appends one instruction; [fail] fills its t field.
  void Emit(vm::Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0,
            Label fail = {}, uint8_t n = 0);

  // Constants and builtins --------------------------------------------------
  uint32_t Constant(const Value& value);
  uint32_t Builtin(std::string_view name);
  Arena* arena() const { return program_->arena.get(); }

  // Spans: instructions emitted from now on belong to [span].
  void SetSpan(const syntax::Span& span);

  vm::Program& program() { return *program_; }

 private:
  vm::Program* program_;
  uint32_t current_function_ = 0;
  uint32_t next_register_ = 0;
  uint32_t max_register_ = 0;
  uint32_t next_accumulator_ = 0;
  std::vector<int64_t> label_pcs_;                       // -1: unbound
  std::vector<std::pair<uint32_t, int32_t>> fixups_;     // (pc, label)
  std::unordered_map<Value, uint32_t, ValueHash> constants_;
  absl::flat_hash_map<std::string, uint32_t> builtins_;
  absl::flat_hash_map<std::string, uint32_t> files_;
  vm::SpanEntry last_span_{~0u, ~0u, 0, 0};
};

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_EMITTER_H_
