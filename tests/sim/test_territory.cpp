#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>

#include <unistd.h>

#include "sim/input_error.hpp"
#include "sim/territory.hpp"
#include "sim/territory_io.hpp"

namespace {

using sim::InputError;
using sim::Locality;
using sim::Road;
using sim::Rurality;
using sim::Territory;

Locality loc(std::string name, std::uint32_t pop, int sector = 0) {
  Locality l;
  l.name = std::move(name);
  l.population = pop;
  l.sector = sector;
  return l;
}

// A - B 10, B - C 10, A - C 30 (the detour via B is shorter), C - D 5.
Territory diamond() {
  return Territory("diamond", {loc("A", 100, 0), loc("B", 200, 1), loc("C", 300, 1), loc("D", 400, 2)},
                   {{0, 1, 10}, {1, 2, 10}, {0, 2, 30}, {2, 3, 5}}, "diamond.toml");
}

// Runs f, which must throw InputError; returns it for inspection.
template <class F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected sim::InputError";
  return InputError("", 0, 0, "none thrown");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// One folder per process, removed at exit, so that concurrent runs of the
// suite never read each other's files.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("passerelle-territory-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::filesystem::path write_temp(const std::string& stem, const std::string& ext, const std::string& text) {
  static const TempDir dir;
  const auto path = dir.path / (stem + ext);
  std::ofstream(path) << text;
  return path;
}

toml::table parse(const std::string& text) { return toml::parse(text, std::string_view("test.toml")); }

}  // namespace

TEST(Territory, RuralityNamesRoundTrip) {
  for (Rurality r : {Rurality::Urban, Rurality::SemiRural, Rurality::Rural})
    EXPECT_EQ(sim::parse_rurality(sim::to_string(r)), r);
  EXPECT_EQ(sim::to_string(Rurality::SemiRural), "semi-rural");
  EXPECT_FALSE(sim::parse_rurality("Rural").has_value());
  EXPECT_FALSE(sim::parse_rurality("semirural").has_value());
}

TEST(Territory, TravelTimesAreShortestPaths) {
  const Territory t = diamond();
  EXPECT_FLOAT_EQ(t.travel_minutes(0, 2), 20.0f);  // via B, not the 30-min road
  EXPECT_FLOAT_EQ(t.travel_minutes(0, 3), 25.0f);
  EXPECT_FLOAT_EQ(t.travel_minutes(1, 3), 15.0f);
  EXPECT_FLOAT_EQ(t.travel_minutes(0, 1), 10.0f);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t.travel_minutes(i, i), 0.0f);
}

TEST(Territory, ParallelRoadsKeepTheShortest) {
  const Territory t("p", {loc("A", 1), loc("B", 1)}, {{0, 1, 12}, {1, 0, 7}});
  EXPECT_FLOAT_EQ(t.travel_minutes(0, 1), 7.0f);
}

TEST(Territory, TravelTimesAreSymmetricAndObeyTriangleInequality) {
  sim::Stream rng(7);
  sim::SyntheticOptions opt;
  opt.localities = 40;
  const Territory t = sim::generate_synthetic(opt, rng);
  for (std::size_t a = 0; a < t.size(); ++a)
    for (std::size_t b = 0; b < t.size(); ++b) {
      EXPECT_EQ(t.travel_minutes(a, b), t.travel_minutes(b, a));
      if (a != b) {
        EXPECT_GT(t.travel_minutes(a, b), 0.0f);
      }
      for (std::size_t c = 0; c < t.size(); c += 7)
        EXPECT_LE(t.travel_minutes(a, b), t.travel_minutes(a, c) + t.travel_minutes(c, b) + 1e-3f);
    }
  for (const Road& r : t.roads()) EXPECT_LE(t.travel_minutes(r.a, r.b), r.minutes + 1e-4);
}

