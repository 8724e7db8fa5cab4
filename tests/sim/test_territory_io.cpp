// Territories read and generated (sim/territory_io.hpp): synthetic, GraphML, TOML.
#include "territory_helpers.hpp"

using namespace territory_test;

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
