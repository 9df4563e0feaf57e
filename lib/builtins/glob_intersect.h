// File: lib/builtins/glob_intersect.h
//
// GlobsIntersect() decides regex.globs_match: whether two "globs" in the
// small regex dialect of github.com/yashtewari/glob-intersection (which OPA
// uses) match at least one common string. The dialect: a character, '.'
// (any character), "[...]" (a set, with ranges "a-z"), each optionally
// followed by '*' (zero or more) or '+' (one or more); '\' escapes.
//
//   GlobsIntersect("a.a.[0-9]+z", ".b.b2359825792*594823z")  // true
//   GlobsIntersect("[a-z]+", "[0-9]*")                          // false
//
// The answer is exact (a search over the product of the two automata),
// where the Go library uses a greedy walk.
//
// Tested by tests/builtins/regex_test.cc.
#ifndef VERDICT_BUILTINS_GLOB_INTERSECT_H_
#define VERDICT_BUILTINS_GLOB_INTERSECT_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace verdict::builtins {

// Errors (kEvalBuiltinError) use the library's wording:
//   input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid
absl::StatusOr<bool> GlobsIntersect(std::string_view a, std::string_view b);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_GLOB_INTERSECT_H_
