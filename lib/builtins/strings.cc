// File: lib/builtins/strings.cc
//
// String builtins with the semantics of the Go functions OPA calls:
// concat (strings.Join), contains/startswith/endswith, lower/upper
// (unicode.ToLower/ToUpper per rune), split (strings.Split), replace and
// strings.replace_n (strings.NewReplacer: leftmost match, earlier pattern
// first, no overlaps), trim* (cutsets are sets of runes), substring,
// indexof, indexof_n (rune offsets), format_int, strings.count,
// strings.reverse, strings.any_prefix_match / any_suffix_match. sprintf is
// in sprintf.cc.
//
// Tested by tests/builtins/strings_test.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "builtins/utf8.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

// --- Unicode helpers ------------------------------------------------------------

// Simple case mapping for the scripts policies meet in practice: ASCII,
// Latin-1, Latin Extended-A, Greek, Cyrillic and fullwidth Latin (Go's
// unicode tables cover all of Unicode; the rest map to themselves here).
char32_t ToLowerRune(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) return r + 32;
  if (r >= 0x100 && r <= 0x17F) {
    if (r == 0x130) return 'i';
    if (r == 0x178) return 0xFF;
    if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) {
      return (r % 2 == 1) ? r + 1 : r;
    }
    if (r == 0x131 || r == 0x138 || r == 0x149 || r == 0x17F) return r;
    return (r % 2 == 0) ? r + 1 : r;
  }
  if (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) return r + 32;
  if (r >= 0x386 && r <= 0x38F) {
    switch (r) {
      case 0x386: return 0x3AC;
      case 0x388: return 0x3AD;
      case 0x389: return 0x3AE;
      case 0x38A: return 0x3AF;
      case 0x38C: return 0x3CC;
      case 0x38E: return 0x3CD;
      case 0x38F: return 0x3CE;
      default: return r;
    }
  }
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  if (r >= 0xFF21 && r <= 0xFF3A) return r + 32;
  return r;
}

char32_t ToUpperRune(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  if (r >= 0xE0 && r <= 0xFE && r != 0xF7) return r - 32;
  if (r == 0xFF) return 0x178;
  if (r == 0xB5) return 0x39C;
  if (r >= 0x100 && r <= 0x17F) {
    if (r == 0x131) return 'I';
    if (r == 0x17F) return 'S';
    if ((r >= 0x13A && r <= 0x148) || (r >= 0x17A && r <= 0x17E)) {
      return (r % 2 == 0) ? r - 1 : r;
    }
    if (r == 0x130 || r == 0x138 || r == 0x149 || r == 0x178) return r;
    return (r % 2 == 1) ? r - 1 : r;
  }
  if (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) return r - 32;
  if (r == 0x3C2) return 0x3A3;
  switch (r) {
    case 0x3AC: return 0x386;
    case 0x3AD: return 0x388;
    case 0x3AE: return 0x389;
    case 0x3AF: return 0x38A;
    case 0x3CC: return 0x38C;
    case 0x3CD: return 0x38E;
    case 0x3CE: return 0x38F;
    default: break;
  }
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  if (r >= 0xFF41 && r <= 0xFF5A) return r - 32;
  return r;
}

// Go's unicode.IsSpace.
bool IsSpaceRune(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

template <typename F>
Value MapRunes(BuiltinContext& ctx, const Value& original, F f) {
  std::string_view s = original.as_string();
  bool ascii = std::all_of(s.begin(), s.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    // ASCII maps to ASCII byte for byte: no change returns the operand
    // itself, else the result is written straight into the new string.
    auto map = [&](char c) { return static_cast<char>(f(static_cast<char32_t>(c))); };
    if (std::all_of(s.begin(), s.end(), [&](char c) { return map(c) == c; })) return original;
    return Value::StringWith(s.size(), ctx.arena, [&](char* p) {
      for (size_t i = 0; i < s.size(); ++i) p[i] = map(s[i]);
    });
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t r = DecodeUtf8(s, &i);
    if (r == 0xFFFD && i - start == 1) {
      out.push_back(s[start]);  // keep invalid bytes as they are
    } else {
      AppendUtf8(&out, f(r));
    }
  }
  if (out == s) return original;
  return Value::String(out, ctx.arena);
}

std::vector<char32_t> Runes(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(DecodeUtf8(s, &i));
  return out;
}

bool InCutset(char32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    if (DecodeUtf8(cutset, &i) == r) return true;
  }
  return false;
}

// Byte offset after trimming cutset runes from the left / right.
size_t TrimLeftEnd(std::string_view s, std::string_view cutset) {
  size_t i = 0;
  while (i < s.size()) {
    size_t next = i;
    char32_t r = DecodeUtf8(s, &next);
    if (!InCutset(r, cutset)) break;
    i = next;
  }
  return i;
}

