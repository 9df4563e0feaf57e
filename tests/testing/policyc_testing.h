// Running the built policyc from a test: exit code and output. Shared by
// the command-line tests of every layer (tests/syntax, tests/bundle,
// tests/tools).
#ifndef VERDICT_TESTS_TESTING_POLICYC_TESTING_H_
#define VERDICT_TESTS_TESTING_POLICYC_TESTING_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace verdict::testing {

struct PolicycOutcome {
  int exit_code = -1;
  std::string out;  // stdout, plus stderr when asked for
};

// Runs `policyc [args]` ([args] is shell-quoted by the caller). stderr is
// discarded unless [with_stderr]; with [from_source_dir] it runs in the
// repository root, so paths in its output are relative to it.
inline PolicycOutcome RunPolicyc(const std::string& args, bool with_stderr = false,
                                 bool from_source_dir = false) {
  std::string cmd = std::string(VERDICT_BINARY_DIR) + "/bin/policyc " + args +
                    (with_stderr ? " 2>&1" : " 2>/dev/null");
  if (from_source_dir) cmd = std::string("cd ") + VERDICT_SOURCE_DIR + " && " + cmd;
  PolicycOutcome run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// A fixture with a fresh directory per test for the files a test writes.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("verdict_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes [text] to [name] (relative to the directory); returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::filesystem::path p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  std::filesystem::path dir_;
};

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_TESTING_POLICYC_TESTING_H_
