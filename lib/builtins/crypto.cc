// File: lib/builtins/crypto.cc
//
// Digests and HMACs over OpenSSL: crypto.md5/sha1/sha256 (lowercase hex of
// the digest of the string's bytes), crypto.hmac.md5/sha1/sha256/sha512
// (hex HMAC of [message] under [key]) and crypto.hmac.equal (a
// constant-time comparison, as Go's hmac.Equal).
//
// Tested by tests/builtins/encoding_test.cc.
#include <string>

#include "base/status_macros.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace verdict::builtins {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

absl::StatusOr<Value> Digest(BuiltinContext& ctx, std::span<const Value> args,
                             std::string_view name, const EVP_MD* md) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(name, args, 0));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), out, &len, md, nullptr) != 1) {
    return BuiltinError(name, "digest failed");
  }
  return Value::String(Hex(out, len), ctx.arena);
}

absl::StatusOr<Value> Hmac(BuiltinContext& ctx, std::span<const Value> args,
                           std::string_view name, const EVP_MD* md) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view msg, StringArg(name, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view key, StringArg(name, args, 1));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const unsigned char* key_data =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (HMAC(md, key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len) ==
      nullptr) {
    return BuiltinError(name, "hmac failed");
  }
  return Value::String(Hex(out, len), ctx.arena);
}

}  // namespace

absl::StatusOr<Value> CryptoMd5(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.md5", EVP_md5());
}
absl::StatusOr<Value> CryptoSha1(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.sha1", EVP_sha1());
}
absl::StatusOr<Value> CryptoSha256(BuiltinContext& ctx, std::span<const Value> args) {
  return Digest(ctx, args, "crypto.sha256", EVP_sha256());
}
absl::StatusOr<Value> CryptoHmacMd5(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.md5", EVP_md5());
}
absl::StatusOr<Value> CryptoHmacSha1(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha1", EVP_sha1());
}
absl::StatusOr<Value> CryptoHmacSha256(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha256", EVP_sha256());
}
absl::StatusOr<Value> CryptoHmacSha512(BuiltinContext& ctx, std::span<const Value> args) {
  return Hmac(ctx, args, "crypto.hmac.sha512", EVP_sha512());
}

absl::StatusOr<Value> CryptoHmacEqual(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view a, StringArg("crypto.hmac.equal", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view b, StringArg("crypto.hmac.equal", args, 1));
  if (a.size() != b.size()) return Value::Bool(false);
  if (a.empty()) return Value::Bool(true);
  return Value::Bool(CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace verdict::builtins
