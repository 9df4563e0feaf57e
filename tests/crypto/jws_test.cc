// Tests for lib/crypto/key.cc and jws.cc: RFC 7515 / RFC 8037 vectors, and
// sign/verify round trips with keys generated here for every algorithm.
#include "crypto/jws.h"

#include "crypto/crypto_testing.h"
#include "crypto/encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::verdict::testing::IsOk;
using ::verdict::testing::StatusIs;

// RFC 7515 appendix A.1 (HS256) and A.2 (RS256): header, payload, key.
constexpr std::string_view kA1Header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
constexpr std::string_view kA1Payload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
constexpr std::string_view kA1Key =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
constexpr std::string_view kA1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0"
    "dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

constexpr std::string_view kA2Key = R"({"kty":"RSA",
 "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
 "e":"AQAB",
 "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
 "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
 "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
 "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
 "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
 "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"})";
constexpr std::string_view kA2Token =
    "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4B"
    "h-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xB"
    "ArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1"
    "phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

// RFC 7515 appendix A.3 (ES256): a randomized signature, verified only.
constexpr std::string_view kA3Key =
    R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
    R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"})";
constexpr std::string_view kA3Token =
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfK"
    "TUJqPP3-Kg6NU1Q";

// RFC 8037 appendix A.4 (Ed25519).
constexpr std::string_view kEdKey =
    R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",)"
    R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
constexpr std::string_view kEdToken =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3"
    "AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

// The one key in [text]; a test failure (and a dummy secret) otherwise.
Key OnlyKey(std::string_view text) {
  absl::StatusOr<std::vector<Key>> keys = ParseKeys(text);
  EXPECT_THAT(keys, IsOk());
  if (!keys.ok() || keys->size() != 1) {
    ADD_FAILURE() << "expected one key in " << text;
    return Key::Secret("");
  }
  return keys->front();
}

TEST(JwsAlgorithmTest, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(JwsAlgorithm::kEdDSA); ++i) {
    auto a = static_cast<JwsAlgorithm>(i);
    EXPECT_EQ(ParseJwsAlgorithm(JwsAlgorithmName(a)), a);
  }
  EXPECT_FALSE(ParseJwsAlgorithm("none").has_value());
  EXPECT_FALSE(ParseJwsAlgorithm("rs256").has_value());
  EXPECT_FALSE(ParseJwsAlgorithm("ES256K").has_value());
}

TEST(JwsVectorsTest, Rfc7515Hs256) {
  Key key = OnlyKey(kA1Key);
  EXPECT_EQ(key.type(), KeyType::kSecret);
  ASSERT_OK_AND_ASSIGN(std::string token, SignCompactJws(kA1Header, kA1Payload, key));
  EXPECT_EQ(token, kA1Token);
  ASSERT_OK_AND_ASSIGN(CompactJws jws, VerifyCompactJws(kA1Token, {&key, 1}));
  EXPECT_EQ(jws.header_json, kA1Header);
  EXPECT_EQ(jws.payload, kA1Payload);
}

TEST(JwsVectorsTest, Rfc7515Rs256) {
  Key key = OnlyKey(kA2Key);
  EXPECT_EQ(key.type(), KeyType::kRsa);
  EXPECT_TRUE(key.is_private());
  EXPECT_EQ(key.bits(), 2048);
  ASSERT_OK_AND_ASSIGN(std::string token,
                       SignCompactJws(R"({"alg":"RS256"})", kA1Payload, key));
  EXPECT_EQ(token, kA2Token);
  // The public half alone verifies it.
  Key pub = OnlyKey(key.ToJwk(/*include_private=*/false));
  EXPECT_FALSE(pub.is_private());
  EXPECT_THAT(VerifyCompactJws(kA2Token, {&pub, 1}), IsOk());
}

// A JWK whose private members do not match its public ones (here "q" is
// changed) is an error when signing, as in Go's crypto/rsa, not a wrong
// signature: found by tests/fuzz/compile_fuzzer.cc, where OpenSSL's
// blinding made the wrong signature differ from run to run.
TEST(JwsVectorsTest, InconsistentRsaKeyCannotSign) {
  std::string bad(kA2Key);
  const size_t q = bad.find("\"q\":\"uQPE");
  ASSERT_NE(q, std::string::npos);
  bad.replace(q + 5, 4, "vQPE");
  Key key = OnlyKey(bad);
  for (JwsAlgorithm alg : {JwsAlgorithm::kRS256, JwsAlgorithm::kPS384}) {
    EXPECT_THAT(SignJws(alg, key, "header.payload"),
                StatusIs(ErrorCode::kSignatureError, HasSubstr("does not match")));
  }
}

