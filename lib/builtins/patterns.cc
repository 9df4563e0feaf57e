// File: lib/builtins/patterns.cc
//
// PatternCache, the per-context PatternMemo in front of it, and the compile
// functions behind them (see patterns.h). Regex errors are worded like Go's
// regexp package, which OPA surfaces:
//   error parsing regexp: missing closing ]: `[[[`
//
// Tested by tests/builtins/regex_test.cc (PatternCacheTest, PatternMemoTest)
// and tests/builtins/json_schema_test.cc (JsonSchemaCacheTest).
#include "builtins/patterns.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace verdict::builtins {
namespace {

// Go's regexp/syntax ErrorCode strings for RE2's codes.
std::string_view GoErrorText(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "invalid regular expression";
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RE2>> CompileRegex(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                        options);
  if (!re->ok()) {
    return MakeError(ErrorCode::kEvalBuiltinError,
                     absl::StrCat("error parsing regexp: ",
                                  Absl(GoErrorText(re->error_code())), ": `",
                                  re->error_arg(), "`"));
  }
  return re;
}

absl::StatusOr<std::shared_ptr<const RE2>> PatternCache::CompiledRegex(
    std::string_view pattern) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = regexes_.find(Absl(pattern));
    if (it != regexes_.end()) return it->second;
  }
  absl::StatusOr<std::shared_ptr<const RE2>> re = CompileRegex(pattern);
  if (!re.ok()) return re;  // invalid patterns are not cached
  absl::MutexLock lock(&mu_);
  if (regexes_.size() >= capacity_) regexes_.erase(regexes_.begin());
  regexes_.emplace(std::string(pattern), *re);
  return re;
}

absl::StatusOr<std::shared_ptr<const Glob>> PatternCache::CompiledGlob(
    std::string_view pattern, std::u32string_view delimiters) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = globs_.find(Absl(pattern));
    if (it != globs_.end()) {
      for (const GlobEntry& e : it->second) {
        if (e.delimiters == delimiters) return e.glob;
      }
    }
  }
  absl::StatusOr<Glob> compiled = Glob::Compile(pattern, delimiters);
  if (!compiled.ok()) return compiled.status();
  auto glob = std::make_shared<const Glob>(*std::move(compiled));
  absl::MutexLock lock(&mu_);
  if (num_globs_ >= capacity_ && !globs_.empty()) {
    auto victim = globs_.begin();
    num_globs_ -= victim->second.size();
    globs_.erase(victim);
  }
  std::vector<GlobEntry>& entries = globs_[Absl(pattern)];
  for (const GlobEntry& e : entries) {
    if (e.delimiters == delimiters) return e.glob;  // another thread won
  }
  entries.push_back({std::u32string(delimiters), glob});
  ++num_globs_;
  return glob;
}

std::shared_ptr<const CompiledSchema> PatternCache::CachedSchema(const Value& key) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = schemas_.find(key);
  return it == schemas_.end() ? nullptr : it->second;
}

void PatternCache::AddSchema(const Value& key, std::shared_ptr<const CompiledSchema> schema) {
  if (schema_capacity_ == 0) return;
  Value heap_key = DeepCopy(key, nullptr);  // the operand may live in an arena
  absl::MutexLock lock(&mu_);
  if (schemas_.size() >= schema_capacity_ && !schemas_.contains(heap_key)) {
    schemas_.erase(schemas_.begin());
  }
  schemas_.emplace(std::move(heap_key), std::move(schema));  // another thread's entry wins
}

size_t PatternCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return regexes_.size() + num_globs_ + schemas_.size();
}

