// Runs the policyc binary (<build>/bin/policyc) as a user would for the
// bundle subcommands: build -> inspect -> eval -b, sign -> eval with a
// verification key, tampering caught with exit status 1, --help and usage
// errors.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "bundle_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/policyc_testing.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::verdict::testing::ScratchDir;
using ::verdict::testing::TestData;

using Outcome = ::verdict::testing::PolicycOutcome;

Outcome Policyc(const std::string& args, bool with_stderr = false) {
  return ::verdict::testing::RunPolicyc(args, with_stderr);
}

std::string Q(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(PolicycBundleTest, HelpForEachSubcommand) {
  for (const char* cmd : {"build", "sign", "inspect"}) {
    SCOPED_TRACE(cmd);
    Outcome help = Policyc(std::string(cmd) + " --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.out, HasSubstr(std::string("usage: policyc ") + cmd));
  }
  EXPECT_THAT(Policyc("eval --help").out, HasSubstr("-b, --bundle PATH"));
  EXPECT_THAT(Policyc("--help").out, HasSubstr("inspect"));
}

TEST(PolicycBundleTest, UsageErrorsExit2) {
  EXPECT_EQ(Policyc("build").exit_code, 2);
  EXPECT_EQ(Policyc("build --bogus x").exit_code, 2);
  EXPECT_EQ(Policyc("sign " + Q(TestData() / "basic")).exit_code, 2);  // no key
  EXPECT_EQ(Policyc("inspect").exit_code, 2);
  EXPECT_EQ(Policyc("inspect /nonexistent/bundle").exit_code, 2);
}

TEST(PolicycBundleTest, BuildInspectEval) {
  ScratchDir dir;
  fs::path out = dir / "bundle.tar.gz";
  Outcome build = Policyc("build -o " + Q(out) + " --revision r9 " + Q(TestData() / "basic"), true);
  ASSERT_EQ(build.exit_code, 0) << build.out;
  ASSERT_TRUE(fs::exists(out));

  Outcome inspect = Policyc("inspect " + Q(out));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.out;
  EXPECT_THAT(inspect.out, HasSubstr("revision:   r9"));
  EXPECT_THAT(inspect.out, HasSubstr("roots:      [\"authz\",\"roles\"]"));
  EXPECT_THAT(inspect.out, HasSubstr("  authz  (authz/policy.rego)"));
  EXPECT_THAT(inspect.out, HasSubstr("    allow\n"));
  EXPECT_THAT(inspect.out, HasSubstr("    roles\n"));
  EXPECT_THAT(inspect.out, HasSubstr("signature:  none"));
  EXPECT_THAT(inspect.out, HasSubstr("built from these sources"));

  Outcome json = Policyc("inspect --format json " + Q(out));
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_THAT(json.out, HasSubstr("\"sources_match\": true"));

  fs::path input = dir / "input.json";
  testing::WriteText(input, R"({"user": "alice"})");
  Outcome eval = Policyc("eval -b " + Q(out) + " -i " + Q(input) + " data.authz.allow", true);
  EXPECT_EQ(eval.exit_code, 0) << eval.out;
  EXPECT_EQ(eval.out, "{\"result\":true}\n");
}

TEST(PolicycBundleTest, BuildFailsOnBadPolicy) {
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  testing::WriteText(b / "authz" / "policy.rego", "package authz\nallow if {\n");
  Outcome build = Policyc("build -o " + Q(dir / "x.tar.gz") + " " + Q(b), true);
  EXPECT_EQ(build.exit_code, 1);
  EXPECT_THAT(build.out, HasSubstr("authz/policy.rego:"));
  EXPECT_FALSE(fs::exists(dir / "x.tar.gz"));
}

TEST(PolicycBundleTest, SignDirectoryThenVerifyAndTamper) {
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  fs::path keys = TestData() / "keys";
  Outcome sign = Policyc("sign --signing-key " + Q(keys / "rsa_private.pem") + " " + Q(b), true);
  ASSERT_EQ(sign.exit_code, 0) << sign.out;
  ASSERT_TRUE(fs::exists(b / ".signatures.json"));

  std::string verify = " --verification-key " + Q(keys / "rsa_public.pem") + " ";
  Outcome ok = Policyc("eval -b " + Q(b) + verify + "data.roles.admins", true);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out, "{\"result\":[\"alice\"]}\n");

  // Signed, but no key given: refused unless verification is skipped.
  Outcome no_key = Policyc("eval -b " + Q(b) + " data.roles.admins", true);
  EXPECT_EQ(no_key.exit_code, 1);
  EXPECT_THAT(no_key.out, HasSubstr("signature_error"));
  EXPECT_EQ(Policyc("eval --skip-verify -b " + Q(b) + " data.roles.admins").exit_code, 0);

  Outcome inspect = Policyc("inspect" + verify + Q(b));
  EXPECT_THAT(inspect.out, HasSubstr("signature:  verified, alg RS256, keyid \"default\""));

  testing::WriteText(b / "roles" / "data.json", R"({"bindings": {"mallory": ["writer"]}})");
  Outcome tampered = Policyc("eval -b " + Q(b) + verify + "data.roles.admins", true);
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_THAT(tampered.out, HasSubstr("roles/data.json: digest mismatch"));
  EXPECT_THAT(tampered.out, Not(HasSubstr("result")));
}

TEST(PolicycBundleTest, SignedBuildAndSignTarball) {
  ScratchDir dir;
  fs::path keys = TestData() / "keys";
  fs::path out = dir / "signed.tar.gz";
  Outcome build = Policyc("build --signing-alg HS256 --signing-key s3cret -o " + Q(out) + " " +
                              Q(TestData() / "basic"),
                          true);
  ASSERT_EQ(build.exit_code, 0) << build.out;
  std::string hs = " --verification-alg HS256 --verification-key s3cret ";
  Outcome eval = Policyc("eval -b " + Q(out) + hs + "data.roles.admins", true);
  EXPECT_EQ(eval.exit_code, 0) << eval.out;
  Outcome wrong = Policyc("eval -b " + Q(out) +
                              " --verification-alg HS256 --verification-key other data.roles.admins",
                          true);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.out, HasSubstr("failed to verify JWT signature"));

  // Re-sign the tarball in place with an EC key.
  Outcome sign = Policyc("sign --signing-alg ES256 --signing-key " + Q(keys / "ec_private.pem") +
                             " " + Q(out),
                         true);
  ASSERT_EQ(sign.exit_code, 0) << sign.out;
  Outcome ec = Policyc("eval -b " + Q(out) + " --verification-alg ES256 --verification-key " +
                           Q(keys / "ec_public.pem") + " data.roles.admins",
                       true);
  EXPECT_EQ(ec.exit_code, 0) << ec.out;
}

TEST(PolicycBundleTest, EvalRejectsOverlappingBundles) {
  Outcome both = Policyc("eval -b " + Q(TestData() / "basic") + " -b " +
                             Q(TestData() / "overlap") + " data.authz",
                         true);
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_THAT(both.out, HasSubstr("overlapping roots"));
}

}  // namespace
}  // namespace verdict
