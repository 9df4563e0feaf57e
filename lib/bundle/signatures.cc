// File: lib/bundle/signatures.cc
//
// Verifying and producing `.signatures.json` (signatures.h). JWS parsing,
// keys and the signature math are lib/crypto's (jws.h); this file knows
// OPA's envelope, claims, key selection and file-digest rules.
//
// Tested by tests/bundle/signature_test.cc.
#include "bundle/signatures.h"

#include <fnmatch.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "bundle/canonical_json.h"
#include "crypto/jws.h"
#include "verdict/value.h"

namespace verdict {
namespace bundle {
namespace {

constexpr std::string_view kFailureUrl = "verdict/signature_failure";

constexpr struct {
  SignatureFailure failure;
  std::string_view name;
} kFailureNames[] = {
    {SignatureFailure::kNone, "none"},
    {SignatureFailure::kMalformed, "malformed"},
    {SignatureFailure::kMissing, "missing"},
    {SignatureFailure::kNoKeys, "no_keys"},
    {SignatureFailure::kUnknownKey, "unknown_key"},
    {SignatureFailure::kBadKey, "bad_key"},
    {SignatureFailure::kBadSignature, "bad_signature"},
    {SignatureFailure::kScopeMismatch, "scope_mismatch"},
    {SignatureFailure::kDigestMismatch, "digest_mismatch"},
    {SignatureFailure::kUnsignedFile, "unsigned_file"},
    {SignatureFailure::kMissingFile, "missing_file"},
    {SignatureFailure::kUnsupported, "unsupported"},
};

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// OPA's IsStructuredDoc: these are hashed in canonical JSON form.
bool IsStructured(std::string_view path) {
  std::string_view base = BaseName(path);
  return base == "data.json" || base == "data.yaml" || base == ".manifest" ||
         base == "signatures.json";
}

// The string member [key] of [object], "" when absent or not a string.
std::string StringMember(const Value& object, std::string_view key) {
  const Value* v = object.is_object() ? object.Get(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A decoded token: header and claims.
struct Token {
  crypto::CompactJws jws;
  Value header;
  Value claims;
};

absl::StatusOr<Token> ParseEnvelope(std::string_view signatures_json) {
  Arena arena;
  absl::StatusOr<Value> doc = ParseJson(signatures_json, &arena);
  if (!doc.ok() || !doc->is_object()) {
    return SignatureError(SignatureFailure::kMalformed,
                          absl::StrCat(".signatures.json: bundle load failed on signatures decode: ",
                                       doc.ok() ? absl::string_view("not a JSON object")
                                                : doc.status().message()));
  }
  std::string plugin = StringMember(*doc, "plugin");
  if (!plugin.empty() && plugin != "_default") {
    return SignatureError(SignatureFailure::kUnsupported,
                          absl::StrCat(".signatures.json: no verifier exists under id ", plugin));
  }
  const Value* list = doc->Get("signatures");
  if (list == nullptr || list->is_null() || (list->is_array() && list->empty())) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: missing JWT (expected exactly one)");
  }
  if (!list->is_array()) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: signatures must be an array of strings");
  }
  if (list->size() > 1) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: multiple JWTs not supported (expected exactly one)");
  }
  const Value& token = (*list)[0];
  if (!token.is_string()) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: signatures must be an array of strings");
  }
  Token out;
  absl::StatusOr<crypto::CompactJws> jws = crypto::ParseCompactJws(token.as_string());
  if (!jws.ok()) {
    return SignatureError(SignatureFailure::kMalformed,
                          absl::StrCat(".signatures.json: ", jws.status().message()));
  }
  out.jws = *std::move(jws);
  absl::StatusOr<Value> header = ParseJson(out.jws.header_json);
  absl::StatusOr<Value> claims = ParseJson(out.jws.payload);
  if (!header.ok() || !header->is_object() || !claims.ok() || !claims->is_object()) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: JWT header or payload is not a JSON object");
  }
  out.header = DeepCopy(*header, nullptr);
  out.claims = DeepCopy(*claims, nullptr);
  return out;
}

