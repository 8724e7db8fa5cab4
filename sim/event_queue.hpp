// The pending-event set: a binary min-heap of small POD events ordered by
// (time, sequence). The sequence number is the insertion order, so events at
// the same minute come out in the order they were scheduled, on every
// platform and thread count. No allocation once the heap has grown.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/clock.hpp"

namespace sim {

struct Event {
  Minute time = 0;
  std::uint64_t seq = 0;
  std::uint32_t kind = 0;     // what happens; meaning owned by the model
  std::uint32_t target = 0;   // whom it happens to (an index)
  std::uint32_t tag = 0;      // e.g. a generation counter to detect stale events
  std::uint32_t aux = 0;      // one more small argument
};

class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  void push(Minute time, std::uint32_t kind, std::uint32_t target, std::uint32_t tag = 0,
            std::uint32_t aux = 0);
  // Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::uint64_t pushed() const { return next_seq_; }
  void clear() {
    heap_.clear();
    next_seq_ = 0;
  }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

inline void EventQueue::push(Minute time, std::uint32_t kind, std::uint32_t target,
                             std::uint32_t tag, std::uint32_t aux) {
  Event e{time, next_seq_++, kind, target, tag, aux};
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {  // sift up
    const std::size_t parent = (i - 1) / 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

inline Event EventQueue::pop() {
  const Event out = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n > 0) {
    std::size_t i = 0;
    for (;;) {  // sift down
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], last)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = last;
  }
  return out;
}

}  // namespace sim
