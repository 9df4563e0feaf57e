// File: conformance/known_failures.h
//
// The known-failures list (conformance/known_failures.txt): a ratchet over
// the conformance suite. Each line names cases that are expected to fail,
// with the reason:
//
//   # comment
//   graphql/                                # graphql.* builtins not provided
//   time/time caching  # needs test.sleep: no custom-builtin API yet
//   "# 5073 regression test"  # a note that starts with '#' is quoted
//
// An entry ending in '/' is a folder entry: it covers every case whose note
// starts with it or whose file lies in that folder. Any other entry is a
// note, matched exactly (several cases may share a note). An entry is
// written as a JSON string when it starts with '#' or '"', has leading or
// trailing blanks, or holds a blank followed by '#'; otherwise the reason
// starts at the first blank followed by '#'.
//
// Used by conformance/runner.cc (see docs/conformance.md).
#ifndef VERDICT_CONFORMANCE_KNOWN_FAILURES_H_
#define VERDICT_CONFORMANCE_KNOWN_FAILURES_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "conformance/case_loader.h"

namespace verdict::conformance {

struct KnownFailure {
  std::string entry;   // a note, or a folder/note prefix ending in '/'
  std::string reason;  // empty when the line gives none
  int line = 0;        // 1-based line in the list
  bool is_folder() const { return !entry.empty() && entry.back() == '/'; }
};

class KnownFailures {
 public:
  // Parse()
  //
  // Parses the list's text; a malformed quoted entry or a repeated entry
  // is an error naming its line.
  static absl::StatusOr<KnownFailures> Parse(std::string_view text);
  static absl::StatusOr<KnownFailures> Load(const std::string& path);

  // Find()
  //
  // The index of the entry covering [tc] (an exact note entry wins over a
  // folder entry), or -1.
  int Find(const TestCase& tc) const;

  const std::vector<KnownFailure>& entries() const { return entries_; }

 private:
  std::vector<KnownFailure> entries_;
  std::unordered_map<std::string, int> by_note_;
  std::vector<int> folders_;
};

// FormatEntry()
//
// [entry] as it must be written in the list (quoted when needed).
std::string FormatEntry(std::string_view entry);

// FormatKnownFailures()
//
// A complete list covering exactly the cases with [failed][i] set:
// a folder entry for each folder whose cases all fail, a note entry for
// every other failing case. Reasons are kept from [previous] where an
// entry of it covered the case, else "TODO".
std::string FormatKnownFailures(const std::vector<TestCase>& cases,
                                const std::vector<bool>& failed,
                                const KnownFailures& previous);

}  // namespace verdict::conformance

#endif  // VERDICT_CONFORMANCE_KNOWN_FAILURES_H_
