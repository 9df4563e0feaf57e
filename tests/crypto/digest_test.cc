// Tests for lib/crypto/digest.cc (FIPS 180 / RFC 1321 / RFC 4231 vectors).
#include "crypto/digest.h"

#include "crypto/encoding.h"
#include "gtest/gtest.h"

namespace verdict::crypto {
namespace {

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha384Hex("abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358ba"
            "eca134c825a7");
  EXPECT_EQ(Sha512Hex("abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba"
            "3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(DigestHex(HashAlgorithm::kSha3_256, "abc"),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  EXPECT_EQ(Digest(HashAlgorithm::kSha256, "abc").size(), 32u);
}

TEST(DigestTest, OpaAlgorithmNames) {
  for (std::string_view name : {"MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512",
                                "SHA-512-224", "SHA-512-256", "SHA3-224", "SHA3-256", "SHA3-384",
                                "SHA3-512"}) {
    std::optional<HashAlgorithm> a = ParseHashAlgorithm(name);
    ASSERT_TRUE(a.has_value()) << name;
    EXPECT_EQ(HashAlgorithmName(*a), name);
    EXPECT_FALSE(Digest(*a, "x").empty()) << name;
  }
  EXPECT_FALSE(ParseHashAlgorithm("sha256").has_value());
  EXPECT_FALSE(ParseHashAlgorithm("").has_value());
}

TEST(HmacTest, Rfc4231Case2) {
  EXPECT_EQ(HexEncode(Hmac(HashAlgorithm::kSha256, "Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(Hmac(HashAlgorithm::kSha512, "Jefe", "what do ya want for nothing?")),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f"
            "65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  // Empty keys and messages are fine.
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, "", "").size(), 32u);
}

TEST(ConstantTimeEqualsTest, ComparesBytes) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(HasherTest, IncrementalEqualsOneShot) {
  Hasher h(HashAlgorithm::kSha256);
  h.Update("a");
  h.Update("");
  h.Update("bc");
  EXPECT_EQ(HexEncode(h.Finish()), Sha256Hex("abc"));
}

}  // namespace
}  // namespace verdict::crypto
