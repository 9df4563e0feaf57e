// File: lib/builtins/jwt.cc
//
// JSON Web Tokens (JWS compact serialization), as OPA's topdown/tokens.go:
//   io.jwt.decode                  header, payload, hex signature; no checks
//   io.jwt.verify_hs256/384/512    HMAC with a secret
//   io.jwt.verify_rs*/ps*/es*/eddsa  with a PEM certificate or public key,
//                                  or a JWK/JWKS ("kid" picks the key)
//   io.jwt.decode_verify           verify, then check iss/aud/exp/nbf
//                                  against a constraints object
//   io.jwt.encode_sign(_raw)       sign with a JWK
// Keys, signatures and base64 live in lib/crypto (crypto/jws.h); this file
// keeps OPA's order of checks and its messages. Decoding refuses a JWE
// (header with "enc") and unwraps nested tokens ("cty": "JWT").
//
// decode_verify's default time is the evaluation's clock (the context's
// now_ns, as time.now_ns reads it), so one evaluation sees one time.
//
// Tested by tests/builtins/jwt_test.cc and the conformance suite.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/codec.h"
#include "builtins/functions.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/jws.h"

namespace verdict::builtins {
namespace {

using crypto::JwsAlgorithm;

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

// OPA's decodeHeader: base64url, a JSON object, and not a JWE.
absl::StatusOr<Value> DecodeHeader(BuiltinContext& ctx, std::string_view name,
                                   const Token& token) {
  absl::StatusOr<std::string> h = DecodeBase64Url(token.header);
  if (!h.ok()) {
    return BuiltinError(name, absl::StrCat("JWT header had invalid encoding: ",
                                           Absl(Std(h.status().message()))));
  }
  VERDICT_ASSIGN_OR_RETURN(Value header, JsonObject(ctx, name, *h, "bad JWT header: "));
  if (header.Get("enc") != nullptr) {
    return BuiltinError(name, "JWT is a JWE object, which is not supported");
  }
  return header;
}

absl::StatusOr<std::string> DecodeSignature(std::string_view name, const Token& token) {
  absl::StatusOr<std::string> sig = DecodeBase64Url(token.signature);
  if (!sig.ok()) return BuiltinError(name, Std(sig.status().message()));
  return sig;
}

absl::StatusOr<Value> Decode(BuiltinContext& ctx, std::string_view jwt, int depth) {
  constexpr std::string_view kName = "io.jwt.decode";
  VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(kName, jwt));
  VERDICT_ASSIGN_OR_RETURN(Value header, DecodeHeader(ctx, kName, token));
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
  out.Add(Value::String(crypto::HexEncode(*sig), ctx.arena));
  return out.Build();
}

// The registered header parameters OPA looks at (parseTokenHeader).
struct Header {
  std::string alg, kid, typ, cty;
  std::vector<std::string> crit;
  std::vector<std::string> unknown;

  // RFC 7515: "alg" is required, and a critical parameter we do not
  // understand makes the token invalid.
  bool Valid() const {
    if (alg.empty()) return false;
    for (const std::string& u : unknown) {
      for (const std::string& c : crit) {
        if (u == c) return false;
      }
    }
    return true;
  }
};

absl::StatusOr<Header> ParseHeader(std::string_view name, const Value& header) {
  Header out;
  for (const ObjectEntry& e : header.entries()) {
    std::string_view key = e.key.as_string();
    std::string* field = key == "alg"   ? &out.alg
                         : key == "kid" ? &out.kid
                         : key == "typ" ? &out.typ
                         : key == "cty" ? &out.cty
                                        : nullptr;
    if (field != nullptr) {
      if (!e.value.is_string()) {
        return BuiltinError(name, absl::StrCat(Absl(key), ": must be a string"));
      }
      *field = std::string(e.value.as_string());
    } else if (key == "crit") {
      if (!e.value.is_array()) return BuiltinError(name, "crit: must be a list");
      for (const Value& c : e.value.items()) {
        if (!c.is_string()) break;  // OPA stops at the first non-string
        out.crit.emplace_back(c.as_string());
      }
      if (out.crit.empty()) return BuiltinError(name, "crit: must be a nonempty list");
    } else {
      out.unknown.emplace_back(key);
    }
  }
  return out;
}

// OPA's getKeysFromCertOrJWK: keys whose JWK "alg" is not a JWS algorithm
// OPA knows are left out.
absl::StatusOr<std::vector<crypto::Key>> KeysFromCertOrJwk(std::string_view name,
                                                           std::string_view text) {
  absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParseKeys(text);
  if (!keys.ok()) return BuiltinError(name, Std(keys.status().message()));
  std::vector<crypto::Key> out;
  for (crypto::Key& key : *keys) {
    if (!key.alg().empty() && !crypto::ParseJwsAlgorithm(key.alg()).has_value()) continue;
    out.push_back(std::move(key));
  }
  return out;
}

bool Verifies(JwsAlgorithm algorithm, const crypto::Key& key, std::string_view input,
              std::string_view signature) {
  absl::StatusOr<bool> ok = crypto::VerifyJws(algorithm, key, input, signature);
  return ok.ok() && *ok;  // a key of the wrong type just does not verify
}

// The key choice of OPA's builtinJWTVerify and tokenConstraints.verify: the
// key whose "kid" the header names, else any key with no "alg" or with the
// header's.
bool VerifyWithKeys(JwsAlgorithm algorithm, const Header& header,
                    const std::vector<crypto::Key>& keys, std::string_view input,
                    std::string_view signature) {
  if (!header.kid.empty()) {
    for (const crypto::Key& key : keys) {
      if (key.kid() == header.kid) return Verifies(algorithm, key, input, signature);
    }
  }
  for (const crypto::Key& key : keys) {
    if (!key.alg().empty() && key.alg() != header.alg) continue;
    if (Verifies(algorithm, key, input, signature)) return true;
  }
  return false;
}

absl::StatusOr<Value> VerifyHmac(BuiltinContext& ctx, std::span<const Value> args,
                                 std::string_view name, crypto::HashAlgorithm hash) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwt, StringArg(name, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view secret, StringArg(name, args, 1));
  VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(name, jwt));
  std::string mac =
      crypto::Hmac(hash, secret, absl::StrCat(Absl(token.header), ".", Absl(token.payload)));
  VERDICT_ASSIGN_OR_RETURN(std::string sig, DecodeSignature(name, token));
  return Value::Bool(crypto::ConstantTimeEquals(sig, mac));
}

