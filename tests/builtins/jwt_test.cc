// Tests for lib/builtins/jwt.cc: tokens from OPA's conformance cases and
// RFC 7515, and tokens signed here with keys generated at test time.
#include "builtin_testing.h"
#include "crypto/crypto_testing.h"
#include "crypto/encoding.h"
#include "crypto/jws.h"
#include "gmock/gmock.h"

namespace verdict::builtins {
namespace {

using ::testing::HasSubstr;
using testing::Call;
using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::Str;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

TEST(JwtDecodeTest, DecodesHeaderPayloadAndSignature) {
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0."
                    "XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY")}),
            R"([{"alg":"HS256","typ":"JWT"},{"iss":"opa","sub":"0"},)"
            R"("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"])");
  // Duplicate claims: the last one wins.
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiMCIsImlzcyI6ICJub3Qgb3BhIiw"
                    "gImlzcyI6ICJhbHNvIG5vdCBvcGEiLCAiaXNzIjogIm9wYSJ9.XmVoLoHI3pxMtMO_WRONMSJzGUDP"
                    "9pDjy8Jp0_tdRXY")}),
            R"([{"alg":"HS256","typ":"JWT"},{"iss":"opa","sub":"0"},)"
            R"("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"])");
}

TEST(JwtDecodeTest, NestedTokens) {
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STF"
                    "OaUlzSW5SNWNDSTZJa3BYVkNKOS5leUp6ZFdJaU9pSXdJaXdpYVhOeklqb2liM0JoSW4wLlhtVm9Mb0h"
                    "JM3B4TXRNT19XUk9OTVNKekdVRFA5cERqeThKcDBfdGRSWFki.8W0qx4mLxslmZl7wEMUWBxH7tST3Xs"
                    "EuWXxesXqFnRI")}),
            R"([{"alg":"HS256","typ":"JWT"},{"iss":"opa","sub":"0"},)"
            R"("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"])");
}

TEST(JwtDecodeTest, Errors) {
  EXPECT_EQ(Eval("io.jwt.decode", {Q("abc")}),
            "error: io.jwt.decode: encoded JWT had no period separators");
  EXPECT_EQ(Eval("io.jwt.decode", {Q("a.b")}),
            "error: io.jwt.decode: encoded JWT must have 3 sections, found 2");
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0."
                    "XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY")}),
            "error: io.jwt.decode: JWT header had invalid encoding: illegal base64 data at "
            "input byte 13");
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0."
                    "XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY")}),
            "error: io.jwt.decode: JWT payload had invalid encoding: illegal base64 data at "
            "input byte 17");
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0."
                    "XmVoLoHI3pxMtMO(_WRONMSJzGUDP9pDjy8Jp0_tdRXY")}),
            "error: io.jwt.decode: JWT signature had invalid encoding: illegal base64 data at "
            "input byte 15");
  EXPECT_EQ(Eval("io.jwt.decode",
                 {Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdX"
                    "NlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7O"
                    "HOa8U8")}),
            "error: io.jwt.decode: JWT is a JWE object, which is not supported");
  EXPECT_EQ(CodeOf("io.jwt.decode", {Q("a.b")}), ErrorCode::kEvalBuiltinError);
}

