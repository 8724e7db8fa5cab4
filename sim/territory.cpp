#include "sim/territory.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "sim/input_error.hpp"

namespace sim {

std::string_view to_string(Rurality r) {
  switch (r) {
    case Rurality::Urban: return "urban";
    case Rurality::SemiRural: return "semi-rural";
    case Rurality::Rural: return "rural";
  }
  return "urban";
}

std::optional<Rurality> parse_rurality(std::string_view s) {
  if (s == "urban") return Rurality::Urban;
  if (s == "semi-rural") return Rurality::SemiRural;
  if (s == "rural") return Rurality::Rural;
  return std::nullopt;
}

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string describe_road(std::size_t k, const Road& r, const std::vector<Locality>& locs) {
  std::ostringstream os;
  os << "road " << k << " (";
  auto end = [&](std::uint32_t i) {
    if (i < locs.size()) os << quoted(locs[i].name);
    else os << "#" << i;
  };
  end(r.a);
  os << " - ";
  end(r.b);
  os << ")";
  return os.str();
}

bool in_unit(double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; }

// Checks one locality on its own; returns the problem, or "" when fine.
std::string locality_problem(const Locality& l) {
  if (l.population == 0) return "population must be > 0";
  if (l.population > kMaxLocalityPopulation)
    return "population " + std::to_string(l.population) + " exceeds the limit of " +
           std::to_string(kMaxLocalityPopulation);
  double sum = 0;
  for (double s : l.age_mix) {
    if (!in_unit(s)) return "age_mix shares must each be in [0, 1]";
    sum += s;
  }
  if (std::abs(sum - 1.0) > kAgeMixTolerance) {
    std::ostringstream os;
    os.precision(10);
    os << "age_mix shares must sum to 1 (they sum to " << sum << ")";
    return os.str();
  }
  if (!in_unit(l.precarity)) return "precarity must be in [0, 1]";
  if (l.sector < 0 || l.sector > kMaxSector)
    return "sector must be in [0, " + std::to_string(kMaxSector) + "]";
  if (!std::isfinite(l.x_km) || !std::isfinite(l.y_km)) return "x_km and y_km must be finite";
  return {};
}

}  // namespace

Territory::Territory(std::string name, std::vector<Locality> localities, std::vector<Road> roads,
                     const std::string& source)
    : name_(std::move(name)), localities_(std::move(localities)), roads_(std::move(roads)) {
  auto fail = [&](const std::string& msg) { throw InputError(source, 0, 0, msg); };
  const std::size_t n = localities_.size();
  if (n == 0) fail("territory " + quoted(name_) + " has no locality");
  if (n > kMaxLocalities)
    fail("territory has " + std::to_string(n) + " localities; the limit is " +
         std::to_string(kMaxLocalities));

  for (std::size_t i = 0; i < n; ++i) {
    Locality& l = localities_[i];
    if (l.name.empty()) fail("locality #" + std::to_string(i) + " has an empty name");
    if (auto [it, fresh] = index_.emplace(l.name, i); !fresh)
      fail("duplicate locality name " + quoted(l.name) + " (localities #" +
           std::to_string(it->second) + " and #" + std::to_string(i) + ")");
    if (std::string p = locality_problem(l); !p.empty()) fail("locality " + quoted(l.name) + ": " + p);
    // Normalise so that downstream draws see shares summing to exactly 1.
    const double sum = l.age_mix[0] + l.age_mix[1] + l.age_mix[2];
    for (double& s : l.age_mix) s /= sum;
    population_ += l.population;
    sector_count_ = std::max(sector_count_, l.sector + 1);
  }
  if (population_ > kMaxTotalPopulation)
    fail("total population " + std::to_string(population_) + " exceeds the limit of " +
         std::to_string(kMaxTotalPopulation));

  Graph g(n);
  for (std::size_t k = 0; k < roads_.size(); ++k) {
    const Road& r = roads_[k];
    if (r.a >= n || r.b >= n)
      fail(describe_road(k, r, localities_) + ": endpoint out of range (" + std::to_string(n) +
           " localities)");
    if (r.a == r.b) fail(describe_road(k, r, localities_) + ": a road must join two distinct localities");
    if (!std::isfinite(r.minutes) || r.minutes <= 0)
      fail(describe_road(k, r, localities_) + ": minutes must be finite and > 0");
    boost::add_edge(r.a, r.b, r.minutes, g);
  }

  // Dijkstra from every vertex: O(n E log n) in all, fine for the few
  // thousand localities of a département; a float matrix halves the memory.
  travel_.assign(n * n, 0.0f);
  std::vector<double> dist(n);
  const auto index = boost::get(boost::vertex_index, g);
  for (std::size_t s = 0; s < n; ++s) {
    boost::dijkstra_shortest_paths(
        g, boost::vertex(s, g),
        boost::distance_map(boost::make_iterator_property_map(dist.begin(), index)));
    if (s == 0) {
      std::vector<std::string> cut;
      for (std::size_t v = 0; v < n; ++v)
        if (dist[v] == std::numeric_limits<double>::max()) cut.push_back(quoted(localities_[v].name));
      if (!cut.empty()) {
        std::string list;
        for (std::size_t i = 0; i < cut.size() && i < 5; ++i) list += (i ? ", " : "") + cut[i];
        if (cut.size() > 5) list += " and " + std::to_string(cut.size() - 5) + " more";
        fail("road graph is not connected: " + list + " cannot be reached from " +
             quoted(localities_[0].name));
      }
    }
    for (std::size_t v = 0; v < n; ++v) travel_[s * n + v] = static_cast<float>(dist[v]);
  }
  // Summation order differs between the two directions; keep the matrix
  // exactly symmetric so that "a to b" and "b to a" never disagree.
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) travel_[b * n + a] = travel_[a * n + b];
}

std::optional<std::size_t> Territory::find(std::string_view name) const {
  if (auto it = index_.find(name); it != index_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::size_t> Territory::localities_in_sector(int sector) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < localities_.size(); ++i)
    if (localities_[i].sector == sector) out.push_back(i);
  return out;
}

std::vector<std::size_t> Territory::within_minutes(std::size_t from, double minutes) const {
  std::vector<std::size_t> out;
  const float* row = travel_row(from);
  for (std::size_t i = 0; i < localities_.size(); ++i)
    if (static_cast<double>(row[i]) <= minutes) out.push_back(i);
  std::stable_sort(out.begin(), out.end(),
                   [row](std::size_t a, std::size_t b) { return row[a] < row[b]; });
  return out;
}

Territory Territory::scaled(double factor) const {
  if (!std::isfinite(factor) || factor <= 0)
    throw InputError("", 0, 0, "population scale factor must be finite and > 0");
  Territory t = *this;
  t.population_ = 0;
  for (Locality& l : t.localities_) {
    const double p = std::round(static_cast<double>(l.population) * factor);
    if (p > static_cast<double>(kMaxLocalityPopulation))
      throw InputError("", 0, 0,
                       "scaling population by " + std::to_string(factor) + " takes locality " +
                           quoted(l.name) + " above the limit of " +
                           std::to_string(kMaxLocalityPopulation));
    l.population = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(p));
    t.population_ += l.population;
  }
  if (t.population_ > kMaxTotalPopulation)
    throw InputError("", 0, 0,
                     "scaling population by " + std::to_string(factor) +
                         " takes the total above the limit of " +
                         std::to_string(kMaxTotalPopulation));
  return t;
}

}  // namespace sim
