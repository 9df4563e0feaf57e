// File: include/verdict/bundle.h
//
// OPA bundles: read them (a directory or a .tar.gz), check their signatures,
// build them (sources plus a precompiled program), sign them and write them.
// Activating a bundle in an Engine is in engine.h (Engine::LoadBundle,
// Engine::ActivateBundles). docs/bundles.md describes the format.
//
//   // Read and verify a signed bundle, then serve decisions from it.
//   verdict::BundleReadOptions options;
//   options.verification.emplace();
//   options.verification->keys["ops"] = {.algorithm = "RS256", .key = pem};
//   absl::StatusOr<verdict::Bundle> bundle = verdict::ReadBundle("authz.tar.gz", options);
//   if (!bundle.ok()) return bundle.status();   // bundle_error / signature_error
//   verdict::Engine engine;
//   VERDICT_RETURN_IF_ERROR(engine.ActivateBundle(*std::move(bundle)));
//
//   // Build one (what `policyc build` does).
//   absl::StatusOr<std::vector<verdict::BundleFile>> files = verdict::ReadBundleFiles("src/");
//   absl::StatusOr<std::vector<verdict::BundleFile>> built = verdict::BuildBundle(*files, {});
//   absl::StatusOr<std::string> targz = verdict::WriteBundleArchive(*built);
//
// A bundle is what OPA reads (OPA-PROTOCOLS.md section 1): `.manifest`
// (revision, roots, metadata), `data.json` / `data.yaml` files in any
// directory (the directory path is the data path), `*.rego` modules, and
// `.signatures.json`. verdict adds one file, `program.vbc`: the policy
// compiled to bytecode, so a service loads a bundle without compiling it.
// OPA ignores that file; a signature covers it like any other.
//
// Errors: a malformed bundle is bundle_error, a signature problem is
// signature_error (GetSignatureFailure() says which one); the message names
// the file. Reading never writes anything and never follows symlinks.
//
// Thread safety: the functions are reentrant; a Bundle is a plain value.
//
// Implemented in lib/bundle (reading, writing, signatures) and
// lib/api/engine_bundle.cc (BuildBundle, which compiles). Tested by
// tests/bundle/.
#ifndef VERDICT_BUNDLE_H_
#define VERDICT_BUNDLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "verdict/value.h"

