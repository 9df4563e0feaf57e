// File: lib/crypto/jws.h
//
// JSON Web Signatures (RFC 7515) over OpenSSL: the io.jwt.* builtins and
// bundle signatures (.signatures.json) sign and verify through this header.
//
//   absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParseKeys(pem_or_jwks);
//   absl::StatusOr<crypto::CompactJws> jws = crypto::ParseCompactJws(token);
//   absl::StatusOr<bool> ok = crypto::VerifyJws(crypto::JwsAlgorithm::kRS256,
//                                               (*keys)[0], jws->signing_input,
//                                               jws->signature);
//   absl::StatusOr<std::string> token = crypto::SignCompactJws(
//       R"({"alg":"HS256"})", R"({"sub":"x"})", crypto::Key::Secret("k"));
//
// Keys come from PEM (public keys, certificates, PKCS#1/PKCS#8/SEC1 private
// keys), from JWK or JWKS JSON, or are HMAC secrets (Key::Secret). A Key is
// an immutable handle: copies share one OpenSSL key, and it is safe to use
// from several threads at once.
//
// Errors carry ErrorCode::kSignatureError with OPA's wording where OPA has
// one ("failed to parse a JWK key (set): ...", "extra data after a PEM
// certificate block"), so builtins can pass the message on. A signature
// that does not verify is not an error: VerifyJws() returns false.
//
// The digest helpers (Sha256Hex, Hmac, ...) live in crypto/digest.h, which
// this header includes.
//
// Tested by tests/crypto/jws_test.cc.
#ifndef VERDICT_CRYPTO_JWS_H_
#define VERDICT_CRYPTO_JWS_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/digest.h"
#include "openssl/types.h"

namespace verdict::crypto {

// The algorithms of RFC 7518 section 3 that OPA supports, and EdDSA
// (RFC 8037; Ed25519 and Ed448 keys).
enum class JwsAlgorithm {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};

// ParseJwsAlgorithm()
//
// "RS256" -> kRS256 ... (case-sensitive, as the "alg" header); nullopt for
// names outside the enum ("none" included).
std::optional<JwsAlgorithm> ParseJwsAlgorithm(std::string_view name);

// JwsAlgorithmName(): "RS256" for kRS256 ...
std::string_view JwsAlgorithmName(JwsAlgorithm algorithm);

enum class KeyType {
  kSecret,  // HMAC secret (JWK "oct")
  kRsa,
  kEc,      // P-256, P-384, P-521
  kOkp,     // Ed25519, Ed448
};

// Key: a public key, a private key (which can also verify), or an HMAC
// secret. Copyable; copies share the underlying key.
class Key {
 public:
  // Secret()
  //
  // An HMAC secret of any bytes (the empty secret included).
  static Key Secret(std::string_view bytes);

  // FromPkey()
  //
  // Wraps an OpenSSL key, taking over the caller's reference. Fails for key
  // types JWS has no algorithm for (DSA, DH ...).
  static absl::StatusOr<Key> FromPkey(EVP_PKEY* pkey);

  KeyType type() const;
  // Private keys and secrets can sign; public keys only verify.
  bool is_private() const;
  // JWK members when the key came from a JWK; empty otherwise.
  const std::string& kid() const;
  const std::string& alg() const;
  const std::string& use() const;
  // The secret's bytes (kSecret); empty otherwise.
  std::string_view secret() const;
  // "P-256", "P-384", "P-521" (kEc), "Ed25519", "Ed448" (kOkp); else "".
  std::string_view curve() const;
  // Size of the key in bits (the modulus for RSA, the curve for EC/OKP, the
  // secret for kSecret).
  int bits() const;

  // Fits()
  //
  // Whether [algorithm] can be used with this key's type: HS* with secrets,
  // RS*/PS* with RSA, ES* with EC, EdDSA with OKP keys.
  bool Fits(JwsAlgorithm algorithm) const;

  // Components()
  //
  // The key's numbers as unsigned big-endian bytes, named as in JWK
  // (RFC 7518 section 6): RSA "n" "e" (+ "d" "p" "q" "dp" "dq" "qi"), EC
  // "x" "y" (+ "d"), OKP "x" (+ "d"), secret "k". Private members only when
  // [include_private] and the key has them.
  std::vector<std::pair<std::string, std::string>> Components(bool include_private) const;

  // ToJwk()
  //
  // The key as JWK JSON with members in the order "kty", ("crv"), the
  // components, then "kid"/"alg"/"use" when set. Public members only unless
  // [include_private].
  std::string ToJwk(bool include_private) const;

  // The OpenSSL key (nullptr for secrets); lives as long as any copy of
  // this Key.
  EVP_PKEY* pkey() const;

