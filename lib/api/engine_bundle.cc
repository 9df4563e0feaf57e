// File: lib/api/engine_bundle.cc
//
// Bundles in the Engine (engine.h: LoadBundle, ActivateBundles,
// DeactivateBundle, Bundles) and BuildBundle (bundle.h), the one bundle
// step that needs the compiler.
//
//   activate: ReadBundle (lib/bundle) -> NextBundleSet: parse modules,
//             packages under roots, roots disjoint across bundles,
//             program.vbc decoded + verified + bound -> Engine::SwapBundles:
//             compile (or take the program) and swap, or keep the old state
//   build:    LoadBundleFiles -> parse + compile -> vm::Serialize ->
//             program.vbc (+ .signatures.json)
//
// A bundle's program.vbc is used only when it can stand for the sources
// exactly: one bundle active, no API modules, the same sources digest and
// the same bytecode format version. Otherwise the sources are compiled and
// Bundles() carries a warning saying why. A program that claims to match
// but fails to deserialize or verify is an error, not a fallback: that is
// corruption or tampering.
//
// Tested by tests/bundle/engine_bundle_test.cc and tests/bundle/build_test.cc.
#include "api/engine_bundle.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "bundle/archive.h"
#include "bundle/manifest.h"
#include "bundle/program_file.h"
#include "compile/compiler.h"
#include "syntax/parse.h"
#include "verdict/engine.h"
#include "vm/program.h"

