// The peephole passes (lib/compile/optimize.h) on hand-written bytecode:
// what they remove, what they must keep, and that the program still
// verifies and computes the same value.
#include "compile/optimize.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "vm/interp.h"
#include "vm/program.h"

namespace verdict::compile {
namespace {

using vm::Instr;
using vm::Op;

Instr I(Op op, uint16_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t t = 0) {
  Instr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  in.t = t;
  return in;
}

// One function "f" over [code] with two registers and constants
// K[0] = true, K[1] = false, K[2] = "x".
vm::Program OneFunction(std::vector<Instr> code) {
  vm::Program p;
  p.constants = {Value::Bool(true), Value::Bool(false), Value::String("x")};
  p.code = std::move(code);
  vm::Function f;
  f.name = "f";
  f.entry_pc = 0;
  f.end_pc = static_cast<uint32_t>(p.code.size());
  f.num_registers = 2;
  p.functions.push_back(f);
  p.entry_points.push_back({"f", 0});
  return p;
}

// OneFunction() with [registers] registers and [accumulators] accumulators.
vm::Program Frame(std::vector<Instr> code, uint16_t registers, uint16_t accumulators = 0) {
  vm::Program p = OneFunction(std::move(code));
  p.functions[0].num_registers = registers;
  p.functions[0].num_accumulators = accumulators;
  return p;
}

std::vector<Op> Ops(const vm::Program& p) {
  std::vector<Op> ops;
  for (const Instr& in : p.code) ops.push_back(in.op);
  return ops;
}

Value RunProgram(vm::Program p) {
  absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> bound =
      vm::BoundProgram::Bind(std::move(p));
  EXPECT_THAT(bound.status(), testing::IsOk());
  if (!bound.ok()) return Value();
  vm::EvalContext ctx;
  absl::StatusOr<Value> v = vm::Evaluate(ctx, **bound, 0, {}, vm::EvalOptions());
  EXPECT_THAT(v.status(), testing::IsOk());
  return v.ok() ? *v : Value();
}

// Runs a function of one parameter with [arg].
Value RunWith(const vm::Program& program, Value arg) {
  absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> bound =
      vm::BoundProgram::Bind(program);
  EXPECT_THAT(bound.status(), testing::IsOk());
  if (!bound.ok()) return Value();
  vm::EvalContext ctx;
  std::vector<Value> args = {arg};
  absl::StatusOr<Value> v = vm::Evaluate(ctx, **bound, 0, args, vm::EvalOptions());
  EXPECT_THAT(v.status(), testing::IsOk());
  return v.ok() ? *v : Value();
}

TEST(OptimizeTest, ThreadsJumpsAndDropsConstantTruthTests) {
  vm::Program p = OneFunction({
      I(Op::kLoadConst, 0, 0),          // 0: R0 := true
      I(Op::kTruthy, 0, 0, 0, 5),       // 1: always passes
      I(Op::kJump, 0, 0, 0, 3),         // 2: -> 3 -> 4 (a return)
      I(Op::kJump, 0, 0, 0, 4),         // 3
      I(Op::kReturn, 0),                // 4
      I(Op::kReturnUndefined),          // 5
  });
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  Value before = RunProgram(p);
  OptimizeStats stats = Optimize(&p);
  EXPECT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_EQ(stats.instructions_before, 6u);
  EXPECT_EQ(stats.instructions_after, p.code.size());
  EXPECT_THAT(Ops(p), ::testing::Not(::testing::Contains(Op::kTruthy)));
  EXPECT_THAT(Ops(p), ::testing::Not(::testing::Contains(Op::kJump)));
  EXPECT_EQ(p.functions[0].end_pc, p.code.size());
  EXPECT_EQ(RunProgram(p), before);
  EXPECT_EQ(before, Value::Bool(true));
}

TEST(OptimizeTest, TruthTestsOfFalseFail) {
  // false is a constant too, but Truthy of it fails: constant folding
  // makes it the jump to its failure target.
  vm::Program p = OneFunction({
      I(Op::kLoadConst, 0, 1),     // R0 := false
      I(Op::kTruthy, 0, 0, 0, 3),  // fails -> 3
      I(Op::kReturn, 0),
      I(Op::kReturnUndefined),
  });
  Optimize(&p);
  EXPECT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::ElementsAre(Op::kReturnUndefined));
  EXPECT_TRUE(RunProgram(p).is_undefined());
}

TEST(OptimizeTest, KeepsTruthTestsOtherPathsReach) {
  // pc 3 is reached from the LoadConst before it and, with R1 = false,
  // from the jump at pc 1: it must stay.
  vm::Program p = OneFunction({
      I(Op::kLoadConst, 1, 1),         // 0: R1 := false
      I(Op::kEqualConst, 0, 0, 0, 3),  // 1: argument != true -> 3 with R1 = false
      I(Op::kLoadConst, 1, 0),         // 2: R1 := true
      I(Op::kTruthy, 1, 0, 0, 5),      // 3
      I(Op::kReturn, 1),               // 4
      I(Op::kReturnUndefined),         // 5
  });
  p.functions[0].num_params = 1;
  Optimize(&p);
  EXPECT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::Contains(Op::kTruthy));
  EXPECT_TRUE(RunWith(p, Value::Bool(false)).is_undefined());
  EXPECT_EQ(RunWith(p, Value::Bool(true)), Value::Bool(true));
}

