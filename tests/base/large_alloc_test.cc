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

}  // namespace
}  // namespace verdict
