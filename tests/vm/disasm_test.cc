// Tests of the disassembler (lib/vm/disasm.cc): function headers, operand
// rendering per kind, inline constants, resolved names, locations, and
// robustness on out-of-range operands.
#include "vm/disasm.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vm/assembler.h"

namespace verdict::vm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Assembler;
using testing::Label;

TEST(DisasmTest, ListsFunctionsOperandsAndLocations) {
  Assembler as;
  uint32_t file = as.File("authz.rego");
  uint32_t user = as.ConstJson(R"("user")");
  uint32_t count = as.Builtin("count");
  uint32_t f = as.Declare("data.lib.f", 1, 2);
  uint32_t main = as.Function("data.authz.allow", 0, 6, 1);
  Label fail = as.NewLabel();
  as.At(file, 4, 10);
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kValue));
  as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, fail);
  as.Emit(Op::kIndexConst, 1, 0, user, fail);
  as.EmitN(Op::kCallBuiltin, 2, count, 1, 1, fail);
  as.EmitN(Op::kCall, 3, f, 2, 1, fail);
  as.Emit(Op::kIterNext, 4, kNoReg, 3, fail);
  as.EmitN(Op::kMakeObject, 3, 0, 0, 2, fail);
  as.EmitN(Op::kWithValue, 0, count, 1, 1);  // n = 1: b is a builtin
  as.Emit(Op::kReturn, 3);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(f);
  as.Emit(Op::kReturn, 0);
  as.End();
  as.Entry("data.authz.allow", main);
  Program p = as.Finish();
  std::string text = Disassemble(p);
  EXPECT_THAT(text, HasSubstr("function 1 data.authz.allow  params 0  registers 6  "
                              "accumulators 1\n  entry point data.authz.allow\n"));
  EXPECT_THAT(text, HasSubstr("function 0 data.lib.f  params 1  registers 2"));
  EXPECT_THAT(text, HasSubstr("     0  AccInit acc0 value"));
  EXPECT_THAT(text, HasSubstr("     1  LoadInput R0 K[1]=[] -> 9"));
  EXPECT_THAT(text, HasSubstr(R"(IndexConst R1 R0 K[0]="user" -> 9)"));
  EXPECT_THAT(text, HasSubstr("CallBuiltin R2 B[0]<count> (R1) -> 9"));
  EXPECT_THAT(text, HasSubstr("Call R3 F[0]<data.lib.f> (R2) -> 9"));
  EXPECT_THAT(text, HasSubstr("IterNext R4 _ R3 -> 9"));
  EXPECT_THAT(text, HasSubstr("MakeObject R3 (R0..R3) -> 9"));
  EXPECT_THAT(text, HasSubstr("WithValue B[0]<count> R1"));
  EXPECT_THAT(text, HasSubstr("; authz.rego:4:10"));
  EXPECT_EQ(FormatInstr(p, 9), "ReturnUndefined");
}

TEST(DisasmTest, SurvivesOutOfRangeOperands) {
  Program p;
  p.code.push_back(Instr{Op::kLoadConst, 0, 0, 42, 0, 0});
  p.code.push_back(Instr{Op::kCall, 0, 0, 7, 0, 0});
  p.code.push_back(Instr{static_cast<Op>(250), 0, 0, 0, 0, 0});
  p.functions.push_back(Function{"f", 0, 5, 0, 1, 0});
  std::string text = Disassemble(p);
  EXPECT_THAT(text, HasSubstr("K[42]<out of range>"));
  EXPECT_THAT(text, HasSubstr("F[7]<out of range>"));
  EXPECT_THAT(text, HasSubstr("<invalid opcode 250>"));
  EXPECT_THAT(text, HasSubstr("<bad code range [0, 5)>"));
}

TEST(DisasmTest, ShortValue) {
  EXPECT_EQ(ShortValue(Value()), "undefined");
  EXPECT_EQ(ShortValue(Value::Int(3)), "3");
  EXPECT_EQ(ShortValue(Value::String("abcdefghijklmnopqrstuvwxyz"), 10), "\"abcdefghi...");
}

}  // namespace
}  // namespace verdict::vm
