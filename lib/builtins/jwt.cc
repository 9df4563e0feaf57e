// File: lib/builtins/jwt.cc
//
// JSON Web Tokens (JWS compact serialization): io.jwt.decode and the HMAC
// verifiers io.jwt.verify_hs256 / hs384 / hs512. Decoding follows OPA:
// three base64url sections, a JSON object header (a JWE, with "enc", is
// refused), nested tokens ("cty": "JWT") unwrapped, and the signature
// returned as lowercase hex. Asymmetric verification, io.jwt.decode_verify
// and signing are not offered (builtins.def marks them unsupported).
//
// Tested by tests/builtins/jwt_test.cc.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/codec.h"
#include "builtins/functions.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace verdict::builtins {
namespace {

// Nested tokens are unwrapped at most this many times.
constexpr int kMaxJwtNesting = 16;

struct Token {
  std::string_view header, payload, signature;
};

// OPA's decodeJWT: exactly three '.'-separated sections.
absl::StatusOr<Token> SplitToken(std::string_view name, std::string_view jwt) {
  if (jwt.find('.') == std::string_view::npos) {
    return BuiltinError(name, "encoded JWT had no period separators");
  }
  std::vector<std::string_view> parts;
  for (absl::string_view p : absl::StrSplit(Absl(jwt), '.')) parts.push_back(Std(p));
  if (parts.size() != 3) {
    return BuiltinError(name, absl::StrCat("encoded JWT must have 3 sections, found ",
                                           parts.size()));
  }
  return Token{parts[0], parts[1], parts[2]};
}

// A JSON object from decoded text, with OPA's messages.
absl::StatusOr<Value> JsonObject(BuiltinContext& ctx, std::string_view name,
                                 std::string_view text, std::string_view what) {
  absl::StatusOr<Value> v = ParseJson(text, ctx.arena);
  if (!v.ok()) {
    return BuiltinError(name, absl::StrCat(Absl(what), "invalid JSON: ",
                                           Absl(Std(v.status().message()))));
  }
  if (!v->is_object()) {
    return BuiltinError(name, absl::StrCat(Absl(what), "decoded JSON type was not an Object"));
  }
  return v;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

absl::StatusOr<Value> Decode(BuiltinContext& ctx, std::string_view jwt, int depth) {
  constexpr std::string_view kName = "io.jwt.decode";
  VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(kName, jwt));
  absl::StatusOr<std::string> h = DecodeBase64Url(token.header);
  if (!h.ok()) {
    return BuiltinError(kName, absl::StrCat("JWT header had invalid encoding: ",
                                            Absl(Std(h.status().message()))));
  }
  VERDICT_ASSIGN_OR_RETURN(Value header, JsonObject(ctx, kName, *h, "bad JWT header: "));
  if (header.Get("enc") != nullptr) {
    return BuiltinError(kName, "JWT is a JWE object, which is not supported");
  }
  absl::StatusOr<std::string> p = DecodeBase64Url(token.payload);
  if (!p.ok()) {
    return BuiltinError(kName, absl::StrCat("JWT payload had invalid encoding: ",
                                            Absl(Std(p.status().message()))));
  }
  const Value* cty = header.Get("cty");
  if (cty != nullptr && cty->is_string() && cty->as_string() == "JWT") {
    if (depth >= kMaxJwtNesting) return BuiltinError(kName, "JWT nested too deeply");
    // The nested token is usually quoted (jwt.io's behaviour).
    std::string_view inner = *p;
    while (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) {
      inner.remove_prefix(1);
    }
    while (!inner.empty() && (inner.back() == '"' || inner.back() == '\'')) {
      inner.remove_suffix(1);
    }
    return Decode(ctx, std::string(inner), depth + 1);
  }
  VERDICT_ASSIGN_OR_RETURN(Value payload, JsonObject(ctx, kName, *p, ""));
  absl::StatusOr<std::string> sig = DecodeBase64Url(token.signature);
  if (!sig.ok()) {
    return BuiltinError(kName, absl::StrCat("JWT signature had invalid encoding: ",
                                            Absl(Std(sig.status().message()))));
  }
  ArrayBuilder out(ctx.arena);
  out.Add(header);
  out.Add(payload);
  out.Add(Value::String(Hex(*sig), ctx.arena));
  return out.Build();
}

absl::StatusOr<Value> VerifyHmac(BuiltinContext& ctx, std::span<const Value> args,
                                 std::string_view name, const EVP_MD* md) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwt, StringArg(name, args, 0));
  VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(name, jwt));
  VERDICT_ASSIGN_OR_RETURN(std::string_view secret, StringArg(name, args, 1));
  std::string signing_input = absl::StrCat(Absl(token.header), ".", Absl(token.payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const unsigned char* key =
      secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(secret.data());
  if (HMAC(md, key, static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
           mac, &len) == nullptr) {
    return BuiltinError(name, "hmac failed");
  }
  absl::StatusOr<std::string> sig = DecodeBase64Url(token.signature);
  if (!sig.ok()) return BuiltinError(name, Std(sig.status().message()));
  bool equal = sig->size() == len && CRYPTO_memcmp(sig->data(), mac, len) == 0;
  return Value::Bool(equal);
}

}  // namespace

absl::StatusOr<Value> JwtDecode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwt, StringArg("io.jwt.decode", args, 0));
  return Decode(ctx, jwt, 0);
}

absl::StatusOr<Value> JwtVerifyHs256(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs256", EVP_sha256());
}
absl::StatusOr<Value> JwtVerifyHs384(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs384", EVP_sha384());
}
absl::StatusOr<Value> JwtVerifyHs512(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs512", EVP_sha512());
}

}  // namespace verdict::builtins
