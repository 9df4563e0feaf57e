// The hand-written abac decision (bench/handwritten_abac.h) is the
// reference verdict's speed is measured against, so it must do the
// policy's work: it reproduces expected.jsonl for every one of the
// workload's 1,000 inputs, compared as JSON values.
#include "handwritten_abac.h"

#include <fstream>
#include <string>

#include "base/files.h"
#include "gtest/gtest.h"
#include "verdict/value.h"

namespace verdict::bench {
namespace {

const std::string kDir = std::string(VERDICT_SHARED_DIR) + "/workloads/abac";

TEST(HandWrittenAbac, ReproducesExpectedForEveryInput) {
  absl::StatusOr<std::string> data = ReadFileToString(kDir + "/data.json");
  ASSERT_TRUE(data.ok()) << data.status();
  absl::StatusOr<std::unique_ptr<HandWrittenAbac>> abac = HandWrittenAbac::Load(*data);
  ASSERT_TRUE(abac.ok()) << abac.status();
  std::ifstream inputs(kDir + "/inputs.jsonl");
  std::ifstream expected(kDir + "/expected.jsonl");
  std::string input, want, got;
  int checked = 0;
  while (std::getline(inputs, input) && std::getline(expected, want)) {
    ++checked;
    ASSERT_TRUE((*abac)->Decide(input, &got).ok()) << "input line " << checked;
    absl::StatusOr<Value> got_value = ParseJson(got);
    absl::StatusOr<Value> want_value = ParseJson(want);
    ASSERT_TRUE(got_value.ok() && want_value.ok()) << got;
    const Value* result = want_value->Get("result");
    ASSERT_NE(result, nullptr) << want;
    EXPECT_EQ(*got_value, *result) << "input line " << checked << ": " << input
                                   << "\n  got  " << got << "\n  want " << want;
  }
  EXPECT_EQ(checked, 1000);
}

TEST(HandWrittenAbac, RejectsAnotherDataShape) {
  EXPECT_FALSE(HandWrittenAbac::Load(R"({"iam": {"roles": []}})").ok());
  EXPECT_FALSE(HandWrittenAbac::Load("not json").ok());
}

}  // namespace
}  // namespace verdict::bench
