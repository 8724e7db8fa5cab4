// `sector_merge`: the sector centres of one employer merged into a few
// "solidarity houses" (BRIEF.md, thesis: ~20 sector social centres around
// Nancy reorganised into ~3 houses — clearer for GPs, but more missions and
// travel per social worker).
//
// Structure (adapt_setting): the employer's sector-level services are grouped
// by geography into `houses` houses — a deterministic population-weighted
// k-medoids on road travel times between the old centres — each covering the
// union of its sectors, handling the union of their themes ("more
// missions"), with their FTE summed (x staff_change), located at the most
// populous locality it covers. Fewer wrong-sector redirects then emerge from
// the pathway itself: bigger sectors are missed less often.
// Travel (setup, on_case_end): each case of a house costs the worker the
// round trips the merge adds — (house→home minus old centre→home) x 2 x
// home visits per case — recorded as worker time; the same minutes lower the
// open cases a house can carry (case minutes / (case minutes + travel)).
// The merge is structural for the whole run: start_week must be 0 (compare a
// merged and an unmerged territory as two scenarios; the warm-up lets queues
// settle). The old centre of a locality is taken as its territory sector's
// most populous locality, where `per = "sector"` presets place it.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

// Houses are recognised by name in setup (the setting has no other mark).
constexpr std::string_view kHousePrefix = "Solidarity house ";

struct MergeParams {
  Schedule schedule;
  Employer employer = Employer::Departement;
  int houses = 3;
  double staff_change = 1.0;
  double home_visits_per_case = 1.0;
};

// Most populous locality covered (ties: lowest index), as setting.cpp places a
// sector's centre.
std::uint32_t most_populous(const sim::Territory& terr, const std::vector<std::uint8_t>& covers) {
  std::uint32_t best = kNone;
  for (std::uint32_t l = 0; l < covers.size(); ++l)
    if (covers[l] && (best == kNone || terr.locality(l).population > terr.locality(best).population)) best = l;
  return best;
}

// Population-weighted k-medoids on travel minutes: greedy build, then
// alternate (assign, re-centre) until stable. Returns each sector's cluster.
std::vector<std::size_t> cluster(const sim::Territory& terr, const std::vector<std::uint32_t>& loc,
                                 const std::vector<double>& weight, std::size_t k) {
  const std::size_t n = loc.size();
  auto d = [&](std::size_t i, std::size_t j) { return static_cast<double>(terr.travel_minutes(loc[i], loc[j])); };
  std::vector<std::size_t> med;
  std::vector<double> best(n, 1e300);
  while (med.size() < k) {
    std::size_t pick = n;
    double pick_cost = 0;
    for (std::size_t c = 0; c < n; ++c) {
      if (std::find(med.begin(), med.end(), c) != med.end()) continue;
      double cost = 0;
      for (std::size_t i = 0; i < n; ++i) cost += weight[i] * std::min(best[i], d(i, c));
      if (pick == n || cost < pick_cost) {
        pick = c;
        pick_cost = cost;
      }
    }
    med.push_back(pick);
    for (std::size_t i = 0; i < n; ++i) best[i] = std::min(best[i], d(i, pick));
  }
  std::vector<std::size_t> of(n, 0);
  for (int iter = 0; iter < 100; ++iter) {
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t b = 0;
      for (std::size_t m = 1; m < k; ++m)
        if (d(i, med[m]) < d(i, med[b])) b = m;
      of[i] = b;
    }
    for (std::size_t m = 0; m < k; ++m) of[med[m]] = m;  // a medoid stays in its own cluster
    bool moved = false;
    for (std::size_t m = 0; m < k; ++m) {
      std::size_t arg = med[m];
      double low = 1e300;
      for (std::size_t c = 0; c < n; ++c) {
        if (of[c] != m) continue;
        double cost = 0;
        for (std::size_t i = 0; i < n; ++i)
          if (of[i] == m) cost += weight[i] * d(i, c);
        if (cost < low - 1e-9) {
          arg = c;
          low = cost;
        }
      }
      moved = moved || arg != med[m];
      med[m] = arg;
    }
    if (!moved) break;
  }
  return of;
}

