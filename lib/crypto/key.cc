// crypto::Key and the key parsers of jws.h: PEM blocks (through OpenSSL's
// DER decoders) and JWK/JWKS JSON (through nlohmann::json, built into
// OpenSSL keys with EVP_PKEY_fromdata). Key::Rep owns one EVP_PKEY; every
// Key copy shares it, and OpenSSL keys are safe for concurrent use once
// built.
//
// Tested by tests/crypto/jws_test.cc.
#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "crypto/encoding.h"
#include "crypto/jws.h"
#include "crypto/pem.h"
#include "nlohmann/json.hpp"
#include "openssl/bn.h"
#include "openssl/core_names.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/param_build.h"
#include "openssl/x509.h"

namespace verdict::crypto {

struct Key::Rep {
  KeyType type = KeyType::kSecret;
  bool is_private = false;
  std::string secret;
  EVP_PKEY* pkey = nullptr;  // owned; null for secrets
  std::string curve;
  std::string kid, alg, use;

  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;
  ~Rep() { EVP_PKEY_free(pkey); }
};

namespace {

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

absl::Status SigError(std::string_view message) {
  // Failed OpenSSL calls leave entries on the thread's error queue; drop
  // them so they cannot confuse a later, unrelated OpenSSL user.
  ERR_clear_error();
  return MakeError(ErrorCode::kSignatureError, message);
}

// OpenSSL group names of the JOSE curves.
struct CurveInfo {
  std::string_view jose;
  std::string_view group;
  size_t bytes;  // coordinate size
};
constexpr CurveInfo kCurves[] = {
    {"P-256", "prime256v1", 32},
    {"P-384", "secp384r1", 48},
    {"P-521", "secp521r1", 66},
};

const CurveInfo* CurveByJose(std::string_view name) {
  for (const CurveInfo& c : kCurves) {
    if (c.jose == name) return &c;
  }
  return nullptr;
}

const CurveInfo* CurveByGroup(std::string_view group) {
  for (const CurveInfo& c : kCurves) {
    if (c.group == group) return &c;
  }
  // OpenSSL also knows P-256 as "P-256"/"secp256r1" in some paths.
  if (group == "secp256r1" || group == "P-256") return &kCurves[0];
  if (group == "P-384") return &kCurves[1];
  if (group == "P-521") return &kCurves[2];
  return nullptr;
}

std::string BnBytes(const BIGNUM* bn, size_t pad_to = 0) {
  int n = BN_num_bytes(bn);
  size_t size = std::max(static_cast<size_t>(n), pad_to);
  std::string out(size, '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) <
      0) {
    return "";
  }
  return out;
}

// A BIGNUM parameter of [pkey] as big-endian bytes; nullopt when absent.
std::optional<std::string> BnParam(EVP_PKEY* pkey, const char* name, size_t pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1 || bn == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  BnPtr owned(bn, &BN_free);
  return BnBytes(bn, pad_to);
}

std::optional<std::string> RawKey(EVP_PKEY* pkey, bool private_part) {
  size_t len = 0;
  auto get = private_part ? &EVP_PKEY_get_raw_private_key : &EVP_PKEY_get_raw_public_key;
  if (get(pkey, nullptr, &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string out(len, '\0');
  if (get(pkey, reinterpret_cast<unsigned char*>(out.data()), &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string GroupName(EVP_PKEY* pkey) {
  char buf[64];
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, buf, sizeof buf,
                                     &len) != 1) {
    ERR_clear_error();
    return "";
  }
  return std::string(buf, len);
}

// The key built from [params] with EVP_PKEY_fromdata.
absl::StatusOr<EVP_PKEY*> FromData(const char* key_type, OSSL_PARAM_BLD* bld, bool with_private) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld), &OSSL_PARAM_free);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, key_type, nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey,
                        with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1 ||
      pkey == nullptr) {
    EVP_PKEY_free(pkey);
    return SigError("invalid key parameters");
  }
  return pkey;
}

// JWK member [name] (base64url; std base64 tolerated) as bytes.
absl::StatusOr<std::optional<std::string>> JwkBytes(const nlohmann::json& jwk,
                                                    const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return std::optional<std::string>();
  if (!it->is_string()) {
    return SigError(absl::StrCat("member \"", name, "\" must be a string"));
  }
  const std::string& text = it->get_ref<const std::string&>();
  absl::StatusOr<std::string> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) bytes = Base64Decode(text);
  if (!bytes.ok()) {
    return SigError(absl::StrCat("member \"", name, "\" is not base64url: ",
                                 Absl(Std(bytes.status().message()))));
  }
  return std::optional<std::string>(*std::move(bytes));
}

