// Base64 (standard and URL alphabets), hex, and big integers as decimal.
// Decoding follows Go's encoding/base64 (the decoder OPA runs) closely
// enough that its error offsets match: the offset is the byte where a
// quantum went wrong, counted in the original text, newlines included.
//
// Tested by tests/crypto/encoding_test.cc.
#include "crypto/encoding.h"

#include <array>
#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "openssl/bn.h"
#include "openssl/crypto.h"

namespace verdict::crypto {
namespace {

constexpr char kStdAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using DecodeTable = std::array<int8_t, 256>;

constexpr DecodeTable MakeTable(const char* alphabet) {
  DecodeTable t{};
  for (int8_t& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}

constexpr DecodeTable kStdTable = MakeTable(kStdAlphabet);
constexpr DecodeTable kUrlTable = MakeTable(kUrlAlphabet);

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  size_t left = in.size() - i;
  if (left > 0) {
    uint32_t v = uint32_t{p[i]} << 16;
    if (left == 2) v |= uint32_t{p[i + 1]} << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (left == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(left == 2 ? "=" : "==");
  }
  return out;
}

absl::Status Corrupt(size_t offset) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("illegal base64 data at input byte ", offset));
}

// Go's decoder, one quantum of four symbols at a time. [padding_required]:
// StdEncoding needs '=' to complete the last quantum; the URL form used by
// JOSE accepts it either way.
absl::StatusOr<std::string> Decode(std::string_view in, const DecodeTable& table,
                                   bool padding_required) {
  std::string out;
  out.reserve(in.size() / 4 * 3 + 3);
  size_t i = 0;
  auto skip_newlines = [&] {
    while (i < in.size() && (in[i] == '\n' || in[i] == '\r')) ++i;
  };
  while (true) {
    uint32_t quantum = 0;
    int n = 0;
    size_t start = std::string_view::npos;
    bool padded = false;
    while (n < 4) {
      skip_newlines();
      if (i == in.size()) break;
      if (start == std::string_view::npos) start = i;
      unsigned char c = static_cast<unsigned char>(in[i]);
      if (c == '=') {
        // Padding may only complete a quantum of two or three symbols.
        if (n < 2) return Corrupt(i);
        ++i;
        if (n == 2) {
          skip_newlines();
          if (i == in.size() || in[i] != '=') return Corrupt(i == in.size() ? i - 1 : i);
          ++i;
        }
        skip_newlines();
        if (i != in.size()) return Corrupt(i);
        padded = true;
        break;
      }
      if (table[c] < 0) return Corrupt(i);
      quantum = (quantum << 6) | static_cast<uint32_t>(table[c]);
      ++n;
      ++i;
    }
    if (n == 0) return out;
    if (n == 1) return Corrupt(start);
    if (n < 4) {
      if (!padded && padding_required) return Corrupt(start);
      quantum <<= 6 * (4 - n);
      out.push_back(static_cast<char>(quantum >> 16));
      if (n == 3) out.push_back(static_cast<char>((quantum >> 8) & 0xff));
      return out;
    }
    out.push_back(static_cast<char>(quantum >> 16));
    out.push_back(static_cast<char>((quantum >> 8) & 0xff));
    out.push_back(static_cast<char>(quantum & 0xff));
  }
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStdAlphabet, true); }

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, kUrlAlphabet, false);
}

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  return Decode(text, kStdTable, /*padding_required=*/true);
}

absl::StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrlTable, /*padding_required=*/false);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::string BigEndianToDecimal(std::string_view bytes) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                static_cast<int>(bytes.size()), nullptr),
      &BN_free);
  if (bn == nullptr) return "0";
  char* dec = BN_bn2dec(bn.get());
  if (dec == nullptr) return "0";
  std::string out(dec);
  OPENSSL_free(dec);
  return out;
}

}  // namespace verdict::crypto
