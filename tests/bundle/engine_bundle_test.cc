// Tests of bundles in the Engine (lib/api/engine_bundle.cc): activation
// evaluates the bundle, several bundles with disjoint roots work together,
// and every failed activation (overlapping roots, packages outside roots,
// bad signatures, corrupt programs) leaves the previous state in place.
#include "bundle_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::verdict::testing::FindFile;
using ::verdict::testing::FixtureFiles;
using ::verdict::testing::Key;
using ::verdict::testing::ScratchDir;
using ::verdict::testing::StatusIs;
using ::verdict::testing::TestData;

// The JSON result of [query] for [input] ("" when undefined).
std::string Eval(const Engine& engine, std::string_view query, std::string_view input = "{}") {
  absl::StatusOr<Value> in = ParseJson(input);
  EXPECT_TRUE(in.ok());
  absl::StatusOr<Decision> d = engine.Evaluate(query, *in);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok() || !d->defined) return "";
  return ToJson(d->result);
}

std::string Fixture(const std::string& name) { return (TestData() / name).string(); }

TEST(EngineBundleTest, LoadBundleEvaluatesIt) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "bob", "action": "write"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "carol", "action": "write"})"),
            "false");
  EXPECT_EQ(Eval(engine, "data.authz.roles", R"({"user": "carol"})"), R"(["reader"])");
  EXPECT_EQ(Eval(engine, "data.roles.admins"), R"(["alice"])");
  std::vector<BundleStatus> status = engine.Bundles();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].name, Fixture("basic"));
  EXPECT_EQ(status[0].revision, "rev-1");
  EXPECT_FALSE(status[0].precompiled);  // the fixture has no program.vbc
}

TEST(EngineBundleTest, DisjointBundlesWorkTogether) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  ASSERT_OK(engine.LoadBundle(Fixture("other")));
  EXPECT_EQ(Eval(engine, "data.billing.limit", R"({"plan": "pro"})"), "1000");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
  EXPECT_EQ(engine.Bundles().size(), 2u);
}

TEST(EngineBundleTest, ActivateBundlesAtOnce) {
  ASSERT_OK_AND_ASSIGN(Bundle a, ReadBundle(Fixture("basic")));
  ASSERT_OK_AND_ASSIGN(Bundle b, ReadBundle(Fixture("other")));
  std::vector<Bundle> both;
  both.push_back(std::move(a));
  both.push_back(std::move(b));
  Engine engine;
  ASSERT_OK(engine.ActivateBundles(std::move(both)));
  EXPECT_EQ(Eval(engine, "data.billing.limit", R"({"plan": "free"})"), "10");
}

// The active state is unchanged: same bundles, same answers.
void ExpectOnlyBasicActive(const Engine& engine) {
  std::vector<BundleStatus> status = engine.Bundles();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].revision, "rev-1");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "mallory"})"), "false");
}

TEST(EngineBundleTest, OverlappingRootsAreRejectedAtomically) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  EXPECT_THAT(engine.LoadBundle(Fixture("overlap")),
              StatusIs(ErrorCode::kBundleError,
                       HasSubstr("overlapping roots in manifests for these bundles")));
  ExpectOnlyBasicActive(engine);

  // An empty root overlaps everything.
  ASSERT_OK_AND_ASSIGN(Bundle everything,
                       LoadBundleFiles({{"x/data.json", R"({"y": 1})"}}, "everything"));
  EXPECT_THAT(engine.ActivateBundle(std::move(everything)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("empty root paths")));
  ExpectOnlyBasicActive(engine);

  // The same root twice.
  ASSERT_OK_AND_ASSIGN(
      Bundle same, LoadBundleFiles({{".manifest", R"({"roots": ["roles"]})"}}, "same-root"));
  EXPECT_THAT(engine.ActivateBundle(std::move(same)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("root roles is in multiple bundles")));
  ExpectOnlyBasicActive(engine);
}

TEST(EngineBundleTest, PackageOutsideRootsIsRejected) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  ASSERT_OK_AND_ASSIGN(Bundle b, LoadBundleFiles({{".manifest", R"({"roots": ["billing"]})"},
                                                  {"x.rego", "package authz.sneaky\np := 1"}},
                                                 "sneaky"));
  EXPECT_THAT(engine.ActivateBundle(std::move(b)),
              StatusIs(ErrorCode::kBundleError,
                       HasSubstr("x.rego: manifest roots [\"billing\"] do not permit "
                                 "'package authz.sneaky'")));
  ExpectOnlyBasicActive(engine);
}

TEST(EngineBundleTest, CompileAndParseErrorsLeaveTheOldBundle) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  testing::WriteText(b / "authz" / "policy.rego", "package authz\nallow if {");
  EXPECT_THAT(engine.LoadBundle(b.string()), StatusIs(ErrorCode::kParseError));
  ExpectOnlyBasicActive(engine);
  testing::WriteText(b / "authz" / "policy.rego", "package authz\nallow if x == 1");
  EXPECT_FALSE(engine.LoadBundle(b.string()).ok());
  ExpectOnlyBasicActive(engine);
  // Malformed data.
  testing::WriteText(b / "authz" / "policy.rego", "package authz\nallow := true");
  testing::WriteText(b / "roles" / "data.json", "{oops");
  EXPECT_THAT(engine.LoadBundle(b.string()),
              StatusIs(ErrorCode::kBundleError, HasSubstr("roles/data.json")));
  ExpectOnlyBasicActive(engine);
}

