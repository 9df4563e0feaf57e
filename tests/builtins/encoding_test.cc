// Tests for lib/builtins/encoding.cc and crypto.cc.
#include <random>
#include <string>

#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

TEST(Base64Test, EncodeDecode) {
  EXPECT_EQ(Eval("base64.encode", {R"("hello")"}), R"("aGVsbG8=")");
  EXPECT_EQ(Eval("base64.encode", {R"("subjects?_d")"}), R"("c3ViamVjdHM/X2Q=")");
  EXPECT_EQ(Eval("base64.decode", {R"("aGVsbG8=")"}), R"("hello")");
  EXPECT_EQ(Eval("base64.decode", {R"("c3ViamVjdHM/X2Q=")"}), R"("subjects?_d")");
  EXPECT_EQ(Eval("base64.decode", {R"("aGVs\nbG8=")"}), R"("hello")");  // newlines skipped
  EXPECT_EQ(Eval("base64.is_valid", {R"("aGVsbG8=")"}), "true");
  EXPECT_EQ(Eval("base64.is_valid", {R"("{'not':'base64'}")"}), "false");
}

TEST(Base64Test, ErrorsCarryGoOffsets) {
  EXPECT_EQ(Eval("base64.decode", {R"("aGVsbG8")"}),
            "error: base64.decode: illegal base64 data at input byte 4");
  EXPECT_EQ(Eval("base64.decode", {R"("a!==")"}),
            "error: base64.decode: illegal base64 data at input byte 1");
  EXPECT_EQ(Eval("base64.decode", {R"("aGVsbG8=x")"}),
            "error: base64.decode: illegal base64 data at input byte 8");
  EXPECT_EQ(CodeOf("base64.decode", {R"("%%%")"}), ErrorCode::kEvalBuiltinError);
}

// Whole quads with end padding are decoded in one pass (Base64DecodeQuads);
// everything else takes Go's general decoder. These pin the seam.
TEST(Base64Test, QuadsPathEdges) {
  EXPECT_EQ(Eval("base64.decode", {R"("")"}), R"("")");
  EXPECT_EQ(Eval("base64.decode", {R"("YQ==")"}), R"("a")");
  EXPECT_EQ(Eval("base64.decode", {R"("YWI=")"}), R"("ab")");
  EXPECT_EQ(Eval("base64.decode", {R"("YWJj")"}), R"("abc")");
  EXPECT_EQ(Eval("base64.decode", {R"("YR==")"}), R"("a")");  // stray low bits: Go ignores them
  EXPECT_EQ(Eval("base64.decode", {R"("YWJjZGVmZ2hpamtsbW5vcA==")"}), R"("abcdefghijklmnop")");
  absl::StatusOr<Value> bytes = testing::Call("base64.decode", {Str("+/+/")});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->as_string(), "\xfb\xff\xbf");
  EXPECT_EQ(Eval("base64.decode", {R"("YQ==\n")"}), R"("a")");  // a line break after padding
  EXPECT_EQ(Eval("base64.decode", {R"("Y===")"}),
            "error: base64.decode: illegal base64 data at input byte 1");
  EXPECT_EQ(Eval("base64.decode", {R"("====")"}),
            "error: base64.decode: illegal base64 data at input byte 0");
  EXPECT_EQ(Eval("base64.decode", {R"("YQ=a")"}),
            "error: base64.decode: illegal base64 data at input byte 2");
  EXPECT_EQ(Eval("base64.decode", {R"("YQ==YQ==")"}),
            "error: base64.decode: illegal base64 data at input byte 4");
  EXPECT_EQ(Eval("base64.decode", {R"("YW-j")"}),
            "error: base64.decode: illegal base64 data at input byte 2");
}