namespace verdict {
namespace api {
namespace {

// [status] with "[name]: " in front, its error code and payloads kept.
absl::Status Prefixed(const absl::Status& status, std::string_view name) {
  if (status.ok() || name.empty()) return status;
  absl::Status out(status.code(), absl::StrCat(Absl(name), ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

// The package's path under data: `package a.b` -> {"a", "b"}.
std::vector<std::string> PackagePath(const syntax::Module& module) {
  std::vector<std::string> path;
  for (size_t i = 1; i < module.package.path.size(); ++i) {
    const syntax::Term& t = module.package.path[i];
    path.push_back(t.kind == syntax::TermKind::kString ? t.text : syntax::ToString(t));
  }
  return path;
}

// program.vbc -> a bound program, or null plus a warning saying why the
// sources are compiled instead.
absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> DecodeProgram(
    const Bundle& bundle, std::vector<std::string>* warnings) {
  if (bundle.program.empty()) return nullptr;
  const std::string file(kBundleProgramFile);
  VERDICT_ASSIGN_OR_RETURN(bundle::ProgramFile decoded,
                           bundle::DecodeProgramFile(bundle.program));
  if (decoded.sources_digest != bundle::SourcesDigest(bundle.modules)) {
    warnings->push_back(absl::StrCat(
        file, " was built from other sources than this bundle's modules; "
              "compiled the modules instead (rebuild the bundle)"));
    return nullptr;
  }
  std::optional<uint32_t> version = bundle::PeekProgramFormatVersion(decoded.program);
  if (version && *version != vm::Program::kFormatVersion) {
    warnings->push_back(absl::StrCat(file, " has bytecode format version ", *version,
                                     ", this library runs version ",
                                     vm::Program::kFormatVersion,
                                     "; compiled the modules instead (rebuild the bundle)"));
    return nullptr;
  }
  absl::StatusOr<vm::Program> program = vm::Deserialize(decoded.program);
  if (!program.ok()) return Prefixed(program.status(), file);
  absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> bound =
      vm::BoundProgram::Bind(*std::move(program));
  if (!bound.ok()) return Prefixed(bound.status(), file);
  return *std::move(bound);
}

absl::Status BundleError(std::string message) {
  return MakeError(ErrorCode::kBundleError, message);
}

// Roots of bundles active together must be disjoint (OPA's
// hasRootsOverlap, with its wording).
absl::Status CheckRootOverlaps(const std::vector<std::shared_ptr<const ActiveBundle>>& bundles) {
  if (bundles.size() < 2) return absl::OkStatus();
  std::vector<std::string> empty_root;
  for (const auto& b : bundles) {
    if (std::find(b->manifest.roots.begin(), b->manifest.roots.end(), "") !=
        b->manifest.roots.end()) {
      empty_root.push_back(b->name);
    }
  }
  if (!empty_root.empty()) {
    std::vector<std::string> names;
    for (const auto& b : bundles) names.push_back(b->name);
    return BundleError(absl::StrCat(
        "bundles [", absl::StrJoin(names, ", "),
        "] have overlapping roots and cannot be activated simultaneously because bundle(s) [",
        absl::StrJoin(empty_root, ", "),
        "] specify empty root paths ('') which overlap with any other bundle root"));
  }
  for (size_t i = 0; i < bundles.size(); ++i) {
    for (size_t j = i + 1; j < bundles.size(); ++j) {
      for (const std::string& a : bundles[i]->manifest.roots) {
        for (const std::string& b : bundles[j]->manifest.roots) {
          if (a == b) {
            return BundleError(absl::StrCat("root ", a, " is in multiple bundles: [",
                                            bundles[i]->name, ", ", bundles[j]->name, "]"));
          }
          if (bundle::RootsOverlap(a, b)) {
            return BundleError(absl::StrCat(
                "detected overlapping roots in manifests for these bundles: [",
                bundles[i]->name, ", ", bundles[j]->name, "] (", a, " overlaps ", b, ")"));
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

std::shared_ptr<const BundleSet> MakeSet(std::vector<std::shared_ptr<const ActiveBundle>> list) {
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a->name < b->name; });
  auto set = std::make_shared<BundleSet>();
  for (const auto& b : list) {
    set->modules.insert(set->modules.end(), b->modules.begin(), b->modules.end());
  }
  set->bundles = std::move(list);
  return set;
}

// [base] with [value] at [path] (undefined [value]: removed).
absl::StatusOr<Value> SetAt(const Value& base, std::span<const std::string> path,
                            const Value& value, std::string_view bundle_name) {
  if (path.empty()) return value;
  Value object = base.is_defined() ? base : Value::EmptyObject();
  if (!object.is_object()) {
    return BundleError(absl::StrCat("bundle ", Absl(bundle_name),
                                    ": data set outside the bundle is not an object on the "
                                    "way to its root (at '", Absl(path[0]), "')"));
  }
  const Value* child = object.Get(path[0]);
  VERDICT_ASSIGN_OR_RETURN(Value updated,
                           SetAt(child ? *child : Value(), path.subspan(1), value, bundle_name));
  ObjectBuilder out;
  out.Reserve(object.size() + 1);
  for (const ObjectEntry& e : object.entries()) {
    if (!(e.key.is_string() && e.key.as_string() == path[0])) out.Add(e.key, e.value);
  }
  if (updated.is_defined()) out.Add(Value::String(path[0]), updated);
  return out.Build();
}

}  // namespace

absl::StatusOr<std::vector<syntax::Module>> ParseBundleModules(const Bundle& bundle,
                                                               std::string_view prefix) {
  std::vector<syntax::Module> modules;
  modules.reserve(bundle.modules.size());
  for (const BundleModule& m : bundle.modules) {
    std::string file = prefix.empty() ? m.path : absl::StrCat(Absl(prefix), "/", m.path);
    VERDICT_ASSIGN_OR_RETURN(syntax::Module module, syntax::ParseModule(m.source, file));
    std::vector<std::string> path = PackagePath(module);
    if (!bundle::RootsContain(bundle.manifest.roots, path)) {
      return BundleError(absl::StrCat(file, ": manifest roots ",
                                      bundle::FormatRoots(bundle.manifest.roots),
                                      " do not permit 'package ",
                                      module.package.PathString(), "'"));
    }
    modules.push_back(std::move(module));
  }
  return modules;
}

absl::StatusOr<std::shared_ptr<const BundleSet>> NextBundleSet(const BundleSet* current,
                                                               std::vector<Bundle> bundles) {
  std::map<std::string, std::shared_ptr<const ActiveBundle>> next;
  if (current != nullptr) {
    for (const auto& b : current->bundles) next[b->name] = b;
  }
  std::map<std::string, bool> seen;
  for (Bundle& bundle : bundles) {
    if (seen[bundle.name]) {
      return BundleError(absl::StrCat("bundle ", bundle.name, " given twice"));
    }
    seen[bundle.name] = true;
    auto active = std::make_shared<ActiveBundle>();
    // Module file names carry the bundle's name, as OPA's module ids do:
    // errors then say which bundle they come from.
    absl::StatusOr<std::vector<syntax::Module>> modules = ParseBundleModules(bundle, bundle.name);
    if (!modules.ok()) return modules.status();
    absl::StatusOr<std::shared_ptr<const vm::BoundProgram>> program =
        DecodeProgram(bundle, &active->warnings);
    if (!program.ok()) return Prefixed(program.status(), bundle.name);
    active->name = bundle.name;
    active->modules = *std::move(modules);
    active->program = *std::move(program);
    active->program_bytes = bundle.program.size();
    active->manifest = std::move(bundle.manifest);
    active->data = std::move(bundle.data);
    active->arena = std::move(bundle.arena);
    active->signature = std::move(bundle.signature);
    next[active->name] = std::move(active);
  }
  std::vector<std::shared_ptr<const ActiveBundle>> list;
  for (auto& [name, b] : next) list.push_back(std::move(b));
  VERDICT_RETURN_IF_ERROR(CheckRootOverlaps(list));
  return MakeSet(std::move(list));
}

absl::StatusOr<std::shared_ptr<const BundleSet>> WithoutBundle(const BundleSet* current,
                                                               std::string_view name) {
  std::vector<std::shared_ptr<const ActiveBundle>> list;
  bool found = false;
  if (current != nullptr) {
    for (const auto& b : current->bundles) {
      if (b->name == name) {
        found = true;
      } else {
        list.push_back(b);
      }
    }
  }
  if (!found) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("no active bundle named ", Absl(name)));
  }
  return MakeSet(std::move(list));
}

std::span<const syntax::Module> AllModules(const BundleSet* set,
                                           const std::vector<syntax::Module>& api,
                                           std::vector<syntax::Module>* scratch) {
  if (set == nullptr || set->modules.empty()) return api;
  if (api.empty()) return set->modules;
  scratch->clear();
  scratch->reserve(api.size() + set->modules.size());
  scratch->insert(scratch->end(), api.begin(), api.end());
  scratch->insert(scratch->end(), set->modules.begin(), set->modules.end());
  return *scratch;
}

std::shared_ptr<const vm::BoundProgram> PrecompiledProgram(const BundleSet* set) {
  if (set == nullptr || set->bundles.size() != 1) return nullptr;
  return set->bundles.front()->program;
}

absl::Status AddBundleData(const BundleSet* set, Value* data,
                           std::vector<std::shared_ptr<Arena>>* arenas) {
  if (set == nullptr) return absl::OkStatus();
  for (const auto& b : set->bundles) {
    for (const std::string& root : b->manifest.roots) {
      std::vector<std::string> path = bundle::SplitRoot(root);
      const Value* value = &b->data;
      for (const std::string& segment : path) {
        value = value->is_object() ? value->Get(segment) : nullptr;
        if (value == nullptr) break;
      }
      VERDICT_ASSIGN_OR_RETURN(*data,
                               SetAt(*data, path, value ? *value : Value(), b->name));
      if (!data->is_defined()) *data = Value::EmptyObject();  // root "" with no data
    }
    if (b->arena) arenas->push_back(b->arena);
  }
  return absl::OkStatus();
}

}  // namespace api

// --- Engine ------------------------------------------------------------------

absl::Status Engine::LoadBundle(std::string_view path, const BundleReadOptions& options) {
  VERDICT_ASSIGN_OR_RETURN(Bundle bundle, ReadBundle(path, options));
  return ActivateBundle(std::move(bundle));
}

absl::Status Engine::ActivateBundle(Bundle bundle) {
  std::vector<Bundle> list;
  list.push_back(std::move(bundle));
  return ActivateBundles(std::move(list));
}

absl::Status Engine::ActivateBundles(std::vector<Bundle> bundles) {
  std::shared_ptr<const api::BundleSet> current = bundle_set();
  VERDICT_ASSIGN_OR_RETURN(std::shared_ptr<const api::BundleSet> next,
                           api::NextBundleSet(current.get(), std::move(bundles)));
  return SwapBundles(std::move(next));
}

absl::Status Engine::DeactivateBundle(std::string_view name) {
  std::shared_ptr<const api::BundleSet> current = bundle_set();
  VERDICT_ASSIGN_OR_RETURN(std::shared_ptr<const api::BundleSet> next,
                           api::WithoutBundle(current.get(), name));
  return SwapBundles(std::move(next));
}

std::vector<BundleStatus> Engine::Bundles() const {
  std::vector<BundleStatus> out;
  std::shared_ptr<const api::BundleSet> set = bundle_set();
  if (set == nullptr) return out;
  const bool alone = set->bundles.size() == 1 && !has_api_modules();
  for (const auto& b : set->bundles) {
    BundleStatus status;
    status.name = b->name;
    status.revision = b->manifest.revision;
    status.roots = b->manifest.roots;
    status.signature_verified = b->signature.verified;
    status.precompiled = alone && b->program != nullptr;
    status.warnings = b->warnings;
    if (b->program != nullptr && !alone) {
      status.warnings.push_back(absl::StrCat(
          Absl(kBundleProgramFile),
          " not used: other bundles, modules or custom builtins are active, so all "
          "sources were compiled "
          "together"));
    }
    out.push_back(std::move(status));
  }
  return out;
}

// --- BuildBundle -------------------------------------------------------------

namespace {

// [files]' .manifest with `revision` set to [revision] (a new manifest
// when there is none).
absl::Status SetRevision(std::vector<BundleFile>& files, const std::string& revision) {
  BundleFile* manifest = nullptr;
  for (BundleFile& f : files) {
    if (f.path == kBundleManifestFile) manifest = &f;
  }
  Value doc = Value::EmptyObject();
  if (manifest != nullptr) {
    absl::StatusOr<Value> parsed = ParseJson(manifest->content);
    if (!parsed.ok() || !parsed->is_object()) {
      return MakeError(ErrorCode::kBundleError, ".manifest: must be a JSON object");
    }
    doc = *std::move(parsed);
  }
  ObjectBuilder out;
  for (const ObjectEntry& e : doc.entries()) {
    if (!(e.key.is_string() && e.key.as_string() == "revision")) out.Add(e.key, e.value);
  }
  out.Add(Value::String("revision"), Value::String(revision));
  std::string text = ToPrettyJson(out.Build()) + "\n";
  if (manifest != nullptr) {
    manifest->content = std::move(text);
  } else {
    files.push_back(BundleFile{std::string(kBundleManifestFile), std::move(text)});
  }
  return absl::OkStatus();
}

void SortFiles(std::vector<BundleFile>& files) {
  std::sort(files.begin(), files.end(),
            [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
}

}  // namespace

absl::StatusOr<BuiltBundle> BuildBundle(std::vector<BundleFile> files,
                                        const BundleBuildOptions& options) {
  BuiltBundle out;
  std::vector<BundleFile> sources;
  sources.reserve(files.size() + 2);
  for (BundleFile& f : files) {
    VERDICT_ASSIGN_OR_RETURN(std::string path, bundle::NormalizeBundlePath(f.path));
    if (path == kBundleProgramFile) {
      out.warnings.push_back(absl::StrCat("replaced the existing ", Absl(kBundleProgramFile)));
      continue;
    }
    if (path == kBundleSignaturesFile) {
      if (!options.signing) {
        out.warnings.push_back(absl::StrCat(
            "dropped the existing ", Absl(kBundleSignaturesFile),
            ": it cannot match the rebuilt bundle (sign it again)"));
      }
      continue;
    }
    sources.push_back(BundleFile{std::move(path), std::move(f.content)});
  }
  if (!options.revision.empty()) VERDICT_RETURN_IF_ERROR(SetRevision(sources, options.revision));

  BundleReadOptions read;
  read.skip_verification = true;
  VERDICT_ASSIGN_OR_RETURN(Bundle bundle, LoadBundleFiles(sources, "", read));
  VERDICT_ASSIGN_OR_RETURN(std::vector<syntax::Module> modules,
                           api::ParseBundleModules(bundle, ""));
  VERDICT_ASSIGN_OR_RETURN(vm::Program program, compile::Compile(modules, {}));
  std::string bytes = vm::Serialize(program);
  // The engine must be able to load what we write: check it now, not in
  // production.
  if (absl::Status s = vm::Deserialize(bytes).status(); !s.ok()) {
    return MakeError(ErrorCode::kEvalInternalError,
                     absl::StrCat("compiled program does not load back: ", s.message()));
  }
  sources.push_back(BundleFile{
      std::string(kBundleProgramFile),
      bundle::EncodeProgramFile(bundle::SourcesDigest(bundle.modules), bytes)});
  SortFiles(sources);
  if (options.signing) {
    VERDICT_ASSIGN_OR_RETURN(std::string signatures, SignBundle(sources, *options.signing));
    sources.push_back(BundleFile{std::string(kBundleSignaturesFile), std::move(signatures)});
    SortFiles(sources);
  }
  out.files = std::move(sources);
  return out;
}

}  // namespace verdict
