// File: tools/policyc/test.cc
//
// `policyc test PATH... [-v] [--run REGEX] [--strict]`: runs Rego unit
// tests like `opa test`.
//
// Every PATH goes through Engine::LoadPath (.rego and data files,
// directories recursively), so tests see the bundle's data.json. A test is
// a rule whose name starts with `test_` (no arguments, plain name head);
// it passes when its value is defined and not `false`, fails otherwise,
// and is an error when evaluation fails (conflict, strict builtin error).
// Rules named `todo_test_*` are skipped. Tests are found by parsing the
// same files with lib/syntax, so each failure points at its rule:
//
//   bundles/abac/abac_test.rego:41: FAIL data.abac.test_x (undefined)
//   12 passed, 1 failed, 1 skipped
//
// Tests run in file order, then rule order. Tests run without input:
// supply one with `with input as {...}`, and the clock with
// `with time.now_ns as ...`.
//
// Exit status: 0 every test passed (skips allowed), 1 a test failed or
// errored, loading or compiling failed, or no test was found; 2 usage.
//
// Entry point: RunTest() (commands.h). Tested by
// tests/tools/policyc_tools_test.cc and the bundle tests
// (CTest bundle_test_abac, bundle_test_deploy, bundle_test_budget).
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "commands.h"
#include "re2/re2.h"
#include "sources.h"
#include "syntax/ast.h"
#include "syntax/parse.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace verdict::policyc {
namespace {

constexpr char kTestUsage[] =
    "usage: policyc test PATH... [-v] [--run REGEX] [--strict]\n"
    "\n"
    "Runs every rule named test_* in the policies under PATH (like `opa test`).\n"
    "A test passes when its value is defined and not false. Rules named\n"
    "todo_test_* are skipped. Data files under PATH (data.json, .yaml) are\n"
    "loaded as with `policyc eval -d PATH`; tests run without input (use\n"
    "`with input as ...`).\n"
    "\n"
    "  -v, --verbose      list every test with its result and time\n"
    "  -r, --run REGEX    run only tests whose full name (data.pkg.test_x)\n"
    "                     matches REGEX (RE2 syntax, unanchored)\n"
    "  --strict           built-in errors fail the test as errors instead of\n"
    "                     making the expression undefined\n"
    "  -h, --help         this text\n"
    "\n"
    "Output: one line per failed test, `file:line: FAIL data.pkg.test_x (why)`\n"
    "or `file:line: ERROR data.pkg.test_x: message`, then a summary\n"
    "`N passed, N failed[, N skipped]`.\n"
    "\n"
    "Exit status: 0 all tests passed, 1 a test failed, loading or compiling\n"
    "failed, or no test was found; 2 usage error.\n";

struct TestFlags {
  std::vector<std::string> paths;
  bool verbose = false;
  bool strict = false;
  std::optional<std::string> run;
};

// One test document. Rules defined more than once (several bodies under
// one name) are one document in the compiled program.
struct TestCase {
  std::string name;      // data.pkg.test_x
  std::string location;  // file:line of its first definition
  bool todo = false;
  int definitions = 1;
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "policyc test: %s\nrun 'policyc test --help' for usage\n",
               message.c_str());
  return kExitUsage;
}

// Returns true to go on; otherwise [*exit_code] says how to exit.
bool ParseTestFlags(Args args, TestFlags* flags, int* exit_code) {
  *exit_code = kExitUsage;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg(args[i]);
    if (arg == "-h" || arg == "--help") {
      std::fputs(kTestUsage, stdout);
      *exit_code = kExitOk;
      return false;
    } else if (arg == "-v" || arg == "--verbose") {
      flags->verbose = true;
    } else if (arg == "--strict") {
      flags->strict = true;
    } else if (arg == "-r" || arg == "--run") {
      if (i + 1 >= args.size()) {
        *exit_code = UsageError(arg + " needs a value");
        return false;
      }
      flags->run = std::string(args[++i]);
    } else if (arg.rfind("--run=", 0) == 0) {
      flags->run = arg.substr(6);
    } else if (arg.size() > 1 && arg[0] == '-') {
      *exit_code = UsageError("unknown option " + arg);
      return false;
    } else {
      flags->paths.push_back(arg);
    }
  }
  if (flags->paths.empty()) {
    *exit_code = UsageError("no PATH to test");
    return false;
  }
  return true;
}

// "data.a.b" for `package a.b`; keys that are not identifiers are written
// as ["key"] so that the result parses as a reference.
std::string PackageRef(const syntax::Package& package) {
  std::string ref = "data";
  for (size_t i = 1; i < package.path.size(); ++i) {
    const syntax::Term& part = package.path[i];
    if (part.kind == syntax::TermKind::kString && syntax::IsIdentifier(part.text) &&
        !syntax::IsKeyword(part.text)) {
      ref += "." + part.text;
    } else if (part.kind == syntax::TermKind::kString) {
      ref += "[" + ToJson(Value::String(part.text)) + "]";
    } else {
      ref += "[" + syntax::ToString(part) + "]";
    }
  }
  return ref;
}

