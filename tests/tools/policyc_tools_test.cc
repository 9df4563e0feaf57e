// Runs `policyc test` and `policyc disasm` (<build>/bin/policyc) as a user
// would: output lines, exit codes, filters, --help and usage errors. The
// fixtures are in tests/tools/testdata (failing/ has one test of each
// outcome at fixed lines; passing/ reads data.json and mocks the clock);
// cases that need odd files write them to a temporary directory.
#include <sys/wait.h>
#include <unistd.h>

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
using ::testing::ContainsRegex;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Outcome = ::verdict::testing::PolicycOutcome;

// policyc from the source directory, so paths in the output are relative
// to it.
Outcome Policyc(const std::string& args, bool with_stderr = false) {
  return ::verdict::testing::RunPolicyc(args, with_stderr, /*from_source_dir=*/true);
}

constexpr char kFailing[] = "tests/tools/testdata/failing";
constexpr char kFailingFile[] = "tests/tools/testdata/failing/failing_test.rego";
constexpr char kPassing[] = "tests/tools/testdata/passing";

class PolicycToolsTest : public ::verdict::testing::TempDirTest {};

// --- policyc test ------------------------------------------------------------

TEST_F(PolicycToolsTest, FailingSuiteReportsEachFailureWithItsRuleLocation) {
  Outcome r = Policyc(std::string("test ") + kFailing);
  EXPECT_EQ(r.exit_code, 1);
  const std::string file = kFailingFile;
  EXPECT_EQ(r.out,
            file + ":11: FAIL data.fixture.test_bob_is_allowed (undefined)\n" +
                file + ":13: FAIL data.fixture.test_explicitly_false (false)\n" +
                file + ":17: ERROR data.fixture.test_conflict: " + file +
                ":19:1: eval_conflict_error: complete rules must not produce "
                "multiple outputs\n"
                "2 passed, 3 failed, 1 skipped\n");
}

TEST_F(PolicycToolsTest, VerboseListsEveryTestWithItsTime) {
  Outcome r = Policyc(std::string("test -v ") + kFailing);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, ContainsRegex(std::string(kFailingFile) +
                                   ":9: PASS data\\.fixture\\.test_alice_is_allowed "
                                   "\\([0-9]+\\.[0-9]{3}ms\\)\n"));
  EXPECT_THAT(r.out, ContainsRegex(":15: PASS data\\.fixture\\.test_non_boolean_value_passes "
                                   "\\([0-9]+\\.[0-9]{3}ms\\)\n"));
  EXPECT_THAT(r.out, ContainsRegex(":11: FAIL data\\.fixture\\.test_bob_is_allowed "
                                   "\\(undefined\\) \\([0-9.]+ms\\)\n"));
  EXPECT_THAT(r.out, HasSubstr(":21: SKIP data.fixture.todo_test_not_written_yet\n"));
  EXPECT_THAT(r.out, EndsWith("2 passed, 3 failed, 1 skipped\n"));
}

// print() output appears under a failing test (and under every test with
// -v), indented, as opa test shows it; a passing test stays quiet.
TEST_F(PolicycToolsTest, PrintOutputShowsUnderFailingTests) {
  std::string f = Write("print_test.rego", R"(package p
test_quiet if { print("not shown"); true }
test_loud if { print("saw", input.x, [1, "a"]); false }
)");
  Outcome r = Policyc("test " + f);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, f + ":3: FAIL data.p.test_loud (undefined)\n"
                       "  saw <undefined> [1, \"a\"]\n"
                       "1 passed, 1 failed\n");
  r = Policyc("test -v " + f);
  EXPECT_THAT(r.out, ContainsRegex("PASS data\\.p\\.test_quiet \\([0-9.]+ms\\)\n  not shown\n"));
}

TEST_F(PolicycToolsTest, DuplicateTestNamesAreFlagged) {
  Outcome r = Policyc(std::string("test ") + kFailing, /*with_stderr=*/true);
  EXPECT_THAT(r.out, HasSubstr(std::string(kFailingFile) +
                               ":17: warning: data.fixture.test_conflict has 2 "
                               "definitions"));
}

TEST_F(PolicycToolsTest, RunFilterSelectsTestsByFullName) {
  Outcome r = Policyc(std::string("test --run 'alice|non_boolean' ") + kFailing);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "2 passed, 0 failed\n");

  r = Policyc(std::string("test -r '^data\\.fixture\\.test_explicitly' ") + kFailing);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, EndsWith("0 passed, 1 failed\n"));

  r = Policyc(std::string("test --run=todo_ ") + kFailing);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "0 passed, 0 failed, 1 skipped\n");
}

