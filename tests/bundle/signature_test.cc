// Tests of bundle signatures (lib/bundle/signatures.cc, canonical_json.cc):
// the canonical JSON OPA hashes, signing with every algorithm family and
// verifying the result, and each way a signed bundle can fail with its own
// SignatureFailure.
#include "bundle/canonical_json.h"
#include "bundle/signatures.h"
#include "bundle_test_util.h"
#include "crypto/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::FindFile;
using ::verdict::testing::FixtureFiles;
using ::verdict::testing::Key;
using ::verdict::testing::StatusIs;

// --- canonical JSON ----------------------------------------------------------

TEST(CanonicalJsonTest, SortsKeysDropsSpaceKeepsNumberText) {
  ASSERT_OK_AND_ASSIGN(std::string c, bundle::CanonicalJson(R"( {
      "b": [1.0, 2e3, -0.5, 10000000000000000000000],
      "a": {"z": null, "y": true, "x": "s"}
    } )"));
  EXPECT_EQ(c, R"({"a":{"x":"s","y":true,"z":null},"b":[1.0,2e3,-0.5,10000000000000000000000]})");
}

TEST(CanonicalJsonTest, StringsAreReencodedLikeGo) {
  // Escapes decode, then re-encode without HTML escaping; U+2028 escaped.
  ASSERT_OK_AND_ASSIGN(std::string c,
                       bundle::CanonicalJson(R"(["\u0041<&>", "\/", "\u2028", "é", "\ud83d\ude00"])"));
  EXPECT_EQ(c, "[\"A<&>\",\"/\",\"\\u2028\",\"\xC3\xA9\",\"\xF0\x9F\x98\x80\"]");
  // Keys sort by bytes; a repeated key keeps its last value (Go's decoder).
  ASSERT_OK_AND_ASSIGN(c, bundle::CanonicalJson(R"({"b":1,"B":2,"b":3})"));
  EXPECT_EQ(c, R"({"B":2,"b":3})");
}

