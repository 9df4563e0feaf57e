// File: tools/policyc/sign.cc
//
// `policyc sign`: write a bundle's `.signatures.json`, like `opa sign
// --bundle`.
//
//   policyc sign --signing-key KEY [--signing-alg ALG] [--signing-key-id ID]
//                [--scope S] [--claims-file FILE] [--hash-alg ALG]
//                [-o FILE] BUNDLE
//
// BUNDLE is a directory (the file is written to BUNDLE/.signatures.json
// unless -o says otherwise) or a .tar.gz (rewritten with the new
// .signatures.json, in place or to -o). Every file of the bundle except
// the old .signatures.json is hashed and listed. The conductor is
// verdict::SignBundle (include/verdict/bundle.h).
//
// Entry point: RunSign() (commands.h). Tested by
// tests/bundle/policyc_bundle_test.cc.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bundle_flags.h"
#include "commands.h"
#include "verdict/bundle.h"
#include "verdict/value.h"

namespace verdict::policyc {
namespace {

constexpr char kSignUsage[] =
    "usage: policyc sign --signing-key KEY [options] BUNDLE\n"
    "\n"
    "Signs BUNDLE (a directory or .tar.gz) the way OPA verifies: one JWT in\n"
    ".signatures.json listing every file with its hash. A directory gets\n"
    "BUNDLE/.signatures.json; a .tar.gz is rewritten with it.\n"
    "\n"
    "  --signing-key KEY       PEM file with the private key, or for\n"
    "                          HS256/384/512 the secret (or a file)\n"
    "  --signing-alg ALG       RS256 (default), RS384, RS512, PS256, PS384,\n"
    "                          PS512, ES256, ES384, ES512, HS256, HS384, HS512\n"
    "  --signing-key-id ID     key id in the signature (default \"default\")\n"
    "  --scope SCOPE           scope claim\n"
    "  --claims-file FILE      JSON object of extra claims\n"
    "  --hash-alg ALG          file hash: SHA-256 (default), SHA-1, SHA-224,\n"
    "                          SHA-384, SHA-512, SHA-512-224, SHA-512-256, MD5\n"
    "  -o, --output FILE       write here instead\n"
    "  -h, --help              this text\n"
    "\n"
    "Exit status: 0 on success, 1 when signing fails, 2 on usage errors or\n"
    "unreadable input.\n";

int UsageError(const std::string& message) {
  std::cerr << "policyc sign: " << message << "\n"
            << "run 'policyc sign --help' for usage\n";
  return kExitUsage;
}

}  // namespace

int RunSign(Args args) {
  FlagScanner scanner(args);
  BundleSigningOptions signing;
  signing.keyid = "default";
  std::optional<std::string> key_arg, claims_file, output;
  std::vector<std::string> positional;
  std::string arg;
  while (scanner.Next(&arg)) {
    std::string v;
    if (arg == "-h" || arg == "--help") {
      std::cout << kSignUsage;
      return kExitOk;
    } else if (arg == "--signing-key") {
      if (!scanner.Value(&v)) return UsageError(arg + " needs a value");
      key_arg = v;
    } else if (arg == "--signing-alg") {
      if (!scanner.Value(&signing.algorithm)) return UsageError(arg + " needs a value");
    } else if (arg == "--signing-key-id") {
      if (!scanner.Value(&signing.keyid)) return UsageError(arg + " needs a value");
    } else if (arg == "--scope") {
      if (!scanner.Value(&signing.scope)) return UsageError(arg + " needs a value");
    } else if (arg == "--hash-alg") {
      if (!scanner.Value(&signing.hash_algorithm)) return UsageError(arg + " needs a value");
    } else if (arg == "--claims-file") {
      if (!scanner.Value(&v)) return UsageError(arg + " needs a value");
      claims_file = v;
    } else if (arg == "-o" || arg == "--output") {
      if (!scanner.Value(&v)) return UsageError(arg + " needs a value");
      output = v;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return UsageError("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) return UsageError("expected one BUNDLE path");
  if (!key_arg) return UsageError("--signing-key is required");
  const std::string& bundle_path = positional[0];

  if (absl::Status s = LoadSigningMaterial(*key_arg, claims_file, &signing); !s.ok()) {
    PrintStatus("sign", s);
    return kExitUsage;
  }

  absl::StatusOr<std::vector<BundleFile>> files = ReadBundleFiles(bundle_path);
  if (!files.ok()) {
    PrintStatus("sign", files.status());
    return ExitCodeFor(files.status());
  }
  std::vector<BundleFile> kept;
  for (BundleFile& f : *files) {
    if (f.path != kBundleSignaturesFile) kept.push_back(std::move(f));
  }
  absl::StatusOr<std::string> signatures = SignBundle(kept, signing);
  if (!signatures.ok()) {
    PrintStatus("sign", signatures.status());
    return ExitCodeFor(signatures.status());
  }

  std::error_code ec;
  const bool directory = std::filesystem::is_directory(bundle_path, ec);
  absl::Status written;
  if (directory) {
    std::string target = output ? *output
                                : (std::filesystem::path(bundle_path) / kBundleSignaturesFile)
                                      .string();
    written = WriteFileBytes(target, *signatures);
  } else {
    kept.push_back(BundleFile{std::string(kBundleSignaturesFile), *std::move(signatures)});
    absl::StatusOr<std::string> archive = WriteBundleArchive(kept);
    written = archive.ok() ? WriteFileBytes(output ? *output : bundle_path, *archive)
                           : archive.status();
  }
  if (!written.ok()) {
    PrintStatus("sign", written);
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace verdict::policyc
