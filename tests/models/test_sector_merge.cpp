// `sector_merge`: sector centres merged into solidarity houses. The structure
// (houses, FTE, coverage, themes) is checked on the setting; redirects and
// travel are checked on runs, where they must emerge from the pathway.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <numeric>

#include "helpers.hpp"
#include "models/experiment.hpp"
#include "sim/input_error.hpp"

using testing_helpers::value;

namespace {

using Results = std::vector<std::vector<models::ReplicateResult>>;  // [scenario][replicate]

// Every scenario x replicate, one replicate at a time, each with its
// scenario's interventions and the replicate's common seed.
Results run_all(const models::Experiment& ex, const models::Setting& s) {
  Results out;
  for (const auto& sc : ex.scenarios) {
    out.emplace_back();
    for (int r = 0; r < ex.replicates; ++r) {
      const models::RunSpec spec{r, models::replicate_seed(ex.seed, r), ex.horizon_weeks, ex.warmup_weeks};
      out.back().push_back(models::Replicate(s, sc.params, spec, sc.interventions).run());
    }
  }
  return out;
}

std::shared_ptr<const models::Intervention> merge(const std::string& keys) {
  const toml::table tab = toml::parse("type = \"sector_merge\"\n" + keys);
  return models::interventions().find("sector_merge")->parse(tab, "merge.toml");
}

std::vector<const models::ServiceSpec*> of_employer(const models::Setting& s, models::Employer e) {
  std::vector<const models::ServiceSpec*> out;
  for (const auto& sv : s.services)
    if (sv.employer == e) out.push_back(&sv);
  return out;
}

double fte(const std::vector<const models::ServiceSpec*>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0, [](double a, const auto* s) { return a + s->fte; });
}

models::Experiment experiment(const std::string& territory, const std::string& scenarios, int replicates,
                              double scale) {
  return models::parse_experiment(R"([experiment]
name = "merge"
territory = ")" + territory + R"("
population_scale = )" + std::to_string(scale) + R"(
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = 60
warmup_weeks = 8
seed = 5

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "merge.toml");
}

Results run(const std::string& territory, const std::string& scenarios, int replicates = 3, double scale = 1.0) {
  const auto ex = experiment(territory, scenarios, replicates, scale);
  return run_all(ex, models::build_setting(ex));
}

// The same on a setting changed by the test (the territory name is only a label).
Results run_on(const models::Setting& s, const std::string& scenarios) {
  return run_all(experiment("herbasse", scenarios, 3, 1.0), s);
}

double total(const Results& res, std::size_t scenario, const std::string& metric) {
  double t = 0;
  for (const auto& r : res[scenario]) t += value(r, metric);
  return t;
}

}  // namespace

TEST(SectorMerge, HousesTakeOverTheSectorsStaffAndMissions) {
  const models::Setting before = models::load_setting("grand-nancy", 1.0);
  models::Setting after = before;
  merge("houses = 3")->adapt_setting(after);
  const auto old_centres = of_employer(before, models::Employer::Departement);
  const auto houses = of_employer(after, models::Employer::Departement);
  ASSERT_EQ(old_centres.size(), 20u);
  ASSERT_EQ(houses.size(), 3u);
  EXPECT_NEAR(fte(houses), fte(old_centres), 1e-9);
  EXPECT_EQ(after.services.size(), before.services.size() - 20 + 3);  // other employers untouched
  std::bitset<models::kThemes> themes;
  for (const auto* c : old_centres) themes |= c->themes;
  const auto& terr = after.territory;
  for (std::size_t l = 0; l < terr.size(); ++l) {
    int covering = 0;
    for (const auto* h : houses) covering += h->covers[l];
    EXPECT_EQ(covering, 1) << terr.locality(l).name;  // the houses partition the old sectors
  }
  for (const auto* h : houses) {
    EXPECT_EQ(h->themes, themes);
    for (std::size_t l = 0; l < terr.size(); ++l) {
      if (h->covers[l]) {
        EXPECT_LE(terr.locality(l).population, terr.locality(h->locality).population);
      }
    }
  }
  // Staff change scales the houses; one house covers everything.
  models::Setting fewer = before;
  merge("houses = 1\nstaff_change = 0.8")->adapt_setting(fewer);
  const auto one = of_employer(fewer, models::Employer::Departement);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NEAR(one[0]->fte, 0.8 * fte(old_centres), 1e-9);
  EXPECT_EQ(terr.locality(one[0]->locality).name, "Nancy-Centre");
}