// Random strings over the alphabet, '=', line breaks and strays: the result
// is a decoding exactly when base64.is_valid (the general decoder) says so,
// and then it is what a plain bit-by-bit reference decoder gives.
TEST(Base64Test, QuadsPathAgreesWithGeneralDecoder) {
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto reference = [&](const std::string& s) {
    std::string out;
    uint32_t bits = 0;
    int nbits = 0;
    for (char c : s) {
      size_t v = alphabet.find(c);
      if (v == std::string::npos) continue;  // '=', '\n'
      bits = (bits << 6) | static_cast<uint32_t>(v);
      nbits += 6;
      if (nbits >= 8) {
        nbits -= 8;
        out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
      }
    }
    return out;
  };
  std::mt19937 rng(7);
  int valid = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string s;
    const int len = static_cast<int>(rng() % 20);
    for (int k = 0; k < len; ++k) {
      const uint32_t r = rng() % 100;
      s.push_back(r < 90 ? alphabet[rng() % 64] : r < 96 ? '=' : r < 98 ? '\n' : '-');
    }
    if (rng() % 2 == 0) {  // often end like real padded text
      while (s.size() % 4 != 0) s.push_back('=');
    }
    absl::StatusOr<Value> decoded = testing::Call("base64.decode", {Str(s)});
    absl::StatusOr<Value> is_valid = testing::Call("base64.is_valid", {Str(s)});
    ASSERT_TRUE(is_valid.ok());
    ASSERT_EQ(decoded.ok(), is_valid->as_bool()) << s;
    if (decoded.ok()) {
      ++valid;
      EXPECT_EQ(decoded->as_string(), reference(s)) << s;
    }
  }
  EXPECT_GT(valid, 500);
}

TEST(Base64UrlTest, PaddingIsOptionalOnDecode) {
  EXPECT_EQ(Eval("base64url.encode", {R"("hello")"}), R"("aGVsbG8=")");
  EXPECT_EQ(Eval("base64url.encode_no_pad", {R"("hello")"}), R"("aGVsbG8")");
  EXPECT_EQ(Eval("base64url.encode", {R"("??>")"}), R"("Pz8-")");
  EXPECT_EQ(Eval("base64url.decode", {R"("aGVsbG8=")"}), R"("hello")");
  EXPECT_EQ(Eval("base64url.decode", {R"("aGVsbG8")"}), R"("hello")");
  EXPECT_EQ(Eval("base64url.decode", {R"("Pz8-")"}), R"("??>")");
  EXPECT_EQ(Eval("base64url.decode", {R"("a")"}),
            "error: base64url.decode: illegal base64url string: a");
}

TEST(HexTest, EncodeDecode) {
  EXPECT_EQ(Eval("hex.encode", {R"("lorem ipsum")"}), R"("6c6f72656d20697073756d")");
  EXPECT_EQ(Eval("hex.decode", {R"("6c6f72656d20697073756d")"}), R"("lorem ipsum")");
  EXPECT_EQ(Eval("hex.decode", {R"("fghijkl")"}),
            "error: hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  EXPECT_EQ(Eval("hex.decode", {R"("abc")"}),
            "error: hex.decode: encoding/hex: odd length hex string");
}

TEST(UrlQueryTest, EncodeDecode) {
  EXPECT_EQ(Eval("urlquery.encode", {R"("a=b+1")"}), R"("a%3Db%2B1")");
  EXPECT_EQ(Eval("urlquery.encode", {R"("a b~")"}), R"("a+b~")");
  EXPECT_EQ(Eval("urlquery.decode", {R"("a%3Db%2B1")"}), R"("a=b+1")");
  EXPECT_EQ(Eval("urlquery.decode", {R"("a+b")"}), R"("a b")");
  EXPECT_EQ(Eval("urlquery.decode", {R"("%zz")"}),
            R"(error: urlquery.decode: invalid URL escape "%zz")");
}

