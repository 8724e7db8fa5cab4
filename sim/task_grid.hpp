// The grid of a run's tasks as the engine sees it: indices 0..T-1, cut into
// contiguous shards for cluster job arrays (`--shard I/N`). What a task is
// (a scenario x replicate, a calibration point) is the caller's business.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace sim {

// `--shard I/N`: the I-th (1-based) of N contiguous slices of the grid,
// tasks [floor((I-1)T/N), floor(IT/N)). Contiguous slices hold whole
// replicates of every scenario, which keeps shards alike in cost.
struct Shard {
  std::uint32_t index = 1, count = 1;
};
std::optional<Shard> parse_shard(std::string_view text);  // nullopt unless "I/N" with 1 <= I <= N
std::vector<std::size_t> shard_tasks(std::size_t total, Shard shard);

// Where a run writing OUT keeps its finished tasks: "<OUT>.partial".
std::filesystem::path checkpoint_path(const std::filesystem::path& output);

}  // namespace sim