TEST(JwsVectorsTest, Rfc7515Es256) {
  Key key = OnlyKey(kA3Key);
  EXPECT_EQ(key.type(), KeyType::kEc);
  EXPECT_EQ(key.curve(), "P-256");
  EXPECT_THAT(VerifyCompactJws(kA3Token, {&key, 1}), IsOk());
}

TEST(JwsVectorsTest, Rfc8037Ed25519) {
  Key key = OnlyKey(kEdKey);
  EXPECT_EQ(key.type(), KeyType::kOkp);
  EXPECT_EQ(key.curve(), "Ed25519");
  ASSERT_OK_AND_ASSIGN(std::string token,
                       SignCompactJws(R"({"alg":"EdDSA"})", "Example of Ed25519 signing", key));
  EXPECT_EQ(token, kEdToken);
}

struct AlgorithmCase {
  JwsAlgorithm algorithm;
  const char* key_kind;  // crypto_testing.h NewKey kinds; "" = HMAC secret
  size_t signature_size;  // 0: depends on the key
};

class RoundTripTest : public ::testing::TestWithParam<AlgorithmCase> {
 protected:
  // A private key and its public half (the secret twice for HS*), from
  // PEM as a user would supply them.
  std::pair<Key, Key> Keys(int slot) {
    const AlgorithmCase& c = GetParam();
    if (std::string_view(c.key_kind).empty()) {
      Key secret = Key::Secret(slot == 0 ? "s3cret" : "other");
      return {secret, secret};
    }
    EVP_PKEY* pkey = testing::SharedKey(c.key_kind, slot);
    return {OnlyKey(testing::PrivatePem(pkey)), OnlyKey(testing::PublicPem(pkey))};
  }
};

TEST_P(RoundTripTest, SignsAndVerifies) {
  const AlgorithmCase& c = GetParam();
  auto [priv, pub] = Keys(0);
  EXPECT_TRUE(priv.Fits(c.algorithm));
  std::string input = "eyJhbGciOiJYIn0.eyJzdWIiOiJ4In0";
  ASSERT_OK_AND_ASSIGN(std::string sig, SignJws(c.algorithm, priv, input));
  if (c.signature_size != 0) {
    EXPECT_EQ(sig.size(), c.signature_size);
  }
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input, sig), testing::IsOkAndHolds(true));
  EXPECT_THAT(VerifyJws(c.algorithm, priv, input, sig), testing::IsOkAndHolds(true));

  // Tampered input, tampered signature, truncated and empty signatures.
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input + "x", sig), testing::IsOkAndHolds(false));
  std::string bad = sig;
  bad[bad.size() / 2] ^= 0x01;
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input, bad), testing::IsOkAndHolds(false));
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input, sig.substr(1)), testing::IsOkAndHolds(false));
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input, ""), testing::IsOkAndHolds(false));
  // A signature with a zero byte in front of the same number is not the
  // signature (RSA signatures have the modulus' length; so does the cut
  // one when its first byte is zero, which the line above met 1 time in 256).
  EXPECT_THAT(VerifyJws(c.algorithm, pub, input, std::string(1, '\0') + sig),
              testing::IsOkAndHolds(false));
  if (sig[0] == '\0') {
    EXPECT_THAT(VerifyJws(c.algorithm, pub, input, sig.substr(1)), testing::IsOkAndHolds(false));
  }

  // Another key of the same kind does not verify.
  auto [other_priv, other_pub] = Keys(1);
  EXPECT_THAT(VerifyJws(c.algorithm, other_pub, input, sig), testing::IsOkAndHolds(false));

  // A public key cannot sign.
  if (c.algorithm != JwsAlgorithm::kHS256 && c.algorithm != JwsAlgorithm::kHS384 &&
      c.algorithm != JwsAlgorithm::kHS512) {
    EXPECT_THAT(SignJws(c.algorithm, pub, input),
                StatusIs(ErrorCode::kSignatureError, HasSubstr("private key")));
  }

  // The compact form round-trips through the JWK of the key.
  std::string header = "{\"alg\":\"" + std::string(JwsAlgorithmName(c.algorithm)) + "\"}";
  ASSERT_OK_AND_ASSIGN(std::string token, SignCompactJws(header, "payload", priv));
  Key from_jwk = OnlyKey(pub.ToJwk(/*include_private=*/c.algorithm <= JwsAlgorithm::kHS512));
  ASSERT_OK_AND_ASSIGN(CompactJws jws, VerifyCompactJws(token, {&from_jwk, 1}));
  EXPECT_EQ(jws.payload, "payload");
}

