// Every builtin the example workloads (../shared/workloads/*/*.rego) call
// must be implemented: scans the policies for calls and checks each name
// the registry knows.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

std::set<std::string> CalledNames() {
  std::set<std::string> names;
  std::filesystem::path root = std::filesystem::path(VERDICT_SHARED_DIR) / "workloads";
  if (!std::filesystem::exists(root)) return names;
  std::regex call(R"(([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\()");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".rego") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), call), end; it != end; ++it) {
      names.insert((*it)[1].str());
    }
  }
  return names;
}

TEST(WorkloadsTest, EveryCalledBuiltinIsImplemented) {
  std::set<std::string> names = CalledNames();
  if (names.empty()) GTEST_SKIP() << "no workloads at " << VERDICT_SHARED_DIR;
  int builtins = 0;
  for (const std::string& name : names) {
    const BuiltinInfo* info = FindBuiltin(name);
    if (info == nullptr) continue;  // a user function
    ++builtins;
    EXPECT_NE(info->fn, nullptr) << name;
    EXPECT_FALSE(info->flags & kUnsupported) << name;
  }
  EXPECT_GE(builtins, 20);
}

TEST(WorkloadsTest, CoreSetFromTheBrief) {
  for (std::string_view name :
       {"count", "sum", "max", "sort", "split", "trim", "concat", "sprintf", "startswith",
        "endswith", "lower", "upper", "format_int", "numbers.range", "to_number", "round",
        "ceil", "floor", "abs", "object.get", "object.union_n", "glob.match", "regex.match",
        "base64.decode", "json.unmarshal", "time.parse_rfc3339_ns", "time.weekday",
        "time.clock", "units.parse_bytes", "trim_suffix"}) {
    const BuiltinInfo* info = FindBuiltin(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_NE(info->fn, nullptr) << name;
  }
}

}  // namespace
}  // namespace verdict::builtins