// The tests of [modules] in file order, then rule order.
std::vector<TestCase> FindTests(const std::vector<syntax::Module>& modules) {
  std::vector<TestCase> tests;
  std::map<std::string, size_t> index;  // name -> position in tests
  for (const syntax::Module& module : modules) {
    std::string package = PackageRef(module.package);
    for (const syntax::Rule& rule : module.rules) {
      const syntax::Head& head = rule.head;
      // OPA's test runner only considers plain names: `test_x if ...`,
      // not functions or ref heads such as `test_x.y`.
      if (head.ref.size() != 1 || head.ref[0].kind != syntax::TermKind::kVar ||
          head.IsFunction()) {
        continue;
      }
      const std::string& name = head.ref[0].text;
      bool todo = name.rfind("todo_test_", 0) == 0;
      if (!todo && name.rfind("test_", 0) != 0) continue;
      std::string full = package + "." + name;
      auto [it, inserted] = index.emplace(full, tests.size());
      if (!inserted) {
        ++tests[it->second].definitions;
        continue;
      }
      TestCase test;
      test.name = std::move(full);
      test.location = std::string(rule.span.filename()) + ":" +
                      std::to_string(rule.span.line);
      test.todo = todo;
      tests.push_back(std::move(test));
    }
  }
  return tests;
}

// "0.042ms": tests are short, and a fixed unit keeps -v output aligned.
std::string FormatMillis(std::chrono::nanoseconds elapsed) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3fms",
                static_cast<double>(elapsed.count()) / 1e6);
  return buffer;
}

}  // namespace

int RunTest(Args args) {
  TestFlags flags;
  int exit_code = kExitUsage;
  if (!ParseTestFlags(args, &flags, &exit_code)) return exit_code;
  std::optional<RE2> filter;
  if (flags.run) {
    filter.emplace(*flags.run, RE2::Quiet);
    if (!filter->ok()) {
      return UsageError("bad --run pattern: " + filter->error());
    }
  }

  Engine engine;
  bool load_failed = false;
  for (const std::string& path : flags.paths) {
    if (absl::Status s = engine.LoadPath(path); !s.ok()) {
      PrintStatus(s);
      load_failed = true;  // report every path's errors, then stop
    }
  }
  if (load_failed) return kExitProblems;
  // The engine parsed these files already; parse them again to see the rules.
  absl::StatusOr<std::vector<syntax::Module>> modules = ParseRegoPaths(flags.paths);
  if (!modules.ok()) {
    PrintStatus(modules.status());
    return kExitProblems;
  }
  if (absl::Status s = engine.Compile(); !s.ok()) {
    PrintStatus(s);
    return kExitProblems;
  }

  EvalOptions options;
  options.strict_builtin_errors = flags.strict;
  // print() output of a test, shown under it when it fails (always with
  // --verbose), as opa test does.
  std::vector<std::string> printed;
  options.print = [&printed](std::string_view line) { printed.emplace_back(line); };
  auto show_printed = [&printed] {
    for (const std::string& line : printed) std::printf("  %s\n", line.c_str());
  };
  int passed = 0, failed = 0, skipped = 0;
  for (const TestCase& test : FindTests(*modules)) {
    if (filter && !RE2::PartialMatch(test.name, *filter)) continue;
    if (test.todo) {
      ++skipped;
      if (flags.verbose) {
        std::printf("%s: SKIP %s\n", test.location.c_str(), test.name.c_str());
      }
      continue;
    }
    if (test.definitions > 1) {
      std::fprintf(stderr,
                   "%s: warning: %s has %d definitions; they run as one rule, not as "
                   "separate tests (give each test a name of its own)\n",
                   test.location.c_str(), test.name.c_str(), test.definitions);
    }
    printed.clear();
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Decision> decision = engine.Evaluate(test.name, Value(), options);
    std::string elapsed = FormatMillis(std::chrono::steady_clock::now() - start);
    if (!decision.ok()) {
      ++failed;
      std::printf("%s: ERROR %s: %s\n", test.location.c_str(), test.name.c_str(),
                  FormatStatus(decision.status()).c_str());
      show_printed();
      continue;
    }
    const bool defined = decision->defined && decision->result.is_defined();
    const bool is_false = defined && decision->result.is_bool() && !decision->result.as_bool();
    if (defined && !is_false) {
      ++passed;
      if (flags.verbose) {
        std::printf("%s: PASS %s (%s)\n", test.location.c_str(), test.name.c_str(),
                    elapsed.c_str());
        show_printed();
      }
    } else {
      ++failed;
      std::printf("%s: FAIL %s (%s)", test.location.c_str(), test.name.c_str(),
                  defined ? "false" : "undefined");
      if (flags.verbose) std::printf(" (%s)", elapsed.c_str());
      std::printf("\n");
      show_printed();
    }
  }

  if (passed + failed + skipped == 0) {
    std::fprintf(stderr, "policyc test: no tests found%s\n",
                 flags.run ? " (matching --run)" : "");
    return kExitProblems;
  }
  std::printf("%d passed, %d failed", passed, failed);
  if (skipped > 0) std::printf(", %d skipped", skipped);
  std::printf("\n");
  if (std::fflush(stdout) != 0) return kExitProblems;
  return failed > 0 ? kExitProblems : kExitOk;
}

}  // namespace verdict::policyc