TEST(EngineBundleTest, ReplacingABundleByNameSwapsItsDataAndRules) {
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  Engine engine;
  ASSERT_OK(engine.LoadBundle(b.string()));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "dave"})"), "false");
  testing::WriteText(b / "roles" / "admins" / "data.yaml", "- dave\n");
  testing::WriteText(b / ".manifest", R"({"revision": "rev-2", "roots": ["authz", "roles"]})");
  ASSERT_OK(engine.LoadBundle(b.string()));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "dave"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "false");
  ASSERT_EQ(engine.Bundles().size(), 1u);
  EXPECT_EQ(engine.Bundles()[0].revision, "rev-2");
}

TEST(EngineBundleTest, DeactivateRemovesDataAndRules) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  ASSERT_OK(engine.LoadBundle(Fixture("other")));
  ASSERT_OK(engine.DeactivateBundle(Fixture("basic")));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "");
  EXPECT_EQ(Eval(engine, "data.roles"), "");
  EXPECT_EQ(Eval(engine, "data.billing.limit", R"({"plan": "pro"})"), "1000");
  EXPECT_THAT(engine.DeactivateBundle("nope"), StatusIs(ErrorCode::kInvalidArgument));
}

TEST(EngineBundleTest, BundleDataReplacesApiDataUnderItsRootsOnly) {
  Engine engine;
  ASSERT_OK(engine.SetDataJson(R"({"roles": {"stale": true}, "config": {"debug": true}})"));
  ASSERT_OK(engine.AddModule("api.rego", "package api\ndebug := data.config.debug"));
  ASSERT_OK(engine.LoadBundle(Fixture("basic")));
  EXPECT_EQ(Eval(engine, "data.roles.stale"), "");
  EXPECT_EQ(Eval(engine, "data.config.debug"), "true");
  EXPECT_EQ(Eval(engine, "data.api.debug"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
}

// --- signed bundles in the engine ---------------------------------------------

TEST(EngineBundleTest, SignedBundleActivatesAndTamperedOnesDoNot) {
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  BundleSigningOptions signer;
  signer.key = Key("rsa_private.pem");
  signer.keyid = "ops";
  ASSERT_OK_AND_ASSIGN(std::vector<BundleFile> files, ReadBundleFiles(b.string()));
  ASSERT_OK_AND_ASSIGN(std::string sig, SignBundle(files, signer));
  testing::WriteText(b / ".signatures.json", sig);

  BundleReadOptions options;
  options.verification.emplace();
  options.verification->keys["ops"] = VerificationKey{"RS256", Key("rsa_public.pem"), ""};

  Engine engine;
  ASSERT_OK(engine.LoadBundle(b.string(), options));
  ASSERT_EQ(engine.Bundles().size(), 1u);
  EXPECT_TRUE(engine.Bundles()[0].signature_verified);

  // Wrong key, unknown key id, other scope: each its own failure, and the
  // active bundle stays.
  struct KeyCase {
    const char* what;
    std::string keyid;
    std::string public_key;
    std::string scope;
    SignatureFailure failure;
  } key_cases[] = {
      {"wrong key", "ops", Key("other_rsa_public.pem"), "", SignatureFailure::kBadSignature},
      {"unknown id", "nobody", Key("rsa_public.pem"), "", SignatureFailure::kUnknownKey},
      {"scope", "ops", Key("rsa_public.pem"), "prod", SignatureFailure::kScopeMismatch},
  };
  for (const KeyCase& c : key_cases) {
    SCOPED_TRACE(c.what);
    BundleReadOptions other;
    other.verification.emplace();
    other.verification->keys[c.keyid] = VerificationKey{"RS256", c.public_key, c.scope};
    absl::Status s = engine.LoadBundle(b.string(), other);
    EXPECT_THAT(s, StatusIs(ErrorCode::kSignatureError));
    EXPECT_EQ(GetSignatureFailure(s), c.failure);
    ExpectOnlyBasicActive(engine);
  }

  // Tamper with the policy: the engine keeps the verified one.
  std::string original = testing::ReadText(b / "authz" / "policy.rego");
  testing::WriteText(b / "authz" / "policy.rego", original + "\nallow if input.user == \"mallory\"\n");
  absl::Status s = engine.LoadBundle(b.string(), options);
  EXPECT_THAT(s, StatusIs(ErrorCode::kSignatureError));
  EXPECT_EQ(GetSignatureFailure(s), SignatureFailure::kDigestMismatch);
  ExpectOnlyBasicActive(engine);
  EXPECT_TRUE(engine.Bundles()[0].signature_verified);

  // Add a file the signature does not list.
  testing::WriteText(b / "authz" / "policy.rego", original);
  testing::WriteText(b / "authz" / "backdoor.rego", "package authz\nallow if true\n");
  s = engine.LoadBundle(b.string(), options);
  EXPECT_EQ(GetSignatureFailure(s), SignatureFailure::kUnsignedFile);
  ExpectOnlyBasicActive(engine);
  fs::remove(b / "authz" / "backdoor.rego");

  // Remove a signed file.
  fs::remove(b / "README.md");
  s = engine.LoadBundle(b.string(), options);
  EXPECT_EQ(GetSignatureFailure(s), SignatureFailure::kMissingFile);
  ExpectOnlyBasicActive(engine);

  // Drop the signature altogether.
  fs::remove(b / ".signatures.json");
  s = engine.LoadBundle(b.string(), options);
  EXPECT_EQ(GetSignatureFailure(s), SignatureFailure::kMissing);
  ExpectOnlyBasicActive(engine);
}

}  // namespace
}  // namespace verdict
