// File: lib/compile/optimize.h
//
// Peephole passes over a lowered Program. Lowering is simple on purpose
// (every expression jumps to its block's failure label, every body ends in
// a Jump to the next solution), which leaves chains of jumps and tests
// whose outcome is known at compile time. Optimize() removes them without
// changing what any evaluation computes:
//
//   - jump threading: a failure target or Jump that lands on an
//     unconditional Jump goes straight to where that Jump goes; a Jump that
//     lands on a Return/ReturnUndefined becomes that return;
//   - a Truthy of a register that the previous instruction loaded with a
//     constant other than false, when nothing jumps to the Truthy, is dropped
//     (rule bodies that are just `true`, `else := v` without a condition);
//   - Jumps to the next instruction and Nops are dropped.
//
// Dropping instructions renumbers the code: every jump target, function
// range and span entry is remapped. Entry: compile::Optimize() from
// Compile(), before verification. Tested by tests/compile/optimize_test.cc.
#ifndef VERDICT_COMPILE_OPTIMIZE_H_
#define VERDICT_COMPILE_OPTIMIZE_H_

#include <cstddef>

#include "vm/program.h"

namespace verdict::compile {

struct OptimizeStats {
  size_t instructions_before = 0;
  size_t instructions_after = 0;
};

OptimizeStats Optimize(vm::Program* program);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_OPTIMIZE_H_
