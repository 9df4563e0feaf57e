// File: lib/api/custom_builtins.cc
//
// CustomBuiltins (custom_builtins.h): validation of a CustomBuiltin, the
// BuiltinInfo the VM calls, and the lookups for compiler and VM.
//
// Tested by tests/api/custom_builtin_test.cc.
#include "api/custom_builtins.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "builtins/args.h"

namespace verdict::api {
namespace {

builtins::Type ToType(BuiltinType t) {
  switch (t) {
    case BuiltinType::kAny:
      return builtins::Type::kAny;
    case BuiltinType::kNull:
      return builtins::Type::kNull;
    case BuiltinType::kBoolean:
      return builtins::Type::kBoolean;
    case BuiltinType::kNumber:
      return builtins::Type::kNumber;
    case BuiltinType::kString:
      return builtins::Type::kString;
    case BuiltinType::kArray:
      return builtins::Type::kArray;
    case BuiltinType::kObject:
      return builtins::Type::kObject;
    case BuiltinType::kSet:
      return builtins::Type::kSet;
  }
  return builtins::Type::kAny;
}

// The value kind [t] admits, and OPA's word for it.
bool Admits(BuiltinType t, const Value& v, std::string_view* word) {
  switch (t) {
    case BuiltinType::kAny:
      return true;
    case BuiltinType::kNull:
      *word = "null";
      return v.is_null();
    case BuiltinType::kBoolean:
      *word = "boolean";
      return v.is_bool();
    case BuiltinType::kNumber:
      *word = "number";
      return v.is_number();
    case BuiltinType::kString:
      *word = "string";
      return v.is_string();
    case BuiltinType::kArray:
      *word = "array";
      return v.is_array();
    case BuiltinType::kObject:
      *word = "object";
      return v.is_object();
    case BuiltinType::kSet:
      *word = "set";
      return v.is_set();
  }
  return true;
}

// A Rego reference usable as a call: identifiers joined by dots.
bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  bool start = true;
  for (char c : name) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    if (!(letter || (digit && !start))) return false;
    start = false;
  }
  return !start;
}

// Never called: Verify() wants a function in every entry, and the VM calls
// BuiltinInfo::custom instead.
absl::StatusOr<Value> CustomStub(builtins::BuiltinContext&, std::span<const Value>) {
  return MakeError(ErrorCode::kEvalInternalError, "custom builtin called without its function");
}

}  // namespace

struct CustomBuiltins::Entry {
  CustomBuiltin spec;
  builtins::CustomBuiltinFn call;
  builtins::BuiltinInfo info;  // info.name and info.custom point into this entry
};

absl::Status CustomBuiltins::Add(CustomBuiltin builtin) {
  const std::string& name = builtin.name;
  if (!ValidName(name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("custom builtin name \"", name,
                                  "\" is not a Rego reference (identifiers joined by dots)"));
  }
  if (builtins::FindBuiltin(name) != nullptr || Find(name) != nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("builtin ", name, " already exists"));
  }
  if (builtin.args.size() > static_cast<size_t>(builtins::kMaxArity)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("custom builtin ", name, " takes ", builtin.args.size(),
                                  " arguments; at most ", builtins::kMaxArity,
                                  " are supported"));
  }
  if (!builtin.fn) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("custom builtin ", name, " has no function"));
  }
  auto entry = std::make_shared<Entry>();
  entry->spec = std::move(builtin);
  const Entry* self = entry.get();
  entry->call = [self](builtins::BuiltinContext&,
                       std::span<const Value> args) -> absl::StatusOr<Value> {
    const CustomBuiltin& spec = self->spec;
    for (size_t i = 0; i < args.size() && i < spec.args.size(); ++i) {
      std::string_view word;
      if (!Admits(spec.args[i], args[i], &word)) {
        return builtins::OperandTypeError(spec.name, static_cast<int>(i), args[i], {word});
      }
    }
    absl::StatusOr<Value> result = spec.fn(args);
    if (result.ok()) return result;
    std::string_view message = Std(result.status().message());
    std::string prefix = spec.name + ": ";
    if (message.substr(0, prefix.size()) == prefix) message.remove_prefix(prefix.size());
    return builtins::BuiltinError(spec.name, message);
  };
  builtins::BuiltinInfo& info = entry->info;
  info.name = entry->spec.name;
  info.fn = &CustomStub;
  info.arity = static_cast<int8_t>(entry->spec.args.size());
  for (size_t i = 0; i < entry->spec.args.size(); ++i) info.args[i] = ToType(entry->spec.args[i]);
  info.result = ToType(entry->spec.result);
  info.flags = entry->spec.deterministic ? builtins::kPure : builtins::kNondeterministic;
  info.custom = &entry->call;
  entries_.push_back(std::move(entry));
  return absl::OkStatus();
}

const builtins::BuiltinInfo* CustomBuiltins::Find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e->info.name == name) return &e->info;
  }
  return nullptr;
}

compile::CompileOptions CustomBuiltins::CompileOptions() const {
  compile::CompileOptions options;
  for (const auto& e : entries_) {
    options.extra_builtins.emplace_back(e->spec.name, e->info.arity);
  }
  return options;
}

vm::BuiltinLookup CustomBuiltins::Lookup() const {
  if (entries_.empty()) return vm::BuiltinLookup(&builtins::FindBuiltin);
  return [set = *this](std::string_view name) -> const builtins::BuiltinInfo* {
    if (const builtins::BuiltinInfo* info = builtins::FindBuiltin(name)) return info;
    return set.Find(name);
  };
}

}  // namespace verdict::api
