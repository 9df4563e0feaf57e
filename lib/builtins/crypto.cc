// File: lib/builtins/crypto.cc
//
// Digests and HMACs: crypto.md5/sha1/sha256 (lowercase hex of the digest of
// the string's bytes), crypto.hmac.md5/sha1/sha256/sha512 (hex HMAC of
// [message] under [key]) and crypto.hmac.equal (a constant-time comparison,
// as Go's hmac.Equal). The hashing is lib/crypto's (crypto/digest.h); the
// certificate and key builtins are in x509.cc.
//
// Tested by tests/builtins/encoding_test.cc.
#include <string>

#include "base/status_macros.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace verdict::builtins {
namespace {

using crypto::HashAlgorithm;

absl::StatusOr<Value> Digest(BuiltinContext& ctx, std::span<const Value> args,
                             std::string_view name, HashAlgorithm hash) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(name, args, 0));
  return Value::String(crypto::DigestHex(hash, s), ctx.arena);
}

absl::StatusOr<Value> Hmac(BuiltinContext& ctx, std::span<const Value> args,
                           std::string_view name, HashAlgorithm hash) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view msg, StringArg(name, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view key, StringArg(name, args, 1));
  return Value::String(crypto::HexEncode(crypto::Hmac(hash, key, msg)), ctx.arena);
}

}  // namespace

absl::StatusOr<Value> CryptoMd5(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.md5", HashAlgorithm::kMd5);
}
absl::StatusOr<Value> CryptoSha1(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.sha1", HashAlgorithm::kSha1);
}
absl::StatusOr<Value> CryptoSha256(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.sha256", HashAlgorithm::kSha256);
}
absl::StatusOr<Value> CryptoHmacMd5(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.md5", HashAlgorithm::kMd5);
}
absl::StatusOr<Value> CryptoHmacSha1(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha1", HashAlgorithm::kSha1);
}
absl::StatusOr<Value> CryptoHmacSha256(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha256", HashAlgorithm::kSha256);
}
absl::StatusOr<Value> CryptoHmacSha512(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha512", HashAlgorithm::kSha512);
}

absl::StatusOr<Value> CryptoHmacEqual(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view a, StringArg("crypto.hmac.equal", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view b, StringArg("crypto.hmac.equal", args, 1));
  return Value::Bool(crypto::ConstantTimeEquals(a, b));
}

}  // namespace verdict::builtins
