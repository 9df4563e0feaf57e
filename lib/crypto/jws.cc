// JWS algorithms over OpenSSL's EVP_DigestSign/EVP_DigestVerify, and the
// compact serialization. HS* are HMACs compared in constant time; RS* are
// RSASSA-PKCS1-v1_5; PS* are RSASSA-PSS with MGF1 over the same hash, signed
// with a hash-length salt and verified with any salt length (as Go's
// rsa.VerifyPSS with nil options, which OPA uses); ES* convert between the
// JOSE r||s form and the DER form OpenSSL speaks; EdDSA signs the input
// itself.
//
// Tested by tests/crypto/jws_test.cc.
#include "crypto/jws.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "crypto/encoding.h"
#include "nlohmann/json.hpp"
#include "openssl/bn.h"
#include "openssl/core_names.h"
#include "openssl/ec.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/rsa.h"

namespace verdict::crypto {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

constexpr std::string_view kAlgorithmNames[] = {
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
    "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
};

absl::Status SigError(std::string_view message) {
  ERR_clear_error();
  return MakeError(ErrorCode::kSignatureError, message);
}

HashAlgorithm HashOf(JwsAlgorithm algorithm) {
  switch (algorithm) {
    case JwsAlgorithm::kHS256:
    case JwsAlgorithm::kRS256:
    case JwsAlgorithm::kPS256:
    case JwsAlgorithm::kES256:
      return HashAlgorithm::kSha256;
    case JwsAlgorithm::kHS384:
    case JwsAlgorithm::kRS384:
    case JwsAlgorithm::kPS384:
    case JwsAlgorithm::kES384:
      return HashAlgorithm::kSha384;
    default:
      return HashAlgorithm::kSha512;
  }
}

bool IsHmac(JwsAlgorithm a) {
  return a == JwsAlgorithm::kHS256 || a == JwsAlgorithm::kHS384 || a == JwsAlgorithm::kHS512;
}
bool IsPss(JwsAlgorithm a) {
  return a == JwsAlgorithm::kPS256 || a == JwsAlgorithm::kPS384 || a == JwsAlgorithm::kPS512;
}
bool IsEcdsa(JwsAlgorithm a) {
  return a == JwsAlgorithm::kES256 || a == JwsAlgorithm::kES384 || a == JwsAlgorithm::kES512;
}

// A digest-sign/verify context set up for [algorithm] with [pkey].
absl::StatusOr<MdCtxPtr> NewContext(JwsAlgorithm algorithm, EVP_PKEY* pkey, bool sign) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (ctx == nullptr) return SigError("out of memory");
  const EVP_MD* md = algorithm == JwsAlgorithm::kEdDSA ? nullptr : HashMd(HashOf(algorithm));
  EVP_PKEY_CTX* pctx = nullptr;
  int ok = sign ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey)
                : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey);
  if (ok != 1) return SigError("key cannot be used with this algorithm");
  if (IsPss(algorithm)) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(
            pctx, sign ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO) != 1) {
      return SigError("cannot set up RSA-PSS");
    }
  } else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
      return SigError("cannot set up RSA PKCS#1 v1.5");
    }
  }
  return ctx;
}

