// Tests of the bundle reader (lib/bundle/loader.cc, manifest.cc): the
// manifest, data files merged at their directory paths, roots ownership,
// and every malformed-bundle case with its error naming the file.
#include "bundle/manifest.h"
#include "bundle_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::verdict::testing::FixtureFiles;
using ::verdict::testing::ScratchDir;
using ::verdict::testing::StatusIs;
using ::verdict::testing::TestData;

absl::StatusOr<Bundle> Load(std::vector<BundleFile> files) {
  return LoadBundleFiles(std::move(files), "test-bundle");
}

TEST(LoaderTest, ReadsTheBasicFixture) {
  ASSERT_OK_AND_ASSIGN(Bundle b, ReadBundle((TestData() / "basic").string()));
  EXPECT_EQ(b.manifest.revision, "rev-1");
  EXPECT_THAT(b.manifest.roots, ElementsAre("authz", "roles"));
  EXPECT_EQ(ToJson(b.manifest.metadata), R"({"owner":"platform"})");
  // roles/data.json at data.roles, roles/admins/data.yaml at data.roles.admins.
  EXPECT_EQ(ToJson(b.data),
            R"({"roles":{"admins":["alice"],"bindings":{"bob":["writer"],"carol":["reader"]}}})");
  ASSERT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.modules[0].path, "authz/policy.rego");
  EXPECT_TRUE(b.program.empty());
  EXPECT_FALSE(b.signature.present);
  EXPECT_EQ(b.files.size(), 5u);  // README.md is listed, though ignored
}

TEST(LoaderTest, ArchiveFromSystemTarLoadsTheSameAsTheDirectory) {
  ScratchDir dir;
  fs::path targz = dir / "basic.tar.gz";
  ASSERT_EQ(testing::SystemTar(TestData() / "basic", targz), 0);
  ASSERT_OK_AND_ASSIGN(Bundle from_dir, ReadBundle((TestData() / "basic").string()));
  ASSERT_OK_AND_ASSIGN(Bundle from_tar, ReadBundle(targz.string()));
  EXPECT_EQ(from_tar.name, targz.string());
  EXPECT_EQ(from_tar.data, from_dir.data);
  EXPECT_EQ(from_tar.manifest.revision, from_dir.manifest.revision);
  EXPECT_EQ(from_tar.manifest.roots, from_dir.manifest.roots);
  ASSERT_EQ(from_tar.modules.size(), from_dir.modules.size());
  EXPECT_EQ(from_tar.modules[0].source, from_dir.modules[0].source);
}

TEST(LoaderTest, NoManifestMeansTheBundleOwnsEverything) {
  ASSERT_OK_AND_ASSIGN(Bundle b, Load({{"data.json", R"({"x": 1})"}, {"p.rego", "package p"}}));
  EXPECT_THAT(b.manifest.roots, ElementsAre(""));
  EXPECT_EQ(ToJson(b.data), R"({"x":1})");
}

TEST(LoaderTest, DataFilesMergeDeeply) {
  ASSERT_OK_AND_ASSIGN(Bundle b, Load({{"data.json", R"({"a": {"x": 1}})"},
                                       {"a/data.json", R"({"y": 2})"},
                                       {"a/b/data.yml", "z: 3"},
                                       {"c/d/data.json", "[1, 2]"}}));
  EXPECT_EQ(ToJson(b.data), R"({"a":{"b":{"z":3},"x":1,"y":2},"c":{"d":[1,2]}})");
}

TEST(LoaderTest, RootsAreTrimmedOfSlashes) {
  ASSERT_OK_AND_ASSIGN(Bundle b, Load({{".manifest", R"({"roots": ["/a/b/", "c"]})"}}));
  EXPECT_THAT(b.manifest.roots, ElementsAre("a/b", "c"));
}

