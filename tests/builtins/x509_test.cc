// Tests for lib/builtins/x509.cc: the Go-shaped objects OPA's crypto.x509.*
// builtins return, with certificates and keys generated at test time.
#include "absl/strings/str_split.h"
#include "base/strings.h"
#include "builtin_testing.h"
#include "crypto/crypto_testing.h"
#include "crypto/encoding.h"
#include "crypto/pem.h"
#include "gmock/gmock.h"

namespace verdict::builtins {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Call;
using testing::EvalV;
using testing::Str;

// The JSON of member [path] ("Subject.CommonName") of [v], "undefined" when
// a step is missing; array steps are numbers.
std::string At(const Value& v, std::string_view path) {
  const Value* cur = &v;
  for (absl::string_view step : absl::StrSplit(Absl(path), '.')) {
    if (cur->is_array()) {
      size_t i = std::stoul(std::string(step));
      if (i >= cur->size()) return "undefined";
      cur = &(*cur)[i];
    } else {
      cur = cur->Get(Std(step));
      if (cur == nullptr) return "undefined";
    }
  }
  return ToJson(*cur);
}

struct Chain {
  std::string root, mid, leaf;
};

Chain MakeChain() {
  EVP_PKEY* root_key = crypto::testing::SharedKey("EC:P-256", 0);
  EVP_PKEY* mid_key = crypto::testing::SharedKey("EC:P-256", 1);
  EVP_PKEY* leaf_key = crypto::testing::SharedKey("EC:P-256", 2);
  crypto::testing::CertSpec root;
  root.common_name = "Root";
  root.is_ca = true;
  root.key_usage = "critical,keyCertSign";
  crypto::testing::CertSpec mid;
  mid.common_name = "Intermediate";
  mid.issuer_common_name = "Root";
  mid.is_ca = true;
  mid.key_usage = "critical,keyCertSign";
  crypto::testing::CertSpec leaf;
  leaf.common_name = "svc";
  leaf.issuer_common_name = "Intermediate";
  leaf.ext_key_usage = "serverAuth";
  leaf.subject_alt_name = "DNS:svc.local,URI:spiffe://example.com/svc";
  return {crypto::testing::MakeCertPem(root, root_key, root_key),
          crypto::testing::MakeCertPem(mid, mid_key, root_key),
          crypto::testing::MakeCertPem(leaf, leaf_key, mid_key)};
}

TEST(X509ParseCertificatesTest, GoFieldNames) {
  Chain chain = MakeChain();
  absl::StatusOr<Value> certs =
      Call("crypto.x509.parse_certificates", {Str(chain.leaf + chain.root)});
  ASSERT_THAT(certs, testing::IsOk());
  EXPECT_EQ(At(*certs, "0.Subject.CommonName"), "\"svc\"");
  EXPECT_EQ(At(*certs, "0.Issuer.CommonName"), "\"Intermediate\"");
  EXPECT_EQ(At(*certs, "0.DNSNames"), R"(["svc.local"])");
  EXPECT_EQ(At(*certs, "0.URIStrings"), R"(["spiffe://example.com/svc"])");
  EXPECT_EQ(At(*certs, "0.URIs.0.Scheme"), "\"spiffe\"");
  EXPECT_EQ(At(*certs, "0.URIs.0.Host"), "\"example.com\"");
  EXPECT_EQ(At(*certs, "0.ExtKeyUsage"), "[1]");
  EXPECT_EQ(At(*certs, "0.Version"), "3");
  EXPECT_EQ(At(*certs, "0.SerialNumber"), "1");
  EXPECT_EQ(At(*certs, "0.PublicKeyAlgorithm"), "3");
  EXPECT_EQ(At(*certs, "0.PublicKey.Curve"), "{}");
  EXPECT_THAT(At(*certs, "0.NotAfter"), StartsWith("\"20"));
  EXPECT_EQ(At(*certs, "0.Subject.Names.0.Type"), "[2,5,4,3]");
  EXPECT_EQ(At(*certs, "0.Subject.Country"), "null");
  // Absent lists are null, as Go's nil slices.
  EXPECT_EQ(At(*certs, "1.DNSNames"), "null");
  EXPECT_EQ(At(*certs, "1.URIStrings"), "null");
  EXPECT_EQ(At(*certs, "1.IsCA"), "true");
  EXPECT_EQ(At(*certs, "1.MaxPathLen"), "-1");
  // Raw is the DER certificate in base64.
  std::string_view rest;
  std::optional<crypto::PemBlock> der = crypto::DecodePem(chain.leaf, &rest);
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(At(*certs, "0.Raw"), "\"" + crypto::Base64Encode(der->bytes) + "\"");

  EXPECT_EQ(EvalV("crypto.x509.parse_certificates", {Str("foobar")}),
            "error: crypto.x509.parse_certificates: illegal base64 data at input byte 4");
  EXPECT_EQ(EvalV("crypto.x509.parse_certificates", {Str("YmFkc3RyaW5n")}),
            "error: crypto.x509.parse_certificates: x509: malformed certificate");
}

TEST(X509ParseAndVerifyTest, ChainLeafFirst) {
  Chain chain = MakeChain();
  std::string all = chain.root + chain.mid + chain.leaf;
  absl::StatusOr<Value> r = Call("crypto.x509.parse_and_verify_certificates", {Str(all)});
  ASSERT_THAT(r, testing::IsOk());
  EXPECT_EQ(At(*r, "0"), "true");
  EXPECT_EQ(At(*r, "1.0.Subject.CommonName"), "\"svc\"");
  EXPECT_EQ(At(*r, "1.2.Subject.CommonName"), "\"Root\"");
  EXPECT_EQ(At(*r, "1.0.URIStrings"), R"(["spiffe://example.com/svc"])");
  // Out of order, or not a chain: [false, []].
  EXPECT_EQ(EvalV("crypto.x509.parse_and_verify_certificates", {Str(chain.leaf + chain.root)}),
            "[false,[]]");
  EXPECT_EQ(EvalV("crypto.x509.parse_and_verify_certificates", {Str("foobar")}), "[false,[]]");

  // The evaluation clock decides validity.
  BuiltinContext ctx;
  ctx.clock = [] { return int64_t{4'000'000'000} * 1'000'000'000; };
  absl::StatusOr<Value> later = Call("crypto.x509.parse_and_verify_certificates", {Str(all)}, &ctx);
  ASSERT_THAT(later, testing::IsOk());
  EXPECT_EQ(ToJson(*later), "[false,[]]");
}

TEST(X509ParseAndVerifyTest, Options) {
  Chain chain = MakeChain();
  std::string all = chain.root + chain.mid + chain.leaf;
  constexpr std::string_view kName = "crypto.x509.parse_and_verify_certificates_with_options";
  absl::StatusOr<Value> r = Call(kName, {Str(all), testing::J(R"({"DNSName":"svc.local"})")});
  ASSERT_THAT(r, testing::IsOk());
  EXPECT_EQ(At(*r, "0"), "true");
  EXPECT_EQ(At(*r, "1.0.URIStrings"), "undefined");  // plain certificates here
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"DNSName":"other"})")}), "[false,[]]");
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"KeyUsages":["KeyUsageClientAuth"]})")}),
            "[false,[]]");
  EXPECT_THAT(EvalV(kName, {Str(all), testing::J(R"({"KeyUsages":["KeyUsageAny"]})")}),
              StartsWith("[true,"));
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"CurrentTime":4000000000000000000})")}),
            "[false,[]]");
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"Foo":1})")}),
            "error: " + std::string(kName) + ": invalid key option");
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"KeyUsages":["Nope","KeyUsageAny","X"]})")}),
            "error: " + std::string(kName) + ": invalid entries for 'KeyUsages' found: [Nope X]");
  EXPECT_EQ(EvalV(kName, {Str(all), testing::J(R"({"DNSName":1})")}),
            "error: " + std::string(kName) + ": 'DNSName' should be a string");
}