// The `files` claim; malformed entries are errors.
absl::StatusOr<std::vector<SignedFileInfo>> SignedFiles(const Value& claims) {
  std::vector<SignedFileInfo> files;
  const Value* list = claims.Get("files");
  if (list == nullptr || list->is_null()) return files;
  if (!list->is_array()) {
    return SignatureError(SignatureFailure::kMalformed,
                          ".signatures.json: the files claim must be an array");
  }
  for (const Value& entry : list->items()) {
    if (!entry.is_object()) {
      return SignatureError(SignatureFailure::kMalformed,
                            ".signatures.json: each entry of files must be an object");
    }
    SignedFileInfo info;
    info.name = StringMember(entry, "name");
    info.hash = StringMember(entry, "hash");
    info.algorithm = StringMember(entry, "algorithm");
    files.push_back(std::move(info));
  }
  return files;
}

absl::StatusOr<BundleSignatureInfo> Describe(const Token& token) {
  BundleSignatureInfo info;
  info.present = true;
  info.algorithm = StringMember(token.header, "alg");
  info.keyid = StringMember(token.header, "kid");
  if (info.keyid.empty()) info.keyid = StringMember(token.claims, "keyid");
  info.scope = StringMember(token.claims, "scope");
  VERDICT_ASSIGN_OR_RETURN(info.files, SignedFiles(token.claims));
  return info;
}

// The key named [id] as a crypto::Key fitting its configured algorithm.
absl::StatusOr<std::pair<crypto::Key, crypto::JwsAlgorithm>> ConfiguredKey(
    const std::string& id, const VerificationKey& config) {
  std::string alg_name = config.algorithm.empty() ? "RS256" : config.algorithm;
  std::optional<crypto::JwsAlgorithm> alg = crypto::ParseJwsAlgorithm(alg_name);
  if (!alg || *alg == crypto::JwsAlgorithm::kEdDSA) {
    return SignatureError(SignatureFailure::kUnsupported,
                          absl::StrCat("unsupported signature algorithm: ", alg_name));
  }
  if (*alg == crypto::JwsAlgorithm::kHS256 || *alg == crypto::JwsAlgorithm::kHS384 ||
      *alg == crypto::JwsAlgorithm::kHS512) {
    return std::make_pair(crypto::Key::Secret(config.key), *alg);
  }
  absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParseKeys(config.key);
  if (!keys.ok() || keys->empty()) {
    return SignatureError(
        SignatureFailure::kBadKey,
        absl::StrCat("verification key ", id, " cannot be parsed: ",
                     keys.ok() ? absl::string_view("no key found") : keys.status().message()));
  }
  const crypto::Key& key = keys->front();
  if (!key.Fits(*alg)) {
    return SignatureError(SignatureFailure::kBadKey,
                          absl::StrCat("verification key ", id, " does not fit algorithm ",
                                       alg_name));
  }
  return std::make_pair(key, *alg);
}

// Go's filepath.Match on '/'-separated paths: '*' stops at '/'.
bool Excluded(const std::vector<std::string>& patterns, const std::string& path) {
  for (const std::string& p : patterns) {
    if (fnmatch(p.c_str(), path.c_str(), FNM_PATHNAME) == 0) return true;
  }
  return false;
}

}  // namespace

absl::Status SignatureError(SignatureFailure failure, std::string_view message) {
  absl::Status status = MakeError(ErrorCode::kSignatureError, message);
  status.SetPayload(Absl(kFailureUrl), absl::Cord(Absl(SignatureFailureName(failure))));
  return status;
}

absl::StatusOr<std::string> FileDigestHex(const BundleFile& file, std::string_view algorithm) {
  std::optional<crypto::HashAlgorithm> alg = crypto::ParseHashAlgorithm(algorithm);
  if (!alg) {
    return SignatureError(SignatureFailure::kUnsupported,
                          absl::StrCat("unsupported hashing algorithm: ", Absl(algorithm)));
  }
  if (!IsStructured(file.path)) return crypto::DigestHex(*alg, file.content);
  absl::StatusOr<std::string> canonical = BaseName(file.path) == "data.yaml"
                                              ? CanonicalYaml(file.content)
                                              : CanonicalJson(file.content);
  if (!canonical.ok()) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(file.path, ": ", canonical.status().message()));
  }
  return crypto::DigestHex(*alg, *canonical);
}

