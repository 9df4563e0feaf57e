// File: lib/bundle/archive.h
//
// The container level of a bundle: the regular files of a .tar.gz or of a
// directory, as (path, bytes) pairs, with every check that does not need
// to understand the files: entry types (only regular files; directories are
// walked; symlinks, hard links, devices and FIFOs are errors), entry names
// (NormalizeBundlePath), duplicates, per-file and total sizes, the number
// of entries and the compression ratio (gzip bombs). Nothing is ever
// written to disk while reading, so names only need to be unambiguous.
// WriteArchive() is the inverse for `policyc build`.
//
// Entry points: ReadArchive, ReadDirectory, WriteArchive. Used by
// loader.cc; tested by tests/bundle/archive_test.cc.
#ifndef VERDICT_BUNDLE_ARCHIVE_H_
#define VERDICT_BUNDLE_ARCHIVE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/bundle.h"

namespace verdict::bundle {

// BundleLimits with every 0 replaced by its default from base/limits.h.
struct Limits {
  uint64_t max_file_bytes;
  uint64_t max_total_bytes;
  uint64_t max_compression_ratio;
  size_t max_entries;
};
Limits ResolveLimits(const BundleLimits& limits);

// NormalizeBundlePath()
//
// The bundle-relative form of an entry name: one leading "/" (opa build
// writes one) and "./" segments are dropped. Errors (bundle_error, naming
// [raw]): empty names, ".." segments, a second leading '/', empty
// segments, backslashes, NUL bytes, names over limits::kMaxBundlePathBytes.
// A trailing '/' is allowed only when [directory] is true.
absl::StatusOr<std::string> NormalizeBundlePath(std::string_view raw,
                                                bool directory = false);

// ReadArchive()
//
// The regular files of the gzip-compressed tar [targz], sorted by path.
// [name] prefixes error messages.
absl::StatusOr<std::vector<BundleFile>> ReadArchive(std::string_view targz,
                                                    std::string_view name,
                                                    const Limits& limits);

// ReadDirectory()
//
// The regular files under [dir], recursively, sorted by path (relative to
// [dir]). Symlinks and special files anywhere below are errors.
absl::StatusOr<std::vector<BundleFile>> ReadDirectory(const std::string& dir,
                                                      const Limits& limits);

// CheckFiles()
//
// Normalizes every path of [files] in place and rejects duplicates and
// oversized files; sorts by path. For files that did not come through
// ReadArchive/ReadDirectory.
absl::Status CheckFiles(std::vector<BundleFile>& files, const Limits& limits);

// WriteArchive()
//
// [files] as a .tar.gz: pax/ustar entries, mode 0644, mtime 0, owner 0,
// gzip without a timestamp, so equal input gives equal bytes.
absl::StatusOr<std::string> WriteArchive(std::span<const BundleFile> files);

// IsGzip()
//
// Whether [bytes] starts with the gzip magic number.
bool IsGzip(std::string_view bytes);

}  // namespace verdict::bundle

#endif  // VERDICT_BUNDLE_ARCHIVE_H_