TEST_P(RoundTripTest, AlgorithmMismatchIsAnError) {
  const AlgorithmCase& c = GetParam();
  auto [priv, pub] = Keys(0);
  // Pick an algorithm of another family.
  JwsAlgorithm other = c.algorithm == JwsAlgorithm::kES256 || c.algorithm == JwsAlgorithm::kES384 ||
                               c.algorithm == JwsAlgorithm::kES512
                           ? JwsAlgorithm::kRS256
                           : JwsAlgorithm::kES256;
  EXPECT_FALSE(pub.Fits(other));
  EXPECT_THAT(VerifyJws(other, pub, "a.b", "sig"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("cannot use")));
  EXPECT_THAT(SignJws(other, priv, "a.b"), StatusIs(ErrorCode::kSignatureError));
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithms, RoundTripTest,
    ::testing::Values(AlgorithmCase{JwsAlgorithm::kHS256, "", 32},
                      AlgorithmCase{JwsAlgorithm::kHS384, "", 48},
                      AlgorithmCase{JwsAlgorithm::kHS512, "", 64},
                      AlgorithmCase{JwsAlgorithm::kRS256, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kRS384, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kRS512, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kPS256, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kPS384, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kPS512, "RSA:2048", 256},
                      AlgorithmCase{JwsAlgorithm::kES256, "EC:P-256", 64},
                      AlgorithmCase{JwsAlgorithm::kES384, "EC:P-384", 96},
                      AlgorithmCase{JwsAlgorithm::kES512, "EC:P-521", 132},
                      AlgorithmCase{JwsAlgorithm::kEdDSA, "ED25519", 64}),
    [](const ::testing::TestParamInfo<AlgorithmCase>& info) {
      return std::string(JwsAlgorithmName(info.param.algorithm));
    });

TEST(ParseKeysTest, PemKinds) {
  EVP_PKEY* rsa = testing::SharedKey("RSA:2048");
  EVP_PKEY* ec = testing::SharedKey("EC:P-256");
  EXPECT_TRUE(OnlyKey(testing::PrivatePem(rsa, /*traditional=*/true)).is_private());  // PKCS#1
  EXPECT_TRUE(OnlyKey(testing::PrivatePem(ec, /*traditional=*/true)).is_private());   // SEC1
  EXPECT_FALSE(OnlyKey(testing::PublicPem(ec)).is_private());

  // Certificates give their public keys; several blocks give several keys.
  testing::CertSpec spec;
  spec.common_name = "x";
  std::string certs = testing::MakeCertPem(spec, rsa, rsa) + "\n" +
                      testing::MakeCertPem(spec, ec, ec) + testing::PublicPem(ec);
  ASSERT_OK_AND_ASSIGN(std::vector<Key> keys, ParseKeys(certs));
  ASSERT_THAT(keys, SizeIs(3));
  EXPECT_EQ(keys[0].type(), KeyType::kRsa);
  EXPECT_EQ(keys[1].type(), KeyType::kEc);
  EXPECT_FALSE(keys[0].is_private());
}

TEST(ParseKeysTest, PemErrorsUseOpaWording) {
  std::string pub = testing::PublicPem(testing::SharedKey("EC:P-256"));
  EXPECT_THAT(ParseKeys(pub + "EXTRA"),
              StatusIs(ErrorCode::kSignatureError, "extra data after a PEM certificate block"));
  EXPECT_THAT(ParseKeys("-----BEGIN CERT-----\naGk=\n-----END CERT-----\n"),
              StatusIs(ErrorCode::kSignatureError,
                       "failed to extract a Key from the PEM certificate"));
  EXPECT_THAT(ParseKeys("-----BEGIN CERTIFICATE-----\naGk=\n-----END CERTIFICATE-----\n"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("failed to parse a PEM certificate")));
  EXPECT_THAT(ParseKeys("-----BEGIN PUBLIC KEY-----\naGk=\n-----END PUBLIC KEY-----\n"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("failed to parse a PEM public key")));
  EXPECT_THAT(ParseKeys("not a key"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("failed to parse a JWK key (set)")));
}

TEST(ParseKeysTest, JwkSets) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<Key> keys,
      ParseKeys(R"({"keys":[)" + std::string(kA3Key.substr(0, kA3Key.size() - 1)) +
                R"(,"kid":"k1","alg":"ES256","use":"sig"},)" + std::string(kA1Key) + "]}"));
  ASSERT_THAT(keys, SizeIs(2));
  EXPECT_EQ(keys[0].kid(), "k1");
  EXPECT_EQ(keys[0].alg(), "ES256");
  EXPECT_EQ(keys[0].use(), "sig");
  EXPECT_EQ(keys[1].type(), KeyType::kSecret);
  EXPECT_THAT(ParseKeys(R"({"kty":"RSA","e":"AQAB"})"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("\"n\"")));
  EXPECT_THAT(ParseKeys(R"({"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"})"),
              StatusIs(ErrorCode::kSignatureError));  // not on the curve
  EXPECT_THAT(ParseKeys(R"({"kty":"XYZ"})"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("unsupported key type")));
  EXPECT_THAT(ParseJwk(testing::PublicPem(testing::SharedKey("EC:P-256"))),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("failed to parse JWK")));
  // An Ed25519 "x" that does not belong to "d".
  EXPECT_THAT(ParseKeys(R"({"kty":"OKP","crv":"Ed25519",)"
                        R"("d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",)"
                        R"("x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("does not match")));
}

