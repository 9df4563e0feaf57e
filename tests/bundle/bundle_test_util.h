// File: tests/bundle/bundle_test_util.h
//
// Helpers shared by the bundle tests: a scratch directory per test, the
// fixtures in tests/bundle/testdata, the test keys, and hand-made tar.gz
// archives (through libarchive) for entries that plain `tar` will not
// produce: symlinks, hard links, devices, "../" names, duplicates.
#ifndef VERDICT_TESTS_BUNDLE_BUNDLE_TEST_UTIL_H_
#define VERDICT_TESTS_BUNDLE_BUNDLE_TEST_UTIL_H_

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "verdict/bundle.h"

namespace verdict::testing {

namespace fs = std::filesystem;

inline fs::path TestData() {
  return fs::path(VERDICT_SOURCE_DIR) / "tests" / "bundle" / "testdata";
}

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteText(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

inline std::string Key(const std::string& name) { return ReadText(TestData() / "keys" / name); }

// A fresh directory under the system temp dir, removed at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("verdict_bundle_" + std::to_string(::getpid()) + "_" + info->test_suite_name() +
             "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

  // A copy of the fixture [name] at <scratch>/[name].
  fs::path CopyFixture(const std::string& name) const {
    fs::path to = path_ / name;
    fs::copy(TestData() / name, to, fs::copy_options::recursive);
    return to;
  }

 private:
  fs::path path_;
};

// `tar czf [out] -C [dir] .` with the system tar, as a user would.
inline int SystemTar(const fs::path& dir, const fs::path& out) {
  std::string cmd = "tar czf '" + out.string() + "' -C '" + dir.string() + "' . 2>/dev/null";
  return std::system(cmd.c_str());
}

// One entry of a hand-made archive.
struct TarEntry {
  TarEntry(std::string name, std::string content, unsigned type = AE_IFREG,
           std::string link = "", bool hardlink = false)
      : name(std::move(name)),
        content(std::move(content)),
        type(type),
        link(std::move(link)),
        hardlink(hardlink) {}

  std::string name;
  std::string content;
  unsigned type;
  std::string link;  // symlink target, or hard link source when hardlink
  bool hardlink;
};

// A .tar.gz of [entries], written exactly as given.
inline std::string MakeTarGz(const std::vector<TarEntry>& entries) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);  // no zero padding after the gzip stream
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* client, const void* buffer, size_t length) -> la_ssize_t {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
      },
      nullptr);
  for (const TarEntry& e : entries) {
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, 0644);
    if (e.hardlink) {
      archive_entry_set_hardlink(entry, e.link.c_str());
      archive_entry_set_size(entry, 0);
    } else if (e.type == AE_IFLNK) {
      archive_entry_set_symlink(entry, e.link.c_str());
      archive_entry_set_size(entry, 0);
    } else {
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    }
    archive_write_header(a, entry);
    if (e.type == AE_IFREG && !e.hardlink && !e.content.empty()) {
      archive_write_data(a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// The files of a fixture directory as BundleFiles (via the library).
inline std::vector<BundleFile> FixtureFiles(const std::string& name) {
  absl::StatusOr<std::vector<BundleFile>> files = ReadBundleFiles((TestData() / name).string());
  EXPECT_TRUE(files.ok()) << files.status();
  return files.ok() ? *std::move(files) : std::vector<BundleFile>{};
}

inline BundleFile* FindFile(std::vector<BundleFile>& files, std::string_view path) {
  for (BundleFile& f : files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_BUNDLE_BUNDLE_TEST_UTIL_H_
