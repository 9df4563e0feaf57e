// Tests of lib/vm/opcode.{h,cc}: the enum and kOpInfo[] come from
// opcodes.def in table order, with the operand kinds written there.
#include "vm/opcode.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace verdict::vm {
namespace {

TEST(OpcodeTest, TableMatchesOpcodesDef) {
  std::ifstream in(std::string(VERDICT_SOURCE_DIR) + "/lib/vm/opcodes.def");
  ASSERT_TRUE(in.good());
  std::regex line(R"(^VERDICT_OP\((\w+),\s*(\w+),\s*(\w+),\s*(\w+),\s*([01]),)");
  std::vector<std::vector<std::string>> rows;
  for (std::string s; std::getline(in, s);) {
    std::smatch m;
    if (std::regex_search(s, m, line)) rows.push_back({m[1], m[2], m[3], m[4], m[5]});
  }
  ASSERT_EQ(rows.size(), kNumOps);
  for (size_t i = 0; i < rows.size(); ++i) {
    const OpInfo& info = GetOpInfo(static_cast<Op>(i));
    EXPECT_EQ(info.name, rows[i][0]);
    EXPECT_EQ(OperandKindName(info.a), rows[i][1]) << info.name;
    EXPECT_EQ(OperandKindName(info.b), rows[i][2]) << info.name;
    EXPECT_EQ(OperandKindName(info.c), rows[i][3]) << info.name;
    EXPECT_EQ(info.uses_t, rows[i][4] == "1") << info.name;
    EXPECT_FALSE(info.semantics.empty()) << info.name;
  }
}

// docs/vm.md carries a copy of the table; it must list every op as it is.
TEST(OpcodeTest, DocsTableMatches) {
  std::ifstream in(std::string(VERDICT_SOURCE_DIR) + "/docs/vm.md");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (size_t i = 0; i < kNumOps; ++i) {
    const OpInfo& info = GetOpInfo(static_cast<Op>(i));
    std::string row = "| `" + std::string(info.name) + "` | " +
                      std::string(OperandKindName(info.a)) + " | " +
                      std::string(OperandKindName(info.b)) + " | " +
                      std::string(OperandKindName(info.c)) + " | " +
                      (info.uses_t ? "yes" : "") + " | `" + std::string(info.semantics) +
                      "` |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs/vm.md lacks: " << row;
  }
}

TEST(OpcodeTest, TokenPastedNames) {
  EXPECT_EQ(GetOpInfo(Op::kLoadConst).name, "LoadConst");
  EXPECT_EQ(GetOpInfo(Op::kLoadConst).semantics, "R[a] := K[b] (*10)");
  EXPECT_EQ(GetOpInfo(Op::kCall).b, OperandKind::kFunc);
  EXPECT_EQ(GetOpInfo(Op::kCall).c, OperandKind::kSpan);
  EXPECT_TRUE(GetOpInfo(Op::kIterNext).uses_t);
  EXPECT_FALSE(GetOpInfo(Op::kReturn).uses_t);
  EXPECT_TRUE(IsValidOp(static_cast<uint8_t>(kNumOps - 1)));
  EXPECT_FALSE(IsValidOp(static_cast<uint8_t>(kNumOps)));
}

}  // namespace
}  // namespace verdict::vm