TEST(X509ParseCertificateRequestTest, Subject) {
  EVP_PKEY* key = crypto::testing::SharedKey("EC:P-256");
  std::string csr = crypto::testing::MakeCsrPem(key, "example.com", "DNS:example.com");
  absl::StatusOr<Value> r = Call("crypto.x509.parse_certificate_request", {Str(csr)});
  ASSERT_THAT(r, testing::IsOk());
  EXPECT_EQ(At(*r, "Subject.CommonName"), "\"example.com\"");
  EXPECT_EQ(At(*r, "DNSNames"), R"(["example.com"])");
  EXPECT_EQ(At(*r, "PublicKeyAlgorithm"), "3");
  EXPECT_THAT(EvalV("crypto.x509.parse_certificate_request", {Str("YmFkc3RyaW5n")}),
              HasSubstr("asn1: structure error"));
}

TEST(X509PrivateKeysTest, RsaJwkAndGoStructs) {
  EVP_PKEY* rsa = crypto::testing::SharedKey("RSA:2048");
  std::string pem = crypto::testing::PrivatePem(rsa, /*traditional=*/true);
  absl::StatusOr<Value> jwk = Call("crypto.x509.parse_rsa_private_key", {Str(pem)});
  ASSERT_THAT(jwk, testing::IsOk());
  EXPECT_EQ(At(*jwk, "kty"), "\"RSA\"");
  EXPECT_EQ(At(*jwk, "e"), "\"AQAB\"");
  for (const char* member : {"n", "d", "p", "q", "dp", "dq", "qi"}) {
    EXPECT_NE(At(*jwk, member), "undefined") << member;
  }
  EXPECT_THAT(EvalV("crypto.x509.parse_rsa_private_key", {Str("invalid")}),
              HasSubstr("illegal base64"));
  EXPECT_EQ(EvalV("crypto.x509.parse_rsa_private_key", {Str("")}),
            "error: crypto.x509.parse_rsa_private_key: input PEM data was empty");

  std::string two = pem + crypto::testing::PrivatePem(crypto::testing::SharedKey("EC:P-256"));
  absl::StatusOr<Value> keys = Call("crypto.parse_private_keys", {Str(two)});
  ASSERT_THAT(keys, testing::IsOk());
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_EQ(At(*keys, "0.E"), "65537");
  EXPECT_EQ(At(*keys, "0.Primes").substr(0, 1), "[");
  EXPECT_EQ(At(*keys, "1.Curve"), "{}");
  EXPECT_EQ(EvalV("crypto.parse_private_keys", {Str("nope")}), "[]");
  EXPECT_EQ(EvalV("crypto.parse_private_keys", {Str("")}), "null");
}

