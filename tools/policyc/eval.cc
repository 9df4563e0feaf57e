// File: tools/policyc/eval.cc
//
// `policyc eval`: evaluate a query over policies and data, like
// `opa eval -d PATH`.
//
//   policyc eval [-d PATH]... [-b BUNDLE]... -q QUERY
//                [--input FILE | --input-jsonl FILE] [--format json|pretty] [--strict]
//                [--explain]
//
// -b bundles (directories or .tar.gz, read with ReadBundle and activated
// together with Engine::ActivateBundles) join the -d paths.
//
// Every -d path goes through Engine::LoadPath (.rego files and data.json /
// .yaml files, directories searched recursively), then Compile() and
// Prepare(QUERY). Output:
//   --input FILE (or no input)  one `{"result":VALUE}`, or `{}` when the
//                               query is undefined
//   --input-jsonl FILE          one line per input line: `{"result":VALUE}`,
//                               `{}`, or `{"error":{"code":..,"message":..}}`;
//                               FILE `-` reads standard input
//   --explain                   after a single result, one line per rule
//                               definition that produced it
//                               (`data.p.q  file.rego:3:1`); with
//                               --input-jsonl an "explanation" array of
//                               {"rule","location"} objects on each line
// Load, compile and (single input) evaluation errors go to stderr as
// `file:line:col: code: message` and exit 1; usage errors exit 2. Errors on
// individual JSONL lines are output, not failures: the exit status stays 0.
//
// The JSONL loop is the engine's hot path: one PreparedQuery, EvaluateJson
// per line into a reused buffer.
//
// Entry point: RunEval() (commands.h), registered in main.cc's dispatch
// table. Tested by the workload tests (tests/workloads/check_workload.py,
// CTest workload_abac, workload_deploy, workload_budget).
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/error_code.h"
#include "base/files.h"
#include "base/strings.h"
#include "bundle_flags.h"
#include "commands.h"
#include "sources.h"
#include "verdict/bundle.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace verdict::policyc {
namespace {

constexpr char kEvalUsage[] =
    "usage: policyc eval [-d PATH]... [-b BUNDLE]... -q QUERY\n"
    "                    [--input FILE | --input-jsonl FILE]\n"
    "                    [--format json|pretty] [--strict] [--explain]\n"
    "\n"
    "Evaluates QUERY (a reference such as data.authz.allow, or a query body\n"
    "whose variables become bindings) over the policies and data under PATH.\n"
    "\n"
    "  -b, --bundle PATH       bundle directory or .tar.gz (docs/bundles.md);\n"
    "                          repeatable, roots must not overlap; signed\n"
    "                          bundles need --verification-key or --skip-verify\n"
    "  --verification-key KEY, --verification-key-id ID, --verification-alg ALG,\n"
    "  --scope S, --exclude-files GLOB, --skip-verify: see policyc inspect --help\n"
    "  -d, --data PATH         .rego file, data file (.json/.yaml/.yml) or\n"
    "                          directory searched recursively; repeatable\n"
    "  -q, --query QUERY       the query (may also be given as the last argument)\n"
    "  -i, --input FILE        JSON input document\n"
    "  --input-jsonl FILE      one JSON input per line ('-' = stdin); prints one\n"
    "                          line per input: {\"result\":V}, {} when undefined,\n"
    "                          or {\"error\":{\"code\":C,\"message\":M}}\n"
    "  -f, --format FORMAT     json (default, compact) or pretty\n"
    "  --strict                built-in errors fail the query instead of making\n"
    "                          the expression undefined\n"
    "  --explain               after the result, print the rule definitions\n"
    "                          that produced it, one per line in evaluation\n"
    "                          order: RULE  FILE:LINE:COL (with --input-jsonl:\n"
    "                          an \"explanation\" array of {\"rule\",\"location\"}\n"
    "                          on each line)\n"
    "  -h, --help              this text\n"
    "\n"
    "Exit status: 0 on success (also when JSONL lines fail), 1 on load,\n"
    "compile or evaluation errors, 2 on usage errors.\n";

struct EvalFlags {
  std::vector<std::string> data_paths;
  std::vector<std::string> bundle_paths;
  VerificationFlags verification;
  std::optional<std::string> query;
  std::optional<std::string> input_file;
  std::optional<std::string> input_jsonl;
  bool pretty = false;
  bool strict = false;
  bool explain = false;
};

int UsageError(const std::string& message) {
  std::cerr << "policyc eval: " << message << "\n"
            << "run 'policyc eval --help' for usage\n";
  return kExitUsage;
}

void PrintError(const absl::Status& status) { PrintStatus(status); }

std::optional<std::string> ReadFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return std::nullopt;
  return *std::move(text);
}