// io.jwt.verify_{rs,ps,es}* and verify_eddsa: [algorithm] is fixed by the
// builtin, whatever the header says.
absl::StatusOr<Value> VerifyAsymmetric(BuiltinContext& ctx, std::span<const Value> args,
                                       std::string_view name, JwsAlgorithm algorithm) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwt, StringArg(name, args, 0));
  VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(name, jwt));
  VERDICT_ASSIGN_OR_RETURN(std::string_view key_text, StringArg(name, args, 1));
  VERDICT_ASSIGN_OR_RETURN(std::vector<crypto::Key> keys, KeysFromCertOrJwk(name, key_text));
  VERDICT_ASSIGN_OR_RETURN(std::string signature, DecodeSignature(name, token));
  VERDICT_ASSIGN_OR_RETURN(Value header_value, DecodeHeader(ctx, name, token));
  VERDICT_ASSIGN_OR_RETURN(Header header, ParseHeader(name, header_value));
  std::string input = absl::StrCat(Absl(token.header), ".", Absl(token.payload));
  return Value::Bool(VerifyWithKeys(algorithm, header, keys, input, signature));
}

// --- io.jwt.decode_verify -----------------------------------------------------

struct Constraints {
  std::optional<std::vector<crypto::Key>> keys;  // from "cert"
  std::string secret, alg, iss, aud;
  double time_ns = -1;  // -1: not given
};

absl::StatusOr<double> TimeConstraint(std::string_view name, const Value& v) {
  if (!v.is_number()) return BuiltinError(name, "token time constraint: must be a number");
  double t = v.ToDouble();
  if (!std::isfinite(t)) return BuiltinError(name, "token time constraint: unvalid float64");
  if (t < 0) return BuiltinError(name, "token time constraint: must not be negative");
  return t;
}

absl::StatusOr<Constraints> ParseConstraints(BuiltinContext& ctx, std::string_view name,
                                             const Value& object) {
  Constraints c;
  for (const ObjectEntry& e : object.entries()) {
    std::string_view key = e.key.is_string() ? e.key.as_string() : std::string_view();
    std::string* field = key == "secret" ? &c.secret
                         : key == "alg"  ? &c.alg
                         : key == "iss"  ? &c.iss
                         : key == "aud"  ? &c.aud
                                         : nullptr;
    if (field != nullptr) {
      if (!e.value.is_string()) {
        return BuiltinError(name, absl::StrCat(Absl(key), " constraint: must be a string"));
      }
      *field = std::string(e.value.as_string());
    } else if (key == "cert") {
      if (!e.value.is_string()) return BuiltinError(name, "cert constraint: must be a string");
      VERDICT_ASSIGN_OR_RETURN(c.keys, KeysFromCertOrJwk(name, e.value.as_string()));
    } else if (key == "time") {
      VERDICT_ASSIGN_OR_RETURN(c.time_ns, TimeConstraint(name, e.value));
    } else {
      std::string shown = e.key.is_string() ? std::string(key) : ToJson(e.key);
      return BuiltinError(name, absl::StrCat("unknown token validation constraint: ", shown));
    }
  }
  if (c.time_ns < 0) {
    if (!ctx.now_ns_set) {
      ctx.now_ns = ctx.clock ? ctx.clock() : absl::ToUnixNanos(absl::Now());
      ctx.now_ns_set = true;
    }
    if (ctx.now_ns < 0) return BuiltinError(name, "token time constraint: must not be negative");
    c.time_ns = static_cast<double>(ctx.now_ns);
  }
  int key_constraints = (c.keys.has_value() ? 1 : 0) + (c.secret.empty() ? 0 : 1);
  if (key_constraints > 1) return BuiltinError(name, "duplicate key constraints");
  if (key_constraints < 1) return BuiltinError(name, "no key constraint");
  return c;
}

