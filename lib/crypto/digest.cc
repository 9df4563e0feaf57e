// Digests, HMAC and constant-time comparison over OpenSSL's EVP interface.
//
// Tested by tests/crypto/digest_test.cc.
#include "crypto/digest.h"

#include "crypto/encoding.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace verdict::crypto {
namespace {

struct HashInfo {
  HashAlgorithm algorithm;
  std::string_view name;
};

constexpr HashInfo kHashes[] = {
    {HashAlgorithm::kMd5, "MD5"},
    {HashAlgorithm::kSha1, "SHA-1"},
    {HashAlgorithm::kSha224, "SHA-224"},
    {HashAlgorithm::kSha256, "SHA-256"},
    {HashAlgorithm::kSha384, "SHA-384"},
    {HashAlgorithm::kSha512, "SHA-512"},
    {HashAlgorithm::kSha512_224, "SHA-512-224"},
    {HashAlgorithm::kSha512_256, "SHA-512-256"},
    {HashAlgorithm::kSha3_224, "SHA3-224"},
    {HashAlgorithm::kSha3_256, "SHA3-256"},
    {HashAlgorithm::kSha3_384, "SHA3-384"},
    {HashAlgorithm::kSha3_512, "SHA3-512"},
};

}  // namespace

std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  for (const HashInfo& h : kHashes) {
    if (h.name == name) return h.algorithm;
  }
  return std::nullopt;
}

std::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  for (const HashInfo& h : kHashes) {
    if (h.algorithm == algorithm) return h.name;
  }
  return "";
}

const EVP_MD* HashMd(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kMd5: return EVP_md5();
    case HashAlgorithm::kSha1: return EVP_sha1();
    case HashAlgorithm::kSha224: return EVP_sha224();
    case HashAlgorithm::kSha256: return EVP_sha256();
    case HashAlgorithm::kSha384: return EVP_sha384();
    case HashAlgorithm::kSha512: return EVP_sha512();
    case HashAlgorithm::kSha512_224: return EVP_sha512_224();
    case HashAlgorithm::kSha512_256: return EVP_sha512_256();
    case HashAlgorithm::kSha3_224: return EVP_sha3_224();
    case HashAlgorithm::kSha3_256: return EVP_sha3_256();
    case HashAlgorithm::kSha3_384: return EVP_sha3_384();
    case HashAlgorithm::kSha3_512: return EVP_sha3_512();
  }
  return EVP_sha256();
}

std::string Digest(HashAlgorithm algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, HashMd(algorithm), nullptr) != 1) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string DigestHex(HashAlgorithm algorithm, std::string_view data) {
  return HexEncode(Digest(algorithm, data));
}

std::string Md5Hex(std::string_view data) { return DigestHex(HashAlgorithm::kMd5, data); }
std::string Sha1Hex(std::string_view data) { return DigestHex(HashAlgorithm::kSha1, data); }
std::string Sha256Hex(std::string_view data) { return DigestHex(HashAlgorithm::kSha256, data); }
std::string Sha384Hex(std::string_view data) { return DigestHex(HashAlgorithm::kSha384, data); }
std::string Sha512Hex(std::string_view data) { return DigestHex(HashAlgorithm::kSha512, data); }

std::string Hmac(HashAlgorithm algorithm, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // HMAC() wants a non-null key pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_data =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  static const unsigned char kNoData = 0;
  const unsigned char* in =
      data.empty() ? &kNoData : reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(HashMd(algorithm), key_data, static_cast<int>(key.size()), in, data.size(), out,
           &len) == nullptr) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Hasher::Hasher(HashAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()), ok_(ctx_ != nullptr) {
  if (ok_) ok_ = EVP_DigestInit_ex(ctx_, HashMd(algorithm), nullptr) == 1;
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

void Hasher::Update(std::string_view data) {
  if (ok_ && !data.empty()) ok_ = EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1;
}

std::string Hasher::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_, out, &len) != 1) return "";
  ok_ = false;
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace verdict::crypto
