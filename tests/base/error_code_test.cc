#include "base/error_code.h"

#include "base/status_macros.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

TEST(ErrorCodeTest, NamesRoundTrip) {
  for (ErrorCode code : {ErrorCode::kParseError, ErrorCode::kEvalConflictError,
                         ErrorCode::kEvalBuiltinError, ErrorCode::kSignatureError}) {
    std::optional<ErrorCode> back = ErrorCodeFromName(ErrorCodeName(code));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, code);
  }
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnsafeVarError), "rego_unsafe_var_error");
  EXPECT_FALSE(ErrorCodeFromName("no_such_error").has_value());
}

TEST(ErrorCodeTest, MakeErrorCarriesCodeAndCanonicalCode) {
  absl::Status status = MakeError(ErrorCode::kEvalConflictError, "two values");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorCode(status), ErrorCode::kEvalConflictError);
  EXPECT_THAT(status, StatusIs(ErrorCode::kEvalConflictError, HasSubstr("two values")));
}

TEST(ErrorCodeTest, ForeignStatusIsClassified) {
  EXPECT_EQ(GetErrorCode(absl::CancelledError("stop")), ErrorCode::kEvalCancelError);
  EXPECT_EQ(GetErrorCode(absl::InternalError("bug")), ErrorCode::kEvalInternalError);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  VERDICT_ASSIGN_OR_RETURN(int half, Half(x));
  VERDICT_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusMacrosTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace verdict
