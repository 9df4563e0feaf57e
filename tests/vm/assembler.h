// File: tests/vm/assembler.h
//
// A small assembler for hand-written Programs in VM tests: functions,
// labels for failure targets, constants from JSON, builtin names and a span
// per instruction. Finish() resolves labels and does not verify, so the
// verifier tests can build malformed programs on purpose.
//
//   Assembler as;
//   uint32_t f = as.Function("data.t.p", /*params=*/0, /*registers=*/2);
//   Label fail = as.NewLabel();
//   as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, fail);
//   as.Emit(Op::kReturn, 0);
//   as.Bind(fail);
//   as.Emit(Op::kReturnUndefined);
//   as.End();
//   Program p = as.Finish();
//
// Used by tests/vm/*_test.cc.
#ifndef VERDICT_TESTS_VM_ASSEMBLER_H_
#define VERDICT_TESTS_VM_ASSEMBLER_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verdict/value.h"
#include "vm/program.h"

namespace verdict::vm::testing {

struct Label {
  int id = -1;
  bool valid() const { return id >= 0; }
};

class Assembler {
 public:
  Assembler() { program_.arena = std::make_shared<Arena>(); }

  Arena* arena() { return program_.arena.get(); }
  uint32_t pc() const { return static_cast<uint32_t>(program_.code.size()); }

  // --- pools --------------------------------------------------------------
  uint32_t Const(Value v) {
    program_.constants.push_back(std::move(v));
    return static_cast<uint32_t>(program_.constants.size() - 1);
  }
  // A constant written as JSON; aborts on bad JSON (a bug in the test).
  uint32_t ConstJson(std::string_view json) {
    absl::StatusOr<Value> v = ParseJson(json, arena());
    if (!v.ok()) {
      std::fprintf(stderr, "bad JSON constant %.*s\n", static_cast<int>(json.size()),
                   json.data());
      std::abort();
    }
    return Const(*std::move(v));
  }
  uint32_t ConstString(std::string_view s) { return Const(Value::String(s, arena())); }
  uint32_t Builtin(std::string_view name) {
    for (size_t i = 0; i < program_.builtins.size(); ++i) {
      if (program_.builtins[i] == name) return static_cast<uint32_t>(i);
    }
    program_.builtins.emplace_back(name);
    return static_cast<uint32_t>(program_.builtins.size() - 1);
  }
  uint32_t File(std::string_view name) {
    program_.files.emplace_back(name);
    return static_cast<uint32_t>(program_.files.size() - 1);
  }

  // --- functions ----------------------------------------------------------
  // Declare() reserves a function index (so code can call functions
  // assembled later); Begin() starts its code at the current pc.
  uint32_t Declare(std::string name, uint16_t params, uint16_t registers,
                   uint16_t accumulators = 0) {
    vm::Function f;
    f.name = std::move(name);
    f.num_params = params;
    f.num_registers = registers;
    f.num_accumulators = accumulators;
    program_.functions.push_back(std::move(f));
    return static_cast<uint32_t>(program_.functions.size() - 1);
  }
  void Begin(uint32_t function) {
    current_ = function;
    program_.functions[function].entry_pc = pc();
  }
  uint32_t Function(std::string name, uint16_t params, uint16_t registers,
                    uint16_t accumulators = 0) {
    uint32_t f = Declare(std::move(name), params, registers, accumulators);
    Begin(f);
    return f;
  }
  void End() { program_.functions[current_].end_pc = pc(); }
  void Entry(std::string name, uint32_t function) {
    program_.entry_points.push_back(EntryPoint{std::move(name), function});
  }
  // The instructions from here on come from [file]:[line]:[col].
  void At(uint32_t file, uint32_t line, uint32_t col) {
    program_.spans.push_back(SpanEntry{pc(), file, line, col});
  }

  // --- code ---------------------------------------------------------------
  Label NewLabel() {
    labels_.push_back(-1);
    return Label{static_cast<int>(labels_.size() - 1)};
  }
  void Bind(Label l) { labels_[l.id] = static_cast<int64_t>(pc()); }

  uint32_t Emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, Label t = {}) {
    return EmitN(op, a, b, c, 0, t);
  }
  uint32_t EmitN(Op op, uint32_t a, uint32_t b, uint32_t c, uint8_t n, Label t = {}) {
    Instr in;
    in.op = op;
    in.n = n;
    in.a = static_cast<uint16_t>(a);
    in.b = b;
    in.c = c;
    if (t.valid()) fixups_.emplace_back(pc(), t.id);
    program_.code.push_back(in);
    return pc() - 1;
  }
  // Raw access, for malformed programs.
  Instr& instr(uint32_t at) { return program_.code[at]; }
  Program& program() { return program_; }

  // Resolves labels (an unbound label aborts: a bug in the test).
  Program Finish() {
    for (const auto& [at, id] : fixups_) {
      if (labels_[id] < 0) {
        std::fprintf(stderr, "unbound label %d used at pc %u\n", id, at);
        std::abort();
      }
      program_.code[at].t = static_cast<uint32_t>(labels_[id]);
    }
    fixups_.clear();
    return program_;
  }

 private:
  Program program_;
  uint32_t current_ = 0;
  std::vector<int64_t> labels_;
  std::vector<std::pair<uint32_t, int>> fixups_;
};

}  // namespace verdict::vm::testing

#endif  // VERDICT_TESTS_VM_ASSEMBLER_H_