TEST(SectorMerge, AsManyHousesAsSectorsChangesNothing) {
  const auto res = run("herbasse", R"([[scenario]]
name = "same"
[[scenario.intervention]]
type = "sector_merge"
houses = 3
home_visits_per_case = 2
)");
  for (int r = 0; r < 3; ++r) {
    const auto& base = res[0][r];
    const auto& same = res[1][r];
    EXPECT_EQ(value(same, "unmet_need_days"), value(base, "unmet_need_days"));
    EXPECT_EQ(value(same, "sector_redirects"), value(base, "sector_redirects"));
    EXPECT_EQ(value(same, "worker_minutes"), value(base, "worker_minutes"));
    EXPECT_EQ(value(same, "sector_merge_travel_minutes"), 0);
  }
}

TEST(SectorMerge, OneHouseLeavesNoWrongSectorRedirect) {
  // Herbasse with the département as the only sector-level employer (its
  // CCAS and child protection are local too): one house covers everyone.
  models::Setting s = testing_helpers::herbasse();
  std::erase_if(s.services, [](const auto& sv) {
    return sv.employer == models::Employer::Municipal || sv.employer == models::Employer::ChildProtection;
  });
  const auto res = run_on(s, R"([[scenario]]
name = "two-houses"
[[scenario.intervention]]
type = "sector_merge"
houses = 2
[[scenario]]
name = "one-house"
[[scenario.intervention]]
type = "sector_merge"
houses = 1
)");
  EXPECT_GT(total(res, 0, "sector_redirects"), 0);
  EXPECT_LT(total(res, 1, "sector_redirects"), total(res, 0, "sector_redirects"));
  EXPECT_EQ(total(res, 2, "sector_redirects"), 0);
  for (const auto& r : res[2]) EXPECT_EQ(value(r, "sector_merge_houses"), 1);
}

TEST(SectorMerge, NancySolidarityHousesRedirectLess) {
  const auto res = run("grand-nancy", R"([[scenario]]
name = "houses"
[[scenario.intervention]]
type = "sector_merge"
houses = 3
)", 2, 0.1);
  EXPECT_LT(total(res, 1, "sector_redirects"), total(res, 0, "sector_redirects"));
  EXPECT_GT(total(res, 1, "sector_merge_travel_minutes"), 0);
}

TEST(SectorMerge, TravelAddsWorkerMinutes) {
  const auto res = run("herbasse", R"([[scenario]]
name = "no-visits"
[[scenario.intervention]]
type = "sector_merge"
houses = 1
home_visits_per_case = 0
[[scenario]]
name = "two-visits"
[[scenario.intervention]]
type = "sector_merge"
houses = 1
home_visits_per_case = 2
)");
  EXPECT_EQ(total(res, 1, "sector_merge_travel_minutes"), 0);
  EXPECT_GT(total(res, 2, "sector_merge_travel_minutes"), 0);
  EXPECT_GT(total(res, 2, "worker_minutes"), total(res, 1, "worker_minutes"));
}

TEST(SectorMerge, BadInputsAreInputErrors) {
  // Structural: from the start only, refused before anything runs.
  EXPECT_THROW(merge("start_week = 10")->check(testing_helpers::herbasse()), sim::InputError);
  EXPECT_THROW(merge("houses = 0"), sim::InputError);
  EXPECT_THROW(merge("employer = \"prefecture\""), sim::InputError);
}

TEST(SectorMerge, MoreHousesThanSectorsKeepsEachSector) {
  models::Setting s = testing_helpers::herbasse();
  merge("houses = 4")->adapt_setting(s);  // Herbasse has 3 sectors
  EXPECT_EQ(of_employer(s, models::Employer::Departement).size(), 3u);
  models::Setting none = testing_helpers::herbasse();
  merge("employer = \"association\"")->adapt_setting(none);  // no sector-level association
  EXPECT_EQ(none.services.size(), testing_helpers::herbasse().services.size());
}
