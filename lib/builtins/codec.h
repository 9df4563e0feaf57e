// File: lib/builtins/codec.h
//
// Byte codecs shared between builtin families (encoding.cc defines them;
// jwt.cc uses them).
//
//   absl::StatusOr<std::string> raw = DecodeBase64Url("aGVsbG8");  // "hello"
//
// Tested by tests/builtins/encoding_test.cc.
#ifndef VERDICT_BUILTINS_CODEC_H_
#define VERDICT_BUILTINS_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace verdict::builtins {

// DecodeBase64Url(): OPA's base64url.decode (padding optional). Errors
// (kEvalBuiltinError, no name prefix) read like Go's:
// "illegal base64 data at input byte 4", "illegal base64url string: a".
absl::StatusOr<std::string> DecodeBase64Url(std::string_view s);

// EncodeBase64Url(): URL alphabet, with or without '=' padding.
std::string EncodeBase64Url(std::string_view s, bool pad);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_CODEC_H_