// Returns true to go on; otherwise [*exit_code] says how to exit.
bool ParseEvalFlags(Args args, EvalFlags* flags, int* exit_code) {
  *exit_code = kExitUsage;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg(args[i]);
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return std::string(args[++i]);
    };
    auto need = [&](std::optional<std::string>* out) {
      std::optional<std::string> v = value();
      if (!v) {
        *exit_code = UsageError(arg + " needs a value");
        return false;
      }
      *out = std::move(v);
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      std::cout << kEvalUsage;
      *exit_code = kExitOk;
      return false;
    } else if (arg == "-d" || arg == "--data") {
      std::optional<std::string> path;
      if (!need(&path)) return false;
      flags->data_paths.push_back(*path);
    } else if (arg == "-b" || arg == "--bundle") {
      std::optional<std::string> path;
      if (!need(&path)) return false;
      flags->bundle_paths.push_back(*path);
    } else if (arg == "--skip-verify") {
      flags->verification.skip = true;
    } else if (arg == "--verification-key" || arg == "--verification-key-id" ||
               arg == "--verification-alg" || arg == "--scope" || arg == "--exclude-files") {
      std::optional<std::string> v;
      if (!need(&v)) return false;
      VerificationFlags& vf = flags->verification;
      if (arg == "--verification-key") vf.key = *v;
      if (arg == "--verification-key-id") vf.key_id = *v;
      if (arg == "--verification-alg") vf.algorithm = *v;
      if (arg == "--scope") vf.scope = *v;
      if (arg == "--exclude-files") vf.exclude.push_back(*v);
    } else if (arg == "-q" || arg == "--query") {
      if (!need(&flags->query)) return false;
    } else if (arg == "-i" || arg == "--input") {
      if (!need(&flags->input_file)) return false;
    } else if (arg == "--input-jsonl") {
      if (!need(&flags->input_jsonl)) return false;
    } else if (arg == "-f" || arg == "--format") {
      std::optional<std::string> format;
      if (!need(&format)) return false;
      if (*format == "pretty") {
        flags->pretty = true;
      } else if (*format == "json") {
        flags->pretty = false;
      } else {
        *exit_code = UsageError("unknown format " + *format + " (json or pretty)");
        return false;
      }
    } else if (arg == "--strict") {
      flags->strict = true;
    } else if (arg == "--explain") {
      flags->explain = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      *exit_code = UsageError("unknown option " + arg);
      return false;
    } else {
      positional.push_back(arg);
    }
  }
  if (!positional.empty()) {
    if (flags->query || positional.size() > 1) {
      *exit_code = UsageError("unexpected argument " + positional.back());
      return false;
    }
    flags->query = positional[0];
  }
  if (!flags->query) {
    *exit_code = UsageError("no query (-q QUERY)");
    return false;
  }
  if (flags->input_file && flags->input_jsonl) {
    *exit_code = UsageError("--input and --input-jsonl exclude each other");
    return false;
  }
  if (flags->pretty && flags->input_jsonl) {
    *exit_code = UsageError("--format pretty prints several lines per result; "
                            "it cannot be used with --input-jsonl");
    return false;
  }
  return true;
}

