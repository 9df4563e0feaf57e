// File: lib/crypto/encoding.h
//
// Byte encodings the crypto layer and its callers share: base64 in the two
// alphabets JOSE and PEM use, lowercase hex, and big-endian unsigned
// integers as decimal text (how Go's encoding/json prints a *big.Int, which
// OPA's certificate and key objects are made of).
//
//   std::string b = crypto::Base64UrlEncode("hello");        // "aGVsbG8"
//   absl::StatusOr<std::string> raw = crypto::Base64Decode("aGVsbG8=");
//
// Decoding errors read like Go's ("illegal base64 data at input byte 4"),
// because OPA prints Go's message and the conformance suite compares it.
//
// Tested by tests/crypto/encoding_test.cc.
#ifndef VERDICT_CRYPTO_ENCODING_H_
#define VERDICT_CRYPTO_ENCODING_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace verdict::crypto {

// Base64Encode()
//
// Standard alphabet with '=' padding (Go's base64.StdEncoding).
std::string Base64Encode(std::string_view bytes);

// Base64UrlEncode()
//
// URL alphabet without padding (RFC 7515's base64url, Go's RawURLEncoding).
std::string Base64UrlEncode(std::string_view bytes);

// Base64Decode()
//
// Go's base64.StdEncoding.DecodeString: standard alphabet, padding
// required, '\r' and '\n' ignored. Errors (ErrorCode::kInvalidArgument):
// "illegal base64 data at input byte N".
absl::StatusOr<std::string> Base64Decode(std::string_view text);

// Base64UrlDecode()
//
// URL alphabet, '=' padding optional. Same errors as Base64Decode().
absl::StatusOr<std::string> Base64UrlDecode(std::string_view text);

// HexEncode()
//
// Lowercase hex of [bytes].
std::string HexEncode(std::string_view bytes);

// BigEndianToDecimal()
//
// The unsigned big-endian integer [bytes] in decimal ("" and "\0" give "0").
std::string BigEndianToDecimal(std::string_view bytes);

}  // namespace verdict::crypto

#endif  // VERDICT_CRYPTO_ENCODING_H_
