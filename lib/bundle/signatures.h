// File: lib/bundle/signatures.h
//
// Bundle signatures as OPA writes and checks them (OPA-PROTOCOLS.md section
// 2): `.signatures.json` holds {"signatures": ["<compact JWS>"]}, one JWT
// whose `files` claim lists every other file of the bundle with its hash.
// Verification (VerifySignature) runs OPA's steps in OPA's order: exactly
// one token; key id from the config, else the `kid` header, else the
// `keyid` claim; the JWS verified with the algorithm configured for that
// key (never the header's); `scope` equal to the expected one; then every
// bundle file except .signatures.json (and exclude_files) listed with a
// matching digest, and every listed file present. Each failure carries its
// SignatureFailure (include/verdict/bundle.h) as a status payload.
//
// Digests: data.json, data.yaml and .manifest are hashed in canonical JSON
// form (canonical_json.h), every other file as raw bytes.
//
// Entry points: VerifySignature, DescribeSignature, FileDigestHex, and the
// public SignBundle / GetSignatureFailure. Used by loader.cc; tested by
// tests/bundle/signature_test.cc.
#ifndef VERDICT_BUNDLE_SIGNATURES_H_
#define VERDICT_BUNDLE_SIGNATURES_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/bundle.h"

namespace verdict::bundle {

// VerifySignature()
//
// Checks [files] (normalized, sorted; the .signatures.json among them, or
// a kMissing failure) against [config].
absl::StatusOr<BundleSignatureInfo> VerifySignature(std::span<const BundleFile> files,
                                                    const BundleVerificationConfig& config);

// DescribeSignature()
//
// What [signatures_json] claims, without checking anything but its syntax
// (verified stays false). For inspection with verification skipped.
absl::StatusOr<BundleSignatureInfo> DescribeSignature(std::string_view signatures_json);

// FileDigestHex()
//
// The lowercase hex digest of [file] under the OPA algorithm name
// [algorithm] ("SHA-256"), canonical JSON for structured files.
absl::StatusOr<std::string> FileDigestHex(const BundleFile& file, std::string_view algorithm);

// SignatureError()
//
// A signature_error Status carrying [failure].
absl::Status SignatureError(SignatureFailure failure, std::string_view message);

}  // namespace verdict::bundle

#endif  // VERDICT_BUNDLE_SIGNATURES_H_
