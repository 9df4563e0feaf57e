// File: lib/base/check.h
//
// VERDICT_CHECK aborts with file:line on a broken invariant in every build;
// VERDICT_DCHECK only in debug builds (NDEBUG unset). Debian's abseil
// (20220623) has no absl/log, hence our own. Invariants only: bad input of
// any kind is an absl::Status, never a CHECK.
#ifndef VERDICT_BASE_CHECK_H_
#define VERDICT_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define VERDICT_CHECK(cond)                                              \
  do {                                                                   \
    if (__builtin_expect(!(cond), 0)) {                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                               \
      std::abort();                                                      \
    }                                                                    \
  } while (0)

#ifdef NDEBUG
#define VERDICT_DCHECK(cond) \
  do {                       \
    (void)sizeof(cond);      \
  } while (0)
#else
#define VERDICT_DCHECK(cond) VERDICT_CHECK(cond)
#endif

#endif  // VERDICT_BASE_CHECK_H_