TEST(CanonicalJsonTest, RejectsInvalidJson) {
  for (const char* bad : {"{", "[1,]", "01", "{\"a\" 1}", "[1] x", "\"\x01\"", "tru", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(bundle::CanonicalJson(bad), StatusIs(ErrorCode::kBundleError));
  }
  EXPECT_OK(bundle::CanonicalJson("\xEF\xBB\xBF {} \n"));
}

TEST(CanonicalJsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_THAT(bundle::CanonicalJson(deep),
              StatusIs(ErrorCode::kBundleError, HasSubstr("nesting")));
}

TEST(CanonicalJsonTest, StructuredFilesHashCanonically) {
  BundleFile a{"x/data.json", R"({"b": 1, "a": 2})"};
  BundleFile b{"x/data.json", "{\n  \"a\": 2,\n  \"b\": 1\n}\n"};
  ASSERT_OK_AND_ASSIGN(std::string ha, bundle::FileDigestHex(a, "SHA-256"));
  ASSERT_OK_AND_ASSIGN(std::string hb, bundle::FileDigestHex(b, "SHA-256"));
  EXPECT_EQ(ha, hb);
  EXPECT_EQ(ha, crypto::Sha256Hex(R"({"a":2,"b":1})"));
  // Other files hash their bytes.
  BundleFile rego{"p.rego", "package p\n"};
  ASSERT_OK_AND_ASSIGN(std::string hr, bundle::FileDigestHex(rego, "SHA-256"));
  EXPECT_EQ(hr, crypto::Sha256Hex("package p\n"));
  EXPECT_THAT(bundle::FileDigestHex(rego, "SHA-999"), StatusIs(ErrorCode::kSignatureError));
}

// --- signing and verifying ---------------------------------------------------

BundleSigningOptions Rs256Signer() {
  BundleSigningOptions s;
  s.algorithm = "RS256";
  s.key = Key("rsa_private.pem");
  s.keyid = "ops";
  return s;
}

BundleVerificationConfig Rs256Verifier() {
  BundleVerificationConfig c;
  c.keys["ops"] = VerificationKey{"RS256", Key("rsa_public.pem"), ""};
  return c;
}

// The fixture's files plus a .signatures.json made with [signer].
std::vector<BundleFile> Signed(const BundleSigningOptions& signer,
                               std::vector<BundleFile> files = FixtureFiles("basic")) {
  absl::StatusOr<std::string> sig = SignBundle(files, signer);
  EXPECT_TRUE(sig.ok()) << sig.status();
  files.push_back({std::string(kBundleSignaturesFile), sig.ok() ? *sig : ""});
  return files;
}

absl::StatusOr<Bundle> Verify(std::vector<BundleFile> files, const BundleVerificationConfig& c) {
  BundleReadOptions options;
  options.verification = c;
  return LoadBundleFiles(std::move(files), "signed", options);
}

TEST(SignatureTest, SignaturesFileHasOpasLayout) {
  ASSERT_OK_AND_ASSIGN(std::string sig, SignBundle(FixtureFiles("basic"), Rs256Signer()));
  EXPECT_TRUE(sig.starts_with("{\n \"signatures\": [\n  \"ey")) << sig;
  ASSERT_OK_AND_ASSIGN(BundleSignatureInfo info, bundle::DescribeSignature(sig));
  EXPECT_EQ(info.algorithm, "RS256");
  EXPECT_EQ(info.keyid, "ops");
  ASSERT_EQ(info.files.size(), 5u);  // every file of the fixture
  for (const SignedFileInfo& f : info.files) {
    EXPECT_EQ(f.algorithm, "SHA-256");
    EXPECT_EQ(f.hash.size(), 64u);
    EXPECT_FALSE(f.name.starts_with("/"));
  }
}

TEST(SignatureTest, SignedBundleVerifiesWithEachAlgorithmFamily) {
  struct Case {
    const char* alg;
    std::string private_key, public_key;
  } cases[] = {
      {"RS256", Key("rsa_private.pem"), Key("rsa_public.pem")},
      {"RS512", Key("rsa_private.pem"), Key("rsa_public.pem")},
      {"PS256", Key("rsa_private.pem"), Key("rsa_public.pem")},
      {"ES256", Key("ec_private.pem"), Key("ec_public.pem")},
      {"HS256", "shared secret", "shared secret"},
      {"HS512", "shared secret", "shared secret"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.alg);
    BundleSigningOptions s;
    s.algorithm = c.alg;
    s.key = c.private_key;
    s.keyid = "k";
    BundleVerificationConfig v;
    v.keys["k"] = VerificationKey{c.alg, c.public_key, ""};
    ASSERT_OK_AND_ASSIGN(Bundle b, Verify(Signed(s), v));
    EXPECT_TRUE(b.signature.present);
    EXPECT_TRUE(b.signature.verified);
    EXPECT_EQ(b.signature.keyid, "k");
  }
}

TEST(SignatureTest, ReformattedJsonStillVerifies) {
  std::vector<BundleFile> files = Signed(Rs256Signer());
  FindFile(files, "roles/data.json")->content =
      "{\n  \"bindings\": {\n    \"carol\": [\"reader\"],\n    \"bob\": [\"writer\"]\n  }\n}\n";
  EXPECT_OK(Verify(files, Rs256Verifier()));
}

TEST(SignatureTest, ScopeAndKeyIdSelection) {
  BundleSigningOptions s = Rs256Signer();
  s.scope = "prod";
  BundleVerificationConfig v = Rs256Verifier();
  v.scope = "prod";
  EXPECT_OK(Verify(Signed(s), v));
  // The key's own scope applies when the bundle config sets none.
  v.scope = "";
  v.keys["ops"].scope = "prod";
  EXPECT_OK(Verify(Signed(s), v));
  // A configured keyid wins over the token's kid.
  BundleVerificationConfig by_config;
  by_config.keyid = "configured";
  by_config.keys["configured"] = VerificationKey{"RS256", Key("rsa_public.pem"), "prod"};
  EXPECT_OK(Verify(Signed(s), by_config));
}

TEST(SignatureTest, ExcludedFilesNeedNoSignature) {
  std::vector<BundleFile> files = Signed(Rs256Signer());
  files.push_back({"NOTES.md", "added after signing"});
  BundleVerificationConfig v = Rs256Verifier();
  v.exclude_files = {"*.md"};
  EXPECT_OK(Verify(files, v));
}

SignatureFailure FailureOf(const absl::StatusOr<Bundle>& b) {
  EXPECT_THAT(b, StatusIs(ErrorCode::kSignatureError));
  return GetSignatureFailure(b.status());
}

TEST(SignatureTest, EachFailureIsDistinct) {
  // Unsigned bundle, verification required.
  EXPECT_EQ(FailureOf(Verify(FixtureFiles("basic"), Rs256Verifier())), SignatureFailure::kMissing);

  // Signed bundle, no keys configured at all.
  EXPECT_EQ(FailureOf(LoadBundleFiles(Signed(Rs256Signer()), "signed")),
            SignatureFailure::kNoKeys);

  // No key under the token's kid.
  BundleVerificationConfig other_id;
  other_id.keys["someone-else"] = VerificationKey{"RS256", Key("rsa_public.pem"), ""};
  EXPECT_EQ(FailureOf(Verify(Signed(Rs256Signer()), other_id)), SignatureFailure::kUnknownKey);

  // The right id, the wrong public key.
  BundleVerificationConfig wrong_key;
  wrong_key.keys["ops"] = VerificationKey{"RS256", Key("other_rsa_public.pem"), ""};
  EXPECT_EQ(FailureOf(Verify(Signed(Rs256Signer()), wrong_key)), SignatureFailure::kBadSignature);

  // Scope differs.
  BundleVerificationConfig scoped = Rs256Verifier();
  scoped.scope = "prod";
  EXPECT_EQ(FailureOf(Verify(Signed(Rs256Signer()), scoped)), SignatureFailure::kScopeMismatch);

  // A file changed after signing.
  std::vector<BundleFile> changed = Signed(Rs256Signer());
  FindFile(changed, "authz/policy.rego")->content += "\nallow if true\n";
  absl::StatusOr<Bundle> b = Verify(changed, Rs256Verifier());
  EXPECT_EQ(FailureOf(b), SignatureFailure::kDigestMismatch);
  EXPECT_THAT(b.status().message(), HasSubstr("authz/policy.rego: digest mismatch"));

  // A file added after signing.
  std::vector<BundleFile> added = Signed(Rs256Signer());
  added.push_back({"extra/data.json", "{}"});
  b = Verify(added, Rs256Verifier());
  EXPECT_EQ(FailureOf(b), SignatureFailure::kUnsignedFile);
  EXPECT_THAT(b.status().message(), HasSubstr("extra/data.json not included"));

  // A signed file removed.
  std::vector<BundleFile> removed = Signed(Rs256Signer());
  removed.erase(std::remove_if(removed.begin(), removed.end(),
                               [](const BundleFile& f) { return f.path == "README.md"; }),
                removed.end());
  b = Verify(removed, Rs256Verifier());
  EXPECT_EQ(FailureOf(b), SignatureFailure::kMissingFile);
  EXPECT_THAT(b.status().message(), HasSubstr("[README.md] specified in bundle signatures"));

  // Garbage instead of a JWT, and envelopes with zero or two tokens.
  for (const char* envelope : {R"({"signatures": ["not.a.jwt"]})", R"({"signatures": []})",
                               R"({"signatures": ["a.b.c", "d.e.f"]})", "{"}) {
    SCOPED_TRACE(envelope);
    std::vector<BundleFile> files = FixtureFiles("basic");
    files.push_back({".signatures.json", envelope});
    EXPECT_EQ(FailureOf(Verify(files, Rs256Verifier())), SignatureFailure::kMalformed);
  }

  // A signature made for another plugin.
  std::vector<BundleFile> plugin = FixtureFiles("basic");
  plugin.push_back({".signatures.json", R"({"signatures": ["a.b.c"], "plugin": "custom"})"});
  EXPECT_EQ(FailureOf(Verify(plugin, Rs256Verifier())), SignatureFailure::kUnsupported);
}

TEST(SignatureTest, ConfiguredAlgorithmWinsOverTheHeader) {
  // Signed HS256 with the RSA public key's PEM text as the HMAC secret: the
  // classic confusion attack. The config says RS256, so it must fail.
  BundleSigningOptions s;
  s.algorithm = "HS256";
  s.key = Key("rsa_public.pem");
  s.keyid = "ops";
  EXPECT_EQ(FailureOf(Verify(Signed(s), Rs256Verifier())), SignatureFailure::kBadSignature);
}

TEST(SignatureTest, SigningErrors) {
  BundleSigningOptions s = Rs256Signer();
  s.key = Key("rsa_public.pem");
  EXPECT_THAT(SignBundle(FixtureFiles("basic"), s),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("public key")));
  s = Rs256Signer();
  s.algorithm = "none";
  EXPECT_THAT(SignBundle(FixtureFiles("basic"), s),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("unsupported")));
  s = Rs256Signer();
  s.algorithm = "ES256";  // RSA key
  EXPECT_THAT(SignBundle(FixtureFiles("basic"), s),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("does not fit")));
}

