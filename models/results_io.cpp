// The HDF5 results file: what a replicate recorded, laid out as in
// CONTRACTS.md, with units on every dataset. What reads them back is analysis/.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <sstream>

#include "models/intervention_params.hpp"
#include "models/overrides.hpp"
#include "models/run.hpp"
#include "sim/hdf5_file.hpp"

namespace models {
namespace {

const std::map<std::string, std::string>& unit_table() {
  static const std::map<std::string, std::string> u = {
      {"replicate", "index"}, {"seed", "seed"}, {"gp_social_minutes_per_gp_week", "min/GP/week"},
      {"needs_onset", "needs"}, {"needs_resolved", "needs"}, {"needs_open", "needs"},
      {"needs_abandoned", "needs"}, {"unmet_need_days", "days"}, {"unmet_share_90d", "share"},
      {"median_days_to_resolution", "days"}, {"p90_days_to_resolution", "days"},
      {"wrong_door_hops", "hops"}, {"contact_attempts", "attempts"}, {"contact_failures", "attempts"},
      {"consent_refusals", "refusals"}, {"secrecy_blocked", "referrals"}, {"collaboration_ties", "ties"},
      {"cost_eur", "EUR"}, {"events", "events"}, {"wall_seconds", "s"}, {"residents", "residents"},
      {"gps", "GPs"}, {"needs_chronic", "needs"}, {"needs_never_disclosed", "needs"},
      {"self_referrals", "needs"}, {"gp_disclosures", "needs"}, {"medicalised_consultations", "consultations"},
      {"reassessments", "cases"}, {"sector_redirects", "hops"}, {"reports_back", "reports"},
      {"instrumental_ties", "ties"}, {"cooperation_ties", "ties"}, {"share_gps_with_collaboration_tie", "share"},
      {"mean_tie_degree", "ties/GP"}, {"worker_minutes", "min"}, {"worker_utilisation", "share"},
      {"coordinator_minutes", "min"}, {"gp_minutes_per_gp_week", "min/GP/week"}, {"gp_social_share", "share"},
      {"median_days_to_first_appointment", "days"}, {"median_days_referral_to_resolution", "days"},
      {"worker_minutes_background", "min"}, {"cases_started", "cases"}, {"background_cases_started", "cases"},
      {"case_place_occupancy", "share"}, {"mean_queue_length", "cases"}, {"files_per_worker_6_months", "files/FTE"},
      {"events_background", "events"}, {"gp_weeks_with_social_contact_share", "share"}};
  return u;
}

}  // namespace

// results_by_locality.cpp
void write_more_breakdowns(sim::h5::Writer& w, const std::string& base, const ScenarioResults& sc,
                           const Setting& setting);

namespace {

bool is_integer_field(const std::string& f) {
  return f == "replicate" || f == "seed" || f == "events" || f == "residents" || f == "gps";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

template <std::size_t K>
void write_breakdown(sim::h5::Writer& w, const std::string& group, const ScenarioResults& sc,
                     const std::array<const char*, K>& categories,
                     std::array<std::array<double, K>, kTallies> Recorder::*member) {
  const std::size_t R = sc.replicates.size();
  for (std::size_t m = 0; m < kTallies; ++m) {
    std::vector<double> data(R * K);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < K; ++k) data[r * K + k] = (sc.replicates[r].rec.*member)[m][k];
    const std::string path = group + "/" + kTallyNames[m];
    w.write_matrix(path, R, K, data, kTallyUnits[m]);
    w.set_attribute(path, "categories", std::vector<std::string>(categories.begin(), categories.end()));
  }
}

}  // namespace

std::string summary_unit(const std::string& field, const ScenarioSpec* spec) {
  const auto& u = unit_table();
  if (auto it = u.find(field); it != u.end()) return it->second;
  if (field.rfind("gp_minutes_", 0) == 0) return "min";
  if (spec)
    for (const auto& iv : spec->interventions)
      if (const auto unit = iv->unit_of(field); !unit.empty()) return std::string(unit);
  return "";
}

void write_results(const std::filesystem::path& out, bool overwrite, const Experiment& ex,
                   const Setting& setting, const ExperimentResults& res, const ExtraGroups& extra) {
  sim::h5::Writer w(out, overwrite);
  w.set_attribute("/", "schema_version", std::int64_t{1});
  w.set_attribute("/", "software_version", std::string(PASSERELLE_VERSION));
  w.set_attribute("/", "experiment", ex.text);
  w.set_attribute("/", "experiment_file", ex.file);
  w.set_attribute("/", "experiment_name", ex.name);
  w.set_attribute("/", "description", ex.description);
  w.set_attribute("/", "base_seed", static_cast<std::int64_t>(ex.seed));
  w.set_attribute("/", "created_utc", utc_now());
  w.set_attribute("/", "territory", ex.territory);
  w.set_attribute("/", "baseline", ex.baseline);
  w.set_attribute("/", "replicates", static_cast<std::int64_t>(ex.replicates));
  w.set_attribute("/", "horizon_weeks", ex.horizon_weeks);
  w.set_attribute("/", "warmup_weeks", ex.warmup_weeks);
  if (!ex.overrides.empty()) w.set_attribute("/", "overrides", ex.overrides);  // `--set NAME=VALUE`, in order
  std::vector<std::string> names;
  for (const auto& s : res.scenarios) names.push_back(s.name);
  w.set_attribute("/", "scenarios", names);

  // The territory, for maps and breakdowns.
  {
    const auto& terr = setting.territory;
    sim::h5::Table t;
    t.add("population", true, "residents");
    t.add("rurality", true, "0 urban, 1 semi-rural, 2 rural");
    t.add("sector", true, "id");
    t.add("precarity", false, "share");
    t.add("x_km", false, "km");
    t.add("y_km", false, "km");
    for (const auto& l : terr.localities()) {
      t.columns[0].values.push_back(l.population);
      t.columns[1].values.push_back(static_cast<double>(l.rurality));
      t.columns[2].values.push_back(l.sector);
      t.columns[3].values.push_back(l.precarity);
      t.columns[4].values.push_back(l.x_km);
      t.columns[5].values.push_back(l.y_km);
    }
    w.write_table("/territory/localities", t);
    std::vector<std::string> lnames;
    for (const auto& l : terr.localities()) lnames.push_back(l.name);
    w.write_strings("/territory/names", lnames);
    std::vector<std::string> snames;
    for (const auto& s : setting.services) snames.push_back(s.name + " [" + kEmployerNames[static_cast<std::size_t>(s.employer)] + "]");
    w.write_strings("/territory/services", snames);
    w.set_attribute("/territory", "gps", static_cast<std::int64_t>(setting.gp_count()));
  }

  for (std::size_t si = 0; si < res.scenarios.size(); ++si) {
    const auto& sc = res.scenarios[si];
    const auto& spec = ex.scenarios[si];
    const std::string base = "/scenarios/" + sc.name;
    w.create_group(base);
    w.set_attribute(base, "description", spec.description);
    const std::size_t R = sc.replicates.size();
    // summary: one row per replicate
    sim::h5::Table table;
    const auto& first = sc.replicates.front().summary;
    for (const auto& [field, v] : first) table.add(field, is_integer_field(field), summary_unit(field, &spec));
    for (const auto& rep : sc.replicates)
      for (std::size_t c = 0; c < rep.summary.size(); ++c) table.columns[c].values.push_back(rep.summary[c].second);
    w.write_table(base + "/summary", table);
    // weekly series
    const std::size_t W = static_cast<std::size_t>(sc.replicates.front().rec.weeks);
    for (std::size_t m = 0; m < kWeeklies; ++m) {
      std::vector<double> data(R * W);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t k = 0; k < W; ++k) data[r * W + k] = sc.replicates[r].rec.weekly[m][k];
      w.write_matrix(base + "/weekly/" + kWeeklyNames[m], R, W, data, kWeeklyUnits[m]);
    }
    write_breakdown(w, base + "/by_need_type", sc, kThemeNames, &Recorder::by_type);
    write_breakdown(w, base + "/by_precarity", sc, std::array<const char*, 2>{"not_precarious", "precarious"},
                    &Recorder::by_precarity);
    write_breakdown(w, base + "/by_rurality", sc, std::array<const char*, 3>{"urban", "semi-rural", "rural"},
                    &Recorder::by_rurality);
    write_more_breakdowns(w, base, sc, setting);  // by_locality, by_service, shares and medians (results_by_locality.cpp)
    // effective parameters
    std::vector<std::string> pn, pv, pu, ps;
    const auto infos = param_table().infos();
    const auto values = param_table().values(spec.params);
    const auto set_names = overridden_names(ex.overrides);
    for (std::size_t i = 0; i < infos.size(); ++i) {
      pn.push_back(infos[i].name);
      pv.push_back(values[i].second);
      pu.push_back(infos[i].unit);
      const bool set = std::any_of(set_names.begin(), set_names.end(), [&](const std::string& n) {
        return n == infos[i].name || n.rfind(infos[i].name + ".", 0) == 0;
      });
      ps.push_back(set ? "--set" : infos[i].source);
    }
    append_intervention_parameters(spec.interventions, pn, pv, pu, ps);  // "<type>.<key>"
    w.write_strings(base + "/parameters/name", pn);
    w.write_strings(base + "/parameters/value", pv);
    w.write_strings(base + "/parameters/unit", pu);
    w.write_strings(base + "/parameters/source", ps);
  }
  if (extra) extra(w);  // the analysis groups (analysis/src/results_analysis.hpp)
  w.commit();
}

}  // namespace models
