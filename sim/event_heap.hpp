// A 4-ary min-heap of small POD events ordered by (time, sequence), the
// sequence number being given by the caller (EventQueue numbers its pushes).
// It holds EventQueue's far-future events (sim/event_queue.hpp), and is the
// whole queue's former implementation, kept as the benchmark's reference.
// No allocation once the heap has grown.
//
// Layout (bench/README.md, "Performance"): a 4-ary heap is half as deep as
// a binary one, and the four children of a node (4 x 32 bytes) share two
// cache lines: the storage is 128-byte aligned and the root sits at slot 3,
// so that every group of siblings starts on a line boundary. pop() moves the
// hole down to a leaf by the smallest child only, then lets the last event
// climb back (Floyd's variant): one comparison fewer per level, and the last
// event, a late one, rarely climbs. The children are picked branch-free,
// with the level below prefetched once the heap outgrows the core's caches. The order of events is exactly that of
// a plain binary heap: (time, seq) is a total order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

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
static_assert(sizeof(Event) == 32 && std::is_trivially_copyable_v<Event>);

// (time, seq) as one signed 128-bit key: signed high half, unsigned low
// half, so that one 128-bit comparison (cmp + sbb) orders two events.
__extension__ typedef __int128 EventKey;
inline EventKey event_key(const Event& e) {
  return (static_cast<EventKey>(e.time) << 64) | static_cast<EventKey>(e.seq);
}

class EventHeap {
 public:
  EventHeap() = default;
  EventHeap(const EventHeap& o) { *this = o; }
  EventHeap& operator=(const EventHeap& o) {
    if (this != &o) {
      reserve(o.size_);
      if (o.size_ > 0) std::memcpy(static_cast<void*>(base()), o.base(), o.size_ * sizeof(Event));
      size_ = o.size_;
    }
    return *this;
  }
  EventHeap(EventHeap&& o) noexcept { swap(o); }
  EventHeap& operator=(EventHeap&& o) noexcept {
    swap(o);
    return *this;
  }
  ~EventHeap() { release(); }

  void reserve(std::size_t n) {
    if (n > capacity_) grow(n);
  }
  void push(const Event& e);
  // Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  const Event& top() const { return base()[0]; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // Bytes held by the queue's storage (for memory accounting).
  std::size_t capacity_bytes() const { return capacity_ == 0 ? 0 : (capacity_ + kPad) * sizeof(Event); }
  void clear() { size_ = 0; }

 private:
  static constexpr std::size_t kArity = 4;
  static constexpr std::size_t kOffset = 3;  // root at slot 3: sibling groups start on a 128-byte boundary
  static constexpr std::size_t kPad = kOffset + kArity * kArity;  // + spare slots at the end for prefetches
  static constexpr std::size_t kPrefetchFrom = 8192;  // events (256 kB): below, the heap sits in L1/L2
  static constexpr std::align_val_t kAlign{128};

  using Key = EventKey;
  static Key key(const Event& e) { return event_key(e); }

  Event* base() { return slots_ + kOffset; }
  const Event* base() const { return slots_ + kOffset; }
  void grow(std::size_t want);
  void release() {
    if (slots_) ::operator delete(static_cast<void*>(slots_), kAlign);
    slots_ = nullptr;
    capacity_ = 0;
  }
  void swap(EventHeap& o) noexcept {
    std::swap(slots_, o.slots_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }

  Event* slots_ = nullptr;     // kOffset unused slots, the heap, kArity^2 unused slots
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;   // heap slots
};

inline void EventHeap::grow(std::size_t want) {
  std::size_t cap = capacity_ < 64 ? 64 : capacity_ * 2;
  while (cap < want) cap *= 2;
  auto* fresh = static_cast<Event*>(::operator new((cap + kPad) * sizeof(Event), kAlign));
  if (size_ > 0) std::memcpy(static_cast<void*>(fresh + kOffset), base(), size_ * sizeof(Event));
  release();
  slots_ = fresh;
  capacity_ = cap;
}

inline void EventHeap::push(const Event& e) {
  if (size_ == capacity_) grow(size_ + 1);
  Event* h = base();
  std::size_t i = size_++;
  const Key k = key(e);
  while (i > 0) {  // sift up
    const std::size_t parent = (i - 1) / kArity;
    if (!(k < key(h[parent]))) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

inline Event EventHeap::pop() {
  Event* h = base();
  const Event out = h[0];
  const std::size_t n = --size_;
  if (n == 0) return out;
  const Event last = h[n];
  // Move the hole at the root down to a leaf, always by the smallest child.
  const bool deep = n >= kPrefetchFrom;
  std::size_t i = 0;
  for (;;) {
    const std::size_t c = kArity * i + 1;
    if (c + kArity <= n) {  // a full group of siblings: branch-free selection
      // The selection is a data dependency the CPU cannot guess past, so in
      // a heap larger than the core's caches the next level of every
      // sibling (4 groups of 2 lines, contiguous) is fetched while this one
      // is compared: the latencies overlap.
      if (deep) {
        const std::size_t g = kArity * c + 1;
        if (g < n)
          for (std::size_t j = 0; j < 2 * kArity; ++j) __builtin_prefetch(&h[g + 2 * j]);
      }
      std::size_t m = c;
      for (std::size_t j = 1; j < kArity; ++j) m = key(h[c + j]) < key(h[m]) ? c + j : m;
      h[i] = h[m];
      i = m;
    } else {
      if (c >= n) break;
      std::size_t m = c;
      for (std::size_t j = c + 1; j < n; ++j)
        if (key(h[j]) < key(h[m])) m = j;
      h[i] = h[m];
      i = m;
      break;  // a node with fewer than four children has only leaves below
    }
  }
  // Then let the former last event climb back to its place.
  const Key k = key(last);
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!(k < key(h[parent]))) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return out;
}

}  // namespace sim
