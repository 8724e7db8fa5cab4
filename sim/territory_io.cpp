#include "sim/territory_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <variant>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

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

// ------------------------------------------------------------------ GraphML

namespace {

// A GraphML value as its key declared it; monostate when absent.
using Attr = std::variant<std::monostate, bool, long long, double, std::string>;

// Attribute names by slot; all but the last are node attributes.
constexpr std::array<const char*, 11> kAttrNames = {
    "name", "population", "rurality", "sector", "age_lt25", "age_25_74",
    "age_ge75", "precarity", "x_km", "y_km", "minutes"};
enum Slot : std::size_t { kName, kPop, kRur, kSector, kLt25, k2574, kGe75, kPrec, kX, kY, kMinutes };

struct Attrs {
  std::array<Attr, kAttrNames.size()> v;
};

// A dynamic property map that records whatever type the file declared, so
// that absence can be told from a default and "population" may be typed int,
// long or double (Boost's typed maps reject a type other than their own).
template <class Graph, class Descriptor>
class RecordingMap : public boost::dynamic_property_map {
 public:
  RecordingMap(Graph& g, std::size_t slot) : g_(g), slot_(slot) {}
  boost::any get(const boost::any& key) override { return get_string(key); }
  std::string get_string(const boost::any&) override { return {}; }
  void put(const boost::any& key, const boost::any& value) override {
    Attr& a = g_[boost::any_cast<Descriptor>(key)].v[slot_];
    if (auto* b = boost::any_cast<bool>(&value)) a = *b;
    else if (auto* i = boost::any_cast<int>(&value)) a = static_cast<long long>(*i);
    else if (auto* l = boost::any_cast<long>(&value)) a = static_cast<long long>(*l);
    else if (auto* f = boost::any_cast<float>(&value)) a = static_cast<double>(*f);
    else if (auto* d = boost::any_cast<double>(&value)) a = *d;
    else if (auto* s = boost::any_cast<std::string>(&value)) a = *s;
  }
  const std::type_info& key() const override { return typeid(Descriptor); }
  const std::type_info& value() const override { return typeid(std::string); }

 private:
  Graph& g_;
  std::size_t slot_;
};

[[noreturn]] void fail_at(const std::string& file, const std::string& msg) {
  throw InputError(file, 0, 0, msg);
}

std::string show(const Attr& a) {
  if (auto* s = std::get_if<std::string>(&a)) return "'" + *s + "'";
  if (auto* i = std::get_if<long long>(&a)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&a)) {
    std::ostringstream os;
    os << *d;
    return os.str();
  }
  if (auto* b = std::get_if<bool>(&a)) return *b ? "true" : "false";
  return "nothing";
}

std::optional<double> as_number(const Attr& a) {
  if (auto* i = std::get_if<long long>(&a)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&a)) return *d;
  if (auto* s = std::get_if<std::string>(&a)) {
    double v = 0;
    const char* end = s->data() + s->size();
    auto [p, ec] = std::from_chars(s->data(), end, v);
    if (ec == std::errc() && p == end) return v;
  }
  return std::nullopt;
}

// Node ids in the order read_graphml creates vertices (nodes of the first
// graph and its sub-graphs, then ids first seen on an edge): Boost keeps
// them private, and errors must name them.
// Vertex ids in Boost's order: the declared <node>s, then ids that only
// edges name (Boost creates those vertices silently). `declared` counts the
// former.
std::vector<std::string> node_ids(const std::string& text, std::size_t& declared) {
  namespace pt = boost::property_tree;
  pt::ptree tree;
  std::istringstream in(text);
  pt::read_xml(in, tree, pt::xml_parser::no_comments | pt::xml_parser::trim_whitespace);
  std::vector<const pt::ptree*> graphs;
  auto collect = [&](auto& self, const pt::ptree& top, bool first_only) -> void {
    for (const auto& [tag, child] : top) {
      if (tag != "graph") continue;
      graphs.push_back(&child);
      self(self, child, false);
      if (first_only) break;
    }
  };
  collect(collect, tree.get_child("graphml"), true);
  std::vector<std::string> ids;
  std::set<std::string> seen;
  auto add = [&](const std::string& id) {
    if (seen.insert(id).second) ids.push_back(id);
  };
  for (const pt::ptree* g : graphs)
    for (const auto& [tag, child] : *g)
      if (tag == "node") add(child.get<std::string>("<xmlattr>.id"));
  declared = ids.size();
  for (const pt::ptree* g : graphs)
    for (const auto& [tag, child] : *g)
      if (tag == "edge") {
        add(child.get<std::string>("<xmlattr>.source"));
        add(child.get<std::string>("<xmlattr>.target"));
      }
  return ids;
}

