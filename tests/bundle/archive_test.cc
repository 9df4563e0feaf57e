// Tests of lib/bundle/archive.cc through the public reader: directories and
// .tar.gz archives give the same bundle (archives made by the system `tar`
// at test time), entry names are normalized or rejected, non-regular
// entries, duplicates and oversized or over-compressed archives are
// rejected with bundle_error naming the entry.
#include <sys/stat.h>

#include "bundle/archive.h"
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
using ::verdict::testing::MakeTarGz;
using ::verdict::testing::ScratchDir;
using ::verdict::testing::StatusIs;
using ::verdict::testing::TarEntry;
using ::verdict::testing::TestData;

std::vector<std::string> Paths(const std::vector<BundleFile>& files) {
  std::vector<std::string> out;
  for (const BundleFile& f : files) out.push_back(f.path);
  return out;
}

TEST(ArchiveTest, DirectoryListsEveryRegularFileSorted) {
  std::vector<BundleFile> files = FixtureFiles("basic");
  EXPECT_THAT(Paths(files), ElementsAre(".manifest", "README.md", "authz/policy.rego",
                                        "roles/admins/data.yaml", "roles/data.json"));
}

TEST(ArchiveTest, SystemTarballReadsLikeTheDirectory) {
  ScratchDir dir;
  fs::path targz = dir / "basic.tar.gz";
  ASSERT_EQ(testing::SystemTar(TestData() / "basic", targz), 0);
  ASSERT_OK_AND_ASSIGN(std::vector<BundleFile> from_tar, ReadBundleFiles(targz.string()));
  std::vector<BundleFile> from_dir = FixtureFiles("basic");
  ASSERT_EQ(from_tar.size(), from_dir.size());
  for (size_t i = 0; i < from_dir.size(); ++i) {
    EXPECT_EQ(from_tar[i].path, from_dir[i].path);
    EXPECT_EQ(from_tar[i].content, from_dir[i].content) << from_dir[i].path;
  }
}

TEST(ArchiveTest, WriteThenReadRoundTripsAndIsReproducible) {
  std::vector<BundleFile> files = FixtureFiles("basic");
  ASSERT_OK_AND_ASSIGN(std::string a, WriteBundleArchive(files));
  ASSERT_OK_AND_ASSIGN(std::string b, WriteBundleArchive(files));
  EXPECT_EQ(a, b) << "same files must give the same bytes";
  ASSERT_OK_AND_ASSIGN(std::vector<BundleFile> back,
                       bundle::ReadArchive(a, "x.tar.gz", bundle::ResolveLimits({})));
  ASSERT_EQ(back.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(back[i].path, files[i].path);
    EXPECT_EQ(back[i].content, files[i].content);
  }
}

TEST(ArchiveTest, LeadingSlashAndDotSegmentsAreAccepted) {
  // opa build writes "/data.json"; tar -C dir . writes "./data.json".
  std::string targz = MakeTarGz({{"/.manifest", "{}"},
                                 {"./a/./data.json", "{}"},
                                 {"./", "", AE_IFDIR},
                                 {"b/", "", AE_IFDIR},
                                 {"b/x.rego", "package b"}});
  ASSERT_OK_AND_ASSIGN(std::vector<BundleFile> files,
                       bundle::ReadArchive(targz, "t", bundle::ResolveLimits({})));
  EXPECT_THAT(Paths(files), ElementsAre(".manifest", "a/data.json", "b/x.rego"));
}

TEST(ArchiveTest, BadEntryNamesAreRejected) {
  const bundle::Limits limits = bundle::ResolveLimits({});
  for (const char* name : {"../evil.rego", "a/../../evil.rego", "//etc/passwd", "a//b.rego",
                           "a\\b.rego"}) {
    SCOPED_TRACE(name);
    std::string targz = MakeTarGz({{name, "package x"}});
    EXPECT_THAT(bundle::ReadArchive(targz, "t.tar.gz", limits),
                StatusIs(ErrorCode::kBundleError, HasSubstr("bad entry name")));
  }
}