TEST(LoaderTest, DataAndPackagePathsUnderRoots) {
  // Segment-wise: root "a/b" owns a/b and below, not a/bc.
  EXPECT_TRUE(bundle::RootContains("a/b", std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(bundle::RootContains("a/b", std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(bundle::RootContains("a/b", std::vector<std::string>{"a", "bc"}));
  EXPECT_FALSE(bundle::RootContains("a/b", std::vector<std::string>{"a"}));
  EXPECT_TRUE(bundle::RootContains("", std::vector<std::string>{}));
  EXPECT_TRUE(bundle::RootsOverlap("a", "a/b"));
  EXPECT_TRUE(bundle::RootsOverlap("", "x"));
  EXPECT_FALSE(bundle::RootsOverlap("a/b", "a/bc"));
}

TEST(LoaderTest, DataOutsideRootsIsRejected) {
  EXPECT_THAT(Load({{".manifest", R"({"roots": ["a"]})"}, {"b/data.json", "{}"}}),
              StatusIs(ErrorCode::kBundleError,
                       HasSubstr("b/data.json: manifest roots [\"a\"] do not permit data at "
                                 "path '/b'")));
  // A root-level file may only fill the roots.
  EXPECT_THAT(Load({{".manifest", R"({"roots": ["a/b"]})"},
                    {"data.json", R"({"a": {"b": {"ok": 1}, "c": 2}})"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("data at path '/a/c'")));
  EXPECT_OK(Load({{".manifest", R"({"roots": ["a/b"]})"},
                  {"data.json", R"({"a": {"b": {"ok": 1}}})"}}));
  // A non-object on the way to a root would write outside it.
  EXPECT_THAT(Load({{".manifest", R"({"roots": ["a/b"]})"}, {"data.json", R"({"a": 1})"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("data at path '/a'")));
  // Explicitly empty roots own nothing (as in OPA).
  EXPECT_THAT(Load({{".manifest", R"({"roots": []})"}, {"data.json", R"({"a": 1})"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("do not permit data")));
}

TEST(LoaderTest, MalformedDataFiles) {
  EXPECT_THAT(Load({{"a/data.json", R"({"x": )"}}),
              StatusIs(ErrorCode::kBundleError,
                       HasSubstr("test-bundle: a/data.json: bundle load failed")));
  EXPECT_THAT(Load({{"a/data.yaml", "x: [1, 2"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("a/data.yaml: bundle load failed")));
  EXPECT_THAT(Load({{"data.json", "[1]"}}),
              StatusIs(ErrorCode::kBundleError,
                       HasSubstr("data.json: root value must be object")));
}

TEST(LoaderTest, ConflictingDataFilesAreRejected) {
  EXPECT_THAT(Load({{"a/data.json", R"({"b": 1})"}, {"a/b/data.json", R"({"c": 2})"}}),
              StatusIs(ErrorCode::kBundleError,
                       ::testing::AllOf(HasSubstr("data at path '/a/b' conflicts"),
                                        HasSubstr("a/data.json"),
                                        HasSubstr("a/b/data.json"))));
  EXPECT_THAT(Load({{"a/data.json", R"({"b": 1})"}, {"a/data.yaml", "b: 1"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("conflicts")));
  // Objects merge without conflict.
  EXPECT_OK(Load({{"a/data.json", R"({"b": {"x": 1}})"}, {"a/b/data.json", R"({"y": 2})"}}));
}

TEST(LoaderTest, MalformedManifests) {
  struct Case {
    const char* manifest;
    const char* message;
  } cases[] = {
      {"{", ".manifest"},
      {"[]", "must be a JSON object"},
      {R"({"revision": 7})", "revision must be a string"},
      {R"({"roots": "a"})", "roots must be an array"},
      {R"({"roots": ["a", 1]})", "roots must be an array"},
      {R"({"roots": ["a", "a/b"]})", "overlapped roots: 'a' and 'a/b'"},
      {R"({"roots": ["", "x"]})", "overlapped roots"},
      {R"({"rego_version": 0})", "Rego v0"},
      {R"({"rego_version": 2})", "unknown bundle rego-version 2"},
      {R"({"file_rego_versions": {"/a.rego": 0}})", "Rego v0"},
      {R"({"metadata": []})", "metadata must be an object"},
      {R"({"wasm": [{"entrypoint": "a/b", "module": "/policy.wasm"}]})", "wasm"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.manifest);
    EXPECT_THAT(Load({{".manifest", c.manifest}}),
                StatusIs(ErrorCode::kBundleError, HasSubstr(c.message)));
  }
  EXPECT_OK(Load({{".manifest", R"({"rego_version": 1, "unknown": {"ignored": true}})"}}));
}

TEST(LoaderTest, MisplacedSpecialFilesAreRejected) {
  EXPECT_THAT(Load({{"a/.manifest", "{}"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("a/.manifest")));
  EXPECT_THAT(Load({{"a/.signatures.json", "{}"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("a/.signatures.json")));
  EXPECT_THAT(Load({{"patch.json", R"({"data": []})"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("delta bundles")));
}

TEST(LoaderTest, DuplicateAndBadPathsInMemoryFiles) {
  EXPECT_THAT(Load({{"a.rego", "package a"}, {"/a.rego", "package a"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("duplicate entry a.rego")));
  EXPECT_THAT(Load({{"../a.rego", "package a"}}),
              StatusIs(ErrorCode::kBundleError, HasSubstr("path traversal")));
}

TEST(LoaderTest, UnknownFilesAreListedButIgnored) {
  ASSERT_OK_AND_ASSIGN(Bundle b, Load({{"notes.txt", "hello"},
                                       {"config.json", "not json at all"},
                                       {"policy.wasm", "\x00asm"}}));
  EXPECT_EQ(ToJson(b.data), "{}");
  EXPECT_EQ(b.files.size(), 3u);
}

TEST(LoaderTest, BomIsAllowedInJson) {
  ASSERT_OK_AND_ASSIGN(Bundle b, Load({{"data.json", "\xEF\xBB\xBF{\"a\": 1}"}}));
  EXPECT_EQ(ToJson(b.data), R"({"a":1})");
}

}  // namespace
}  // namespace verdict
