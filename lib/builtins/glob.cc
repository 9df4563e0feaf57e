// File: lib/builtins/glob.cc
//
// glob.match and glob.quote_meta. The matcher is glob_pattern.cc; compiled
// patterns come through the context's PatternMemo and PatternCache
// (patterns.h).
//
//   glob.match("*.github.com", ["."], "api.github.com")   // true
//   glob.match("*.github.com", [], "a.b.github.com")      // false: [] means ["."]
//   glob.match("*.github.com", null, "a.b.github.com")    // true: no delimiters
//
// Tested by tests/builtins/glob_test.cc.
#include <string>

#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/glob.h"
#include "builtins/patterns.h"
#include "builtins/utf8.h"

namespace verdict::builtins {

absl::StatusOr<Value> GlobMatch(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("glob.match", 0, args[0], {"string"});
  std::u32string delimiters;  // inline for up to three: no allocation
  const Value& d = args[1];
  if (d.is_array()) {
    for (const Value& item : d.items()) {
      if (!item.is_string()) return OperandElementError("glob.match", 1, d, item, "string");
      std::string_view s = item.as_string();
      size_t pos = 0;
      char32_t r = s.empty() ? 0 : DecodeUtf8(s, &pos);
      if (s.empty() || pos != s.size()) {
        return OperandElementError("glob.match", 1, d, item, "rune");
      }
      delimiters.push_back(r);
    }
    if (delimiters.empty()) delimiters.push_back(U'.');
  } else if (!d.is_null()) {
    return OperandTypeError("glob.match", 1, d, {"array", "null"});
  }
  VERDICT_ASSIGN_OR_RETURN(std::string_view text, StringArg("glob.match", args, 2));
  std::shared_ptr<const Glob> keep;
  absl::StatusOr<const Glob*> glob = LookupGlob(ctx, args[0], delimiters, &keep);
  if (!glob.ok()) return BuiltinError("glob.match", Std(glob.status().message()));
  return Value::Bool((*glob)->Match(text));
}

absl::StatusOr<Value> GlobQuoteMeta(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("glob.quote_meta", args, 0));
  return Value::String(Glob::QuoteMeta(s), ctx.arena);
}

}  // namespace verdict::builtins
