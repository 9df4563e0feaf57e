// rego.metadata.rule() and rego.metadata.chain() (lib/compile/
// annotations_rewrite.h): each call evaluates to the METADATA of the rule
// definition it is written in, across modules of the package and enclosing
// packages, in OPA's order.
#include <string>

#include "compile_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace verdict::compile {
namespace {

using ::testing::HasSubstr;
using testing::Eval;
using testing::Value1;

TEST(MetadataRewriteTest, RuleGivesTheBlockAboveThisDefinition) {
  std::string policy = R"(# METADATA
# description: pkg
package t

# METADATA
# title: first
p := "no" if false

# METADATA
# title: second
# custom:
#   level: 2
p := x if {
  x := rego.metadata.rule()
}
)";
  EXPECT_EQ(Value1(policy, "data.t.p"),
            R"({"custom":{"level":2},"scope":"rule","title":"second"})");
}

TEST(MetadataRewriteTest, RuleWithoutBlockGivesEmptyObject) {
  EXPECT_EQ(Value1("package t\np := rego.metadata.rule()\n", "data.t.p"), "{}");
}

TEST(MetadataRewriteTest, ChainOrdersRuleDocumentPackageSubpackages) {
  std::string root = R"(# METADATA
# scope: subpackages
# title: root
package a
)";
  std::string mid = R"(# METADATA
# scope: subpackages
# title: mid
package a.b
)";
  std::string leaf = R"(# METADATA
# title: leaf package
package a.b.c

# METADATA
# scope: document
# title: doc
p := 0 if false

# METADATA
# title: far

# METADATA
# title: near
p := rego.metadata.chain()
)";
  EXPECT_EQ(
      Eval({root, mid, leaf}, "data.a.b.c.p"),
      R"([{"annotations":{"scope":"rule","title":"near"},"path":["a","b","c","p"]},)"
      R"({"annotations":{"scope":"rule","title":"far"},"path":["a","b","c","p"]},)"
      R"({"annotations":{"scope":"document","title":"doc"},"path":["a","b","c","p"]},)"
      R"({"annotations":{"scope":"package","title":"leaf package"},"path":["a","b","c"]},)"
      R"({"annotations":{"scope":"subpackages","title":"mid"},"path":["a","b"]},)"
      R"({"annotations":{"scope":"subpackages","title":"root"},"path":["a"]}])");
}

TEST(MetadataRewriteTest, ChainOfUnannotatedRuleStartsWithItsPath) {
  EXPECT_EQ(Value1("package t\nf(_) := rego.metadata.chain()\np := f(1)\n", "data.t.p"),
            R"([{"path":["t","f"]}])");
}

TEST(MetadataRewriteTest, OutputOperandAndCallsInComprehensions) {
  std::string policy = R"(package t

# METADATA
# title: T
p := [t | rego.metadata.rule(m); t := m.title]
q if rego.metadata.chain(c)
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), R"(["T"])");
  EXPECT_EQ(Value1(policy, "data.t.q"), "true");
}

TEST(MetadataRewriteTest, ElseBranchHasNoRuleBlock) {
  std::string policy = R"(package t

# METADATA
# title: T
p := rego.metadata.rule() if false else := rego.metadata.rule()
)";
  EXPECT_EQ(Value1(policy, "data.t.p"), "{}");
}

TEST(MetadataRewriteTest, RedeclaredPackageBlockIsATypeError) {
  std::string a = "# METADATA\n# title: a\npackage t\n";
  std::string b = "# METADATA\n# title: b\npackage t\np := 1\n";
  EXPECT_EQ(Eval({a, b}, "data.t.p"),
            "error: rego_type_error: test-1.rego:1:1: rego_type_error: package annotation "
            "redeclared: test-0.rego:1");
}

TEST(MetadataRewriteTest, CallInAQueryFailsAtRunTime) {
  EXPECT_THAT(Value1("package t\n", "x := rego.metadata.rule()", "", "", /*strict=*/true),
              HasSubstr("rego.metadata.rule: the rego.metadata.rule function must only be "
                        "called within the scope of a rule"));
}

}  // namespace
}  // namespace verdict::compile
