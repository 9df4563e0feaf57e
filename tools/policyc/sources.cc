// File: tools/policyc/sources.cc
//
// Source discovery, parsing and error printing shared by `policyc test` and
// `policyc disasm` (sources.h). File discovery mirrors Engine::LoadPath
// (lib/api/engine.cc) so that the modules a subcommand parses itself are
// the modules the engine compiles.
//
// Tested through the subcommands (tests/tools/policyc_tools_test.cc).
#include "sources.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "syntax/parse.h"

namespace verdict::policyc {
namespace {

namespace fs = std::filesystem;

// Length of a leading "file:line:col: " (or "file:line: ") in [message],
// or 0 when it has none.
size_t LocationPrefixLength(std::string_view message) {
  size_t colon = message.find(':');
  if (colon == 0 || colon == std::string_view::npos) return 0;
  size_t pos = colon;
  for (int numbers = 0; numbers < 2; ++numbers) {
    size_t digits = pos + 1;
    while (digits < message.size() &&
           std::isdigit(static_cast<unsigned char>(message[digits]))) {
      ++digits;
    }
    if (digits == pos + 1 || digits >= message.size() || message[digits] != ':') {
      break;
    }
    pos = digits;
  }
  if (pos == colon || message.compare(pos, 2, ": ") != 0) return 0;
  return pos + 2;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> RegoFilesUnder(std::string_view path_text) {
  fs::path root(path_text);
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_regular_file(root, ec)) {
    if (root.extension() == ".rego") files.push_back(root.string());
    return files;
  }
  if (!fs::is_directory(root, ec)) {
    return MakeError(ErrorCode::kIoError,
                     absl::StrCat("no such file or directory: ", Absl(path_text)));
  }
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && it->path().extension() == ".rego") {
      found.push_back(it->path());
    }
  }
  if (ec) {
    return MakeError(ErrorCode::kIoError,
                     absl::StrCat("cannot read ", Absl(root.string()), ": ",
                                  Absl(ec.message())));
  }
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) files.push_back(p.string());
  return files;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  return ReadFileToString(path);
}

absl::StatusOr<std::vector<syntax::Module>> ParseRegoPaths(
    std::span<const std::string> paths) {
  std::vector<syntax::Module> modules;
  for (const std::string& path : paths) {
    VERDICT_ASSIGN_OR_RETURN(std::vector<std::string> files, RegoFilesUnder(path));
    for (const std::string& file : files) {
      VERDICT_ASSIGN_OR_RETURN(std::string text, ReadTextFile(file));
      VERDICT_ASSIGN_OR_RETURN(syntax::Module module, syntax::ParseModule(text, file));
      modules.push_back(std::move(module));
    }
  }
  return modules;
}

std::string FormatStatus(const absl::Status& status) {
  std::string message(Std(status.message()));
  std::string tagged = absl::StrCat(Absl(ErrorCodeName(GetErrorCode(status))), ": ");
  size_t location = LocationPrefixLength(message);
  if (message.compare(location, tagged.size(), tagged) == 0) return message;
  return message.substr(0, location) + tagged + message.substr(location);
}

void PrintStatus(const absl::Status& status) {
  std::string text = FormatStatus(status);
  if (text.empty() || text.back() != '\n') text += '\n';
  std::fputs(text.c_str(), stderr);
}

}  // namespace verdict::policyc
