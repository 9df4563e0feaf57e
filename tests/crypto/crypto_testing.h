// File: tests/crypto/crypto_testing.h
//
// Test fixtures made with OpenSSL at test time: fresh keys of each JWS
// kind, their PEM forms, and X.509 certificates and requests with the
// extensions the parsers read. Nothing here is production code; failures
// abort the test with a message.
//
//   EVP_PKEY* key = testing::NewKey("EC:P-256");        // caller frees
//   std::string pem = testing::PublicPem(key);
//   testing::CertSpec spec;  spec.common_name = "leaf"; ...
//   std::string cert_pem = testing::MakeCertPem(spec, key, issuer_key);
#ifndef VERDICT_TESTS_CRYPTO_CRYPTO_TESTING_H_
#define VERDICT_TESTS_CRYPTO_CRYPTO_TESTING_H_

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/bio.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace verdict::crypto::testing {

// A StatusOr that is OK and whose value matches [matcher].
MATCHER_P(IsOkAndHolds, matcher, "is OK and holds a value that matches") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

// "RSA:2048", "EC:P-256", "EC:P-384", "EC:P-521", "ED25519". Caller frees.
inline EVP_PKEY* NewKey(std::string_view kind) {
  EVP_PKEY* key = nullptr;
  if (kind.substr(0, 4) == "RSA:") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                            static_cast<size_t>(std::stoul(std::string(kind.substr(4)))));
  } else if (kind.substr(0, 3) == "EC:") {
    std::string curve(kind.substr(3));
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
  } else if (kind == "ED25519") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (key == nullptr) ADD_FAILURE() << "cannot generate " << kind;
  return key;
}

// A shared key of [kind], generated once per test binary (RSA keygen is slow).
inline EVP_PKEY* SharedKey(const std::string& kind, int slot = 0) {
  static auto* cache = new std::vector<std::pair<std::string, EVP_PKEY*>>();
  std::string id = kind + "#" + std::to_string(slot);
  for (const auto& [k, v] : *cache) {
    if (k == id) return v;
  }
  EVP_PKEY* key = NewKey(kind);
  cache->emplace_back(id, key);
  return key;
}

inline std::string BioString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

inline std::string PublicPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  return BioString(bio);
}

// PKCS#8 ("PRIVATE KEY"), or with [traditional] PKCS#1 / SEC1 ("RSA
// PRIVATE KEY", "EC PRIVATE KEY").
inline std::string PrivatePem(EVP_PKEY* key, bool traditional = false) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (traditional) {
    PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return BioString(bio);
}

struct CertSpec {
  std::string common_name;
  std::string organization;
  std::string issuer_common_name;  // "" = self-issued
  std::string issuer_organization;
  long serial = 1;
  long not_before_offset = -3600;        // seconds from now
  long not_after_offset = 365 * 86400;
  bool is_ca = false;
  int path_len = -1;                     // -1: none
  std::string key_usage;                 // "digitalSignature,keyCertSign"
  std::string ext_key_usage;             // "serverAuth,clientAuth"
  std::string subject_alt_name;          // "DNS:a.example,URI:spiffe://x/y"
};

inline void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  if (value.empty()) return;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    ADD_FAILURE() << "bad extension " << value;
    return;
  }
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

inline void SetName(X509_NAME* name, const std::string& cn, const std::string& org) {
  if (!org.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  }
  if (!cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  }
}

// A certificate for [subject_key] signed by [issuer_key] (SHA-256), as DER.
inline std::string MakeCertDer(const CertSpec& spec, EVP_PKEY* subject_key,
                               EVP_PKEY* issuer_key) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before_offset);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after_offset);
  SetName(X509_get_subject_name(cert.get()), spec.common_name, spec.organization);
  if (spec.issuer_common_name.empty()) {
    SetName(X509_get_issuer_name(cert.get()), spec.common_name, spec.organization);
  } else {
    SetName(X509_get_issuer_name(cert.get()), spec.issuer_common_name,
            spec.issuer_organization);
  }
  X509_set_pubkey(cert.get(), subject_key);
  if (spec.is_ca) {
    std::string bc = "critical,CA:TRUE";
    if (spec.path_len >= 0) bc += ",pathlen:" + std::to_string(spec.path_len);
    AddExt(cert.get(), cert.get(), NID_basic_constraints, bc);
  }
  AddExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  AddExt(cert.get(), cert.get(), NID_key_usage, spec.key_usage);
  AddExt(cert.get(), cert.get(), NID_ext_key_usage, spec.ext_key_usage);
  AddExt(cert.get(), cert.get(), NID_subject_alt_name, spec.subject_alt_name);
  const EVP_MD* md = EVP_PKEY_get_base_id(issuer_key) == EVP_PKEY_ED25519 ? nullptr
                                                                          : EVP_sha256();
  if (X509_sign(cert.get(), issuer_key, md) <= 0) ADD_FAILURE() << "X509_sign failed";
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

inline std::string DerToPem(std::string_view type, std::string_view der) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio(bio, std::string(type).c_str(), "",
                reinterpret_cast<const unsigned char*>(der.data()),
                static_cast<long>(der.size()));
  return BioString(bio);
}

inline std::string MakeCertPem(const CertSpec& spec, EVP_PKEY* subject_key,
                               EVP_PKEY* issuer_key) {
  return DerToPem("CERTIFICATE", MakeCertDer(spec, subject_key, issuer_key));
}

// A PKCS#10 request for [key] with subject CN [cn] and SANs [san], as PEM.
inline std::string MakeCsrPem(EVP_PKEY* key, const std::string& cn, const std::string& san) {
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), &X509_REQ_free);
  X509_REQ_set_version(req.get(), 0);
  SetName(X509_REQ_get_subject_name(req.get()), cn, "");
  X509_REQ_set_pubkey(req.get(), key);
  if (!san.empty()) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    sk_X509_EXTENSION_push(exts, ext);
    X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  X509_REQ_sign(req.get(), key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req.get());
  return BioString(bio);
}

}  // namespace verdict::crypto::testing

#endif  // VERDICT_TESTS_CRYPTO_CRYPTO_TESTING_H_