TEST(ArchiveTest, NonRegularEntriesAreRejected) {
  const bundle::Limits limits = bundle::ResolveLimits({});
  struct Case {
    TarEntry entry;
    const char* message;
  } cases[] = {
      {{"link.rego", "", AE_IFLNK, "/etc/passwd"}, "symlink"},
      {{"hard.rego", "", AE_IFREG, "a.rego", true}, "hard links"},
      {{"dev", "", AE_IFCHR}, "character device"},
      {{"pipe", "", AE_IFIFO}, "FIFO"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    std::string targz = MakeTarGz({{"a.rego", "package a"}, c.entry});
    EXPECT_THAT(bundle::ReadArchive(targz, "t.tar.gz", limits),
                StatusIs(ErrorCode::kBundleError, HasSubstr(c.message)));
  }
}

TEST(ArchiveTest, DuplicateEntriesAreRejected) {
  std::string targz = MakeTarGz({{"data.json", "{}"}, {"./data.json", "{\"a\":1}"}});
  EXPECT_THAT(bundle::ReadArchive(targz, "t.tar.gz", bundle::ResolveLimits({})),
              StatusIs(ErrorCode::kBundleError, HasSubstr("duplicate entry data.json")));
}

TEST(ArchiveTest, NotGzipAndTruncatedArchivesAreRejected) {
  const bundle::Limits limits = bundle::ResolveLimits({});
  EXPECT_THAT(bundle::ReadArchive("{\"not\": \"a tarball\"}", "t", limits),
              StatusIs(ErrorCode::kBundleError, HasSubstr("not a gzip-compressed tar")));
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i * 7919 % 10007) + ",";
  std::string targz = MakeTarGz({{"data.json", "[" + text + "0]"}});
  ASSERT_OK(bundle::ReadArchive(targz, "t", limits));
  // Cut inside a file, and cut after the last file (only the gzip trailer
  // and tar padding missing): both are truncated downloads.
  for (size_t cut : {targz.size() / 2, targz.size() - 4}) {
    SCOPED_TRACE(cut);
    EXPECT_THAT(bundle::ReadArchive(targz.substr(0, cut), "t", limits),
                StatusIs(ErrorCode::kBundleError, HasSubstr("t: ")));
  }
  // Trailing garbage after the gzip stream.
  EXPECT_THAT(bundle::ReadArchive(targz + "junk", "t", limits),
              StatusIs(ErrorCode::kBundleError, HasSubstr("trailing data")));
  // A corrupt byte inside the stream.
  std::string corrupt = targz;
  corrupt[corrupt.size() / 2] ^= 0x55;
  EXPECT_THAT(bundle::ReadArchive(corrupt, "t", limits), StatusIs(ErrorCode::kBundleError));
}

TEST(ArchiveTest, SizeAndEntryLimits) {
  BundleLimits small;
  small.max_file_bytes = 100;
  std::string big = MakeTarGz({{"data.json", std::string(101, ' ')}});
  EXPECT_THAT(bundle::ReadArchive(big, "t", bundle::ResolveLimits(small)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("data.json: size")));

  BundleLimits total;
  total.max_total_bytes = 150;
  std::string two = MakeTarGz({{"a/x", std::string(100, ' ')}, {"b/x", std::string(100, ' ')}});
  EXPECT_THAT(bundle::ReadArchive(two, "t", bundle::ResolveLimits(total)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("exceeds the limit of 150")));

  BundleLimits entries;
  entries.max_entries = 2;
  std::string three = MakeTarGz({{"a", ""}, {"b", ""}, {"c", ""}});
  EXPECT_THAT(bundle::ReadArchive(three, "t", bundle::ResolveLimits(entries)),
              StatusIs(ErrorCode::kBundleError, HasSubstr("more than 2 entries")));
}

TEST(ArchiveTest, GzipBombIsRejected) {
  // 24 MiB of zeros compress about a thousandfold: past the 16 MiB floor,
  // far beyond the 200x ratio.
  std::string targz = MakeTarGz({{"data.json", std::string(24u << 20, '\0')}});
  ASSERT_LT(targz.size(), 1u << 20);
  EXPECT_THAT(bundle::ReadArchive(targz, "bomb.tar.gz", bundle::ResolveLimits({})),
              StatusIs(ErrorCode::kBundleError, HasSubstr("gzip bomb")));
  // The same data under a generous ratio limit is fine.
  BundleLimits generous;
  generous.max_compression_ratio = 100000;
  EXPECT_OK(bundle::ReadArchive(targz, "bomb.tar.gz", bundle::ResolveLimits(generous)));
}

TEST(ArchiveTest, DirectorySymlinksAndSpecialFilesAreRejected) {
  ScratchDir dir;
  fs::path b = dir.CopyFixture("basic");
  fs::create_symlink("/etc/hostname", b / "authz" / "link.rego");
  EXPECT_THAT(ReadBundleFiles(b.string()),
              StatusIs(ErrorCode::kBundleError, HasSubstr("authz/link.rego: symlinks")));
  fs::remove(b / "authz" / "link.rego");
  ASSERT_EQ(::mkfifo((b / "pipe").c_str(), 0600), 0);
  EXPECT_THAT(ReadBundleFiles(b.string()),
              StatusIs(ErrorCode::kBundleError, HasSubstr("pipe: special files")));
}

TEST(ArchiveTest, DirectoryFileOverTheLimit) {
  BundleLimits small;
  small.max_file_bytes = 10;
  EXPECT_THAT(ReadBundleFiles((TestData() / "basic").string(), small),
              StatusIs(ErrorCode::kBundleError, HasSubstr("exceeds the limit of 10 bytes")));
}

TEST(ArchiveTest, MissingPathIsAnIoError) {
  EXPECT_THAT(ReadBundleFiles("/nonexistent/bundle.tar.gz"), StatusIs(ErrorCode::kIoError));
}

TEST(ArchiveTest, WriteRejectsBadNamesAndDuplicates) {
  std::vector<BundleFile> bad = {{"../x.rego", "package x"}};
  EXPECT_THAT(WriteBundleArchive(bad), StatusIs(ErrorCode::kBundleError));
  std::vector<BundleFile> dup = {{"a.rego", "package a"}, {"/a.rego", "package a"}};
  EXPECT_THAT(WriteBundleArchive(dup),
              StatusIs(ErrorCode::kBundleError, HasSubstr("duplicate entry a.rego")));
}

}  // namespace
}  // namespace verdict
