// Cases from outside the simulated pathway (MODEL.md §3: services are busy
// in the field). Social services serve people the simulated pathway does not
// follow — walk-ins, other agencies' referrals, statutory work — and these
// take the same places and the same intake queue as the pathway's needs, so
// that waits to a first appointment come from real queues and an option that
// adds demand, or removes staff, meets them. Each service receives them as a
// Poisson stream (worker.background_cases_per_fte x FTE open cases on
// average if nothing else were there, by Little's law over
// worker.background_case_days), from its own random stream, the same in
// every scenario of a replicate; each case holds a place and a worker for an
// exponential duration and costs worker.background_case_minutes.
#include <algorithm>
#include <cmath>

#include "models/replicate.hpp"

namespace models {

void Replicate::start_background() {
  background_rng_.clear();
  const double per_minute = p_.worker.background_case_days > 0
                                ? 1.0 / (p_.worker.background_case_days * sim::kMinutesPerDay) : 0.0;
  for (std::uint32_t s = 0; s < services_.size(); ++s) {
    background_rng_.emplace_back(spec_.seed, s, "background");
    Service& sv = services_[s];
    sv.background_rate = p_.worker.background_cases_per_fte * setting_.services[s].fte * per_minute;
    if (sv.background_rate <= 0 || sv.workers == 0) continue;
    const double gap = background_rng_[s].exponential(sv.background_rate);
    queue_.push(std::max<sim::Minute>(1, static_cast<sim::Minute>(gap)), kBackgroundArrival, s);
  }
}

void Replicate::on_background_arrival(std::uint32_t s) {
  Service& sv = services_[s];
  const double gap = background_rng_[s].exponential(sv.background_rate);
  queue_.push(now_ + std::max<sim::Minute>(1, static_cast<sim::Minute>(gap)), kBackgroundArrival, s);
  if (sv.active < sv.capacity && sv.queue.empty()) return start_background_case(s);
  sv.queue.push_back(kBackgroundCase);
}

void Replicate::start_background_case(std::uint32_t s) {
  Service& sv = services_[s];
  ++sv.active;
  const std::uint32_t w = pick_worker(s, kNone);
  ++workers_[w].active;
  if (rec_.measuring(now_)) {
    rec_.background_cases += 1;
    rec_.background_minutes += p_.worker.background_case_minutes;
    rec_.worker_minutes += p_.worker.background_case_minutes;
  }
  const double days = background_rng_[s].exponential(1.0 / std::max(1e-9, p_.worker.background_case_days));
  queue_.push(now_ + std::max<sim::Minute>(1, sim::days(days)), kBackgroundEnd, s, 0, w);
}

void Replicate::on_background_end(std::uint32_t s, std::uint32_t w) {
  --services_[s].active;
  --workers_[w].active;
  take_from_queue(s);
}

}  // namespace models
