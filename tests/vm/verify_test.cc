// Tests of Verify() (lib/vm/verify.cc): a valid program passes, each kind
// of malformed program is a bytecode_error naming the problem, and random
// programs that pass never crash the interpreter.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "vm/assembler.h"
#include "vm/interp.h"
#include "vm/program.h"
#include "vm/test_builtins.h"

namespace verdict::vm {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::IsOk;
using ::verdict::testing::StatusIs;
using testing::Assembler;
using testing::Label;

// A small valid program: main calls f(x) and a builtin, loops over a
// collection, uses an accumulator and every with-op.
struct Base {
  Assembler as;
  uint32_t main = 0, f = 0;
  uint32_t k_path = 0, k_str = 0, k_num = 0;
  uint32_t add = 0;
  // pcs worth mutating
  uint32_t pc_move = 0, pc_call = 0, pc_builtin = 0, pc_iter = 0, pc_loaddata = 0,
           pc_make = 0, pc_acc = 0, pc_jump = 0, pc_last_main = 0, pc_fail = 0;

  Base() {
    uint32_t file = as.File("base.rego");
    k_path = as.ConstJson(R"(["a","b"])");
    k_str = as.ConstString("message");
    k_num = as.ConstJson("3");
    add = as.Builtin("test.add");
    f = as.Declare("data.t.f", 1, 2);
    main = as.Function("main", 0, 8, 1);
    as.At(file, 1, 1);
    Label fail = as.NewLabel(), next = as.NewLabel(), done = as.NewLabel();
    pc_acc = as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kSet));
    as.Emit(Op::kLoadConst, 0, k_num);
    pc_move = as.Emit(Op::kMove, 1, 0);
    pc_call = as.EmitN(Op::kCall, 2, f, 0, 1, fail);
    pc_builtin = as.EmitN(Op::kCallBuiltin, 3, add, 0, 2, fail);
    pc_loaddata = as.Emit(Op::kLoadData, 4, k_path, 0, fail);
    pc_iter = as.Emit(Op::kIterInit, 5, 4, 0, done);
    as.Bind(next);
    as.Emit(Op::kIterNext, 5, kNoReg, 7, done);
    as.Emit(Op::kAccAdd, 0, 7);
    pc_jump = as.Emit(Op::kJump, 0, 0, 0, next);
    as.Bind(done);
    pc_make = as.EmitN(Op::kMakeArray, 7, 0, 0, 4);
    as.Emit(Op::kWithInput, 0, k_path, 0);
    as.Emit(Op::kWithData, 0, k_path, 0);
    as.Emit(Op::kWithFunc, 0, f, f);
    as.Emit(Op::kWithBuiltin, 0, add, 2 /* placeholder, fixed below */);
    as.Emit(Op::kWithValue, 0, f, 0);
    as.Emit(Op::kWithPop, 0, 5);
    as.Emit(Op::kAccFinish, 6, 0, 0, fail);
    as.Emit(Op::kReturn, 6);
    as.Bind(fail);
    pc_fail = as.Emit(Op::kFail, 0, k_str, static_cast<uint32_t>(ErrorCode::kEvalTypeError));
    pc_last_main = pc_fail;
    as.End();
    as.Begin(f);
    as.Emit(Op::kReturn, 0);
    as.End();
    // test.add takes two arguments: mock it with a two-parameter function.
    uint32_t g = as.Function("data.t.g", 2, 2);
    as.Emit(Op::kReturn, 1);
    as.End();
    as.instr(pc_make + 4).c = g;
    as.Entry("main", main);
  }

  Program Get() { return as.Finish(); }
};

absl::Status Check(const Program& p) { return Verify(p, testing::TestLookup()); }

TEST(VerifyTest, BaseProgramIsValid) {
  Base b;
  EXPECT_OK(Check(b.Get()));
}

TEST(VerifyTest, DefaultLookupRejectsTestBuiltins) {
  Base b;
  EXPECT_THAT(Verify(b.Get()),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr("unknown builtin test.add")));
}

// Applies [mutate] to a copy of the base program and expects an error
// whose message contains [want].
void ExpectRejected(const std::function<void(Base&, Program&)>& mutate, const char* want) {
  Base b;
  Program p = b.Get();
  mutate(b, p);
  EXPECT_THAT(Check(p), StatusIs(ErrorCode::kBytecodeError, HasSubstr(want))) << want;
}