absl::StatusOr<std::string> RequiredJwkBytes(const nlohmann::json& jwk, const char* name) {
  VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, JwkBytes(jwk, name));
  if (!bytes.has_value() || bytes->empty()) {
    return SigError(absl::StrCat("required member \"", name, "\" is missing"));
  }
  return *std::move(bytes);
}

bool PushBn(OSSL_PARAM_BLD* bld, const char* key, std::string_view bytes,
            std::vector<BnPtr>* keep) {
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr);
  if (bn == nullptr) return false;
  keep->emplace_back(bn, &BN_free);
  return OSSL_PARAM_BLD_push_BN(bld, key, bn) == 1;
}

std::string OptionalString(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

// Builds Keys from JWK members (Key's constructor is private; KeyFactory is
// its friend).
struct KeyFactory {
  static Key Make(std::shared_ptr<const Key::Rep> rep) { return Key(std::move(rep)); }

  static absl::StatusOr<Key> FromJwk(const nlohmann::json& jwk) {
    if (!jwk.is_object()) return SigError("a JWK must be a JSON object");
    auto kty_it = jwk.find("kty");
    if (kty_it == jwk.end() || !kty_it->is_string()) {
      return SigError("required member \"kty\" is missing");
    }
    std::string kty = kty_it->get<std::string>();
    auto rep = std::make_shared<Key::Rep>();
    rep->kid = OptionalString(jwk, "kid");
    rep->alg = OptionalString(jwk, "alg");
    rep->use = OptionalString(jwk, "use");

    if (kty == "oct") {
      VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> k, JwkBytes(jwk, "k"));
      if (!k.has_value()) return SigError("required member \"k\" is missing");
      rep->type = KeyType::kSecret;
      rep->is_private = true;
      rep->secret = *std::move(k);
      return Make(std::move(rep));
    }

    ParamBldPtr bld(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (bld == nullptr) return SigError("out of memory");
    std::vector<BnPtr> keep;

    if (kty == "RSA") {
      VERDICT_ASSIGN_OR_RETURN(std::string n, RequiredJwkBytes(jwk, "n"));
      VERDICT_ASSIGN_OR_RETURN(std::string e, RequiredJwkBytes(jwk, "e"));
      VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> d, JwkBytes(jwk, "d"));
      bool ok = PushBn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n, &keep) &&
                PushBn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e, &keep);
      if (d.has_value()) {
        ok = ok && PushBn(bld.get(), OSSL_PKEY_PARAM_RSA_D, *d, &keep);
        // The CRT members are optional (RFC 7518 6.3.2), but all or none.
        static constexpr std::pair<const char*, const char*> kCrt[] = {
            {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},       {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
            {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},    {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
            {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
        };
        std::vector<std::pair<const char*, std::string>> crt;
        for (const auto& [member, param] : kCrt) {
          VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> v, JwkBytes(jwk, member));
          if (v.has_value()) crt.emplace_back(param, *std::move(v));
        }
        if (crt.size() == std::size(kCrt)) {
          for (const auto& [param, v] : crt) ok = ok && PushBn(bld.get(), param, v, &keep);
        }
      }
      if (!ok) return SigError("invalid RSA key");
      VERDICT_ASSIGN_OR_RETURN(rep->pkey, FromData("RSA", bld.get(), d.has_value()));
      rep->type = KeyType::kRsa;
      rep->is_private = d.has_value();
      return Make(std::move(rep));
    }

    if (kty == "EC") {
      std::string crv = OptionalString(jwk, "crv");
      const CurveInfo* curve = CurveByJose(crv);
      if (curve == nullptr) return SigError(absl::StrCat("unsupported curve \"", crv, "\""));
      VERDICT_ASSIGN_OR_RETURN(std::string x, RequiredJwkBytes(jwk, "x"));
      VERDICT_ASSIGN_OR_RETURN(std::string y, RequiredJwkBytes(jwk, "y"));
      VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> d, JwkBytes(jwk, "d"));
      if (x.size() > curve->bytes || y.size() > curve->bytes) {
        return SigError("EC coordinates are longer than the curve allows");
      }
      std::string point(1, '\x04');
      point.append(curve->bytes - x.size(), '\0').append(x);
      point.append(curve->bytes - y.size(), '\0').append(y);
      bool ok = OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                                curve->group.data(), curve->group.size()) == 1 &&
                OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                                 point.data(), point.size()) == 1;
      if (d.has_value()) ok = ok && PushBn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, *d, &keep);
      if (!ok) return SigError("invalid EC key");
      VERDICT_ASSIGN_OR_RETURN(rep->pkey, FromData("EC", bld.get(), d.has_value()));
      rep->type = KeyType::kEc;
      rep->is_private = d.has_value();
      rep->curve = std::string(curve->jose);
      return Make(std::move(rep));
    }

    if (kty == "OKP") {
      std::string crv = OptionalString(jwk, "crv");
      int id = crv == "Ed25519" ? EVP_PKEY_ED25519 : crv == "Ed448" ? EVP_PKEY_ED448 : 0;
      if (id == 0) return SigError(absl::StrCat("unsupported curve \"", crv, "\""));
      VERDICT_ASSIGN_OR_RETURN(std::string x, RequiredJwkBytes(jwk, "x"));
      VERDICT_ASSIGN_OR_RETURN(std::optional<std::string> d, JwkBytes(jwk, "d"));
      const std::string& raw = d.has_value() ? *d : x;
      auto make = d.has_value() ? &EVP_PKEY_new_raw_private_key : &EVP_PKEY_new_raw_public_key;
      rep->pkey = make(id, nullptr, reinterpret_cast<const unsigned char*>(raw.data()),
                       raw.size());
      if (rep->pkey == nullptr) return SigError(absl::StrCat("invalid ", crv, " key"));
      if (d.has_value()) {
        // The public half is derived from the seed; it must match "x".
        std::optional<std::string> pub = RawKey(rep->pkey, false);
        if (!pub.has_value() || *pub != x) {
          return SigError(absl::StrCat("invalid ", crv, " key: \"x\" does not match \"d\""));
        }
      }
      rep->type = KeyType::kOkp;
      rep->is_private = d.has_value();
      rep->curve = crv;
      return Make(std::move(rep));
    }
    return SigError(absl::StrCat("unsupported key type \"", kty, "\""));
  }
};

