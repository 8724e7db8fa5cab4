// Forking a replicate from a shared warm-up (issue 15). With common random
// numbers keyed per need, every scenario whose interventions are attached at
// the fork point has, up to it, exactly the baseline's state: it is
// computed once per replicate and copied for each scenario. A fork copies
// every member but the interventions (it attaches its own) and takes a
// private copy of the setting, as a replicate built with interventions does
// (shared_premises moves services in it). The identity with a full run is
// checked by tests/models/test_fork.cpp on every shipped experiment.
#include <chrono>

#include "models/replicate.hpp"

namespace models {

Replicate::Replicate(const Replicate& warm, const InterventionList& interventions)
    : own_setting_(interventions.empty() ? nullptr : std::make_unique<Setting>(warm.setting_)),
      setting_(own_setting_ ? *own_setting_ : warm.setting_),
      p_(warm.p_),
      spec_(warm.spec_),
      horizon_(warm.horizon_),
      now_(warm.now_),
      purpose_keys_(warm.purpose_keys_),
      residents_(warm.residents_),
      gps_(warm.gps_),
      services_(warm.services_),
      workers_(warm.workers_),
      ties_(warm.ties_),
      hours_(warm.hours_),
      overlap_(warm.overlap_),
      right_service_(warm.right_service_),
      by_theme_(warm.by_theme_),
      partner_order_(warm.partner_order_),
      covering_(warm.covering_),
      covering_built_(warm.covering_built_),
      nearby_(warm.nearby_),
      mean_trust_(warm.mean_trust_),
      practice_worker_(warm.practice_worker_),
      background_rng_(warm.background_rng_),
      registered_(warm.registered_),
      onset_weights_(warm.onset_weights_),
      onset_rate_per_minute_(warm.onset_rate_per_minute_),
      onset_clock_(warm.onset_clock_),
      onset_rng_(warm.onset_rng_),
      queue_(warm.queue_),
      needs_(warm.needs_),
      next_serial_(warm.next_serial_),
      next_epoch_(warm.next_epoch_),
      events_(warm.events_),
      background_events_(warm.background_events_),
      chronic_alive_(warm.chronic_alive_),
      rec_(warm.rec_) {
  attach(interventions);
}

std::unique_ptr<Replicate> Replicate::warm_up(const Setting& setting, const ModelParams& params, const RunSpec& spec) {
  auto r = std::make_unique<Replicate>(setting, params, spec);
  const sim::Minute fork = std::min(sim::weeks(spec.attach_week), r->horizon_);
  r->begin();
  r->advance(fork);
  r->now_ = fork;
  return r;
}

ReplicateResult Replicate::run_forked(const Replicate& warm, const InterventionList& interventions) {
  const auto t0 = std::chrono::steady_clock::now();
  Replicate r(warm, interventions);
  const double copy = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r.complete(copy);
}

bool Replicate::forkable(const InterventionList& interventions, double fork_week) {
  if (fork_week <= 0) return false;
  for (const auto& iv : interventions)
    if (iv->schedule().start_week < fork_week || iv->adapts_setting()) return false;
  return true;
}

}  // namespace models
