// File: lib/bundle/loader.cc
//
// The bundle reader: raw files (archive.h) -> Bundle (include/verdict/
// bundle.h). The conductor is LoadBundleFiles():
//
//   check entries -> classify files -> .manifest -> signature -> data files
//   (parse, roots, merge) -> modules and program.vbc -> file list
//
// Files are classified by name as OPA does (OPA-PROTOCOLS.md 1.2), with
// two deliberate differences: a `.manifest` or `*signatures.json` anywhere
// but the root is an error rather than silently honoured (OPA would treat
// a nested signatures file as the signature and leave it unhashed), and
// `patch.json` (delta bundles) is rejected as unsupported.
//
// Data files are merged through a tree of directories so that each file is
// parsed once and each object is built once, however many files there are.
//
// Tested by tests/bundle/loader_test.cc and tests/bundle/archive_test.cc.
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "bundle/archive.h"
#include "bundle/manifest.h"
#include "bundle/signatures.h"
#include "value/json.h"
#include "verdict/bundle.h"

namespace verdict {
namespace bundle {
namespace {

absl::Status LoadError(std::string_view file, std::string_view what) {
  return MakeError(ErrorCode::kBundleError, absl::StrCat(Absl(file), ": ", Absl(what)));
}

// [status] with "[name]: " in front of its message, payloads kept.
absl::Status WithName(const absl::Status& status, std::string_view name) {
  if (status.ok() || name.empty()) return status;
  absl::Status out(status.code(), absl::StrCat(Absl(name), ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view StripBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// --- data merging ---------------------------------------------------------

// Deep merge as OPA's internal/merge: objects merge key by key; any other
// pair of values at one path is a conflict, reported with its path.
absl::StatusOr<Value> MergeValues(const Value& a, const Value& b, std::vector<std::string>& path,
                                  Arena* arena, bool* conflict) {
  if (!a.is_object() || !b.is_object()) {
    *conflict = true;
    return Value();
  }
  ObjectBuilder out(arena);
  out.Reserve(a.size() + b.size());
  for (const ObjectEntry& e : a.entries()) {
    const Value* other = b.Get(e.key);
    if (other == nullptr) {
      out.Add(e.key, e.value);
      continue;
    }
    path.emplace_back(e.key.is_string() ? std::string(e.key.as_string()) : ToJson(e.key));
    VERDICT_ASSIGN_OR_RETURN(Value merged, MergeValues(e.value, *other, path, arena, conflict));
    if (*conflict) return Value();
    path.pop_back();
    out.Add(e.key, merged);
  }
  for (const ObjectEntry& e : b.entries()) {
    if (a.Get(e.key) == nullptr) out.Add(e.key, e.value);
  }
  return out.Build();
}

// Directories of the bundle, each with the value of its data file(s).
struct DataNode {
  std::optional<Value> value;
  std::string file;  // the first data file that put a value here
  std::map<std::string, DataNode> children;
};

absl::Status ConflictError(const std::vector<std::string>& path, std::string_view first,
                           std::string_view second) {
  return MakeError(ErrorCode::kBundleError,
                   absl::StrCat(Absl(second), ": data at path '/", absl::StrJoin(path, "/"),
                                "' conflicts with ", Absl(first),
                                " (only objects merge)"));
}

absl::Status Insert(DataNode& root, const std::vector<std::string>& dir, Value value,
                    const std::string& file, Arena* arena) {
  DataNode* node = &root;
  for (const std::string& segment : dir) node = &node->children[segment];
  if (!node->value) {
    node->value = std::move(value);
    node->file = file;
    return absl::OkStatus();
  }
  std::vector<std::string> path = dir;
  bool conflict = false;
  VERDICT_ASSIGN_OR_RETURN(Value merged, MergeValues(*node->value, value, path, arena, &conflict));
  if (conflict) return ConflictError(path, node->file, file);
  node->value = merged;
  return absl::OkStatus();
}

// The node's document: its own value merged with its children's.
absl::StatusOr<Value> BuildData(DataNode& node, std::vector<std::string>& path, Arena* arena,
                                std::string* file) {
  if (node.children.empty()) {
    *file = node.file;
    return node.value ? *node.value : Value::EmptyObject();
  }
  ObjectBuilder children(arena);
  std::string child_file;
  std::vector<std::pair<Value, std::string>> child_files;
  for (auto& [segment, child] : node.children) {
    path.push_back(segment);
    VERDICT_ASSIGN_OR_RETURN(Value v, BuildData(child, path, arena, &child_file));
    path.pop_back();
    children.Add(Value::String(segment, arena), v);
    child_files.emplace_back(Value::String(segment, arena), child_file);
  }
  Value from_children = children.Build();
  *file = child_files.empty() ? node.file : child_files.front().second;
  if (!node.value) return from_children;
  bool conflict = false;
  std::vector<std::string> conflict_path = path;
  VERDICT_ASSIGN_OR_RETURN(Value merged,
                           MergeValues(*node.value, from_children, conflict_path, arena,
                                       &conflict));
  if (conflict) {
    // Name the file below that collided with this node's file.
    std::string other = *file;
    if (conflict_path.size() > path.size()) {
      for (const auto& [key, f] : child_files) {
        if (key.as_string() == conflict_path[path.size()]) other = f;
      }
    }
    return ConflictError(conflict_path, node.file, other);
  }
  *file = node.file;
  return merged;
}

// --- classification -------------------------------------------------------

struct Classified {
  const BundleFile* manifest = nullptr;
  const BundleFile* signatures = nullptr;
  const BundleFile* program = nullptr;
  std::vector<BundleFile*> data;  // parsed in place (ParseDataFile)
  std::vector<const BundleFile*> modules;
};

absl::StatusOr<Classified> Classify(std::vector<BundleFile>& files) {
  Classified c;
  for (BundleFile& f : files) {
    std::string_view base = BaseName(f.path);
    if (f.path == kBundleManifestFile) {
      c.manifest = &f;
    } else if (absl::EndsWith(f.path, ".manifest")) {
      return LoadError(f.path, "a manifest is only allowed at the bundle root (.manifest)");
    } else if (f.path == kBundleSignaturesFile) {
      c.signatures = &f;
    } else if (absl::EndsWith(f.path, "signatures.json")) {
      return LoadError(f.path,
                       "a signatures file is only allowed at the bundle root (.signatures.json)");
    } else if (base == "patch.json") {
      return LoadError(f.path, "delta bundles (patch.json) are not supported");
    } else if (base == "data.json" || base == "data.yaml" || base == "data.yml") {
      c.data.push_back(&f);
    } else if (absl::EndsWith(f.path, ".rego")) {
      c.modules.push_back(&f);
    } else if (f.path == kBundleProgramFile) {
      c.program = &f;
    }
    // Anything else (README.md, policy.wasm, plan.json ...) is ignored, as
    // in OPA; a signature still has to cover it.
  }
  return c;
}

// Data files can be big: JSON is parsed where it lies, without a copy
// (the text is unchanged afterwards); one with a byte order mark is rare
// enough to be copied.
absl::StatusOr<Value> ParseDataFile(BundleFile& f, Arena* arena) {
  absl::StatusOr<Value> v;
  if (BaseName(f.path) != "data.json") {
    v = ParseYaml(f.content, arena);
  } else if (StripBom(f.content).size() == f.content.size()) {
    v = value::ParseJsonInPlace(&f.content, arena);
  } else {
    v = ParseJson(StripBom(f.content), arena);
  }
  if (!v.ok()) {
    return LoadError(f.path, absl::StrCat("bundle load failed: ", v.status().message()));
  }
  return v;
}

}  // namespace
}  // namespace bundle

absl::StatusOr<Bundle> LoadBundleFiles(std::vector<BundleFile> files, std::string_view name,
                                       const BundleReadOptions& options) {
  using namespace bundle;  // NOLINT: this file's own helpers
  Limits limits = ResolveLimits(options.limits);
  auto fail = [&](const absl::Status& s) { return WithName(s, name); };
  if (absl::Status s = CheckFiles(files, limits); !s.ok()) return fail(s);
  absl::StatusOr<Classified> classified = Classify(files);
  if (!classified.ok()) return fail(classified.status());

  Bundle bundle;
  bundle.name = std::string(name);
  bundle.arena = std::make_shared<Arena>();
  if (classified->manifest != nullptr) {
    absl::StatusOr<BundleManifest> m =
        ParseManifest(classified->manifest->content, bundle.arena.get());
    if (!m.ok()) return fail(m.status());
    bundle.manifest = *std::move(m);
  }

  // Signatures come before any file is interpreted: a tampered bundle is
  // reported as tampered, not as whatever parse error the tampering caused.
  if (options.skip_verification) {
    if (classified->signatures != nullptr) {
      absl::StatusOr<BundleSignatureInfo> info =
          DescribeSignature(classified->signatures->content);
      if (info.ok()) bundle.signature = *std::move(info);
      bundle.signature.present = true;
    }
  } else if (options.verification) {
    absl::StatusOr<BundleSignatureInfo> info = VerifySignature(files, *options.verification);
    if (!info.ok()) return fail(info.status());
    bundle.signature = *std::move(info);
  } else if (classified->signatures != nullptr) {
    return fail(SignatureError(SignatureFailure::kNoKeys,
                               "bundle is signed but no verification key was provided "
                               "(configure keys, or skip verification explicitly)"));
  }

  DataNode root;
  for (BundleFile* f : classified->data) {
    absl::StatusOr<Value> value = ParseDataFile(*f, bundle.arena.get());
    if (!value.ok()) return fail(value.status());
    std::vector<std::string> dir = SplitRoot(DirName(f->path));
    if (dir.empty() && !value->is_object()) {
      return fail(LoadError(f->path, "root value must be object"));
    }
    std::vector<std::string> walk = dir;
    if (absl::Status s = CheckDataRoots(*value, walk, bundle.manifest.roots, f->path); !s.ok()) {
      return fail(s);
    }
    if (absl::Status s = Insert(root, dir, *std::move(value), f->path, bundle.arena.get());
        !s.ok()) {
      return fail(s);
    }
  }
  std::vector<std::string> path;
  std::string unused;
  absl::StatusOr<Value> data = BuildData(root, path, bundle.arena.get(), &unused);
  if (!data.ok()) return fail(data.status());
  bundle.data = *std::move(data);

  for (const BundleFile* f : classified->modules) {
    bundle.modules.push_back(BundleModule{f->path, f->content});
  }
  if (classified->program != nullptr) bundle.program = classified->program->content;
  for (const BundleFile& f : files) {
    bundle.files.push_back(BundleFileInfo{f.path, f.content.size()});
  }
  return bundle;
}

absl::StatusOr<Bundle> ReadBundleArchive(std::string_view targz, std::string_view name,
                                         const BundleReadOptions& options) {
  bundle::Limits limits = bundle::ResolveLimits(options.limits);
  VERDICT_ASSIGN_OR_RETURN(std::vector<BundleFile> files,
                           bundle::ReadArchive(targz, name, limits));
  return LoadBundleFiles(std::move(files), name, options);
}

absl::StatusOr<std::vector<BundleFile>> ReadBundleFiles(std::string_view path,
                                                        const BundleLimits& limits_in) {
  namespace fs = std::filesystem;
  bundle::Limits limits = bundle::ResolveLimits(limits_in);
  std::string p(path);
  std::error_code ec;
  fs::file_status st = fs::status(p, ec);
  if (ec || !fs::exists(st)) {
    return MakeError(ErrorCode::kIoError, absl::StrCat("no such file or directory: ", p));
  }
  if (fs::is_directory(st)) return bundle::ReadDirectory(p, limits);
  if (!fs::is_regular_file(st)) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(p, ": not a directory or a .tar.gz file"));
  }
  uint64_t size = fs::file_size(p, ec);
  if (!ec && size > limits.max_total_bytes) {
    return MakeError(ErrorCode::kBundleError,
                     absl::StrCat(p, ": archive size (", size, " bytes) exceeds the limit of ",
                                  limits.max_total_bytes, " bytes"));
  }
  VERDICT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(p));
  return bundle::ReadArchive(bytes, p, limits);
}

absl::StatusOr<Bundle> ReadBundle(std::string_view path, const BundleReadOptions& options) {
  VERDICT_ASSIGN_OR_RETURN(std::vector<BundleFile> files, ReadBundleFiles(path, options.limits));
  return LoadBundleFiles(std::move(files), path, options);
}

absl::StatusOr<std::string> WriteBundleArchive(std::span<const BundleFile> files) {
  std::set<std::string> seen;
  for (const BundleFile& f : files) {
    VERDICT_ASSIGN_OR_RETURN(std::string path, bundle::NormalizeBundlePath(f.path));
    if (!seen.insert(path).second) {
      return MakeError(ErrorCode::kBundleError, absl::StrCat("duplicate entry ", path));
    }
  }
  return bundle::WriteArchive(files);
}

}  // namespace verdict