template <class Graph>
Territory read_graphml_as(const std::string& text, const std::filesystem::path& path) {
  using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
  using Edge = typename boost::graph_traits<Graph>::edge_descriptor;
  const std::string file = path.string();
  Graph g;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  for (std::size_t s = 0; s < kAttrNames.size(); ++s) {
    if (s == kMinutes) dp.insert(kAttrNames[s], boost::make_shared<RecordingMap<Graph, Edge>>(g, s));
    else dp.insert(kAttrNames[s], boost::make_shared<RecordingMap<Graph, Vertex>>(g, s));
  }
  std::istringstream in(text);
  boost::read_graphml(in, g, dp);  // parse errors are caught by load_graphml

  std::size_t declared = 0;
  const std::vector<std::string> ids = node_ids(text, declared);
  const std::size_t n = boost::num_vertices(g);
  auto id = [&](std::size_t v) { return "'" + (v < ids.size() ? ids[v] : "#" + std::to_string(v)) + "'"; };
  auto fail = [&](const std::string& msg) { fail_at(file, msg); };

  std::vector<Locality> locs(n);
  for (std::size_t v = 0; v < n; ++v) {
    if (v >= declared) fail("an edge names node " + id(v) + ", which no <node> declares");
    const auto& a = g[boost::vertex(v, g)].v;
    auto need = [&](Slot s) -> const Attr& {
      if (std::holds_alternative<std::monostate>(a[s]))
        fail("node " + id(v) + ": missing required attribute '" + kAttrNames[s] + "'");
      return a[s];
    };
    auto bad = [&](Slot s, const std::string& expected) {
      fail("node " + id(v) + ": attribute '" + kAttrNames[s] + "': expected " + expected +
           ", got " + show(a[s]));
    };
    auto number = [&](Slot s, double lo, double hi, const std::string& expected) {
      std::optional<double> x = as_number(a[s]);
      if (!x || !std::isfinite(*x) || *x < lo || *x > hi) bad(s, expected);
      return *x;
    };
    Locality& l = locs[v];
    if (auto* s = std::get_if<std::string>(&need(kName))) l.name = *s;
    else if (auto* i = std::get_if<long long>(&a[kName])) l.name = std::to_string(*i);
    else bad(kName, "a string");
    need(kPop);
    const double pop = number(kPop, 1, kMaxLocalityPopulation, "an integer in [1, 100000000]");
    if (pop != std::floor(pop)) bad(kPop, "an integer in [1, 100000000]");
    l.population = static_cast<std::uint32_t>(pop);
    const auto* rur = std::get_if<std::string>(&need(kRur));
    const auto parsed = rur ? parse_rurality(*rur) : std::nullopt;
    if (!parsed) bad(kRur, "\"urban\", \"semi-rural\" or \"rural\"");
    l.rurality = *parsed;
    need(kSector);
    const double sector = number(kSector, 0, kMaxSector, "an integer sector id >= 0");
    if (sector != std::floor(sector)) bad(kSector, "an integer sector id >= 0");
    l.sector = static_cast<int>(sector);
    const int ages = !std::holds_alternative<std::monostate>(a[kLt25]) +
                     !std::holds_alternative<std::monostate>(a[k2574]) +
                     !std::holds_alternative<std::monostate>(a[kGe75]);
    if (ages != 0 && ages != 3)
      fail("node " + id(v) + ": give all of age_lt25, age_25_74, age_ge75 or none of them");
    if (ages == 3)
      for (Slot s : {kLt25, k2574, kGe75})
        l.age_mix[s - kLt25] = number(s, 0, 1, "a share in [0, 1]");
    if (!std::holds_alternative<std::monostate>(a[kPrec]))
      l.precarity = number(kPrec, 0, 1, "a share in [0, 1]");
    const double inf = std::numeric_limits<double>::infinity();
    if (!std::holds_alternative<std::monostate>(a[kX])) l.x_km = number(kX, -inf, inf, "a number");
    if (!std::holds_alternative<std::monostate>(a[kY])) l.y_km = number(kY, -inf, inf, "a number");
  }

  std::vector<Road> roads;
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const auto u = boost::source(*it, g), w = boost::target(*it, g);
    const Attr& m = g[*it].v[kMinutes];
    const std::string edge = "edge " + id(u) + " - " + id(w);
    if (std::holds_alternative<std::monostate>(m)) fail(edge + ": missing required attribute 'minutes'");
    const std::optional<double> x = as_number(m);
    if (!x || !std::isfinite(*x) || *x <= 0)
      fail(edge + ": attribute 'minutes': expected a number > 0, got " + show(m));
    roads.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(w), *x});
  }
  return Territory(path.stem().string(), std::move(locs), std::move(roads), file);
}

}  // namespace