// Decodes the rune ending at [end] (exclusive); sets *start to its first byte.
char32_t DecodeLastRune(std::string_view s, size_t end, size_t* start) {
  size_t begin = end - 1;
  size_t limit = end >= 4 ? end - 4 : 0;
  while (begin > limit && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
  size_t pos = begin;
  char32_t r = DecodeUtf8(s, &pos);
  if (pos != end) {  // not one well-formed rune: the last byte alone
    *start = end - 1;
    return 0xFFFD;
  }
  *start = begin;
  return r;
}

size_t TrimRightEnd(std::string_view s, std::string_view cutset) {
  size_t end = s.size();
  while (end > 0) {
    size_t start;
    char32_t r = DecodeLastRune(s, end, &start);
    if (!InCutset(r, cutset)) break;
    end = start;
  }
  return end;
}

Value Sub(BuiltinContext& ctx, const Value& original, std::string_view piece) {
  if (piece.size() == original.as_string().size()) return original;
  return Value::String(piece, ctx.arena);
}

}  // namespace

absl::StatusOr<Value> Concat(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view sep, StringArg("concat", args, 0));
  const Value& list = args[1];
  if (!list.is_array() && !list.is_set()) {
    return OperandTypeError("concat", 1, list, {"set", "array"});
  }
  std::span<const Value> items = list.items();
  if (items.empty()) return Value::String("", ctx.arena);
  if (items.size() == 1 && items[0].is_string()) return items[0];
  size_t total = sep.size() * (items.size() - 1);
  for (const Value& item : items) {
    if (!item.is_string()) return OperandElementError("concat", 1, list, item, "string");
    total += item.size();
  }
  return Value::StringWith(total, ctx.arena, [&](char* data) {
    size_t pos = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) {
        std::copy(sep.begin(), sep.end(), data + pos);
        pos += sep.size();
      }
      std::string_view s = items[i].as_string();
      std::copy(s.begin(), s.end(), data + pos);
      pos += s.size();
    }
  });
}

absl::StatusOr<Value> Contains(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("contains", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view sub, StringArg("contains", args, 1));
  return Value::Bool(s.find(sub) != std::string_view::npos);
}

absl::StatusOr<Value> StartsWith(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("startswith", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view p, StringArg("startswith", args, 1));
  return Value::Bool(s.starts_with(p));
}

absl::StatusOr<Value> EndsWith(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("endswith", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view p, StringArg("endswith", args, 1));
  return Value::Bool(s.ends_with(p));
}

absl::StatusOr<Value> Lower(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_RETURN_IF_ERROR(StringArg("lower", args, 0).status());
  return MapRunes(ctx, args[0], ToLowerRune);
}

absl::StatusOr<Value> Upper(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_RETURN_IF_ERROR(StringArg("upper", args, 0).status());
  return MapRunes(ctx, args[0], ToUpperRune);
}

absl::StatusOr<Value> Split(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("split", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view sep, StringArg("split", args, 1));
  ArrayBuilder out(ctx.arena);
  if (sep.empty()) {
    // Go: one element per rune (an invalid byte is its own element).
    for (size_t i = 0; i < s.size();) {
      size_t start = i;
      DecodeUtf8(s, &i);
      out.Add(Value::String(s.substr(start, i - start), ctx.arena));
    }
    return out.Build();
  }
  // A one-byte separator (the usual "/", ":", ",") is found with memchr.
  auto find = [&](size_t from) {
    return sep.size() == 1 ? s.find(sep[0], from) : s.find(sep, from);
  };
  const size_t first = find(0);
  if (first == std::string_view::npos) {
    out.Add(args[0]);
    return out.Build();
  }
  size_t start = 0;
  for (size_t pos = first; pos != std::string_view::npos; pos = find(start)) {
    out.Add(Value::String(s.substr(start, pos - start), ctx.arena));
    start = pos + sep.size();
  }
  out.Add(Value::String(s.substr(start), ctx.arena));
  return out.Build();
}

namespace {

// strings.NewReplacer(old1, new1, ...).Replace(s): at each byte position the
// first pair (in argument order) whose old string matches wins; an empty
// old string matches between bytes, but not twice in a row.
std::string GoReplace(std::string_view s,
                      const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  std::string out;
  out.reserve(s.size());
  bool prev_empty = false;
  size_t last = 0;
  size_t i = 0;
  while (i <= s.size()) {
    const std::pair<std::string_view, std::string_view>* match = nullptr;
    for (const auto& pair : pairs) {
      if (pair.first.empty() && prev_empty) continue;
      if (s.substr(i).starts_with(pair.first)) {
        match = &pair;
        break;
      }
    }
    prev_empty = match != nullptr && match->first.empty();
    if (match != nullptr) {
      out.append(s.substr(last, i - last));
      out.append(match->second);
      i += match->first.size();
      last = i;
      continue;
    }
    ++i;
  }
  if (last < s.size()) out.append(s.substr(last));
  return out;
}

}  // namespace

