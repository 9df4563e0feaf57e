// Tests for lib/crypto/encoding.cc.
#include "crypto/encoding.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict::crypto {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

TEST(Base64Test, EncodesBothAlphabets) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("hello"), "aGVsbG8");
}

TEST(Base64Test, DecodesStandardStrictly) {
  EXPECT_EQ(*Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(*Base64Decode("Zg=="), "f");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  EXPECT_EQ(*Base64Decode("Zm9v\r\nYmFy\n"), "foobar");  // line breaks are skipped
  EXPECT_EQ(*Base64Decode(""), "");
  // Go's offsets: the start of an unpadded final quantum, or the bad byte.
  EXPECT_THAT(Base64Decode("foobar"),
              StatusIs(ErrorCode::kInvalidArgument, "illegal base64 data at input byte 4"));
  EXPECT_THAT(Base64Decode("Zm9v!mFy"),
              StatusIs(ErrorCode::kInvalidArgument, "illegal base64 data at input byte 4"));
  EXPECT_THAT(Base64Decode("Z==="), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("byte 1")));
  EXPECT_THAT(Base64Decode("Zg==Zg=="), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("byte 4")));
  EXPECT_THAT(Base64Decode("-_8="), StatusIs(ErrorCode::kInvalidArgument));  // URL alphabet
}

TEST(Base64Test, DecodesUrlWithOrWithoutPadding) {
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_EQ(*Base64UrlDecode("-_8="), "\xfb\xff");
  EXPECT_EQ(*Base64UrlDecode("aGVsbG8"), "hello");
  EXPECT_THAT(Base64UrlDecode("+/8"), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("byte 0")));
  EXPECT_THAT(Base64UrlDecode("a"), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("byte 0")));
}

TEST(Base64Test, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string s = all.substr(0, n);
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(s)), s);
  }
}

TEST(HexTest, Lowercase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string_view("\x00\xab\xff", 3)), "00abff");
}

TEST(BigEndianToDecimalTest, Integers) {
  EXPECT_EQ(BigEndianToDecimal(""), "0");
  EXPECT_EQ(BigEndianToDecimal(std::string("\0", 1)), "0");
  EXPECT_EQ(BigEndianToDecimal(std::string("\x01\x00", 2)), "256");
  EXPECT_EQ(BigEndianToDecimal(std::string("\x01\x00\x01", 3)), "65537");
  // 2^64 needs more than 64 bits.
  EXPECT_EQ(BigEndianToDecimal(std::string("\x01\0\0\0\0\0\0\0\0", 9)), "18446744073709551616");
}

}  // namespace
}  // namespace verdict::crypto