Territory load_graphml(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, 0, "cannot open GraphML file");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Attrs, Attrs>;
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Attrs, Attrs>;
  try {
    try {
      return read_graphml_as<Undirected>(text, path);
    } catch (const boost::directed_graph_error&) {
      // GIS tools often export edgedefault="directed"; roads are two-way.
      return read_graphml_as<Directed>(text, path);
    }
  } catch (const InputError&) {
    throw;
  } catch (const boost::property_tree::xml_parser_error& e) {
    throw InputError(path.string(), static_cast<int>(e.line()), 0,
                     "not valid GraphML: " + e.message());
  } catch (const std::exception& e) {
    // Boost's parse_error, property_tree's xml_parser_error, ptree_bad_path...
    throw InputError(path.string(), 0, 0, std::string("not valid GraphML: ") + e.what());
  }
}

// --------------------------------------------------------------------- TOML

namespace {

constexpr std::string_view kLocalityKeys =
    "name, population, rurality, age_mix, precarity, sector, x_km, y_km";
constexpr std::string_view kRoadKeys = "from, to, minutes";

// Reads one [[locality]] or [[road]] table; every error points at the key or
// value at fault, or at the table header when a key is missing.
class TomlReader {
 public:
  TomlReader(const toml::table& t, const std::string& file, std::string_view what)
      : t_(t), file_(file), what_(what) {}

  [[noreturn]] void fail(const toml::source_region& at, const std::string& msg) const {
    throw InputError(file_, static_cast<int>(at.begin.line), static_cast<int>(at.begin.column), msg);
  }
  void only_keys(std::string_view valid) const {
    for (auto&& [k, v] : t_) {
      const std::string key(k.str());
      if (!list_has(valid, key))
        fail(k.source(), "unknown key '" + key + "' in [[" + std::string(what_) +
                             "]]; valid keys: " + std::string(valid));
    }
  }
  const toml::node* get(std::string_view key, bool required) const {
    const toml::node* n = t_.get(key);
    if (!n && required)
      fail(t_.source(), "[[" + std::string(what_) + "]] lacks required key '" + std::string(key) + "'");
    return n;
  }
  std::string string(std::string_view key) const {
    const toml::node* n = get(key, true);
    if (!n->is_string() || n->as_string()->get().empty())
      fail(n->source(), std::string(key) + ": expected a non-empty string");
    return n->as_string()->get();
  }
  // Integer in [lo, hi]; nullopt when absent and optional.
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t lo, std::int64_t hi,
                                      const std::string& expected, bool required) const {
    const toml::node* n = get(key, required);
    if (!n) return std::nullopt;
    const auto* v = n->as_integer();
    if (!v || v->get() < lo || v->get() > hi) fail(n->source(), std::string(key) + ": expected " + expected);
    return v->get();
  }
  std::optional<double> number(std::string_view key, double lo, double hi,
                               const std::string& expected, bool required) const {
    const toml::node* n = get(key, required);
    if (!n) return std::nullopt;
    return number_of(*n, key, lo, hi, expected);
  }
  double number_of(const toml::node& n, std::string_view key, double lo, double hi,
                   const std::string& expected) const {
    const std::optional<double> x = n.is_number() ? n.value<double>() : std::nullopt;
    if (!x || !std::isfinite(*x) || *x < lo || *x > hi)
      fail(n.source(), std::string(key) + ": expected " + expected);
    return *x;
  }

 private:
  static bool list_has(std::string_view list, std::string_view key) {
    for (std::size_t pos = 0; pos <= list.size();) {
      std::size_t end = list.find(", ", pos);
      if (end == std::string_view::npos) end = list.size();
      if (list.substr(pos, end - pos) == key) return true;
      pos = end + 2;
    }
    return false;
  }
  const toml::table& t_;
  const std::string& file_;
  std::string_view what_;
};

const toml::array* array_of_tables(const toml::table& root, std::string_view key,
                                   const std::string& file) {
  const toml::node* n = root.get(key);
  if (!n) return nullptr;
  const toml::array* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    TomlReader(root, file, key).fail(
        n->source(), std::string(key) + ": expected one or more tables ([[" + std::string(key) + "]])");
  return a;
}

}  // namespace

