// Storage for short-lived agents (e.g. open cases): a flat vector of records
// reused through a free list, addressed by 32-bit indices, never by pointers.
// Memory grows with the peak number alive, not with the number ever created.
#pragma once
#include <cstdint>
#include <vector>

namespace sim {

template <class T>
class SlotPool {
 public:
  std::uint32_t acquire() {
    if (!free_.empty()) {
      const std::uint32_t i = free_.back();
      free_.pop_back();
      items_[i] = T{};
      in_use_[i] = 1;
      ++alive_;
      return i;
    }
    items_.emplace_back();
    in_use_.push_back(1);
    ++alive_;
    return static_cast<std::uint32_t>(items_.size() - 1);
  }
  void release(std::uint32_t i) {
    free_.push_back(i);
    in_use_[i] = 0;
    --alive_;
  }
  T& operator[](std::uint32_t i) { return items_[i]; }
  const T& operator[](std::uint32_t i) const { return items_[i]; }
  std::size_t alive() const { return alive_; }
  bool in_use(std::uint32_t i) const { return in_use_[i] != 0; }
  std::size_t capacity() const { return items_.size(); }
  void reserve(std::size_t n) { items_.reserve(n); }
  // The released slots, the next to be reused last (for saving a pool:
  // acquiring capacity() slots then releasing these in order rebuilds it).
  const std::vector<std::uint32_t>& free_slots() const { return free_; }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
  std::vector<std::uint8_t> in_use_;
  std::size_t alive_ = 0;
};

}  // namespace sim
