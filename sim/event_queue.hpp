// The pending-event set. Events come out in (time, sequence) order, the
// sequence number being the push order, so that events at the same minute
// come out in the order they were scheduled, on every platform and thread
// count.
//
// Layout (bench/README.md): a calendar of one bucket per minute over a
// sliding window of 2^window_bits minutes (2^17 by default: 13 weeks), plus
// a 4-ary heap (sim/event_heap.hpp) for what lies outside it.
//  - A bucket is a FIFO list of events at one minute. Pushes are numbered in
//    order, so appending keeps each bucket in sequence order: no comparison
//    at all for the near future, which is where a simulation schedules.
//  - The window starts at the time of the last event popped (`cursor_`).
//    Everything in a bucket lies in [cursor_, cursor_ + window), so bucket
//    b = time mod window, read circularly from cursor_'s bucket, is in time
//    order; a bitmap of non-empty buckets (with a summary of non-empty
//    words) finds the next one in a few word tests.
//  - An event outside the window (further ahead, or pushed into the past)
//    goes to the heap. The earliest event is the smaller of the first
//    bucket's head and the heap's top, so nothing ever migrates between the
//    two and the order is exactly (time, seq), as with the heap alone.
// Buckets cost 4 bytes each (the tail of a circular list) and are allocated
// on the first push into the window; events sit in a pool with a free list.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_heap.hpp"

namespace sim {

class EventQueue {
 public:
  static constexpr unsigned kDefaultWindowBits = 17;
  explicit EventQueue(unsigned window_bits = kDefaultWindowBits)
      : window_(std::size_t{1} << window_bits), mask_(window_ - 1) {}

  void reserve(std::size_t n) {
    pool_.reserve(n);
    next_.reserve(n);
  }
  void push(Minute time, std::uint32_t kind, std::uint32_t target, std::uint32_t tag = 0,
            std::uint32_t aux = 0);
  // The earliest event. Precondition: !empty().
  const Event& top() const;
  // Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  bool empty() const { return size() == 0; }
  std::size_t size() const { return in_buckets_ + far_.size(); }
  std::uint64_t pushed() const { return next_seq_; }
  // Bytes held by the queue's storage (for memory accounting).
  std::size_t capacity_bytes() const {
    return pool_.capacity() * sizeof(Event) + (next_.capacity() + tails_.capacity()) * sizeof(std::uint32_t) +
           (bits_.capacity() + summary_.capacity()) * sizeof(std::uint64_t) + far_.capacity_bytes();
  }
  void clear();

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  bool in_window(Minute t) const {
    return t >= cursor_ && static_cast<std::uint64_t>(t - cursor_) < window_;
  }
  void allocate_window();
  // The first non-empty bucket reading circularly from cursor_'s bucket;
  // kNone if every bucket is empty. Cached: a simulation asks top() then
  // pop() for every event, and the scan is the queue's main cost.
  std::uint32_t first_bucket() const {
    if (!front_known_) {
      front_ = scan_first_bucket();
      front_known_ = true;
    }
    return front_;
  }
  std::uint32_t scan_first_bucket() const;
  // The first non-empty word of bits_ in [from, to), or kNoWord.
  static constexpr std::size_t kNoWord = ~std::size_t{0};
  std::size_t next_word(std::size_t from, std::size_t to) const;
  const Event& bucket_head(std::uint32_t b) const { return pool_[next_[tails_[b]]]; }
  Event pop_bucket(std::uint32_t b);
  void set_bit(std::size_t b) {
    bits_[b >> 6] |= std::uint64_t{1} << (b & 63);
    summary_[b >> 12] |= std::uint64_t{1} << ((b >> 6) & 63);
  }
  void clear_bit(std::size_t b) {
    if ((bits_[b >> 6] &= ~(std::uint64_t{1} << (b & 63))) == 0)
      summary_[b >> 12] &= ~(std::uint64_t{1} << ((b >> 6) & 63));
  }

