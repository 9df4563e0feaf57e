// File: lib/compile/optimize.h
//
// Passes over a lowered Program. Lowering is simple on purpose (every
// expression jumps to its block's failure label, every body ends in a Jump
// to the next solution, every term gets a fresh register), which leaves
// chains of jumps, tests whose outcome is known at compile time, copies and
// accumulators that can only ever hold one value. Optimize() removes them
// without changing what any evaluation computes:
//
//   - jump threading: a failure target or Jump that lands on an
//     unconditional Jump goes straight to where that Jump goes; a Jump that
//     lands on a Return/ReturnUndefined becomes that return;
//   - a Truthy of a register that the previous instruction loaded with a
//     constant other than false, when nothing jumps to the Truthy, is dropped
//     (rule bodies that are just `true`, `else := v` without a condition);
//   - register passes, per function, on liveness (liveness.h): definitions
//     nobody reads are dropped; a Move that is the only reader of a value
//     is folded into the instruction that computed it; copies of a
//     parameter read the parameter; a value accumulator whose single
//     AccAdd no loop encloses becomes a Move or a Return; unreachable
//     code goes;
//   - constant folding (fold.h): a builtin call whose arguments are
//     constants (30 * 24 * 3600, numbers.range(0, 100), lower("ABC")), a
//     collection literal of constants and an index into a constant become
//     a LoadConst; a test of constants (Equal, Less, Member, Truthy ...)
//     goes or becomes a Jump to its failure target; an accumulator nothing
//     adds to finishes empty. Calls that fail or are undefined now stay
//     (the decision fails as before), and so does every call of a builtin
//     some `with` replaces anywhere in the program;
//   - across functions: a zero-arity function (a complete rule) that no
//     `with` replaces and whose code has become `LoadConst; Return` is a
//     constant, so its calls become that LoadConst (one that is just
//     ReturnUndefined makes its calls jump to their failure target), and
//     the callers are optimized again;
//   - Jumps to the next instruction and Nops are dropped;
//   - loop-invariant loads: a LoadConst, or a LoadInput or LoadData in a
//     function without `with`, whose register nothing else writes and
//     which every iteration reaches through instructions that cannot
//     raise, moves before its loop's IterInit (out of every loop it does
//     not depend on); failing there, it ends the loop, as every iteration
//     would have failed at it having done nothing.
//
// Dropping and moving instructions renumbers the code: every jump target,
// function range and span entry is remapped. Entry: compile::Optimize() from
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