Territory territory_from_toml(const toml::table& root, const std::string& source_path,
                              std::string name) {
  const toml::array* loc_tables = array_of_tables(root, "locality", source_path);
  if (!loc_tables)
    TomlReader(root, source_path, "locality").fail(root.source(), "no [[locality]] table");
  std::vector<Locality> locs;
  std::map<std::string, std::size_t, std::less<>> index;  // name -> locality
  for (const toml::node& node : *loc_tables) {
    const TomlReader r(*node.as_table(), source_path, "locality");
    r.only_keys(kLocalityKeys);
    Locality l;
    l.name = r.string("name");
    if (auto [it, fresh] = index.emplace(l.name, locs.size()); !fresh)
      r.fail(r.get("name", true)->source(),
             "duplicate locality name '" + l.name + "' (first given on line " +
                 std::to_string(
                     (*loc_tables)[it->second].as_table()->get("name")->source().begin.line) + ")");
    l.population = static_cast<std::uint32_t>(*r.integer(
        "population", 1, kMaxLocalityPopulation, "an integer > 0 (at most 100000000)", true));
    const toml::node* rur = r.get("rurality", true);
    const std::optional<Rurality> parsed =
        rur->is_string() ? parse_rurality(rur->as_string()->get()) : std::nullopt;
    if (!parsed) r.fail(rur->source(), "rurality: expected \"urban\", \"semi-rural\" or \"rural\"");
    l.rurality = *parsed;
    if (const toml::node* mix = r.get("age_mix", false)) {
      const toml::array* a = mix->as_array();
      if (!a || a->size() != 3)
        r.fail(mix->source(), "age_mix: expected an array of 3 shares [<25, 25-74, >=75]");
      double sum = 0;
      for (std::size_t k = 0; k < 3; ++k)
        sum += l.age_mix[k] = r.number_of(*a->get(k), "age_mix", 0, 1, "shares in [0, 1]");
      if (std::abs(sum - 1) > kAgeMixTolerance)
        r.fail(mix->source(), "age_mix: shares must sum to 1 (they sum to " + std::to_string(sum) + ")");
    }
    l.precarity = r.number("precarity", 0, 1, "a share in [0, 1]", false).value_or(l.precarity);
    l.sector = static_cast<int>(
        *r.integer("sector", 0, kMaxSector, "an integer sector id >= 0", true));
    const double inf = std::numeric_limits<double>::infinity();
    l.x_km = r.number("x_km", -inf, inf, "a number (km)", false).value_or(0.0);
    l.y_km = r.number("y_km", -inf, inf, "a number (km)", false).value_or(0.0);
    locs.push_back(std::move(l));
  }

  std::vector<Road> roads;
  if (const toml::array* road_tables = array_of_tables(root, "road", source_path)) {
    for (const toml::node& node : *road_tables) {
      const TomlReader r(*node.as_table(), source_path, "road");
      r.only_keys(kRoadKeys);
      auto end = [&](std::string_view key) {
        const std::string who = r.string(key);
        const auto it = index.find(who);
        if (it == index.end())
          r.fail(r.get(key, true)->source(), std::string(key) + ": unknown locality '" + who + "'");
        return static_cast<std::uint32_t>(it->second);
      };
      Road road{end("from"), end("to"), 0};
      if (road.a == road.b)
        r.fail(node.source(), "road from '" + locs[road.a].name + "' to itself");
      road.minutes = *r.number("minutes", std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::max(), "a number of minutes > 0", true);
      roads.push_back(road);
    }
  }
  // What remains (connectivity, total population) is the constructor's.
  return Territory(std::move(name), std::move(locs), std::move(roads), source_path);
}

Territory load_territory_toml(const std::filesystem::path& path) {
  const std::string file = path.string();
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, static_cast<int>(e.source().begin.line),
                     static_cast<int>(e.source().begin.column), std::string(e.description()));
  }
  std::string name = path.stem().string();
  const TomlReader top(root, file, "territory");
  for (auto&& [k, v] : root) {
    if (k == "locality" || k == "road") continue;
    if ((k == "name" || k == "description") && !v.is_string())
      top.fail(v.source(), std::string(k.str()) + ": expected a string");
    if (k == "name") name = v.as_string()->get();
    else if (k != "description")
      top.fail(k.source(), "unknown top-level key '" + std::string(k.str()) +
                               "'; valid keys: name, description, locality, road");
  }
  return territory_from_toml(root, file, std::move(name));
}

}  // namespace sim
