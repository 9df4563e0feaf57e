// Loader for OPA's YAML conformance cases; see opa_cases.h. Used by
// tests/syntax/conformance_parse_test.cc.
#include "opa_cases.h"

#include <algorithm>
#include <exception>
#include <filesystem>

namespace verdict::testing {
namespace {

std::optional<std::string> OptionalString(const YAML::Node& node, const char* key) {
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  return value.as<std::string>();
}

YAML::Node Optional(const YAML::Node& node, const char* key) {
  YAML::Node value = node[key];
  if (!value) return YAML::Node();
  return YAML::Clone(value);
}

}  // namespace

std::string OpaCasesDir() {
  return std::string(VERDICT_SHARED_DIR) + "/conformance/opa/v1";
}

bool LoadOpaCaseFile(const std::string& path, std::vector<OpaCase>& out,
                     std::string& error) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    YAML::Node cases = root["cases"];
    if (!cases || !cases.IsSequence()) {
      error = path + ": no `cases` list";
      return false;
    }
    for (const YAML::Node& node : cases) {
      OpaCase c;
      c.file = path;
      c.note = node["note"].as<std::string>("");
      c.query = node["query"].as<std::string>("");
      if (YAML::Node modules = node["modules"]) {
        for (const YAML::Node& m : modules) c.modules.push_back(m.as<std::string>());
      }
      c.input_term = OptionalString(node, "input_term");
      c.want_error_code = OptionalString(node, "want_error_code");
      c.want_error = OptionalString(node, "want_error");
      c.data = Optional(node, "data");
      c.input = Optional(node, "input");
      c.want_result = Optional(node, "want_result");
      c.strict_error = node["strict_error"].as<bool>(false);
      c.sort_bindings = node["sort_bindings"].as<bool>(false);
      out.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    error = path + ": " + e.what();
    return false;
  }
  return true;
}

bool LoadOpaCases(const std::string& dir, std::vector<OpaCase>& out,
                  std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    error = dir + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    if (!LoadOpaCaseFile(f, out, error)) return false;
  }
  return true;
}

}  // namespace verdict::testing
