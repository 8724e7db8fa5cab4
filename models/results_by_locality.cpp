// The results file's breakdowns beyond the plain tallies (CONTRACTS.md):
// per locality (/scenarios/<name>/by_locality/<metric>, replicates x
// localities), per service (utilisation, queue, wait to a first
// appointment), and the derived figures of each breakdown (share unresolved
// at 90 days, median days to resolution). Called once per scenario from
// write_results (results_io.cpp).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/run.hpp"
#include "sim/hdf5_file.hpp"

namespace models {
namespace {

double median(std::vector<float> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double h = 0.5 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double share(double num, double den) { return den > 0 ? num / den : std::nan(""); }

void matrix(sim::h5::Writer& w, const std::string& path, std::size_t R, std::size_t K, const std::vector<double>& data,
            const std::string& units, const char* names_attr, const std::vector<std::string>& names) {
  w.write_matrix(path, R, K, data, units);
  w.set_attribute(path, names_attr, names);
}

constexpr auto kEligible = static_cast<std::size_t>(Tally::Eligible90d);
constexpr auto kUnresolved = static_cast<std::size_t>(Tally::Unresolved90d);

// Share unresolved at 90 days and median days to resolution for a breakdown
// whose category of a resolved need is cat(category byte).
template <std::size_t K, class Cat>
void derived(sim::h5::Writer& w, const std::string& group, const ScenarioResults& sc,
             const std::array<const char*, K>& categories, std::array<std::array<double, K>, kTallies> Recorder::*member,
             Cat cat) {
  const std::size_t R = sc.replicates.size();
  std::vector<double> unmet(R * K), med(R * K);
  for (std::size_t r = 0; r < R; ++r) {
    const Recorder& rec = sc.replicates[r].rec;
    std::array<std::vector<float>, K> days;
    for (std::size_t i = 0; i < rec.days_to_resolution.size() && i < rec.resolution_category.size(); ++i)
      days[cat(rec.resolution_category[i])].push_back(rec.days_to_resolution[i]);
    for (std::size_t k = 0; k < K; ++k) {
      unmet[r * K + k] = share((rec.*member)[kUnresolved][k], (rec.*member)[kEligible][k]);
      med[r * K + k] = median(days[k]);
    }
  }
  const std::vector<std::string> names(categories.begin(), categories.end());
  matrix(w, group + "/unmet_share_90d", R, K, unmet, "share", "categories", names);
  matrix(w, group + "/median_days_to_resolution", R, K, med, "days", "categories", names);
}

}  // namespace

void write_more_breakdowns(sim::h5::Writer& w, const std::string& base, const ScenarioResults& sc,
                           const Setting& setting) {
  const std::size_t R = sc.replicates.size();
  derived(w, base + "/by_need_type", sc, kThemeNames, &Recorder::by_type, [](std::uint8_t c) { return c / 6u; });
  derived(w, base + "/by_precarity", sc, std::array<const char*, 2>{"not_precarious", "precarious"},
          &Recorder::by_precarity, [](std::uint8_t c) { return (c % 6u) / 3u; });
  derived(w, base + "/by_rurality", sc, std::array<const char*, 3>{"urban", "semi-rural", "rural"},
          &Recorder::by_rurality, [](std::uint8_t c) { return c % 3u; });

  // Per locality: every tally, and the share unresolved at 90 days.
  const std::size_t L = setting.territory.size();
  std::vector<std::string> localities;
  for (const auto& l : setting.territory.localities()) localities.push_back(l.name);
  for (std::size_t m = 0; m < kTallies; ++m) {
    std::vector<double> data(R * L, 0.0);
    for (std::size_t r = 0; r < R; ++r) {
      const auto& by = sc.replicates[r].rec.by_locality;
      for (std::size_t l = 0; l < L && l < by.size(); ++l) data[r * L + l] = by[l][m];
    }
    matrix(w, base + "/by_locality/" + kTallyNames[m], R, L, data, kTallyUnits[m], "localities", localities);
  }
  {
    std::vector<double> data(R * L, std::nan(""));
    for (std::size_t r = 0; r < R; ++r) {
      const auto& by = sc.replicates[r].rec.by_locality;
      for (std::size_t l = 0; l < L && l < by.size(); ++l) data[r * L + l] = share(by[l][kUnresolved], by[l][kEligible]);
    }
    matrix(w, base + "/by_locality/unmet_share_90d", R, L, data, "share", "localities", localities);
  }

  // Per service: mean share of case places occupied and mean queue over the
  // measured weeks' snapshots, mean days from intake to first appointment.
  const std::size_t S = sc.replicates.front().rec.service_occupancy.size();
  std::vector<std::string> services;
  for (std::size_t s = 0; s < S; ++s) services.push_back(s < setting.services.size() ? setting.services[s].name : "");
  std::vector<double> occ(R * S), queue(R * S), wait(R * S);
  for (std::size_t r = 0; r < R; ++r) {
    const Recorder& rec = sc.replicates[r].rec;
    for (std::size_t s = 0; s < S && s < rec.service_occupancy.size(); ++s) {
      occ[r * S + s] = share(rec.service_occupancy[s], rec.snapshots);
      queue[r * S + s] = share(rec.service_queue[s], rec.snapshots);
      wait[r * S + s] = share(rec.service_wait_days[s], rec.service_first_appointments[s]);
    }
  }
  matrix(w, base + "/by_service/utilisation", R, S, occ, "share of case places occupied (weekly mean)", "services", services);
  matrix(w, base + "/by_service/queue_length", R, S, queue, "cases waiting (weekly mean)", "services", services);
  matrix(w, base + "/by_service/days_to_first_appointment", R, S, wait, "days (mean, intake to first appointment)",
         "services", services);
}

}  // namespace models