TEST(OptimizeTest, RemapsFailureTargetsAndSpans) {
  vm::Program p = OneFunction({
      I(Op::kLoadConst, 1, 0),          // 0: dead once 1 goes
      I(Op::kTruthy, 1, 0, 0, 4),       // 1: dropped
      I(Op::kLoadConst, 1, 2),          // 2: R1 := "x"
      I(Op::kEqualConst, 0, 1, 0, 4),   // 3: argument != false -> 4
      I(Op::kReturn, 1),                // 4 (also the failure target)
  });
  p.functions[0].num_params = 1;
  p.files = {"p.rego"};
  p.spans = {{0, 0, 1, 1}, {1, 0, 2, 1}, {3, 0, 3, 5}, {4, 0, 4, 1}};
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  ASSERT_EQ(p.code.size(), 3u);
  EXPECT_EQ(p.code[1].op, Op::kEqualConst);
  EXPECT_EQ(p.code[1].t, 2u);  // still the Return
  EXPECT_EQ(p.LocationAt(1), "p.rego:3:5");
  EXPECT_EQ(p.LocationAt(2), "p.rego:4:1");
  EXPECT_EQ(RunWith(p, Value::Bool(true)), Value::String("x"));
}

TEST(OptimizeTest, LeavesEndlessJumpLoopsAlone) {
  // A loop of jumps never returns; threading must not spin on it.
  vm::Program p = OneFunction({
      I(Op::kJump, 0, 0, 0, 1),
      I(Op::kJump, 0, 0, 0, 0),
  });
  Optimize(&p);
  EXPECT_THAT(vm::Verify(p), testing::IsOk());
  ASSERT_FALSE(p.code.empty());
  EXPECT_THAT(Ops(p), ::testing::Each(Op::kJump));
}

TEST(OptimizeTest, CopiesOfTemporariesBecomeTheirDefinitions) {
  vm::Program p = Frame({
      I(Op::kLoadConst, 1, 2),  // R1 := "x", read only by the Move
      I(Op::kMove, 0, 1),
      I(Op::kReturn, 0),
  }, 2);
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(p.code[0].a, 0);
  EXPECT_EQ(RunProgram(p), Value::String("x"));
}

TEST(OptimizeTest, KeepsCopiesWhoseTargetAFailurePathReads) {
  // Writing R1 at pc 1 would change what the failure path returns.
  vm::Program p = Frame({
      I(Op::kLoadConst, 1, 0),        // 0: R1 := true
      I(Op::kLoadConst, 2, 2),        // 1: R2 := "x"
      I(Op::kTruthy, 0, 0, 0, 5),     // 2: fails when the argument is false
      I(Op::kMove, 1, 2),             // 3
      I(Op::kReturn, 1),              // 4
      I(Op::kReturn, 1),              // 5: reads the old R1
  }, 3);
  p.functions[0].num_params = 1;
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::Contains(Op::kMove));
  EXPECT_EQ(RunWith(p, Value::Bool(false)), Value::Bool(true));
  EXPECT_EQ(RunWith(p, Value::Bool(true)), Value::String("x"));
}

TEST(OptimizeTest, DropsDefinitionsNothingReads) {
  vm::Program p = Frame({
      I(Op::kLoadConst, 1, 2),  // dead
      I(Op::kLoadConst, 0, 0),
      I(Op::kReturn, 0),
  }, 2);
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(RunProgram(p), Value::Bool(true));
}

TEST(OptimizeTest, SingleValueAccumulatorReturnsDirectly) {
  const auto value = static_cast<uint32_t>(vm::AccKind::kValue);
  vm::Program p = Frame({
      I(Op::kAccInit, 0, value),     // 0
      I(Op::kLoadConst, 0, 1),       // 1: R0 := false
      I(Op::kTruthy, 0, 0, 0, 5),    // 2: fails to the finish
      I(Op::kLoadConst, 1, 2),       // 3
      I(Op::kAccAdd, 0, 1),          // 4
      I(Op::kAccFinish, 1, 0, 0, 7), // 5
      I(Op::kReturn, 1),             // 6
      I(Op::kReturnUndefined),       // 7
  }, 2, 1);
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::Not(::testing::Contains(Op::kAccInit)));
  EXPECT_THAT(Ops(p), ::testing::Not(::testing::Contains(Op::kAccFinish)));
  EXPECT_TRUE(RunProgram(p).is_undefined());
}