// The memo's tables, keyed by pattern and delimiters (empty for regexes)
// with the hash computed once per lookup. A lookup builds no key string:
// KeyView finds a Key.
struct PatternMemo {
  struct Key {
    uint64_t hash;
    std::string pattern;
    std::u32string delimiters;
  };
  struct KeyView {
    uint64_t hash;
    std::string_view pattern;
    std::u32string_view delimiters;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const Key& k) const { return k.hash; }
    size_t operator()(const KeyView& k) const { return k.hash; }
  };
  struct KeyEq {
    using is_transparent = void;
    static KeyView View(const Key& k) { return {k.hash, k.pattern, k.delimiters}; }
    static KeyView View(const KeyView& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const KeyView x = View(a), y = View(b);
      return x.hash == y.hash && x.pattern == y.pattern && x.delimiters == y.delimiters;
    }
  };
  template <typename T>
  using Table = absl::flat_hash_map<Key, std::shared_ptr<const T>, KeyHash, KeyEq>;

  // The entry for [key], asking [compile] (a call into the cache) on a miss.
  // Bounded like the cache: a full table starts over.
  template <typename T, typename Compile>
  static absl::StatusOr<const T*> Find(Table<T>& table, const KeyView& key, Compile compile) {
    auto it = table.find(key);
    if (it != table.end()) return it->second.get();
    absl::StatusOr<std::shared_ptr<const T>> compiled = compile();
    if (!compiled.ok()) return compiled.status();  // errors are not remembered
    if (table.size() >= limits::kMaxCachedPatterns) table.clear();
    const T* raw = compiled->get();
    table.emplace(Key{key.hash, std::string(key.pattern), std::u32string(key.delimiters)},
                  *std::move(compiled));
    return raw;
  }

  Table<Glob> globs;
  Table<RE2> regexes;
};

void PatternMemoDeleter::operator()(PatternMemo* memo) const { delete memo; }

namespace {

PatternMemo& MemoOf(BuiltinContext& ctx) {
  if (ctx.pattern_memo == nullptr) ctx.pattern_memo.reset(new PatternMemo());
  return *ctx.pattern_memo;
}

}  // namespace

absl::StatusOr<const Glob*> LookupGlob(BuiltinContext& ctx, const Value& pattern,
                                       std::u32string_view delimiters,
                                       std::shared_ptr<const Glob>* keep) {
  const std::string_view text = pattern.as_string();
  if (ctx.patterns == nullptr) {
    VERDICT_ASSIGN_OR_RETURN(*keep, GetGlob(nullptr, text, delimiters));
    return keep->get();
  }
  uint64_t hash = Hash(pattern);  // a string cell caches it
  for (char32_t d : delimiters) hash = (hash ^ d) * 0x9E3779B97F4A7C15ull;
  return PatternMemo::Find(MemoOf(ctx).globs, {hash, text, delimiters},
                           [&] { return ctx.patterns->CompiledGlob(text, delimiters); });
}

absl::StatusOr<const RE2*> LookupRegex(BuiltinContext& ctx, const Value& pattern,
                                       std::shared_ptr<const RE2>* keep) {
  const std::string_view text = pattern.as_string();
  if (ctx.patterns == nullptr) {
    VERDICT_ASSIGN_OR_RETURN(*keep, CompileRegex(text));
    return keep->get();
  }
  return PatternMemo::Find(MemoOf(ctx).regexes, {Hash(pattern), text, {}},
                           [&] { return ctx.patterns->CompiledRegex(text); });
}

absl::StatusOr<std::shared_ptr<const RE2>> GetRegex(PatternCache* cache,
                                                    std::string_view pattern) {
  if (cache != nullptr) return cache->CompiledRegex(pattern);
  return CompileRegex(pattern);
}

absl::StatusOr<std::shared_ptr<const Glob>> GetGlob(PatternCache* cache,
                                                    std::string_view pattern,
                                                    std::u32string_view delimiters) {
  if (cache != nullptr) return cache->CompiledGlob(pattern, delimiters);
  absl::StatusOr<Glob> compiled = Glob::Compile(pattern, delimiters);
  if (!compiled.ok()) return compiled.status();
  return std::make_shared<const Glob>(*std::move(compiled));
}

}  // namespace verdict::builtins