TEST(Territory, DisconnectedGraphRejected) {
  const InputError e = input_error([] {
    Territory("t", {loc("A", 1), loc("B", 1), loc("C", 1), loc("Island", 1)},
              {{0, 1, 5}, {1, 2, 5}}, "t.graphml");
  });
  EXPECT_EQ(e.file(), "t.graphml");
  EXPECT_EQ(e.line(), 0);
  EXPECT_TRUE(contains(e.message(), "not connected")) << e.what();
  EXPECT_TRUE(contains(e.message(), "'Island'")) << e.what();
  EXPECT_FALSE(contains(e.message(), "'C'")) << e.what();
}

TEST(Territory, NonPositiveOrNonFiniteMinutesRejected) {
  for (double m : {0.0, -3.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const InputError e = input_error([m] { Territory("t", {loc("A", 1), loc("B", 1)}, {{0, 1, m}}); });
    EXPECT_TRUE(contains(e.message(), "road 0 ('A' - 'B')")) << e.what();
    EXPECT_TRUE(contains(e.message(), "minutes")) << e.what();
  }
}

TEST(Territory, DuplicateNamesRejected) {
  const InputError e = input_error([] {
    Territory("t", {loc("A", 1), loc("B", 1), loc("A", 2)}, {{0, 1, 1}, {1, 2, 1}});
  });
  EXPECT_TRUE(contains(e.message(), "duplicate locality name 'A'")) << e.what();
}

TEST(Territory, InvalidLocalitiesAndRoadsRejected) {
  auto rejects = [](std::vector<Locality> locs, std::vector<Road> roads, const std::string& part) {
    const InputError e = input_error([&] { Territory("t", locs, roads, "src"); });
    EXPECT_TRUE(contains(e.message(), part)) << "wanted '" << part << "' in: " << e.what();
  };
  rejects({}, {}, "no locality");
  rejects({loc("", 1)}, {}, "empty name");
  rejects({loc("A", 0)}, {}, "locality 'A': population must be > 0");
  rejects({loc("A", 100'000'001)}, {}, "exceeds the limit");
  rejects({loc("A", 100'000'000), loc("B", 100'000'000), loc("C", 1)}, {{0, 1, 1}, {1, 2, 1}},
          "total population");
  Locality bad = loc("A", 1);
  bad.age_mix = {0.3, 0.6, 0.2};
  rejects({bad}, {}, "locality 'A': age_mix shares must sum to 1");
  bad.age_mix = {-0.1, 1.0, 0.1};
  rejects({bad}, {}, "age_mix shares must each be in [0, 1]");
  bad = loc("A", 1);
  bad.precarity = 1.5;
  rejects({bad}, {}, "precarity");
  rejects({loc("A", 1, -1)}, {}, "sector");
  rejects({loc("A", 1), loc("B", 1)}, {{0, 2, 1}}, "endpoint out of range");
  rejects({loc("A", 1), loc("B", 1)}, {{0, 1, 1}, {1, 1, 1}}, "two distinct localities");
}

TEST(Territory, AgeMixWithinToleranceIsNormalised) {
  Locality l = loc("A", 1);
  l.age_mix = {0.3, 0.6, 0.1 + 5e-7};
  const Territory t("t", {l}, {});
  const auto& m = t.locality(0).age_mix;
  EXPECT_NEAR(m[0] + m[1] + m[2], 1.0, 1e-15);
  EXPECT_NEAR(m[0], 0.3 / (1.0 + 5e-7), 1e-15);
}

TEST(Territory, QueriesOnPopulationSectorsAndDistances) {
  const Territory t = diamond();
  EXPECT_EQ(t.name(), "diamond");
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.population(), 1000u);
  EXPECT_EQ(t.sector_count(), 3);
  EXPECT_EQ(t.find("C"), std::optional<std::size_t>(2));
  EXPECT_FALSE(t.find("E").has_value());
  EXPECT_EQ(t.localities_in_sector(1), (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(t.localities_in_sector(5).empty());
  // From D: D 0, C 5, B 15, A 25.
  EXPECT_EQ(t.within_minutes(3, 15), (std::vector<std::size_t>{3, 2, 1}));
  EXPECT_EQ(t.within_minutes(3, 100), (std::vector<std::size_t>{3, 2, 1, 0}));
  EXPECT_EQ(t.within_minutes(0, 0), (std::vector<std::size_t>{0}));
  // Ties in time are broken by index.
  const Territory star("s", {loc("hub", 1), loc("x", 1), loc("y", 1)}, {{0, 2, 4}, {0, 1, 4}});
  EXPECT_EQ(star.within_minutes(0, 4), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Territory, SingleLocalityNeedsNoRoad) {
  const Territory t("one", {loc("A", 5, 2)}, {});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.travel_minutes(0, 0), 0.0f);
  EXPECT_EQ(t.sector_count(), 3);
}

TEST(Territory, ScaledMultipliesPopulations) {
  const Territory t = diamond();
  const Territory half = t.scaled(0.5);
  EXPECT_EQ(half.locality(0).population, 50u);
  EXPECT_EQ(half.locality(3).population, 200u);
  EXPECT_EQ(half.population(), 500u);
  EXPECT_EQ(half.travel_minutes(0, 2), t.travel_minutes(0, 2));
  EXPECT_EQ(half.find("D"), std::optional<std::size_t>(3));
  EXPECT_EQ(t.population(), 1000u);  // the original is untouched
  const Territory tiny = t.scaled(0.001);  // 0.1 .. 0.4 round to 0: kept at 1
  for (const Locality& l : tiny.localities()) EXPECT_EQ(l.population, 1u);
  EXPECT_EQ(t.scaled(2.5).locality(1).population, 500u);
  EXPECT_EQ(t.scaled(0.0125).locality(1).population, 3u);  // 2.5 rounds away from zero
  input_error([&] { (void)t.scaled(0); });
  input_error([&] { (void)t.scaled(-1); });
  input_error([&] { (void)t.scaled(std::nan("")); });
  input_error([&] { (void)t.scaled(1e6); });  // 400 M > the per-locality limit
}

TEST(TerritoryIo, SyntheticIsDeterministicPerSeed) {
  sim::SyntheticOptions opt;
  sim::Stream a(42), b(42), c(43);
  const Territory ta = sim::generate_synthetic(opt, a), tb = sim::generate_synthetic(opt, b),
                  tc = sim::generate_synthetic(opt, c);
  ASSERT_EQ(ta.size(), tb.size());
  ASSERT_EQ(ta.roads().size(), tb.roads().size());
  bool differs = ta.roads().size() != tc.roads().size();
  for (std::size_t i = 0; i < ta.size(); ++i) {
    const Locality &x = ta.locality(i), &y = tb.locality(i), &z = tc.locality(i);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.population, y.population);
    EXPECT_EQ(x.x_km, y.x_km);
    EXPECT_EQ(x.sector, y.sector);
    EXPECT_EQ(x.age_mix, y.age_mix);
    EXPECT_EQ(x.precarity, y.precarity);
    differs = differs || x.population != z.population || x.x_km != z.x_km;
    for (std::size_t j = 0; j < ta.size(); ++j)
      EXPECT_EQ(ta.travel_minutes(i, j), tb.travel_minutes(i, j));
  }
  EXPECT_TRUE(differs) << "seeds 42 and 43 gave the same territory";
}

TEST(TerritoryIo, SyntheticMeetsItsOptions) {
  struct Case { std::uint32_t n; std::uint64_t pop; int sectors; double core; };
  for (const Case& k : {Case{20, 50'000, 4, 0.5}, Case{7, 2'200, 1, 0.3}, Case{300, 730'000, 20, 0.25},
                        Case{5, 5'000, 5, 0.6}, Case{1, 900, 1, 0.5}, Case{2, 2, 2, 0.0}}) {
    sim::SyntheticOptions opt;
    opt.localities = k.n;
    opt.population = k.pop;
    opt.sectors = k.sectors;
    opt.core_share = k.core;
    sim::Stream rng(1234, 0, "territory");
    const Territory t = sim::generate_synthetic(opt, rng, "case");
    SCOPED_TRACE(std::to_string(k.n) + " localities");
    EXPECT_EQ(t.name(), "case");
    ASSERT_EQ(t.size(), k.n);
    EXPECT_NEAR(static_cast<double>(t.population()), static_cast<double>(k.pop), 0.01 * static_cast<double>(k.pop));
    EXPECT_EQ(t.sector_count(), k.sectors);
    for (int s = 0; s < k.sectors; ++s) EXPECT_FALSE(t.localities_in_sector(s).empty()) << s;
    if (k.n > 1) {
      EXPECT_NEAR(t.locality(0).population, k.core * static_cast<double>(k.pop),
                  0.01 * static_cast<double>(k.pop) + 2);
    }
    EXPECT_EQ(t.locality(0).rurality, Rurality::Urban);
    for (std::size_t i = 0; i < t.size(); ++i) {
      const Locality& l = t.locality(i);
      EXPECT_GE(l.population, 1u);
      const double r = std::hypot(l.x_km, l.y_km);
      EXPECT_LE(r, opt.radius_km + 1e-9);
      if (i > 0) {
        EXPECT_EQ(l.rurality, r < 0.5 * opt.radius_km ? Rurality::SemiRural : Rurality::Rural);
      }
      // Roads to town are fairly direct: at most 2.5 x the straight line.
      EXPECT_LE(t.travel_minutes(0, i), 2.5 * r / opt.speed_km_per_min + 1.0) << l.name;
      for (std::size_t j = 0; j < t.size(); ++j)  // connected: every pair has a finite time
        EXPECT_TRUE(std::isfinite(t.travel_minutes(i, j)));
    }
  }
}

TEST(TerritoryIo, SyntheticRoadsFollowDistanceAndSpeed) {
  sim::SyntheticOptions opt;
  opt.localities = 60;
  opt.speed_km_per_min = 1.2;
  sim::Stream rng(99);
  const Territory t = sim::generate_synthetic(opt, rng);
  EXPECT_GE(t.roads().size(), t.size() - 1);
  for (const Road& r : t.roads()) {
    const Locality &a = t.locality(r.a), &b = t.locality(r.b);
    const double straight = std::hypot(a.x_km - b.x_km, a.y_km - b.y_km) / opt.speed_km_per_min;
    EXPECT_GE(r.minutes, std::max(1.0, 1.2 * straight) - 1e-9);
    EXPECT_LE(r.minutes, std::max(1.0, 1.5 * straight) + 1e-9);
  }
}

TEST(TerritoryIo, SyntheticRejectsBadOptions) {
  sim::Stream rng(1);
  auto rejects = [&](auto change) {
    sim::SyntheticOptions opt;
    change(opt);
    input_error([&] { (void)sim::generate_synthetic(opt, rng); });
  };
  rejects([](auto& o) { o.localities = 0; });
  rejects([](auto& o) { o.population = 10; });  // fewer people than localities
  rejects([](auto& o) { o.sectors = 0; });
  rejects([](auto& o) { o.sectors = 21; });
  rejects([](auto& o) { o.core_share = 1.5; });
  rejects([](auto& o) { o.radius_km = 0; });
  rejects([](auto& o) { o.speed_km_per_min = -1; });
  rejects([](auto& o) { o.youth_share = 0.9; });
  rejects([](auto& o) { o.population = 190'000'000; o.core_share = 0.9; });
}

TEST(TerritoryIo, GraphmlExampleLoads) {
  const Territory t = sim::load_graphml(PASSERELLE_SOURCE_DIR "/tests/data/example-territory.graphml");
  EXPECT_EQ(t.name(), "example-territory");
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t.roads().size(), 7u);
  EXPECT_EQ(t.population(), 4200u + 850 + 310 + 190 + 1200 + 260);
  EXPECT_EQ(t.sector_count(), 2);
  const Locality& a = t.locality(0);
  EXPECT_EQ(a.name, "Saint-Aubin");
  EXPECT_EQ(a.population, 4200u);
  EXPECT_EQ(a.rurality, Rurality::Urban);
  EXPECT_NEAR(a.age_mix[0], 0.31, 1e-12);
  EXPECT_NEAR(a.age_mix[2], 0.11, 1e-12);
  EXPECT_DOUBLE_EQ(a.precarity, 0.21);
  const Locality& v = t.locality(*t.find("Vaudrey"));  // no age or precarity data
  EXPECT_EQ(v.rurality, Rurality::Rural);
  EXPECT_EQ(v.sector, 1);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(v.age_mix[k], Locality{}.age_mix[k], 1e-15);
  EXPECT_DOUBLE_EQ(v.precarity, Locality{}.precarity);
  EXPECT_DOUBLE_EQ(v.x_km, 13.0);
  EXPECT_DOUBLE_EQ(v.y_km, -9.0);
  EXPECT_EQ(t.locality(1).rurality, Rurality::SemiRural);
  const std::size_t aubin = 0, montclar = *t.find("Montclar"), rochefort = *t.find("Rochefort");
  EXPECT_FLOAT_EQ(t.travel_minutes(aubin, montclar), 15.0f);   // via La Bastide
  EXPECT_FLOAT_EQ(t.travel_minutes(aubin, rochefort), 27.0f);  // not the 30-min road
  EXPECT_FLOAT_EQ(t.travel_minutes(*t.find("Les Granges"), rochefort), 24.0f);
}

namespace {
const char* kGraphmlHead = R"(<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="nm" for="node" attr.name="name" attr.type="string"/>
  <key id="pop" for="node" attr.name="population" attr.type="double"/>
  <key id="rur" for="node" attr.name="rurality" attr.type="string"/>
  <key id="sec" for="node" attr.name="sector" attr.type="long"/>
  <key id="min" for="edge" attr.name="minutes" attr.type="double"/>
)";
}  // namespace

TEST(TerritoryIo, GraphmlMissingAttributeThrows) {
  const auto path = write_temp("missing-attr", ".graphml", std::string(kGraphmlHead) + R"(
  <graph edgedefault="undirected">
    <node id="a"><data key="nm">A</data><data key="pop">10</data><data key="rur">urban</data><data key="sec">0</data></node>
    <node id="village-b"><data key="nm">B</data><data key="rur">rural</data><data key="sec">0</data></node>
    <edge source="a" target="village-b"><data key="min">4</data></edge>
  </graph></graphml>)");
  const InputError e = input_error([&] { (void)sim::load_graphml(path); });
  EXPECT_EQ(e.file(), path.string());
  EXPECT_TRUE(contains(e.message(), "node 'village-b'")) << e.what();
  EXPECT_TRUE(contains(e.message(), "'population'")) << e.what();
}

TEST(TerritoryIo, GraphmlBadValuesThrow) {
  auto one_edge = [](const std::string& pop_b, const std::string& rur_b, const std::string& edge_data) {
    return std::string(kGraphmlHead) + R"(<graph edgedefault="undirected">
    <node id="a"><data key="nm">A</data><data key="pop">10</data><data key="rur">urban</data><data key="sec">0</data></node>
    <node id="b"><data key="nm">B</data><data key="pop">)" + pop_b + R"(</data><data key="rur">)" + rur_b +
           R"(</data><data key="sec">1</data></node>
    <edge source="a" target="b">)" + edge_data + "</edge></graph></graphml>";
  };
  auto message = [](const std::string& stem, const std::string& text) {
    return input_error([&] { (void)sim::load_graphml(write_temp(stem, ".graphml", text)); }).message();
  };
  EXPECT_TRUE(contains(message("frac-pop", one_edge("12.5", "rural", "<data key=\"min\">3</data>")), "node 'b': attribute 'population'"));
  EXPECT_TRUE(contains(message("bad-rur", one_edge("12", "Rural", "<data key=\"min\">3</data>")), "node 'b': attribute 'rurality'"));
  EXPECT_TRUE(contains(message("no-min", one_edge("12", "rural", "")), "edge 'a' - 'b': missing required attribute 'minutes'"));
  EXPECT_TRUE(contains(message("neg-min", one_edge("12", "rural", "<data key=\"min\">-2</data>")), "expected a number > 0"));
  // An edge to a node nobody declared (a typo in an id): said as such.
  std::string dangling = one_edge("12", "rural", "<data key=\"min\">3</data>");
  dangling.replace(dangling.find("target=\"b\""), 10, "target=\"bb\"");
  EXPECT_TRUE(contains(message("dangling", dangling), "an edge names node 'bb', which no <node> declares")) << message("dangling", dangling);
  // A population typed double with an integral value is fine.
  const Territory t = sim::load_graphml(write_temp("ok", ".graphml", one_edge("12", "rural", "<data key=\"min\">3</data>")));
  EXPECT_EQ(t.locality(1).population, 12u);
  EXPECT_EQ(t.locality(1).sector, 1);
}