TEST(SignatureTest, ClaimsFileReplacesKeyidClaim) {
  BundleSigningOptions s = Rs256Signer();
  ASSERT_OK_AND_ASSIGN(s.claims, ParseJson(R"({"iss": "ci", "scope": "dev"})"));
  ASSERT_OK_AND_ASSIGN(std::string sig, SignBundle(FixtureFiles("basic"), s));
  ASSERT_OK_AND_ASSIGN(BundleSignatureInfo info, bundle::DescribeSignature(sig));
  EXPECT_EQ(info.scope, "dev");
  BundleVerificationConfig v = Rs256Verifier();
  v.scope = "dev";
  std::vector<BundleFile> files = FixtureFiles("basic");
  files.push_back({".signatures.json", sig});
  EXPECT_OK(Verify(files, v));
}

TEST(SignatureTest, SkipVerificationDescribesOnly) {
  BundleReadOptions options;
  options.skip_verification = true;
  ASSERT_OK_AND_ASSIGN(Bundle b, LoadBundleFiles(Signed(Rs256Signer()), "x", options));
  EXPECT_TRUE(b.signature.present);
  EXPECT_FALSE(b.signature.verified);
  EXPECT_EQ(b.signature.keyid, "ops");
}

}  // namespace
}  // namespace verdict
