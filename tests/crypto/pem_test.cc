// Tests for lib/crypto/pem.cc: Go's encoding/pem behaviour.
#include "crypto/pem.h"

#include "gtest/gtest.h"

namespace verdict::crypto {
namespace {

TEST(PemTest, DecodesBlockAndRest) {
  std::string_view rest;
  std::optional<PemBlock> b =
      DecodePem("junk first\n-----BEGIN THING-----\naGVs\nbG8=\n-----END THING-----\nafter", &rest);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "THING");
  EXPECT_EQ(b->bytes, "hello");
  EXPECT_EQ(rest, "after");
}

TEST(PemTest, HeadersAndBlanks) {
  std::string_view rest;
  std::optional<PemBlock> b = DecodePem(
      "-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\n aGVs bG8= \r\n"
      "-----END RSA PRIVATE KEY-----  \r\n",
      &rest);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "RSA PRIVATE KEY");
  EXPECT_EQ(b->bytes, "hello");
  EXPECT_EQ(rest, "");
}

TEST(PemTest, SkipsMalformedCandidates) {
  std::string_view rest;
  // The first block ends with the wrong type, so the search goes on.
  std::optional<PemBlock> b = DecodePem(
      "-----BEGIN A-----\naGVsbG8=\n-----END B-----\n-----BEGIN C-----\naGk=\n-----END C-----\n",
      &rest);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "C");
  EXPECT_EQ(b->bytes, "hi");
  // Bad base64 in the body.
  std::string_view text = "-----BEGIN A-----\n!!!!\n-----END A-----\n";
  EXPECT_FALSE(DecodePem(text, &rest).has_value());
  EXPECT_EQ(rest, text);
}

TEST(PemTest, NoBlock) {
  std::string_view rest;
  EXPECT_FALSE(DecodePem("nope", &rest).has_value());
  EXPECT_EQ(rest, "nope");
  EXPECT_FALSE(DecodePem("-----BEGIN A-----\naGk=\n", &rest).has_value());  // no END
  EXPECT_FALSE(DecodePem("", &rest).has_value());
}

TEST(PemTest, EncodeRoundTrips) {
  std::string bytes(200, '\x7f');
  std::string pem = EncodePem("CERTIFICATE", bytes);
  EXPECT_EQ(pem.substr(0, 28), "-----BEGIN CERTIFICATE-----\n");
  std::string_view rest;
  std::optional<PemBlock> b = DecodePem(pem, &rest);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->bytes, bytes);
  EXPECT_EQ(rest, "");
}

}  // namespace
}  // namespace verdict::crypto
