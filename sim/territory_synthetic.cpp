// The synthetic territory generator (territory_io.hpp).
#include "sim/territory_io.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "sim/input_error.hpp"

namespace sim {

// ---------------------------------------------------------------- synthetic

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::size_t kNearest = 3;  // nearest-neighbour roads per locality

void require_option(bool ok, const std::string& what) {
  if (!ok) throw InputError("", 0, 0, "synthetic territory: " + what);
}
bool unit_interval(double v) { return std::isfinite(v) && v >= 0 && v <= 1; }

// Largest-remainder apportionment of `total` over `target` (which sums to
// total), every share at least 1, so the sum is exact. Ties go to the lower
// index, which keeps it deterministic.
std::vector<std::uint64_t> apportion(std::uint64_t total, const std::vector<double>& target) {
  const std::size_t n = target.size();
  const double spare = static_cast<double>(total - n);
  std::vector<std::uint64_t> out(n, 1);
  std::vector<std::pair<double, std::size_t>> remainder(n);
  std::uint64_t given = n;
  for (std::size_t i = 0; i < n; ++i) {
    const double share = spare * target[i] / static_cast<double>(total);
    const double base = std::floor(share);
    out[i] += static_cast<std::uint64_t>(base);
    given += static_cast<std::uint64_t>(base);
    remainder[i] = {share - base, i};
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; k = (k + 1) % n, ++given) ++out[remainder[k].second];
  return out;
}

}  // namespace

