// File: lib/bundle/archive.cc
//
// Bundle containers: .tar.gz archives (zlib inflates, libarchive parses
// the tar stream it is fed), directories through std::filesystem, both
// reduced to a sorted list of BundleFile with the entry checks of
// archive.h. Sizes are counted while decompressing, not taken from
// headers, so a lying header cannot get a bomb past the limits; the gzip
// stream must end cleanly (CRC checked), so a truncated download is an
// error even when the cut falls after the last file.
//
// Tested by tests/bundle/archive_test.cc.
#include "bundle/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "value/json.h"

namespace verdict::bundle {
namespace {

namespace fs = std::filesystem;

absl::Status BundleError(std::string_view where, std::string_view what) {
  return MakeError(ErrorCode::kBundleError, absl::StrCat(Absl(where), ": ", Absl(what)));
}

// Sorts by path and rejects two files with the same one.
absl::Status SortAndCheckDuplicates(std::vector<BundleFile>& files, std::string_view where) {
  std::sort(files.begin(), files.end(),
            [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].path == files[i - 1].path) {
      return BundleError(where, absl::StrCat("duplicate entry ", Absl(files[i].path)));
    }
  }
  return absl::OkStatus();
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
struct WriteArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

std::string ArchiveMessage(struct archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown error";
}

// "a regular file" style names for error messages.
std::string_view TypeName(mode_t type) {
  switch (type) {
    case AE_IFLNK:
      return "symlink";
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "FIFO";
    case AE_IFSOCK:
      return "socket";
    default:
      return "non-regular entry";
  }
}

}  // namespace

Limits ResolveLimits(const BundleLimits& limits) {
  Limits out;
  out.max_file_bytes = limits.max_file_bytes ? limits.max_file_bytes : limits::kMaxBundleFileBytes;
  out.max_total_bytes =
      limits.max_total_bytes ? limits.max_total_bytes : limits::kMaxBundleTotalBytes;
  out.max_compression_ratio = limits.max_compression_ratio ? limits.max_compression_ratio
                                                           : limits::kMaxBundleCompressionRatio;
  out.max_entries = limits.max_entries ? limits.max_entries : limits::kMaxBundleEntries;
  return out;
}

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

absl::StatusOr<std::string> NormalizeBundlePath(std::string_view raw, bool directory) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat("bad entry name \"", Absl(raw), "\": ", Absl(why)));
  };
  if (raw.size() > limits::kMaxBundlePathBytes) return bad("name too long");
  if (raw.find('\0') != std::string_view::npos) return bad("NUL byte in name");
  if (raw.find('\\') != std::string_view::npos) return bad("backslash in name");
  std::string_view rest = raw;
  // opa build writes "/data.json"; one leading slash means the bundle root.
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '/') return bad("absolute path");
  }
  if (directory && !rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string out;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "..") return bad("path traversal (\"..\")");
    if (segment.empty()) {
      // Only a directory entry may name the root itself ("./", "/").
      if (!(directory && slash == std::string_view::npos && out.empty())) {
        return bad("empty path segment");
      }
    } else if (segment != ".") {
      if (!out.empty()) out += '/';
      out.append(segment);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (out.empty() && !directory) return bad("no file name");
  return out;
}

namespace {

// Inflates the gzip input for libarchive, which then only parses tar.
// Every decompressed byte passes through here, so the total and ratio
// limits count exactly what the archive expands to, and a truncated or
// corrupt gzip stream is always an error: libarchive's own gzip filter
// accepts an archive cut off after its last tar header.
class GzipSource {
 public:
  GzipSource(std::string_view in, uint64_t max_total, uint64_t ratio_cap,
             uint64_t ratio)
      : in_(in), max_total_(max_total), ratio_cap_(ratio_cap), ratio_(ratio) {}
  ~GzipSource() {
    if (initialized_) inflateEnd(&z_);
  }
  GzipSource(const GzipSource&) = delete;  // owns a z_stream
  GzipSource& operator=(const GzipSource&) = delete;

  // libarchive's read callback.
  static la_ssize_t Read(struct archive* a, void* self, const void** buffer) {
    auto* source = static_cast<GzipSource*>(self);
    la_ssize_t n = source->Inflate();
    if (n < 0) archive_set_error(a, EIO, "%s", source->error_.c_str());
    *buffer = source->out_.data();
    return n;
  }

