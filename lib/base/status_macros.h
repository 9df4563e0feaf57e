// File: lib/base/status_macros.h
//
// Early-return helpers for absl::Status / absl::StatusOr. Debian's abseil
// (20220623) predates absl/status/status_macros.h, so we keep our own.
//
//   VERDICT_RETURN_IF_ERROR(Check(module));
//   VERDICT_ASSIGN_OR_RETURN(Value v, ParseJson(text));
#ifndef VERDICT_BASE_STATUS_MACROS_H_
#define VERDICT_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define VERDICT_RETURN_IF_ERROR(expr)                 \
  do {                                                \
    ::absl::Status verdict_status_ = (expr);          \
    if (!verdict_status_.ok()) return verdict_status_; \
  } while (0)

#define VERDICT_STATUS_CONCAT_INNER_(a, b) a##b
#define VERDICT_STATUS_CONCAT_(a, b) VERDICT_STATUS_CONCAT_INNER_(a, b)

#define VERDICT_ASSIGN_OR_RETURN(lhs, expr) \
  VERDICT_ASSIGN_OR_RETURN_IMPL_(           \
      VERDICT_STATUS_CONCAT_(verdict_statusor_, __LINE__), lhs, expr)

#define VERDICT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // VERDICT_BASE_STATUS_MACROS_H_