Territory generate_synthetic(const SyntheticOptions& opt, Stream& rng, std::string name) {
  require_option(opt.localities >= 1 && opt.localities <= kMaxLocalities,
                 "localities must be in [1, " + std::to_string(kMaxLocalities) + "]");
  require_option(opt.population >= opt.localities && opt.population <= kMaxTotalPopulation,
                 "population must be at least the number of localities and at most " +
                     std::to_string(kMaxTotalPopulation));
  require_option(unit_interval(opt.core_share), "core_share must be in [0, 1]");
  require_option(opt.sectors >= 1 && opt.sectors <= static_cast<int>(opt.localities),
                 "sectors must be in [1, localities]");
  require_option(std::isfinite(opt.radius_km) && opt.radius_km > 0, "radius_km must be > 0");
  require_option(std::isfinite(opt.speed_km_per_min) && opt.speed_km_per_min > 0,
                 "speed_km_per_min must be > 0");
  require_option(unit_interval(opt.precarity_core) && unit_interval(opt.precarity_fringe),
                 "precarity_core and precarity_fringe must be in [0, 1]");
  require_option(unit_interval(opt.youth_share) && unit_interval(opt.elderly_share_urban) &&
                     unit_interval(opt.elderly_share_rural) &&
                     opt.youth_share + std::max(opt.elderly_share_urban, opt.elderly_share_rural) < 1,
                 "youth_share and elderly shares must be in [0, 1] and youth + elderly < 1");

  const std::size_t n = opt.localities;
  const double total = static_cast<double>(opt.population);
  std::vector<Locality> locs(n);
  // rho: distance from the core as a share of the radius (0 for the core).
  // The 0.1 floor keeps villages out of the core's own streets.
  std::vector<double> rho(n, 0.0), theta(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    rho[i] = 0.1 + 0.9 * std::sqrt(rng.uniform());  // sqrt: uniform over the disc area
    theta[i] = 2 * kPi * rng.uniform();
    locs[i].x_km = opt.radius_km * rho[i] * std::cos(theta[i]);
    locs[i].y_km = opt.radius_km * rho[i] * std::sin(theta[i]);
  }

  std::vector<double> target(n, 0.0);
  target[0] = n == 1 ? total : opt.core_share * total;
  double weight_sum = 0;
  for (std::size_t i = 1; i < n; ++i) {
    target[i] = std::exp(-2.5 * rho[i]) * rng.lognormal_mean_cv(1.0, 0.8);
    weight_sum += target[i];
  }
  for (std::size_t i = 1; i < n; ++i) target[i] *= (1 - opt.core_share) * total / weight_sum;
  const std::vector<std::uint64_t> pops = apportion(opt.population, target);

  const std::size_t width = std::max<std::size_t>(2, std::to_string(n - 1).size());
  for (std::size_t i = 0; i < n; ++i) {
    Locality& l = locs[i];
    require_option(pops[i] <= kMaxLocalityPopulation,
                   "a locality would exceed " + std::to_string(kMaxLocalityPopulation) +
                       " inhabitants; lower core_share or population");
    l.population = static_cast<std::uint32_t>(pops[i]);
    if (i == 0) {
      l.name = "core";
    } else {
      const std::string num = std::to_string(i);
      l.name = "loc-" + std::string(width - num.size(), '0') + num;
    }
    l.rurality = i == 0 ? Rurality::Urban : rho[i] < 0.5 ? Rurality::SemiRural : Rurality::Rural;
    // Older and less precarious towards the fringe, with local noise.
    double youth = opt.youth_share * rng.lognormal_mean_cv(1.0, 0.1);
    double elderly = (opt.elderly_share_urban +
                      (opt.elderly_share_rural - opt.elderly_share_urban) * rho[i]) *
                     rng.lognormal_mean_cv(1.0, 0.1);
    if (youth + elderly > 0.95) {
      const double k = 0.95 / (youth + elderly);
      youth *= k;
      elderly *= k;
    }
    l.age_mix = {youth, 1.0 - youth - elderly, elderly};
    const double prec = opt.precarity_core + (opt.precarity_fringe - opt.precarity_core) * rho[i];
    l.precarity = std::min(1.0, prec * rng.lognormal_mean_cv(1.0, 0.25));
  }

  // Sectors: slices of the disc, cut at a random angle, equal locality counts.
  if (n > 1) {
    const double cut = 2 * kPi * rng.uniform();
    std::vector<std::size_t> order(n - 1);
    for (std::size_t i = 1; i < n; ++i) order[i - 1] = i;
    auto angle = [&](std::size_t i) { return std::fmod(theta[i] - cut + 4 * kPi, 2 * kPi); };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return angle(a) < angle(b); });
    const std::size_t m = n - 1, s = static_cast<std::size_t>(opt.sectors);
    for (std::size_t k = 0; k < m; ++k)
      // With as many sectors as localities, the core keeps sector 0 alone.
      locs[order[k]].sector = static_cast<int>(m >= s ? k * s / m : k + 1);
  }

  // Roads, each pair once: a radial road from every locality to the nearest
  // one "on the way" to the core (within 15 % of the straight line, the core
  // itself at worst), which makes the graph connected and routes to town
  // direct, plus roads to the kNearest nearest neighbours (the lateral links).
  auto dist = [&](std::size_t a, std::size_t b) {
    return std::hypot(locs[a].x_km - locs[b].x_km, locs[a].y_km - locs[b].y_km);
  };
  std::set<std::pair<std::uint32_t, std::uint32_t>> links;
  auto link = [&](std::size_t a, std::size_t b) {
    links.emplace(static_cast<std::uint32_t>(std::min(a, b)), static_cast<std::uint32_t>(std::max(a, b)));
  };
  for (std::size_t i = 1; i < n; ++i) {
    const double home = dist(i, 0);
    std::size_t hop = 0;
    for (std::size_t j = 1; j < n; ++j)
      if (j != i && dist(j, 0) < home && dist(i, j) + dist(j, 0) <= 1.15 * home &&
          dist(i, j) < dist(i, hop))
        hop = j;
    link(i, hop);
  }
  std::vector<std::size_t> near(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) near[j] = j;
    const std::size_t k = std::min<std::size_t>(kNearest + 1, n);  // +1: i itself
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(k), near.end(),
                      [&](std::size_t a, std::size_t b) {
                        return std::pair(dist(i, a), a) < std::pair(dist(i, b), b);
                      });
    for (std::size_t m = 0; m < k; ++m)
      if (near[m] != i) link(i, near[m]);
  }
  std::vector<Road> roads;
  roads.reserve(links.size());
  for (auto [a, b] : links) {
    const double detour = 1.2 + 0.3 * rng.uniform();
    roads.push_back({a, b, std::max(1.0, dist(a, b) / opt.speed_km_per_min * detour)});
  }
  const std::string source = "synthetic territory " + name;
  return Territory(std::move(name), std::move(locs), std::move(roads), source);
}

}  // namespace sim
