// The pathway, first half (MODEL.md §4.1-4.6): an undisclosed need's
// competing events, disclosure, the GP's response by profile, consent, and
// reaching a worker by phone, with the secrecy regime at the referral.
#include <algorithm>
#include <cmath>

#include "models/nearest_first.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {
constexpr double kMinutesPerYear = 365.25 * sim::kMinutesPerDay;
}

Replicate::StepRates Replicate::step_rates(const Need& need) const {
  StepRates s;
  const double knowledge = unit(residents_.knowledge[need.resident]);
  if (residents_.gp[need.resident] != kNone) {
    s.extra = p_.residents.extra_visits_per_year_per_urgency * need.urgency;
    s.visit = p_.residents.gp_visits_per_year + s.extra;
  }
  if (!need.non_demand) {
    s.self = p_.disclosure.self_referral_per_year * knowledge;
    for (const auto& iv : iv_) s.self *= iv->self_referral_factor(*this, need);
  }
  if (need.state == NeedState::Undisclosed) {
    if (need.urgency < 3) s.escalate = p_.needs.escalation_rate_per_year;
    for (const auto& iv : iv_) s.alert += iv->alert_rate(*this, need);
  }
  s.remit = p_.needs.spontaneous_resolution_per_year;
  return s;
}

void Replicate::schedule_step(std::uint32_t n) {
  // Back with the GP's step process: the visits drawn here from now on; those
  // of the time away, drawn now (pathway_visits.cpp).
  if (needs_[n].visit_from >= 0) draw_visits(n, now_);
  const StepRates r = step_rates(needs_[n]);
  const double total = r.total();
  if (total <= 0) return;  // nothing can happen: the need stays open (non-take-up)
  const double years = -std::log1p(-draw(n, Purpose::Step)) / total;
  push(now_ + std::max<sim::Minute>(1, static_cast<sim::Minute>(years * kMinutesPerYear)), kStep, n);
}

void Replicate::on_step(std::uint32_t n) {
  Need& need = needs_[n];
  away_from_gp(n);  // until schedule_step() takes it back
  const StepRates r = step_rates(need);
  double u = draw(n, Purpose::Step) * r.total();
  if ((u -= r.remit) < 0) return close(n, NeedState::Resolved);
  if (r.alert > 0 && (u -= r.alert) < 0) {
    // Found by an intervention (alert, outreach): which one, by its rate.
    double v = draw(n, Purpose::Intervention) * r.alert;
    for (auto& iv : iv_) {
      const double a = iv->alert_rate(*this, need);
      if (a <= 0 || (v -= a) >= 0) continue;
      if (iv->on_alert(*this, n)) return;
      break;
    }
    return schedule_step(n);
  }
  if ((u -= r.escalate) < 0) {
    ++need.urgency;
    return schedule_step(n);
  }
  if ((u -= r.self) < 0) {
    // Self-referral: the right door only as often as the person's knowledge allows.
    if (rec_.measuring(now_)) rec_.self_referrals += 1;
    const std::uint32_t l = residents_.locality[need.resident];
    const std::uint32_t right = right_service(need.theme, l);
    std::uint32_t s = right;
    if (right == kNone || draw(n, Purpose::Navigate) >= unit(residents_.knowledge[need.resident]))
      s = nearby_service(l, p_.residents.guess_nearest_services, draw(n, Purpose::Navigate));  // proximity first
    need.gp = kNone;
    need.disclosed = true;
    return navigate(n, s);
  }
  // A GP visit; the share caused by the need itself is a medicalised consultation.
  if (draw(n, Purpose::Step) * r.visit < r.extra) {
    if (rec_.measuring(now_)) rec_.medicalised_consultations += 1;
    gp_minutes(n, GpTask::Medicalised, p_.gp.consult_minutes);
  }
  if (need.state == NeedState::Undisclosed) {
    const auto t = idx(need.theme);
    double pd = p_.disclosure.base_prob[t] * unit(residents_.trust[need.resident]) *
                (1.0 - p_.disclosure.stigma_effect * unit(residents_.stigma[need.resident])) *
                (1.0 + p_.disclosure.urgency_effect * (need.urgency - 1));
    if (need.non_demand) pd *= p_.disclosure.non_demand_factor;
    if (draw(n, Purpose::Disclose) < pd) {
      need.disclosed = true;
      if (rec_.measuring(now_)) rec_.gp_disclosures += 1;
      return gp_respond(n);
    }
    return schedule_step(n);
  }
  if (now_ >= need.retry_at) return gp_respond(n);  // WithGp: try again
  schedule_step(n);
}

