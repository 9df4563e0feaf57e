// File: lib/crypto/digest.h
//
// Message digests and HMACs over OpenSSL, for the crypto.* builtins, JWS
// (HS256 ...) and bundle file hashes (.signatures.json names its hash with
// OPA's strings: "SHA-256", "MD5", "SHA3-512" ...).
//
//   std::string hex = crypto::Sha256Hex("abc");   // "ba7816bf..."
//   crypto::Hasher h(crypto::HashAlgorithm::kSha256);
//   h.Update(chunk1); h.Update(chunk2);
//   std::string digest = h.Finish();              // 32 raw bytes
//
// Digests cannot fail for the algorithms listed here except when OpenSSL
// itself refuses one (a FIPS-only provider refusing MD5); the functions then
// return an empty string, which never equals a real digest.
//
// Tested by tests/crypto/digest_test.cc.
#ifndef VERDICT_CRYPTO_DIGEST_H_
#define VERDICT_CRYPTO_DIGEST_H_

#include <optional>
#include <string>
#include <string_view>

#include "openssl/types.h"

namespace verdict::crypto {

enum class HashAlgorithm {
  kMd5,
  kSha1,
  kSha224,
  kSha256,
  kSha384,
  kSha512,
  kSha512_224,
  kSha512_256,
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
};

// ParseHashAlgorithm()
//
// OPA's names (bundle signatures' "algorithm" field): "MD5", "SHA-1",
// "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512-224", "SHA-512-256",
// "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512". nullopt for anything else.
std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view name);

// HashAlgorithmName(): the inverse of ParseHashAlgorithm().
std::string_view HashAlgorithmName(HashAlgorithm algorithm);

// The OpenSSL digest behind [algorithm] (never null).
const EVP_MD* HashMd(HashAlgorithm algorithm);

// Digest() / DigestHex()
//
// The digest of [data] as raw bytes / lowercase hex.
std::string Digest(HashAlgorithm algorithm, std::string_view data);
std::string DigestHex(HashAlgorithm algorithm, std::string_view data);

// Shorthands for DigestHex().
std::string Md5Hex(std::string_view data);
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string Sha384Hex(std::string_view data);
std::string Sha512Hex(std::string_view data);

// Hmac()
//
// HMAC of [data] under [key] (any length, empty included), raw bytes.
std::string Hmac(HashAlgorithm algorithm, std::string_view key, std::string_view data);

// ConstantTimeEquals()
//
// [a] == [b] in time that depends only on the lengths (Go's hmac.Equal).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Hasher: an incremental digest, for data that arrives in pieces (bundle
// files read from an archive).
class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;  // owns an EVP_MD_CTX
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::string_view data);
  // The digest (raw bytes) of everything passed to Update(). Call once.
  std::string Finish();

 private:
  EVP_MD_CTX* ctx_;
  bool ok_;
};

}  // namespace verdict::crypto

#endif  // VERDICT_CRYPTO_DIGEST_H_
