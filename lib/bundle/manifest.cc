// File: lib/bundle/manifest.cc
//
// Manifest decoding and the roots rules (see manifest.h). The manifest is
// read with ParseJson into the bundle's arena, then each known key is
// checked for its type; a wrong type is an error, as in OPA's decoder.
//
// Tested by tests/bundle/loader_test.cc.
#include "bundle/manifest.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace verdict::bundle {
namespace {

absl::Status ManifestError(std::string_view what) {
  return MakeError(ErrorCode::kBundleError, absl::StrCat(".manifest: ", Absl(what)));
}

std::string_view StripBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// "/a/b/" -> "a/b", as OPA trims each root.
std::string TrimSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

// Accepts an integer 0/1 manifest value; 0 (Rego v0) is not supported.
absl::Status CheckRegoVersion(const Value& v, std::string_view where) {
  std::optional<int64_t> n = v.is_number() ? v.ToInt64() : std::nullopt;
  if (!n || (*n != 0 && *n != 1)) {
    return ManifestError(absl::StrCat("unknown bundle rego-version ",
                                      Absl(ToJson(v)), " for ", Absl(where)));
  }
  if (*n == 0) {
    return ManifestError(absl::StrCat(
        Absl(where), " asks for Rego v0 syntax; verdict only parses Rego v1"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> SplitRoot(std::string_view root) {
  std::vector<std::string> out;
  if (root.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t slash = root.find('/', start);
    out.emplace_back(root.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool RootContains(std::string_view root, std::span<const std::string> path) {
  if (root.empty()) return true;
  size_t pos = 0;
  for (const std::string& segment : path) {
    if (root.compare(pos, segment.size(), segment) != 0) return false;
    pos += segment.size();
    if (pos == root.size()) return true;
    if (root[pos] != '/') return false;
    ++pos;
  }
  return false;  // path is shorter than the root
}

bool RootsContain(const std::vector<std::string>& roots, std::span<const std::string> path) {
  for (const std::string& root : roots) {
    if (RootContains(root, path)) return true;
  }
  return false;
}

bool RootsOverlap(std::string_view a, std::string_view b) {
  std::vector<std::string> sa = SplitRoot(a), sb = SplitRoot(b);
  return RootContains(a, sb) || RootContains(b, sa);
}

std::string FormatRoots(const std::vector<std::string>& roots) {
  std::vector<std::string> quoted;
  for (const std::string& r : roots) quoted.push_back(absl::StrCat("\"", r, "\""));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

absl::StatusOr<BundleManifest> ParseManifest(std::string_view text, Arena* arena) {
  absl::StatusOr<Value> parsed = ParseJson(StripBom(text), arena);
  if (!parsed.ok()) return ManifestError(Std(parsed.status().message()));
  const Value& json = *parsed;
  if (!json.is_object()) return ManifestError("must be a JSON object");
  BundleManifest m;
  m.json = json;
  if (const Value* v = json.Get("revision"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) return ManifestError("revision must be a string");
    m.revision = std::string(v->as_string());
  }
  if (const Value* v = json.Get("roots"); v != nullptr && !v->is_null()) {
    if (!v->is_array()) return ManifestError("roots must be an array of strings");
    m.roots.clear();
    for (const Value& r : v->items()) {
      if (!r.is_string()) return ManifestError("roots must be an array of strings");
      std::string root = TrimSlashes(r.as_string());
      if (root.find("//") != std::string::npos) {
        return ManifestError(absl::StrCat("root \"", root, "\" has an empty segment"));
      }
      m.roots.push_back(std::move(root));
    }
  }
  for (size_t i = 0; i < m.roots.size(); ++i) {
    for (size_t j = i + 1; j < m.roots.size(); ++j) {
      if (RootsOverlap(m.roots[i], m.roots[j])) {
        return ManifestError(absl::StrCat("manifest has overlapped roots: '", m.roots[i],
                                          "' and '", m.roots[j], "'"));
      }
    }
  }
  if (const Value* v = json.Get("rego_version"); v != nullptr && !v->is_null()) {
    VERDICT_RETURN_IF_ERROR(CheckRegoVersion(*v, "rego_version"));
  }
  if (const Value* v = json.Get("file_rego_versions"); v != nullptr && !v->is_null()) {
    if (!v->is_object()) return ManifestError("file_rego_versions must be an object");
    for (const ObjectEntry& e : v->entries()) {
      VERDICT_RETURN_IF_ERROR(CheckRegoVersion(
          e.value, absl::StrCat("file '", Absl(e.key.is_string() ? e.key.as_string() : ""), "'")));
    }
  }
  if (const Value* v = json.Get("metadata"); v != nullptr && !v->is_null()) {
    if (!v->is_object()) return ManifestError("metadata must be an object");
    m.metadata = *v;
  }
  if (const Value* v = json.Get("wasm"); v != nullptr && !v->is_null()) {
    if (!v->is_array()) return ManifestError("wasm must be an array");
    if (!v->empty()) {
      return ManifestError("declares wasm modules; verdict evaluates Rego, not Wasm");
    }
  }
  return m;
}

absl::Status CheckDataRoots(const Value& value, std::vector<std::string>& path,
                            const std::vector<std::string>& roots, std::string_view file) {
  if (RootsContain(roots, path)) return absl::OkStatus();
  auto outside = [&]() {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(Absl(file), ": manifest roots ", FormatRoots(roots),
                                  " do not permit data at path '/", absl::StrJoin(path, "/"),
                                  "' (hint: check bundle directory structure)"));
  };
  // On the way to a root? Then only an object may sit here, and its keys
  // are checked one by one.
  bool on_the_way = false;
  for (const std::string& root : roots) {
    std::vector<std::string> segments = SplitRoot(root);
    if (segments.size() > path.size() &&
        std::equal(path.begin(), path.end(), segments.begin())) {
      on_the_way = true;
      break;
    }
  }
  if (!on_the_way || !value.is_object()) return outside();
  for (const ObjectEntry& e : value.entries()) {
    if (!e.key.is_string()) return outside();
    path.emplace_back(e.key.as_string());
    absl::Status s = CheckDataRoots(e.value, path, roots, file);
    path.pop_back();
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace verdict::bundle
