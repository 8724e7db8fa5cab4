// Building one replicate's agents from the setting. Every draw comes from a
// stream named by purpose and seeded by the replicate, never by the scenario,
// so every scenario of replicate k starts from the same population.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

// A value around `mean` in [0, 1]: mean + spread x (sum of two uniforms - 1).
double around(sim::Stream& rng, double mean, double spread) {
  return std::clamp(mean + spread * (rng.uniform() + rng.uniform() - 1.0), 0.0, 1.0);
}

}  // namespace

void Replicate::build_residents(sim::Stream& rng) {
  const auto& terr = setting_.territory;
  if (terr.size() > 65535) throw sim::InputError("", 0, 0, "more than 65,535 localities are not supported");
  const std::uint64_t total = terr.population();
  // First pass: draw each resident's cell; count per cell.
  std::vector<std::uint16_t> loc(total);
  std::vector<std::uint8_t> cell(total);
  std::array<std::uint32_t, kCells> count{};
  std::size_t r = 0;
  for (std::size_t l = 0; l < terr.size(); ++l) {
    const auto& L = terr.locality(l);
    const double mix[3] = {L.age_mix[0], L.age_mix[1], L.age_mix[2]};
    for (std::uint32_t k = 0; k < L.population; ++k, ++r) {
      const auto age = static_cast<AgeBand>(rng.discrete(mix));
      const bool prec = rng.bernoulli(L.precarity);
      loc[r] = static_cast<std::uint16_t>(l);
      cell[r] = static_cast<std::uint8_t>(cell_of(age, prec));
      ++count[cell[r]];
    }
  }
  // Second pass: place residents grouped by cell (a stable counting sort).
  auto& R = residents_;
  R.cell_start[0] = 0;
  for (std::size_t c = 0; c < kCells; ++c) R.cell_start[c + 1] = R.cell_start[c] + count[c];
  R.locality.resize(total);
  R.cell.resize(total);
  R.gp.assign(total, kNone);
  R.knowledge.resize(total);
  R.stigma.resize(total);
  R.trust.resize(total);
  auto next = R.cell_start;
  const auto& rp = p_.residents;
  for (std::size_t i = 0; i < total; ++i) {
    const std::uint32_t dst = next[cell[i]]++;
    R.locality[dst] = loc[i];
    R.cell[dst] = cell[i];
    const bool prec = cell[i] & 1u;
    R.knowledge[dst] = quantise(around(rng, prec ? rp.rights_knowledge_precarious : rp.rights_knowledge, rp.trait_spread));
    R.stigma[dst] = quantise(around(rng, rp.stigma_mean, rp.trait_spread));
    R.trust[dst] = quantise(around(rng, rp.trust_in_gp_mean, rp.trait_spread));
  }
  mean_trust_ = rp.trust_in_gp_mean;
}

void Replicate::build_gps(sim::Stream& rng) {
  const auto& g = p_.gp;
  const double profile_w[3] = {g.profile_share[0], g.profile_share[1], g.profile_share[2]};
  for (std::uint32_t pi = 0; pi < setting_.practices.size(); ++pi) {
    const auto& pr = setting_.practices[pi];
    for (std::uint32_t k = 0; k < pr.gps; ++k) {
      Gp gp;
      gp.locality = pr.locality;
      gp.practice = pi;
      gp.form = pr.form;
      gp.activity = static_cast<float>(pr.activity);
      gp.profile = static_cast<GpProfile>(rng.discrete(profile_w));
      gp.young = rng.bernoulli(g.young_share);
      gp.strict_stance = rng.bernoulli(g.strict_stance_share);
      const bool well = rng.bernoulli(g.knows_well_share);
      const double pk = (well ? g.knowledge_well : g.knowledge_poor) * (gp.young ? g.young_knowledge_factor : 1.0);
      for (std::size_t t = 0; t < kThemes; ++t)
        if (rng.bernoulli(pk)) gp.knows = static_cast<std::uint16_t>(gp.knows | (1u << t));
      gps_.push_back(gp);
    }
  }
  ties_.assign(gps_.size(), {});
}

void Replicate::register_patients(sim::Stream& rng) {
  // Residents register, in random order, with the nearest practice that still
  // takes patients (list size x activity per GP): a retiring GP fills fast.
  const auto& terr = setting_.territory;
  std::vector<std::vector<std::uint32_t>> practice_gps(setting_.practices.size());
  std::vector<double> room(setting_.practices.size(), 0.0);
  for (std::uint32_t i = 0; i < gps_.size(); ++i) {
    practice_gps[gps_[i].practice].push_back(i);
    room[gps_[i].practice] += p_.gp.list_size * gps_[i].activity;
  }
  std::vector<std::vector<std::uint32_t>> nearest(terr.size());
  for (std::size_t l = 0; l < terr.size(); ++l) {
    auto& v = nearest[l];
    v.resize(setting_.practices.size());
    std::iota(v.begin(), v.end(), 0u);
    std::stable_sort(v.begin(), v.end(), [&](std::uint32_t a, std::uint32_t b) {
      return terr.travel_minutes(l, setting_.practices[a].locality) <
             terr.travel_minutes(l, setting_.practices[b].locality);
    });
  }
  const std::size_t n = residents_.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  for (std::uint32_t r : order) {
    const double share = residents_.precarious(r) ? p_.residents.gp_registered_share_precarious
                                                  : p_.residents.gp_registered_share;
    if (!rng.bernoulli(share)) continue;
    for (std::uint32_t pi : nearest[residents_.locality[r]]) {
      if (room[pi] < 1.0) continue;
      std::uint32_t best = practice_gps[pi].front();
      for (std::uint32_t gi : practice_gps[pi])  // the GP with most room left
        if (static_cast<double>(gps_[gi].patients) / gps_[gi].activity < static_cast<double>(gps_[best].patients) / gps_[best].activity) best = gi;
      residents_.gp[r] = best;
      ++gps_[best].patients;
      room[pi] -= 1.0;
      break;
    }
  }
}

