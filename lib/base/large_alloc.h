// File: lib/base/large_alloc.h
//
// AllocateLarge() / FreeLarge(): memory for big buffers (the chunks of a
// data document's arena, the JSON parser's text copy and value stack),
// mapped from the kernel directly rather than through malloc:
// - freeing unmaps it, so the transient buffers of a 100 MB document go
//   back to the system as soon as it is parsed (glibc keeps freed heap
//   memory, and after a big free raises its mmap threshold to 32 MiB, so
//   later buffers of that size would stay resident);
// - it is 2 MiB aligned and marked for transparent huge pages (the usual
//   THP mode is "madvise"), so touching it the first time costs one page
//   fault per 2 MiB instead of one per 4 KiB. Parsing a 100 MB document
//   spent more time in page faults than in parsing before
//   (docs/PERFORMANCE.md, "Loading a large data document").
//
// Tested by tests/base/large_alloc_test.cc and through the arena tests.
#ifndef VERDICT_BASE_LARGE_ALLOC_H_
#define VERDICT_BASE_LARGE_ALLOC_H_

#include <cstddef>

namespace verdict {

// Buffers at least this big go through AllocateLarge(): one huge page.
inline constexpr size_t kLargeAllocationBytes = size_t{2} << 20;

// RoundUpLarge()
//
// [bytes] rounded up to a whole number of kLargeAllocationBytes: what
// AllocateLarge() maps, all of it usable.
inline size_t RoundUpLarge(size_t bytes) {
  return (bytes + kLargeAllocationBytes - 1) & ~(kLargeAllocationBytes - 1);
}

// AllocateLarge()
//
// RoundUpLarge([bytes]) bytes of zero-filled memory, aligned to
// kLargeAllocationBytes. Aborts when the system has no memory left, like
// operator new.
void* AllocateLarge(size_t bytes);

// FreeLarge()
//
// Unmaps memory from AllocateLarge([bytes]) (the same [bytes]).
void FreeLarge(void* p, size_t bytes);

// AllocateBuffer() / FreeBuffer()
//
// A buffer of at least [*bytes]: from malloc below kLargeAllocationBytes,
// else from AllocateLarge(), in which case [*bytes] grows to the whole
// mapping (usable too). Free it with FreeBuffer() and that [*bytes]: the
// size alone says which allocator it came from. Aborts when out of memory.
void* AllocateBuffer(size_t* bytes);
void FreeBuffer(void* p, size_t bytes);

}  // namespace verdict

#endif  // VERDICT_BASE_LARGE_ALLOC_H_
