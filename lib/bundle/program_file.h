// File: lib/bundle/program_file.h
//
// The layout of a bundle's `program.vbc`: the compiled policy next to the
// sources it was compiled from.
//
//   offset  size  field
//        0     8  magic "VRDTBPRG"
//        8     4  layout version of this wrapper (kProgramFileVersion), LE
//       12    32  sources digest: SHA-256 over the bundle's modules (below)
//       44     -  vm::Serialize() output ("VRDTPROG", its own format version,
//                 checksum, sections; lib/vm/program.h)
//
// Sources digest: for every module in path order, the path, a NUL byte,
// the source length as 8 bytes little-endian, the source. A program whose
// digest differs from the bundle's modules was built from other sources
// (someone edited a .rego file and did not rebuild), so the engine
// compiles the sources instead and says so: the sources are the truth,
// the program only a cache of them. The bundle layer does not look inside
// the vm payload; lib/api deserializes and verifies it.
//
// Entry points: EncodeProgramFile, DecodeProgramFile, SourcesDigest,
// PeekProgramFormatVersion. Tested by tests/bundle/build_test.cc (ProgramFileTest).
#ifndef VERDICT_BUNDLE_PROGRAM_FILE_H_
#define VERDICT_BUNDLE_PROGRAM_FILE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/bundle.h"

namespace verdict::bundle {

inline constexpr uint32_t kProgramFileVersion = 1;

struct ProgramFile {
  std::string sources_digest;  // 32 raw bytes
  std::string_view program;    // the vm::Serialize() bytes (points into input)
};

// SourcesDigest()
//
// The 32-byte digest described above ([modules] in any order).
std::string SourcesDigest(std::span<const BundleModule> modules);

// EncodeProgramFile()
//
// The file's bytes for [program] (vm::Serialize output) built from sources
// with [sources_digest].
std::string EncodeProgramFile(std::string_view sources_digest, std::string_view program);

// DecodeProgramFile()
//
// Splits [bytes]; bundle_error for a wrong magic, an unknown wrapper
// version or a short file.
absl::StatusOr<ProgramFile> DecodeProgramFile(std::string_view bytes);

// PeekProgramFormatVersion()
//
// The format version in a vm::Serialize() header, or nullopt when
// [program] does not start with one.
std::optional<uint32_t> PeekProgramFormatVersion(std::string_view program);

}  // namespace verdict::bundle

#endif  // VERDICT_BUNDLE_PROGRAM_FILE_H_