  // After the last tar entry: the rest of the stream must inflate cleanly
  // to its end (tar padding, the gzip trailer with its CRC).
  bool Finish() {
    while (true) {
      la_ssize_t n = Inflate();
      if (n < 0) return false;
      if (n == 0) return true;
    }
  }

  const std::string& error() const { return error_; }

 private:
  // Up to out_.size() more bytes into out_; 0 at the end; -1 on error.
  la_ssize_t Inflate() {
    if (done_) return 0;
    if (!initialized_) {
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) return Fail("cannot start gzip");
      initialized_ = true;
    }
    z_.next_out = reinterpret_cast<Bytef*>(out_.data());
    z_.avail_out = static_cast<uInt>(out_.size());
    while (z_.avail_out == out_.size()) {
      if (z_.avail_in == 0 && pos_ < in_.size()) {
        size_t chunk = std::min<size_t>(in_.size() - pos_, size_t{1} << 30);
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data() + pos_));
        z_.avail_in = static_cast<uInt>(chunk);
        pos_ += chunk;
      }
      int r = inflate(&z_, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        // Another gzip member may follow (concatenated .gz files).
        std::string_view rest = in_.substr(pos_ - z_.avail_in);
        if (IsGzip(rest)) {
          inflateReset(&z_);
          continue;
        }
        if (rest.find_first_not_of('\0') != std::string_view::npos) {
          return Fail("trailing data after the gzip stream");
        }
        done_ = true;
        break;
      }
      if (r == Z_BUF_ERROR && z_.avail_in == 0 && pos_ >= in_.size()) {
        return Fail("archive read failed: unexpected end of gzip data (truncated archive)");
      }
      if (r != Z_OK && r != Z_BUF_ERROR) {
        return Fail(std::string("archive read failed: corrupt gzip data") +
                    (z_.msg != nullptr ? std::string(" (") + z_.msg + ")" : ""));
      }
    }
    size_t produced = out_.size() - z_.avail_out;
    total_ += produced;
    if (total_ > max_total_) {
      return Fail(absl::StrCat("uncompressed size exceeds the limit of ", max_total_, " bytes"));
    }
    if (total_ > ratio_cap_) {
      return Fail(absl::StrCat("expands more than ", ratio_, " times its compressed size (",
                               in_.size(), " bytes): refusing a gzip bomb"));
    }
    return static_cast<la_ssize_t>(produced);
  }

  la_ssize_t Fail(std::string message) {
    error_ = std::move(message);
    return -1;
  }

  std::string_view in_;
  size_t pos_ = 0;
  uint64_t max_total_, ratio_cap_, ratio_;
  uint64_t total_ = 0;
  z_stream z_;
  bool initialized_ = false;
  bool done_ = false;
  std::vector<char> out_ = std::vector<char>(64 << 10);
  std::string error_;
};

}  // namespace

