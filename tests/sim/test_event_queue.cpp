// Specification of the pending-event set (sim/event_queue.hpp): events come
// out by time, and events at the same time in the order they were pushed.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace {

using sim::Event;
using sim::EventQueue;
using sim::Minute;

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue q;
  for (Minute t : {50, 10, 40, 30, 20, 0, 60}) q.push(t, 0, static_cast<std::uint32_t>(t));
  std::vector<Minute> times;
  while (!q.empty()) {
    const Minute top_time = q.top().time;
    const Event e = q.pop();
    EXPECT_EQ(e.time, top_time);  // top() shows what pop() returns
    EXPECT_EQ(e.target, static_cast<std::uint32_t>(e.time));
    times.push_back(e.time);
  }
  EXPECT_EQ(times, (std::vector<Minute>{0, 10, 20, 30, 40, 50, 60}));
}

TEST(EventQueue, SimultaneousEventsComeOutInPushOrder) {
  EventQueue q;
  // Interleave two times so the heap really has to reorder.
  for (std::uint32_t i = 0; i < 20; ++i) q.push(i % 2 == 0 ? 100 : 50, 0, i);
  std::vector<std::uint32_t> targets;
  while (!q.empty()) targets.push_back(q.pop().target);
  EXPECT_EQ(targets, (std::vector<std::uint32_t>{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 0, 2, 4, 6, 8,
                                                  10, 12, 14, 16, 18}));
}

TEST(EventQueue, SequenceNumbersAreThePushOrder) {
  EventQueue q;
  q.push(5, 0, 0);
  q.push(3, 0, 1);
  q.push(5, 0, 2);
  EXPECT_EQ(q.pushed(), 3u);
  const Event a = q.pop(), b = q.pop(), c = q.pop();
  EXPECT_EQ(a.seq, 1u);
  EXPECT_EQ(b.seq, 0u);
  EXPECT_EQ(c.seq, 2u);
  EXPECT_EQ(q.pushed(), 3u);  // popping does not reuse sequence numbers
}

TEST(EventQueue, PayloadFieldsArePreserved) {
  EventQueue q;
  q.push(7, 11, 22, 33, 44);
  q.push(3, 0xFFFFFFFFu, 0xFFFFFFFEu);  // tag and aux default to 0
  const Event first = q.pop();
  EXPECT_EQ(first.time, 3);
  EXPECT_EQ(first.kind, 0xFFFFFFFFu);
  EXPECT_EQ(first.target, 0xFFFFFFFEu);
  EXPECT_EQ(first.tag, 0u);
  EXPECT_EQ(first.aux, 0u);
  const Event second = q.pop();
  EXPECT_EQ(second.time, 7);
  EXPECT_EQ(second.kind, 11u);
  EXPECT_EQ(second.target, 22u);
  EXPECT_EQ(second.tag, 33u);
  EXPECT_EQ(second.aux, 44u);
  EXPECT_EQ(second.seq, 0u);
}

TEST(EventQueue, SizeEmptyAndClear) {
  EventQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  q.reserve(100);
  EXPECT_TRUE(q.empty());
  q.push(1, 0, 0);
  q.push(1, 0, 1);
  q.push(0, 0, 2);
  EXPECT_FALSE(q.empty());
  EXPECT_EQ(q.size(), 3u);
  q.pop();
  EXPECT_EQ(q.size(), 2u);
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.pushed(), 0u);
  // Usable again after clear, with sequence numbers restarting.
  q.push(9, 1, 2);
  EXPECT_EQ(q.size(), 1u);
  const Event e = q.pop();
  EXPECT_EQ(e.time, 9);
  EXPECT_EQ(e.seq, 0u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, HandlesExtremeTimes) {
  EventQueue q;
  q.push(sim::kNever, 0, 0);
  q.push(-5, 0, 1);
  q.push(0, 0, 2);
  EXPECT_EQ(q.pop().target, 1u);
  EXPECT_EQ(q.pop().target, 2u);
  EXPECT_EQ(q.pop().target, 0u);
}

