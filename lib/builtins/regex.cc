// File: lib/builtins/regex.cc
//
// Regular-expression builtins over RE2, whose syntax is Go's regexp syntax.
// Compiled patterns come from the engine's PatternCache (patterns.h). The
// iteration rules of Go's FindAll / Split / ReplaceAll are reproduced
// exactly: matching resumes with the whole text as context (so '^' only
// matches at the start), an empty match right after a previous match is
// skipped, and the position always advances by at least one rune.
//
// Builtins: regex.match (and re_match), regex.is_valid, regex.split,
// regex.find_n, regex.find_all_string_submatch_n, regex.replace (with Go's
// $1 / ${name} expansion), regex.template_match, regex.globs_match.
//
// Tested by tests/builtins/regex_test.cc.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/glob_intersect.h"
#include "builtins/patterns.h"
#include "builtins/utf8.h"

namespace verdict::builtins {
namespace {

absl::StatusOr<std::shared_ptr<const RE2>> Regex(BuiltinContext& ctx,
                                                 std::string_view name,
                                                 std::string_view pattern) {
  absl::StatusOr<std::shared_ptr<const RE2>> re = GetRegex(ctx.patterns, pattern);
  if (!re.ok()) return BuiltinError(name, Std(re.status().message()));
  return re;
}

// One match: byte offsets of the whole match and of each group (-1 when a
// group did not take part).
struct Match {
  std::vector<std::ptrdiff_t> offsets;  // 2 * (groups + 1)
};

// Go's allMatches: up to [n] matches (n < 0: all) of [re] in [s].
std::vector<Match> FindAll(const RE2& re, std::string_view s, int64_t n) {
  std::vector<Match> out;
  if (n == 0) return out;
  const int groups = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups) + 1);
  const re2::StringPiece text(s.data(), s.size());
  size_t pos = 0;
  std::ptrdiff_t prev_end = -1;
  while ((n < 0 || static_cast<int64_t>(out.size()) < n) && pos <= s.size()) {
    if (!re.Match(text, pos, s.size(), RE2::UNANCHORED, sub.data(), groups + 1)) break;
    std::ptrdiff_t start = sub[0].data() - s.data();
    std::ptrdiff_t end = start + static_cast<std::ptrdiff_t>(sub[0].size());
    bool accept = true;
    if (end == static_cast<std::ptrdiff_t>(pos)) {
      // An empty match: not right after the previous match; step one rune.
      if (start == prev_end) accept = false;
      if (pos < s.size()) {
        DecodeUtf8(s, &pos);
      } else {
        pos = s.size() + 1;
      }
    } else {
      pos = static_cast<size_t>(end);
    }
    prev_end = end;
    if (accept) {
      Match m;
      m.offsets.reserve(sub.size() * 2);
      for (const re2::StringPiece& g : sub) {
        if (g.data() == nullptr) {
          m.offsets.push_back(-1);
          m.offsets.push_back(-1);
        } else {
          std::ptrdiff_t b = g.data() - s.data();
          m.offsets.push_back(b);
          m.offsets.push_back(b + static_cast<std::ptrdiff_t>(g.size()));
        }
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

bool IsNameChar(char32_t r) {
  return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') ||
         (r >= 'A' && r <= 'Z') || r >= 0x80;  // Go: unicode.IsLetter/IsDigit
}

// Go's Regexp.Expand of [tmpl] for one match of [re] in [src].
void Expand(const RE2& re, std::string* out, std::string_view tmpl, std::string_view src,
            const std::vector<std::ptrdiff_t>& m) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    // extract(): a name of letters, digits and '_', optionally in braces.
    bool brace = !tmpl.empty() && tmpl[0] == '{';
    size_t i = brace ? 1 : 0;
    size_t name_start = i;
    while (i < tmpl.size()) {
      size_t next = i;
      char32_t r = DecodeUtf8(tmpl, &next);
      if (!IsNameChar(r)) break;
      i = next;
    }
    std::string_view name = tmpl.substr(name_start, i - name_start);
    bool ok = !name.empty();
    if (ok && brace) {
      if (i >= tmpl.size() || tmpl[i] != '}') {
        ok = false;
      } else {
        ++i;
      }
    }
    if (!ok) {
      out->push_back('$');  // malformed: '$' is plain text
      continue;
    }
    tmpl.remove_prefix(i);
    int64_t num = -1;
    if (name.find_first_not_of("0123456789") == std::string_view::npos && name.size() < 9) {
      num = 0;
      for (char c : name) num = num * 10 + (c - '0');
    }
    int group = -1;
    if (num >= 0) {
      group = static_cast<int>(num);
    } else {
      for (const auto& [index, group_name] : re.CapturingGroupNames()) {
        if (group_name == name) {
          group = index;
          break;
        }
      }
    }
    if (group >= 0 && 2 * static_cast<size_t>(group) + 1 < m.size() && m[2 * group] >= 0) {
      out->append(src.substr(static_cast<size_t>(m[2 * group]),
                             static_cast<size_t>(m[2 * group + 1] - m[2 * group])));
    }
  }
  out->append(tmpl);
}

// Go's regexp.QuoteMeta.
std::string QuoteMetaGo(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> RegexMatch(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("regex.match", 0, args[0], {"string"});
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("regex.match", args, 1));
  std::shared_ptr<const RE2> keep;
  absl::StatusOr<const RE2*> re = LookupRegex(ctx, args[0], &keep);
  if (!re.ok()) return BuiltinError("regex.match", Std(re.status().message()));
  return Value::Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), **re));
}

