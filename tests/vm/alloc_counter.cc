// Replaces the global operator new/delete of the vm_test binary with
// counting versions (see alloc_counter.h). A separate file so the compiler
// never sees malloc and free paired with new and delete in one place.
#include "vm/alloc_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace verdict::vm::testing {

void StartCountingAllocations() {
  g_allocations = 0;
  g_counting = true;
}

size_t StopCountingAllocations() {
  g_counting = false;
  return g_allocations.load();
}

}  // namespace verdict::vm::testing