void Replicate::build_services() {
  hours_.push_back(sim::WeeklyHours::parse(p_.calendar.gp_hours));
  hours_.push_back(sim::WeeklyHours::parse(p_.calendar.worker_hours));
  hours_.push_back(sim::WeeklyHours::parse(p_.calendar.network_hours));
  const auto& terr = setting_.territory;
  for (std::uint32_t s = 0; s < setting_.services.size(); ++s) {
    const auto& spec = setting_.services[s];
    Service sv;
    if (!spec.hours.empty()) {
      sv.hours = static_cast<std::uint32_t>(hours_.size());
      hours_.push_back(sim::WeeklyHours::parse(spec.hours));
    } else {
      sv.hours = spec.employer == Employer::GerontologyNetwork ? 2u : 1u;
    }
    sv.first_worker = static_cast<std::uint32_t>(workers_.size());
    sv.workers = static_cast<std::uint32_t>(std::ceil(spec.fte - 1e-9));
    double left = spec.fte;
    for (std::uint32_t w = 0; w < sv.workers; ++w) {
      workers_.push_back(Worker{s, 0, std::min(1.0, left)});
      left -= 1.0;
    }
    sv.capacity = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::lround(spec.fte * p_.worker.caseload_per_fte)));
    services_.push_back(std::move(sv));
    for (std::size_t t = 0; t < kThemes; ++t)
      if (spec.themes.test(t)) by_theme_[t].push_back(s);
  }
  for (const auto& h : hours_) overlap_.push_back(hours_[0].intersect(h));
  // The right door for each locality and theme: the nearest service that
  // handles the theme and covers the locality.
  right_service_.assign(terr.size(), {});
  for (std::size_t l = 0; l < terr.size(); ++l)
    for (std::size_t t = 0; t < kThemes; ++t) {
      std::uint32_t best = kNone;
      for (std::uint32_t s : by_theme_[t]) {
        if (!setting_.services[s].covers[l]) continue;
        if (best == kNone || terr.travel_minutes(l, setting_.services[s].locality) <
                                 terr.travel_minutes(l, setting_.services[best].locality))
          best = s;
      }
      right_service_[l][t] = best;
    }
}

void Replicate::build_ties(sim::Stream& rng) {
  // Each GP starts with a few ties to workers of nearby services; engaged GPs
  // more. Initial trust spreads from new (instrumental) to cooperation.
  const auto& terr = setting_.territory;
  if (workers_.empty()) return;
  std::vector<std::uint32_t> svc(services_.size());
  for (std::uint32_t g = 0; g < gps_.size(); ++g) {
    const double mean = p_.ties.initial_ties_per_gp[static_cast<std::size_t>(gps_[g].profile)];
    // Poisson(mean) by inversion: few ties, short loop.
    int k = 0;
    for (double prod = rng.uniform(), lim = std::exp(-mean); prod > lim; prod *= rng.uniform()) ++k;
    std::iota(svc.begin(), svc.end(), 0u);
    std::stable_sort(svc.begin(), svc.end(), [&](std::uint32_t a, std::uint32_t b) {
      return terr.travel_minutes(gps_[g].locality, setting_.services[a].locality) <
             terr.travel_minutes(gps_[g].locality, setting_.services[b].locality);
    });
    const std::size_t pool = std::min<std::size_t>(svc.size(), static_cast<std::size_t>(p_.ties.initial_partner_pool));
    for (int i = 0; i < k; ++i) {
      const auto& sv = services_[svc[rng.below(pool)]];
      const std::uint32_t w = sv.first_worker + static_cast<std::uint32_t>(rng.below(sv.workers));
      if (find_tie(g, w)) continue;
      const double trust = p_.ties.initial_trust + rng.uniform() * (p_.ties.collaboration_threshold - p_.ties.initial_trust);
      ties_[g].push_back(Tie{w, static_cast<float>(trust), 0});
    }
  }
}

void Replicate::build_onset_table() {
  // Total onset rate of each (cell, theme) pair: the population's rate, so
  // that cost grows with needs, not with residents x days.
  const auto& n = p_.needs;
  onset_weights_.assign(kCells * kThemes, 0.0);
  double total = 0;
  for (std::size_t c = 0; c < kCells; ++c) {
    const double people = residents_.cell_start[c + 1] - residents_.cell_start[c];
    const auto age = static_cast<AgeBand>(c / 2);
    const bool prec = c % 2;
    for (std::size_t t = 0; t < kThemes; ++t) {
      double rate = n.onset_rate[t];
      if (age == AgeBand::Under25) rate *= n.age_factor_under25[t];
      if (age == AgeBand::Over75) rate *= n.age_factor_over75[t];
      if (prec) rate *= n.precarity_factor[t];
      onset_weights_[c * kThemes + t] = rate * people;
      total += rate * people;
    }
  }
  onset_rate_per_minute_ = total / (365.25 * sim::kMinutesPerDay);
}

}  // namespace models
