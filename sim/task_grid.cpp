#include "sim/task_grid.hpp"

#include <charconv>
#include <string>

namespace sim {

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto i = number(text.substr(0, slash)), n = number(text.substr(slash + 1));
  if (!i || !n || *i < 1 || *i > *n) return std::nullopt;
  return Shard{*i, *n};
}

std::vector<std::size_t> shard_tasks(std::size_t total, Shard shard) {
  // 128-bit free: total is at most 100000 replicates x a few thousand scenarios.
  const std::size_t lo = (shard.index - 1) * total / shard.count, hi = shard.index * total / shard.count;
  std::vector<std::size_t> out;
  for (std::size_t i = lo; i < hi; ++i) out.push_back(i);
  return out;
}

std::filesystem::path checkpoint_path(const std::filesystem::path& output) { return output.string() + ".partial"; }

}  // namespace sim
