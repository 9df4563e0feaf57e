// File: lib/base/files.cc
//
// ReadFileToString (files.h): stdio, sized by fstat.
#include "base/files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"

namespace verdict {

absl::StatusOr<std::string> ReadFileToString(const std::string& path, size_t spare) {
  auto error = [&path](int err) {
    return MakeError(ErrorCode::kIoError,
                     absl::StrCat("cannot read ", path, ": ", std::strerror(err)));
  };
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return error(errno);
  struct stat st;
  if (fstat(fileno(file.get()), &st) != 0) return error(errno);
  if (S_ISDIR(st.st_mode)) return error(EISDIR);
  std::string text;
  size_t expected = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
  text.reserve(expected + spare);
  // Read into the reserved capacity; past it (the file grew, or a pipe)
  // the string grows as usual.
  for (size_t chunk = expected > 0 ? expected : 64 << 10;;) {
    const size_t at = text.size();
    text.resize(at + chunk);
    const size_t n = std::fread(text.data() + at, 1, chunk, file.get());
    text.resize(at + n);
    if (n < chunk) break;
    chunk = 64 << 10;
  }
  if (std::ferror(file.get())) return error(EIO);
  if (text.capacity() < text.size() + spare) text.reserve(text.size() + spare);
  return text;
}

}  // namespace verdict
