// Tests for lib/builtins/rego.cc: rego.parse_module returns OPA's AST JSON
// and OPA's error text; rego.metadata.* fail when called outside a rule.
#include "builtin_testing.h"
#include "gmock/gmock.h"

namespace verdict::builtins {
namespace {

using ::testing::HasSubstr;
using testing::Call;
using testing::Eval;
using testing::Str;
using testing::StatusIs;

TEST(RegoParseModuleTest, ReturnsThePackagePath) {
  absl::StatusOr<Value> m = Call("rego.parse_module",
                                 {Str("x.rego"), Str("package foo.bar\n\np if { true }\n")});
  ASSERT_TRUE(m.ok()) << m.status();
  const Value* pkg = m->Get("package");
  ASSERT_NE(pkg, nullptr);
  EXPECT_EQ(ToJson(*pkg->Get("path")),
            R"([{"type":"var","value":"data"},{"type":"string","value":"foo"},)"
            R"({"type":"string","value":"bar"}])");
  const Value* rules = m->Get("rules");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->size(), 1u);
}

TEST(RegoParseModuleTest, ParseErrorIsABuiltinErrorInOpaWords) {
  EXPECT_THAT(Call("rego.parse_module", {Str("x.rego"), Str("package foo.")}),
              StatusIs(ErrorCode::kEvalBuiltinError,
                       HasSubstr("rego.parse_module: 1 error occurred: x.rego:1: "
                                 "rego_parse_error: unexpected eof token: expected ident")));
}

TEST(RegoParseModuleTest, MetadataIsLeftAsComments) {
  // As OPA's builtin, no METADATA processing: a bad block is no error.
  absl::StatusOr<Value> m = Call("rego.parse_module",
                                 {Str("x.rego"), Str("package p\n# METADATA\n# scope: x\nr := 1\n")});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Get("annotations"), nullptr);
  ASSERT_NE(m->Get("comments"), nullptr);
  EXPECT_EQ(m->Get("comments")->size(), 2u);
}

TEST(RegoParseModuleTest, OperandsMustBeStrings) {
  EXPECT_EQ(Eval("rego.parse_module", {"1", R"("package p")"}),
            "error: rego.parse_module: operand 1 must be string but got number");
}

TEST(RegoMetadataTest, OutsideARuleIsAnError) {
  EXPECT_EQ(Eval("rego.metadata.chain", {}),
            "error: rego.metadata.chain: the rego.metadata.chain function must only be "
            "called within the scope of a rule");
  EXPECT_EQ(Eval("rego.metadata.rule", {}),
            "error: rego.metadata.rule: the rego.metadata.rule function must only be "
            "called within the scope of a rule");
}

}  // namespace
}  // namespace verdict::builtins