TEST_F(PolicycToolsTest, PassingSuiteSeesDataAndMockedClock) {
  Outcome r = Policyc(std::string("test ") + kPassing);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "4 passed, 0 failed, 1 skipped\n");
}

TEST_F(PolicycToolsTest, SeveralPathsRunTogether) {
  Outcome r = Policyc(std::string("test ") + kPassing + " " + kFailingFile);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, EndsWith("6 passed, 3 failed, 2 skipped\n"));
}

TEST_F(PolicycToolsTest, NoTestsIsAFailure) {
  std::string f = Write("p.rego", "package p\nallow if input.x == 1\n");
  Outcome r = Policyc("test " + f, /*with_stderr=*/true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("no tests found"));
  r = Policyc(std::string("test --run nothing_matches ") + kPassing, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("no tests found (matching --run)"));
}

TEST_F(PolicycToolsTest, ParseAndCompileErrorsStopTheRun) {
  std::string bad = Write("bad/p.rego", "package p\ntest_x if {\n");
  Outcome r = Policyc("test " + dir_.string() + "/bad", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(bad + ":3:1: rego_parse_error:"));
  EXPECT_THAT(r.out, Not(HasSubstr("passed")));

  std::string unsafe = Write("unsafe/p.rego", "package p\ntest_x if { x }\n");
  r = Policyc("test " + dir_.string() + "/unsafe", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(unsafe + ":2:13: rego_unsafe_var_error: var x is unsafe"));
}

TEST_F(PolicycToolsTest, StrictTurnsBuiltinErrorsIntoErrors) {
  std::string f = Write("p.rego", "package p\ntest_div if 1 / 0 == 1\n");
  Outcome r = Policyc("test " + f);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(f + ":2: FAIL data.p.test_div (undefined)\n"));
  r = Policyc("test --strict " + f);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(f + ":2: ERROR data.p.test_div: " + f +
                               ":2:13: eval_builtin_error: div: divide by zero\n"));
}

TEST_F(PolicycToolsTest, TestUsage) {
  Outcome r = Policyc("test --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: policyc test PATH..."));
  EXPECT_EQ(Policyc("test").exit_code, 2);
  EXPECT_EQ(Policyc(std::string("test --bogus ") + kPassing).exit_code, 2);
  EXPECT_EQ(Policyc(std::string("test --run") ).exit_code, 2);
  r = Policyc(std::string("test --run '(' ") + kPassing, true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("bad --run pattern"));
  r = Policyc("test /no/such/dir", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("no such file or directory: /no/such/dir"));
}

// --- policyc disasm ----------------------------------------------------------

constexpr char kAuthz[] =
    "package authz\n"                        // 1
    "\n"                                     // 2
    "default allow := false\n"               // 3
    "\n"                                     // 4
    "allow if input.user in admins\n"        // 5
    "\n"                                     // 6
    "admins := {u | some u in data.staff}\n"  // 7 (not a constant: calls stay)
    "\n"                                     // 8
    "unrelated := count(input.items)\n";     // 9

TEST_F(PolicycToolsTest, DisasmListsEveryFunctionWithSourceLocations) {
  std::string f = Write("authz.rego", kAuthz);
  Outcome r = Policyc("disasm " + f);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("entry point data.authz.allow\n"));
  EXPECT_THAT(r.out, HasSubstr("entry point data.authz.unrelated\n"));
  // Instructions carry file:line:col of the expression they implement.
  EXPECT_THAT(r.out, ContainsRegex("LoadInput R[0-9]+ K\\[[0-9]+\\]=\\[\"user\"\\] -> [0-9]+ +; " +
                                    f + ":5:[0-9]+\n"));
  EXPECT_THAT(r.out, ContainsRegex("<count> .*; " + f + ":9:[0-9]+\n"));
}

TEST_F(PolicycToolsTest, DisasmQueryListsOnlyWhatItReaches) {
  std::string f = Write("authz.rego", kAuthz);
  Outcome r = Policyc("disasm " + f + " -q data.authz.allow");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("function "));
  EXPECT_THAT(r.out, HasSubstr("entry point data.authz.allow\n"));
  EXPECT_THAT(r.out, HasSubstr("data.authz.admins"));
  EXPECT_THAT(r.out, Not(HasSubstr("data.authz.unrelated")));

  // Any other query is compiled as its own function.
  r = Policyc("disasm " + f + " --query 'x := data.authz.admins[_]'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("entry point query\n"));
  EXPECT_THAT(r.out, HasSubstr("data.authz.admins"));
  EXPECT_THAT(r.out, Not(HasSubstr("data.authz.allow")));
}

