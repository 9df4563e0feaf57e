// Tests of BuildBundle and program.vbc (lib/api/engine_bundle.cc,
// lib/bundle/program_file.cc): build -> write -> read -> activate ->
// evaluate uses the precompiled program; a program from another bytecode
// format version or from other sources makes the engine compile the
// sources and say so; a corrupt program is an error that leaves the
// previous bundle active.
#include "bundle/program_file.h"
#include "bundle_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"
#include "vm/program.h"

namespace verdict {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::verdict::testing::FindFile;
using ::verdict::testing::FixtureFiles;
using ::verdict::testing::Key;
using ::verdict::testing::StatusIs;

std::string Eval(const Engine& engine, std::string_view query, std::string_view input) {
  absl::StatusOr<Value> in = ParseJson(input);
  absl::StatusOr<Decision> d = engine.Evaluate(query, *in);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok() || !d->defined) return "";
  return ToJson(d->result);
}

std::vector<std::string> Paths(const std::vector<BundleFile>& files) {
  std::vector<std::string> out;
  for (const BundleFile& f : files) out.push_back(f.path);
  return out;
}

// build -> .tar.gz bytes -> Bundle, as a service would receive it.
absl::StatusOr<Bundle> BuildAndRead(std::vector<BundleFile> sources,
                                    const BundleBuildOptions& options = {},
                                    const BundleReadOptions& read = {}) {
  absl::StatusOr<BuiltBundle> built = BuildBundle(std::move(sources), options);
  if (!built.ok()) return built.status();
  absl::StatusOr<std::string> targz = WriteBundleArchive(built->files);
  if (!targz.ok()) return targz.status();
  return ReadBundleArchive(*targz, "built.tar.gz", read);
}

TEST(BuildTest, BuiltBundleHoldsSourcesAndProgram) {
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(FixtureFiles("basic")));
  EXPECT_THAT(Paths(built.files),
              ElementsAre(".manifest", "README.md", "authz/policy.rego", "program.vbc",
                          "roles/admins/data.yaml", "roles/data.json"));
  EXPECT_THAT(built.warnings, IsEmpty());
  const BundleFile* program = FindFile(built.files, "program.vbc");
  ASSERT_OK_AND_ASSIGN(bundle::ProgramFile decoded, bundle::DecodeProgramFile(program->content));
  EXPECT_EQ(bundle::PeekProgramFormatVersion(decoded.program), vm::Program::kFormatVersion);
  EXPECT_OK(vm::Deserialize(decoded.program));
}

TEST(BuildTest, BuildLoadEvaluateUsesTheProgram) {
  ASSERT_OK_AND_ASSIGN(Bundle b, BuildAndRead(FixtureFiles("basic")));
  EXPECT_FALSE(b.program.empty());
  Engine engine;
  ASSERT_OK(engine.ActivateBundle(std::move(b)));
  ASSERT_EQ(engine.Bundles().size(), 1u);
  EXPECT_TRUE(engine.Bundles()[0].precompiled);
  EXPECT_THAT(engine.Bundles()[0].warnings, IsEmpty());
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "bob", "action": "write"})"), "true");
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "bob", "action": "read"})"), "false");
  // Queries beyond the entry points compile from the bundle's sources.
  EXPECT_EQ(Eval(engine, "x := count(data.authz.roles)", R"({"user": "bob"})"),
            R"([{"x":1}])");
}

TEST(BuildTest, ProgramAndSourceEvaluationAgree) {
  Engine from_source;
  ASSERT_OK(from_source.LoadBundle((testing::TestData() / "basic").string()));
  ASSERT_OK_AND_ASSIGN(Bundle b, BuildAndRead(FixtureFiles("basic")));
  Engine precompiled;
  ASSERT_OK(precompiled.ActivateBundle(std::move(b)));
  for (const char* input :
       {R"({"user": "alice"})", R"({"user": "bob", "action": "write"})",
        R"({"user": "carol", "action": "write"})", R"({})"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(Eval(precompiled, "data.authz.allow", input),
              Eval(from_source, "data.authz.allow", input));
    EXPECT_EQ(Eval(precompiled, "data.authz.roles", input),
              Eval(from_source, "data.authz.roles", input));
  }
}

TEST(BuildTest, OtherFormatVersionIsRecompiledWithAWarning) {
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(FixtureFiles("basic")));
  BundleFile* program = FindFile(built.files, "program.vbc");
  // The vm header's version field: 8 bytes wrapper magic, 4 version, 32
  // digest, then "VRDTPROG" and the u32 format version.
  program->content[44 + 8] = static_cast<char>(vm::Program::kFormatVersion + 1);
  ASSERT_OK_AND_ASSIGN(Bundle b, LoadBundleFiles(built.files, "old-format"));
  Engine engine;
  ASSERT_OK(engine.ActivateBundle(std::move(b)));
  BundleStatus status = engine.Bundles()[0];
  EXPECT_FALSE(status.precompiled);
  EXPECT_THAT(status.warnings, ElementsAre(HasSubstr("bytecode format version")));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
}