TEST(OptimizeTest, AccumulatorInsideALoopStays) {
  // Each iteration adds: the second, different value must still conflict.
  const auto value = static_cast<uint32_t>(vm::AccKind::kValue);
  vm::Program p = Frame({
      I(Op::kAccInit, 0, value),              // 0
      I(Op::kLoadConst, 0, 3),                // 1: R0 := [1, 2]
      I(Op::kIterInit, 1, 0, 0, 6),           // 2
      I(Op::kIterNext, 1, vm::kNoReg, 3, 6),  // 3: R3 := element
      I(Op::kAccAdd, 0, 3),                   // 4
      I(Op::kJump, 0, 0, 0, 3),               // 5: next element
      I(Op::kAccFinish, 0, 0, 0, 8),          // 6
      I(Op::kReturn, 0),                      // 7
      I(Op::kReturnUndefined),                // 8
  }, 4, 1);
  ArrayBuilder elements(nullptr);
  elements.Add(Value::Int(1));
  elements.Add(Value::Int(2));
  p.constants.push_back(elements.Build());
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::Contains(Op::kAccInit));
  absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> bound =
      vm::BoundProgram::Bind(std::move(p));
  ASSERT_THAT(bound.status(), testing::IsOk());
  vm::EvalContext ctx;
  EXPECT_THAT(vm::Evaluate(ctx, **bound, 0, {}, vm::EvalOptions()).status(),
              testing::StatusIs(ErrorCode::kEvalConflictError));
}

TEST(OptimizeTest, CopiesOfParametersReadTheParameter) {
  vm::Program p = Frame({
      I(Op::kMove, 1, 0),  // R1 := the argument
      I(Op::kReturn, 1),
  }, 2);
  p.functions[0].num_params = 1;
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  ASSERT_THAT(Ops(p), ::testing::ElementsAre(Op::kReturn));
  EXPECT_EQ(p.code[0].a, 0);
}

// K[3] = 1, K[4] = 2, K[5] = 10 and builtin 0 = plus, for the folding tests.
vm::Program WithNumbers(std::vector<Instr> code, uint16_t registers, uint16_t params) {
  vm::Program p = Frame(std::move(code), registers);
  p.constants.push_back(Value::Int(1));
  p.constants.push_back(Value::Int(2));
  p.constants.push_back(Value::Int(10));
  p.builtins = {"plus"};
  p.functions[0].num_params = params;
  return p;
}

TEST(OptimizeTest, BuiltinCallsOfConstantsBecomeConstants) {
  vm::Program p = WithNumbers({
      I(Op::kLoadConst, 1, 3),               // 0: R1 := 1
      I(Op::kLoadConst, 2, 5),               // 1: R2 := 10
      I(Op::kCallBuiltin, 3, 0, 1, 4),       // 2: R3 := plus(R1, R2)
      I(Op::kReturn, 3),                     // 3
      I(Op::kReturnUndefined),               // 4
  }, 4, 1);
  p.code[2].n = 2;
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::ElementsAre(Op::kLoadConst, Op::kReturn));
  EXPECT_EQ(RunWith(p, Value::Null()), Value::Int(11));
}

TEST(OptimizeTest, OperandsAJumpCanChangeAreNotConstants) {
  // pc 4 is reached with R1 = 1 (from the jump at pc 2) or R1 = 2.
  vm::Program p = WithNumbers({
      I(Op::kLoadConst, 2, 5),               // 0: R2 := 10
      I(Op::kLoadConst, 1, 3),               // 1: R1 := 1
      I(Op::kEqualConst, 0, 0, 0, 4),        // 2: argument != true -> 4
      I(Op::kLoadConst, 1, 4),               // 3: R1 := 2
      I(Op::kCallBuiltin, 3, 0, 1, 6),       // 4: R3 := plus(R1, R2)
      I(Op::kReturn, 3),                     // 5
      I(Op::kReturnUndefined),               // 6
  }, 4, 1);
  p.code[4].n = 2;
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  Optimize(&p);
  ASSERT_THAT(vm::Verify(p), testing::IsOk());
  EXPECT_THAT(Ops(p), ::testing::Contains(Op::kCallBuiltin));
  EXPECT_EQ(RunWith(p, Value::Bool(true)), Value::Int(12));
  EXPECT_EQ(RunWith(p, Value::Bool(false)), Value::Int(11));
}

}  // namespace
}  // namespace verdict::compile