absl::StatusOr<std::vector<BundleFile>> ReadArchive(std::string_view targz,
                                                    std::string_view name,
                                                    const Limits& limits) {
  if (!IsGzip(targz)) {
    return BundleError(name, "not a gzip-compressed tar archive");
  }
  // Past the floor, the archive may expand to at most ratio x its size.
  const uint64_t ratio_cap =
      std::max<uint64_t>(limits::kBundleRatioFloorBytes,
                         static_cast<uint64_t>(targz.size()) * limits.max_compression_ratio);
  GzipSource source(targz, limits.max_total_bytes, ratio_cap, limits.max_compression_ratio);
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  if (!a) return BundleError(name, "out of memory");
  archive_read_support_format_tar(a.get());
  auto failed = [&](std::string_view where) {
    std::string what = !source.error().empty()
                           ? source.error()
                           : absl::StrCat("archive read failed: ", ArchiveMessage(a.get()));
    return BundleError(name, where.empty() ? what : absl::StrCat(Absl(where), ": ", what));
  };
  if (archive_read_open(a.get(), &source, nullptr, &GzipSource::Read, nullptr) != ARCHIVE_OK) {
    return failed("");
  }
  std::vector<BundleFile> files;
  size_t entries = 0;
  struct archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return failed("");
    if (++entries > limits.max_entries) {
      return BundleError(name, absl::StrCat("more than ", limits.max_entries, " entries"));
    }
    const char* raw_name = archive_entry_pathname(entry);
    if (raw_name == nullptr) return BundleError(name, "entry without a name");
    mode_t type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) != nullptr) {
      return BundleError(name, absl::StrCat(raw_name, ": hard links are not allowed"));
    }
    if (type == AE_IFDIR) {
      VERDICT_RETURN_IF_ERROR(NormalizeBundlePath(raw_name, /*directory=*/true).status());
      continue;
    }
    if (type != AE_IFREG) {
      return BundleError(name, absl::StrCat(raw_name, ": ", Absl(TypeName(type)),
                                            " entries are not allowed (regular files only)"));
    }
    VERDICT_ASSIGN_OR_RETURN(std::string path, NormalizeBundlePath(raw_name));
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0 &&
        static_cast<uint64_t>(archive_entry_size(entry)) > limits.max_file_bytes) {
      return BundleError(name, absl::StrCat(path, ": size (", archive_entry_size(entry),
                                            " bytes) exceeds the limit of ",
                                            limits.max_file_bytes, " bytes"));
    }
    BundleFile file;
    file.path = std::move(path);
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
      // One allocation, with room for the JSON parser's padding (data
      // files are parsed in place). The header's size is only a claim:
      // never more than the archive can expand to.
      const uint64_t claimed = static_cast<uint64_t>(archive_entry_size(entry));
      file.content.reserve(static_cast<size_t>(std::min(claimed, ratio_cap)) +
                           value::kJsonPaddingBytes);
    }
    char buffer[64 << 10];
    while (true) {
      la_ssize_t n = archive_read_data(a.get(), buffer, sizeof buffer);
      if (n < 0) return failed(file.path);
      if (n == 0) break;
      if (file.content.size() + static_cast<size_t>(n) > limits.max_file_bytes) {
        return BundleError(name, absl::StrCat(file.path, ": size exceeds the limit of ",
                                              limits.max_file_bytes, " bytes"));
      }
      file.content.append(buffer, static_cast<size_t>(n));
    }
    files.push_back(std::move(file));
  }
  if (!source.Finish()) return failed("");
  VERDICT_RETURN_IF_ERROR(SortAndCheckDuplicates(files, name));
  return files;
}

