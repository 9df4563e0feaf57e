// File: include/verdict/nondeterministic.h
//
// One recorded call of a non-deterministic builtin (time.now_ns, rand.intn,
// uuid.rfc4122, JWT and certificate verification, custom builtins declared
// non-deterministic). An evaluation can record these calls
// (EvalOptions::record_nondeterministic, filled into Decision::nondeterministic)
// and a later evaluation can replay them (EvalOptions::replay), so a decision
// log entry reproduces its decision exactly. docs/builtins.md, "Non-deterministic
// builtins: recording and replay", has the rules.
//
// Tested by tests/api/nondeterministic_test.cc.
#ifndef VERDICT_NONDETERMINISTIC_H_
#define VERDICT_NONDETERMINISTIC_H_

#include <string>

#include "verdict/value.h"

namespace verdict {

struct NondeterministicCall {
  std::string builtin;  // "time.now_ns"
  Value args;           // an array of the arguments, heap-owned
  Value result;         // heap-owned; undefined when the call was undefined
};

}  // namespace verdict

#endif  // VERDICT_NONDETERMINISTIC_H_