TEST(BuildTest, ProgramFromOtherSourcesIsNotUsed) {
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(FixtureFiles("basic")));
  // Someone edits the policy without rebuilding.
  FindFile(built.files, "authz/policy.rego")->content += "\nallow if input.user == \"dave\"\n";
  ASSERT_OK_AND_ASSIGN(Bundle b, LoadBundleFiles(built.files, "edited"));
  Engine engine;
  ASSERT_OK(engine.ActivateBundle(std::move(b)));
  EXPECT_FALSE(engine.Bundles()[0].precompiled);
  EXPECT_THAT(engine.Bundles()[0].warnings, ElementsAre(HasSubstr("other sources")));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "dave"})"), "true");
}

TEST(BuildTest, CorruptProgramIsAnErrorAndTheOldBundleStays) {
  Engine engine;
  ASSERT_OK(engine.LoadBundle((testing::TestData() / "basic").string()));
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(FixtureFiles("basic")));
  BundleFile* program = FindFile(built.files, "program.vbc");
  program->content[program->content.size() - 3] ^= 0x40;  // inside the payload
  ASSERT_OK_AND_ASSIGN(Bundle corrupt, LoadBundleFiles(built.files, "corrupt"));
  EXPECT_THAT(engine.ActivateBundle(std::move(corrupt)),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr("program.vbc")));
  // Bad wrapper magic.
  program->content[0] = 'X';
  ASSERT_OK_AND_ASSIGN(Bundle bad_magic, LoadBundleFiles(built.files, "bad-magic"));
  EXPECT_THAT(engine.ActivateBundle(std::move(bad_magic)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("not a verdict program file")));
  ASSERT_EQ(engine.Bundles().size(), 1u);
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
}

TEST(BuildTest, ProgramIsNotUsedBesideOtherBundles) {
  ASSERT_OK_AND_ASSIGN(Bundle b, BuildAndRead(FixtureFiles("basic")));
  Engine engine;
  ASSERT_OK(engine.ActivateBundle(std::move(b)));
  ASSERT_OK(engine.LoadBundle((testing::TestData() / "other").string()));
  std::vector<BundleStatus> status = engine.Bundles();
  ASSERT_EQ(status.size(), 2u);
  const BundleStatus& built = status[0].name == "built.tar.gz" ? status[0] : status[1];
  EXPECT_FALSE(built.precompiled);
  EXPECT_THAT(built.warnings, ElementsAre(HasSubstr("not used")));
  EXPECT_EQ(Eval(engine, "data.authz.allow", R"({"user": "alice"})"), "true");
  EXPECT_EQ(Eval(engine, "data.billing.limit", R"({"plan": "free"})"), "10");
}

TEST(BuildTest, SignedBuildVerifiesAndCoversTheProgram) {
  BundleBuildOptions options;
  options.signing.emplace();
  options.signing->key = Key("ec_private.pem");
  options.signing->algorithm = "ES256";
  options.signing->keyid = "release";
  BundleReadOptions read;
  read.verification.emplace();
  read.verification->keys["release"] = VerificationKey{"ES256", Key("ec_public.pem"), ""};
  ASSERT_OK_AND_ASSIGN(Bundle b, BuildAndRead(FixtureFiles("basic"), options, read));
  EXPECT_TRUE(b.signature.verified);
  bool program_signed = false;
  for (const SignedFileInfo& f : b.signature.files) program_signed |= f.name == "program.vbc";
  EXPECT_TRUE(program_signed);

  // Swapping in another program (here: one built from other sources) is
  // caught by the signature.
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(FixtureFiles("basic"), options));
  std::vector<BundleFile> other_sources = FixtureFiles("basic");
  FindFile(other_sources, "authz/policy.rego")->content += "\nallow if true\n";
  ASSERT_OK_AND_ASSIGN(BuiltBundle evil, BuildBundle(other_sources));
  *FindFile(built.files, "program.vbc") = *FindFile(evil.files, "program.vbc");
  absl::StatusOr<Bundle> tampered = LoadBundleFiles(built.files, "tampered", read);
  EXPECT_EQ(GetSignatureFailure(tampered.status()), SignatureFailure::kDigestMismatch);
}