TEST(TerritoryIo, GraphmlMalformedThrows) {
  for (const std::string& text : {std::string("<graphml><graph edgedefault=\"undirected\"><node id=\"a\">"),
                                  std::string("this is not xml at all"),
                                  std::string("<?xml version=\"1.0\"?><other/>"),
                                  std::string(kGraphmlHead) + "<graph edgedefault=\"undirected\">"
                                      "<node id=\"a\"><data key=\"pop\">many</data></node></graph></graphml>"}) {
    const InputError e = input_error([&] { (void)sim::load_graphml(write_temp("malformed", ".graphml", text)); });
    EXPECT_TRUE(contains(e.message(), "not valid GraphML")) << e.what();
  }
  const InputError e = input_error([] { (void)sim::load_graphml("/nonexistent/none.graphml"); });
  EXPECT_TRUE(contains(e.message(), "cannot open")) << e.what();
}

TEST(TerritoryIo, GraphmlDirectedEdgesAreTwoWayRoads) {
  const auto path = write_temp("directed", ".graphml", std::string(kGraphmlHead) + R"(
  <graph edgedefault="directed">
    <node id="a"><data key="nm">A</data><data key="pop">10</data><data key="rur">urban</data><data key="sec">0</data></node>
    <node id="b"><data key="nm">B</data><data key="pop">20</data><data key="rur">rural</data><data key="sec">0</data></node>
    <edge source="a" target="b"><data key="min">4.5</data></edge>
  </graph></graphml>)");
  const Territory t = sim::load_graphml(path);
  EXPECT_FLOAT_EQ(t.travel_minutes(1, 0), 4.5f);
}