// One input (or none): prints {"result":...} or {}.
int EvalSingle(const PreparedQuery& query, const EvalFlags& flags,
               const EvalOptions& options) {
  Value input;
  if (flags.input_file) {
    std::optional<std::string> text = ReadFile(*flags.input_file);
    if (!text) {
      PrintError(MakeError(ErrorCode::kIoError, "cannot read " + *flags.input_file));
      return kExitProblems;
    }
    absl::StatusOr<Value> parsed = ParseJson(*text);
    if (!parsed.ok()) {
      std::cerr << *flags.input_file << ": ";
      PrintError(parsed.status());
      return kExitProblems;
    }
    input = *std::move(parsed);
  }
  absl::StatusOr<Decision> decision = query.Evaluate(input, options);
  if (!decision.ok()) {
    PrintError(decision.status());
    return kExitProblems;
  }
  if (!decision->defined || decision->result.is_undefined()) {
    std::cout << "{}\n";
  } else if (flags.pretty) {
    ObjectBuilder out;
    out.Add(Value::String("result"), decision->result);
    std::cout << ToPrettyJson(out.Build()) << "\n";
  } else {
    std::string out = "{\"result\":";
    AppendJson(&out, decision->result);
    out += "}\n";
    std::cout << out;
  }
  for (const ExplainedRule& rule : decision->explanation) {
    std::cout << rule.rule << "  " << rule.location << "\n";
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitProblems;
}

// A JSONL line with --explain: Evaluate() (EvaluateJson has no
// explanation), the result written as JSON into [*result].
absl::Status EvaluateExplained(const PreparedQuery& query, const std::string& line,
                               const EvalOptions& options, std::string* result,
                               bool* defined, std::vector<ExplainedRule>* explanation) {
  Value input;
  if (!line.empty()) {
    absl::StatusOr<Value> parsed = ParseJson(line);
    if (!parsed.ok()) return parsed.status();
    input = *std::move(parsed);
  }
  absl::StatusOr<Decision> decision = query.Evaluate(input, options);
  if (!decision.ok()) return decision.status();
  result->clear();
  *defined = decision->defined && !decision->result.is_undefined();
  if (*defined) AppendJson(result, decision->result);
  *explanation = std::move(decision->explanation);
  return absl::OkStatus();
}

// One output line per input line; the hot path.
int EvalJsonl(const PreparedQuery& query, const EvalFlags& flags,
              const EvalOptions& options) {
  const bool from_stdin = *flags.input_jsonl == "-";
  std::ifstream file;
  if (!from_stdin) {
    file.open(*flags.input_jsonl, std::ios::binary);
    if (!file) {
      PrintError(MakeError(ErrorCode::kIoError, "cannot read " + *flags.input_jsonl));
      return kExitProblems;
    }
  }
  std::istream& in = from_stdin ? std::cin : file;
  // Interactive use (a pipe feeding one line at a time) needs each answer
  // as soon as it is ready; files are written in large blocks.
  constexpr size_t kFlushBytes = 1 << 16;
  std::string line, result, out;
  out.reserve(kFlushBytes + 4096);
  auto flush = [&]() {
    if (!out.empty()) std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool defined = false;
    std::vector<ExplainedRule> explanation;
    absl::Status s = options.explain
                         ? EvaluateExplained(query, line, options, &result, &defined, &explanation)
                         : query.EvaluateJson(line, &result, &defined, options);
    if (!s.ok()) {
      out += "{\"error\":{\"code\":";
      AppendJson(&out, Value::String(ErrorCodeName(GetErrorCode(s))));
      out += ",\"message\":";
      AppendJson(&out, Value::String(Std(s.message())));
      out += "}}\n";
    } else if (!options.explain) {
      if (defined) {
        out += "{\"result\":";
        out += result;
        out += "}\n";
      } else {
        out += "{}\n";
      }
    } else {
      if (defined) {
        out += "{\"result\":";
        out += result;
        out += ",\"explanation\":[";
      } else {
        out += "{\"explanation\":[";
      }
      for (size_t i = 0; i < explanation.size(); ++i) {
        out += i == 0 ? "{\"rule\":" : ",{\"rule\":";
        AppendJson(&out, Value::String(explanation[i].rule));
        out += ",\"location\":";
        AppendJson(&out, Value::String(explanation[i].location));
        out += "}";
      }
      out += "]}\n";
    }
    if (from_stdin || out.size() >= kFlushBytes) {
      flush();
      if (from_stdin) std::fflush(stdout);
    }
  }
  flush();
  if (in.bad()) {
    PrintError(MakeError(ErrorCode::kIoError, "error reading " + *flags.input_jsonl));
    return kExitProblems;
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitProblems;
}

}  // namespace

int RunEval(Args args) {
  EvalFlags flags;
  int exit_code = kExitUsage;
  if (!ParseEvalFlags(args, &flags, &exit_code)) return exit_code;

  Engine engine;
  bool load_failed = false;
  for (const std::string& path : flags.data_paths) {
    if (absl::Status s = engine.LoadPath(path); !s.ok()) {
      PrintError(s);
      load_failed = true;  // report every path's errors, then stop
    }
  }
  if (!flags.bundle_paths.empty()) {
    absl::StatusOr<BundleReadOptions> read = flags.verification.ToReadOptions();
    if (!read.ok()) {
      PrintError(read.status());
      return kExitUsage;
    }
    std::vector<Bundle> bundles;
    for (const std::string& path : flags.bundle_paths) {
      absl::StatusOr<Bundle> bundle = ReadBundle(path, *read);
      if (!bundle.ok()) {
        PrintError(bundle.status());
        load_failed = true;
        continue;
      }
      bundles.push_back(*std::move(bundle));
    }
    if (!load_failed) {
      if (absl::Status s = engine.ActivateBundles(std::move(bundles)); !s.ok()) {
        PrintError(s);
        load_failed = true;
      }
      for (const BundleStatus& b : engine.Bundles()) {
        for (const std::string& w : b.warnings) {
          std::cerr << "policyc eval: warning: " << b.name << ": " << w << "\n";
        }
      }
    }
  }
  if (load_failed) return kExitProblems;
  if (absl::Status s = engine.Compile(); !s.ok()) {
    PrintError(s);
    return kExitProblems;
  }
  absl::StatusOr<PreparedQuery> query = engine.Prepare(*flags.query);
  if (!query.ok()) {
    PrintError(query.status());
    return kExitProblems;
  }
  EvalOptions options;
  options.strict_builtin_errors = flags.strict;
  options.explain = flags.explain;
  // print() output goes to stderr, as with opa eval.
  options.print = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  return flags.input_jsonl ? EvalJsonl(*query, flags, options)
                           : EvalSingle(*query, flags, options);
}

}  // namespace verdict::policyc
