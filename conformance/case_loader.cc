// File: conformance/case_loader.cc
//
// LoadCaseFiles(): directory walk + YAML -> TestCase. See case_loader.h.
#include "conformance/case_loader.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "base/files.h"

namespace verdict::conformance {
namespace {

namespace fs = std::filesystem;

bool IsCaseFile(const fs::path& path) {
  std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

std::optional<std::string> ReadFile(const fs::path& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path.string());
  if (!text.ok()) return std::nullopt;
  return *std::move(text);
}

// Field accessors. Each returns false (and sets [*error]) when the field is
// present with the wrong type; a missing or null field leaves the output
// untouched.
const Value* Field(const Value& object, std::string_view key) {
  const Value* v = object.Get(key);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

bool GetString(const Value& object, std::string_view key,
               std::optional<std::string>* out, std::string* error) {
  const Value* v = Field(object, key);
  if (v == nullptr) return true;
  if (!v->is_string()) {
    *error = std::string(key) + " must be a string";
    return false;
  }
  *out = std::string(v->as_string());
  return true;
}

bool GetBool(const Value& object, std::string_view key, bool* out,
             std::string* error) {
  const Value* v = Field(object, key);
  if (v == nullptr) return true;
  if (!v->is_bool()) {
    *error = std::string(key) + " must be a boolean";
    return false;
  }
  *out = v->as_bool();
  return true;
}

// One case mapping; [*error] says what is wrong when it returns false.
bool ReadCase(const Value& item, TestCase* tc, std::string* error) {
  if (!item.is_object()) {
    *error = "a case must be a mapping";
    return false;
  }
  std::optional<std::string> note, query;
  if (!GetString(item, "note", &note, error)) return false;
  if (!GetString(item, "query", &query, error)) return false;
  if (!note) {
    *error = "a case has no note";
    return false;
  }
  tc->note = *note;
  if (!query) {
    *error = "case \"" + *note + "\" has no query";
    return false;
  }
  tc->query = *query;

  if (const Value* modules = Field(item, "modules")) {
    if (!modules->is_array()) {
      *error = "modules must be a list";
      return false;
    }
    for (const Value& m : modules->items()) {
      if (!m.is_string()) {
        *error = "modules must be a list of strings";
        return false;
      }
      tc->modules.emplace_back(m.as_string());
    }
  }
  if (const Value* data = Field(item, "data")) {
    if (!data->is_object()) {
      *error = "data must be a mapping";
      return false;
    }
    tc->data = *data;
  }
  if (const Value* input = Field(item, "input")) tc->input = *input;
  if (!GetString(item, "input_term", &tc->input_term, error)) return false;
  if (const Value* want = Field(item, "want_result")) {
    if (!want->is_array()) {
      *error = "want_result must be a list";
      return false;
    }
    for (const Value& binding : want->items()) {
      if (!binding.is_object()) {
        *error = "want_result must be a list of mappings";
        return false;
      }
    }
    tc->want_result = *want;
  }
  if (!GetString(item, "want_error_code", &tc->want_error_code, error)) return false;
  if (!GetString(item, "want_error", &tc->want_error, error)) return false;
  if (!GetBool(item, "sort_bindings", &tc->sort_bindings, error)) return false;
  if (!GetBool(item, "strict_error", &tc->strict_error, error)) return false;
  return GetBool(item, "ignore_generated_vars", &tc->ignore_generated_vars, error);
}

// Appends the cases of one file to [out], or one case carrying the
// file's load error: a broken file contributes no other case.
void LoadFile(const fs::path& path, const std::string& relative,
              LoadedCases* out) {
  ++out->files;
  std::string folder = fs::path(relative).parent_path().generic_string();
  auto fail = [&](std::string message) {
    TestCase tc;
    tc.note = relative;
    tc.file = relative;
    tc.folder = folder;
    tc.load_error = std::move(message);
    out->cases.push_back(std::move(tc));
  };
  std::optional<std::string> text = ReadFile(path);
  if (!text) return fail("cannot read the file");
  absl::StatusOr<Value> doc = ParseYaml(*text);
  if (!doc.ok()) return fail(std::string(doc.status().message()));
  if (doc->is_null() || doc->is_undefined()) return;  // empty document
  if (!doc->is_object()) return fail("the document must be a mapping");
  const Value* cases = Field(*doc, "cases");
  if (cases == nullptr) return;
  if (!cases->is_array()) return fail("cases must be a list");
  std::vector<TestCase> loaded;
  for (const Value& item : cases->items()) {
    TestCase tc;
    tc.file = relative;
    tc.folder = folder;
    std::string error;
    if (!ReadCase(item, &tc, &error)) return fail(error);
    loaded.push_back(std::move(tc));
  }
  for (TestCase& tc : loaded) out->cases.push_back(std::move(tc));
}

}  // namespace

absl::StatusOr<LoadedCases> LoadCaseFiles(const std::string& dir) {
  std::error_code ec;
  fs::path root(dir);
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    return absl::NotFoundError("cannot read cases directory " + dir);
  }
  LoadedCases out;
  if (!fs::is_directory(status)) {
    LoadFile(root, root.filename().generic_string(), &out);
    return out;
  }
  std::vector<std::pair<std::string, fs::path>> files;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::follow_directory_symlink, ec);
  if (ec) return absl::NotFoundError("cannot read cases directory " + dir);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || !IsCaseFile(it->path())) continue;
    files.emplace_back(it->path().lexically_relative(root).generic_string(),
                       it->path());
  }
  if (ec) {
    return absl::UnavailableError("error walking " + dir + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const auto& [relative, path] : files) LoadFile(path, relative, &out);
  return out;
}

}  // namespace verdict::conformance