TEST(VerifyTest, RejectsBadRegisters) {
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].a = 8; },
                 "operand a = 8: register out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].b = 1000; },
                 "operand b = 1000: register out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_iter + 1].c = 9; },
                 "register out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_iter].a = 7; },
                 "iterator R[7], R[8] exceed the frame");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make].b = 5; },
                 "4 registers from here exceed the frame");
  ExpectRejected(
      [](Base& b, Program& p) {
        p.code[b.pc_make].op = Op::kMakeObject;  // 4 pairs = 8 registers from R0: too many
        p.code[b.pc_make].b = 1;
        p.code[b.pc_make].t = b.pc_fail;
      },
      "8 registers from here exceed the frame");
}

// n == 1 on AccAdd/AccPut/Return marks a rule definition's value
// (opcodes.def *10); other counts stay errors.
TEST(VerifyTest, AcceptsTheRuleValueMarkOnly) {
  Base b;
  Program p = b.Get();
  ASSERT_EQ(p.code[b.pc_iter + 2].op, Op::kAccAdd);
  ASSERT_EQ(p.code[b.pc_make + 8].op, Op::kReturn);
  p.code[b.pc_iter + 2].n = 1;
  p.code[b.pc_make + 8].n = 1;
  EXPECT_OK(Check(p));
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_iter + 2].n = 2; },
                 "AccAdd has no count but n = 2");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 7].n = 1; },
                 "AccFinish has no count but n = 1");
}

TEST(VerifyTest, AcceptsNoRegInOptionalOperands) {
  Base b;
  Program p = b.Get();
  p.code[b.pc_iter + 1].c = kNoReg;
  EXPECT_OK(Check(p));
}

TEST(VerifyTest, RejectsBadJumps) {
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_jump].t = 10000; },
                 "outside its function");
  ExpectRejected(
      [](Base& b, Program& p) { p.code[b.pc_jump].t = p.functions[b.f].entry_pc; },
      "outside its function");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].t = 3; },
                 "has no target but t = 3");
}

// f(x): Switch x {"a": 0, "b": 1} -> undefined; Case; Case; two returns.
Program SwitchProgram() {
  Assembler as;
  as.Function("f", 1, 2);
  Label a = as.NewLabel(), b = as.NewLabel(), none = as.NewLabel();
  as.Emit(Op::kSwitch, 0, as.ConstJson(R"({"a": 0, "b": 1})"), 2, none);
  as.Emit(Op::kCase, 0, 0, 0, a);
  as.Emit(Op::kCase, 0, 0, 0, b);
  as.Bind(a);
  as.Emit(Op::kReturn, 0);
  as.Bind(b);
  as.Emit(Op::kReturn, 0);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  return as.Finish();
}

TEST(VerifyTest, ChecksSwitchTablesAndCases) {
  EXPECT_OK(Check(SwitchProgram()));
  auto rejected = [](const std::function<void(Program&)>& mutate, const char* want) {
    Program p = SwitchProgram();
    mutate(p);
    EXPECT_THAT(Check(p), StatusIs(ErrorCode::kBytecodeError, HasSubstr(want))) << want;
  };
  rejected([](Program& p) { p.code[0].c = 1; }, R"(has case 1 outside [0, 1))");
  rejected([](Program& p) { p.code[0].c = 7; }, "Switch has 7 cases past its function's end");
  rejected([](Program& p) { p.code[2].op = Op::kJump; }, "Switch case 1 is not a Case");
  rejected([](Program& p) { p.constants[p.code[0].b] = Value::String("a"); },
           "Switch table K[0] is not an object");
  rejected([](Program& p) { p.constants[p.code[0].b] = *ParseJson(R"({"a": "0"})"); },
           R"(has case "0" outside [0, 2))");
  rejected([](Program& p) { p.code[1].t = 100; }, "Case jumps to 100 outside its function");
}

TEST(VerifyTest, RejectsFallingOffTheEnd) {
  ExpectRejected(
      [](Base& b, Program& p) { p.code[b.pc_last_main] = Instr{Op::kNop, 0, 0, 0, 0, 0}; },
      "can fall off its end");
}