// Reference model: an ordered map keyed by (time, push number). Pushes and
// pops are interleaved at random, with many ties and pushes into the past.
// `hold`: times are drawn ahead of the last event popped, as a simulation
// schedules (otherwise anywhere in [0, time_range), the past included).
// `window_bits`: the queue's calendar window; small windows send most
// events to its far heap and make the window wrap round many times.
void check_against_reference(std::uint64_t seed, Minute time_range, double push_prob,
                             unsigned window_bits = EventQueue::kDefaultWindowBits, bool hold = false) {
  sim::Stream rng(seed);
  EventQueue q(window_bits);
  Minute now = 0;
  std::map<std::pair<Minute, std::uint64_t>, Event> ref;
  std::uint64_t pushes = 0;
  std::size_t pops = 0;
  for (int step = 0; step < 20000; ++step) {
    if (ref.empty() || rng.bernoulli(push_prob)) {
      const auto t = (hold ? now : 0) + static_cast<Minute>(rng.below(static_cast<std::uint64_t>(time_range)));
      const auto kind = static_cast<std::uint32_t>(rng.below(8));
      const auto target = static_cast<std::uint32_t>(rng.below(1000));
      const auto tag = static_cast<std::uint32_t>(step);
      const auto aux = static_cast<std::uint32_t>(pushes * 3);
      q.push(t, kind, target, tag, aux);
      ref.emplace(std::make_pair(t, pushes), Event{t, pushes, kind, target, tag, aux});
      ++pushes;
    } else {
      const Event want = ref.begin()->second;
      ref.erase(ref.begin());
      ASSERT_EQ(q.top().seq, want.seq) << "seed " << seed << " step " << step;
      const Event got = q.pop();
      now = got.time;
      ++pops;
      ASSERT_EQ(got.time, want.time) << "seed " << seed << " step " << step;
      ASSERT_EQ(got.seq, want.seq) << "seed " << seed << " step " << step;
      ASSERT_EQ(got.kind, want.kind);
      ASSERT_EQ(got.target, want.target);
      ASSERT_EQ(got.tag, want.tag);
      ASSERT_EQ(got.aux, want.aux);
    }
    ASSERT_EQ(q.size(), ref.size());
  }
  EXPECT_GT(pops, 1000u);  // the test exercised both operations
  // Drain the rest.
  while (!ref.empty()) {
    ASSERT_FALSE(q.empty());
    const Event got = q.pop();
    ASSERT_EQ(got.seq, ref.begin()->second.seq);
    ASSERT_EQ(got.time, ref.begin()->first.first);
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.pushed(), pushes);
}

TEST(EventQueue, MatchesOrderedReferenceWithManyTies) {
  check_against_reference(1, 10, 0.55);
}

TEST(EventQueue, MatchesOrderedReferenceWithFewTies) {
  check_against_reference(2, 1000000, 0.6);
}

TEST(EventQueue, MatchesOrderedReferenceWhenMostlyPopping) {
  check_against_reference(3, 50, 0.5);
}

TEST(EventQueue, MatchesOrderedReferenceAcrossTheCalendarWindow) {
  // Windows of 16 and 1,024 minutes against times spread far wider: events
  // in buckets and in the far heap interleave, ties across the two included.
  for (unsigned bits : {4u, 10u}) {
    check_against_reference(10 + bits, 5000, 0.55, bits, true);
    check_against_reference(20 + bits, 40, 0.55, bits, true);
    check_against_reference(30 + bits, 100000, 0.6, bits, false);
    check_against_reference(40 + bits, 3000, 0.5, bits, false);
  }
}

TEST(EventQueue, MatchesOrderedReferenceWhenSchedulingAhead) {
  check_against_reference(5, 200000, 0.55, EventQueue::kDefaultWindowBits, true);
  check_against_reference(6, 30, 0.5, EventQueue::kDefaultWindowBits, true);
}

TEST(EventQueue, CopiesAreIndependent) {
  EventQueue a(6);
  for (std::uint32_t i = 0; i < 200; ++i) a.push(static_cast<Minute>((i * 37) % 500), 0, i);
  for (int i = 0; i < 50; ++i) a.pop();
  EventQueue b = a;
  a.push(1000, 0, 999);
  ASSERT_EQ(b.size() + 1, a.size());
  while (!b.empty()) {
    const Event x = a.pop(), y = b.pop();
    ASSERT_EQ(x.seq, y.seq);
    ASSERT_EQ(x.time, y.time);
  }
  EXPECT_EQ(a.pop().target, 999u);
}

}  // namespace