namespace verdict {

// The precompiled program's file name inside a bundle (no leading '/').
inline constexpr std::string_view kBundleProgramFile = "program.vbc";
// The signature file's name.
inline constexpr std::string_view kBundleSignaturesFile = ".signatures.json";
// The manifest's name.
inline constexpr std::string_view kBundleManifestFile = ".manifest";

// One file of a bundle as stored: [path] is bundle-relative with '/'
// separators and no leading '/' ("roles/data.json").
struct BundleFile {
  std::string path;
  std::string content;
};

// Resource limits applied while reading. 0 means the library default
// (lib/base/limits.h, which also says why each default is what it is).
struct BundleLimits {
  uint64_t max_file_bytes = 0;         // one file, uncompressed (1 GiB)
  uint64_t max_total_bytes = 0;        // all files, uncompressed (2 GiB)
  uint64_t max_compression_ratio = 0;  // uncompressed / compressed (200)
  size_t max_entries = 0;              // archive entries or directory entries
};

// A key that may verify bundle signatures (OPA's `keys.<id>` config).
struct VerificationKey {
  // RS256/384/512, PS256/384/512, ES256/384/512, HS256/384/512. The
  // algorithm configured here is used, never the token's `alg` header.
  std::string algorithm = "RS256";
  // PEM (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE), or for HS* the secret.
  std::string key;
  // Expected `scope` claim when the bundle config sets none.
  std::string scope;
};

// How to verify one bundle (OPA's `keys` plus `bundles.<name>.signing`).
struct BundleVerificationConfig {
  std::map<std::string, VerificationKey> keys;
  // Key to use; empty: the token's `kid` header, then its `keyid` claim.
  std::string keyid;
  // Expected `scope` claim; empty: keys[id].scope (and "" if that is empty).
  std::string scope;
  // Shell patterns (bundle-relative paths) of files the signature need not
  // cover, e.g. "*.md".
  std::vector<std::string> exclude_files;
};

struct BundleReadOptions {
  // Set: the bundle must carry a valid `.signatures.json` (an unsigned
  // bundle is rejected; stricter than OPA, which accepts one when no keyid
  // is configured). Unset: a signed bundle is rejected as unverifiable
  // unless skip_verification is true.
  std::optional<BundleVerificationConfig> verification;
  // Do not check signatures at all (OPA's --skip-verify; for inspection).
  bool skip_verification = false;
  BundleLimits limits;
};

// The parsed `.manifest` (OPA-PROTOCOLS.md section 1.4).
struct BundleManifest {
  std::string revision;
  // Normalized (no leading or trailing '/'); {""} (everything) when absent.
  std::vector<std::string> roots = {""};
  // 1 (Rego v1), the only version verdict parses.
  int rego_version = 1;
  // Free-form `metadata` object; undefined when absent.
  Value metadata;
  // The whole manifest document; undefined when the bundle has none.
  Value json;
};

// One file listed in a signature (its `files` claim).
struct SignedFileInfo {
  std::string name;       // bundle-relative path
  std::string hash;       // lowercase hex
  std::string algorithm;  // "SHA-256", ...
};

// What a bundle's `.signatures.json` said, and whether it was checked.
struct BundleSignatureInfo {
  bool present = false;   // the bundle has a .signatures.json
  bool verified = false;  // every check in docs/bundles.md passed
  std::string algorithm;  // the token's `alg` header
  std::string keyid;      // the key id used (config, `kid`, then `keyid`)
  std::string scope;      // the `scope` claim
  std::vector<SignedFileInfo> files;
};

struct BundleModule {
  std::string path;    // bundle-relative, e.g. "authz/policy.rego"
  std::string source;  // the file's text
};

struct BundleFileInfo {
  std::string path;
  uint64_t size = 0;
};

// A bundle read and checked by ReadBundle(): data merged, manifest parsed,
// signature verified. Modules are still text: an Engine parses them when
// it activates the bundle (checking that each package lies under a root).
struct Bundle {
  // Where it came from (the path given to ReadBundle); Engine uses it as
  // the bundle's name unless the caller sets another.
  std::string name;
  BundleManifest manifest;
  // Every data file merged into one document (an object); its cells live
  // in [arena].
  Value data;
  std::shared_ptr<Arena> arena;
  std::vector<BundleModule> modules;  // sorted by path
  // program.vbc's bytes; empty when the bundle has none.
  std::string program;
  BundleSignatureInfo signature;
  std::vector<BundleFileInfo> files;  // every regular file, sorted by path
};

// ReadBundle()
//
// Reads [path]: a directory, or a gzip-compressed tar archive (any other
// file is an error). Checks everything docs/bundles.md lists: entry types
// and names, sizes, JSON/YAML syntax, data under the manifest's roots, no
// data conflicts, the signature.
absl::StatusOr<Bundle> ReadBundle(std::string_view path,
                                  const BundleReadOptions& options = {});

// ReadBundleArchive()
//
// The same for a .tar.gz already in memory (e.g. downloaded); [name] is
// used in error messages and as Bundle::name.
absl::StatusOr<Bundle> ReadBundleArchive(std::string_view targz, std::string_view name,
                                         const BundleReadOptions& options = {});

// LoadBundleFiles()
//
// The checks of ReadBundle() over files already in memory (paths as in
// BundleFile; they are normalized and checked like archive entries).
absl::StatusOr<Bundle> LoadBundleFiles(std::vector<BundleFile> files, std::string_view name,
                                       const BundleReadOptions& options = {});

// ReadBundleFiles()
//
// The raw files of a bundle directory or .tar.gz, sorted by path, with the
// entry checks of ReadBundle() (names, types, sizes) but no parsing. Tools
// that rewrite bundles (build, sign) start here.
absl::StatusOr<std::vector<BundleFile>> ReadBundleFiles(std::string_view path,
                                                        const BundleLimits& limits = {});

// WriteBundleArchive()
//
// [files] as a gzip-compressed tar archive: regular files only, in the
// given order, mode 0644, timestamps zero (the same files give the same
// bytes). Paths are checked like archive entries on reading.
absl::StatusOr<std::string> WriteBundleArchive(std::span<const BundleFile> files);

// --- Signing ------------------------------------------------------------

struct BundleSigningOptions {
  // RS*, PS*, ES* with a PEM private key; HS* with the secret as [key].
  std::string algorithm = "RS256";
  std::string key;
  // Written as the token's `kid` header and, as `opa sign` does when no
  // claims are given, as the `keyid` claim.
  std::string keyid;
  // The `scope` claim (omitted when empty).
  std::string scope;
  // Extra claims (an object), like `opa sign --claims-file`; when set, the
  // `keyid` claim is not added (as opa sign).
  Value claims;
  // Hash algorithm for the file list: SHA-256 (default), SHA-1, SHA-224,
  // SHA-384, SHA-512, SHA-512-224, SHA-512-256, MD5.
  std::string hash_algorithm = "SHA-256";
};

// SignBundle()
//
// The `.signatures.json` content for [files]: every file except
// `.signatures.json` itself is hashed (data.json, data.yaml and .manifest
// in canonical JSON form, everything else as raw bytes) and listed in one
// JWT signed with [options]. OPA verifies the result.
absl::StatusOr<std::string> SignBundle(std::span<const BundleFile> files,
                                       const BundleSigningOptions& options);

// Why a signature check failed, for callers that react differently (all
// are signature_error). The message says the same in words.
enum class SignatureFailure {
  kNone,              // not a signature failure
  kMalformed,         // .signatures.json or its token cannot be parsed
  kMissing,           // verification required, no .signatures.json
  kNoKeys,            // signed bundle, no verification config given
  kUnknownKey,        // no key id, or no key under that id
  kBadKey,            // the configured key cannot be parsed or does not
                      // fit its algorithm
  kBadSignature,      // the token's signature does not verify
  kScopeMismatch,     // `scope` claim differs from the expected scope
  kDigestMismatch,    // a file's hash differs from the signed one
  kUnsignedFile,      // a bundle file is not listed in the signature
  kMissingFile,       // a signed file is not in the bundle
  kUnsupported,       // unknown hash or signing algorithm, other plugin
};

// GetSignatureFailure()
//
// The SignatureFailure carried by [status] (kNone for other errors).
SignatureFailure GetSignatureFailure(const absl::Status& status);

// SignatureFailureName()
//
// "digest_mismatch", "unknown_key", ...
std::string_view SignatureFailureName(SignatureFailure failure);

// --- Building -----------------------------------------------------------

struct BundleBuildOptions {
  // Non-empty: written into the manifest's `revision`.
  std::string revision;
  // Set: the result carries a .signatures.json made with these options.
  std::optional<BundleSigningOptions> signing;
};

struct BuiltBundle {
  std::vector<BundleFile> files;  // sorted by path; program.vbc included
  // Notes for the user, e.g. an old .signatures.json that was dropped.
  std::vector<std::string> warnings;
};

// BuildBundle()
//
// Checks [files] as ReadBundle() does, parses and compiles every module
// (checking packages against the roots), and returns the files plus
// program.vbc (and .signatures.json when signing). Compile errors are
// returned with file:line:col.
absl::StatusOr<BuiltBundle> BuildBundle(std::vector<BundleFile> files,
                                        const BundleBuildOptions& options = {});

}  // namespace verdict

#endif  // VERDICT_BUNDLE_H_
