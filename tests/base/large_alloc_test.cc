// Tests for AllocateLarge / FreeLarge (lib/base/large_alloc.h).
#include "base/large_alloc.h"

#include <cstdint>
#include <cstring>

#include "gtest/gtest.h"

namespace verdict {
namespace {

TEST(LargeAllocTest, RoundsUpToWholeUnits) {
  EXPECT_EQ(RoundUpLarge(1), kLargeAllocationBytes);
  EXPECT_EQ(RoundUpLarge(kLargeAllocationBytes), kLargeAllocationBytes);
  EXPECT_EQ(RoundUpLarge(kLargeAllocationBytes + 1), 2 * kLargeAllocationBytes);
}

TEST(LargeAllocTest, AlignedZeroedAndWritable) {
  for (size_t bytes : {size_t{1}, kLargeAllocationBytes, 5 * kLargeAllocationBytes + 17}) {
    auto* p = static_cast<unsigned char*>(AllocateLarge(bytes));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kLargeAllocationBytes, 0u);
    const size_t usable = RoundUpLarge(bytes);
    EXPECT_EQ(p[0], 0);
    EXPECT_EQ(p[usable / 2], 0);
    EXPECT_EQ(p[usable - 1], 0);
    std::memset(p, 0xAB, usable);  // every byte of the rounded size is ours
    EXPECT_EQ(p[usable - 1], 0xAB);
    FreeLarge(p, bytes);
  }
  FreeLarge(nullptr, 10);  // like free(nullptr)
}

TEST(LargeAllocTest, BuffersPickTheirAllocatorBySize) {
  size_t small = 1000;
  auto* a = static_cast<char*>(AllocateBuffer(&small));
  EXPECT_EQ(small, 1000u);  // malloc: the size asked for
  std::memset(a, 1, small);
  FreeBuffer(a, small);
  size_t big = kLargeAllocationBytes + 1;
  auto* b = static_cast<char*>(AllocateBuffer(&big));
  EXPECT_EQ(big, 2 * kLargeAllocationBytes);  // mapped: the whole mapping
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % kLargeAllocationBytes, 0u);
  b[big - 1] = 1;
  FreeBuffer(b, big);
}

}  // namespace
}  // namespace verdict