absl::StatusOr<Value> Replace(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("replace", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view old, StringArg("replace", args, 1));
  VERDICT_ASSIGN_OR_RETURN(std::string_view repl, StringArg("replace", args, 2));
  if (!old.empty() && s.find(old) == std::string_view::npos) return args[0];
  std::string out = GoReplace(s, {{old, repl}});
  if (out == s) return args[0];
  return Value::String(out, ctx.arena);
}

absl::StatusOr<Value> StringsReplaceN(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "strings.replace_n";
  VERDICT_ASSIGN_OR_RETURN(const Value* patterns, ObjectArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(kName, args, 1));
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  pairs.reserve(patterns->size());
  for (const ObjectEntry& e : patterns->entries()) {  // sorted by key, as OPA sorts
    if (!e.key.is_string()) {
      return OperandError(kName, 0, "non-string key found in pattern object");
    }
    if (!e.value.is_string()) {
      return OperandError(kName, 0, "non-string value found in pattern object");
    }
    pairs.emplace_back(e.key.as_string(), e.value.as_string());
  }
  return Value::String(GoReplace(s, pairs), ctx.arena);
}

absl::StatusOr<Value> Trim(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view cut, StringArg("trim", args, 1));
  size_t begin = TrimLeftEnd(s, cut);
  std::string_view rest = s.substr(begin);
  return Sub(ctx, args[0], rest.substr(0, TrimRightEnd(rest, cut)));
}

absl::StatusOr<Value> TrimLeft(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim_left", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view cut, StringArg("trim_left", args, 1));
  return Sub(ctx, args[0], s.substr(TrimLeftEnd(s, cut)));
}

absl::StatusOr<Value> TrimRight(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim_right", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view cut, StringArg("trim_right", args, 1));
  return Sub(ctx, args[0], s.substr(0, TrimRightEnd(s, cut)));
}

absl::StatusOr<Value> TrimPrefix(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim_prefix", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view p, StringArg("trim_prefix", args, 1));
  if (!s.starts_with(p)) return args[0];
  return Sub(ctx, args[0], s.substr(p.size()));
}

absl::StatusOr<Value> TrimSuffix(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim_suffix", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view p, StringArg("trim_suffix", args, 1));
  if (!s.ends_with(p)) return args[0];
  return Sub(ctx, args[0], s.substr(0, s.size() - p.size()));
}

absl::StatusOr<Value> TrimSpace(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("trim_space", args, 0));
  size_t begin = 0;
  while (begin < s.size()) {
    size_t next = begin;
    if (!IsSpaceRune(DecodeUtf8(s, &next))) break;
    begin = next;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start;
    if (!IsSpaceRune(DecodeLastRune(s, end, &start))) break;
    end = start;
  }
  return Sub(ctx, args[0], s.substr(begin, end - begin));
}

absl::StatusOr<Value> Substring(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("substring", args, 0));
  VERDICT_ASSIGN_OR_RETURN(int64_t start, IntArg("substring", args, 1));
  VERDICT_ASSIGN_OR_RETURN(int64_t length, IntArg("substring", args, 2));
  if (start < 0) return BuiltinError("substring", "negative offset");
  // Byte offsets of rune [start] and rune [start + length].
  size_t i = 0;
  int64_t n = 0;
  while (i < s.size() && n < start) {
    DecodeUtf8(s, &i);
    ++n;
  }
  if (i >= s.size()) return Value::String("", ctx.arena);
  if (length < 0) return Sub(ctx, args[0], s.substr(i));
  size_t j = i;
  int64_t m = 0;
  while (j < s.size() && m < length) {
    DecodeUtf8(s, &j);
    ++m;
  }
  return Sub(ctx, args[0], s.substr(i, j - i));
}

