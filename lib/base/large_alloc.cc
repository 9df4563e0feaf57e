// File: lib/base/large_alloc.cc
//
// AllocateLarge / FreeLarge (large_alloc.h): anonymous mmap, aligned by
// mapping one extra unit and unmapping the unaligned ends. AllocateBuffer /
// FreeBuffer choose between malloc and those by size.
#include "base/large_alloc.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

#include "base/check.h"

namespace verdict {

void* AllocateLarge(size_t bytes) {
  const size_t size = RoundUpLarge(bytes == 0 ? 1 : bytes);
  const size_t mapped = size + kLargeAllocationBytes;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  VERDICT_CHECK(raw != MAP_FAILED);  // out of memory
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kLargeAllocationBytes - 1) & ~(kLargeAllocationBytes - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
#ifdef MADV_HUGEPAGE
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // advice only: may fail
#endif
  return reinterpret_cast<void*>(aligned);
}

void FreeLarge(void* p, size_t bytes) {
  if (p != nullptr) munmap(p, RoundUpLarge(bytes == 0 ? 1 : bytes));
}

void* AllocateBuffer(size_t* bytes) {
  if (*bytes >= kLargeAllocationBytes) {
    *bytes = RoundUpLarge(*bytes);
    return AllocateLarge(*bytes);
  }
  void* p = std::malloc(*bytes == 0 ? 1 : *bytes);
  VERDICT_CHECK(p != nullptr);  // out of memory
  return p;
}

void FreeBuffer(void* p, size_t bytes) {
  if (bytes >= kLargeAllocationBytes) {
    FreeLarge(p, bytes);
  } else {
    std::free(p);
  }
}

}  // namespace verdict