bool Replicate::gp_knows(std::uint32_t g, Theme t) const {
  if (gps_[g].knows & (1u << idx(t))) return true;
  const std::uint32_t hw = hosted_worker(g);  // the colleague down the corridor
  if (hw != kNone && handles(workers_[hw].service, t)) return true;
  for (const auto& tie : ties_[g])
    if (handles(workers_[tie.worker].service, t) && decayed(tie, now_) >= p_.ties.instrumental_floor) return true;
  return false;
}

void Replicate::gp_respond(std::uint32_t n) {
  Need& need = needs_[n];
  const std::uint32_t g = residents_.gp[need.resident];
  const auto prof = static_cast<std::size_t>(gps_[g].profile);
  const auto t = idx(need.theme);
  gp_minutes(n, GpTask::Advice, p_.gp.advice_minutes[prof]);
  if (!need.form_done && draw(n, Purpose::Profile) < p_.needs.form_prob[t]) {
    need.form_done = true;
    gp_minutes(n, GpTask::Form, p_.gp.form_minutes);
  }
  // Consent: nothing moves without it.
  const double trust = unit(residents_.trust[need.resident]);
  double refuse = p_.consent.refusal_prob[t] * (1.0 + p_.consent.trust_effect * (mean_trust_ - trust));
  if (residents_.precarious(need.resident) &&
      (need.theme == Theme::FamiliesSeniors || need.theme == Theme::Disability))
    refuse += p_.consent.copayment_refusal;
  if (draw(n, Purpose::Consent) < std::clamp(refuse, 0.0, 1.0)) {
    if (rec_.measuring(now_)) {
      rec_.consent_refusals += 1;
      rec_.add_weekly(Weekly::ConsentRefusals, now_, 1);
    }
    tally(need, Tally::ConsentRefusals, 1);
    if (draw(n, Purpose::Consent) < p_.consent.refusal_abandon_prob) return close(n, NeedState::Abandoned);
    need.state = NeedState::WithGp;
    need.retry_at = now_ + sim::days(p_.consent.retry_days);
    return schedule_step(n);
  }
  // Someone in between may take the need over (coordinator, single referent).
  for (auto& iv : iv_)
    if (iv->take_over(*this, n, g)) return;
  // Where to send: the GP's knowledge, a directory, a search, or a guess.
  bool knows = gp_knows(g, need.theme);
  for (auto& iv : iv_)
    if (!knows && iv->directory_lookup(*this, n, g)) knows = true;
  if (!knows && gps_[g].profile != GpProfile::Adviser) {
    gp_minutes(n, GpTask::Search, p_.gp.search_minutes);
    if (draw(n, Purpose::Choice) < p_.gp.search_success[prof]) {
      knows = true;
      if (draw(n, Purpose::Choice) < p_.gp.learn_from_search)
        gps_[g].knows = static_cast<std::uint16_t>(gps_[g].knows | (1u << t));
    }
  }
  std::uint32_t target = kNone;
  if (knows) target = choose_partner(g, n, draw(n, Purpose::Choice) < p_.gp.sector_awareness);
  if (target == kNone)  // a guess, near the patient's home
    target = nearby_service(residents_.locality[need.resident], p_.gp.guess_nearest_services, draw(n, Purpose::Choice));
  if (target == kNone) return close(n, NeedState::Chronic);  // no service at all
  const std::uint32_t worker = pick_worker(target, g);
  // Under one roof — the practice's own worker, or an intervention's shared
  // premises: a word in the corridor, no phone.
  bool met = knows && worker != kNone && worker == hosted_worker(g);
  for (const auto& iv : iv_) met = met || (knows && iv->in_person(*this, g, worker));
  if (!met && (gps_[g].profile == GpProfile::Adviser || !knows || p_.gp.max_attempts[prof] < 1))
    return advise(n, target);
  need.state = NeedState::Contacting;
  need.service = target;
  need.worker = worker;
  need.gp = g;
  need.attempts = 0;
  note_referral(n);
  if (met) return refer_by_contact(n);
  schedule_attempt(n);
}