absl::StatusOr<std::vector<BundleFile>> ReadDirectory(const std::string& dir,
                                                      const Limits& limits) {
  std::error_code ec;
  fs::file_status root = fs::status(dir, ec);
  if (ec || !fs::is_directory(root)) {
    return MakeError(ErrorCode::kIoError, absl::StrCat("not a directory: ", Absl(dir)));
  }
  std::vector<BundleFile> files;
  uint64_t total = 0;
  size_t entries = 0;
  // Explicit stack: a deep tree must not recurse on the C++ stack.
  std::vector<fs::path> pending = {fs::path(dir)};
  const fs::path base(dir);
  while (!pending.empty()) {
    fs::path current = std::move(pending.back());
    pending.pop_back();
    fs::directory_iterator it(current, ec);
    if (ec) {
      return MakeError(ErrorCode::kIoError,
                       absl::StrCat("cannot read directory ", Absl(current.string()), ": ",
                                    ec.message()));
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (++entries > limits.max_entries) {
        return BundleError(dir, absl::StrCat("more than ", limits.max_entries, " entries"));
      }
      const fs::path& p = it->path();
      std::string relative = p.lexically_relative(base).generic_string();
      fs::file_status st = it->symlink_status(ec);
      if (ec) {
        return MakeError(ErrorCode::kIoError,
                         absl::StrCat("cannot stat ", Absl(p.string()), ": ", ec.message()));
      }
      if (fs::is_symlink(st)) {
        return BundleError(dir, absl::StrCat(relative, ": symlinks are not allowed"));
      }
      if (fs::is_directory(st)) {
        pending.push_back(p);
        continue;
      }
      if (!fs::is_regular_file(st)) {
        return BundleError(dir, absl::StrCat(relative,
                                             ": special files are not allowed (regular files only)"));
      }
      VERDICT_ASSIGN_OR_RETURN(std::string path, NormalizeBundlePath(relative));
      uint64_t size = fs::file_size(p, ec);
      if (!ec && size > limits.max_file_bytes) {
        return BundleError(dir, absl::StrCat(path, ": size (", size, " bytes) exceeds the limit of ",
                                             limits.max_file_bytes, " bytes"));
      }
      std::ifstream in(p, std::ios::binary);
      if (!in) {
        return MakeError(ErrorCode::kIoError, absl::StrCat("cannot read ", Absl(p.string())));
      }
      BundleFile file;
      file.path = std::move(path);
      if (!ec) file.content.reserve(size + value::kJsonPaddingBytes);  // see ReadArchive
      // Read at most one byte past the limit: the file may have grown.
      char buffer[64 << 10];
      while (in) {
        in.read(buffer, sizeof buffer);
        size_t n = static_cast<size_t>(in.gcount());
        if (n == 0) break;
        total += n;
        if (file.content.size() + n > limits.max_file_bytes) {
          return BundleError(dir, absl::StrCat(file.path, ": size exceeds the limit of ",
                                               limits.max_file_bytes, " bytes"));
        }
        if (total > limits.max_total_bytes) {
          return BundleError(dir, absl::StrCat("total size exceeds the limit of ",
                                               limits.max_total_bytes, " bytes"));
        }
        file.content.append(buffer, n);
      }
      if (in.bad()) {
        return MakeError(ErrorCode::kIoError, absl::StrCat("error reading ", Absl(p.string())));
      }
      files.push_back(std::move(file));
    }
    if (ec) {
      return MakeError(ErrorCode::kIoError,
                       absl::StrCat("cannot read directory ", Absl(current.string()), ": ",
                                    ec.message()));
    }
  }
  VERDICT_RETURN_IF_ERROR(SortAndCheckDuplicates(files, dir));
  return files;
}

absl::Status CheckFiles(std::vector<BundleFile>& files, const Limits& limits) {
  if (files.size() > limits.max_entries) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat("bundle has more than ", limits.max_entries, " files"));
  }
  uint64_t total = 0;
  for (BundleFile& file : files) {
    VERDICT_ASSIGN_OR_RETURN(file.path, NormalizeBundlePath(file.path));
    if (file.content.size() > limits.max_file_bytes) {
      return MakeError(ErrorCode::kBundleError,
                       absl::StrCat(file.path, ": size (", file.content.size(),
                                    " bytes) exceeds the limit of ", limits.max_file_bytes,
                                    " bytes"));
    }
    total += file.content.size();
  }
  if (total > limits.max_total_bytes) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat("bundle size exceeds the limit of ", limits.max_total_bytes,
                                  " bytes"));
  }
  return SortAndCheckDuplicates(files, "bundle");
}

namespace {

la_ssize_t AppendToString(struct archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

}  // namespace

absl::StatusOr<std::string> WriteArchive(std::span<const BundleFile> files) {
  std::string out;
  std::unique_ptr<struct archive, WriteArchiveDeleter> a(archive_write_new());
  if (!a) return MakeError(ErrorCode::kIoError, "out of memory");
  auto failed = [&](std::string_view what) {
    return MakeError(ErrorCode::kIoError,
                     absl::StrCat("writing archive: ", Absl(what), ": ", ArchiveMessage(a.get())));
  };
  if (archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK) return failed("gzip");
  // No timestamp in the gzip header: the same files give the same bytes.
  archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK) return failed("format");
  // libarchive pads its output to 10 KiB blocks by default: zeros after
  // the gzip stream, which some readers reject.
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open(a.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return failed("open");
  }
  for (const BundleFile& file : files) {
    VERDICT_ASSIGN_OR_RETURN(std::string path, NormalizeBundlePath(file.path));
    std::unique_ptr<struct archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.content.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), 0, 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return failed(path);
    size_t written = 0;
    while (written < file.content.size()) {
      la_ssize_t n = archive_write_data(a.get(), file.content.data() + written,
                                        file.content.size() - written);
      if (n <= 0) return failed(path);
      written += static_cast<size_t>(n);
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return failed("close");
  return out;
}

}  // namespace verdict::bundle
