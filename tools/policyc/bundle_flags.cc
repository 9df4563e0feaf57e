// File: tools/policyc/bundle_flags.cc
//
// Shared helpers of the bundle subcommands (bundle_flags.h).
//
// Tested through the subcommands by tests/bundle/policyc_bundle_test.cc.
#include "bundle_flags.h"
#include "sources.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "base/error_code.h"
#include "base/files.h"
#include "base/strings.h"

namespace verdict::policyc {

const char kVerificationFlagsUsage[] =
    "  --verification-key KEY  PEM file with the public key (or certificate)\n"
    "                          that verifies the bundle's signature; for\n"
    "                          HS256/384/512 the secret itself or a file\n"
    "  --verification-key-id ID  the key's id (default \"default\")\n"
    "  --verification-alg ALG  RS256 (default), RS384, RS512, PS256, PS384,\n"
    "                          PS512, ES256, ES384, ES512, HS256, HS384, HS512\n"
    "  --scope SCOPE           the scope the signature must carry\n"
    "  --exclude-files GLOB    files the signature need not cover (repeatable)\n"
    "  --skip-verify           do not check signatures\n";

bool FlagScanner::Next(std::string* arg) {
  inline_value_.reset();
  if (i_ >= args_.size()) return false;
  std::string a(args_[i_++]);
  if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
    inline_value_ = a.substr(a.find('=') + 1);
    a = a.substr(0, a.find('='));
  }
  *arg = std::move(a);
  return true;
}

std::optional<std::string> FlagScanner::Value() {
  if (inline_value_) {
    std::optional<std::string> v = std::move(inline_value_);
    inline_value_.reset();
    return v;
  }
  if (i_ >= args_.size()) return std::nullopt;
  return std::string(args_[i_++]);
}

bool FlagScanner::Value(std::string* out) {
  std::optional<std::string> v = Value();
  if (!v) return false;
  *out = *std::move(v);
  return true;
}

int VerificationFlags::Parse(const std::string& arg, FlagScanner& scanner, std::string* error) {
  auto value = [&](std::string* out) {
    std::optional<std::string> v = scanner.Value();
    if (!v) {
      *error = arg + " needs a value";
      return -1;
    }
    *out = *std::move(v);
    return 1;
  };
  if (arg == "--verification-key") {
    std::string v;
    int r = value(&v);
    if (r == 1) key = std::move(v);
    return r;
  }
  if (arg == "--verification-key-id") return value(&key_id);
  if (arg == "--verification-alg") return value(&algorithm);
  if (arg == "--scope") return value(&scope);
  if (arg == "--exclude-files") {
    std::string v;
    int r = value(&v);
    if (r == 1) exclude.push_back(std::move(v));
    return r;
  }
  if (arg == "--skip-verify") {
    skip = true;
    return 1;
  }
  return 0;
}

absl::StatusOr<BundleReadOptions> VerificationFlags::ToReadOptions() const {
  BundleReadOptions options;
  options.skip_verification = skip;
  if (key && !skip) {
    absl::StatusOr<std::string> material = ReadKey(*key, IsHmac(algorithm));
    if (!material.ok()) return material.status();
    BundleVerificationConfig config;
    config.keys[key_id] = VerificationKey{algorithm, *std::move(material), ""};
    config.scope = scope;
    config.exclude_files = exclude;
    options.verification = std::move(config);
  }
  return options;
}

bool IsHmac(std::string_view algorithm) {
  return algorithm == "HS256" || algorithm == "HS384" || algorithm == "HS512";
}

absl::StatusOr<std::string> ReadFileBytes(const std::string& path) {
  return ReadFileToString(path);
}

absl::StatusOr<std::string> ReadKey(const std::string& arg, bool literal_ok) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) return ReadFileBytes(arg);
  if (literal_ok) return arg;
  return MakeError(ErrorCode::kIoError, "cannot read key file " + arg);
}

absl::Status WriteFileBytes(const std::string& path, std::string_view bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return MakeError(ErrorCode::kIoError, "cannot write " + path);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return MakeError(ErrorCode::kIoError, "error writing " + path);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return MakeError(ErrorCode::kIoError, "cannot write " + path);
  }
  return absl::OkStatus();
}

absl::Status LoadSigningMaterial(const std::string& key_arg,
                                 const std::optional<std::string>& claims_file,
                                 BundleSigningOptions* signing) {
  absl::StatusOr<std::string> key = ReadKey(key_arg, IsHmac(signing->algorithm));
  if (!key.ok()) return key.status();
  signing->key = *std::move(key);
  if (!claims_file) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFileBytes(*claims_file);
  if (!text.ok()) return text.status();
  absl::StatusOr<Value> claims = ParseJson(*text);
  if (!claims.ok() || !claims->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     *claims_file + ": claims must be a JSON object");
  }
  signing->claims = *std::move(claims);
  return absl::OkStatus();
}

void PrintStatus(std::string_view command, const absl::Status& status) {
  std::cerr << "policyc " << command << ": " << FormatStatus(status) << "\n";
}

int ExitCodeFor(const absl::Status& status) {
  ErrorCode code = GetErrorCode(status);
  return code == ErrorCode::kIoError || code == ErrorCode::kInvalidArgument ? kExitUsage
                                                                           : kExitProblems;
}

}  // namespace verdict::policyc
