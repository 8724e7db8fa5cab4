// The territory: localities (communes or neighbourhoods) joined by roads, with
// all-pairs travel times computed once. Generic engine layer: it knows
// populations, rurality and social sectors, nothing of GPs or social workers.
// Readers and the synthetic generator live in territory_io.hpp.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

enum class Rurality : std::uint8_t { Urban = 0, SemiRural = 1, Rural = 2 };
inline constexpr int kRuralityCount = 3;

// "urban", "semi-rural", "rural" (the spelling used in every input format).
std::string_view to_string(Rurality r);
std::optional<Rurality> parse_rurality(std::string_view s);

// Limits checked by the Territory constructor. The locality cap bounds the
// n x n travel matrix (10,000 localities = 400 MB of floats).
inline constexpr std::uint32_t kMaxLocalityPopulation = 100'000'000;
inline constexpr std::uint64_t kMaxTotalPopulation = 200'000'000;
inline constexpr std::size_t kMaxLocalities = 10'000;
inline constexpr int kMaxSector = 99'999;
inline constexpr double kAgeMixTolerance = 1e-6;

struct Locality {
  std::string name;
  std::uint32_t population = 0;
  Rurality rurality = Rurality::Urban;
  // Shares of residents aged <25, 25-74, >=75. Must sum to 1 within
  // kAgeMixTolerance; the constructor then normalises them exactly.
  std::array<double, 3> age_mix{0.30, 0.60, 0.10};
  double precarity = 0.15;  // share of residents in precarity, [0, 1]
  int sector = 0;           // social sector id, 0 <= sector <= kMaxSector
  double x_km = 0, y_km = 0;  // position, for plots only (travel uses roads)
};

// An undirected road between localities a and b (indices), travel minutes > 0.
// Parallel roads are allowed: the shortest one wins.
struct Road {
  std::uint32_t a = 0, b = 0;
  double minutes = 0;
};

class Territory {
 public:
  Territory() = default;
  // Validates, then computes all-pairs shortest travel times (Dijkstra from
  // every vertex on a Boost adjacency_list). Throws InputError(source, 0, 0,
  // message naming the locality or road) on: no locality; more than
  // kMaxLocalities; empty or duplicate names; population 0 or above
  // kMaxLocalityPopulation, total above kMaxTotalPopulation; age_mix shares
  // outside [0,1] or not summing to 1; precarity outside [0,1]; sector
  // outside [0, kMaxSector]; non-finite position; a road endpoint out of
  // range or a loop; minutes not finite or <= 0; a disconnected graph.
  Territory(std::string name, std::vector<Locality> localities, std::vector<Road> roads,
            const std::string& source = "");

  const std::string& name() const { return name_; }
  std::size_t size() const { return localities_.size(); }
  const Locality& locality(std::size_t i) const { return localities_[i]; }
  const std::vector<Locality>& localities() const { return localities_; }
  const std::vector<Road>& roads() const { return roads_; }
  // Shortest travel time over the road graph; 0 on the diagonal. Symmetric.
  float travel_minutes(std::size_t from, std::size_t to) const {
    return travel_[from * localities_.size() + to];
  }
  // Row `from` of the travel matrix (size() entries), for bulk scans.
  const float* travel_row(std::size_t from) const {
    return travel_.data() + from * localities_.size();
  }

  std::uint64_t population() const { return population_; }
  int sector_count() const { return sector_count_; }  // max sector id + 1
  std::optional<std::size_t> find(std::string_view name) const;
  // Indices of the localities of `sector`, ascending.
  std::vector<std::size_t> localities_in_sector(int sector) const;
  // Localities reachable from `from` within `minutes` (inclusive; `from`
  // itself included), sorted by travel time, then index.
  std::vector<std::size_t> within_minutes(std::size_t from, double minutes) const;
  // A copy with every population multiplied by factor, rounded, at least 1.
  // Travel times are kept. Throws InputError when factor is not finite and
  // > 0 or when a scaled population breaks the limits.
  Territory scaled(double factor) const;

 private:
  std::string name_;
  std::vector<Locality> localities_;
  std::vector<Road> roads_;
  std::vector<float> travel_;  // row-major size() x size()
  std::map<std::string, std::size_t, std::less<>> index_;
  std::uint64_t population_ = 0;
  int sector_count_ = 0;
};

}  // namespace sim
