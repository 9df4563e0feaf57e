// Tests of METADATA annotations (lib/syntax/annotations.h): blocks are found
// and attached to the statement below them, every field is decoded as OPA
// decodes it, scopes default and are checked, and malformed blocks are
// parse errors at the comment OPA points at.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "syntax/annotations.h"
#include "syntax/parse.h"
#include "testing/status_matchers.h"

namespace verdict::syntax {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

Module Parse(std::string_view source) {
  absl::StatusOr<Module> m = ParseModule(source, "a.rego");
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : Module();
}

// The first diagnostic of a module that must not parse.
Diagnostic FirstProblem(std::string_view source) {
  Diagnostics diags;
  std::optional<Module> m = ParseModule(SourceFile::Make("a.rego", std::string(source)), diags);
  EXPECT_FALSE(m.has_value()) << source;
  return diags.empty() ? Diagnostic() : diags[0];
}

std::string Json(const Annotations& a) { return ToJson(AnnotationsToValue(a)); }

TEST(AnnotationsTest, ModuleWithoutBlocksHasNone) {
  Module m = Parse("package p\n# just a comment\np := 1\n");
  EXPECT_TRUE(m.annotations.empty());
  EXPECT_EQ(m.comments.size(), 1u);
}

TEST(AnnotationsTest, PackageAndRuleBlocksGetDefaultScopes) {
  Module m = Parse(R"(# METADATA
# description: The package
package p

# METADATA
# title: First
# authors:
# - The OPA contributors
p := 1

q := 2
)");
  ASSERT_EQ(m.annotations.size(), 2u);
  const Annotations& pkg = m.annotations[0];
  EXPECT_EQ(pkg.target, AnnotationTarget::kPackage);
  EXPECT_EQ(pkg.span.line, 1);
  EXPECT_EQ(pkg.span.col, 1);
  EXPECT_EQ(Json(pkg), R"({"description":"The package","scope":"package"})");
  const Annotations& rule = m.annotations[1];
  EXPECT_EQ(rule.target, AnnotationTarget::kRule);
  EXPECT_EQ(rule.rule_index, 0u);
  EXPECT_EQ(rule.span.line, 5);
  EXPECT_EQ(Json(rule),
            R"({"authors":[{"name":"The OPA contributors"}],"scope":"rule","title":"First"})");
}

TEST(AnnotationsTest, BlockAttachesToTheNextStatementEvenAfterABlankLine) {
  Module m = Parse(R"(package p

a := 1

# METADATA
# title: for b

b := 2
c := 3
)");
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(m.annotations[0].rule_index, 1u);  // b, not a or c
}

TEST(AnnotationsTest, OneRuleMayHaveSeveralRuleBlocks) {
  Module m = Parse(R"(package p

# METADATA
# title: far

# METADATA
# title: near
r := 1
)");
  ASSERT_EQ(m.annotations.size(), 2u);
  EXPECT_EQ(m.annotations[0].rule_index, 0u);
  EXPECT_EQ(m.annotations[1].rule_index, 0u);
  EXPECT_EQ(m.annotations[1].title, "near");
}

TEST(AnnotationsTest, EveryFieldIsDecoded) {
  Module m = Parse(R"(package p

# METADATA
# scope: document
# title: All fields
# description: |
#   Two
#   lines
# organizations:
# - Acme Corp.
# - Other
# related_resources:
# - https://example.com
# - ref: https://example.com/doc
#   description: The docs
# authors:
# - Jane Doe <jane@example.com>
# - name: John
#   email: john@example.com
# - <only@example.com>
# schemas:
# - input: schema.input
# - data.x.y: {type: string}
# entrypoint: true
# custom:
#   severity: HIGH
#   list: [1, 2]
allow := true
)");
  ASSERT_EQ(m.annotations.size(), 1u);
  const Annotations& a = m.annotations[0];
  EXPECT_EQ(a.scope, "document");
  EXPECT_EQ(a.description, "Two\nlines\n");
  EXPECT_TRUE(a.entrypoint);
  EXPECT_EQ(Json(a),
            R"({"authors":[{"email":"jane@example.com","name":"Jane Doe"},)"
            R"({"email":"john@example.com","name":"John"},{"email":"only@example.com"}],)"
            R"("custom":{"list":[1,2],"severity":"HIGH"},"description":"Two\nlines\n",)"
            R"("entrypoint":true,"organizations":["Acme Corp.","Other"],)"
            R"("related_resources":[{"ref":"https://example.com"},)"
            R"({"description":"The docs","ref":"https://example.com/doc"}],)"
            R"("schemas":[{"path":["input"],"schema":["schema","input"]},)"
            R"({"definition":{"type":"string"},"path":["data","x","y"]}],)"
            R"("scope":"document","title":"All fields"})");
}

TEST(AnnotationsTest, EntrypointMakesARuleBlockDocumentScoped) {
  Module m = Parse("package p\n# METADATA\n# entrypoint: true\nallow := true\n");
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(m.annotations[0].scope, "document");
}

TEST(AnnotationsTest, SubpackagesScopeOnPackage) {
  Module m = Parse("# METADATA\n# scope: subpackages\n# title: t\npackage a.b\n");
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(m.annotations[0].scope, "subpackages");
  EXPECT_EQ(m.annotations[0].target, AnnotationTarget::kPackage);
}

TEST(AnnotationsTest, UnknownKeysAreIgnoredAsOpaDoes) {
  Module m = Parse("package p\n# METADATA\n# title: t\n# severity: high\nr := 1\n");
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(Json(m.annotations[0]), R"({"scope":"rule","title":"t"})");
}

TEST(AnnotationsTest, IndentedOrTrailingCommentsAreNotBlocks) {
  Module m = Parse("package p\n\nr := 1 # METADATA\n  # METADATA\ns := 2\n");
  EXPECT_TRUE(m.annotations.empty());
}

TEST(AnnotationsTest, ABlankLineEndsTheBlock) {
  Module m = Parse(R"(package p

# METADATA
# title: one

# description: not part of the block
r := 1
)");
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(Json(m.annotations[0]), R"({"scope":"rule","title":"one"})");
}

TEST(AnnotationsTest, ANewMetadataLineStartsANewBlock) {
  Module m = Parse(R"(package p

# METADATA
# title: one
# METADATA
# title: two
r := 1
)");
  ASSERT_EQ(m.annotations.size(), 2u);
  EXPECT_EQ(m.annotations[0].title, "one");
  EXPECT_EQ(m.annotations[1].title, "two");
}

TEST(AnnotationsTest, RuleScopeOnPackageIsAnError) {
  Diagnostic d = FirstProblem("# METADATA\n# scope: rule\npackage p\n");
  EXPECT_EQ(d.code, ErrorCode::kParseError);
  EXPECT_EQ(d.span.line, 1);
  EXPECT_EQ(d.span.col, 1);
  EXPECT_EQ(d.message, "annotation scope 'rule' must be applied to rule (have package)");
}

TEST(AnnotationsTest, PackageScopeOnRuleIsAnError) {
  Diagnostic d = FirstProblem("package p\n\n# METADATA\n# scope: package\nr := 1\n");
  EXPECT_EQ(d.span.line, 3);
  EXPECT_EQ(d.message, "annotation scope 'package' must be applied to package (have rule)");
}

TEST(AnnotationsTest, UnknownScopeIsAnError) {
  Diagnostic d = FirstProblem("package p\n\n# METADATA\n# scope: everything\nr := 1\n");
  EXPECT_EQ(d.span.line, 3);
  EXPECT_EQ(d.message, "invalid annotation scope 'everything'. Use one of 'rule', "
                       "'document', 'package', or 'subpackages'");
}

TEST(AnnotationsTest, BlockOnImportIsAnError) {
  Diagnostic d = FirstProblem("package p\n# METADATA\n# title: t\nimport rego.v1\n");
  EXPECT_EQ(d.message, "invalid annotation scope 'import'. Use one of 'rule', "
                       "'document', 'package', or 'subpackages'");
}

TEST(AnnotationsTest, BlockWithNothingBelowIsAnError) {
  Diagnostic d = FirstProblem("package p\nr := 1\n# METADATA\n# scope: rule\n");
  EXPECT_EQ(d.message, "annotation scope 'rule' must be applied to rule");
}

TEST(AnnotationsTest, EntrypointOnRuleScopeIsAnError) {
  Diagnostic d =
      FirstProblem("package p\n# METADATA\n# scope: rule\n# entrypoint: true\nr := 1\n");
  EXPECT_EQ(d.message, "annotation entrypoint applied to non-document or package scope 'rule'");
}

TEST(AnnotationsTest, EmptyBlockIsAnError) {
  Diagnostic d = FirstProblem("package p\n# METADATA\n#\nr := 1\n");
  EXPECT_EQ(d.span.line, 2);
  EXPECT_EQ(d.message, "expected METADATA block, found whitespace");
}

TEST(AnnotationsTest, MalformedYamlPointsAtTheCommentOpaNames) {
  // OPA indexes the block's comments (0-based) with the 1-based YAML line
  // number of the error, clamped to the last comment.
  Diagnostic d = FirstProblem(R"(package p

# METADATA
# title: t
# authors: [a
# x: 1
r := 1
)");
  EXPECT_EQ(d.code, ErrorCode::kParseError);
  EXPECT_EQ(d.message, "yaml: line 3: did not find expected ',' or ']'");
  // YAML line 3 names comment index 3 of a 3-comment block: the last one.
  EXPECT_EQ(d.span.line, 6);
  EXPECT_EQ(d.span.col, 1);
}

TEST(AnnotationsTest, WronglyTypedFieldIsAnUnmarshalError) {
  Diagnostic d = FirstProblem("package p\n# METADATA\n# title: [a, b]\nr := 1\n");
  EXPECT_EQ(d.message, "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string");
  // Line 1 of the YAML is the only comment after METADATA (the last one).
  EXPECT_EQ(d.span.line, 3);
}

TEST(AnnotationsTest, InvalidAuthorsAndResources) {
  EXPECT_EQ(FirstProblem("package p\n# METADATA\n# authors:\n# - {}\nr := 1\n").message,
            "invalid author definition map[]: 'name' and/or 'email' values required in object");
  EXPECT_EQ(FirstProblem("package p\n# METADATA\n# authors:\n# - 12\nr := 1\n").message,
            "invalid author definition 12: invalid value type, must be string or map");
  EXPECT_EQ(
      FirstProblem("package p\n# METADATA\n# related_resources:\n# - description: d\nr := 1\n")
          .message,
      "invalid related-resource definition map[description:d]: 'ref' value required in object");
  EXPECT_EQ(FirstProblem("package p\n# METADATA\n# schemas:\n# - input: nope\nr := 1\n").message,
            "invalid schema reference");
}

TEST(AnnotationsTest, StatusFormCarriesFileLineAndColumn) {
  absl::StatusOr<Module> m =
      ParseModule("package p\n\n# METADATA\n# scope: package\nr := 1\n", "x.rego");
  EXPECT_THAT(m, StatusIs(ErrorCode::kParseError,
                          HasSubstr("x.rego:3:1: rego_parse_error: annotation scope "
                                    "'package' must be applied to package (have rule)")));
}

TEST(AnnotationsTest, CanBeSwitchedOff) {
  ParseOptions options;
  options.annotations = false;
  absl::StatusOr<Module> m =
      ParseModule("package p\n# METADATA\n# scope: nonsense\nr := 1\n", "x.rego", options);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->annotations.empty());
  EXPECT_EQ(m->comments.size(), 2u);
}

}  // namespace
}  // namespace verdict::syntax
