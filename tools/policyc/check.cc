// `policyc check FILE|DIR...`: parses every .rego file named, or found
// under a named directory (recursively, in sorted order), and prints each
// problem as `file:line:col: rego_parse_error: message`. Prints nothing and
// exits 0 when every file parses; exits 1 when any does not, 2 on usage
// errors or unreadable paths. Tested by tests/syntax/policyc_test.cc.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "base/files.h"
#include "commands.h"
#include "syntax/parse.h"
#include "syntax/source.h"

namespace verdict::policyc {
namespace {

namespace fs = std::filesystem;

constexpr char kCheckUsage[] =
    "usage: policyc check FILE|DIR...\n"
    "\n"
    "Parses Rego files and reports syntax errors, one per line:\n"
    "  file:line:col: rego_parse_error: message\n"
    "Directories are searched recursively for *.rego files, in sorted order.\n"
    "Exit status: 0 all files parse, 1 problems found, 2 usage error or\n"
    "unreadable path.\n";

bool ReadFile(const fs::path& path, std::string& out) {
  absl::StatusOr<std::string> text = ReadFileToString(path.string());
  if (!text.ok()) return false;
  out = *std::move(text);
  return true;
}

// The .rego files under [dir], sorted; false (after printing) on errors.
bool CollectRegoFiles(const fs::path& dir, std::vector<fs::path>& out) {
  std::error_code ec;
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".rego") {
      found.push_back(it->path());
    }
  }
  if (ec) {
    std::fprintf(stderr, "policyc check: cannot read %s: %s\n",
                 dir.string().c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

}  // namespace

int RunCheck(Args args) {
  std::vector<fs::path> files;
  std::vector<std::string_view> paths;
  for (std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(kCheckUsage, stdout);
      return kExitOk;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "policyc check: unknown option '%.*s'\n\n%s",
                   static_cast<int>(arg.size()), arg.data(), kCheckUsage);
      return kExitUsage;
    }
    paths.push_back(arg);
  }
  if (paths.empty()) {
    std::fputs(kCheckUsage, stderr);
    return kExitUsage;
  }
  for (std::string_view arg : paths) {
    fs::path path(arg);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      if (!CollectRegoFiles(path, files)) return kExitUsage;
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "policyc check: %s: no such file or directory\n",
                   path.string().c_str());
      return kExitUsage;
    }
  }

  bool problems = false;
  for (const fs::path& path : files) {
    std::string text;
    if (!ReadFile(path, text)) {
      std::fprintf(stderr, "policyc check: cannot read %s\n", path.string().c_str());
      return kExitUsage;
    }
    syntax::Diagnostics diagnostics;
    syntax::ParseModule(syntax::SourceFile::Make(path.string(), std::move(text)),
                        diagnostics);
    for (const syntax::Diagnostic& d : diagnostics) {
      std::printf("%s\n", d.ToString().c_str());
      problems = true;
    }
  }
  return problems ? kExitProblems : kExitOk;
}

}  // namespace verdict::policyc
