// Specification of the slot pool (sim/slot_pool.hpp): indices are reused
// through a free list, a reused slot starts as a fresh T{}, and storage grows
// with the peak number alive, not with the number ever acquired.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/random.hpp"
#include "sim/slot_pool.hpp"

namespace {

using sim::SlotPool;

struct Case {
  int stage = 7;  // a non-zero default, to see that reuse resets to T{}
  std::string note;
  std::vector<int> history;
};

TEST(SlotPool, AcquireHandsOutFreshIndices) {
  SlotPool<Case> pool;
  EXPECT_EQ(pool.alive(), 0u);
  EXPECT_EQ(pool.capacity(), 0u);
  pool.reserve(10);
  EXPECT_EQ(pool.capacity(), 0u);  // reserving creates no slots
  EXPECT_EQ(pool.acquire(), 0u);
  EXPECT_EQ(pool.acquire(), 1u);
  EXPECT_EQ(pool.acquire(), 2u);
  EXPECT_EQ(pool.alive(), 3u);
  EXPECT_EQ(pool.capacity(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(pool.in_use(i));
    EXPECT_EQ(pool[i].stage, 7);
    EXPECT_TRUE(pool[i].note.empty());
  }
}

TEST(SlotPool, ReleaseFreesTheIndexForReuse) {
  SlotPool<Case> pool;
  for (int k = 0; k < 3; ++k) pool.acquire();
  pool.release(1);
  EXPECT_EQ(pool.alive(), 2u);
  EXPECT_FALSE(pool.in_use(1));
  EXPECT_TRUE(pool.in_use(0));
  EXPECT_TRUE(pool.in_use(2));
  EXPECT_EQ(pool.acquire(), 1u);  // the freed index, not a new one
  EXPECT_TRUE(pool.in_use(1));
  EXPECT_EQ(pool.alive(), 3u);
  EXPECT_EQ(pool.capacity(), 3u);
  EXPECT_EQ(pool.acquire(), 3u);  // nothing free: grows
  EXPECT_EQ(pool.capacity(), 4u);
}

TEST(SlotPool, SeveralReleasedIndicesAreAllReusedBeforeGrowing) {
  SlotPool<Case> pool;
  for (int k = 0; k < 5; ++k) pool.acquire();
  pool.release(0);
  pool.release(3);
  pool.release(4);
  EXPECT_EQ(pool.alive(), 2u);
  std::set<std::uint32_t> reused = {pool.acquire(), pool.acquire(), pool.acquire()};
  EXPECT_EQ(reused, (std::set<std::uint32_t>{0, 3, 4}));
  EXPECT_EQ(pool.capacity(), 5u);
  EXPECT_EQ(pool.alive(), 5u);
}

TEST(SlotPool, ReacquiredSlotIsResetToDefault) {
  SlotPool<Case> pool;
  const auto a = pool.acquire();
  const auto b = pool.acquire();
  pool[a].stage = 42;
  pool[a].note = "closed";
  pool[a].history = {1, 2, 3};
  pool[b].stage = 99;
  pool.release(a);
  const auto c = pool.acquire();
  ASSERT_EQ(c, a);
  EXPECT_EQ(pool[c].stage, 7);
  EXPECT_TRUE(pool[c].note.empty());
  EXPECT_TRUE(pool[c].history.empty());
  EXPECT_EQ(pool[b].stage, 99);  // the neighbour is untouched
}

TEST(SlotPool, ConstAccessSeesTheSameRecords) {
  SlotPool<int> pool;
  const auto i = pool.acquire();
  pool[i] = 5;
  const SlotPool<int>& view = pool;
  EXPECT_EQ(view[i], 5);
  EXPECT_EQ(view.alive(), 1u);
  EXPECT_TRUE(view.in_use(i));
}

// Random acquire/release against a map of live index -> value: live slots
// keep their values, indices are unique, counts agree, and the storage never
// exceeds the peak number alive.
TEST(SlotPool, MatchesReferenceUnderRandomUse) {
  sim::Stream rng(77);
  SlotPool<std::uint64_t> pool;
  std::map<std::uint32_t, std::uint64_t> live;
  std::size_t peak = 0;
  for (int step = 0; step < 20000; ++step) {
    const bool grow = live.empty() || rng.bernoulli(step < 10000 ? 0.6 : 0.4);
    if (grow) {
      const auto i = pool.acquire();
      ASSERT_EQ(live.count(i), 0u) << "index " << i << " handed out twice";
      ASSERT_EQ(pool[i], 0u) << "slot not reset";
      const std::uint64_t value = rng.next() | 1;
      pool[i] = value;
      live[i] = value;
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng.below(live.size())));
      pool.release(it->first);
      ASSERT_FALSE(pool.in_use(it->first));
      live.erase(it);
    }
    peak = std::max(peak, live.size());
    ASSERT_EQ(pool.alive(), live.size());
    ASSERT_EQ(pool.capacity(), peak);
  }
  for (const auto& [i, value] : live) {
    EXPECT_TRUE(pool.in_use(i));
    EXPECT_EQ(pool[i], value);
  }
  std::size_t in_use = 0;
  for (std::uint32_t i = 0; i < pool.capacity(); ++i) in_use += pool.in_use(i) ? 1 : 0;
  EXPECT_EQ(in_use, live.size());
}

}  // namespace
