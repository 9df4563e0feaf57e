// File: lib/builtins/patterns.h
//
// PatternCache: compiled regular expressions (RE2), globs and JSON schemas,
// shared by the evaluations of one context so each is compiled once.
// Thread-safe: lookups take a reader lock, misses compile outside any lock
// and then insert under the writer lock. Bounded: past [capacity] entries
// per kind an arbitrary entry is evicted (OPA does the same); entries are
// shared_ptrs, so an evaluation still using an evicted pattern keeps it
// alive.
//
// JSON schemas (json.match_schema / json.verify_schema) are keyed by the
// schema operand itself, a Value: equal operands (Rego equality) compile
// to the same schema, and a key is copied to the heap so the entry outlives
// the evaluation arena the operand came from. Only valid schemas are
// cached; the schema type is private to json_schema.cc.
//
//   PatternCache cache;
//   VERDICT_ASSIGN_OR_RETURN(auto re, cache.CompiledRegex("^a+$"));
//   bool m = RE2::PartialMatch("aaa", *re);
//
// Builtins reach it through BuiltinContext::patterns; when that is null
// they compile per call through the same functions (CompileRegex/Glob).
//
// Tested by tests/builtins/regex_test.cc (PatternCacheTest) and
// tests/builtins/json_schema_test.cc (JsonSchemaCacheTest).
#ifndef VERDICT_BUILTINS_PATTERNS_H_
#define VERDICT_BUILTINS_PATTERNS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/limits.h"
#include "builtins/glob.h"
#include "builtins/registry.h"
#include "re2/re2.h"
#include "verdict/value.h"

namespace verdict::builtins {

// CompileRegex(): [pattern] with Go regexp (RE2) syntax; an error with
// Go's wording ("error parsing regexp: ...") when it does not compile.
absl::StatusOr<std::shared_ptr<const RE2>> CompileRegex(std::string_view pattern);

// A compiled JSON schema (defined in json_schema.cc).
struct CompiledSchema;

class PatternCache {
 public:
  explicit PatternCache(size_t capacity = limits::kMaxCachedPatterns,
                        size_t schema_capacity = limits::kMaxCachedSchemas)
      : capacity_(capacity), schema_capacity_(schema_capacity) {}
  // Holds a mutex.
  PatternCache(const PatternCache&) = delete;
  PatternCache& operator=(const PatternCache&) = delete;

  // CompiledRegex(): the compiled [pattern], compiling it on first use.
  absl::StatusOr<std::shared_ptr<const RE2>> CompiledRegex(std::string_view pattern);

  // CompiledGlob(): the compiled glob for [pattern] with [delimiters].
  absl::StatusOr<std::shared_ptr<const Glob>> CompiledGlob(
      std::string_view pattern, std::u32string_view delimiters);

  // CachedSchema(): the schema compiled for operand [key], or null.
  std::shared_ptr<const CompiledSchema> CachedSchema(const Value& key) const;

  // AddSchema(): remembers [schema] as compiled from operand [key].
  void AddSchema(const Value& key, std::shared_ptr<const CompiledSchema> schema);

  // Entries currently cached (all kinds), for tests and stats.
  size_t size() const;

 private:
  const size_t capacity_;
  const size_t schema_capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const RE2>> regexes_
      ABSL_GUARDED_BY(mu_);
  // Keyed by pattern, then by delimiter list (almost always one entry), so
  // a lookup needs no key string to be built.
  struct GlobEntry {
    std::u32string delimiters;
    std::shared_ptr<const Glob> glob;
  };
  absl::flat_hash_map<std::string, std::vector<GlobEntry>> globs_ ABSL_GUARDED_BY(mu_);
  size_t num_globs_ ABSL_GUARDED_BY(mu_) = 0;
  // Keys are heap copies of the operands (see above).
  absl::flat_hash_map<Value, std::shared_ptr<const CompiledSchema>, ValueHash>
      schemas_ ABSL_GUARDED_BY(mu_);
};

// PatternMemo (defined in patterns.cc): the globs and regexes one
// BuiltinContext has used, in front of its PatternCache. The context is
// single-threaded, so a hit takes no lock and copies no shared_ptr; a
// pattern that is a string cell hashes once (the cell caches its hash). A
// miss asks the cache. Bounded by limits::kMaxCachedPatterns per kind.
//
// LookupGlob() / LookupRegex(): the compiled [pattern] (a string Value)
// through ctx's memo and cache when ctx.patterns is set; else compiled now
// and owned by [*keep]. The pointer is valid until the next lookup
// through [ctx]: use it within one builtin call.
absl::StatusOr<const Glob*> LookupGlob(BuiltinContext& ctx, const Value& pattern,
                                       std::u32string_view delimiters,
                                       std::shared_ptr<const Glob>* keep);
absl::StatusOr<const RE2*> LookupRegex(BuiltinContext& ctx, const Value& pattern,
                                       std::shared_ptr<const RE2>* keep);

// Convenience for builtins: through [cache] when non-null, else compiled now.
absl::StatusOr<std::shared_ptr<const RE2>> GetRegex(PatternCache* cache,
                                                    std::string_view pattern);
absl::StatusOr<std::shared_ptr<const Glob>> GetGlob(PatternCache* cache,
                                                    std::string_view pattern,
                                                    std::u32string_view delimiters);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_PATTERNS_H_
