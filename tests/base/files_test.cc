// Tests for ReadFileToString (lib/base/files.h).
#include "base/files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error_code.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("verdict_files_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(FilesTest, ReadsEveryByteWithSpareCapacity) {
  std::string content(300000, 'x');
  content[0] = '\0';  // binary-safe
  content.back() = 'z';
  const std::string path = Write("big.bin", content);
  ASSERT_OK_AND_ASSIGN(std::string read, ReadFileToString(path, 32));
  EXPECT_EQ(read, content);
  EXPECT_GE(read.capacity(), read.size() + 32);
}

TEST_F(FilesTest, EmptyFile) {
  ASSERT_OK_AND_ASSIGN(std::string read, ReadFileToString(Write("empty", ""), 32));
  EXPECT_EQ(read, "");
  EXPECT_GE(read.capacity(), 32u);
}

TEST_F(FilesTest, FilesWithoutASizeAreReadToTheEnd) {
  // /proc files report size 0 but have content.
  ASSERT_OK_AND_ASSIGN(std::string read, ReadFileToString("/proc/self/status"));
  EXPECT_THAT(read, HasSubstr("Name:"));
}

TEST_F(FilesTest, ErrorsNameThePath) {
  const std::string missing = (dir_ / "missing.json").string();
  EXPECT_THAT(ReadFileToString(missing),
              StatusIs(ErrorCode::kIoError, HasSubstr("cannot read " + missing)));
  EXPECT_THAT(ReadFileToString(dir_.string()),
              StatusIs(ErrorCode::kIoError, HasSubstr("Is a directory")));
}

}  // namespace
}  // namespace verdict