// r||s (each half the signature) -> DER ECDSA-Sig-Value; nullopt when the
// signature cannot be one.
std::optional<std::string> JoseToDer(std::string_view sig) {
  if (sig.empty() || sig.size() % 2 != 0) return std::nullopt;
  size_t half = sig.size() / 2;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  BIGNUM* r = BN_bin2bn(p, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(p + half, static_cast<int>(half), nullptr);
  EcdsaSigPtr ecdsa(ECDSA_SIG_new(), &ECDSA_SIG_free);
  if (r == nullptr || s == nullptr || ecdsa == nullptr || ECDSA_SIG_set0(ecdsa.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(ecdsa.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::string> DerToJose(std::string_view der, size_t coordinate_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr ecdsa(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
  if (ecdsa == nullptr) return SigError("ECDSA signing produced no signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(ecdsa.get(), &r, &s);
  std::string out(2 * coordinate_bytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int n = static_cast<int>(coordinate_bytes);
  if (BN_bn2binpad(r, o, n) != n || BN_bn2binpad(s, o + coordinate_bytes, n) != n) {
    return SigError("ECDSA signature does not fit the curve");
  }
  return out;
}

absl::Status KeyMismatch(JwsAlgorithm algorithm, const Key& key) {
  std::string_view type = "secret";
  switch (key.type()) {
    case KeyType::kSecret: type = "an HMAC secret"; break;
    case KeyType::kRsa: type = "an RSA key"; break;
    case KeyType::kEc: type = "an EC key"; break;
    case KeyType::kOkp: type = "an EdDSA key"; break;
  }
  return SigError(absl::StrCat("algorithm ", Absl(JwsAlgorithmName(algorithm)), " cannot use ",
                               Absl(type)));
}

}  // namespace

// Messages as OPA's (lestrrat-go/jwx's) for io.jwt.encode_sign_raw.
absl::StatusOr<JwsAlgorithm> JwsHeaderAlgorithm(std::string_view header_json) {
  constexpr std::string_view kPrefix = "missing or invalid 'alg' header: ";
  if (header_json.empty()) {
    return SigError(absl::StrCat(Absl(kPrefix), "cannot parse JSON: cannot parse empty string"));
  }
  nlohmann::json header = nlohmann::json::parse(header_json.begin(), header_json.end(), nullptr,
                                                /*allow_exceptions=*/false);
  size_t first = header_json.find_first_not_of(" \t\r\n");
  if (header.is_discarded() && first != std::string_view::npos && header_json[first] == '{') {
    return SigError(absl::StrCat(Absl(kPrefix), "cannot parse JSON: invalid JSON"));
  }
  auto alg = header.is_object() ? header.find("alg") : header.end();
  if (!header.is_object() || alg == header.end()) {
    return SigError(absl::StrCat(Absl(kPrefix), "jwsbb: header \"alg\" not found"));
  }
  if (!alg->is_string()) {
    return SigError(absl::StrCat(Absl(kPrefix), "jwsbb: header \"alg\" is not a string"));
  }
  const std::string& name = alg->get_ref<const std::string&>();
  std::optional<JwsAlgorithm> algorithm = ParseJwsAlgorithm(name);
  if (!algorithm.has_value()) return SigError(absl::StrCat("unknown JWS algorithm: ", name));
  return *algorithm;
}

std::optional<JwsAlgorithm> ParseJwsAlgorithm(std::string_view name) {
  for (size_t i = 0; i < std::size(kAlgorithmNames); ++i) {
    if (kAlgorithmNames[i] == name) return static_cast<JwsAlgorithm>(i);
  }
  return std::nullopt;
}

std::string_view JwsAlgorithmName(JwsAlgorithm algorithm) {
  size_t i = static_cast<size_t>(algorithm);
  return i < std::size(kAlgorithmNames) ? kAlgorithmNames[i] : "";
}

absl::StatusOr<bool> VerifyJws(JwsAlgorithm algorithm, const Key& key,
                               std::string_view signing_input, std::string_view signature) {
  if (!key.Fits(algorithm)) return KeyMismatch(algorithm, key);
  if (IsHmac(algorithm)) {
    return ConstantTimeEquals(Hmac(HashOf(algorithm), key.secret(), signing_input), signature);
  }
  if (!IsEcdsa(algorithm) && algorithm != JwsAlgorithm::kEdDSA &&
      signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.pkey()))) {
    // RSA signatures are exactly as long as the modulus (RFC 8017 8.1.2 and
    // 8.2.2, and Go's rsa.Verify*). OpenSSL would also accept one whose
    // leading zero byte was cut off.
    return false;
  }
  std::string der;
  if (IsEcdsa(algorithm)) {
    std::optional<std::string> converted = JoseToDer(signature);
    if (!converted.has_value()) return false;
    der = *std::move(converted);
    signature = der;
  }
  VERDICT_ASSIGN_OR_RETURN(MdCtxPtr ctx, NewContext(algorithm, key.pkey(), /*sign=*/false));
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size());
  // 0 is a bad signature; a negative result is a malformed one: both false.
  ERR_clear_error();
  return rc == 1;
}

namespace {

// Whether an RSA key's CRT members (p, q, dp, dq, qi) agree with n, e and
// d. A key without them passes: SignJws checks its signature instead.
bool RsaFactorsConsistent(EVP_PKEY* pkey) {
  BIGNUM* p = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, &p) != 1) {
    ERR_clear_error();
    return true;
  }
  BN_free(p);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr), &EVP_PKEY_CTX_free);
  const bool ok = ctx != nullptr && EVP_PKEY_pairwise_check(ctx.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

absl::StatusOr<std::string> SignJws(JwsAlgorithm algorithm, const Key& private_key,
                                    std::string_view signing_input) {
  if (!private_key.Fits(algorithm)) return KeyMismatch(algorithm, private_key);
  if (!private_key.is_private()) {
    return SigError(absl::StrCat("algorithm ", Absl(JwsAlgorithmName(algorithm)),
                                 " needs a private key to sign"));
  }
  if (IsHmac(algorithm)) return Hmac(HashOf(algorithm), private_key.secret(), signing_input);
  const bool rsa = private_key.type() == KeyType::kRsa;
  // A key whose private members contradict its public ones (a JWK with a
  // wrong "q", say) is an error, as in Go's crypto/rsa (and so OPA), not a
  // signature: OpenSSL would fall back to d, or with a corrupt d sign
  // garbage, different each time because of its blinding.
  constexpr std::string_view kMismatch =
      "signing failed: the private key does not match its public key";
  if (rsa && !RsaFactorsConsistent(private_key.pkey())) return SigError(kMismatch);
  VERDICT_ASSIGN_OR_RETURN(MdCtxPtr ctx, NewContext(algorithm, private_key.pkey(), /*sign=*/true));
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) {
    return SigError("signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     signing_input.size()) != 1) {
    return SigError("signing failed");
  }
  sig.resize(len);
  if (IsEcdsa(algorithm)) {
    size_t coordinate = static_cast<size_t>((private_key.bits() + 7) / 8);
    return DerToJose(sig, coordinate);
  }
  if (rsa) {
    // Go checks every RSA signature it makes (a cheap public-key
    // operation); this also catches a d that does not match e.
    VERDICT_ASSIGN_OR_RETURN(bool valid, VerifyJws(algorithm, private_key, signing_input, sig));
    if (!valid) return SigError(kMismatch);
  }
  return sig;
}

absl::StatusOr<CompactJws> ParseCompactJws(std::string_view token) {
  if (token.find('.') == std::string_view::npos) {
    return SigError("encoded JWT had no period separators");
  }
  std::vector<std::string_view> parts;
  for (absl::string_view p : absl::StrSplit(Absl(token), '.')) parts.push_back(Std(p));
  if (parts.size() != 3) {
    return SigError(absl::StrCat("encoded JWT must have 3 sections, found ", parts.size()));
  }
  CompactJws out;
  absl::StatusOr<std::string> header = Base64UrlDecode(parts[0]);
  if (!header.ok()) {
    return SigError(absl::StrCat("JWT header had invalid encoding: ",
                                 Absl(Std(header.status().message()))));
  }
  nlohmann::json json = nlohmann::json::parse(header->begin(), header->end(), nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) return SigError("bad JWT header: invalid JSON");
  if (!json.is_object()) return SigError("bad JWT header: decoded JSON type was not an Object");
  absl::StatusOr<std::string> payload = Base64UrlDecode(parts[1]);
  if (!payload.ok()) {
    return SigError(absl::StrCat("JWT payload had invalid encoding: ",
                                 Absl(Std(payload.status().message()))));
  }
  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) {
    return SigError(absl::StrCat("JWT signature had invalid encoding: ",
                                 Absl(Std(signature.status().message()))));
  }
  out.header_json = *std::move(header);
  out.payload = *std::move(payload);
  out.signing_input = absl::StrCat(Absl(parts[0]), ".", Absl(parts[1]));
  out.signature = *std::move(signature);
  return out;
}

absl::StatusOr<std::string> SignCompactJws(std::string_view header_json,
                                           std::string_view payload, const Key& key) {
  VERDICT_ASSIGN_OR_RETURN(JwsAlgorithm algorithm, JwsHeaderAlgorithm(header_json));
  std::string input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(payload));
  VERDICT_ASSIGN_OR_RETURN(std::string signature, SignJws(algorithm, key, input));
  return absl::StrCat(input, ".", Base64UrlEncode(signature));
}

absl::StatusOr<CompactJws> VerifyCompactJws(std::string_view token, std::span<const Key> keys) {
  VERDICT_ASSIGN_OR_RETURN(CompactJws jws, ParseCompactJws(token));
  VERDICT_ASSIGN_OR_RETURN(JwsAlgorithm algorithm, JwsHeaderAlgorithm(jws.header_json));
  nlohmann::json header = nlohmann::json::parse(jws.header_json, nullptr, false);
  std::string kid;
  if (auto it = header.find("kid"); it != header.end() && it->is_string()) {
    kid = it->get<std::string>();
  }
  auto try_key = [&](const Key& key) {
    if (!key.Fits(algorithm)) return false;
    absl::StatusOr<bool> ok = VerifyJws(algorithm, key, jws.signing_input, jws.signature);
    return ok.ok() && *ok;
  };
  if (!kid.empty()) {
    for (const Key& key : keys) {
      if (key.kid() == kid) {
        if (try_key(key)) return jws;
        return SigError("signature verification failed");
      }
    }
  }
  for (const Key& key : keys) {
    if (!key.alg().empty() && key.alg() != JwsAlgorithmName(algorithm)) continue;
    if (try_key(key)) return jws;
  }
  return SigError("signature verification failed");
}

}  // namespace verdict::crypto
