// File: tools/policyc/commands.h
//
// The policyc subcommands. Each lives in its own file (check.cc, ...) and
// has the same shape: it gets the arguments after its name and returns the
// process exit code. To add one, declare it here and add a line to
// kCommands in main.cc.
//
// Exit codes shared by every subcommand.
#ifndef VERDICT_TOOLS_POLICYC_COMMANDS_H_
#define VERDICT_TOOLS_POLICYC_COMMANDS_H_

#include <span>
#include <string_view>

namespace verdict::policyc {

inline constexpr int kExitOk = 0;        // success, nothing to report
inline constexpr int kExitProblems = 1;  // the inputs have problems (reported)
inline constexpr int kExitUsage = 2;     // bad command line or unreadable input

// The arguments after the subcommand's name.
using Args = std::span<const std::string_view>;

// policyc check FILE|DIR...: parse .rego files, report syntax errors.
int RunCheck(Args args);

// policyc eval -d PATH... -q QUERY [--input FILE | --input-jsonl FILE]:
// evaluate a query like `opa eval` (eval.cc).
int RunEval(Args args);

// policyc build PATH... [-o FILE] [--signing-key KEY ...]: a bundle .tar.gz
// with the compiled program (build.cc).
int RunBuild(Args args);

// policyc sign --signing-key KEY BUNDLE: write .signatures.json (sign.cc).
int RunSign(Args args);

// policyc inspect BUNDLE: manifest, packages, signature, program (inspect.cc).
int RunInspect(Args args);

// policyc test PATH... [-v] [--run REGEX]: run the test_* rules like
// `opa test` (test.cc).
int RunTest(Args args);

// policyc disasm PATH... [-q QUERY]: print the compiled bytecode with
// source locations (disasm.cc).
int RunDisasm(Args args);

// policyc builtins [--json] [NAME...]: every builtin's signature and flags
// (builtins.cc).
int RunBuiltins(Args args);

}  // namespace verdict::policyc

#endif  // VERDICT_TOOLS_POLICYC_COMMANDS_H_
