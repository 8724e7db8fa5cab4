#include "models/recorder.hpp"

namespace models {

void Recorder::init(sim::Minute warmup, sim::Minute horizon_end, std::size_t localities, std::size_t services) {
  warmup_end = warmup;
  by_locality.assign(localities, {});
  gp_weeks_with_contact = 0;
  gp_contact_week.clear();
  service_occupancy.assign(services, 0.0);
  service_queue.assign(services, 0.0);
  service_wait_days.assign(services, 0.0);
  service_first_appointments.assign(services, 0.0);
  horizon = horizon_end;
  weeks = static_cast<int>((horizon - warmup_end + sim::kMinutesPerWeek - 1) / sim::kMinutesPerWeek);
  for (auto& w : weekly) w.assign(static_cast<std::size_t>(weeks), 0.0);
}

double Recorder::gp_minutes_total() const {
  double s = 0;
  for (double m : gp_minutes) s += m;
  return s;
}

}  // namespace models