TEST(VerifyTest, RejectsBadConstants) {
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_loaddata].b = 99; },
                 "constant out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_loaddata].b = b.k_str; },
                 "path constant K[1] is not an array");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_fail].b = b.k_num; },
                 "Fail message K[2] is not a string");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_fail].c = 500; },
                 "unknown error code 500");
  ExpectRejected([](Base&, Program& p) { p.constants.push_back(Value()); },
                 "constant 3 is undefined");
}

TEST(VerifyTest, RejectsBadBuiltins) {
  ExpectRejected([](Base&, Program& p) { p.builtins[0] = "no.such.builtin"; },
                 "unknown builtin no.such.builtin");
  ExpectRejected([](Base&, Program& p) { p.builtins[0] = "test.unsupported"; },
                 "builtin test.unsupported is not supported");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_builtin].b = 1; },
                 "builtin out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_builtin].n = 3; },
                 "CallBuiltin of test.add with 3 arguments, it takes 2");
}

TEST(VerifyTest, RejectsBadCalls) {
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_call].n = 0; },
                 "Call of data.t.f with 0 arguments, it takes 1");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_call].b = 17; },
                 "function out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 3].c = b.main; },
                 "WithFunc replaces data.t.f (1 parameters) by main (0)");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 4].c = b.f; },
                 "WithBuiltin replaces test.add (2 arguments) by data.t.f (1 parameters)");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 5].b = 4; },
                 "WithValue target F[4] out of range");
  ExpectRejected([](Base& b, Program& p) {
                   p.code[b.pc_make + 5].n = 1;
                   p.code[b.pc_make + 5].b = 4;
                 },
                 "WithValue target B[4] out of range");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 5].n = 2; },
                 "WithValue has no count but n = 2");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_make + 6].b = 0; },
                 "WithPop of 0 overrides");
}

TEST(VerifyTest, RejectsBadFunctions) {
  ExpectRejected([](Base& b, Program& p) { p.functions[b.f].entry_pc -= 1; },
                 "overlaps the previous function");
  ExpectRejected(
      [](Base& b, Program& p) {
        p.functions[b.main].end_pc -= 1;  // leaves a gap before f
        p.code[p.functions[b.main].end_pc - 1].op = Op::kReturnUndefined;
      },
      "belong to no function");
  ExpectRejected([](Base&, Program& p) { p.functions.back().end_pc += 1; },
                 "bad code range");
  ExpectRejected(
      [](Base& b, Program& p) { p.functions[b.f].end_pc = p.functions[b.f].entry_pc; },
      "bad code range");
  ExpectRejected([](Base&, Program& p) { p.functions.pop_back(); },
                 "belong to no function");
  ExpectRejected([](Base& b, Program& p) { p.functions[b.f].num_params = 3; },
                 "3 parameters but 2 registers");
  ExpectRejected([](Base&, Program& p) { p.entry_points[0].function = 9; },
                 "entry point main names function 9");
}

TEST(VerifyTest, RejectsBadEncodings) {
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].op = static_cast<Op>(200); },
                 "invalid opcode 200");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].c = 1; },
                 "unused operand must be 0");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_move].n = 2; }, "has no count");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_acc].b = 7; },
                 "unknown accumulator kind 7");
  ExpectRejected([](Base& b, Program& p) { p.code[b.pc_acc].a = 1; },
                 "accumulator out of range");
}

TEST(VerifyTest, RejectsBadSpans) {
  ExpectRejected([](Base&, Program& p) { p.spans[0].file = 4; }, "names file 4");
  ExpectRejected(
      [](Base&, Program& p) {
        p.spans.push_back(SpanEntry{5, 0, 2, 1});
        p.spans.push_back(SpanEntry{3, 0, 3, 1});
      },
      "span table not sorted");
}

TEST(VerifyTest, EmptyProgramIsValid) {
  EXPECT_OK(Check(Program()));
}