namespace {
const char* kToml = R"(# a small territory
[[locality]]
name = "Bourg"
population = 1200
rurality = "urban"
age_mix = [0.3, 0.55, 0.15]
precarity = 0.2
sector = 0
x_km = 1.5

[[locality]]
name = "Hameau"
population = 80
rurality = "rural"
sector = 1

[[road]]
from = "Bourg"
to = "Hameau"
minutes = 11.5
)";

// kToml with `line` (1-based) replaced by `text`.
std::string with_line(int line, const std::string& text) {
  std::string s = kToml, out;
  std::size_t pos = 0;
  for (int i = 1; pos <= s.size(); ++i) {
    const std::size_t end = s.find('\n', pos);
    const std::string cur = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    out += (i == line ? text : cur) + "\n";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

InputError toml_error(const std::string& text) {
  return input_error([&] { (void)sim::territory_from_toml(parse(text), "terr.toml", "t"); });
}
}  // namespace

TEST(TerritoryIo, TomlReadsLocalitiesAndRoads) {
  const Territory t = sim::territory_from_toml(parse(kToml), "terr.toml", "bourg");
  EXPECT_EQ(t.name(), "bourg");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.locality(0).population, 1200u);
  EXPECT_NEAR(t.locality(0).age_mix[1], 0.55, 1e-12);
  EXPECT_DOUBLE_EQ(t.locality(0).precarity, 0.2);
  EXPECT_DOUBLE_EQ(t.locality(0).x_km, 1.5);
  EXPECT_EQ(t.locality(1).rurality, Rurality::Rural);
  EXPECT_EQ(t.locality(1).sector, 1);
  EXPECT_DOUBLE_EQ(t.locality(1).precarity, Locality{}.precarity);
  EXPECT_FLOAT_EQ(t.travel_minutes(1, 0), 11.5f);
  // Integers are accepted where a number is expected.
  EXPECT_FLOAT_EQ(sim::territory_from_toml(parse(with_line(20, "minutes = 9")), "f", "t").travel_minutes(0, 1), 9.0f);
}

