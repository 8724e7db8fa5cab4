#include "models/intervention.hpp"

#include <algorithm>

#include "sim/input_error.hpp"

namespace models {

double Schedule::ramp(sim::Minute now) const {
  const sim::Minute start = sim::weeks(start_week);
  if (now < start) return 0;
  if (ramp_up_weeks <= 0) return 1;
  return std::min(1.0, static_cast<double>(now - start) / static_cast<double>(sim::weeks(ramp_up_weeks)));
}

double Schedule::cost(sim::Minute from, sim::Minute to) const {
  const sim::Minute start = sim::weeks(start_week);
  double c = 0;
  if (start < to) c += setup_cost_eur;  // a set-up paid before the window still counts
  const sim::Minute a = std::max(from, start);
  if (to > a) c += running_cost_eur_per_year * size * sim::to_days(to - a) / 365.25;
  return c;
}

void InterventionRegistry::add(InterventionType t) {
  if (find(t.name)) throw std::logic_error("intervention registered twice: " + t.name);
  types_.push_back(std::move(t));
}

const InterventionType* InterventionRegistry::find(std::string_view name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> InterventionRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t.name);
  return out;
}

std::vector<std::uint32_t> resolve_localities(const Setting& s, const std::vector<std::string>& names,
                                              const std::string& what) {
  std::vector<std::uint32_t> out;
  if (names.empty() || (names.size() == 1 && names[0] == "all")) {
    for (std::uint32_t i = 0; i < s.territory.size(); ++i) out.push_back(i);
    return out;
  }
  std::vector<std::string> valid;
  for (const auto& l : s.territory.localities()) valid.push_back(l.name);
  for (const auto& n : names) {
    auto i = s.territory.find(n);
    if (!i) throw sim::InputError("", 0, 0, what + ": " + sim::unknown_key_message("locality", n, valid));
    out.push_back(static_cast<std::uint32_t>(*i));
  }
  return out;
}

}  // namespace models
