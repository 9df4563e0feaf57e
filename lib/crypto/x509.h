// File: lib/crypto/x509.h
//
// X.509 certificates, certificate requests and private keys as the
// crypto.x509.* and crypto.parse_private_keys builtins see them. OPA returns
// Go's x509.Certificate structs converted to JSON, so the structs here carry
// the same fields with Go's conventions: enums as Go's integers
// (SignatureAlgorithm, KeyUsage bits ...), object identifiers as integer
// arcs, and "absent" (Go's nil slice, JSON null) kept apart from "empty".
// lib/builtins/x509.cc turns them into Values.
//
//   absl::StatusOr<std::vector<crypto::Certificate>> certs =
//       crypto::ParseCertificates(pem_or_base64);
//   absl::StatusOr<std::vector<crypto::Certificate>> chain =
//       crypto::VerifyCertificateChain(*certs, {});   // leaf first
//
// Inputs follow OPA: PEM text, or base64 of PEM or of DER. Errors carry
// ErrorCode::kInvalidArgument with Go's messages where OPA shows them
// ("x509: malformed certificate", "illegal base64 data at input byte 4").
//
// Tested by tests/crypto/x509_test.cc.
#ifndef VERDICT_CRYPTO_X509_H_
#define VERDICT_CRYPTO_X509_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/jws.h"
#include "openssl/types.h"

namespace verdict::crypto {

// An ASN.1 object identifier as its arcs ({2, 5, 4, 3}).
using Oid = std::vector<int64_t>;

// One attribute of a distinguished name (Go's pkix.AttributeTypeAndValue).
struct NameAttribute {
  Oid type;
  std::string value;  // UTF-8
};

// A distinguished name (Go's pkix.Name). The multi-valued fields are absent
// (nullopt, Go's nil) when the name has no such attribute.
struct Name {
  std::optional<std::vector<std::string>> country, organization, organizational_unit,
      locality, province, street_address, postal_code;
  std::string serial_number, common_name;
  std::vector<NameAttribute> names;  // every attribute, in order
};

struct Extension {
  Oid id;
  bool critical = false;
  std::string value;  // the extension's DER bytes
};

// A URI of a subjectAltName, split as Go's url.Parse does.
struct Uri {
  std::string text;  // as it appears in the certificate
  std::string scheme, opaque, host, path, raw_query, fragment;
  bool has_user = false;
};

// The subject public key (Go's PublicKeyAlgorithm and PublicKey).
struct PublicKeyInfo {
  int algorithm = 0;            // 0 unknown, 1 RSA, 2 DSA, 3 ECDSA, 4 Ed25519
  std::optional<Key> key;       // absent for key types JWS cannot use
};

struct Certificate {
  std::string raw, raw_tbs_certificate, raw_subject_public_key_info, raw_subject, raw_issuer;
  std::string signature;
  int signature_algorithm = 0;  // Go's x509.SignatureAlgorithm
  PublicKeyInfo public_key;
  int version = 0;              // 1..3
  std::string serial_number;    // decimal, "-" for negative serials
  Name issuer, subject;
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  int key_usage = 0;            // Go's x509.KeyUsage bits
  std::vector<Extension> extensions;
  std::optional<std::vector<Oid>> unhandled_critical_extensions;
  std::optional<std::vector<int>> ext_key_usage;  // Go's x509.ExtKeyUsage values
  std::optional<std::vector<Oid>> unknown_ext_key_usage;
  bool basic_constraints_valid = false;
  bool is_ca = false;
  int max_path_len = 0;         // -1: no limit given
  bool max_path_len_zero = false;
  std::optional<std::string> subject_key_id, authority_key_id;
  std::optional<std::vector<std::string>> ocsp_server, issuing_certificate_url;
  std::optional<std::vector<std::string>> dns_names, email_addresses, ip_addresses;
  std::optional<std::vector<Uri>> uris;
  std::optional<std::vector<std::string>> crl_distribution_points;
  std::optional<std::vector<Oid>> policy_identifiers;

  std::shared_ptr<X509> handle;  // the parsed certificate, for verification
};

struct CertificateRequest {
  std::string raw, raw_tbs_certificate_request, raw_subject_public_key_info, raw_subject;
  int version = 0;  // 0 for a v1 request, as Go reports it
  std::string signature;
  int signature_algorithm = 0;
  PublicKeyInfo public_key;
  Name subject;
  std::vector<Extension> extensions;
  std::optional<std::vector<std::string>> dns_names, email_addresses, ip_addresses;
  std::optional<std::vector<Uri>> uris;
};

// ParseCertificates()
//
// Every certificate in [text]: PEM CERTIFICATE blocks, or base64 of such PEM
// or of concatenated DER. Errors: "illegal base64 data at input byte N",
// "PEM block type is 'X', expected CERTIFICATE", "x509: malformed
// certificate".
absl::StatusOr<std::vector<Certificate>> ParseCertificates(std::string_view text);

// ParseCertificateDer()
//
// One DER certificate.
absl::StatusOr<Certificate> ParseCertificateDer(std::string_view der);

// Extended key usages for chain verification, by OPA's option names.
struct VerifyOptions {
  std::string dns_name;                 // "" = no host name check
  std::optional<int64_t> current_time;  // Unix seconds; default: now
  std::vector<int> key_usages;          // Go's ExtKeyUsage values; empty = server auth
};

// VerifyCertificateChain()
//
// Verifies [certs] as OPA does: the first certificate is the trusted root,
// the last the leaf, those between are intermediates. Returns the verified
// chain, leaf first. Errors: "must supply at least two certificates to be
// able to verify", or the reason verification failed.
absl::StatusOr<std::vector<Certificate>> VerifyCertificateChain(
    const std::vector<Certificate>& certs, const VerifyOptions& options);

// ParseCertificateRequest()
//
// A PKCS#10 request from PEM ("CERTIFICATE REQUEST") or base64 of PEM or
// DER. Errors: "illegal base64 data ...", "invalid PEM-encoded certificate
// signing request", "asn1: structure error: ...".
absl::StatusOr<CertificateRequest> ParseCertificateRequest(std::string_view text);

// ParsePrivateKeys()
//
// The private keys in [text] (PEM, or base64 of PEM): blocks of RSA PRIVATE
// KEY, PRIVATE KEY and EC PRIVATE KEY; other blocks are skipped, and text
// that holds no block gives an empty list. A block that does not parse is
// an error.
absl::StatusOr<std::vector<Key>> ParsePrivateKeys(std::string_view text);

// KeyPair: a certificate chain and its private key (Go's tls.Certificate).
struct KeyPair {
  std::vector<std::string> certificates;  // DER, leaf first
  Key private_key;
  Certificate leaf;
};

// ParseKeyPair()
//
// As Go's tls.X509KeyPair after OPA's input handling: each argument is PEM,
// or base64 of PEM or of DER. Errors: "tls: failed to find any PEM data in
// certificate input", "tls: private key does not match public key", ...
absl::StatusOr<KeyPair> ParseKeyPair(std::string_view cert_text, std::string_view key_text);

// FormatRfc3339()
//
// Unix seconds as "2006-01-02T15:04:05Z" (how Go prints a UTC time.Time).
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace verdict::crypto

#endif  // VERDICT_CRYPTO_X509_H_