std::uint32_t Replicate::choose_partner(std::uint32_t g, std::uint32_t n, bool own_sector_only) {
  // Proximity first, then ties, then availability (MODEL.md §3): the
  // theme's service with the best score, the lowest-numbered on equal scores
  // (the first of a scan of by_theme_). Searched without scanning every
  // service, which at France scale means thousands per referral:
  // - own sector only: the few services covering the need's locality;
  // - otherwise, services the GP has ties with, then the others nearest
  //   first, stopping once even a service with no queue at that distance
  //   would score below the best (all weights are non-negative).
  const Need& need = needs_[n];
  const std::uint32_t l = residents_.locality[need.resident];
  const std::size_t t = idx(need.theme);
  const auto& terr = setting_.territory;
  const float* from_gp = terr.travel_row(gps_[g].locality);
  std::uint32_t best = kNone;
  double best_score = 0;
  const std::uint32_t hw = hosted_worker(g);
  const std::uint32_t hosted = hw == kNone ? kNone : workers_[hw].service;
  auto consider = [&](std::uint32_t s) {
    double tie = s == hosted ? 1.0 : 0.0;  // the practice's own worker: full trust
    for (const auto& tt : ties_[g])
      if (workers_[tt.worker].service == s) tie = std::max(tie, decayed(tt, now_));
    const double score = -p_.choice.proximity_per_minute * from_gp[setting_.services[s].locality] +
                         p_.choice.trust_weight * tie -
                         p_.choice.queue_weight * static_cast<double>(services_[s].queue.size());
    if (best == kNone || score > best_score || (score == best_score && s < best)) {
      best = s;
      best_score = score;
    }
  };
  if (own_sector_only) {
    for (std::uint32_t s : covering(l, t)) consider(s);
    if (best != kNone) return best;
  }
  const auto& themed = by_theme_[t];
  if (hosted != kNone && handles(hosted, need.theme)) consider(hosted);
  for (const auto& tt : ties_[g])
    if (handles(workers_[tt.worker].service, need.theme)) consider(workers_[tt.worker].service);
  std::vector<std::uint32_t>& order = partner_order_[gps_[g].locality * kThemes + t];
  for (std::size_t i = 0;; ++i) {
    if (i == order.size()) {
      if (order.size() == themed.size()) break;
      order = nearest_first(themed.size(), std::max<std::size_t>(8, 4 * order.size()),
                            [&](std::uint32_t k) { return from_gp[setting_.services[themed[k]].locality]; });
    }
    const std::uint32_t s = themed[order[i]];
    const double bound = -p_.choice.proximity_per_minute * from_gp[setting_.services[s].locality];
    if (best != kNone && bound < best_score) break;
    consider(s);
  }
  return best;
}

std::uint32_t Replicate::choose_partner_by_scan(std::uint32_t g, std::uint32_t n, bool own_sector_only) const {
  const Need& need = needs_[n];
  const std::uint32_t l = residents_.locality[need.resident];
  const auto& terr = setting_.territory;
  for (int pass = 0; pass < 2; ++pass) {
    std::uint32_t best = kNone;
    double best_score = 0;
    const std::uint32_t hw = hosted_worker(g);
    for (std::uint32_t s : by_theme_[idx(need.theme)]) {
      if (pass == 0 && own_sector_only && !covers(s, l)) continue;
      double tie = hw != kNone && workers_[hw].service == s ? 1.0 : 0.0;
      for (const auto& tt : ties_[g])
        if (workers_[tt.worker].service == s) tie = std::max(tie, decayed(tt, now_));
      const double score = -p_.choice.proximity_per_minute * terr.travel_minutes(gps_[g].locality, setting_.services[s].locality) +
                           p_.choice.trust_weight * tie -
                           p_.choice.queue_weight * static_cast<double>(services_[s].queue.size());
      if (best == kNone || score > best_score) {
        best = s;
        best_score = score;
      }
    }
    if (best != kNone || !own_sector_only) return best;
  }
  return kNone;
}