Key Key::Secret(std::string_view bytes) {
  auto rep = std::make_shared<Rep>();
  rep->type = KeyType::kSecret;
  rep->is_private = true;
  rep->secret = std::string(bytes);
  return Key(std::move(rep));
}

absl::StatusOr<Key> Key::FromPkey(EVP_PKEY* pkey) {
  auto rep = std::make_shared<Rep>();
  rep->pkey = pkey;  // owned from here on, also on error
  if (pkey == nullptr) return SigError("no key");
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      rep->type = KeyType::kRsa;
      rep->is_private = BnParam(pkey, OSSL_PKEY_PARAM_RSA_D).has_value();
      break;
    case EVP_PKEY_EC: {
      rep->type = KeyType::kEc;
      rep->is_private = BnParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY).has_value();
      const CurveInfo* curve = CurveByGroup(GroupName(pkey));
      if (curve != nullptr) rep->curve = std::string(curve->jose);
      break;
    }
    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448:
      rep->type = KeyType::kOkp;
      rep->is_private = RawKey(pkey, true).has_value();
      rep->curve = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 ? "Ed25519" : "Ed448";
      break;
    default:
      return SigError("unsupported key type");
  }
  return Key(std::move(rep));
}

KeyType Key::type() const { return rep_->type; }
bool Key::is_private() const { return rep_->is_private; }
const std::string& Key::kid() const { return rep_->kid; }
const std::string& Key::alg() const { return rep_->alg; }
const std::string& Key::use() const { return rep_->use; }
std::string_view Key::secret() const { return rep_->secret; }
std::string_view Key::curve() const { return rep_->curve; }
EVP_PKEY* Key::pkey() const { return rep_->pkey; }

int Key::bits() const {
  if (rep_->type == KeyType::kSecret) return static_cast<int>(rep_->secret.size() * 8);
  return EVP_PKEY_get_bits(rep_->pkey);
}

