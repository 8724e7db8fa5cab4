// The end of a replicate: needs still open at the horizon are counted, and
// the recorder's counters become the summary row (CONTRACTS.md fields first).
#include <algorithm>
#include <cmath>

#include "models/replicate.hpp"

namespace models {
namespace {

// Percentile by linear interpolation between order statistics (type 7).
double percentile(std::vector<float> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double h = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

double ReplicateResult::summary_value(const std::string& name) const {
  for (const auto& [k, v] : summary)
    if (k == name) return v;
  return std::nan("");
}

ReplicateResult Replicate::finish(double wall_seconds) {
  // Needs still in the pathway at the horizon are open.
  for (std::uint32_t i = 0; i < needs_.capacity(); ++i) {
    if (!needs_.in_use(i)) continue;
    if (needs_[i].visit_from >= 0) draw_visits(i, horizon_);  // away from the GP at the horizon
    const Need& need = needs_[i];
    if (!need.cohort) continue;
    const double days = sim::to_days(horizon_ - need.onset);
    rec_.open += 1;
    rec_.unmet_days += days;
    tally(need, Tally::Open, 1);
    tally(need, Tally::UnmetDays, days);
    if (!need.disclosed) rec_.never_disclosed += 1;
    if (need.onset <= horizon_ - sim::days(90)) {
      rec_.eligible_90d += 1;
      rec_.unresolved_90d += 1;
      tally(need, Tally::Eligible90d, 1);
      tally(need, Tally::Unresolved90d, 1);
    }
  }
  // Tie graph at the horizon.
  std::array<double, 4> by_relation{};
  double gps_with_collab = 0, degree = 0;
  for (std::uint32_t g = 0; g < gps_.size(); ++g) {
    bool collab = false;
    for (const auto& t : ties_[g]) {
      const Relation r = relation_of(decayed(t, now_));
      by_relation[static_cast<std::size_t>(r)] += 1;
      if (r != Relation::Occulted) degree += 1;
      collab |= r == Relation::Collaboration;
    }
    gps_with_collab += collab ? 1 : 0;
  }
  for (const auto& iv : iv_) rec_.cost_eur += iv->schedule().cost(rec_.warmup_end, horizon_);
  const double n_gps = static_cast<double>(gps_.size());
  const double weeks = static_cast<double>(rec_.weeks);
  double fte = 0;
  for (const auto& w : workers_) fte += w.fte;
  const double worker_capacity_minutes = fte * static_cast<double>(hours_[1].minutes_per_week()) * weeks;
  // Routine consultations of every registered patient: the expected minutes
  // of a Poisson process per patient (not drawn: nothing depends on them).
  const double measured_years = sim::to_days(horizon_ - rec_.warmup_end) / 365.25;
  rec_.medical_minutes = registered_ * p_.residents.gp_visits_per_year * p_.gp.consult_minutes * measured_years;
  const double social = rec_.gp_minutes_total();
  const double consultation = rec_.medical_minutes + social;
  double places = 0;
  for (const auto& s : services_) places += s.capacity;
  double occupancy = 0, queue = 0;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    occupancy += rec_.service_occupancy[s] * services_[s].capacity;
    queue += rec_.service_queue[s];
  }
  const double snaps = rec_.snapshots > 0 ? rec_.snapshots : std::nan("");
  const double open_cases = occupancy / snaps;  // mean open cases, all services
  // Files a worker handles over six months (the Cour des comptes' measure):
  // the cases open at a time plus those started over 26 weeks.
  const double files_6m = fte > 0 && weeks > 0
                              ? (open_cases + (rec_.pathway_cases + rec_.background_cases) * 26.0 / weeks) / fte
                              : std::nan("");

  ReplicateResult out;
  auto put = [&](const char* name, double v) { out.summary.emplace_back(name, v); };
  put("replicate", spec_.replicate);
  put("seed", static_cast<double>(spec_.seed));
  put("gp_social_minutes_per_gp_week", n_gps > 0 && weeks > 0 ? rec_.gp_minutes_total() / (n_gps * weeks) : 0.0);
  put("needs_onset", rec_.onset);
  put("needs_resolved", rec_.resolved);
  put("needs_open", rec_.open);
  put("needs_abandoned", rec_.abandoned);
  put("unmet_need_days", rec_.unmet_days);
  put("unmet_share_90d", rec_.eligible_90d > 0 ? rec_.unresolved_90d / rec_.eligible_90d : std::nan(""));
  put("median_days_to_resolution", percentile(rec_.days_to_resolution, 0.5));
  put("p90_days_to_resolution", percentile(rec_.days_to_resolution, 0.9));
  put("wrong_door_hops", rec_.wrong_door_hops);
  put("contact_attempts", rec_.contact_attempts);
  put("contact_failures", rec_.contact_failures);
  put("consent_refusals", rec_.consent_refusals);
  put("secrecy_blocked", rec_.secrecy_blocked);
  put("collaboration_ties", by_relation[static_cast<std::size_t>(Relation::Collaboration)]);
  put("cost_eur", rec_.cost_eur);
  put("events", static_cast<double>(events_));
  put("wall_seconds", wall_seconds);
  put("gp_minutes_per_gp_week", n_gps > 0 && weeks > 0 ? consultation / (n_gps * weeks) : 0.0);
  put("gp_social_share", consultation > 0 ? social / consultation : 0.0);
  put("worker_utilisation", worker_capacity_minutes > 0 ? rec_.worker_minutes / worker_capacity_minutes : 0.0);
  put("median_days_to_first_appointment", percentile(rec_.days_to_first_appointment, 0.5));
  put("median_days_referral_to_resolution", percentile(rec_.days_referral_to_resolution, 0.5));
  // Beyond the contract.
  put("residents", static_cast<double>(residents_.size()));
  put("gps", n_gps);
  for (std::size_t k = 0; k < kGpTasks; ++k)
    out.summary.emplace_back(std::string("gp_minutes_") + kGpTaskNames[k], rec_.gp_minutes[k]);
  put("needs_chronic", rec_.chronic);
  put("needs_never_disclosed", rec_.never_disclosed);
  put("self_referrals", rec_.self_referrals);
  put("gp_disclosures", rec_.gp_disclosures);
  put("medicalised_consultations", rec_.medicalised_consultations);
  put("reassessments", rec_.reassessments);
  put("sector_redirects", rec_.sector_redirects);
  put("reports_back", rec_.reports_back);
  put("instrumental_ties", by_relation[static_cast<std::size_t>(Relation::Instrumental)]);
  put("cooperation_ties", by_relation[static_cast<std::size_t>(Relation::Cooperation)]);
  put("share_gps_with_collaboration_tie", n_gps > 0 ? gps_with_collab / n_gps : 0.0);
  put("mean_tie_degree", n_gps > 0 ? degree / n_gps : 0.0);
  put("worker_minutes", rec_.worker_minutes);
  put("worker_minutes_background", rec_.background_minutes);
  put("gp_minutes_medical", rec_.medical_minutes);
  put("cases_started", rec_.pathway_cases);
  put("background_cases_started", rec_.background_cases);
  put("case_place_occupancy", places > 0 ? open_cases / places : 0.0);
  put("mean_queue_length", queue / snaps);
  put("files_per_worker_6_months", files_6m);
  put("events_background", static_cast<double>(background_events_));
  put("coordinator_minutes", rec_.coordinator_minutes);
  // DREES 2018: 3 in 5 GPs had contacted a social structure in the previous week.
  put("gp_weeks_with_social_contact_share",
      n_gps > 0 && weeks > 0 ? rec_.gp_weeks_with_contact / (n_gps * weeks) : std::nan(""));
  for (const auto& iv : iv_) iv->report(*this, out.summary);
  out.rec = rec_;
  out.events = events_;
  out.residents = residents_.size();
  out.gps = static_cast<std::uint32_t>(gps_.size());
  out.wall_seconds = wall_seconds;
  return out;
}

}  // namespace models
