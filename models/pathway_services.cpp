// The pathway, second half (MODEL.md §4.3, 4.7-4.9): the patient's doors,
// intake queues and capacity, case work, resolution or failure, report back
// to the GP, and the closing of a need with its accounting.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/replicate.hpp"

namespace models {

void Replicate::navigate(std::uint32_t n, std::uint32_t service) {
  Need& need = needs_[n];
  if (service == kNone) return close(n, NeedState::Chronic);  // no service anywhere handles it
  need.state = NeedState::Navigating;
  need.service = service;
  note_referral(n);
  if (need.hops >= p_.patient.max_door_hops) return close(n, NeedState::Abandoned);
  const double d = draw_exp_days(n, Purpose::Navigate, p_.patient.door_delay_days);
  push(now_ + std::max<sim::Minute>(1, sim::days(d)), kDoor, n);
}

void Replicate::on_door(std::uint32_t n) {
  Need& need = needs_[n];
  for (auto& iv : iv_) iv->at_door(*this, n);  // accompanied (health mediator)
  const double stigma = unit(residents_.stigma[need.resident]);
  double drop = p_.patient.door_dropout_prob * (1.0 + p_.patient.stigma_dropout_effect * stigma);
  for (const auto& iv : iv_) drop *= iv->dropout_factor(*this, need);
  if (draw(n, Purpose::Navigate) < std::min(1.0, drop)) return close(n, NeedState::Abandoned);
  const std::uint32_t s = need.service;
  const std::uint32_t l = residents_.locality[need.resident];
  const bool right_theme = handles(s, need.theme);
  if (right_theme && covers(s, l)) return intake(n, s);
  // A wrong door: another hop.
  ++need.hops;
  if (rec_.measuring(now_)) {
    rec_.wrong_door_hops += 1;
    rec_.add_weekly(Weekly::WrongDoorHops, now_, 1);
  }
  tally(need, Tally::WrongDoorHops, 1);
  const std::uint32_t right = right_service(need.theme, l);
  if (right_theme) {  // right kind of service, wrong sector: sectors know each other
    if (rec_.measuring(now_)) rec_.sector_redirects += 1;
    return navigate(n, right);
  }
  // "It's not us, it's…" — naming the right door only sometimes.
  std::uint32_t next = right;
  if (right == kNone || draw(n, Purpose::Navigate) >= p_.worker.redirect_correct_prob) {
    // Otherwise a service it knows of: one near itself.
    next = nearby_service(setting_.services[s].locality, p_.worker.redirect_nearest_services,
                          draw(n, Purpose::Navigate), s);
    if (next == kNone) return close(n, NeedState::Chronic);
  }
  navigate(n, next);
}

void Replicate::intake(std::uint32_t n, std::uint32_t s) {
  Need& need = needs_[n];
  need.service = s;
  need.intake_at = now_;
  note_referral(n);
  if (need.medical && !need.info_shared && !need.reassessed) {
    // Medical information did not travel: the worker assesses again, blind.
    need.reassessed = true;
    if (rec_.measuring(now_)) rec_.reassessments += 1;
  }
  Service& sv = services_[s];
  if (sv.active < sv.capacity && sv.queue.empty()) return start_case(n);
  need.state = NeedState::Queued;
  sv.queue.push_back(n);
}

void Replicate::start_case(std::uint32_t n) {
  Need& need = needs_[n];
  Service& sv = services_[need.service];
  ++sv.active;
  if (need.worker == kNone || workers_[need.worker].service != need.service)
    need.worker = pick_worker(need.service, need.gp);
  ++workers_[need.worker].active;
  need.state = NeedState::InCase;
  const auto t = idx(need.theme);
  if (rec_.measuring(now_))
    rec_.worker_minutes += p_.worker.case_minutes[t] + (need.reassessed ? p_.worker.reassess_minutes : 0.0);
  // First appointment, re-assessment, then the case itself (lognormal duration).
  double days = draw_exp_days(n, Purpose::Intake, p_.worker.intake_delay_days);
  if (rec_.measuring(now_)) {
    // From arrival at the intake (queue included) to the first appointment.
    const double wait = sim::to_days(now_ - need.intake_at) + days;
    rec_.pathway_cases += 1;
    rec_.days_to_first_appointment.push_back(static_cast<float>(wait));
    rec_.service_wait_days[need.service] += wait;
    rec_.service_first_appointments[need.service] += 1;
  }
  if (need.reassessed) days += p_.worker.reassess_delay_days;
  const double mean = p_.worker.case_duration_days[t];
  if (mean > 0) {
    const double cv = p_.worker.case_duration_cv;
    const double s2 = std::log1p(cv * cv);
    const double u1 = draw(n, Purpose::Intake), u2 = draw(n, Purpose::Intake);
    const double z = std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * std::numbers::pi * u2);
    days += mean * std::exp(std::sqrt(s2) * z - 0.5 * s2);
  }
  push(now_ + std::max<sim::Minute>(1, sim::days(days)), kCaseEnd, n);
}