// Random programs with mostly in-range operands: whatever passes Verify()
// must run to a value or an error, never crash.
TEST(VerifyTest, RandomProgramsThatVerifyNeverCrash) {
  std::mt19937 rng(20240611);
  auto pick = [&](uint32_t n) { return n == 0 ? 0u : static_cast<uint32_t>(rng() % n); };
  const char* constants[] = {R"(["a"])", "[]", "1", R"("s")", R"({"a":[1,2],"b":{"c":3}})",
                             "[1,[2,3]]", "null", "true", "2.5"};
  int verified = 0, ran = 0;
  for (int round = 0; round < 3000; ++round) {
    Assembler as;
    for (const char* c : constants) as.ConstJson(c);
    const uint32_t switch_table = as.ConstJson(R"({"s": 0, "1": 1, "a": 2})");
    as.Builtin("test.add");
    as.Builtin("test.count");
    as.Builtin("test.error");
    as.Builtin("test.undefined");
    const uint32_t nfuncs = 1 + pick(3);
    std::vector<uint32_t> fns;
    for (uint32_t i = 0; i < nfuncs; ++i) {
      fns.push_back(as.Declare("f" + std::to_string(i), static_cast<uint16_t>(pick(3)),
                               static_cast<uint16_t>(3 + pick(6)),
                               static_cast<uint16_t>(pick(3))));
    }
    for (uint32_t fi : fns) {
      Program& p = as.program();
      const uint16_t regs = p.functions[fi].num_registers;
      const uint16_t accs = p.functions[fi].num_accumulators;
      as.Begin(fi);
      const uint32_t entry = as.pc();
      const uint32_t len = 1 + pick(12);
      for (uint32_t i = 0; i < len; ++i) {
        Instr in;
        in.op = static_cast<Op>(pick(kNumOps));
        const OpInfo& info = GetOpInfo(in.op);
        auto operand = [&](OperandKind kind) -> uint32_t {
          switch (kind) {
            case OperandKind::kReg: return pick(regs);
            case OperandKind::kDst: return pick(regs);
            case OperandKind::kOptDst: return pick(4) == 0 ? kNoReg : pick(regs);
            case OperandKind::kConst: return pick(std::size(constants));
            case OperandKind::kFunc: return pick(nfuncs);
            case OperandKind::kBltn: return pick(4);
            case OperandKind::kAcc: return pick(accs == 0 ? 1 : accs);
            case OperandKind::kImm:
              // WithValue: n = 0 names a function, n = 1 a builtin.
              if (in.op == Op::kWithValue) return in.n == 0 ? pick(nfuncs + 1) : pick(5);
              return pick(4);
            case OperandKind::kSpan: return pick(regs);
            default: return 0;
          }
        };
        if (info.a == OperandKind::kSpan || info.b == OperandKind::kSpan ||
            info.c == OperandKind::kSpan) {
          in.n = static_cast<uint8_t>(pick(3));
        }
        if (in.op == Op::kWithValue) in.n = static_cast<uint8_t>(pick(2));
        in.a = static_cast<uint16_t>(operand(info.a));
        in.b = operand(info.b);
        in.c = operand(info.c);
        if (info.uses_t) in.t = entry + pick(len + 1);
        p.code.push_back(in);
        // A Switch gets its jump table (sometimes one Case short).
        if (in.op == Op::kSwitch) {
          in.b = switch_table;
          p.code.back().b = switch_table;
          const uint32_t cases = in.c - pick(2) * (in.c > 0);
          for (uint32_t k = 0; k < cases; ++k, ++i) {
            p.code.push_back(Instr{Op::kCase, 0, 0, 0, 0, entry + pick(len + 1)});
          }
        }
      }
      as.Emit(Op::kReturn, pick(regs));
      as.End();
    }
    Program program = as.Finish();
    absl::StatusOr<std::shared_ptr<const BoundProgram>> bound =
        BoundProgram::Bind(program, testing::TestLookup());
    if (!bound.ok()) {
      EXPECT_THAT(bound.status(), StatusIs(ErrorCode::kBytecodeError));
      continue;
    }
    ++verified;
    EvalContext ctx;
    EvalOptions options;
    options.max_instructions = 5000;
    options.max_call_depth = 64;
    options.input = *ParseJson(R"({"a":{"b":[1,2]}})");
    options.data = *ParseJson(R"({"a":{"b":{"x":1}}})");
    for (uint32_t fi = 0; fi < nfuncs; ++fi) {
      std::vector<Value> args((*bound)->program().functions[fi].num_params, Value::Int(1));
      absl::StatusOr<Value> v = Evaluate(ctx, **bound, fi, args, options);
      if (v.ok() && v->is_defined()) (void)ToJson(*v);
      ++ran;
    }
  }
  // The generator must actually exercise the interpreter.
  EXPECT_GT(verified, 300);
  EXPECT_GT(ran, 300);
}

}  // namespace
}  // namespace verdict::vm
