// Medicalised consultations (MODEL.md §4, last paragraphs): an unresolved
// need keeps bringing its bearer back to the GP, more often as urgency rises,
// in whatever state it is, until it is resolved or remits.
//
// While the need waits on the GP's step process (undisclosed, or with the
// GP after a refusal) those visits are among the step's competing events
// (pathway_gp.cpp). Away from it — on the way to a door, on the phone
// list, queued, in a case, waiting to come back, or held by an intervention —
// they are a Poisson process at the same rate, drawn without events: when
// the need comes back to the step process, changes urgency or closes, the
// visits of the time away are drawn at once from the need's own Visit stream
// (common random numbers: no other purpose's draws move) and recorded at
// their own minutes. A need closed as abandoned or chronic goes on bringing
// its bearer back until it remits (spontaneous resolution rate) or the
// horizon, drawn at the close. Cost: no event, about one draw per visit.
#include <algorithm>
#include <cmath>

#include "models/replicate.hpp"

namespace models {
namespace {
constexpr double kMinutesPerYear = 365.25 * sim::kMinutesPerDay;
}

void Replicate::draw_visits(std::uint32_t n, sim::Minute until) {
  Need& need = needs_[n];
  const sim::Minute from = need.visit_from;
  need.visit_from = -1;
  if (from < 0 || until <= from || residents_.gp[need.resident] == kNone) return;
  const double rate = p_.residents.extra_visits_per_year_per_urgency * need.urgency / kMinutesPerYear;
  if (rate <= 0) return;
  const sim::Minute end = std::min(until, horizon_);
  double t = static_cast<double>(from);
  for (;;) {
    t += -std::log1p(-draw(n, Purpose::Visit)) / rate;
    if (t >= static_cast<double>(end)) break;
    const auto at = static_cast<sim::Minute>(t);
    if (!rec_.measuring(at)) continue;
    rec_.medicalised_consultations += 1;
    gp_minutes_at(n, GpTask::Medicalised, p_.gp.consult_minutes, at);
  }
}

void Replicate::visits_after_close(std::uint32_t n) {
  const double remit = p_.needs.spontaneous_resolution_per_year;
  sim::Minute until = horizon_;
  if (remit > 0) {
    const double minutes = -std::log1p(-draw(n, Purpose::Visit)) / remit * kMinutesPerYear;
    if (minutes < static_cast<double>(horizon_ - now_)) until = now_ + static_cast<sim::Minute>(minutes);
  }
  needs_[n].visit_from = now_;
  draw_visits(n, until);
}

}  // namespace models