bool Key::Fits(JwsAlgorithm algorithm) const {
  switch (algorithm) {
    case JwsAlgorithm::kHS256:
    case JwsAlgorithm::kHS384:
    case JwsAlgorithm::kHS512:
      return rep_->type == KeyType::kSecret;
    case JwsAlgorithm::kRS256:
    case JwsAlgorithm::kRS384:
    case JwsAlgorithm::kRS512:
    case JwsAlgorithm::kPS256:
    case JwsAlgorithm::kPS384:
    case JwsAlgorithm::kPS512:
      return rep_->type == KeyType::kRsa;
    case JwsAlgorithm::kES256:
    case JwsAlgorithm::kES384:
    case JwsAlgorithm::kES512:
      return rep_->type == KeyType::kEc;
    case JwsAlgorithm::kEdDSA:
      return rep_->type == KeyType::kOkp;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Key::Components(bool include_private) const {
  std::vector<std::pair<std::string, std::string>> out;
  bool priv = include_private && rep_->is_private;
  EVP_PKEY* pkey = rep_->pkey;
  auto add = [&](const char* name, std::optional<std::string> bytes) {
    if (bytes.has_value()) out.emplace_back(name, *std::move(bytes));
  };
  switch (rep_->type) {
    case KeyType::kSecret:
      out.emplace_back("k", rep_->secret);
      break;
    case KeyType::kRsa:
      add("n", BnParam(pkey, OSSL_PKEY_PARAM_RSA_N));
      add("e", BnParam(pkey, OSSL_PKEY_PARAM_RSA_E));
      if (priv) {
        add("d", BnParam(pkey, OSSL_PKEY_PARAM_RSA_D));
        add("p", BnParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1));
        add("q", BnParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2));
        add("dp", BnParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1));
        add("dq", BnParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2));
        add("qi", BnParam(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
      }
      break;
    case KeyType::kEc: {
      // JWK coordinates are full length (RFC 7518 6.2.1.2).
      size_t size = static_cast<size_t>((EVP_PKEY_get_bits(pkey) + 7) / 8);
      add("x", BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size));
      add("y", BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size));
      if (priv) add("d", BnParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY, size));
      break;
    }
    case KeyType::kOkp:
      add("x", RawKey(pkey, false));
      if (priv) add("d", RawKey(pkey, true));
      break;
  }
  return out;
}

std::string Key::ToJwk(bool include_private) const {
  auto quote = [](std::string_view s) { return nlohmann::json(std::string(s)).dump(); };
  std::string out = "{\"kty\":";
  switch (rep_->type) {
    case KeyType::kSecret: out += "\"oct\""; break;
    case KeyType::kRsa: out += "\"RSA\""; break;
    case KeyType::kEc: out += "\"EC\""; break;
    case KeyType::kOkp: out += "\"OKP\""; break;
  }
  if (!rep_->curve.empty()) absl::StrAppend(&out, ",\"crv\":", quote(rep_->curve));
  for (const auto& [name, bytes] : Components(include_private)) {
    if (name == "k" && !include_private) continue;
    absl::StrAppend(&out, ",\"", name, "\":\"", Base64UrlEncode(bytes), "\"");
  }
  if (!rep_->kid.empty()) absl::StrAppend(&out, ",\"kid\":", quote(rep_->kid));
  if (!rep_->alg.empty()) absl::StrAppend(&out, ",\"alg\":", quote(rep_->alg));
  if (!rep_->use.empty()) absl::StrAppend(&out, ",\"use\":", quote(rep_->use));
  out += "}";
  return out;
}

absl::StatusOr<std::vector<Key>> ParseJwk(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) return SigError("failed to parse JWK: invalid JSON");
  if (!json.is_object()) return SigError("failed to parse JWK: not a JSON object");
  std::vector<Key> keys;
  auto set = json.find("keys");
  if (set != json.end() && json.find("kty") == json.end()) {
    if (!set->is_array()) return SigError("failed to parse JWK: \"keys\" must be an array");
    for (const nlohmann::json& member : *set) {
      absl::StatusOr<Key> key = KeyFactory::FromJwk(member);
      if (!key.ok()) {
        return SigError(absl::StrCat("failed to parse JWK: ", Absl(Std(key.status().message()))));
      }
      keys.push_back(*std::move(key));
    }
    return keys;
  }
  absl::StatusOr<Key> key = KeyFactory::FromJwk(json);
  if (!key.ok()) {
    return SigError(absl::StrCat("failed to parse JWK: ", Absl(Std(key.status().message()))));
  }
  keys.push_back(*std::move(key));
  return keys;
}

