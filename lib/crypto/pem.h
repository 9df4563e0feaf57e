// File: lib/crypto/pem.h
//
// PEM blocks (RFC 7468) the way Go's encoding/pem reads them, since OPA's
// builtins decide what to do from Go's results: text before a BEGIN line is
// skipped, a malformed candidate block is skipped, and what follows the END
// line is handed back so the caller can insist there is nothing more.
//
//   std::string_view rest;
//   std::optional<PemBlock> b = DecodePem(text, &rest);
//   if (b && b->type == "CERTIFICATE") ... DER in b->bytes ...
//
// Tested by tests/crypto/pem_test.cc.
#ifndef VERDICT_CRYPTO_PEM_H_
#define VERDICT_CRYPTO_PEM_H_

#include <optional>
#include <string>
#include <string_view>

namespace verdict::crypto {

struct PemBlock {
  std::string type;   // "CERTIFICATE", "PUBLIC KEY", ...
  std::string bytes;  // the decoded body (DER)
};

// DecodePem()
//
// The first well-formed block in [data]; [*rest] is the text after its END
// line. Without one, nullopt and [*rest] = [data] (as Go's pem.Decode).
// Header lines ("Proc-Type: ...") are skipped.
std::optional<PemBlock> DecodePem(std::string_view data, std::string_view* rest);

// EncodePem()
//
// A block with 64-column base64 lines and a trailing newline.
std::string EncodePem(std::string_view type, std::string_view bytes);

}  // namespace verdict::crypto

#endif  // VERDICT_CRYPTO_PEM_H_