TEST(UrlQueryTest, Objects) {
  EXPECT_EQ(Eval("urlquery.encode_object", {"{}"}), R"("")");
  EXPECT_EQ(Eval("urlquery.encode_object", {R"({"c":"d","a":"b"})"}), R"("a=b&c=d")");
  EXPECT_EQ(Eval("urlquery.encode_object", {R"({"a":["b+1","c+2"]})"}),
            R"("a=b%2B1&a=c%2B2")");
  EXPECT_EQ(EvalV("urlquery.encode_object", {[] {
                    ObjectBuilder b;
                    b.Add(Str("a"), Set({Str("b+1")}));
                    return b.Build();
                  }()}),
            R"("a=b%2B1")");
  EXPECT_EQ(Eval("urlquery.decode_object", {R"("a=value_a1&b=value_b&a=value_a2")"}),
            R"({"a":["value_a1","value_a2"],"b":["value_b"]})");
  EXPECT_EQ(Eval("urlquery.decode_object", {R"("a=value_a1&b")"}),
            R"({"a":["value_a1"],"b":[""]})");
  EXPECT_EQ(Eval("urlquery.decode_object", {R"("")"}), "{}");
}

TEST(JsonTest, MarshalLikeGo) {
  EXPECT_EQ(EvalV("json.marshal", {[] {
              ArrayBuilder a;
              ObjectBuilder o;
              o.Add(Str("foo"), Set({J("1"), J("2"), J("3")}));
              a.Add(o.Build());
              return a.Build();
            }()}),
            R"("[{\"foo\":[1,2,3]}]")");
  EXPECT_EQ(Eval("json.marshal", {R"({"b":"<&>","a":1})"}),
            R"("{\"a\":1,\"b\":\"\\u003c\\u0026\\u003e\"}")");
}

TEST(JsonTest, MarshalWithOptions) {
  std::string_view arr = "[1234567890, 2000000, 1000000000]";
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, "{}"}), R"("[1234567890,2000000,1000000000]")");
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, R"({"indent":"  "})"}),
            R"("[\n  1234567890,\n  2000000,\n  1000000000\n]")");
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, R"({"pretty":true})"}),
            R"("[\n\t1234567890,\n\t2000000,\n\t1000000000\n]")");
  EXPECT_EQ(Eval("json.marshal_with_options",
                 {arr, R"({"pretty":false,"prefix":"NO!","indent":"BAD!"})"}),
            R"("[1234567890,2000000,1000000000]")");
  EXPECT_EQ(Eval("json.marshal_with_options", {R"({"foo":"bar","bar":"baz"})",
                                               R"({"prefix":"JSON => "})"}),
            R"("JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }")");
  EXPECT_EQ(Eval("json.marshal_with_options", {"[]", R"({"indent":"    ","prefix":"---"})"}),
            R"("---[]")");
  EXPECT_EQ(Eval("json.marshal_with_options", {"[[[]]]", R"({"indent":" "})"}),
            R"("[\n [\n  []\n ]\n]")");
  EXPECT_EQ(Eval("json.marshal_with_options",
                 {"[]", R"({"indent":"    ","include_winning_lottery_numbers":true})"}),
            "error: json.marshal_with_options: operand 2 object contained unknown key "
            "\"include_winning_lottery_numbers\"");
  EXPECT_EQ(CodeOf("json.marshal_with_options", {"[]", R"({"x":1})"}),
            ErrorCode::kEvalTypeError);
}

