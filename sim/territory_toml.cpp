// Territories from TOML tables (presets) (territory_io.hpp).
#include "sim/territory_io.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "sim/input_error.hpp"
#include "sim/params.hpp"

namespace sim {

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
    return read_integer(*n, file_, std::string(what_) + "." + std::string(key), lo, hi);
  }
  std::optional<double> number(std::string_view key, double lo, double hi,
                               const std::string& expected, bool required) const {
    const toml::node* n = get(key, required);
    if (!n) return std::nullopt;
    return number_of(*n, key, lo, hi, expected);
  }
  double number_of(const toml::node& n, std::string_view key, double lo, double hi,
                   const std::string& expected) const {
    // The shared checked reader (params.hpp): an integer beyond +-2^53 is
    // refused, not read through an empty optional.
    const bool exact = !n.is_integer() || (n.as_integer()->get() <= kMaxExactInteger &&
                                           n.as_integer()->get() >= -kMaxExactInteger);
    if (!n.is_number() || !exact) fail(n.source(), std::string(key) + ": expected " + expected);
    const double x = read_real(n, file_, std::string(what_) + "." + std::string(key), -HUGE_VAL, HUGE_VAL);
    if (!std::isfinite(x) || x < lo || x > hi) fail(n.source(), std::string(key) + ": expected " + expected);
    return x;
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