std::uint32_t Replicate::nearby_service(std::uint32_t l, double pool, double u, std::uint32_t exclude) {
  const auto n_pool = static_cast<std::size_t>(pool);
  const std::size_t want = std::min(n_pool + 1, services_.size());  // one more, in case `exclude` is among them
  std::vector<std::uint32_t>& near = nearby_[l];
  if (near.size() < want) {
    const float* row = setting_.territory.travel_row(l);
    near = nearest_first(services_.size(), want, [&](std::uint32_t s) { return row[setting_.services[s].locality]; });
  }
  // The first n_pool services of `near` other than `exclude`; the k-th of them.
  std::size_t count = 0;
  for (std::size_t i = 0; i < near.size() && count < n_pool; ++i) count += near[i] != exclude ? 1 : 0;
  if (count == 0) return kNone;
  std::size_t k = std::min(count - 1, static_cast<std::size_t>(u * static_cast<double>(count)));
  for (std::uint32_t s : near) {
    if (s == exclude) continue;
    if (k-- == 0) return s;
  }
  return kNone;
}

const std::vector<std::uint32_t>& Replicate::covering(std::uint32_t l, std::size_t t) {
  const std::size_t k = l * kThemes + t;
  if (!covering_built_[k]) {
    for (std::uint32_t s : by_theme_[t])
      if (covers(s, l)) covering_[k].push_back(s);
    covering_built_[k] = 1;
  }
  return covering_[k];
}

std::uint32_t Replicate::pick_worker(std::uint32_t s, std::uint32_t g) const {
  const Service& sv = services_[s];
  std::uint32_t best = kNone;
  double best_trust = -1;
  if (g != kNone && hosted_worker(g) != kNone && workers_[hosted_worker(g)].service == s) return hosted_worker(g);
  if (g != kNone)
    for (const auto& tt : ties_[g])
      if (workers_[tt.worker].service == s && decayed(tt, now_) > best_trust) {
        best = tt.worker;
        best_trust = decayed(tt, now_);
      }
  if (best != kNone) return best;
  best = sv.first_worker;
  for (std::uint32_t w = sv.first_worker; w < sv.first_worker + sv.workers; ++w)
    if (workers_[w].active / workers_[w].fte < workers_[best].active / workers_[best].fte) best = w;
  return best;
}

double Replicate::worker_busy(std::uint32_t w, std::uint32_t g) const {
  const Service& sv = services_[workers_[w].service];
  const double util = std::min(1.0, static_cast<double>(sv.active) / sv.capacity);
  double busy = std::min(1.0, p_.worker.busy_base + p_.worker.busy_per_utilisation * util);
  if (relation(g, w) == Relation::Collaboration) busy *= 1.0 - p_.ties.collaboration_reach_bonus;
  return busy;
}

void Replicate::schedule_attempt(std::uint32_t n) {
  // The GP calls at a moment of their own hours — inside the worker's hours
  // only if they know them ("it is never the right moment").
  Need& need = needs_[n];
  const auto prof = static_cast<std::size_t>(gps_[need.gp].profile);
  const std::uint32_t h = services_[need.service].hours;
  const bool informed = draw(n, Purpose::Contact) < p_.gp.informed_timing[prof] && !overlap_[h].empty();
  const sim::WeeklyHours& when = informed ? overlap_[h] : hours_[0];
  if (when.empty()) return advise(n, need.service);
  const auto k = static_cast<sim::Minute>(draw(n, Purpose::Contact) * static_cast<double>(when.minutes_per_week()));
  push(sim::WeeklyHours::next_at_offset(now_ + 1, when.nth_open_minute(k)), kAttempt, n);
}