TEST(TerritoryIo, TomlErrorsCarryTheirLine) {
  struct Case { int line; std::string text; std::string part; };
  for (const Case& c : {Case{4, "population = \"many\"", "population: expected an integer > 0"},
                        Case{4, "population = 0", "population: expected an integer > 0"},
                        Case{4, "population = 12.0", "population: expected an integer > 0"},
                        Case{5, "rurality = \"periurban\"", "rurality: expected"},
                        Case{6, "age_mix = [0.3, 0.5]", "age_mix: expected an array of 3"},
                        Case{6, "age_mix = [0.3, 0.5, 0.1]", "must sum to 1"},
                        Case{7, "precarity = 1.2", "precarity: expected a share in [0, 1]"},
                        Case{8, "sector = -1", "sector: expected"},
                        Case{9, "colour = \"red\"", "unknown key 'colour' in [[locality]]; valid keys: name,"},
                        Case{12, "name = \"Bourg\"", "duplicate locality name 'Bourg' (first given on line 3)"},
                        Case{18, "from = \"Nowhere\"", "from: unknown locality 'Nowhere'"},
                        Case{19, "to = \"Bourg\"", "to itself"},
                        Case{20, "minutes = 0", "minutes: expected a number of minutes > 0"},
                        Case{20, "speed = 3", "unknown key 'speed' in [[road]]; valid keys: from, to, minutes"}}) {
    const InputError e = toml_error(with_line(c.line, c.text));
    SCOPED_TRACE(c.text);
    EXPECT_EQ(e.file(), "terr.toml");
    // "to itself" points at the [[road]] header; the rest at their own line.
    EXPECT_EQ(e.line(), c.part == "to itself" ? 17 : c.line) << e.what();
    EXPECT_GT(e.column(), 0);
    EXPECT_TRUE(contains(e.message(), c.part)) << e.what();
  }
  // A missing key points at its table's header.
  const InputError missing = toml_error(with_line(15, ""));
  EXPECT_EQ(missing.line(), 11) << missing.what();
  EXPECT_TRUE(contains(missing.message(), "lacks required key 'sector'")) << missing.what();
  // Cross-locality checks left to the Territory have no line.
  const InputError island = toml_error(std::string(kToml).substr(0, std::string(kToml).find("[[road]]")));
  EXPECT_EQ(island.line(), 0);
  EXPECT_TRUE(contains(island.message(), "not connected")) << island.what();
  EXPECT_TRUE(contains(toml_error("locality = 3\n").message(), "locality: expected one or more tables"));
  EXPECT_TRUE(contains(toml_error("title = \"x\"\n").message(), "no [[locality]]"));
}

TEST(TerritoryIo, TomlFileWithNameAndSyntaxErrors) {
  const Territory t = sim::load_territory_toml(write_temp("bourg", ".toml", "name = \"Le Bourg\"\n" + std::string(kToml)));
  EXPECT_EQ(t.name(), "Le Bourg");
  EXPECT_EQ(sim::load_territory_toml(write_temp("stem-name", ".toml", kToml)).name(), "stem-name");
  const InputError syntax = input_error([] {
    (void)sim::load_territory_toml(write_temp("syntax", ".toml", "[[locality]]\nname = \"A\nx"));
  });
  EXPECT_EQ(syntax.line(), 2) << syntax.what();
  const InputError unknown = input_error([] {
    (void)sim::load_territory_toml(write_temp("unknown-top", ".toml", "seed = 3\n" + std::string(kToml)));
  });
  EXPECT_EQ(unknown.line(), 1) << unknown.what();
  EXPECT_TRUE(contains(unknown.message(), "unknown top-level key 'seed'")) << unknown.what();
}
