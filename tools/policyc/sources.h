// File: tools/policyc/sources.h
//
// Helpers shared by the subcommands that work on Rego sources (test,
// disasm): finding the .rego files under a path exactly as
// Engine::LoadPath does, parsing them, and printing a Status the way every
// subcommand prints errors (`file:line:col: code: message`).
//
//   absl::StatusOr<std::vector<syntax::Module>> modules = ParseRegoPaths(paths);
//   if (!modules.ok()) { PrintStatus(modules.status()); return kExitProblems; }
//
// Tested through the subcommands (tests/tools/policyc_tools_test.cc).
#ifndef VERDICT_TOOLS_POLICYC_SOURCES_H_
#define VERDICT_TOOLS_POLICYC_SOURCES_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "syntax/ast.h"

namespace verdict::policyc {

// RegoFilesUnder()
//
// The .rego files Engine::LoadPath([path]) loads: [path] itself when it is
// a regular file ending in .rego, otherwise every .rego file below the
// directory [path], recursively, in sorted order. An io_error when [path]
// does not exist or cannot be listed.
absl::StatusOr<std::vector<std::string>> RegoFilesUnder(std::string_view path);

// ReadTextFile()
//
// The bytes of [path], or an io_error naming it.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// ParseRegoPaths()
//
// Parses every .rego file under each of [paths] (RegoFilesUnder), in order.
// Reports the first file that fails (all of its problems, one per line).
absl::StatusOr<std::vector<syntax::Module>> ParseRegoPaths(
    std::span<const std::string> paths);

// FormatStatus()
//
// [status] as `file:line:col: code: message`: engine messages carry their
// location and code already; the code is added where it is missing.
std::string FormatStatus(const absl::Status& status);

// PrintStatus()
//
// FormatStatus() on standard error, ending with a newline.
void PrintStatus(const absl::Status& status);

}  // namespace verdict::policyc

#endif  // VERDICT_TOOLS_POLICYC_SOURCES_H_