absl::StatusOr<BundleSignatureInfo> DescribeSignature(std::string_view signatures_json) {
  VERDICT_ASSIGN_OR_RETURN(Token token, ParseEnvelope(signatures_json));
  return Describe(token);
}

absl::StatusOr<BundleSignatureInfo> VerifySignature(std::span<const BundleFile> files,
                                                    const BundleVerificationConfig& config) {
  const BundleFile* envelope = nullptr;
  for (const BundleFile& f : files) {
    if (f.path == kBundleSignaturesFile) envelope = &f;
  }
  if (envelope == nullptr) {
    return SignatureError(SignatureFailure::kMissing, "bundle missing .signatures.json file");
  }
  VERDICT_ASSIGN_OR_RETURN(Token token, ParseEnvelope(envelope->content));
  VERDICT_ASSIGN_OR_RETURN(BundleSignatureInfo info, Describe(token));

  // The key: configured id, else the `kid` header, else the `keyid` claim.
  std::string id = config.keyid;
  if (id.empty()) id = StringMember(token.header, "kid");
  if (id.empty()) id = StringMember(token.claims, "keyid");
  if (id.empty()) {
    return SignatureError(SignatureFailure::kUnknownKey, "verification key ID is empty");
  }
  auto key_config = config.keys.find(id);
  if (key_config == config.keys.end()) {
    return SignatureError(SignatureFailure::kUnknownKey,
                          absl::StrCat("verification key corresponding to ID ", id,
                                       " not found"));
  }
  info.keyid = id;
  VERDICT_ASSIGN_OR_RETURN(auto key, ConfiguredKey(id, key_config->second));
  absl::StatusOr<bool> ok =
      crypto::VerifyJws(key.second, key.first, token.jws.signing_input, token.jws.signature);
  if (!ok.ok()) {
    return SignatureError(SignatureFailure::kBadKey,
                          absl::StrCat("failed to verify JWT signature: ",
                                       ok.status().message()));
  }
  if (!*ok) {
    return SignatureError(SignatureFailure::kBadSignature,
                          absl::StrCat("failed to verify JWT signature with key ", id, " (",
                                       Absl(crypto::JwsAlgorithmName(key.second)), ")"));
  }

  const std::string& expected_scope =
      !config.scope.empty() ? config.scope : key_config->second.scope;
  if (info.scope != expected_scope) {
    return SignatureError(SignatureFailure::kScopeMismatch,
                          absl::StrCat("scope mismatch: the signature has scope '", info.scope,
                                       "', expected '", expected_scope, "'"));
  }

  std::map<std::string, const SignedFileInfo*> listed;
  for (const SignedFileInfo& f : info.files) listed[f.name] = &f;
  for (const BundleFile& file : files) {
    if (file.path == kBundleSignaturesFile) continue;
    if (Excluded(config.exclude_files, file.path)) {
      listed.erase(file.path);
      continue;
    }
    auto it = listed.find(file.path);
    if (it == listed.end()) {
      return SignatureError(SignatureFailure::kUnsignedFile,
                            absl::StrCat("file ", file.path, " not included in bundle signature"));
    }
    const SignedFileInfo& signed_file = *it->second;
    if (signed_file.algorithm.empty()) {
      return SignatureError(SignatureFailure::kMalformed,
                            absl::StrCat("no hashing algorithm provided for file ", file.path));
    }
    VERDICT_ASSIGN_OR_RETURN(std::string got, FileDigestHex(file, signed_file.algorithm));
    if (absl::AsciiStrToLower(signed_file.hash) != got) {
      return SignatureError(SignatureFailure::kDigestMismatch,
                            absl::StrCat(file.path, ": digest mismatch (want: ",
                                         signed_file.hash, ", got: ", got, ")"));
    }
    listed.erase(it);
  }
  if (!listed.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, unused] : listed) names.push_back(name);
    return SignatureError(SignatureFailure::kMissingFile,
                          absl::StrCat("file(s) [", absl::StrJoin(names, " "),
                                       "] specified in bundle signatures but not found in the "
                                       "target bundle"));
  }
  info.verified = true;
  return info;
}

}  // namespace bundle