TEST(JwtVerifyTest, Hmac) {
  std::string hs256 =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiYWxpY2UiLCJhenAiOiJhbGljZSIsInN1Ym9yZGlu"
      "YXRlcyI6W10sImhyIjpmYWxzZX0.rz3jTY033z-NrKfwrK89_dcLF7TN4gwCMj-fVBDyLoM";
  EXPECT_EQ(Eval("io.jwt.verify_hs256", {Q(hs256), Q("secret")}), "true");
  EXPECT_EQ(Eval("io.jwt.verify_hs256", {Q(hs256), Q("wrong")}), "false");
  EXPECT_EQ(Eval("io.jwt.verify_hs384",
                 {Q("eyJhbGciOiJIUzM4NCJ9.eyJTY29wZXMiOlsiZm9vIiwiYmFyIl0sIm5iZiI6MTQ1MTYwNjQwMH0."
                    "g98lHYzuqINVppLMoEZT7jlpX0IBSo9zKGoN9DhQg7Ua3YjLXbJMjzESjIHXOGLB"),
                  Q("secret")}),
            "true");
  EXPECT_EQ(Eval("io.jwt.verify_hs512",
                 {Q("eyJhbGciOiJIUzUxMiJ9.eyJTY29wZXMiOlsiZm9vIiwiYmFyIl0sIm5iZiI6MTQ1MTYwNjQwMH0."
                    "F6-xviRhK2OLcJJHFivhQqMN_dgX5boDrwbVKkdo9flQQNk-AaKpH3uYycFvBEd_erVefcsri_PkL4f"
                    "jLSZ7ZA"),
                  Q("secret")}),
            "true");
  EXPECT_EQ(Eval("io.jwt.verify_hs512",
                 {Q("eyJhbGciOiJIUzUxMiJ9.eyJTY29wZXMiOlsiZm9vIiwiYmFyIl0sIm5iZiI6MTQ1MTYwNjQwMH0."
                    "F6-xviRhK2OLcJJHFivhQqMN_dgX5boDrwbVKkdo9flQQNk-AaKpH3uYycFvBEd_erVefcsri_PkL4f"
                    "jLSZBAD"),
                  Q("secret")}),
            "false");
  EXPECT_EQ(Eval("io.jwt.verify_hs256", {Q("a.b"), Q("secret")}),
            "error: io.jwt.verify_hs256: encoded JWT must have 3 sections, found 2");
}

// RFC 7515 appendix A.1.
constexpr std::string_view kA1Jwk =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

// The JWK of a fresh key of [kind] (crypto_testing.h kinds), private part
// included, and the PEM of its public key.
struct TestKey {
  std::string jwk;
  std::string public_pem;
};

TestKey MakeTestKey(const std::string& kind, int slot = 0) {
  EVP_PKEY* pkey = crypto::testing::SharedKey(kind, slot);
  absl::StatusOr<std::vector<crypto::Key>> keys =
      crypto::ParseKeys(crypto::testing::PrivatePem(pkey));
  if (!keys.ok() || keys->empty()) {
    ADD_FAILURE() << "cannot load " << kind;
    return {};
  }
  return {keys->front().ToJwk(/*include_private=*/true), crypto::testing::PublicPem(pkey)};
}

// io.jwt.encode_sign_raw with a JSON header and payload; "" on error.
std::string SignRaw(std::string_view header, std::string_view payload, std::string_view jwk) {
  absl::StatusOr<Value> r = Call("io.jwt.encode_sign_raw", {Str(header), Str(payload), Str(jwk)});
  if (!r.ok()) {
    ADD_FAILURE() << r.status();
    return "";
  }
  return std::string(r->as_string());
}

TEST(JwtEncodeSignTest, Rfc7515A1) {
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw",
                  {Str("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
                   Str("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n "
                       "\"http://example.com/is_root\":true}"),
                   Str(kA1Jwk)}),
            Q("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzOD"
              "AsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_"
              "wW1gFWFOEjXk"));
  // encode_sign serializes objects as Go does: sorted keys, sets as arrays.
  EXPECT_EQ(Eval("io.jwt.encode_sign",
                 {R"({"alg":"HS256","typ":"JWT"})", "{}", std::string(kA1Jwk)}),
            Q("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8"));
}

