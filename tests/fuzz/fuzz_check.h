// File: tests/fuzz/fuzz_check.h
//
// FUZZ_CHECK for the fuzz targets: a broken property aborts with the
// expression and a message, so libFuzzer (or the replay driver) reports
// the input as a crash and keeps it. Unlike assert(), it stays on in
// release builds, where the targets also run.
#ifndef VERDICT_TESTS_FUZZ_FUZZ_CHECK_H_
#define VERDICT_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, message)                                              \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__,      \
                   __LINE__, #cond, std::string(message).c_str());             \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

#endif  // VERDICT_TESTS_FUZZ_FUZZ_CHECK_H_