absl::StatusOr<Value> RegexIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return Value::Bool(false);
  return Value::Bool(GetRegex(ctx.patterns, args[0].as_string()).ok());
}

// Go's Regexp.Split(s, -1).
absl::StatusOr<Value> RegexSplit(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view pattern, StringArg("regex.split", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("regex.split", args, 1));
  VERDICT_ASSIGN_OR_RETURN(auto re, Regex(ctx, "regex.split", pattern));
  ArrayBuilder out(ctx.arena);
  if (!pattern.empty() && s.empty()) {
    out.Add(Value::String("", ctx.arena));
    return out.Build();
  }
  size_t beg = 0, end = 0;
  for (const Match& m : FindAll(*re, s, -1)) {
    end = static_cast<size_t>(m.offsets[0]);
    if (m.offsets[1] != 0) out.Add(Value::String(s.substr(beg, end - beg), ctx.arena));
    beg = static_cast<size_t>(m.offsets[1]);
  }
  if (end != s.size()) out.Add(Value::String(s.substr(beg), ctx.arena));
  return out.Build();
}

absl::StatusOr<Value> RegexFindN(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view pattern, StringArg("regex.find_n", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("regex.find_n", args, 1));
  VERDICT_ASSIGN_OR_RETURN(int64_t n, IntArg("regex.find_n", args, 2));
  VERDICT_ASSIGN_OR_RETURN(auto re, Regex(ctx, "regex.find_n", pattern));
  ArrayBuilder out(ctx.arena);
  for (const Match& m : FindAll(*re, s, n)) {
    out.Add(Value::String(s.substr(static_cast<size_t>(m.offsets[0]),
                                   static_cast<size_t>(m.offsets[1] - m.offsets[0])),
                          ctx.arena));
  }
  return out.Build();
}

absl::StatusOr<Value> RegexFindAllStringSubmatchN(BuiltinContext& ctx,
                                                  std::span<const Value> args) {
  constexpr std::string_view kName = "regex.find_all_string_submatch_n";
  VERDICT_ASSIGN_OR_RETURN(std::string_view pattern, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(kName, args, 1));
  VERDICT_ASSIGN_OR_RETURN(int64_t n, IntArg(kName, args, 2));
  VERDICT_ASSIGN_OR_RETURN(auto re, Regex(ctx, kName, pattern));
  ArrayBuilder out(ctx.arena);
  for (const Match& m : FindAll(*re, s, n)) {
    ArrayBuilder groups(ctx.arena);
    for (size_t g = 0; g + 1 < m.offsets.size(); g += 2) {
      if (m.offsets[g] < 0) {
        groups.Add(Value::String("", ctx.arena));
      } else {
        groups.Add(Value::String(s.substr(static_cast<size_t>(m.offsets[g]),
                                          static_cast<size_t>(m.offsets[g + 1] - m.offsets[g])),
                                 ctx.arena));
      }
    }
    out.Add(groups.Build());
  }
  return out.Build();
}