SignatureFailure GetSignatureFailure(const absl::Status& status) {
  if (absl::optional<absl::Cord> payload = status.GetPayload(Absl(bundle::kFailureUrl))) {
    std::string name(*payload);
    for (const auto& entry : bundle::kFailureNames) {
      if (entry.name == name) return entry.failure;
    }
  }
  return SignatureFailure::kNone;
}

std::string_view SignatureFailureName(SignatureFailure failure) {
  for (const auto& entry : bundle::kFailureNames) {
    if (entry.failure == failure) return entry.name;
  }
  return "none";
}

absl::StatusOr<std::string> SignBundle(std::span<const BundleFile> files,
                                       const BundleSigningOptions& options) {
  using bundle::SignatureError;
  std::optional<crypto::JwsAlgorithm> alg = crypto::ParseJwsAlgorithm(options.algorithm);
  if (!alg || *alg == crypto::JwsAlgorithm::kEdDSA) {
    return SignatureError(SignatureFailure::kUnsupported,
                          absl::StrCat("unsupported signing algorithm: ", options.algorithm));
  }
  crypto::Key key = crypto::Key::Secret(options.key);
  if (*alg != crypto::JwsAlgorithm::kHS256 && *alg != crypto::JwsAlgorithm::kHS384 &&
      *alg != crypto::JwsAlgorithm::kHS512) {
    absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParseKeys(options.key);
    if (!keys.ok() || keys->empty()) {
      return SignatureError(SignatureFailure::kBadKey,
                            absl::StrCat("signing key cannot be parsed: ",
                                         keys.ok() ? absl::string_view("no key found")
                                                   : keys.status().message()));
    }
    key = keys->front();
    if (!key.is_private()) {
      return SignatureError(SignatureFailure::kBadKey,
                            "signing key is a public key; signing needs the private key");
    }
    if (!key.Fits(*alg)) {
      return SignatureError(SignatureFailure::kBadKey,
                            absl::StrCat("signing key does not fit algorithm ",
                                         options.algorithm));
    }
  }
  if (!options.claims.is_undefined() && !options.claims.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "signing claims must be a JSON object");
  }

  ArrayBuilder listed;
  for (const BundleFile& file : files) {
    if (file.path == kBundleSignaturesFile || file.path == "/.signatures.json") continue;
    VERDICT_ASSIGN_OR_RETURN(std::string hash, bundle::FileDigestHex(file, options.hash_algorithm));
    ObjectBuilder entry;
    std::string_view name = file.path;
    if (!name.empty() && name.front() == '/') name.remove_prefix(1);
    entry.Add(Value::String("name"), Value::String(name));
    entry.Add(Value::String("hash"), Value::String(hash));
    entry.Add(Value::String("algorithm"), Value::String(options.hash_algorithm));
    listed.Add(entry.Build());
  }
  ObjectBuilder claims;
  if (options.claims.is_object()) {
    for (const ObjectEntry& e : options.claims.entries()) {
      if (e.key.is_string() && (e.key.as_string() == "files" ||
                                (!options.scope.empty() && e.key.as_string() == "scope"))) {
        continue;
      }
      claims.Add(e.key, e.value);
    }
  } else if (!options.keyid.empty()) {
    // opa sign adds the (deprecated) keyid claim when no claims are given.
    claims.Add(Value::String("keyid"), Value::String(options.keyid));
  }
  claims.Add(Value::String("files"), listed.Build());
  if (!options.scope.empty()) claims.Add(Value::String("scope"), Value::String(options.scope));

  ObjectBuilder header;
  header.Add(Value::String("alg"), Value::String(crypto::JwsAlgorithmName(*alg)));
  if (!options.keyid.empty()) header.Add(Value::String("kid"), Value::String(options.keyid));
  header.Add(Value::String("typ"), Value::String("JWT"));

  absl::StatusOr<std::string> token =
      crypto::SignCompactJws(ToJson(header.Build()), ToJson(claims.Build()), key);
  if (!token.ok()) {
    return SignatureError(SignatureFailure::kBadKey,
                          absl::StrCat("signing failed: ", token.status().message()));
  }
  // The layout opa sign writes (json.MarshalIndent with a one-space indent).
  return absl::StrCat("{\n \"signatures\": [\n  \"", *token, "\"\n ]\n}\n");
}

}  // namespace verdict
