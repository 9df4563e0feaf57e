// File: lib/builtins/patterns.cc
//
// PatternCache and the compile functions behind it (see patterns.h). Regex
// errors are worded like Go's regexp package, which OPA surfaces:
//   error parsing regexp: missing closing ]: `[[[`
//
// Tested by tests/builtins/regex_test.cc (PatternCacheTest) and
// tests/builtins/json_schema_test.cc (JsonSchemaCacheTest).
#include "builtins/patterns.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
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
