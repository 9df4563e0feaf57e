// ErrorCode <-> OPA strings and the Status payload that carries them.
#include "base/error_code.h"

#include "absl/strings/cord.h"
#include "base/strings.h"

namespace verdict {
namespace {

constexpr std::string_view kPayloadUrl = "verdict/error_code";

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  absl::StatusCode canonical;
};

constexpr CodeInfo kCodes[] = {
#define VERDICT_X(name, str, canonical) \
  {ErrorCode::name, str, absl::StatusCode::canonical},
    VERDICT_ERROR_CODES(VERDICT_X)
#undef VERDICT_X
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  return kCodes[static_cast<int>(code)].name;
}

std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  for (const CodeInfo& info : kCodes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

absl::Status MakeError(ErrorCode code, std::string_view message) {
  absl::Status status(kCodes[static_cast<int>(code)].canonical, Absl(message));
  status.SetPayload(Absl(kPayloadUrl), absl::Cord(Absl(ErrorCodeName(code))));
  return status;
}

ErrorCode GetErrorCode(const absl::Status& status) {
  if (absl::optional<absl::Cord> payload = status.GetPayload(Absl(kPayloadUrl))) {
    if (std::optional<ErrorCode> code = ErrorCodeFromName(std::string(*payload))) {
      return *code;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kCancelled:
      return ErrorCode::kEvalCancelError;
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
      return ErrorCode::kEvalLimitError;
    case absl::StatusCode::kInvalidArgument:
      return ErrorCode::kInvalidArgument;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kUnavailable:
      return ErrorCode::kIoError;
    default:
      return ErrorCode::kEvalInternalError;
  }
}

}  // namespace verdict