  std::size_t window_, mask_;
  Minute cursor_ = 0;                 // time of the last event popped (non-decreasing)
  std::uint64_t next_seq_ = 0;
  std::size_t in_buckets_ = 0;
  std::vector<Event> pool_;           // events in buckets
  std::vector<std::uint32_t> next_;   // pool_[i]'s successor in its circular list, or the next free slot
  std::uint32_t free_ = kNone;        // head of the free list in pool_
  std::vector<std::uint32_t> tails_;  // per bucket: the last event (its next_ is the first), or kNone
  std::vector<std::uint64_t> bits_;   // bit b: bucket b is non-empty
  std::vector<std::uint64_t> summary_;  // bit w: bits_[w] != 0
  EventHeap far_;                     // events outside the window
  // first_bucket()'s answer while front_known_. A push can only move it to
  // an earlier minute; emptying that bucket makes it unknown; a pop from the
  // far heap leaves it (the cursor stays at or before its minute).
  mutable std::uint32_t front_ = kNone;
  mutable bool front_known_ = false;
};

inline void EventQueue::allocate_window() {
  tails_.assign(window_, kNone);
  bits_.assign((window_ + 63) / 64, 0);
  summary_.assign((bits_.size() + 63) / 64, 0);
}

inline void EventQueue::push(Minute time, std::uint32_t kind, std::uint32_t target, std::uint32_t tag,
                             std::uint32_t aux) {
  const Event e{time, next_seq_++, kind, target, tag, aux};
  if (!in_window(time)) return far_.push(e);
  if (tails_.empty()) allocate_window();
  std::uint32_t n;
  if (free_ != kNone) {
    n = free_;
    free_ = next_[n];
    pool_[n] = e;
  } else {
    n = static_cast<std::uint32_t>(pool_.size());
    pool_.push_back(e);
    next_.push_back(kNone);
  }
  const std::size_t b = static_cast<std::size_t>(time) & mask_;
  std::uint32_t& tail = tails_[b];
  if (front_known_ && (front_ == kNone || time < bucket_head(front_).time)) front_ = static_cast<std::uint32_t>(b);
  if (tail == kNone) {
    next_[n] = n;
    set_bit(b);
  } else {
    next_[n] = next_[tail];
    next_[tail] = n;
  }
  tail = n;
  ++in_buckets_;
}

inline std::uint32_t EventQueue::scan_first_bucket() const {
  if (in_buckets_ == 0) return kNone;
  const std::size_t start = static_cast<std::size_t>(cursor_) & mask_;
  const std::size_t w0 = start >> 6;
  // The start word, from the start bit on.
  if (const std::uint64_t m = bits_[w0] & (~std::uint64_t{0} << (start & 63)))
    return static_cast<std::uint32_t>((w0 << 6) | static_cast<std::size_t>(__builtin_ctzll(m)));
  // Then the first non-empty word after it, through the summary; wrapping
  // round, the start word comes last, with only its bits below the start
  // left (the far end of the window).
  std::size_t w = next_word(w0 + 1, bits_.size());
  if (w == kNoWord) w = next_word(0, w0 + 1);
  return static_cast<std::uint32_t>((w << 6) | static_cast<std::size_t>(__builtin_ctzll(bits_[w])));
}

inline std::size_t EventQueue::next_word(std::size_t from, std::size_t to) const {
  for (std::size_t w = from; w < to; w = (w | 63) + 1) {
    if (const std::uint64_t s = summary_[w >> 6] & (~std::uint64_t{0} << (w & 63))) {
      const std::size_t found = (w & ~std::size_t{63}) | static_cast<std::size_t>(__builtin_ctzll(s));
      return found < to ? found : kNoWord;
    }
  }
  return kNoWord;
}

inline const Event& EventQueue::top() const {
  const std::uint32_t b = first_bucket();
  if (b == kNone) return far_.top();
  const Event& near = bucket_head(b);
  if (far_.empty() || event_key(near) < event_key(far_.top())) return near;
  return far_.top();
}

inline Event EventQueue::pop_bucket(std::uint32_t b) {
  std::uint32_t& tail = tails_[b];
  const std::uint32_t head = next_[tail];
  if (head == tail) {
    tail = kNone;
    clear_bit(b);
    front_known_ = false;
  } else {
    next_[tail] = next_[head];
  }
  next_[head] = free_;
  free_ = head;
  --in_buckets_;
  return pool_[head];
}

inline Event EventQueue::pop() {
  const std::uint32_t b = first_bucket();
  Event e;
  if (b != kNone && (far_.empty() || event_key(bucket_head(b)) < event_key(far_.top())))
    e = pop_bucket(b);
  else
    e = far_.pop();
  if (e.time > cursor_) cursor_ = e.time;
  return e;
}

inline void EventQueue::clear() {
  cursor_ = 0;
  next_seq_ = 0;
  in_buckets_ = 0;
  pool_.clear();
  next_.clear();
  free_ = kNone;
  front_known_ = false;
  if (!tails_.empty()) allocate_window();
  far_.clear();
}

}  // namespace sim