TEST(X509ParseKeypairTest, CertificateAndKey) {
  EVP_PKEY* key = crypto::testing::SharedKey("RSA:2048");
  crypto::testing::CertSpec spec;
  spec.common_name = "pair";
  std::string der = crypto::testing::MakeCertDer(spec, key, key);
  std::string cert = crypto::testing::DerToPem("CERTIFICATE", der);
  absl::StatusOr<Value> pair =
      Call("crypto.x509.parse_keypair", {Str(cert), Str(crypto::testing::PrivatePem(key))});
  ASSERT_THAT(pair, testing::IsOk());
  EXPECT_EQ(At(*pair, "Certificate.0"), "\"" + crypto::Base64Encode(der) + "\"");
  EXPECT_EQ(At(*pair, "Leaf.Subject.CommonName"), "\"pair\"");
  EXPECT_EQ(At(*pair, "PrivateKey.E"), "65537");
  // base64 of DER for both arguments.
  std::string_view rest;
  std::optional<crypto::PemBlock> key_der =
      crypto::DecodePem(crypto::testing::PrivatePem(key), &rest);
  ASSERT_TRUE(key_der.has_value());
  EXPECT_THAT(Call("crypto.x509.parse_keypair",
                   {Str(crypto::Base64Encode(der)), Str(crypto::Base64Encode(key_der->bytes))}),
              testing::IsOk());
  EXPECT_EQ(EvalV("crypto.x509.parse_keypair",
                  {Str(cert), Str(crypto::testing::PrivatePem(
                                  crypto::testing::SharedKey("RSA:2048", 1)))}),
            "error: crypto.x509.parse_keypair: tls: private key does not match public key");
}

}  // namespace
}  // namespace verdict::builtins