void Replicate::on_attempt(std::uint32_t n) {
  Need& need = needs_[n];
  ++need.attempts;
  if (rec_.measuring(now_)) {
    rec_.contact_attempts += 1;
    rec_.add_weekly(Weekly::ContactAttempts, now_, 1);
    rec_.gp_contact(need.gp, now_);
  }
  tally(need, Tally::ContactAttempts, 1);
  gp_minutes(n, GpTask::Phone, p_.gp.phone_attempt_minutes);
  const bool open = hours_[services_[need.service].hours].is_open(now_);
  if (open && draw(n, Purpose::Contact) >= worker_busy(need.worker, need.gp)) return refer_by_contact(n);
  if (rec_.measuring(now_)) rec_.contact_failures += 1;
  tally(need, Tally::ContactFailures, 1);
  if (draw(n, Purpose::Contact) < p_.worker.callback_prob) {
    const sim::WeeklyHours& wh = hours_[services_[need.service].hours];
    if (!wh.empty()) {
      const auto k = static_cast<sim::Minute>(draw(n, Purpose::Contact) * static_cast<double>(wh.minutes_per_week()));
      return push(sim::WeeklyHours::next_at_offset(now_ + 1, wh.nth_open_minute(k)), kCallback, n);
    }
  }
  const auto prof = static_cast<std::size_t>(gps_[need.gp].profile);
  if (need.attempts < p_.gp.max_attempts[prof]) return schedule_attempt(n);
  advise(n, need.service);  // give up phoning: hand the patient the address
}

void Replicate::on_callback(std::uint32_t n) {
  // The worker returns the call: the GP must be open and not in consultation.
  Need& need = needs_[n];
  if (rec_.measuring(now_)) rec_.contact_attempts += 1;
  tally(need, Tally::ContactAttempts, 1);
  if (hours_[0].is_open(now_) && draw(n, Purpose::Contact) >= p_.gp.busy_in_consultation) {
    gp_minutes(n, GpTask::Phone, p_.gp.phone_attempt_minutes);
    return refer_by_contact(n);
  }
  if (rec_.measuring(now_)) rec_.contact_failures += 1;
  tally(need, Tally::ContactFailures, 1);
  const auto prof = static_cast<std::size_t>(gps_[need.gp].profile);
  if (need.attempts < p_.gp.max_attempts[prof]) return schedule_attempt(n);
  advise(n, need.service);
}

void Replicate::refer_by_contact(std::uint32_t n) {
  Need& need = needs_[n];
  touch_tie(need.gp, need.worker, 0.0);
  // What travels with the referral (MODEL.md §4.6).
  bool shared = true;
  const SecrecyRegime regime = regime_for(need.gp, need.worker, need.shared_plan);
  if (need.medical) {
    switch (regime) {
      case SecrecyRegime::SharedPlan: shared = true; break;
      case SecrecyRegime::Strict: shared = false; break;
      case SecrecyRegime::Consent:
        shared = !gps_[need.gp].strict_stance && draw(n, Purpose::Consent) < p_.consent.share_info_prob;
        break;
    }
    if (!shared) {
      if (rec_.measuring(now_)) rec_.secrecy_blocked += 1;
      tally(need, Tally::SecrecyBlocked, 1);
    }
  }
  need.info_shared = shared;
  const std::uint32_t l = residents_.locality[need.resident];
  if (covers(need.service, l)) return intake(n, need.service);
  // The worker knows the sectors: a correct redirect, but a hop all the same.
  ++need.hops;
  if (rec_.measuring(now_)) {
    rec_.wrong_door_hops += 1;
    rec_.sector_redirects += 1;
    rec_.add_weekly(Weekly::WrongDoorHops, now_, 1);
  }
  tally(need, Tally::WrongDoorHops, 1);
  navigate(n, right_service(need.theme, l));
}

SecrecyRegime Replicate::regime_for(std::uint32_t gp, std::uint32_t worker, bool& shared_plan) const {
  SecrecyRegime r = p_.secrecy.regime;
  for (const auto& iv : iv_)
    if (auto o = iv->regime(*this)) r = *o;
  shared_plan = r == SecrecyRegime::SharedPlan;
  // A worker hosted in the GP's practice shares the practice's care plan.
  if (gp != kNone && worker != kNone && worker == hosted_worker(gp)) shared_plan = true;
  for (const auto& iv : iv_)
    if (gp != kNone && worker != kNone && iv->shared_plan(*this, gp, worker)) shared_plan = true;
  return shared_plan ? SecrecyRegime::SharedPlan : r;
}

void Replicate::advise(std::uint32_t n, std::uint32_t service) {
  needs_[n].gp = kNone;  // the patient goes alone: no tie, no report back
  navigate(n, service);
}

}  // namespace models
