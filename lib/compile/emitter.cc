// Bytecode emission with labels, constants and spans (emitter.h).
#include "compile/emitter.h"

#include "base/check.h"
#include "vm/opcode.h"

namespace verdict::compile {

Emitter::Emitter(vm::Program* program) : program_(program) {
  if (!program_->arena) program_->arena = std::make_shared<Arena>();
}

uint32_t Emitter::DeclareFunction(std::string name, int num_params) {
  vm::Function f;
  f.name = std::move(name);
  f.num_params = static_cast<uint16_t>(num_params);
  program_->functions.push_back(std::move(f));
  return static_cast<uint32_t>(program_->functions.size() - 1);
}

void Emitter::BeginFunction(uint32_t function) {
  current_function_ = function;
  vm::Function& f = program_->functions[function];
  f.entry_pc = pc();
  next_register_ = f.num_params;
  max_register_ = f.num_params;
  next_accumulator_ = 0;
  label_pcs_.clear();
  fixups_.clear();
  last_span_ = vm::SpanEntry{~0u, ~0u, 0, 0};
}

bool Emitter::EndFunction() {
  bool ok = true;
  for (const auto& [at, label] : fixups_) {
    int64_t target = label_pcs_[label];
    if (target < 0) {
      ok = false;
      target = at;  // keep the program verifiable; the caller reports the bug
    }
    program_->code[at].t = static_cast<uint32_t>(target);
  }
  vm::Function& f = program_->functions[current_function_];
  f.end_pc = pc();
  f.num_registers = static_cast<uint16_t>(max_register_);
  f.num_accumulators = static_cast<uint16_t>(next_accumulator_);
  return ok && max_register_ <= 0xffff && next_accumulator_ <= 0xffff;
}

Label Emitter::NewLabel() {
  label_pcs_.push_back(-1);
  return Label{static_cast<int32_t>(label_pcs_.size() - 1)};
}

void Emitter::Bind(Label label) {
  VERDICT_DCHECK(label.valid());
  label_pcs_[label.id] = pc();
}

void Emitter::Emit(vm::Op op, uint32_t a, uint32_t b, uint32_t c, Label fail,
                   uint8_t n) {
  vm::Instr instr;
  instr.op = op;
  instr.n = n;
  instr.a = static_cast<uint16_t>(a);
  instr.b = b;
  instr.c = c;
  if (fail.valid()) {
    fixups_.emplace_back(pc(), fail.id);
  } else if (vm::GetOpInfo(op).uses_t) {
    // An instruction that cannot fail here (AccFinish of a collection):
    // point its target at the next instruction so the verifier sees a
    // valid jump.
    instr.t = pc() + 1;
  }
  program_->code.push_back(instr);
}

uint32_t Emitter::Constant(const Value& value) {
  // Equal values share a slot, except that 1 and 1.0 are equal in Rego but
  // print differently; numbers are canonical in value.h, so this is safe.
  auto [it, inserted] = constants_.try_emplace(value, 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(program_->constants.size());
    program_->constants.push_back(value);
  }
  return it->second;
}

uint32_t Emitter::Builtin(std::string_view name) {
  auto [it, inserted] = builtins_.try_emplace(std::string(name), 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(program_->builtins.size());
    program_->builtins.emplace_back(name);
  }
  return it->second;
}

void Emitter::SetSpan(const syntax::Span& span) {
  if (!span.valid()) return;
  std::string name(span.filename());
  auto [it, inserted] = files_.try_emplace(name, 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(program_->files.size());
    program_->files.push_back(name);
  }
  vm::SpanEntry entry{pc(), it->second, static_cast<uint32_t>(span.line),
                      static_cast<uint32_t>(span.col)};
  if (entry.file == last_span_.file && entry.line == last_span_.line &&
      entry.col == last_span_.col) {
    return;
  }
  if (!program_->spans.empty() && program_->spans.back().pc == entry.pc) {
    program_->spans.back() = entry;
  } else {
    program_->spans.push_back(entry);
  }
  last_span_ = entry;
}

}  // namespace verdict::compile
