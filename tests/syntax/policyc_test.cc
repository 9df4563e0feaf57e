// Runs the policyc binary (<build>/bin/policyc) as a user would: `check`
// output format, exit codes, directory recursion order, --help and usage
// errors.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/policyc_testing.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using Outcome = ::verdict::testing::PolicycOutcome;

Outcome Policyc(const std::string& args, bool with_stderr = false) {
  return ::verdict::testing::RunPolicyc(args, with_stderr);
}

class PolicycCheckTest : public ::verdict::testing::TempDirTest {};

TEST_F(PolicycCheckTest, GoodFilesPrintNothing) {
  std::string f = Write("ok.rego", "package a\nallow if input.x == 1\n");
  Outcome r = Policyc("check " + f);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST_F(PolicycCheckTest, ProblemsArePrintedOnePerLine) {
  std::string f = Write("bad.rego", "package a\nallow if {\n  x := 1 y := 2\n}\np[x]\n");
  Outcome r = Policyc("check " + f);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            f + ":3:10: rego_parse_error: unexpected ident token: expected \\n or ; or }\n" +
                f + ":5:1: rego_parse_error: `contains` keyword is required for partial set "
                    "rules\n");
  std::string g = Write("bad2.rego", "package a\nallow { true }\np[x]\n");
  r = Policyc("check " + g);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, g + ":2:7: rego_parse_error: `if` keyword is required before rule body\n" +
                       g + ":3:1: rego_parse_error: `contains` keyword is required for partial "
                           "set rules\n");
}

TEST_F(PolicycCheckTest, DirectoriesAreSearchedRecursivelyInSortedOrder) {
  Write("b/z.rego", "package z\nq :=\n");
  Write("a.rego", "package a\np := 1 2\n");
  Write("b/c/y.rego", "package y\nr if {\n");
  Write("b/notes.txt", "not rego {");
  Outcome r = Policyc("check " + dir_.string());
  EXPECT_EQ(r.exit_code, 1);
  std::string d = dir_.string();
  EXPECT_EQ(r.out, d + "/a.rego:2:8: rego_parse_error: unexpected number token\n" +
                       d + "/b/c/y.rego:3:1: rego_parse_error: unexpected eof token\n" +
                       d + "/b/z.rego:3:1: rego_parse_error: unexpected eof token\n");
}

TEST_F(PolicycCheckTest, TheWorkloadsAreClean) {
  Outcome r = Policyc("check " + std::string(VERDICT_SHARED_DIR) + "/workloads");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST_F(PolicycCheckTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Policyc("").exit_code, 2);
  EXPECT_EQ(Policyc("frobnicate").exit_code, 2);
  EXPECT_EQ(Policyc("check").exit_code, 2);
  EXPECT_EQ(Policyc("check --frob x.rego").exit_code, 2);
  EXPECT_EQ(Policyc("check " + (dir_ / "missing.rego").string()).exit_code, 2);
}

TEST_F(PolicycCheckTest, Help) {
  Outcome top = Policyc("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("usage: policyc <command>"));
  EXPECT_THAT(top.out, HasSubstr("check"));
  Outcome check = Policyc("check --help");
  EXPECT_EQ(check.exit_code, 0);
  EXPECT_THAT(check.out, HasSubstr("usage: policyc check FILE|DIR..."));
  Outcome unknown = Policyc("frobnicate", /*with_stderr=*/true);
  EXPECT_THAT(unknown.out, HasSubstr("unknown command 'frobnicate'"));
}

}  // namespace
}  // namespace verdict
