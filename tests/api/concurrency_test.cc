// Many threads evaluating one compiled policy at once (engine.h's thread
// safety contract): every thread must get exactly the decisions a single
// thread gets, for every workload, through both evaluation entry points.
// A race in shared state (data, constants, caches, the call memo, pattern
// caches) shows up here as a wrong or torn result.
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

std::vector<std::string> ReadLines(const std::string& path, size_t max) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; lines.size() < max && std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class ConcurrencyTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ConcurrencyTest, ThreadsSeeTheSingleThreadedDecisions) {
  const std::string dir = std::string(VERDICT_SHARED_DIR) + "/workloads/" + GetParam();
  Engine engine;
  ASSERT_THAT(engine.LoadPath(dir), testing::IsOk());
  ASSERT_THAT(engine.Compile(), testing::IsOk());
  std::string query = ReadLines(dir + "/query.txt", 1).at(0);
  ASSERT_OK_AND_ASSIGN(PreparedQuery prepared, engine.Prepare(query));
  const std::vector<std::string> inputs = ReadLines(dir + "/inputs.jsonl", 250);
  ASSERT_FALSE(inputs.empty());

  std::vector<std::string> expected(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_THAT(prepared.EvaluateJson(inputs[i], &expected[i]), testing::IsOk());
  }

  constexpr int kThreads = 4;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      for (int round = 0; round < 3; ++round) {
        // Each thread walks the inputs from a different offset, so threads
        // evaluate different inputs at the same moment.
        for (size_t k = 0; k < inputs.size(); ++k) {
          size_t i = (k + static_cast<size_t>(t) * 37) % inputs.size();
          if (!prepared.EvaluateJson(inputs[i], &out).ok() || out != expected[i]) {
            ++mismatches[t];
          }
          absl::StatusOr<Value> input = ParseJson(inputs[i]);
          absl::StatusOr<Decision> d =
              input.ok() ? prepared.Evaluate(*input) : absl::StatusOr<Decision>(input.status());
          if (!d.ok() || (d->defined ? ToJson(d->result) : "") != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

INSTANTIATE_TEST_SUITE_P(Workloads, ConcurrencyTest,
                         ::testing::Values("abac", "deploy", "budget"));

}  // namespace
}  // namespace verdict