 private:
  struct Rep;
  friend struct KeyFactory;  // jws.cc builds keys from JWK members
  explicit Key(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

  std::shared_ptr<const Rep> rep_;
};

// ParseKeys()
//
// Keys from [text]:
//   - PEM: one or more blocks of CERTIFICATE (its public key), PUBLIC KEY,
//     RSA PUBLIC KEY, PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1) or EC
//     PRIVATE KEY (SEC1), separated by nothing but blank space;
//   - otherwise JSON: one JWK object, or a JWKS ({"keys": [...]}).
// Errors: "extra data after a PEM certificate block", "failed to parse a PEM
// certificate: ...", "failed to parse a PEM public key: ...", "failed to
// extract a Key from the PEM certificate" (another block type), "failed to
// parse a JWK key (set): ...". HMAC secrets are not parsed from text: wrap
// them with Key::Secret().
absl::StatusOr<std::vector<Key>> ParseKeys(std::string_view text);

// ParseJwk()
//
// Keys from JWK or JWKS JSON only (io.jwt.encode_sign's key argument).
// Errors: "failed to parse JWK: ...".
absl::StatusOr<std::vector<Key>> ParseJwk(std::string_view text);

// ParsePrivateKeyDer()
//
// A private key from DER: [pem_type] "RSA PRIVATE KEY" (PKCS#1), "PRIVATE
// KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC1). Errors name the format, as Go's
// x509 parsers do.
absl::StatusOr<Key> ParsePrivateKeyDer(std::string_view pem_type, std::string_view der);

// VerifyJws()
//
// Whether [signature] (raw bytes: for ES* the JOSE r||s form) signs
// [signing_input] under [key] with [algorithm]. false for a signature that
// does not verify, malformed signatures included; an error when the key
// does not fit the algorithm (see Key::Fits).
absl::StatusOr<bool> VerifyJws(JwsAlgorithm algorithm, const Key& key,
                               std::string_view signing_input,
                               std::string_view signature);

// SignJws()
//
// The signature of [signing_input] (raw bytes; ES* in JOSE r||s form, PS*
// with a salt as long as the hash). [private_key] must fit [algorithm] and
// hold a private key or secret. ES* and PS* signatures are randomized.
absl::StatusOr<std::string> SignJws(JwsAlgorithm algorithm, const Key& private_key,
                                    std::string_view signing_input);

// JwsHeaderAlgorithm()
//
// The algorithm a protected header names in "alg". Errors (with OPA's
// wording for io.jwt.encode_sign_raw): "missing or invalid 'alg' header:
// ...", "unknown JWS algorithm: X".
absl::StatusOr<JwsAlgorithm> JwsHeaderAlgorithm(std::string_view header_json);

// CompactJws: the parts of a compact serialization, decoded.
struct CompactJws {
  std::string header_json;    // decoded protected header (a JSON object)
  std::string payload;        // decoded payload bytes
  std::string signing_input;  // "<header b64>.<payload b64>" as received
  std::string signature;      // decoded signature bytes
};

// ParseCompactJws()
//
// Splits "<header>.<payload>.<signature>", base64url-decodes the parts and
// checks that the header is a JSON object. Errors (OPA's io.jwt wording):
// "encoded JWT had no period separators", "encoded JWT must have 3
// sections, found N", "JWT header had invalid encoding: ...", "bad JWT
// header: ...", "JWT payload had invalid encoding: ...", "JWT signature had
// invalid encoding: ...".
absl::StatusOr<CompactJws> ParseCompactJws(std::string_view token);

// SignCompactJws()
//
// "<b64url(header_json)>.<b64url(payload)>.<b64url(signature)>", signed
// with the "alg" that [header_json] names (the header bytes are used as
// given). Errors: "missing or invalid 'alg' header: ...", "unknown JWS
// algorithm: X", and SignJws()'s.
absl::StatusOr<std::string> SignCompactJws(std::string_view header_json,
                                           std::string_view payload, const Key& key);

// VerifyCompactJws()
//
// Parses [token] and verifies it with the header's "alg": when the header
// has a "kid" that one of [keys] carries, with that key alone; otherwise
// with each key whose JWK "alg" is unset or equal to the header's, until
// one verifies. Errors: ParseCompactJws()'s, "missing or invalid 'alg'
// header: ...", "unknown JWS algorithm: X", "signature verification failed"
// (kSignatureError).
absl::StatusOr<CompactJws> VerifyCompactJws(std::string_view token, std::span<const Key> keys);

}  // namespace verdict::crypto

#endif  // VERDICT_CRYPTO_JWS_H_