TEST(JwtEncodeSignTest, EscapesHtmlLikeGo) {
  std::string token = std::string(Call("io.jwt.encode_sign",
                                       {testing::J(R"({"alg":"HS256"})"),
                                        testing::J(R"({"a":"<&>"})"), testing::J(kA1Jwk)})
                                      ->as_string());
  std::string payload = token.substr(token.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  EXPECT_EQ(*crypto::Base64UrlDecode(payload), R"({"a":"\u003c\u0026\u003e"})");
}

TEST(JwtEncodeSignTest, Errors) {
  std::string jwk(kA1Jwk);
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw", {Str(""), Str("{}"), Str(jwk)}),
            "error: io.jwt.encode_sign_raw: missing or invalid 'alg' header: cannot parse JSON: "
            "cannot parse empty string");
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw", {Str("{}"), Str("{}"), Str(jwk)}),
            "error: io.jwt.encode_sign_raw: missing or invalid 'alg' header: jwsbb: header "
            "\"alg\" not found");
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw", {Str(R"({"alg":"dummy"})"), Str("{}"), Str(jwk)}),
            "error: io.jwt.encode_sign_raw: unknown JWS algorithm: dummy");
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw", {Str(R"({"alg":"HS256"})"), Str("e"), Str(jwk)}),
            "error: io.jwt.encode_sign_raw: type is JWT but payload is not JSON");
  // Other media types may carry any payload.
  EXPECT_THAT(Call("io.jwt.encode_sign_raw",
                   {Str(R"({"alg":"HS256","typ":"text/plain"})"), Str("e"), Str(jwk)}),
              testing::IsOk());
  // The key must fit the algorithm, and the key operand is checked first.
  EXPECT_THAT(EvalV("io.jwt.encode_sign_raw", {Str(R"({"alg":"RS256"})"), Str("{}"), Str(jwk)}),
              HasSubstr("cannot use an HMAC secret"));
  EXPECT_EQ(EvalV("io.jwt.encode_sign_raw", {Value::Int(1), Str("{}"), Value::Int(2)}),
            "error: io.jwt.encode_sign_raw: operand 3 must be string but got number");
  EXPECT_THAT(EvalV("io.jwt.encode_sign_raw", {Str(R"({"alg":"HS256"})"), Str("{}"), Str("x")}),
              HasSubstr("failed to parse JWK"));
}

struct AsymmetricCase {
  const char* builtin;
  const char* alg;
  const char* key_kind;
};

class JwtVerifyAsymmetricTest : public ::testing::TestWithParam<AsymmetricCase> {};

