// File: tools/policyc/inspect.cc
//
// `policyc inspect`: what a bundle holds, like `opa inspect`.
//
//   policyc inspect [--format text|json] [verification flags] BUNDLE
//
// Shows the manifest (revision, roots, metadata), the files, each package
// with its rules, the signature (verified only when a --verification-key is
// given; otherwise just described) and program.vbc (size, bytecode format
// version, whether it was built from the bundle's current sources). The
// bundle is read with ReadBundle (include/verdict/bundle.h), so anything
// the engine would reject is reported here too.
//
// Entry point: RunInspect() (commands.h). Tested by
// tests/bundle/policyc_bundle_test.cc.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bundle/program_file.h"
#include "bundle_flags.h"
#include "commands.h"
#include "syntax/parse.h"
#include "verdict/bundle.h"
#include "verdict/value.h"
#include "vm/program.h"

namespace verdict::policyc {
namespace {

constexpr char kInspectUsage[] =
    "usage: policyc inspect [--format text|json] [verification flags] BUNDLE\n"
    "\n"
    "Shows what BUNDLE (a directory or .tar.gz) holds: manifest, files,\n"
    "packages and rules, signature and compiled program. The bundle is\n"
    "checked as the engine would check it.\n"
    "\n"
    "  -f, --format FORMAT     text (default) or json\n"
    "%s"
    "  -h, --help              this text\n"
    "\n"
    "Without --verification-key the signature is described, not verified.\n"
    "Exit status: 0 on success, 1 when the bundle has problems, 2 on usage\n"
    "errors or unreadable input.\n";

int UsageError(const std::string& message) {
  std::cerr << "policyc inspect: " << message << "\n"
            << "run 'policyc inspect --help' for usage\n";
  return kExitUsage;
}

struct PackageInfo {
  std::set<std::string> files;
  std::set<std::string> rules;
};

struct ProgramInfo {
  bool present = false;
  uint64_t size = 0;
  std::optional<uint32_t> format_version;
  bool sources_match = false;
  std::string problem;  // why the header cannot be read
};

ProgramInfo DescribeProgram(const Bundle& bundle) {
  ProgramInfo info;
  if (bundle.program.empty()) return info;
  info.present = true;
  info.size = bundle.program.size();
  absl::StatusOr<bundle::ProgramFile> file = bundle::DecodeProgramFile(bundle.program);
  if (!file.ok()) {
    info.problem = std::string(file.status().message());
    return info;
  }
  info.format_version = bundle::PeekProgramFormatVersion(file->program);
  info.sources_match = file->sources_digest == bundle::SourcesDigest(bundle.modules);
  return info;
}

Value Strings(const std::vector<std::string>& list) {
  ArrayBuilder b;
  for (const std::string& s : list) b.Add(Value::String(s));
  return b.Build();
}

Value Strings(const std::set<std::string>& list) {
  return Strings(std::vector<std::string>(list.begin(), list.end()));
}

void PrintText(const Bundle& bundle, const std::map<std::string, PackageInfo>& packages,
               const ProgramInfo& program) {
  std::cout << "bundle:     " << bundle.name << "\n";
  std::cout << "revision:   " << (bundle.manifest.revision.empty() ? "(none)"
                                                                   : bundle.manifest.revision)
            << "\n";
  std::cout << "roots:      " << ToJson(Strings(bundle.manifest.roots)) << "\n";
  if (bundle.manifest.metadata.is_defined()) {
    std::cout << "metadata:   " << ToJson(bundle.manifest.metadata) << "\n";
  }
  uint64_t total = 0;
  for (const BundleFileInfo& f : bundle.files) total += f.size;
  std::cout << "files:      " << bundle.files.size() << " (" << total << " bytes)\n";
  for (const BundleFileInfo& f : bundle.files) {
    std::cout << "  " << f.path << "  " << f.size << "\n";
  }
  std::cout << "packages:   " << packages.size() << "\n";
  for (const auto& [name, info] : packages) {
    std::cout << "  " << name << "  (";
    bool first = true;
    for (const std::string& f : info.files) {
      std::cout << (first ? "" : ", ") << f;
      first = false;
    }
    std::cout << ")\n";
    for (const std::string& rule : info.rules) std::cout << "    " << rule << "\n";
  }
  const BundleSignatureInfo& sig = bundle.signature;
  if (!sig.present) {
    std::cout << "signature:  none\n";
  } else {
    std::cout << "signature:  " << (sig.verified ? "verified" : "not verified") << ", alg "
              << (sig.algorithm.empty() ? "?" : sig.algorithm) << ", keyid \"" << sig.keyid
              << "\", scope \"" << sig.scope << "\", " << sig.files.size() << " files\n";
  }
  if (!program.present) {
    std::cout << "program:    none (the engine compiles the sources)\n";
  } else if (!program.problem.empty()) {
    std::cout << "program:    " << kBundleProgramFile << ", " << program.size
              << " bytes, unreadable: " << program.problem << "\n";
  } else {
    std::cout << "program:    " << kBundleProgramFile << ", " << program.size
              << " bytes, bytecode format "
              << (program.format_version ? std::to_string(*program.format_version) : "?")
              << (program.format_version == vm::Program::kFormatVersion
                      ? " (current)"
                      : " (not this library's: sources will be compiled)")
              << ", "
              << (program.sources_match ? "built from these sources"
                                        : "built from OTHER sources (sources will be compiled)")
              << "\n";
  }
}

void PrintJson(const Bundle& bundle, const std::map<std::string, PackageInfo>& packages,
               const ProgramInfo& program) {
  auto S = [](std::string_view s) { return Value::String(s); };
  ObjectBuilder manifest;
  manifest.Add(S("revision"), S(bundle.manifest.revision));
  manifest.Add(S("roots"), Strings(bundle.manifest.roots));
  manifest.Add(S("rego_version"), Value::Int(bundle.manifest.rego_version));
  if (bundle.manifest.metadata.is_defined()) {
    manifest.Add(S("metadata"), DeepCopy(bundle.manifest.metadata, nullptr));
  }
  ArrayBuilder files;
  for (const BundleFileInfo& f : bundle.files) {
    ObjectBuilder o;
    o.Add(S("path"), S(f.path));
    o.Add(S("size"), Value::Int(static_cast<int64_t>(f.size)));
    files.Add(o.Build());
  }
  ArrayBuilder pkgs;
  for (const auto& [name, info] : packages) {
    ObjectBuilder o;
    o.Add(S("package"), S(name));
    o.Add(S("files"), Strings(info.files));
    o.Add(S("rules"), Strings(info.rules));
    pkgs.Add(o.Build());
  }
  ObjectBuilder sig;
  sig.Add(S("present"), Value::Bool(bundle.signature.present));
  sig.Add(S("verified"), Value::Bool(bundle.signature.verified));
  if (bundle.signature.present) {
    sig.Add(S("algorithm"), S(bundle.signature.algorithm));
    sig.Add(S("keyid"), S(bundle.signature.keyid));
    sig.Add(S("scope"), S(bundle.signature.scope));
    ArrayBuilder listed;
    for (const SignedFileInfo& f : bundle.signature.files) {
      ObjectBuilder o;
      o.Add(S("name"), S(f.name));
      o.Add(S("hash"), S(f.hash));
      o.Add(S("algorithm"), S(f.algorithm));
      listed.Add(o.Build());
    }
    sig.Add(S("files"), listed.Build());
  }
  ObjectBuilder prog;
  prog.Add(S("present"), Value::Bool(program.present));
  if (program.present) {
    prog.Add(S("file"), S(kBundleProgramFile));
    prog.Add(S("size"), Value::Int(static_cast<int64_t>(program.size)));
    if (program.format_version) {
      prog.Add(S("format_version"), Value::Int(*program.format_version));
    }
    prog.Add(S("current_format"),
             Value::Bool(program.format_version == vm::Program::kFormatVersion));
    prog.Add(S("sources_match"), Value::Bool(program.sources_match));
    if (!program.problem.empty()) prog.Add(S("problem"), S(program.problem));
  }
  ObjectBuilder out;
  out.Add(S("name"), S(bundle.name));
  out.Add(S("manifest"), manifest.Build());
  out.Add(S("files"), files.Build());
  out.Add(S("packages"), pkgs.Build());
  out.Add(S("signature"), sig.Build());
  out.Add(S("program"), prog.Build());
  std::cout << ToPrettyJson(out.Build()) << "\n";
}

}  // namespace

int RunInspect(Args args) {
  FlagScanner scanner(args);
  VerificationFlags verification;
  bool json = false;
  std::vector<std::string> positional;
  std::string arg, error;
  while (scanner.Next(&arg)) {
    if (arg == "-h" || arg == "--help") {
      std::printf(kInspectUsage, kVerificationFlagsUsage);
      return kExitOk;
    }
    if (int r = verification.Parse(arg, scanner, &error); r != 0) {
      if (r < 0) return UsageError(error);
      continue;
    }
    if (arg == "-f" || arg == "--format") {
      std::optional<std::string> v = scanner.Value();
      if (!v) return UsageError(arg + " needs a value");
      if (*v == "json") {
        json = true;
      } else if (*v == "text") {
        json = false;
      } else {
        return UsageError("unknown format " + *v + " (text or json)");
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return UsageError("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) return UsageError("expected one BUNDLE path");
  // Without a key there is nothing to verify against: describe instead.
  if (!verification.key) verification.skip = true;
  absl::StatusOr<BundleReadOptions> options = verification.ToReadOptions();
  if (!options.ok()) {
    PrintStatus("inspect", options.status());
    return kExitUsage;
  }
  absl::StatusOr<Bundle> bundle = ReadBundle(positional[0], *options);
  if (!bundle.ok()) {
    PrintStatus("inspect", bundle.status());
    return ExitCodeFor(bundle.status());
  }
  std::map<std::string, PackageInfo> packages;
  bool problems = false;
  for (const BundleModule& m : bundle->modules) {
    absl::StatusOr<syntax::Module> module = syntax::ParseModule(m.source, m.path);
    if (!module.ok()) {
      PrintStatus("inspect", module.status());
      problems = true;
      continue;
    }
    PackageInfo& info = packages[module->package.PathString()];
    info.files.insert(m.path);
    for (const syntax::Rule& rule : module->rules) {
      std::string name = rule.head.RefString();
      if (rule.head.IsFunction()) name += "(" + std::to_string(rule.head.args.size()) + " args)";
      info.rules.insert(name);
    }
  }
  ProgramInfo program = DescribeProgram(*bundle);
  if (json) {
    PrintJson(*bundle, packages, program);
  } else {
    PrintText(*bundle, packages, program);
  }
  return problems ? kExitProblems : kExitOk;
}

}  // namespace verdict::policyc
