// Tests for lib/crypto/x509.cc with certificates, requests and keys made
// by OpenSSL at test time (crypto_testing.h).
#include "crypto/x509.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "crypto/crypto_testing.h"
#include "crypto/encoding.h"
#include "crypto/pem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict::crypto {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::SizeIs;
using ::verdict::testing::IsOk;
using ::verdict::testing::StatusIs;

// root -> intermediate -> leaf, all EC P-256 except the leaf (RSA).
struct Chain {
  std::string root, intermediate, leaf;
};

Chain MakeChain(std::string_view leaf_eku = "serverAuth") {
  EVP_PKEY* root_key = testing::SharedKey("EC:P-256", 0);
  EVP_PKEY* mid_key = testing::SharedKey("EC:P-256", 1);
  EVP_PKEY* leaf_key = testing::SharedKey("RSA:2048", 0);
  testing::CertSpec root;
  root.common_name = "Test Root CA";
  root.organization = "Verdict";
  root.is_ca = true;
  root.key_usage = "critical,keyCertSign,cRLSign";
  testing::CertSpec mid;
  mid.common_name = "Test Intermediate CA";
  mid.organization = "Verdict";
  mid.issuer_common_name = root.common_name;
  mid.issuer_organization = root.organization;
  mid.serial = 2;
  mid.is_ca = true;
  mid.path_len = 0;
  mid.key_usage = "critical,keyCertSign";
  testing::CertSpec leaf;
  leaf.common_name = "leaf.example.com";
  leaf.issuer_common_name = mid.common_name;
  leaf.issuer_organization = mid.organization;
  leaf.serial = 0x1234567890abcdefL;
  leaf.key_usage = "critical,digitalSignature,keyEncipherment";
  leaf.ext_key_usage = std::string(leaf_eku);
  leaf.subject_alt_name =
      "DNS:leaf.example.com,DNS:*.leaf.example.com,email:ops@example.com,IP:10.1.2.3,"
      "IP:2001:db8::1,URI:spiffe://example.com/opa?x=1#frag";
  return Chain{testing::MakeCertPem(root, root_key, root_key),
               testing::MakeCertPem(mid, mid_key, root_key),
               testing::MakeCertPem(leaf, leaf_key, mid_key)};
}

TEST(ParseCertificatesTest, GoShapedFields) {
  Chain chain = MakeChain();
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> certs,
                       ParseCertificates(chain.leaf + chain.intermediate));
  ASSERT_THAT(certs, SizeIs(2));
  const Certificate& leaf = certs[0];
  EXPECT_EQ(leaf.version, 3);
  EXPECT_EQ(leaf.serial_number, "1311768467294899695");  // 0x1234567890abcdef
  EXPECT_EQ(leaf.subject.common_name, "leaf.example.com");
  EXPECT_FALSE(leaf.subject.organization.has_value());  // Go's nil
  EXPECT_EQ(leaf.issuer.common_name, "Test Intermediate CA");
  EXPECT_THAT(leaf.issuer.organization, Optional(ElementsAre("Verdict")));
  ASSERT_THAT(leaf.issuer.names, SizeIs(2));
  EXPECT_EQ(leaf.issuer.names[0].type, (Oid{2, 5, 4, 10}));
  EXPECT_EQ(leaf.signature_algorithm, 10);  // ECDSAWithSHA256 (signed by the EC CA)
  EXPECT_EQ(leaf.public_key.algorithm, 1);  // RSA
  ASSERT_TRUE(leaf.public_key.key.has_value());
  EXPECT_EQ(leaf.public_key.key->bits(), 2048);
  EXPECT_EQ(leaf.key_usage, 1 | 4);         // digitalSignature | keyEncipherment
  EXPECT_THAT(leaf.ext_key_usage, Optional(ElementsAre(1)));
  EXPECT_FALSE(leaf.basic_constraints_valid);
  EXPECT_THAT(leaf.dns_names, Optional(ElementsAre("leaf.example.com", "*.leaf.example.com")));
  EXPECT_THAT(leaf.email_addresses, Optional(ElementsAre("ops@example.com")));
  EXPECT_THAT(leaf.ip_addresses, Optional(ElementsAre("10.1.2.3", "2001:db8::1")));
  ASSERT_TRUE(leaf.uris.has_value());
  ASSERT_THAT(*leaf.uris, SizeIs(1));
  const Uri& uri = (*leaf.uris)[0];
  EXPECT_EQ(uri.text, "spiffe://example.com/opa?x=1#frag");
  EXPECT_EQ(uri.scheme, "spiffe");
  EXPECT_EQ(uri.host, "example.com");
  EXPECT_EQ(uri.path, "/opa");
  EXPECT_EQ(uri.raw_query, "x=1");
  EXPECT_EQ(uri.fragment, "frag");
  EXPECT_TRUE(leaf.subject_key_id.has_value());
  EXPECT_FALSE(leaf.unhandled_critical_extensions.has_value());
  EXPECT_GT(leaf.not_after, leaf.not_before);
  EXPECT_EQ(FormatRfc3339(leaf.not_before).size(), 20u);
  // The raw parts are the DER pieces of the certificate.
  EXPECT_NE(leaf.raw.find(leaf.raw_tbs_certificate), std::string::npos);
  EXPECT_NE(leaf.raw_tbs_certificate.find(leaf.raw_subject_public_key_info), std::string::npos);
  EXPECT_EQ(leaf.raw_subject[0], '\x30');

  const Certificate& mid = certs[1];
  EXPECT_TRUE(mid.basic_constraints_valid);
  EXPECT_TRUE(mid.is_ca);
  EXPECT_EQ(mid.max_path_len, 0);
  EXPECT_TRUE(mid.max_path_len_zero);
  EXPECT_EQ(mid.key_usage, 32);  // certSign
  EXPECT_FALSE(mid.dns_names.has_value());
  EXPECT_EQ(mid.public_key.algorithm, 3);  // ECDSA
}

