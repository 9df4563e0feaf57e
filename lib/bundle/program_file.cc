// File: lib/bundle/program_file.cc
//
// program.vbc's wrapper (program_file.h): a magic, a version, the digest of
// the sources, then the serialized program untouched.
//
// Tested by tests/bundle/build_test.cc (ProgramFileTest).
#include "bundle/program_file.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "crypto/digest.h"

namespace verdict::bundle {
namespace {

constexpr char kMagic[8] = {'V', 'R', 'D', 'T', 'B', 'P', 'R', 'G'};
constexpr char kProgramMagic[8] = {'V', 'R', 'D', 'T', 'P', 'R', 'O', 'G'};
constexpr size_t kDigestBytes = 32;
constexpr size_t kHeaderBytes = sizeof kMagic + 4 + kDigestBytes;

void AppendLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t ReadLe32(std::string_view bytes) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

std::string SourcesDigest(std::span<const BundleModule> modules) {
  std::vector<const BundleModule*> sorted;
  for (const BundleModule& m : modules) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const BundleModule* a, const BundleModule* b) { return a->path < b->path; });
  crypto::Hasher hasher(crypto::HashAlgorithm::kSha256);
  for (const BundleModule* m : sorted) {
    std::string header = m->path;
    header.push_back('\0');
    AppendLe(&header, m->source.size(), 8);
    hasher.Update(header);
    hasher.Update(m->source);
  }
  return hasher.Finish();
}

std::string EncodeProgramFile(std::string_view sources_digest, std::string_view program) {
  std::string out(kMagic, sizeof kMagic);
  AppendLe(&out, kProgramFileVersion, 4);
  std::string digest(sources_digest.substr(0, kDigestBytes));
  digest.resize(kDigestBytes, '\0');
  out += digest;
  out.append(program);
  return out;
}

absl::StatusOr<ProgramFile> DecodeProgramFile(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(Absl(kBundleProgramFile),
                                  ": not a verdict program file (missing \"VRDTBPRG\" header)"));
  }
  uint32_t version = ReadLe32(bytes.substr(sizeof kMagic, 4));
  if (version != kProgramFileVersion) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(Absl(kBundleProgramFile), ": file layout version ", version,
                                  ", this library reads ", kProgramFileVersion));
  }
  ProgramFile file;
  file.sources_digest = std::string(bytes.substr(sizeof kMagic + 4, kDigestBytes));
  file.program = bytes.substr(kHeaderBytes);
  return file;
}

std::optional<uint32_t> PeekProgramFormatVersion(std::string_view program) {
  if (program.size() < 12 || std::memcmp(program.data(), kProgramMagic, 8) != 0) {
    return std::nullopt;
  }
  return ReadLe32(program.substr(8, 4));
}

}  // namespace verdict::bundle
