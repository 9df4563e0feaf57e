// File: tools/policyc/disasm.cc
//
// `policyc disasm PATH... [-q QUERY]`: compiles the .rego files under each
// PATH and prints the bytecode listing of lib/vm/disasm.h, one instruction
// per line with the file:line:col it came from:
//
//   function 3 data.authz.allow  params 0  registers 4  accumulators 1
//     entry point data.authz.allow
//        12  AccInit acc0 value                          ; authz.rego:4:1
//
// Without -q every function of the program is listed. With -q QUERY only
// the query's function and the functions it reaches (calls, rule
// references, `with` replacements) are listed: a rule reference such as
// data.authz.allow selects that rule's compiled function; any other query
// is compiled as a function named "query".
//
// The compiler is called directly (lib/compile), as the Engine would: the
// listing is the program the Engine runs. Data files are not read: data
// does not change the code.
//
// Exit status: 0 listing printed, 1 parse or compile error, 2 usage.
//
// Entry point: RunDisasm() (commands.h). Tested by
// tests/tools/policyc_tools_test.cc.
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "commands.h"
#include "compile/compiler.h"
#include "sources.h"
#include "syntax/parse.h"
#include "vm/disasm.h"
#include "vm/opcode.h"
#include "vm/program.h"

namespace verdict::policyc {
namespace {

constexpr char kDisasmUsage[] =
    "usage: policyc disasm PATH... [-q QUERY]\n"
    "\n"
    "Compiles the .rego files under PATH (files or directories, searched\n"
    "recursively) and prints the bytecode: every function with its\n"
    "instructions, one per line, each with the file:line:col it came from.\n"
    "\n"
    "  -q, --query QUERY  list only QUERY's code: a rule reference such as\n"
    "                     data.authz.allow selects that rule's function, any\n"
    "                     other query is compiled as a function named \"query\";\n"
    "                     the functions it reaches are listed after it\n"
    "  -h, --help         this text\n"
    "\n"
    "The instruction set is documented in lib/vm/opcodes.def.\n"
    "Exit status: 0 listing printed, 1 parse or compile error, 2 usage error.\n";

constexpr char kQueryFunction[] = "query";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "policyc disasm: %s\nrun 'policyc disasm --help' for usage\n",
               message.c_str());
  return kExitUsage;
}

// The functions reachable from [root]: those named by a function operand
// (calls, and the replacements of `with f as g`), transitively. Listed root
// first, then in program order.
std::vector<uint32_t> ReachableFunctions(const vm::Program& p, uint32_t root) {
  std::set<uint32_t> seen = {root};
  std::vector<uint32_t> work = {root};
  auto add = [&](uint32_t f) {
    if (f < p.functions.size() && seen.insert(f).second) work.push_back(f);
  };
  while (!work.empty()) {
    const vm::Function& f = p.functions[work.back()];
    work.pop_back();
    for (uint32_t pc = f.entry_pc; pc < f.end_pc && pc < p.code.size(); ++pc) {
      const vm::Instr& in = p.code[pc];
      if (!vm::IsValidOp(static_cast<uint8_t>(in.op))) continue;
      const vm::OpInfo& info = vm::GetOpInfo(in.op);
      const std::pair<vm::OperandKind, uint32_t> fields[] = {
          {info.a, in.a}, {info.b, in.b}, {info.c, in.c}};
      for (const auto& [kind, value] : fields) {
        if (kind == vm::OperandKind::kFunc) add(value);
      }
    }
  }
  std::vector<uint32_t> order = {root};
  for (uint32_t f : seen) {
    if (f != root) order.push_back(f);
  }
  return order;
}

// Disassemble()'s listing cut into one chunk per function: each chunk
// starts at a line beginning with "function " (vm/disasm.h).
std::vector<std::string> SplitByFunction(const std::string& listing) {
  std::vector<std::string> chunks;
  size_t pos = 0;
  while (pos < listing.size()) {
    size_t eol = listing.find('\n', pos);
    size_t next = eol == std::string::npos ? listing.size() : eol + 1;
    std::string_view line(listing.data() + pos, next - pos);
    if (line.rfind("function ", 0) == 0 || chunks.empty()) chunks.emplace_back();
    chunks.back().append(line);
    pos = next;
  }
  return chunks;
}

}  // namespace

int RunDisasm(Args args) {
  std::vector<std::string> paths;
  std::optional<std::string> query;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg(args[i]);
    if (arg == "-h" || arg == "--help") {
      std::fputs(kDisasmUsage, stdout);
      return kExitOk;
    } else if (arg == "-q" || arg == "--query") {
      if (i + 1 >= args.size()) return UsageError(arg + " needs a value");
      query = std::string(args[++i]);
    } else if (arg.rfind("--query=", 0) == 0) {
      query = arg.substr(8);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return UsageError("unknown option " + arg);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) return UsageError("no PATH to compile");

  absl::StatusOr<std::vector<syntax::Module>> modules = ParseRegoPaths(paths);
  if (!modules.ok()) {
    PrintStatus(modules.status());
    return kExitProblems;
  }
  std::vector<compile::QuerySpec> queries;
  if (query) {
    absl::StatusOr<syntax::Body> body = syntax::ParseQuery(*query);
    if (!body.ok()) {
      PrintStatus(body.status());
      return kExitProblems;
    }
    bool value_query = compile::IsValueQuery(*body);
    queries.push_back({kQueryFunction, *std::move(body), value_query});
  }
  absl::StatusOr<vm::Program> program = compile::Compile(*modules, queries);
  if (!program.ok()) {
    PrintStatus(program.status());
    return kExitProblems;
  }

  std::string listing = vm::Disassemble(*program);
  if (!query) {
    std::fputs(listing.c_str(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitProblems;
  }
  // A rule the program already has is shown as compiled for the Engine
  // (which evaluates it directly, see Engine::Prepare); otherwise the query.
  const vm::EntryPoint* entry = program->FindEntryPoint(*query);
  if (entry == nullptr) entry = program->FindEntryPoint(kQueryFunction);
  if (entry == nullptr || entry->function >= program->functions.size()) {
    std::fprintf(stderr, "policyc disasm: the compiler produced no function for %s\n",
                 query->c_str());
    return kExitProblems;
  }
  std::vector<std::string> chunks = SplitByFunction(listing);
  if (chunks.size() != program->functions.size()) {
    // Not the shape vm/disasm.h documents: show everything rather than guess.
    std::fputs(listing.c_str(), stdout);
  } else {
    for (uint32_t f : ReachableFunctions(*program, entry->function)) {
      std::fputs(chunks[f].c_str(), stdout);
    }
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitProblems;
}

}  // namespace verdict::policyc
