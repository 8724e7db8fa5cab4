// Nearest-first ordering of a prefix, shared by the builders and the
// partner search.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace models {

// The first `k` of `items` in the order of a stable sort by `minutes(item)`
// (ties: the lower item first, i.e. the order a stable sort of an ascending
// list gives), without sorting the rest.
template <class Minutes>
std::vector<std::uint32_t> nearest_first(std::size_t items, std::size_t k, Minutes minutes) {
  std::vector<std::uint32_t> v(items);
  std::iota(v.begin(), v.end(), 0u);
  k = std::min(k, items);
  std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      const float ma = minutes(a), mb = minutes(b);
                      return ma < mb || (ma == mb && a < b);
                    });
  // A right-sized copy: callers keep these prefixes per locality, and the
  // full-length scratch vector would hold `items` slots each.
  return std::vector<std::uint32_t>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k));
}

}  // namespace models
