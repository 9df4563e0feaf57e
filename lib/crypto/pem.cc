// PEM decoding with Go's encoding/pem behaviour (see pem.h): a candidate
// starts at "-----BEGIN " at the start of the text or of a line, needs a
// "-----END <same type>-----" line with nothing but blanks after it, and a
// body that is valid base64 once blanks are removed. A candidate that fails
// any of these is skipped and the search goes on after its BEGIN line.
//
// Tested by tests/crypto/pem_test.cc.
#include "crypto/pem.h"

#include "absl/strings/match.h"
#include "base/strings.h"
#include "crypto/encoding.h"

namespace verdict::crypto {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

// One line of [text] without its line ending and without trailing blanks
// (' ', '\t', '\r'); [*next] is the text after the '\n'.
std::string_view GetLine(std::string_view text, std::string_view* next) {
  size_t nl = text.find('\n');
  std::string_view line = text;
  if (nl == std::string_view::npos) {
    *next = std::string_view();
  } else {
    line = text.substr(0, nl);
    *next = text.substr(nl + 1);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

}  // namespace

std::optional<PemBlock> DecodePem(std::string_view data, std::string_view* rest) {
  std::string_view cursor = data;
  while (true) {
    // Find the next BEGIN line.
    if (absl::StartsWith(Absl(cursor), Absl(kBegin))) {
      cursor.remove_prefix(kBegin.size());
    } else {
      size_t at = cursor.find("\n-----BEGIN ");
      if (at == std::string_view::npos) {
        *rest = data;
        return std::nullopt;
      }
      cursor.remove_prefix(at + 1 + kBegin.size());
    }
    std::string_view type_line = GetLine(cursor, &cursor);
    if (!absl::EndsWith(Absl(type_line), Absl(kDashes))) continue;
    std::string_view type = type_line.substr(0, type_line.size() - kDashes.size());

    // Headers: "Key: value" lines right after the BEGIN line.
    bool has_headers = false;
    bool truncated = false;
    while (true) {
      if (cursor.empty()) {
        truncated = true;
        break;
      }
      std::string_view next;
      std::string_view line = GetLine(cursor, &next);
      if (line.find(':') == std::string_view::npos) break;
      has_headers = true;
      cursor = next;
    }
    if (truncated) {
      *rest = data;
      return std::nullopt;
    }

    // The END line; with no headers it may follow at once.
    size_t end_index;
    size_t trailer_index;
    if (!has_headers && absl::StartsWith(Absl(cursor), Absl(kEnd))) {
      end_index = 0;
      trailer_index = kEnd.size();
    } else {
      end_index = cursor.find("\n-----END ");
      if (end_index == std::string_view::npos) continue;
      trailer_index = end_index + 1 + kEnd.size();
    }
    std::string_view trailer = cursor.substr(trailer_index);
    size_t trailer_len = type.size() + kDashes.size();
    if (trailer.size() < trailer_len) continue;
    std::string_view after_trailer = trailer.substr(trailer_len);
    trailer = trailer.substr(0, trailer_len);
    if (!absl::StartsWith(Absl(trailer), Absl(type)) ||
        !absl::EndsWith(Absl(trailer), Absl(kDashes))) {
      continue;
    }
    std::string_view after_end_line;
    if (!GetLine(after_trailer, &after_end_line).empty()) continue;

    std::string body;
    for (char c : cursor.substr(0, end_index)) {
      if (c != ' ' && c != '\t') body.push_back(c);
    }
    absl::StatusOr<std::string> der = Base64Decode(body);
    if (!der.ok()) continue;
    *rest = after_end_line;
    return PemBlock{std::string(type), *std::move(der)};
  }
}

std::string EncodePem(std::string_view type, std::string_view bytes) {
  std::string b64 = Base64Encode(bytes);
  std::string out;
  out.reserve(b64.size() + b64.size() / 64 + 2 * type.size() + 40);
  out.append(kBegin).append(type).append(kDashes).push_back('\n');
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out.push_back('\n');
  }
  out.append(kEnd).append(type).append(kDashes).push_back('\n');
  return out;
}

}  // namespace verdict::crypto