TEST(ParseCertificatesTest, InputForms) {
  Chain chain = MakeChain();
  std::string_view rest;
  std::optional<PemBlock> der = DecodePem(chain.root, &rest);
  ASSERT_TRUE(der.has_value());
  // base64 of DER, base64 of PEM, and PEM with CRLF line ends.
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> a, ParseCertificates(Base64Encode(der->bytes)));
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> b, ParseCertificates(Base64Encode(chain.root)));
  std::string crlf;
  for (char c : chain.root) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> c, ParseCertificates(crlf));
  for (const auto* certs : {&a, &b, &c}) {
    ASSERT_THAT(*certs, SizeIs(1));
    EXPECT_EQ((*certs)[0].subject.common_name, "Test Root CA");
    EXPECT_EQ((*certs)[0].raw, der->bytes);
  }
}

TEST(ParseCertificatesTest, Errors) {
  EXPECT_THAT(ParseCertificates("foobar"),
              StatusIs(ErrorCode::kInvalidArgument, "illegal base64 data at input byte 4"));
  EXPECT_THAT(ParseCertificates("YmFkc3RyaW5n"),
              StatusIs(ErrorCode::kInvalidArgument, "x509: malformed certificate"));
  std::string key = testing::PublicPem(testing::SharedKey("EC:P-256"));
  EXPECT_THAT(ParseCertificates(key),
              StatusIs(ErrorCode::kInvalidArgument,
                       "PEM block type is 'PUBLIC KEY', expected CERTIFICATE"));
}

TEST(VerifyCertificateChainTest, RootFirstLeafLast) {
  Chain chain = MakeChain();
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> certs,
                       ParseCertificates(chain.root + chain.intermediate + chain.leaf));
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> verified, VerifyCertificateChain(certs, {}));
  ASSERT_THAT(verified, SizeIs(3));
  EXPECT_EQ(verified[0].subject.common_name, "leaf.example.com");
  EXPECT_EQ(verified[2].subject.common_name, "Test Root CA");

  VerifyOptions dns;
  dns.dns_name = "leaf.example.com";
  EXPECT_THAT(VerifyCertificateChain(certs, dns), IsOk());
  dns.dns_name = "other.example.com";
  EXPECT_THAT(VerifyCertificateChain(certs, dns), StatusIs(ErrorCode::kInvalidArgument));

  // Outside the validity period.
  VerifyOptions later;
  later.current_time = static_cast<int64_t>(std::time(nullptr)) + 2 * 365 * 86400;
  EXPECT_THAT(VerifyCertificateChain(certs, later),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("expired")));

  // Too few certificates; a root that did not sign the chain.
  EXPECT_THAT(VerifyCertificateChain({certs[2]}, {}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("at least two certificates")));
  EVP_PKEY* stranger = testing::SharedKey("EC:P-256", 2);
  testing::CertSpec other;
  other.common_name = "Test Root CA";
  other.organization = "Verdict";
  other.is_ca = true;
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> wrong_root,
                       ParseCertificates(testing::MakeCertPem(other, stranger, stranger) +
                                         chain.intermediate + chain.leaf));
  EXPECT_THAT(VerifyCertificateChain(wrong_root, {}), StatusIs(ErrorCode::kInvalidArgument));
}

TEST(VerifyCertificateChainTest, ExtendedKeyUsageAsGo) {
  Chain chain = MakeChain("clientAuth");
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> certs,
                       ParseCertificates(chain.root + chain.intermediate + chain.leaf));
  // Server auth is the default request: a client-only leaf fails it.
  EXPECT_THAT(VerifyCertificateChain(certs, {}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("key usage")));
  VerifyOptions client;
  client.key_usages = {2};
  EXPECT_THAT(VerifyCertificateChain(certs, client), IsOk());
  VerifyOptions any;
  any.key_usages = {0};
  EXPECT_THAT(VerifyCertificateChain(certs, any), IsOk());
}

