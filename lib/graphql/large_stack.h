// File: lib/graphql/large_stack.h
//
// RunOnLargeStack(fn): runs fn on a thread with a 64 MiB stack and waits
// for it (or runs it here when no thread can be made). The GraphQL parser
// and validator recurse along the nesting of a document; deep documents are
// handled there so that callers on small thread stacks stay safe.
//
// Used by parse.cc and validate.cc; tested through
// tests/builtins/graphql_test.cc (deeply nested documents).
#ifndef VERDICT_GRAPHQL_LARGE_STACK_H_
#define VERDICT_GRAPHQL_LARGE_STACK_H_

#include <functional>

namespace verdict::graphql {

void RunOnLargeStack(const std::function<void()>& fn);

}  // namespace verdict::graphql

#endif  // VERDICT_GRAPHQL_LARGE_STACK_H_