TEST_P(JwtVerifyAsymmetricTest, VerifiesWithPemAndJwk) {
  const AsymmetricCase& c = GetParam();
  TestKey key = MakeTestKey(c.key_kind);
  std::string header = std::string(R"({"alg":")") + c.alg + R"(","typ":"JWT"})";
  std::string token = SignRaw(header, R"({"sub":"alice"})", key.jwk);
  EXPECT_EQ(EvalV(c.builtin, {Str(token), Str(key.public_pem)}), "true");
  // The public JWK works as well, alone or in a set.
  absl::StatusOr<std::vector<crypto::Key>> parsed = crypto::ParseKeys(key.public_pem);
  ASSERT_TRUE(parsed.ok());
  std::string public_jwk = parsed->front().ToJwk(false);
  EXPECT_EQ(EvalV(c.builtin, {Str(token), Str(public_jwk)}), "true");
  EXPECT_EQ(EvalV(c.builtin, {Str(token), Str(R"({"keys":[)" + public_jwk + "]}")}), "true");

  // Another key, a tampered payload, a tampered signature.
  TestKey other = MakeTestKey(c.key_kind, 1);
  EXPECT_EQ(EvalV(c.builtin, {Str(token), Str(other.public_pem)}), "false");
  std::string tampered = token;
  tampered[token.find('.') + 2] ^= 1;
  EXPECT_EQ(EvalV(c.builtin, {Str(tampered), Str(key.public_pem)}), "false");
  std::string bad_sig = token.substr(0, token.rfind('.') + 1) + "AAAA";
  EXPECT_EQ(EvalV(c.builtin, {Str(bad_sig), Str(key.public_pem)}), "false");
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, JwtVerifyAsymmetricTest,
    ::testing::Values(AsymmetricCase{"io.jwt.verify_rs256", "RS256", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_rs384", "RS384", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_rs512", "RS512", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_ps256", "PS256", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_ps384", "PS384", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_ps512", "PS512", "RSA:2048"},
                      AsymmetricCase{"io.jwt.verify_es256", "ES256", "EC:P-256"},
                      AsymmetricCase{"io.jwt.verify_es384", "ES384", "EC:P-384"},
                      AsymmetricCase{"io.jwt.verify_es512", "ES512", "EC:P-521"},
                      AsymmetricCase{"io.jwt.verify_eddsa", "EdDSA", "ED25519"}),
    [](const ::testing::TestParamInfo<AsymmetricCase>& info) {
      return std::string(info.param.alg);
    });

TEST(JwtVerifyTest, AlgorithmIsTheBuiltins) {
  TestKey key = MakeTestKey("RSA:2048");
  std::string rs256 = SignRaw(R"({"alg":"RS256"})", "{}", key.jwk);
  EXPECT_EQ(EvalV("io.jwt.verify_rs256", {Str(rs256), Str(key.public_pem)}), "true");
  EXPECT_EQ(EvalV("io.jwt.verify_ps256", {Str(rs256), Str(key.public_pem)}), "false");
  EXPECT_EQ(EvalV("io.jwt.verify_rs384", {Str(rs256), Str(key.public_pem)}), "false");
  // An EC key given to an RSA verifier does not verify (no error).
  TestKey ec = MakeTestKey("EC:P-256");
  EXPECT_EQ(EvalV("io.jwt.verify_rs256", {Str(rs256), Str(ec.public_pem)}), "false");
}

TEST(JwtVerifyTest, KeyIdPicksTheKey) {
  TestKey a = MakeTestKey("EC:P-256", 0);
  TestKey b = MakeTestKey("EC:P-256", 1);
  auto with = [](const std::string& jwk, std::string_view members) {
    return jwk.substr(0, jwk.size() - 1) + "," + std::string(members) + "}";
  };
  auto pub = [](const TestKey& k) {
    return crypto::ParseKeys(k.public_pem)->front().ToJwk(false);
  };
  std::string set = R"({"keys":[)" + with(pub(a), R"("kid":"a")") + "," +
                    with(pub(b), R"("kid":"b","alg":"ES256")") + "]}";
  std::string by_b = SignRaw(R"({"alg":"ES256","kid":"b"})", "{}", b.jwk);
  EXPECT_EQ(EvalV("io.jwt.verify_es256", {Str(by_b), Str(set)}), "true");
  // "kid" names key a, which did not sign: no other key is tried.
  std::string lying = SignRaw(R"({"alg":"ES256","kid":"a"})", "{}", b.jwk);
  EXPECT_EQ(EvalV("io.jwt.verify_es256", {Str(lying), Str(set)}), "false");
  // Keys whose "alg" is not a JWS algorithm are ignored.
  std::string enc_only = R"({"keys":[)" + with(pub(b), R"("alg":"RSA-OAEP")") + "]}";
  std::string plain = SignRaw(R"({"alg":"ES256"})", "{}", b.jwk);
  EXPECT_EQ(EvalV("io.jwt.verify_es256", {Str(plain), Str(enc_only)}), "false");
}

TEST(JwtVerifyTest, KeyErrors) {
  std::string token = SignRaw(R"({"alg":"HS256"})", "{}", kA1Jwk);
  std::string pem = MakeTestKey("EC:P-256").public_pem;
  EXPECT_EQ(EvalV("io.jwt.verify_es256", {Str(token), Str(pem + "EXTRA")}),
            "error: io.jwt.verify_es256: extra data after a PEM certificate block");
  EXPECT_EQ(EvalV("io.jwt.verify_es256",
                  {Str(token), Str("-----BEGIN CERT-----\naGk=\n-----END CERT-----")}),
            "error: io.jwt.verify_es256: failed to extract a Key from the PEM certificate");
  EXPECT_THAT(EvalV("io.jwt.verify_es256", {Str(token), Str("{}")}),
              HasSubstr("io.jwt.verify_es256: failed to parse a JWK key (set)"));
  EXPECT_EQ(EvalV("io.jwt.verify_rs256", {Str("a.b"), Str(pem)}),
            "error: io.jwt.verify_rs256: encoded JWT must have 3 sections, found 2");
}

// decode_verify with a clock fixed at [now_seconds].
std::string DecodeVerify(std::string_view token, std::string_view constraints,
                         int64_t now_seconds = 1'700'000'000) {
  BuiltinContext ctx;
  ctx.clock = [now_seconds] { return now_seconds * 1'000'000'000; };
  absl::StatusOr<Value> r =
      Call("io.jwt.decode_verify", {Str(token), testing::J(constraints)}, &ctx);
  if (!r.ok()) return "error: " + std::string(r.status().message());
  return ToJson(*r);
}

TEST(JwtDecodeVerifyTest, SecretAndClaims) {
  std::string jwk = R"({"kty":"oct","k":"c2VjcmV0"})";  // "secret"
  std::string token = SignRaw(R"({"alg":"HS256","typ":"JWT"})",
                              R"({"iss":"me","aud":["x","y"],"nbf":1600000000,"exp":1800000000})",
                              jwk);
  std::string ok = R"([true,{"alg":"HS256","typ":"JWT"},)"
                   R"({"aud":["x","y"],"exp":1800000000,"iss":"me","nbf":1600000000}])";
  std::string no = R"([false,{},{}])";
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"y"})"), ok);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"wrong","aud":"y"})"), no);
  // A token with an audience needs the constraint to name one of them.
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret"})"), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"z"})"), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","iss":"me"})"), ok);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","iss":"you"})"), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","alg":"HS256"})"), ok);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","alg":"HS512"})"), no);
  // The evaluation's clock against nbf/exp, or an explicit time (ns).
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x"})", 1'500'000'000), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x"})", 1'900'000'000), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x"})", 1'800'000'000), no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x"})", 1'600'000'000), ok);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","time":1500000000000000000})"),
            no);
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"secret","aud":"x","time":1700000000000000000})",
                         1'500'000'000),
            ok);
}