TEST(KeyTest, JwkExport) {
  Key key = OnlyKey(kA3Key);
  EXPECT_EQ(key.ToJwk(false),
            R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
            R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})");
  EXPECT_EQ(OnlyKey(key.ToJwk(true)).ToJwk(true), key.ToJwk(true));
  Key rsa = OnlyKey(kA2Key);
  std::vector<std::string> names;
  for (const auto& [name, bytes] : rsa.Components(true)) names.push_back(name);
  EXPECT_THAT(names, ::testing::ElementsAre("n", "e", "d", "p", "q", "dp", "dq", "qi"));
  EXPECT_EQ(Key::Secret("").bits(), 0);
}

TEST(CompactJwsTest, ParseErrors) {
  EXPECT_THAT(ParseCompactJws("abc"),
              StatusIs(ErrorCode::kSignatureError, "encoded JWT had no period separators"));
  EXPECT_THAT(ParseCompactJws("a.b"),
              StatusIs(ErrorCode::kSignatureError, "encoded JWT must have 3 sections, found 2"));
  EXPECT_THAT(ParseCompactJws("!!.e30.AA"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("JWT header had invalid encoding")));
  EXPECT_THAT(ParseCompactJws("W10.e30.AA"),  // "[]"
              StatusIs(ErrorCode::kSignatureError, HasSubstr("not an Object")));
  EXPECT_THAT(ParseCompactJws("e30.!.AA"),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("JWT payload had invalid encoding")));
}

TEST(CompactJwsTest, HeaderAlgorithmErrors) {
  Key secret = Key::Secret("k");
  EXPECT_THAT(SignCompactJws("", "{}", secret),
              StatusIs(ErrorCode::kSignatureError,
                       "missing or invalid 'alg' header: cannot parse JSON: cannot parse "
                       "empty string"));
  EXPECT_THAT(SignCompactJws("{}", "{}", secret),
              StatusIs(ErrorCode::kSignatureError,
                       "missing or invalid 'alg' header: jwsbb: header \"alg\" not found"));
  EXPECT_THAT(SignCompactJws("{\"alg:\"x\"}", "{}", secret),
              StatusIs(ErrorCode::kSignatureError, HasSubstr("cannot parse JSON")));
  EXPECT_THAT(SignCompactJws(R"({"alg":"dummy"})", "{}", secret),
              StatusIs(ErrorCode::kSignatureError, "unknown JWS algorithm: dummy"));
  EXPECT_THAT(SignCompactJws(R"({"alg":"none"})", "{}", secret),
              StatusIs(ErrorCode::kSignatureError, "unknown JWS algorithm: none"));
}

TEST(CompactJwsTest, VerifyPicksKeys) {
  Key a = OnlyKey(R"({"kty":"oct","k":"YWFh","kid":"a"})");
  Key b = OnlyKey(R"({"kty":"oct","k":"YmJi","kid":"b","alg":"HS256"})");
  Key c = OnlyKey(R"({"kty":"oct","k":"Y2Nj","alg":"HS512"})");
  std::vector<Key> keys = {a, b, c};
  ASSERT_OK_AND_ASSIGN(std::string by_b, SignCompactJws(R"({"alg":"HS256"})", "x", b));
  EXPECT_THAT(VerifyCompactJws(by_b, keys), IsOk());
  // A "kid" that names a key uses that key only.
  ASSERT_OK_AND_ASSIGN(std::string kid_a,
                       SignCompactJws(R"({"alg":"HS256","kid":"a"})", "x", b));
  EXPECT_THAT(VerifyCompactJws(kid_a, keys),
              StatusIs(ErrorCode::kSignatureError, "signature verification failed"));
  // A key whose "alg" differs from the header's is skipped.
  ASSERT_OK_AND_ASSIGN(std::string by_c, SignCompactJws(R"({"alg":"HS256"})", "x", c));
  EXPECT_THAT(VerifyCompactJws(by_c, keys), StatusIs(ErrorCode::kSignatureError));
  EXPECT_THAT(VerifyCompactJws(by_c, {}), StatusIs(ErrorCode::kSignatureError));
}

}  // namespace
}  // namespace verdict::crypto
