// File: tests/fuzz/bundle_fuzzer.cc
//
// Bundles from outside, after unpacking: the bytes are files, each
// starting with a line "@@ PATH" followed by its content (a seed is
// readable text; corpus/bundle/ has examples). The files go through
// LoadBundleFiles() (paths, manifest, data merging, roots, signatures)
// and, when they load, Engine::ActivateBundle() next to an active bundle
// "keep" (root "keep", data.keep.x == 1, rule data.keep.p == true).
//
// Properties, for any bytes:
// Bundles that carry .signatures.json are verified with the HS256 key
// "secret" (id "k").
//
// - nothing crashes; a rejected bundle gets a bundle, signature, JSON or
//   policy error code, never an internal one;
// - a failed activation changes nothing: the engine still decides
//   data.keep.p and data.keep.x from the bundle active before.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error_code.h"
#include "fuzz_check.h"
#include "verdict/bundle.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace {

using verdict::ErrorCode;

constexpr std::string_view kFileMark = "@@ ";

bool IsRejection(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBundleError:
    case ErrorCode::kSignatureError:
    case ErrorCode::kJsonError:
    case ErrorCode::kParseError:
    case ErrorCode::kCompileError:
    case ErrorCode::kTypeError:
    case ErrorCode::kUnsafeVarError:
    case ErrorCode::kRecursionError:
    case ErrorCode::kBytecodeError:
      return true;
    default:
      return false;
  }
}

// "@@ a\nA\n@@ b\nB" -> {a: "A", b: "B"}; text before the first mark is
// ignored.
std::vector<verdict::BundleFile> SplitFiles(std::string_view text) {
  std::vector<verdict::BundleFile> files;
  size_t at = text.rfind(kFileMark, 0) == 0 ? 0 : text.find(std::string("\n") += kFileMark);
  while (at != std::string_view::npos) {
    if (text[at] == '\n') ++at;
    const size_t path_end = text.find('\n', at);
    const size_t next = text.find(std::string("\n") += kFileMark, at);
    verdict::BundleFile f;
    f.path = std::string(text.substr(at + kFileMark.size(),
                                     std::min(path_end, next) - at - kFileMark.size()));
    if (path_end != std::string_view::npos && (next == std::string_view::npos || path_end < next)) {
      f.content = std::string(text.substr(path_end + 1, next == std::string_view::npos
                                                            ? std::string_view::npos
                                                            : next - path_end - 1));
    }
    files.push_back(std::move(f));
    at = next;
  }
  return files;
}

verdict::Engine& EngineWithKeep() {
  static verdict::Engine* engine = [] {
    auto* e = new verdict::Engine();
    std::vector<verdict::BundleFile> files = {
        {".manifest", R"({"revision": "r1", "roots": ["keep"]})"},
        {"keep/data.json", R"({"x": 1})"},
        {"keep/policy.rego", "package keep\n\np := data.keep.x == 1\n"},
    };
    absl::StatusOr<verdict::Bundle> keep = verdict::LoadBundleFiles(std::move(files), "keep");
    FUZZ_CHECK(keep.ok(), keep.status().ToString());
    absl::Status activated = e->ActivateBundle(*std::move(keep));
    FUZZ_CHECK(activated.ok(), activated.ToString());
    return e;
  }();
  return *engine;
}

void ExpectKeepActive(const verdict::Engine& engine) {
  absl::StatusOr<verdict::Decision> p = engine.Evaluate("data.keep.p", verdict::Value());
  FUZZ_CHECK(p.ok() && p->defined && p->result == verdict::Value::Bool(true),
             "data.keep.p changed: " + (p.ok() ? verdict::ToJson(p->result) : p.status().ToString()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  verdict::Engine& engine = EngineWithKeep();
  verdict::BundleReadOptions options;
  options.limits.max_file_bytes = 1 << 20;
  if (text.find(".signatures.json") != std::string_view::npos) {
    // Signed bundles verify against one HS256 key (policyc sign --alg HS256
    // --key secret makes seeds for it).
    verdict::BundleVerificationConfig config;
    config.keys["k"] = verdict::VerificationKey{"HS256", "secret", ""};
    options.verification = config;
  }
  absl::StatusOr<verdict::Bundle> bundle = verdict::LoadBundleFiles(SplitFiles(text), "fuzz", options);
  if (!bundle.ok()) {
    FUZZ_CHECK(IsRejection(verdict::GetErrorCode(bundle.status())), bundle.status().ToString());
    return 0;
  }
  absl::Status activated = engine.ActivateBundle(*std::move(bundle));
  if (!activated.ok()) {
    FUZZ_CHECK(IsRejection(verdict::GetErrorCode(activated)), activated.ToString());
  } else {
    // Leave the engine as it was for the next input.
    absl::Status removed = engine.DeactivateBundle("fuzz");
    FUZZ_CHECK(removed.ok(), removed.ToString());
  }
  ExpectKeepActive(engine);
  return 0;
}