// Go's Regexp.ReplaceAllString.
absl::StatusOr<Value> RegexReplace(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("regex.replace", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view pattern, StringArg("regex.replace", args, 1));
  VERDICT_ASSIGN_OR_RETURN(std::string_view repl, StringArg("regex.replace", args, 2));
  VERDICT_ASSIGN_OR_RETURN(auto re, Regex(ctx, "regex.replace", pattern));
  const int groups = re->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups) + 1);
  const re2::StringPiece text(s.data(), s.size());
  std::string out;
  size_t last_end = 0;
  size_t search = 0;
  bool changed = false;
  while (search <= s.size()) {
    if (!re->Match(text, search, s.size(), RE2::UNANCHORED, sub.data(), groups + 1)) break;
    size_t a0 = static_cast<size_t>(sub[0].data() - s.data());
    size_t a1 = a0 + sub[0].size();
    out.append(s.substr(last_end, a0 - last_end));
    // No replacement for an empty match right after another match.
    if (a1 > last_end || a0 == 0) {
      std::vector<std::ptrdiff_t> m;
      for (const re2::StringPiece& g : sub) {
        if (g.data() == nullptr) {
          m.push_back(-1);
          m.push_back(-1);
        } else {
          m.push_back(g.data() - s.data());
          m.push_back(g.data() - s.data() + static_cast<std::ptrdiff_t>(g.size()));
        }
      }
      Expand(*re, &out, repl, s, m);
      changed = true;
    }
    last_end = a1;
    size_t width = 1;
    if (search < s.size()) {
      size_t next = search;
      DecodeUtf8(s, &next);
      width = next - search;
    }
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  if (!changed) return args[0];
  out.append(s.substr(std::min(last_end, s.size())));
  if (out == s) return args[0];
  return Value::String(out, ctx.arena);
}

absl::StatusOr<Value> RegexTemplateMatch(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "regex.template_match";
  VERDICT_ASSIGN_OR_RETURN(std::string_view tmpl, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(kName, args, 1));
  VERDICT_ASSIGN_OR_RETURN(std::string_view start, StringArg(kName, args, 2));
  VERDICT_ASSIGN_OR_RETURN(std::string_view end, StringArg(kName, args, 3));
  if (start.size() != 1) {
    return BuiltinError(kName, absl::StrCat("start delimiter has to be exactly one "
                                            "character long but is ",
                                            start.size(), " long"));
  }
  if (end.size() != 1) {
    // OPA reports the start delimiter's length here.
    return BuiltinError(kName, absl::StrCat("end delimiter has to be exactly one "
                                            "character long but is ",
                                            start.size(), " long"));
  }
  // First-level delimiter positions; unbalanced delimiters are an error.
  std::vector<size_t> idxs;
  int level = 0;
  size_t open = 0;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == start[0]) {
      if (++level == 1) open = i;
    } else if (tmpl[i] == end[0]) {
      if (--level == 0) {
        idxs.push_back(open);
        idxs.push_back(i + 1);
      } else if (level < 0) {
        break;
      }
    }
  }
  if (level != 0) {
    return BuiltinError(kName, absl::StrCat("unbalanced braces in \"", Absl(tmpl), "\""));
  }
  std::string pattern = "^";
  size_t last = 0;
  for (size_t i = 0; i < idxs.size(); i += 2) {
    std::string_view raw = tmpl.substr(last, idxs[i] - last);
    last = idxs[i + 1];
    std::string_view part = tmpl.substr(idxs[i] + 1, last - idxs[i] - 2);
    // Each part must compile on its own.
    VERDICT_RETURN_IF_ERROR(Regex(ctx, kName, absl::StrCat("^", Absl(part), "$")).status());
    absl::StrAppend(&pattern, QuoteMetaGo(raw), "(", Absl(part), ")");
  }
  absl::StrAppend(&pattern, QuoteMetaGo(tmpl.substr(last)), "$");
  VERDICT_ASSIGN_OR_RETURN(auto re, Regex(ctx, kName, pattern));
  return Value::Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}

absl::StatusOr<Value> RegexGlobsMatch(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view a, StringArg("regex.globs_match", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view b, StringArg("regex.globs_match", args, 1));
  absl::StatusOr<bool> r = GlobsIntersect(a, b);
  if (!r.ok()) return BuiltinError("regex.globs_match", Std(r.status().message()));
  return Value::Bool(*r);
}

}  // namespace verdict::builtins