bool VerifyWithConstraints(const Constraints& c, const Header& header, std::string_view input,
                           std::string_view signature) {
  std::optional<JwsAlgorithm> algorithm = crypto::ParseJwsAlgorithm(header.alg);
  if (!algorithm.has_value()) return false;  // "none" and unknown algorithms never verify
  if (c.keys.has_value()) return VerifyWithKeys(*algorithm, header, *c.keys, input, signature);
  return Verifies(*algorithm, crypto::Key::Secret(c.secret), input, signature);
}

// OPA's validAudience: the token's "aud" (a string, or an array of them)
// must name the constraint's audience.
bool ValidAudience(const Value& aud, std::string_view want) {
  if (aud.is_string()) return aud.as_string() == want;
  if (!aud.is_array()) return false;
  for (const Value& a : aud.items()) {
    if (a.is_string() && a.as_string() == want) return true;
  }
  return false;
}

Value Unverified(BuiltinContext& ctx) {
  ArrayBuilder out(ctx.arena);
  out.Add(Value::Bool(false));
  out.Add(Value::EmptyObject());
  out.Add(Value::EmptyObject());
  return out.Build();
}

// --- io.jwt.encode_sign ---------------------------------------------------------

// JSON as Go's json.Marshal writes it: canonical JSON with <, >, & and the
// line/paragraph separators escaped.
std::string GoJson(const Value& v) {
  std::string json = ToJson(v);
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out += json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// OPA's commonBuiltinJWTEncodeSign.
absl::StatusOr<Value> EncodeSign(BuiltinContext& ctx, std::string_view name,
                                 std::string_view header, std::string_view payload,
                                 std::string_view jwk) {
  absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParseJwk(jwk);
  if (!keys.ok()) return BuiltinError(name, Std(keys.status().message()));
  if (keys->empty()) return BuiltinError(name, "no keys found in JWK set");
  absl::StatusOr<JwsAlgorithm> algorithm = crypto::JwsHeaderAlgorithm(header);
  if (!algorithm.ok()) return BuiltinError(name, Std(algorithm.status().message()));
  // A token typed JWT (or untyped) must carry a JSON payload.
  absl::StatusOr<Value> header_value = ParseJson(header, ctx.arena);
  const Value* typ = header_value.ok() ? header_value->Get("typ") : nullptr;
  bool jwt_typed = typ == nullptr || !typ->is_string() || typ->as_string() == "JWT";
  if (jwt_typed && !ParseJson(payload, ctx.arena).ok()) {
    return BuiltinError(name, "type is JWT but payload is not JSON");
  }
  std::string input =
      absl::StrCat(crypto::Base64UrlEncode(header), ".", crypto::Base64UrlEncode(payload));
  absl::StatusOr<std::string> signature = crypto::SignJws(*algorithm, keys->front(), input);
  if (!signature.ok()) return BuiltinError(name, Std(signature.status().message()));
  return Value::String(absl::StrCat(input, ".", crypto::Base64UrlEncode(*signature)),
                       ctx.arena);
}

}  // namespace

absl::StatusOr<Value> JwtDecode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwt, StringArg("io.jwt.decode", args, 0));
  return Decode(ctx, jwt, 0);
}

absl::StatusOr<Value> JwtVerifyHs256(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs256", crypto::HashAlgorithm::kSha256);
}
absl::StatusOr<Value> JwtVerifyHs384(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs384", crypto::HashAlgorithm::kSha384);
}
absl::StatusOr<Value> JwtVerifyHs512(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyHmac(ctx, args, "io.jwt.verify_hs512", crypto::HashAlgorithm::kSha512);
}