TEST(JsonTest, UnmarshalAndIsValid) {
  EXPECT_EQ(Eval("json.unmarshal", {R"("[{\"foo\":[1,2,3]}]")"}), R"([{"foo":[1,2,3]}])");
  EXPECT_EQ(Eval("json.unmarshal", {R"("12345678901234567890123")"}), "12345678901234567890123");
  EXPECT_EQ(CodeOf("json.unmarshal", {R"("[1,")"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("json.unmarshal", {"1"}),
            "error: json.unmarshal: operand 1 must be string but got number");
  EXPECT_EQ(Eval("json.is_valid", {R"("{\"a\":1}")"}), "true");
  EXPECT_EQ(Eval("json.is_valid", {R"("{a:1}")"}), "false");
  EXPECT_EQ(Eval("json.is_valid", {"1"}), "false");
}

TEST(YamlTest, RoundTripsAndValidates) {
  for (std::string_view doc :
       {R"([{"foo":[1,2,3]}])", R"({"a":{"b":["x","true","1.5",null,"",": y","- z"]},"c":{}})",
        R"({"k":[[1,[2]],{"x":[]}],"n":-1.5e-7})", R"("plain")", "[]"}) {
    absl::StatusOr<Value> marshalled = testing::Call("yaml.marshal", {J(doc)});
    ASSERT_TRUE(marshalled.ok());
    EXPECT_EQ(EvalV("yaml.unmarshal", {*marshalled}), ToJson(J(doc)))
        << marshalled->as_string();
  }
  EXPECT_EQ(Eval("yaml.unmarshal", {R"("a: 1\nb: [x, 2]")"}), R"({"a":1,"b":["x",2]})");
  EXPECT_EQ(CodeOf("yaml.unmarshal", {R"("[1,2,3")"}), ErrorCode::kEvalBuiltinError);
  // go-yaml's words and shape (no column), which OPA's users see.
  EXPECT_EQ(Eval("yaml.unmarshal", {R"("[1,2,3")"}),
            "error: yaml.unmarshal: yaml: line 1: did not find expected ',' or ']'");
  EXPECT_EQ(Eval("yaml.unmarshal", {R"("a: 1\nb: {x: 1")"}),
            "error: yaml.unmarshal: yaml: line 2: did not find expected ',' or '}'");
  EXPECT_EQ(Eval("yaml.is_valid", {R"("a: 1")"}), "true");
  EXPECT_EQ(Eval("yaml.is_valid", {R"("[1,2")"}), "false");
  EXPECT_EQ(Eval("yaml.is_valid", {"1"}), "false");
}

TEST(CryptoTest, Digests) {
  EXPECT_EQ(Eval("crypto.md5", {R"("lorem ipsum")"}), R"("80a751fde577028640c419000e33eba6")");
  EXPECT_EQ(Eval("crypto.sha1", {R"("lorem ipsum")"}),
            R"("bfb7759a67daeb65410490b4d98bb9da7d1ea2ce")");
  EXPECT_EQ(Eval("crypto.sha256", {R"("lorem ipsum")"}),
            R"("5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269")");
}

TEST(CryptoTest, Hmacs) {
  EXPECT_EQ(Eval("crypto.hmac.md5", {R"("foo")", R"("bar")"}),
            R"("31b6db9e5eb4addb42f1a6ca07367adc")");
  EXPECT_EQ(Eval("crypto.hmac.md5", {R"("åäöçß🥲♙Ω")", R"("秘密の")"}),
            R"("20a8743c2157ac60b7e8b79c83651b8d")");
  EXPECT_EQ(Eval("crypto.hmac.sha1", {R"("foo")", R"("bar")"}),
            R"("85d155c55ed286a300bd1cf124de08d87e914f3a")");
  EXPECT_EQ(Eval("crypto.hmac.sha256", {R"("foo")", R"("bar")"}),
            R"("147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851")");
  EXPECT_EQ(Eval("crypto.hmac.sha256", {R"("åäöçß🥲♙Ω")", R"("秘密の")"}),
            R"("eb90daeb76d4b2571fbdaf94bbb240809faa8fed93ec0c260dd38c3fdf8d963a")");
  EXPECT_EQ(Eval("crypto.hmac.sha512", {R"("foo")", R"("bar")"}),
            R"("24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8")");
  EXPECT_EQ(Eval("crypto.hmac.equal", {R"("abc")", R"("abc")"}), "true");
  EXPECT_EQ(Eval("crypto.hmac.equal", {R"("abc")", R"("abd")"}), "false");
  EXPECT_EQ(Eval("crypto.hmac.equal", {R"("abc")", R"("ab")"}), "false");
}

}  // namespace
}  // namespace verdict::builtins
