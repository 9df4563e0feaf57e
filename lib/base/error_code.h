// File: lib/base/error_code.h
//
// ErrorCode mirrors OPA's error code strings. It travels inside an
// absl::Status as a payload (see MakeError), and the canonical absl code is
// derived from it, so callers can switch on either. The conformance runner
// compares ErrorCodeName() with OPA's `want_error_code`.
//
// Tested by tests/base/error_code_test.cc.
#ifndef VERDICT_BASE_ERROR_CODE_H_
#define VERDICT_BASE_ERROR_CODE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace verdict {

// X(enumerator, OPA string, canonical absl code)
#define VERDICT_ERROR_CODES(X)                                                   \
  X(kParseError, "rego_parse_error", kInvalidArgument)           /* syntax */     \
  X(kCompileError, "rego_compile_error", kInvalidArgument)       /* semantics */  \
  X(kTypeError, "rego_type_error", kInvalidArgument)             /* static types */ \
  X(kUnsafeVarError, "rego_unsafe_var_error", kInvalidArgument)  /* unbound var */ \
  X(kRecursionError, "rego_recursion_error", kInvalidArgument)   /* rule cycle */ \
  X(kEvalConflictError, "eval_conflict_error", kFailedPrecondition) /* 2 values */ \
  X(kEvalTypeError, "eval_type_error", kInvalidArgument)         /* runtime type */ \
  X(kEvalBuiltinError, "eval_builtin_error", kInvalidArgument)   /* builtin failed */ \
  X(kEvalCancelError, "eval_cancel_error", kCancelled)           /* cancelled */  \
  X(kEvalInternalError, "eval_internal_error", kInternal)        /* our bug */    \
  X(kEvalLimitError, "eval_limit_error", kResourceExhausted)     /* budget hit */ \
  X(kJsonError, "json_error", kInvalidArgument)                  /* bad JSON */   \
  X(kBytecodeError, "bytecode_error", kInvalidArgument)          /* bad program */ \
  X(kBundleError, "bundle_error", kInvalidArgument)              /* bad bundle */ \
  X(kSignatureError, "signature_error", kPermissionDenied)       /* bad signature */ \
  X(kIoError, "io_error", kUnavailable)                          /* file/network */ \
  X(kInvalidArgument, "invalid_argument", kInvalidArgument)      /* API misuse */

enum class ErrorCode {
#define VERDICT_X(name, str, canonical) name,
  VERDICT_ERROR_CODES(VERDICT_X)
#undef VERDICT_X
};

// ErrorCodeName()
//
// The OPA string for [code], e.g. "rego_parse_error".
std::string_view ErrorCodeName(ErrorCode code);

// ErrorCodeFromName()
//
// Inverse of ErrorCodeName(); nullopt for unknown strings.
std::optional<ErrorCode> ErrorCodeFromName(std::string_view name);

// MakeError()
//
// A Status with the canonical code derived from [code] and [code] attached as
// payload. Example:
//   return MakeError(ErrorCode::kParseError, "policy.rego:3:7: unexpected '}'");
absl::Status MakeError(ErrorCode code, std::string_view message);

// GetErrorCode()
//
// The ErrorCode attached by MakeError(); for a foreign status, a best guess
// from its canonical code (kEvalInternalError when nothing fits).
ErrorCode GetErrorCode(const absl::Status& status);

}  // namespace verdict

#endif  // VERDICT_BASE_ERROR_CODE_H_