absl::StatusOr<Value> JwtVerifyRs256(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_rs256", JwsAlgorithm::kRS256);
}
absl::StatusOr<Value> JwtVerifyRs384(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_rs384", JwsAlgorithm::kRS384);
}
absl::StatusOr<Value> JwtVerifyRs512(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_rs512", JwsAlgorithm::kRS512);
}
absl::StatusOr<Value> JwtVerifyPs256(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_ps256", JwsAlgorithm::kPS256);
}
absl::StatusOr<Value> JwtVerifyPs384(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_ps384", JwsAlgorithm::kPS384);
}
absl::StatusOr<Value> JwtVerifyPs512(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_ps512", JwsAlgorithm::kPS512);
}
absl::StatusOr<Value> JwtVerifyEs256(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_es256", JwsAlgorithm::kES256);
}
absl::StatusOr<Value> JwtVerifyEs384(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_es384", JwsAlgorithm::kES384);
}
absl::StatusOr<Value> JwtVerifyEs512(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_es512", JwsAlgorithm::kES512);
}
absl::StatusOr<Value> JwtVerifyEdDsa(BuiltinContext& ctx, std::span<const Value> args) {
  return VerifyAsymmetric(ctx, args, "io.jwt.verify_eddsa", JwsAlgorithm::kEdDSA);
}

absl::StatusOr<Value> JwtDecodeVerify(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.decode_verify";
  VERDICT_ASSIGN_OR_RETURN(const Value* object, ObjectArg(kName, args, 1));
  VERDICT_ASSIGN_OR_RETURN(Constraints c, ParseConstraints(ctx, kName, *object));
  VERDICT_ASSIGN_OR_RETURN(std::string_view first, StringArg(kName, args, 0));

  // Verify each level of a nested token with the same constraints.
  std::string jwt(first);
  Value header_value;
  std::string payload;
  for (int depth = 0;; ++depth) {
    if (depth > kMaxJwtNesting) return BuiltinError(kName, "JWT nested too deeply");
    VERDICT_ASSIGN_OR_RETURN(Token token, SplitToken(kName, jwt));
    VERDICT_ASSIGN_OR_RETURN(header_value, DecodeHeader(ctx, kName, token));
    VERDICT_ASSIGN_OR_RETURN(Header header, ParseHeader(kName, header_value));
    if (!header.Valid()) return Unverified(ctx);
    if (!c.alg.empty() && c.alg != header.alg) return Unverified(ctx);
    VERDICT_ASSIGN_OR_RETURN(std::string signature, DecodeSignature(kName, token));
    std::string input = absl::StrCat(Absl(token.header), ".", Absl(token.payload));
    if (!VerifyWithConstraints(c, header, input, signature)) return Unverified(ctx);
    absl::StatusOr<std::string> p = DecodeBase64Url(token.payload);
    if (!p.ok()) {
      return BuiltinError(kName, absl::StrCat("JWT payload had invalid encoding: ",
                                              Absl(Std(p.status().message()))));
    }
    payload = *std::move(p);
    if (!absl::EqualsIgnoreCase(header.cty, "JWT")) break;
    jwt = payload;
  }
  VERDICT_ASSIGN_OR_RETURN(Value claims, JsonObject(ctx, kName, payload, ""));

  // Registered claims (RFC 7519 4.1).
  if (!c.iss.empty()) {
    const Value* iss = claims.Get("iss");
    if (iss == nullptr || !iss->is_string() || iss->as_string() != c.iss) return Unverified(ctx);
  }
  if (const Value* aud = claims.Get("aud")) {
    if (!ValidAudience(*aud, c.aud)) return Unverified(ctx);
  } else if (!c.aud.empty()) {
    return Unverified(ctx);
  }
  // Claims are seconds; the time is nanoseconds.
  double now = c.time_ns / 1e9;
  if (const Value* exp = claims.Get("exp")) {
    if (!exp->is_number()) return BuiltinError(kName, "exp value must be a number");
    if (now >= exp->ToDouble()) return Unverified(ctx);
  }
  if (const Value* nbf = claims.Get("nbf")) {
    if (!nbf->is_number()) return BuiltinError(kName, "nbf value must be a number");
    if (now < nbf->ToDouble()) return Unverified(ctx);
  }
  ArrayBuilder out(ctx.arena);
  out.Add(Value::Bool(true));
  out.Add(header_value);
  out.Add(claims);
  return out.Build();
}

absl::StatusOr<Value> JwtEncodeSign(BuiltinContext& ctx, std::span<const Value> args) {
  return EncodeSign(ctx, "io.jwt.encode_sign", GoJson(args[0]), GoJson(args[1]),
                    GoJson(args[2]));
}

absl::StatusOr<Value> JwtEncodeSignRaw(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.encode_sign_raw";
  // OPA checks the key operand first.
  VERDICT_ASSIGN_OR_RETURN(std::string_view jwk, StringArg(kName, args, 2));
  VERDICT_ASSIGN_OR_RETURN(std::string_view header, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view payload, StringArg(kName, args, 1));
  return EncodeSign(ctx, kName, header, payload, jwk);
}

}  // namespace verdict::builtins
