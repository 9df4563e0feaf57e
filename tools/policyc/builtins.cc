// `policyc builtins [--json] [NAME...]`: lists every builtin verdict knows
// (lib/builtins/builtins.def), sorted by name, one per line:
//
//   count(any) -> number
//   time.now_ns() -> number  [nondeterministic]
//   http.send(object) -> object  [unsupported: network calls make ...]
//
// NAME arguments keep only builtins whose name starts with one of them
// ("strings." lists the strings.* family). --json prints an array of
// {"name", "args", "result", "nondeterministic", "deprecated", "relation",
// "unsupported", "reason"} objects instead. Exit 0, or 2 on usage errors.
// Tested by tests/tools/policyc_builtins_test.cc.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/registry.h"
#include "commands.h"
#include "verdict/value.h"

namespace verdict::policyc {
namespace {

constexpr char kBuiltinsUsage[] =
    "usage: policyc builtins [--json] [NAME...]\n"
    "\n"
    "Lists every builtin function with its signature and flags:\n"
    "  name(type, ...) -> type  [nondeterministic] [deprecated] [relation]\n"
    "  name(type, ...) -> type  [unsupported: reason]\n"
    "NAME keeps the builtins whose name starts with it (e.g. strings.).\n"
    "--json prints a JSON array of {name, args, result, nondeterministic,\n"
    "deprecated, relation, unsupported, reason} objects.\n"
    "Exit status: 0 ok, 2 usage error.\n";

std::string_view TypeWord(builtins::Type t) {
  switch (t) {
    case builtins::Type::kAny:
      return "any";
    case builtins::Type::kNull:
      return "null";
    case builtins::Type::kBoolean:
      return "boolean";
    case builtins::Type::kNumber:
      return "number";
    case builtins::Type::kString:
      return "string";
    case builtins::Type::kArray:
      return "array";
    case builtins::Type::kObject:
      return "object";
    case builtins::Type::kSet:
      return "set";
    case builtins::Type::kCollection:
      return "collection";
  }
  return "any";
}

std::string Signature(const builtins::BuiltinInfo& b) {
  std::string s(b.name);
  s += '(';
  for (int i = 0; i < b.arity; ++i) {
    if (i > 0) s += ", ";
    s += TypeWord(b.args[i]);
  }
  s += ") -> ";
  s += TypeWord(b.result);
  return s;
}

std::string TextLine(const builtins::BuiltinInfo& b) {
  std::string line = Signature(b);
  if (b.flags & builtins::kNondeterministic) line += "  [nondeterministic]";
  if (b.flags & builtins::kDeprecated) line += "  [deprecated]";
  if (b.flags & builtins::kRelation) line += "  [relation]";
  if (b.flags & builtins::kUnsupported) {
    line += "  [unsupported: ";
    line += b.unsupported_reason;
    line += ']';
  }
  return line;
}

Value JsonEntry(const builtins::BuiltinInfo& b) {
  ArrayBuilder args;
  for (int i = 0; i < b.arity; ++i) args.Add(Value::String(TypeWord(b.args[i])));
  ObjectBuilder o;
  o.Add(Value::String("name"), Value::String(b.name));
  o.Add(Value::String("args"), args.Build());
  o.Add(Value::String("result"), Value::String(TypeWord(b.result)));
  o.Add(Value::String("nondeterministic"),
        Value::Bool((b.flags & builtins::kNondeterministic) != 0));
  o.Add(Value::String("deprecated"), Value::Bool((b.flags & builtins::kDeprecated) != 0));
  o.Add(Value::String("relation"), Value::Bool((b.flags & builtins::kRelation) != 0));
  bool unsupported = (b.flags & builtins::kUnsupported) != 0;
  o.Add(Value::String("unsupported"), Value::Bool(unsupported));
  if (unsupported) o.Add(Value::String("reason"), Value::String(b.unsupported_reason));
  return o.Build();
}

}  // namespace

int RunBuiltins(Args args) {
  bool json = false;
  std::vector<std::string_view> prefixes;
  for (std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(kBuiltinsUsage, stdout);
      return kExitOk;
    }
    if (arg == "--json") {
      json = true;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "policyc builtins: unknown option '%.*s'\n\n%s",
                   static_cast<int>(arg.size()), arg.data(), kBuiltinsUsage);
      return kExitUsage;
    }
    prefixes.push_back(arg);
  }
  std::vector<const builtins::BuiltinInfo*> list;
  for (const builtins::BuiltinInfo& b : builtins::AllBuiltins()) {
    bool keep = prefixes.empty();
    for (std::string_view p : prefixes) keep = keep || b.name.substr(0, p.size()) == p;
    if (keep) list.push_back(&b);
  }
  std::sort(list.begin(), list.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  if (json) {
    ArrayBuilder out;
    for (const builtins::BuiltinInfo* b : list) out.Add(JsonEntry(*b));
    std::string text = ToPrettyJson(out.Build());
    std::fprintf(stdout, "%s\n", text.c_str());
    return kExitOk;
  }
  for (const builtins::BuiltinInfo* b : list) {
    std::string line = TextLine(*b);
    std::fprintf(stdout, "%s\n", line.c_str());
  }
  return kExitOk;
}

}  // namespace verdict::policyc