void Replicate::on_case_end(std::uint32_t n) {
  Need& need = needs_[n];
  const std::uint32_t s = need.service;
  --services_[s].active;
  --workers_[need.worker].active;
  const auto t = idx(need.theme);
  double p = p_.resolution.base_prob[t];
  if (need.medical && need.info_shared) p += p_.resolution.info_bonus;
  if (need.reassessed) p -= p_.resolution.reassess_penalty;
  if (residents_.precarious(need.resident)) p *= p_.resolution.precarious_adherence;
  for (const auto& iv : iv_) p += iv->resolution_bonus(*this, need);
  const bool success = draw(n, Purpose::Resolve) < std::clamp(p, 0.0, 1.0);
  for (auto& iv : iv_) iv->on_case_end(*this, n, success);
  // Report back to the referring GP feeds the tie (MODEL.md §4.9): from the
  // service, or from the patient, who may tell the GP under any regime.
  // Under strict secrecy nothing comes back from the service: only what the
  // patient carries (MODEL.md §4.6).
  if (need.gp != kNone) {
    bool shared_plan = false;
    const bool strict = regime_for(need.gp, need.worker, shared_plan) == SecrecyRegime::Strict;
    const double from_service = need.shared_plan ? p_.report.shared_plan_prob
                                : strict ? 0.0
                                         : p_.report.prob[static_cast<std::size_t>(setting_.services[s].employer)];
    const double pr = 1.0 - (1.0 - from_service) * (1.0 - p_.report.patient_tells_prob);
    if (draw(n, Purpose::Report) < pr) {
      if (rec_.measuring(now_)) rec_.reports_back += 1;
      touch_tie(need.gp, need.worker, success ? p_.ties.gain_success : -p_.ties.loss_failure);
    }
  }
  // The freed place goes to the head of the queue.
  take_from_queue(s);
  if (success) return close(n, NeedState::Resolved);
  if (draw(n, Purpose::Resolve) < p_.resolution.chronic_share) return close(n, NeedState::Chronic);
  // Failure: the need comes back later, more urgent; its consultations so
  // far at the old urgency.
  draw_visits(n, now_);
  away_from_gp(n);
  need.urgency = static_cast<std::uint8_t>(std::min(3, need.urgency + 1));
  need.state = need.disclosed ? NeedState::WithGp : NeedState::Undisclosed;
  need.service = kNone;
  need.worker = kNone;
  need.gp = kNone;
  need.hops = 0;
  need.info_shared = false;
  need.reassessed = false;
  need.shared_plan = false;
  need.handler = kNoHandler;
  const double d = draw_exp_days(n, Purpose::Resolve, p_.resolution.return_days);
  push(now_ + std::max<sim::Minute>(1, sim::days(d)), kReturn, n);
}

void Replicate::take_from_queue(std::uint32_t s) {
  Service& sv = services_[s];
  while (sv.active < sv.capacity && !sv.queue.empty()) {
    const std::uint32_t next = sv.queue.front();
    sv.queue.pop_front();
    if (next == kBackgroundCase) start_background_case(s);
    else start_case(next);
  }
}

void Replicate::on_return(std::uint32_t n) {
  needs_[n].retry_at = now_;
  schedule_step(n);
}

void Replicate::close(std::uint32_t n, NeedState final_state) {
  Need& need = needs_[n];
  need.state = final_state;
  // Medicalised consultations: up to now; an abandoned or chronic need goes
  // on bringing its bearer back until it remits (pathway_visits.cpp).
  draw_visits(n, now_);
  if (final_state != NeedState::Resolved) visits_after_close(n);
  if (need.cohort) {
    const double days = sim::to_days((final_state == NeedState::Resolved ? now_ : horizon_) - need.onset);
    const bool eligible = need.onset <= horizon_ - sim::days(90);
    rec_.unmet_days += days;
    tally(need, Tally::UnmetDays, days);
    if (eligible) {
      rec_.eligible_90d += 1;
      tally(need, Tally::Eligible90d, 1);
    }
    switch (final_state) {
      case NeedState::Resolved:
        rec_.resolved += 1;
        rec_.days_to_resolution.push_back(static_cast<float>(days));
        rec_.resolution_category.push_back(
            Recorder::category_of(need.theme, residents_.precarious(need.resident), rurality_of(need.resident)));
        if (need.referred_at >= 0)
          rec_.days_referral_to_resolution.push_back(static_cast<float>(sim::to_days(now_ - need.referred_at)));
        tally(need, Tally::Resolved, 1);
        rec_.add_weekly(Weekly::NeedsResolved, now_, 1);
        if (eligible && days > 90) {
          rec_.unresolved_90d += 1;
          tally(need, Tally::Unresolved90d, 1);
        }
        break;
      case NeedState::Abandoned:
        rec_.abandoned += 1;
        tally(need, Tally::Abandoned, 1);
        if (eligible) {
          rec_.unresolved_90d += 1;
          tally(need, Tally::Unresolved90d, 1);
        }
        break;
      default:  // Chronic: still open at the horizon, with no pathway left
        rec_.open += 1;
        rec_.chronic += 1;
        tally(need, Tally::Open, 1);
        if (eligible) {
          rec_.unresolved_90d += 1;
          tally(need, Tally::Unresolved90d, 1);
        }
        break;
    }
  }
  if (final_state == NeedState::Chronic) ++chronic_alive_;
  need.epoch = 0;  // any event still pointing at this slot is stale
  needs_.release(n);
}

}  // namespace models