TEST(BuildTest, RevisionAndOldDerivedFiles) {
  std::vector<BundleFile> sources = FixtureFiles("basic");
  sources.push_back({"program.vbc", "stale"});
  sources.push_back({".signatures.json", R"({"signatures": []})"});
  BundleBuildOptions options;
  options.revision = "v42";
  ASSERT_OK_AND_ASSIGN(BuiltBundle built, BuildBundle(sources, options));
  EXPECT_EQ(built.warnings.size(), 2u);
  EXPECT_EQ(FindFile(built.files, ".signatures.json"), nullptr);
  ASSERT_OK_AND_ASSIGN(Bundle b, LoadBundleFiles(built.files, "x"));
  EXPECT_EQ(b.manifest.revision, "v42");
  EXPECT_EQ(ToJson(b.manifest.metadata), R"({"owner":"platform"})");  // kept
}

TEST(BuildTest, BuildReportsProblems) {
  std::vector<BundleFile> bad_rego = {{"p.rego", "package p\nallow if {"}};
  EXPECT_THAT(BuildBundle(bad_rego), StatusIs(ErrorCode::kParseError, HasSubstr("p.rego:")));
  std::vector<BundleFile> unsafe = {{"p.rego", "package p\nallow if x > 1"}};
  EXPECT_FALSE(BuildBundle(unsafe).ok());
  std::vector<BundleFile> outside = {{".manifest", R"({"roots": ["a"]})"},
                                     {"p.rego", "package b\nx := 1"}};
  EXPECT_THAT(BuildBundle(outside),
              StatusIs(ErrorCode::kBundleError, HasSubstr("do not permit 'package b'")));
}

TEST(ProgramFileTest, EncodeDecode) {
  std::string digest(32, 'd');
  const std::string program("VRDTPROG\x07\0\0\0rest", 16);
  std::string file = bundle::EncodeProgramFile(digest, program);
  ASSERT_OK_AND_ASSIGN(bundle::ProgramFile decoded, bundle::DecodeProgramFile(file));
  EXPECT_EQ(decoded.sources_digest, digest);
  EXPECT_EQ(bundle::PeekProgramFormatVersion(decoded.program), 7u);
  EXPECT_THAT(bundle::DecodeProgramFile("short"), StatusIs(ErrorCode::kBundleError));
  std::string wrong_version = file;
  wrong_version[8] = 9;
  EXPECT_THAT(bundle::DecodeProgramFile(wrong_version),
              StatusIs(ErrorCode::kBundleError, HasSubstr("layout version 9")));
  EXPECT_EQ(bundle::PeekProgramFormatVersion("garbage"), std::nullopt);
}

TEST(ProgramFileTest, SourcesDigestDependsOnPathsAndText) {
  std::vector<BundleModule> a = {{"a.rego", "package a"}, {"b.rego", "package b"}};
  std::vector<BundleModule> reordered = {{"b.rego", "package b"}, {"a.rego", "package a"}};
  std::vector<BundleModule> renamed = {{"c.rego", "package a"}, {"b.rego", "package b"}};
  std::vector<BundleModule> edited = {{"a.rego", "package a "}, {"b.rego", "package b"}};
  EXPECT_EQ(bundle::SourcesDigest(a), bundle::SourcesDigest(reordered));
  EXPECT_NE(bundle::SourcesDigest(a), bundle::SourcesDigest(renamed));
  EXPECT_NE(bundle::SourcesDigest(a), bundle::SourcesDigest(edited));
  EXPECT_EQ(bundle::SourcesDigest(a).size(), 32u);
}

}  // namespace
}  // namespace verdict
