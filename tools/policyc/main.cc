// policyc: verdict's command-line tool for policy authors. This file only
// dispatches to the subcommands (one file each, see commands.h); run
// `policyc --help` for the list. Tested by tests/syntax/policyc_test.cc.
#include <cstdio>
#include <string_view>
#include <vector>

#include "commands.h"

namespace verdict::policyc {
namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(Args args);
};

// One line per subcommand.
constexpr Command kCommands[] = {
    {"check", "parse .rego files and report syntax errors", RunCheck},
    {"eval", "evaluate a query over policies and data", RunEval},
    {"build", "build a bundle (.tar.gz) with the compiled program", RunBuild},
    {"sign", "sign a bundle (.signatures.json)", RunSign},
    {"inspect", "show a bundle's manifest, packages, signature, program", RunInspect},
    {"test", "run the test_* rules of policies (like opa test)", RunTest},
    {"disasm", "print the compiled bytecode with source locations", RunDisasm},
    {"builtins", "list the builtin functions with signatures and flags", RunBuiltins},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: policyc <command> [arguments]\n"
               "\n"
               "commands:\n");
  for (const Command& c : kCommands) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()),
                 c.name.data(), static_cast<int>(c.summary.size()),
                 c.summary.data());
  }
  std::fprintf(out,
               "\n"
               "Run `policyc <command> --help` for a command's options.\n"
               "Exit status: 0 ok, 1 problems found, 2 usage error.\n");
}

int Main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string_view name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (c.name == name) return c.run(Args(args).subspan(1));
  }
  std::fprintf(stderr, "policyc: unknown command '%.*s'\n\n",
               static_cast<int>(name.size()), name.data());
  PrintUsage(stderr);
  return kExitUsage;
}

}  // namespace
}  // namespace verdict::policyc

int main(int argc, char** argv) { return verdict::policyc::Main(argc, argv); }
