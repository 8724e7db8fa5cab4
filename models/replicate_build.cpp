// Building one replicate's agents from the setting. Every draw comes from a
// stream named by purpose and seeded by the replicate, never by the scenario,
// so every scenario of replicate k starts from the same population.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <vector>

#include "models/nearest_first.hpp"
#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

// A value around `mean` in [0, 1]: mean + spread x (sum of two uniforms - 1).
// Inlined: it runs three times per resident.
[[gnu::always_inline]] inline double around(sim::Stream& rng, double mean, double spread) {
  return std::clamp(mean + spread * (rng.uniform() + rng.uniform() - 1.0), 0.0, 1.0);
}

// How far ahead the registration loops prefetch (random accesses over the
// whole population: at France scale every one of them misses the caches).
constexpr std::size_t kPrefetch = 16;

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
  // Same result as scanning every practice by distance and every GP of the
  // chosen practice, in O(log GPs) per resident:
  // - a practice's room only shrinks, so each locality keeps a cursor past
  //   the nearest practices already full, and only a prefix of its practices
  //   by distance is sorted (extended when the cursor reaches its end);
  // - within a practice, the GP with most room left (lowest patients /
  //   activity, first in the list on ties) is the top of a small heap.
  const auto& terr = setting_.territory;
  const std::size_t n_practices = setting_.practices.size();
  // Heap order on (patients / activity, index): index order is list order.
  // Each entry caches its GP's load, recomputed (same expression) when the
  // GP takes a patient.
  struct Slot {
    double load;
    std::uint32_t gp;
    bool operator<(const Slot& o) const { return load < o.load || (load == o.load && gp < o.gp); }
  };
  auto load = [&](std::uint32_t g) { return static_cast<double>(gps_[g].patients) / gps_[g].activity; };
  auto sift_down = [](std::vector<Slot>& h, std::size_t i) {
    const std::size_t m = h.size();
    const Slot x = h[i];
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= m) break;
      if (c + 1 < m && h[c + 1] < h[c]) ++c;
      if (!(h[c] < x)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = x;
  };
  std::vector<std::vector<Slot>> heaps(n_practices);
  std::vector<double> room(n_practices, 0.0);
  for (std::uint32_t i = 0; i < gps_.size(); ++i) {
    heaps[gps_[i].practice].push_back(Slot{load(i), i});
    room[gps_[i].practice] += p_.gp.list_size * gps_[i].activity;
  }
  for (auto& h : heaps)
    for (std::size_t i = h.size() / 2; i-- > 0;) sift_down(h, i);

  struct Cursor {
    std::vector<std::uint32_t> order;  // nearest practices first (a prefix)
    std::size_t next = 0;              // order[0, next) are full
  };
  std::vector<Cursor> near(terr.size());
  auto practice_for = [&](std::size_t l) -> std::uint32_t {
    Cursor& c = near[l];
    for (;;) {
      if (c.next == c.order.size()) {
        if (c.order.size() == n_practices) return kNone;  // every practice is full
        const float* row = terr.travel_row(l);
        c.order = nearest_first(n_practices, std::max<std::size_t>(8, 4 * c.order.size()),
                                [&](std::uint32_t p) { return row[setting_.practices[p].locality]; });
        if (c.next == c.order.size()) return kNone;
      }
      const std::uint32_t pi = c.order[c.next];
      if (room[pi] >= 1.0) return pi;
      ++c.next;
    }
  };

  const std::size_t n = residents_.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  // Fisher-Yates, with the draws taken kPrefetch steps ahead (same draws, same
  // order) so that the element to swap is already on its way to the cache.
  {
    std::array<std::uint32_t, kPrefetch> ahead{};
    std::size_t drawn = n;  // next i whose draw is still to take
    auto draw_next = [&] {
      const auto j = static_cast<std::uint32_t>(rng.below(drawn));
      ahead[drawn % kPrefetch] = j;
      __builtin_prefetch(&order[j], 1);
      --drawn;
    };
    for (std::size_t k = 0; k < kPrefetch && drawn > 1; ++k) draw_next();
    for (std::size_t i = n; i > 1; --i) {
      const std::uint32_t j = ahead[i % kPrefetch];
      if (drawn > 1) draw_next();
      std::swap(order[i - 1], order[j]);
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (k + kPrefetch < n) {
      const std::uint32_t ahead = order[k + kPrefetch];
      __builtin_prefetch(&residents_.cell[ahead]);
      __builtin_prefetch(&residents_.locality[ahead]);
      __builtin_prefetch(&residents_.gp[ahead], 1);
    }
    const std::uint32_t r = order[k];
    const double share = residents_.precarious(r) ? p_.residents.gp_registered_share_precarious
                                                  : p_.residents.gp_registered_share;
    if (!rng.bernoulli(share)) continue;
    const std::uint32_t pi = practice_for(residents_.locality[r]);
    if (pi == kNone) continue;
    auto& h = heaps[pi];
    const std::uint32_t best = h.front().gp;
    residents_.gp[r] = best;
    ++gps_[best].patients;
    registered_ += 1;
    h.front().load = load(best);
    sift_down(h, 0);
    room[pi] -= 1.0;
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
  partner_order_.assign(terr.size() * kThemes, {});
  covering_.assign(terr.size() * kThemes, {});
  covering_built_.assign(terr.size() * kThemes, 0);
  nearby_.assign(terr.size(), {});
  for (const auto& h : hours_) overlap_.push_back(hours_[0].intersect(h));
  build_right_doors();
}

void Replicate::build_ties(sim::Stream& rng) {
  // Each GP starts with a few ties to workers of nearby services; engaged GPs
  // more. Initial trust spreads from new (instrumental) to cooperation.
  const auto& terr = setting_.territory;
  if (workers_.empty()) return;
  // The `pool` nearest services of each GP's locality (the head of a stable
  // sort by travel time), computed once per locality.
  const std::size_t pool = std::min<std::size_t>(services_.size(), static_cast<std::size_t>(p_.ties.initial_partner_pool));
  std::vector<std::vector<std::uint32_t>> nearest_services(terr.size());
  std::vector<std::uint8_t> known(terr.size(), 0);
  for (std::uint32_t g = 0; g < gps_.size(); ++g) {
    const double mean = p_.ties.initial_ties_per_gp[static_cast<std::size_t>(gps_[g].profile)];
    // Poisson(mean) by inversion: few ties, short loop.
    int k = 0;
    for (double prod = rng.uniform(), lim = std::exp(-mean); prod > lim; prod *= rng.uniform()) ++k;
    const std::uint32_t l = gps_[g].locality;
    if (!known[l]) {
      const float* row = terr.travel_row(l);
      nearest_services[l] = nearest_first(services_.size(), pool,
                                          [&](std::uint32_t s) { return row[setting_.services[s].locality]; });
      known[l] = 1;
    }
    const auto& svc = nearest_services[l];
    for (int i = 0; i < k; ++i) {
      const auto& sv = services_[svc[rng.below(pool)]];
      const std::uint32_t w = sv.first_worker + static_cast<std::uint32_t>(rng.below(sv.workers));
      if (find_tie(g, w)) continue;
      const double trust = p_.ties.initial_trust + rng.uniform() * (p_.ties.collaboration_threshold - p_.ties.initial_trust);
      ties_[g].push_back(Tie{w, static_cast<float>(trust), 0});
    }
  }
}

void Replicate::build_hosted_workers(sim::Stream& rng) {
  // A multi-professional practice or health house may host (or employ) a
  // social worker: one of the general social service that is the right door
  // for the practice's own locality (MODEL.md §3). Solo and group practices
  // never do. One draw per practice, from a stream of its own.
  practice_worker_.assign(setting_.practices.size(), kNone);
  for (std::uint32_t pi = 0; pi < setting_.practices.size(); ++pi) {
    const auto& pr = setting_.practices[pi];
    const auto form = static_cast<std::size_t>(pr.form);
    const bool may_host = pr.form == PracticeForm::MultiProfessional || pr.form == PracticeForm::HealthHouse;
    const double u = rng.uniform(), v = rng.uniform();
    if (!may_host || u >= p_.gp.hosted_worker_prob[form]) continue;
    const std::uint32_t s = right_service(Theme::GeneralSocial, pr.locality);
    if (s == kNone || services_[s].workers == 0) continue;
    practice_worker_[pi] = services_[s].first_worker + std::min(services_[s].workers - 1,
                                                                static_cast<std::uint32_t>(v * services_[s].workers));
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
