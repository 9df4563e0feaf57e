// Tests for lib/builtins/jwt.cc (tokens from OPA's conformance cases).
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;

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

}  // namespace
}  // namespace verdict::builtins
