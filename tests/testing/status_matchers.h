// File: tests/testing/status_matchers.h
//
// GoogleTest matchers for absl::Status / StatusOr (Debian's abseil predates
// absl/status/status_matchers.h):
//   EXPECT_THAT(ParseJson("[1"), StatusIs(ErrorCode::kJsonError));
//   EXPECT_THAT(ParseJson("[1"), StatusIs(ErrorCode::kJsonError, HasSubstr("offset 2")));
//   ASSERT_OK(status);  ASSERT_OK_AND_ASSIGN(Value v, ParseJson("1"));
#ifndef VERDICT_TESTS_TESTING_STATUS_MATCHERS_H_
#define VERDICT_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/error_code.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace verdict::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status.ToString();
  return status.ok();
}

MATCHER_P(StatusIs, code,
          std::string("has error code ") + std::string(ErrorCodeName(code))) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return !status.ok() && GetErrorCode(status) == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has error code ") + std::string(ErrorCodeName(code))) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return !status.ok() && GetErrorCode(status) == code &&
         ::testing::Matches(message_matcher)(std::string(status.message()));
}

}  // namespace verdict::testing

#define VERDICT_TESTING_CONCAT_INNER_(a, b) a##b
#define VERDICT_TESTING_CONCAT_(a, b) VERDICT_TESTING_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::verdict::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::verdict::testing::IsOk())
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(VERDICT_TESTING_CONCAT_(statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  ASSERT_OK(statusor);                                  \
  lhs = std::move(statusor).value()

#endif  // VERDICT_TESTS_TESTING_STATUS_MATCHERS_H_
