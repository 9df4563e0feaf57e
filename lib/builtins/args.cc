// File: lib/builtins/args.cc
//
// Operand checks and OPA-worded errors for builtins (see args.h).
//
// Tested through every tests/builtins/*_test.cc.
#include "builtins/args.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_code.h"
#include "base/strings.h"

namespace verdict::builtins {

std::string_view TypeNameOf(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
    case Kind::kSet:
      return "set";
  }
  return "undefined";
}

absl::Status OperandTypeError(std::string_view name, int pos, const Value& got,
                              std::initializer_list<std::string_view> expected) {
  std::string msg;
  if (expected.size() == 1) {
    msg = absl::StrCat(Absl(name), ": operand ", pos + 1, " must be ",
                       Absl(*expected.begin()), " but got ", Absl(TypeNameOf(got)));
  } else {
    std::string list;
    for (std::string_view e : expected) {
      if (!list.empty()) list += ", ";
      list += e;
    }
    msg = absl::StrCat(Absl(name), ": operand ", pos + 1, " must be one of {", list,
                       "} but got ", Absl(TypeNameOf(got)));
  }
  return MakeError(ErrorCode::kEvalTypeError, msg);
}

absl::Status OperandElementError(std::string_view name, int pos,
                                 const Value& composite, const Value& element,
                                 std::string_view expected) {
  std::string_view tpe = TypeNameOf(composite);
  return MakeError(ErrorCode::kEvalTypeError,
                   absl::StrCat(Absl(name), ": operand ", pos + 1, " must be ",
                                Absl(tpe), " of ", Absl(expected), "s but got ",
                                Absl(tpe), " containing ",
                                Absl(TypeNameOf(element))));
}

absl::Status OperandError(std::string_view name, int pos, std::string_view message) {
  return MakeError(ErrorCode::kEvalTypeError,
                   absl::StrCat(Absl(name), ": operand ", pos + 1, " ", Absl(message)));
}

absl::Status BuiltinError(std::string_view name, std::string_view message) {
  return MakeError(ErrorCode::kEvalBuiltinError,
                   absl::StrCat(Absl(name), ": ", Absl(message)));
}

absl::StatusOr<const Value*> ArrayArg(std::string_view name,
                                      std::span<const Value> args, int pos) {
  const Value& v = args[pos];
  if (!v.is_array()) return OperandTypeError(name, pos, v, {"array"});
  return &v;
}

absl::StatusOr<const Value*> ObjectArg(std::string_view name,
                                       std::span<const Value> args, int pos) {
  const Value& v = args[pos];
  if (!v.is_object()) return OperandTypeError(name, pos, v, {"object"});
  return &v;
}

absl::StatusOr<const Value*> SetArg(std::string_view name,
                                    std::span<const Value> args, int pos) {
  const Value& v = args[pos];
  if (!v.is_set()) return OperandTypeError(name, pos, v, {"set"});
  return &v;
}

absl::StatusOr<bool> BoolArg(std::string_view name, std::span<const Value> args,
                             int pos) {
  const Value& v = args[pos];
  if (!v.is_bool()) return OperandTypeError(name, pos, v, {"boolean"});
  return v.as_bool();
}

absl::StatusOr<int64_t> IntArg(std::string_view name, std::span<const Value> args,
                               int pos) {
  const Value& v = args[pos];
  if (!v.is_number()) return OperandTypeError(name, pos, v, {"number"});
  if (std::optional<int64_t> i = v.ToInt64()) return *i;
  return OperandError(name, pos,
                      "must be integer number but got floating-point number");
}

absl::Status ForEachStringItem(std::string_view name, const Value& collection, int pos,
                               const std::function<void(std::string_view)>& fn) {
  for (const Value& item : collection.items()) {
    if (!item.is_string()) {
      return OperandElementError(name, pos, collection, item, "string");
    }
    fn(item.as_string());
  }
  return absl::OkStatus();
}

}  // namespace verdict::builtins
