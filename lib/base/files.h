// File: lib/base/files.h
//
// ReadFileToString(): a whole file in one read into one allocation. Data
// documents can be hundreds of megabytes; reading through a stringstream
// copied them three times (the stream's buffer growing, then str()).
//
// Tested by tests/base/files_test.cc.
#ifndef VERDICT_BASE_FILES_H_
#define VERDICT_BASE_FILES_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace verdict {

// ReadFileToString()
//
// The bytes of the file at [path], in a string with at least [spare] bytes
// of capacity beyond them (value/json.h's ParseJsonInPlace() appends its
// padding there). Reads to the end even when the size on disk was wrong
// (a pipe, a growing file). io_error "cannot read PATH: REASON" when it
// cannot be opened or read.
absl::StatusOr<std::string> ReadFileToString(const std::string& path, size_t spare = 0);

}  // namespace verdict

#endif  // VERDICT_BASE_FILES_H_
