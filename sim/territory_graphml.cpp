// Territories from GraphML files (territory_io.hpp).
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

}  // namespace

// Boost's XML parser recurses once per nested element: ~20,000 levels
// overflow the stack. A GraphML territory needs 4 (graphml, graph, node,
// data); nested sub-graphs add 2 each. Refuse deeper text before parsing.
void check_xml_depth(const std::string& text, const std::string& file, std::size_t max_depth) {
  std::size_t depth = 0;
  int line = 1;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char ch = text[i];
    if (ch == '\n') ++line;
    if (ch != '<') continue;
    auto skip_to = [&](std::string_view end) {
      const std::size_t j = text.find(end, i);
      const std::size_t stop = j == std::string::npos ? n : j + end.size();
      line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(i),
                                          text.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
      i = stop - 1;
    };
    if (text.compare(i, 4, "<!--") == 0) { skip_to("-->"); continue; }
    if (text.compare(i, 9, "<![CDATA[") == 0) { skip_to("]]>"); continue; }
    if (i + 1 < n && (text[i + 1] == '?' || text[i + 1] == '!')) { skip_to(">"); continue; }
    const bool closing = i + 1 < n && text[i + 1] == '/';
    // To the end of the tag, past quoted attribute values.
    const int tag_line = line;
    char quote = 0;
    std::size_t j = i + 1;
    for (; j < n; ++j) {
      if (text[j] == '\n') ++line;
      if (quote) {
        if (text[j] == quote) quote = 0;
      } else if (text[j] == '"' || text[j] == '\'') {
        quote = text[j];
      } else if (text[j] == '>') {
        break;
      }
    }
    const bool self_closing = j < n && j > i + 1 && text[j - 1] == '/';
    i = j < n ? j : n - 1;
    if (closing) {
      if (depth > 0) --depth;
    } else if (!self_closing && ++depth > max_depth) {
      throw InputError(file, tag_line, 0,
                       "not valid GraphML: elements nested more than " + std::to_string(max_depth) + " deep");
    }
  }
}

namespace {

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
  // Exact or refused, like every TOML number (params.hpp read_real).
  constexpr long long kExact = 1LL << 53;
  if (auto* i = std::get_if<long long>(&a)) {
    if (*i > kExact || *i < -kExact) return std::nullopt;
    return static_cast<double>(*i);
  }
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
std::vector<std::string> node_ids(const std::string& text, const std::string& file, std::size_t& declared) {
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
      if (tag == "node") {
        const std::string id = child.get<std::string>("<xmlattr>.id");
        // Boost maps a repeated id onto the same vertex: the second <node>
        // would silently replace the first locality's attributes.
        if (seen.count(id)) throw InputError(file, 0, 0, "duplicate node id '" + id + "' (each <node> needs its own id)");
        add(id);
      }
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
  const std::vector<std::string> ids = node_ids(text, file, declared);
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
  check_xml_depth(text, path.string(), kMaxGraphmlDepth);
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

}  // namespace sim