TEST(JwtDecodeVerifyTest, CertsAndNesting) {
  TestKey key = MakeTestKey("RSA:2048");
  std::string inner = SignRaw(R"({"alg":"RS256"})", R"({"iss":"xxx"})", key.jwk);
  // Not typed JWT, so the payload (a token) need not be JSON.
  std::string outer = SignRaw(R"({"alg":"RS256","cty":"JWT","typ":"nested"})", inner, key.jwk);
  std::string constraints = R"({"cert":)" + ToJson(Str(key.public_pem)) + "}";
  EXPECT_EQ(DecodeVerify(outer, constraints), R"([true,{"alg":"RS256"},{"iss":"xxx"}])");
  TestKey other = MakeTestKey("RSA:2048", 1);
  EXPECT_EQ(DecodeVerify(outer, R"({"cert":)" + ToJson(Str(other.public_pem)) + "}"),
            "[false,{},{}]");
  // A critical header parameter nobody understands invalidates the token.
  std::string crit = SignRaw(R"({"typ":"JWT","alg":"RS256","crit":["x"],"x":1})", "{}", key.jwk);
  EXPECT_EQ(DecodeVerify(crit, constraints), "[false,{},{}]");
}

TEST(JwtDecodeVerifyTest, Errors) {
  std::string jwk = R"({"kty":"oct","k":"c2VjcmV0"})";
  std::string token = SignRaw(R"({"alg":"HS256"})", "{}", jwk);
  EXPECT_EQ(DecodeVerify(token, "{}"), "error: io.jwt.decode_verify: no key constraint");
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"s","cert":"{\"keys\":[]}"})"),
            "error: io.jwt.decode_verify: duplicate key constraints");
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"s","foo":1})"),
            "error: io.jwt.decode_verify: unknown token validation constraint: foo");
  EXPECT_EQ(DecodeVerify(token, R"({"secret":1})"),
            "error: io.jwt.decode_verify: secret constraint: must be a string");
  EXPECT_EQ(DecodeVerify(token, R"({"secret":"s","time":-1})"),
            "error: io.jwt.decode_verify: token time constraint: must not be negative");
  std::string bad_exp = SignRaw(R"({"alg":"HS256"})", R"({"exp":"soon"})", jwk);
  EXPECT_EQ(DecodeVerify(bad_exp, R"({"secret":"secret"})"),
            "error: io.jwt.decode_verify: exp value must be a number");
  EXPECT_EQ(DecodeVerify("a.b", R"({"secret":"secret"})"),
            "error: io.jwt.decode_verify: encoded JWT must have 3 sections, found 2");
}

}  // namespace
}  // namespace verdict::builtins