TEST(ParseCertificateRequestTest, PemAndBase64) {
  EVP_PKEY* key = testing::SharedKey("EC:P-256");
  std::string pem = testing::MakeCsrPem(key, "example.com", "DNS:example.com,IP:192.0.2.1");
  ASSERT_OK_AND_ASSIGN(CertificateRequest a, ParseCertificateRequest(pem));
  ASSERT_OK_AND_ASSIGN(CertificateRequest b, ParseCertificateRequest(Base64Encode(pem)));
  std::string_view rest;
  std::optional<PemBlock> der = DecodePem(pem, &rest);
  ASSERT_TRUE(der.has_value());
  ASSERT_OK_AND_ASSIGN(CertificateRequest c, ParseCertificateRequest(Base64Encode(der->bytes)));
  for (const CertificateRequest* r : {&a, &b, &c}) {
    EXPECT_EQ(r->subject.common_name, "example.com");
    EXPECT_EQ(r->version, 0);
    EXPECT_EQ(r->signature_algorithm, 10);
    EXPECT_EQ(r->public_key.algorithm, 3);
    EXPECT_THAT(r->dns_names, Optional(ElementsAre("example.com")));
    EXPECT_THAT(r->ip_addresses, Optional(ElementsAre("192.0.2.1")));
    EXPECT_EQ(r->raw, der->bytes);
  }
  EXPECT_THAT(ParseCertificateRequest("foobar"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("illegal base64")));
  EXPECT_THAT(ParseCertificateRequest("YmFkc3RyaW5n"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("asn1: structure error")));
  EXPECT_THAT(ParseCertificateRequest(Base64Encode(MakeChain().root)),
              StatusIs(ErrorCode::kInvalidArgument,
                       "invalid PEM-encoded certificate signing request"));
}

TEST(ParsePrivateKeysTest, EveryPrivateBlock) {
  EVP_PKEY* rsa = testing::SharedKey("RSA:2048");
  EVP_PKEY* ec = testing::SharedKey("EC:P-384");
  EVP_PKEY* ed = testing::SharedKey("ED25519");
  std::string text = testing::PrivatePem(rsa, true) + MakeChain().root +
                     testing::PrivatePem(ec, true) + testing::PrivatePem(ed);
  ASSERT_OK_AND_ASSIGN(std::vector<Key> keys, ParsePrivateKeys(text));
  ASSERT_THAT(keys, SizeIs(3));
  EXPECT_EQ(keys[0].type(), KeyType::kRsa);
  EXPECT_EQ(keys[1].type(), KeyType::kEc);
  EXPECT_EQ(keys[1].curve(), "P-384");
  EXPECT_EQ(keys[2].type(), KeyType::kOkp);
  for (const Key& k : keys) EXPECT_TRUE(k.is_private());
  // Base64 of the PEM works too.
  ASSERT_OK_AND_ASSIGN(std::vector<Key> again, ParsePrivateKeys(Base64Encode(text)));
  EXPECT_THAT(again, SizeIs(3));
  EXPECT_THAT(ParsePrivateKeys("nope"), testing::IsOkAndHolds(SizeIs(0)));
  EXPECT_THAT(ParsePrivateKeys(
                  "-----BEGIN RSA PRIVATE KEY-----\naGk=\n-----END RSA PRIVATE KEY-----\n"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("x509: failed to parse")));
}

TEST(ParseKeyPairTest, MatchingAndMismatched) {
  EVP_PKEY* key = testing::SharedKey("RSA:2048");
  testing::CertSpec spec;
  spec.common_name = "pair";
  std::string cert = testing::MakeCertPem(spec, key, key);
  ASSERT_OK_AND_ASSIGN(KeyPair pair, ParseKeyPair(cert, testing::PrivatePem(key)));
  EXPECT_THAT(pair.certificates, SizeIs(1));
  EXPECT_EQ(pair.leaf.subject.common_name, "pair");
  EXPECT_EQ(pair.leaf.raw, pair.certificates[0]);
  EXPECT_EQ(pair.private_key.type(), KeyType::kRsa);
  // base64 PEM and PKCS#1 keys.
  EXPECT_THAT(ParseKeyPair(Base64Encode(cert), Base64Encode(testing::PrivatePem(key, true))),
              IsOk());
  EXPECT_THAT(ParseKeyPair(cert, testing::PrivatePem(testing::SharedKey("RSA:2048", 1))),
              StatusIs(ErrorCode::kInvalidArgument,
                       "tls: private key does not match public key"));
  EXPECT_THAT(ParseKeyPair(cert, cert),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("certificate rather than a key")));
  EXPECT_THAT(ParseKeyPair("!!", testing::PrivatePem(key)),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("illegal base64")));
}

}  // namespace
}  // namespace verdict::crypto
