// File: tests/vm/alloc_counter.h
//
// Counts heap allocations (global operator new, replaced in
// alloc_counter.cc) between Start and Stop, for the "no allocation per
// decision" test.
#ifndef VERDICT_TESTS_VM_ALLOC_COUNTER_H_
#define VERDICT_TESTS_VM_ALLOC_COUNTER_H_

#include <cstddef>

namespace verdict::vm::testing {

void StartCountingAllocations();
// The number of allocations since StartCountingAllocations().
size_t StopCountingAllocations();

}  // namespace verdict::vm::testing

#endif  // VERDICT_TESTS_VM_ALLOC_COUNTER_H_