absl::StatusOr<Key> ParsePrivateKeyDer(std::string_view pem_type, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  EVP_PKEY* pkey = nullptr;
  std::string_view what;
  if (pem_type == "RSA PRIVATE KEY") {
    what = "PKCS#1 RSA private key";
    pkey = d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
  } else if (pem_type == "EC PRIVATE KEY") {
    what = "EC private key";
    pkey = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(der.size()));
  } else if (pem_type == "PRIVATE KEY") {
    what = "PKCS#8 private key";
    PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
    if (info != nullptr) {
      pkey = EVP_PKCS82PKEY(info);
      PKCS8_PRIV_KEY_INFO_free(info);
    }
  } else {
    return SigError(absl::StrCat("unsupported private key type \"", Absl(pem_type), "\""));
  }
  if (pkey == nullptr) return SigError(absl::StrCat("x509: failed to parse ", Absl(what)));
  if (p != end) {
    EVP_PKEY_free(pkey);
    return SigError(absl::StrCat("x509: trailing data after ", Absl(what)));
  }
  return Key::FromPkey(pkey);
}

namespace {

// One PEM block's key, with OPA's messages (getKeysFromCertOrJWK).
absl::StatusOr<Key> KeyFromPemBlock(const PemBlock& block) {
  const auto* p = reinterpret_cast<const unsigned char*>(block.bytes.data());
  const unsigned char* end = p + block.bytes.size();
  long len = static_cast<long>(block.bytes.size());
  if (block.type == "CERTIFICATE") {
    X509* cert = d2i_X509(nullptr, &p, len);
    if (cert == nullptr || p != end) {
      X509_free(cert);
      return SigError("failed to parse a PEM certificate: x509: malformed certificate");
    }
    EVP_PKEY* pkey = X509_get_pubkey(cert);  // a new reference
    X509_free(cert);
    if (pkey == nullptr) {
      return SigError("failed to parse a PEM certificate: x509: unsupported public key");
    }
    absl::StatusOr<Key> key = Key::FromPkey(pkey);
    if (!key.ok()) return SigError("failed to parse a PEM certificate: unsupported key type");
    return key;
  }
  if (block.type == "PUBLIC KEY" || block.type == "RSA PUBLIC KEY") {
    EVP_PKEY* pkey = block.type == "PUBLIC KEY" ? d2i_PUBKEY(nullptr, &p, len)
                                                : d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len);
    if (pkey == nullptr || p != end) {
      EVP_PKEY_free(pkey);
      return SigError("failed to parse a PEM public key: x509: malformed public key");
    }
    absl::StatusOr<Key> key = Key::FromPkey(pkey);
    if (!key.ok()) return SigError("failed to parse a PEM public key: unsupported key type");
    return key;
  }
  if (block.type == "PRIVATE KEY" || block.type == "RSA PRIVATE KEY" ||
      block.type == "EC PRIVATE KEY") {
    absl::StatusOr<Key> key = ParsePrivateKeyDer(block.type, block.bytes);
    if (!key.ok()) {
      return SigError(absl::StrCat("failed to parse a PEM private key: ",
                                   Absl(Std(key.status().message()))));
    }
    return key;
  }
  return SigError("failed to extract a Key from the PEM certificate");
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<Key>> ParseKeys(std::string_view text) {
  std::string_view rest;
  std::optional<PemBlock> block = DecodePem(text, &rest);
  if (block.has_value()) {
    std::vector<Key> keys;
    while (true) {
      VERDICT_ASSIGN_OR_RETURN(Key key, KeyFromPemBlock(*block));
      keys.push_back(std::move(key));
      if (IsBlank(rest)) return keys;
      // Only more PEM blocks may follow (OPA takes a single block and
      // rejects anything after it; a chain of blocks is accepted here).
      std::string_view after = rest;
      while (!after.empty() && (after.front() == ' ' || after.front() == '\t' ||
                                after.front() == '\r' || after.front() == '\n')) {
        after.remove_prefix(1);
      }
      if (after.substr(0, 11) != "-----BEGIN ") {
        return SigError("extra data after a PEM certificate block");
      }
      std::string_view next_rest;
      block = DecodePem(after, &next_rest);
      if (!block.has_value()) return SigError("extra data after a PEM certificate block");
      rest = next_rest;
    }
  }
  absl::StatusOr<std::vector<Key>> keys = ParseJwk(text);
  if (!keys.ok()) {
    std::string_view message = Std(keys.status().message());
    constexpr std::string_view kPrefix = "failed to parse JWK: ";
    if (message.substr(0, kPrefix.size()) == kPrefix) message.remove_prefix(kPrefix.size());
    return SigError(absl::StrCat("failed to parse a JWK key (set): ", Absl(message)));
  }
  return keys;
}

}  // namespace verdict::crypto