namespace {

// Rune offsets of every (overlapping) occurrence of [search] in [base];
// stops after the first when [first_only].
std::vector<int64_t> RuneIndexes(std::string_view base, std::string_view search,
                                 bool first_only) {
  std::vector<int64_t> out;
  int64_t rune = 0;
  for (size_t i = 0; i < base.size();) {
    if (base.substr(i).starts_with(search)) {
      out.push_back(rune);
      if (first_only) break;
    }
    DecodeUtf8(base, &i);
    ++rune;
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> IndexOf(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view base, StringArg("indexof", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view search, StringArg("indexof", args, 1));
  if (search.empty()) return BuiltinError("indexof", "empty search character");
  std::vector<int64_t> found = RuneIndexes(base, search, true);
  return Value::Int(found.empty() ? -1 : found[0]);
}

absl::StatusOr<Value> IndexOfN(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view base, StringArg("indexof_n", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view search, StringArg("indexof_n", args, 1));
  if (search.empty()) return BuiltinError("indexof_n", "empty search character");
  ArrayBuilder out(ctx.arena);
  for (int64_t i : RuneIndexes(base, search, false)) out.Add(Value::Int(i));
  return out.Build();
}

absl::StatusOr<Value> FormatInt(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* n, NumberArg("format_int", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* base_v, NumberArg("format_int", args, 1));
  std::optional<int64_t> base = base_v->ToInt64();
  if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16)) {
    return OperandError("format_int", 1, "must be one of {2, 8, 10, 16}");
  }
  // Truncate toward zero, exactly (big numbers included).
  value::Decimal d = value::ToDecimal(*n);
  std::string digits;
  if (d.exponent >= 0) {
    digits = d.digits;
    if (!digits.empty()) {
      if (d.exponent > 100000) return BuiltinError("format_int", "number too large");
      digits.append(static_cast<size_t>(d.exponent), '0');
    }
  } else if (static_cast<int64_t>(d.digits.size()) > -d.exponent) {
    digits = d.digits.substr(0, d.digits.size() - static_cast<size_t>(-d.exponent));
  }
  if (digits.empty()) digits = "0";
  bool negative = d.negative && digits != "0";
  std::string out;
  if (*base == 10) {
    out = digits;
  } else {
    // Repeated division of the decimal digit string.
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string cur = digits;
    while (!(cur.size() == 1 && cur[0] == '0')) {
      std::string q;
      int rem = 0;
      for (char c : cur) {
        int v = rem * 10 + (c - '0');
        int digit = v / static_cast<int>(*base);
        rem = v % static_cast<int>(*base);
        if (!q.empty() || digit != 0) q.push_back(static_cast<char>('0' + digit));
      }
      out.push_back(kDigits[rem]);
      cur = q.empty() ? "0" : q;
    }
    if (out.empty()) out = "0";
    std::reverse(out.begin(), out.end());
  }
  if (negative) out.insert(0, "-");
  return Value::String(out, ctx.arena);
}

absl::StatusOr<Value> StringsCount(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("strings.count", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view sub, StringArg("strings.count", args, 1));
  if (sub.empty()) return Value::Int(static_cast<int64_t>(CountRunes(s)) + 1);
  int64_t n = 0;
  for (size_t pos = s.find(sub); pos != std::string_view::npos;
       pos = s.find(sub, pos + sub.size())) {
    ++n;
  }
  return Value::Int(n);
}

absl::StatusOr<Value> StringsReverse(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("strings.reverse", args, 0));
  std::vector<char32_t> runes = Runes(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = runes.size(); i > 0; --i) AppendUtf8(&out, runes[i - 1]);
  return Value::String(out, ctx.arena);
}

namespace {

// Strings of a string, array or set operand of any_prefix/suffix_match.
absl::StatusOr<std::vector<std::string_view>> StringOrStrings(std::string_view name,
                                                              const Value& v, int pos) {
  std::vector<std::string_view> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
    return out;
  }
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError(name, pos, v, {"string", "set", "array"});
  }
  for (const Value& item : v.items()) {
    if (!item.is_string()) return OperandElementError(name, pos, v, item, "string");
    out.push_back(item.as_string());
  }
  return out;
}

absl::StatusOr<Value> AnyAffixMatch(std::span<const Value> args, std::string_view name,
                                    bool prefix) {
  VERDICT_ASSIGN_OR_RETURN(auto strs, StringOrStrings(name, args[0], 0));
  VERDICT_ASSIGN_OR_RETURN(auto affixes, StringOrStrings(name, args[1], 1));
  for (std::string_view s : strs) {
    for (std::string_view a : affixes) {
      if (prefix ? s.starts_with(a) : s.ends_with(a)) return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

}  // namespace

absl::StatusOr<Value> AnyPrefixMatch(BuiltinContext& ctx, std::span<const Value> args) {
  return AnyAffixMatch(args, "strings.any_prefix_match", true);
}

absl::StatusOr<Value> AnySuffixMatch(BuiltinContext& ctx, std::span<const Value> args) {
  return AnyAffixMatch(args, "strings.any_suffix_match", false);
}

}  // namespace verdict::builtins
