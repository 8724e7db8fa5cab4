// Territories: localities, roads, travel times (sim/territory.hpp).
#include "territory_helpers.hpp"

using namespace territory_test;

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