TEST_F(PolicycToolsTest, DisasmReportsCompileErrors) {
  std::string f = Write("p.rego", "package p\nallow if { x }\n");
  Outcome r = Policyc("disasm " + f, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(f + ":2:12: rego_unsafe_var_error: var x is unsafe"));
  std::string g = Write("q.rego", kAuthz);
  r = Policyc("disasm " + g + " -q 'data.authz.allow +'", true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("rego_parse_error"));
}

TEST_F(PolicycToolsTest, DisasmUsage) {
  Outcome r = Policyc("disasm --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: policyc disasm PATH..."));
  EXPECT_EQ(Policyc("disasm").exit_code, 2);
  EXPECT_EQ(Policyc(std::string("disasm -q")).exit_code, 2);
  EXPECT_EQ(Policyc(std::string("disasm --bogus ") + kPassing).exit_code, 2);
}

TEST_F(PolicycToolsTest, TopLevelHelpListsTestAndDisasm) {
  Outcome r = Policyc("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, ContainsRegex("\n  test +run the test_\\* rules"));
  EXPECT_THAT(r.out, ContainsRegex("\n  disasm +print the compiled bytecode"));
}

// --- policyc eval --explain ----------------------------------------------------

constexpr char kExplained[] =
    "package ex\n"                                        // 1
    "\n"                                                  // 2
    "default allow := false\n"                            // 3
    "\n"                                                  // 4
    "allow if input.user in admins\n"                     // 5
    "\n"                                                  // 6
    "admins contains \"alice\"\n"                          // 7
    "\n"                                                  // 8
    "decision := {\"allow\": allow, \"admins\": admins}\n";  // 9

TEST_F(PolicycToolsTest, EvalExplainPrintsTheRulesAfterTheResult) {
  std::string f = Write("ex.rego", kExplained);
  std::string input = Write("input.json", R"({"user": "alice"})");
  Outcome r = Policyc("eval --explain -d " + f + " -i " + input + " -q data.ex.decision");
  EXPECT_EQ(r.exit_code, 0);
  // allow tests membership in admins in place (generator fusion); the
  // decision then evaluates admins as a document.
  EXPECT_EQ(r.out, "{\"result\":{\"admins\":[\"alice\"],\"allow\":true}}\n"
                   "data.ex.allow  " + f + ":5:1\n"
                   "data.ex.admins  " + f + ":7:1\n"
                   "data.ex.decision  " + f + ":9:1\n");

  // Another user: the default decides allow.
  input = Write("input.json", R"({"user": "bob"})");
  r = Policyc("eval --explain -d " + f + " -i " + input + " -q data.ex.allow");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "{\"result\":false}\n"
                   "data.ex.allow  " + f + ":3:1\n");
}

TEST_F(PolicycToolsTest, EvalPrintsToStandardError) {
  std::string f = Write("pr.rego", "package pr\nallow if { print(\"user\", input.user); true }\n");
  std::string input = Write("input.json", R"({"user": "alice"})");
  Outcome quiet = Policyc("eval -d " + f + " -i " + input + " -q data.pr.allow");
  EXPECT_EQ(quiet.out, "{\"result\":true}\n");  // stdout alone: the result only
  Outcome all = Policyc("eval -d " + f + " -i " + input + " -q data.pr.allow", true);
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_THAT(all.out, HasSubstr("user alice\n"));
}

TEST_F(PolicycToolsTest, EvalExplainWithJsonlAddsAnExplanationArray) {
  std::string f = Write("ex.rego", kExplained);
  std::string lines = Write("in.jsonl", "{\"user\": \"bob\"}\nnot json\n");
  Outcome r = Policyc("eval --explain -d " + f + " --input-jsonl " + lines + " -q data.ex.allow");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("{\"result\":false,\"explanation\":["
                                "{\"rule\":\"data.ex.allow\",\"location\":\"" + f + ":3:1\"}]}\n"
                                "{\"error\":{\"code\":\"json_error\""));
}

TEST_F(PolicycToolsTest, EvalHelpDocumentsExplain) {
  Outcome r = Policyc("eval --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--explain"));
}

}  // namespace
}  // namespace verdict
