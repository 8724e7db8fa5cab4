// The GP's choice of partner service (MODEL.md §3: proximity, then ties,
// then queues) is searched through indexes (nearest services first, with a
// bound, and the services covering each locality) so that it does not scan
// every service of the theme at France scale. It must pick exactly the
// service the plain scan picks, equal scores included.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace {

models::Setting many_services() {
  // Many localities of 3,000+ residents (a CCAS each) and many sectors:
  // hundreds of services per theme, several in one place (equal scores).
  models::Experiment ex;
  ex.file = "test";
  ex.territory = "synthetic";
  ex.synthetic.localities = 240;
  ex.synthetic.population = 1'500'000;
  ex.synthetic.core_share = 0.1;
  ex.synthetic.sectors = 40;
  ex.synthetic.radius_km = 120;
  return models::build_setting(ex);
}

void expect_same_choices(models::Replicate& rep, std::size_t& checked) {
  const auto gps = static_cast<std::uint32_t>(rep.gps().size());
  std::vector<std::uint32_t> needs;
  rep.for_each_open_need([&](std::uint32_t n) { needs.push_back(n); });
  ASSERT_FALSE(needs.empty());
  for (std::size_t i = 0; i < needs.size(); i += 7) {
    const std::uint32_t n = needs[i];
    for (std::uint32_t g = static_cast<std::uint32_t>(i % 13); g < gps; g += 97)
      for (bool own : {false, true}) {
        ASSERT_EQ(rep.choose_partner(g, n, own), rep.choose_partner_by_scan(g, n, own))
            << "need " << n << " gp " << g << " own sector " << own;
        ++checked;
      }
  }
}

}  // namespace

TEST(PartnerChoice, IndexedSearchPicksWhatThePlainScanPicks) {
  const models::Setting s = many_services();
  std::size_t themed = 0;
  for (const auto& sv : s.services) themed += sv.themes.count();
  ASSERT_GT(themed, 400u);  // the territory does exercise the indexes
  std::size_t checked = 0;
  for (std::uint64_t seed : {3u, 4u}) {
    models::ModelParams p = models::default_params();
    if (seed == 4) {
      // Queues and ties weigh as much as distance: the bound is tested when
      // the nearest service is not the best.
      p.choice.queue_weight = 5;
      p.choice.trust_weight = 40;
      p.choice.proximity_per_minute = 0.02;
    }
    models::Replicate rep(s, p, models::RunSpec{0, seed, 12, 0});
    rep.run();
    expect_same_choices(rep, checked);
  }
  EXPECT_GT(checked, 500u);
}

TEST(PartnerChoice, AGuessedDoorIsOneOfTheNearestServices) {
  // Proximity first: a door named without knowing is one of the `pool`
  // services nearest the locality (any theme), never the excluded one, and
  // draws spread over all of them.
  const models::Setting s = many_services();
  models::Replicate rep(s, models::default_params(), models::RunSpec{0, 5, 2, 0});
  const auto& terr = s.territory;
  const auto n_services = static_cast<std::uint32_t>(s.services.size());
  for (std::uint32_t l = 0; l < terr.size(); l += 17) {
    for (double pool : {1.0, 6.0, 25.0}) {
      for (std::uint32_t exclude : {models::kNone, rep.nearby_service(l, 1, 0.0)}) {
        std::vector<std::uint32_t> seen;
        for (int i = 0; i < 400; ++i) {
          const double u = (i + 0.5) / 400;
          const std::uint32_t got = rep.nearby_service(l, pool, u, exclude);
          ASSERT_LT(got, n_services);
          ASSERT_NE(got, exclude);
          if (std::find(seen.begin(), seen.end(), got) == seen.end()) seen.push_back(got);
        }
        ASSERT_EQ(seen.size(), static_cast<std::size_t>(pool)) << "locality " << l << " pool " << pool;
        // Nothing outside `seen` (other than `exclude`) is strictly nearer
        // than the farthest of them.
        float farthest = 0;
        for (auto x : seen) farthest = std::max(farthest, terr.travel_minutes(l, s.services[x].locality));
        for (std::uint32_t x = 0; x < n_services; ++x) {
          if (x == exclude || std::find(seen.begin(), seen.end(), x) != seen.end()) continue;
          EXPECT_GE(terr.travel_minutes(l, s.services[x].locality), farthest) << "service " << x << " was nearer";
        }
      }
    }
  }
}
