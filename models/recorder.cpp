#include "models/recorder.hpp"

namespace models {

void Recorder::init(sim::Minute warmup, sim::Minute horizon_end) {
  warmup_end = warmup;
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