class SectorMerge : public InterventionBase<SectorMerge, MergeParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "sector_merge"; }
  static const sim::ParamTable<MergeParams>& table() {
    static const auto instance = [] {
      using P = MergeParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      // The schedule by hand: structural (start 0, no ramp), and the running
      // cost may be negative (premises saved).
      // Read over the common range, so that check() can say why only 0 is honoured.
      t.real("start_week", [](P& p) -> auto& { return p.schedule.start_week; }, 0, 0, 5200,
             M{"weeks", "must be 0: the merge is structural for the whole run", "assumed"});
      t.real("ramp_up_weeks", [](P& p) -> auto& { return p.schedule.ramp_up_weeks; }, 0, 0, 0,
             M{"weeks", "must be 0: the houses open at once", "assumed"});
      t.real("setup_cost_eur", [](P& p) -> auto& { return p.schedule.setup_cost_eur; }, 250000, 0, 1e10,
             M{"EUR", "reorganisation: moves, fit-out, signage", "assumed"});
      t.real("running_cost_eur_per_year", [](P& p) -> auto& { return p.schedule.running_cost_eur_per_year; }, 0,
             -1e10, 1e10, M{"EUR/year", "running cost; negative: premises saved", "assumed"});
      std::vector<std::pair<std::string, Employer>> employers;
      for (std::size_t i = 0; i < kEmployers; ++i) employers.emplace_back(kEmployerNames[i], static_cast<Employer>(i));
      t.choice("employer", [](P& p) -> auto& { return p.employer; }, Employer::Departement, employers,
               M{"", "employer whose sector centres merge", "field: thesis (the département)"});
      t.integer("houses", [](P& p) -> auto& { return p.houses; }, 3, 1, 10000,
                M{"houses", "solidarity houses after the merge", "field: thesis (~20 centres into ~3)"});
      t.real("staff_change", [](P& p) -> auto& { return p.staff_change; }, 1.0, 0.01, 100,
             M{"factor", "house FTE = sum of its centres' FTE x this", "assumed"});
      t.real("home_visits_per_case", [](P& p) -> auto& { return p.home_visits_per_case; }, 1.0, 0, 100,
             M{"visits", "worker trips to the person's home per case", "assumed"});
      return t;
    }();
    return instance;
  }

  static std::string week_text(double w) {
    std::ostringstream o;
    o << w;
    return o.str();
  }
  void check(const Setting& s) const override {
    if (p_.schedule.start_week != 0)
      throw sim::InputError("", 0, 0,
                            "sector_merge.start_week = " + week_text(p_.schedule.start_week) +
                                ": the merge changes the territory itself, for the whole run, and cannot start later; "
                                "set start_week = 0 and compare a merged and an unmerged territory as two scenarios");
    Setting probe = s;
    adapt_setting(probe);  // every centre and house it names
  }

  bool adapts_setting() const override { return true; }
  void adapt_setting(Setting& s) const override {
    const auto& terr = s.territory;
    // Sectors: the employer's services that do not cover the whole territory,
    // grouped by coverage (a house hosts every sector-level service).
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < s.services.size(); ++i) {
      const auto& sv = s.services[i];
      if (sv.employer != p_.employer || std::all_of(sv.covers.begin(), sv.covers.end(), [](auto c) { return c != 0; }))
        continue;
      auto same = std::find_if(members.begin(), members.end(),
                               [&](const auto& m) { return s.services[m.front()].covers == sv.covers; });
      if (same == members.end()) members.push_back({i});
      else same->push_back(i);
    }
    // More houses than sectors (or none: e.g. no département in Belgium):
    // each sector stays its own house; sector_merge_houses reports it.
    const auto k = std::min(static_cast<std::size_t>(p_.houses), members.size());
    if (k == 0) return;
    std::vector<std::uint32_t> loc;
    std::vector<double> weight;
    for (const auto& m : members) {
      loc.push_back(s.services[m.front()].locality);
      double pop = 0;
      for (std::size_t l = 0; l < terr.size(); ++l)
        if (s.services[m.front()].covers[l]) pop += terr.locality(l).population;
      weight.push_back(pop);
    }
    const auto of = cluster(terr, loc, weight, k);
    // Houses in the order of their first old centre, so that houses = number
    // of sectors reproduces the original setting.
    std::vector<std::size_t> order;
    for (std::size_t g = 0; g < members.size(); ++g)
      if (std::find(order.begin(), order.end(), of[g]) == order.end()) order.push_back(of[g]);
    std::vector<ServiceSpec> houses;
    std::vector<std::uint8_t> merged(s.services.size(), 0);
    for (std::size_t c : order) {
      ServiceSpec h;
      h.employer = p_.employer;
      h.covers.assign(terr.size(), 0);
      h.fte = 0;
      bool first = true;
      for (std::size_t g = 0; g < members.size(); ++g) {
        if (of[g] != c) continue;
        for (std::size_t i : members[g]) {
          const auto& sv = s.services[i];
          if (first) h.hours = sv.hours;  // the first centre's opening hours
          first = false;
          for (std::size_t l = 0; l < terr.size(); ++l) h.covers[l] |= sv.covers[l];
          h.themes |= sv.themes;
          h.fte += sv.fte;
          merged[i] = 1;
        }
      }
      h.fte *= p_.staff_change;
      h.locality = most_populous(terr, h.covers);
      h.name = std::string(kHousePrefix) + terr.locality(h.locality).name;
      houses.push_back(std::move(h));
    }
    // The houses take the place of the first merged centre.
    std::vector<ServiceSpec> out;
    for (std::size_t i = 0; i < s.services.size(); ++i) {
      if (!merged[i]) {
        out.push_back(std::move(s.services[i]));
      } else if (!houses.empty()) {
        for (auto& h : houses) out.push_back(std::move(h));
        houses.clear();
      }
    }
    s.services = std::move(out);
  }

  void setup(Replicate& r, std::uint32_t) override {
    const auto& s = r.setting();
    const auto& terr = s.territory;
    // The old centre of each locality: its sector's most populous locality.
    std::vector<std::uint32_t> old(terr.size());
    for (int sec = 0; sec < terr.sector_count(); ++sec) {
      std::vector<std::uint8_t> cov(terr.size(), 0);
      for (auto l : terr.localities_in_sector(sec)) cov[l] = 1;
      const std::uint32_t c = most_populous(terr, cov);
      for (auto l : terr.localities_in_sector(sec)) old[l] = c;
    }
    house_.assign(s.services.size(), 0);
    extra_.assign(terr.size(), 0.0);
    const auto& w = r.params().worker;
    for (std::uint32_t i = 0; i < s.services.size(); ++i) {
      const auto& sv = s.services[i];
      if (sv.employer != p_.employer || sv.name.rfind(kHousePrefix, 0) != 0) continue;
      house_[i] = 1;
      ++houses_;
      double travel = 0, pop = 0, case_minutes = 0, themes = 0;
      for (std::uint32_t l = 0; l < terr.size(); ++l) {
        if (!sv.covers[l]) continue;
        const double added = std::max(0.0, static_cast<double>(terr.travel_minutes(sv.locality, l)) -
                                               static_cast<double>(terr.travel_minutes(old[l], l)));
        extra_[l] = 2.0 * added * p_.home_visits_per_case;
        travel += extra_[l] * terr.locality(l).population;
        pop += terr.locality(l).population;
      }
      for (std::size_t t = 0; t < kThemes; ++t)
        if (sv.themes.test(t)) case_minutes += w.case_minutes[t], themes += 1;
      // Travel takes the time of case work: fewer open cases at once.
      const double cm = themes > 0 ? case_minutes / themes : 0.0;
      const double mean_travel = pop > 0 ? travel / pop : 0.0;
      const double factor = cm + mean_travel > 0 ? cm / (cm + mean_travel) : 1.0;
      r.set_capacity(i, static_cast<std::uint32_t>(std::lround(sv.fte * w.caseload_per_fte * factor)));
    }
  }

  void on_case_end(Replicate& r, std::uint32_t n, bool) override {
    const Need& need = r.need(n);
    if (need.service == kNone || !house_[need.service]) return;
    const double minutes = extra_[r.locality_of(n)];
    r.worker_time(minutes);
    if (r.measuring()) travel_minutes_ += minutes;
  }

  void report(const Replicate&, std::vector<std::pair<std::string, double>>& summary) const override {
    summary.emplace_back("sector_merge_houses", houses_);
    summary.emplace_back("sector_merge_travel_minutes", travel_minutes_);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"sector_merge_houses", "houses"},
        {"sector_merge_travel_minutes", "min"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  std::vector<std::uint8_t> house_;  // per service
  std::vector<double> extra_;        // per locality: added worker minutes per case
  double houses_ = 0;
  double travel_minutes_ = 0;
};

}  // namespace

void register_sector_merge(InterventionRegistry& r) {
  r.add(make_type<SectorMerge, MergeParams>(
      "sector_merge", "sector centres merged into a few solidarity houses: fewer redirects, more travel"));
}

}  // namespace models
