// File: lib/base/large_stack.h
//
// RunOnLargeStack(fn): runs fn on a thread with a 64 MiB stack and waits
// for it (or runs it here when no thread can be made). The parsers (Rego's
// generated ANTLR parser, GraphQL's parser and validator) recurse along the
// nesting of their input; deep inputs run here so that callers on small
// thread stacks stay safe up to the nesting limits in limits.h.
//
// Tested through the deep-nesting tests of tests/syntax and
// tests/builtins/graphql_test.cc.
#ifndef VERDICT_BASE_LARGE_STACK_H_
#define VERDICT_BASE_LARGE_STACK_H_

#include <cstddef>
#include <functional>

namespace verdict {

// 500 levels of Rego brackets need 2-4 MiB; the rest is headroom.
inline constexpr size_t kLargeStackBytes = size_t{64} << 20;

void RunOnLargeStack(const std::function<void()>& fn);

}  // namespace verdict

#endif  // VERDICT_BASE_LARGE_STACK_H_
