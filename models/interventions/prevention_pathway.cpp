// `prevention_pathway`: the CCAS "Parcours Prévention Santé" (BRIEF.md,
// Privas). Precarious residents of the catchment register as partners adopt
// the pathway (word of mouth: ~18 months); once `group_size` have registered
// a date is fixed; some drop out before the bus leaves (at first 7-8 of 15
// left, later 15 of 18: drop-out falls as adoption ramps up); at most
// `pathways_per_year`. On the departure day the group has had its workshops
// (knowledge of rights rises) and goes to the health check, which finds the
// participants' needs that exist then and nobody knew of; the follow-up day
// helps book specialists, and at the hand-over the found needs go to the
// usual social worker (the right service). A need with a medical component
// waits for the specialist first (field: 9 months for an ophthalmologist).
// Needs arising after the check are not found. Cohort events: one at a time.
#include <algorithm>
#include <cmath>
#include <deque>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

enum Step : std::uint32_t { kRegister = 0, kDepart, kHandOver, kSpecialist };

struct PathwayParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double registration_rate = 0.04;
  double adoption_at_start = 0.35;
  int group_size = 15;
  int max_registered = 20;
  int pathways_per_year = 3;
  double lead_days = 14;
  double dropout_at_start = 0.5;
  double dropout_adopted = 0.17;
  double knowledge_gain = 0.3;
  double detection_prob = 1.0;
  double follow_up_days = 21;
  double specialist_wait_days = 120;
  double staff_hours_per_pathway = 70;
  double cost_per_pathway_eur = 2500;
};

struct Found {
  std::uint32_t need, serial;
  bool medical;
};

class PreventionPathway : public InterventionBase<PreventionPathway, PathwayParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "prevention_pathway"; }
  static const sim::ParamTable<PathwayParams>& table() {
    static const auto instance = [] {
      using P = PathwayParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      // The schedule by hand: adoption takes ~18 months (field), not 0.
      t.real("start_week", [](P& p) -> auto& { return p.schedule.start_week; }, 0, 0, 5200,
             M{"weeks", "start, counted from the beginning of the run", "assumed"});
      t.real("ramp_up_weeks", [](P& p) -> auto& { return p.schedule.ramp_up_weeks; }, 78, 0, 5200,
             M{"weeks", "partners' adoption and word of mouth", "field: CCAS Privas (~18 months)"});
      t.real("setup_cost_eur", [](P& p) -> auto& { return p.schedule.setup_cost_eur; }, 3000, 0, 1e10,
             M{"EUR", "building the partnership, leaflets", "assumed"});
      t.real("running_cost_eur_per_year", [](P& p) -> auto& { return p.schedule.running_cost_eur_per_year; }, 8000,
             0, 1e10, M{"EUR/year", "CCAS staff time: partners, registrations, hand-overs", "assumed"});
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities whose precarious residents may register", "assumed"});
      t.real("registration_rate", [](P& p) -> auto& { return p.registration_rate; }, 0.04, 0, 52,
             M{"per year", "registrations per precarious resident at full adoption",
               "assumed (field: ~18 registered, 2-3 pathways a year, Privas)"});
      t.real("adoption_at_start", [](P& p) -> auto& { return p.adoption_at_start; }, 0.35, 0, 1,
             M{"share", "registration rate at the start, as a share of full adoption", "assumed"});
      t.integer("group_size", [](P& p) -> auto& { return p.group_size; }, 15, 1, 1000,
                M{"people", "registrations before a date is fixed", "field: CCAS (~15)"});
      t.integer("max_registered", [](P& p) -> auto& { return p.max_registered; }, 20, 1, 1000,
                M{"people", "registered people one cohort takes (a bus)", "assumed (field: 18 seen)"});
      t.integer("pathways_per_year", [](P& p) -> auto& { return p.pathways_per_year; }, 3, 1, 52,
                M{"pathways", "at most per 52 weeks from the start", "field: CCAS (2-3 a year)"});
      t.real("lead_days", [](P& p) -> auto& { return p.lead_days; }, 14, 0, 365,
             M{"days", "from the date being fixed to the departure (workshops)", "assumed (Poitiers: check at day +7)"});
      t.real("dropout_at_start", [](P& p) -> auto& { return p.dropout_at_start; }, 0.5, 0, 1,
             M{"probability", "a registered person does not leave, before adoption", "field: 7-8 of 15 left"});
      t.real("dropout_adopted", [](P& p) -> auto& { return p.dropout_adopted; }, 0.17, 0, 1,
             M{"probability", "the same once adopted", "field: 15 of 18 left"});
      t.real("knowledge_gain", [](P& p) -> auto& { return p.knowledge_gain; }, 0.3, 0, 1,
             M{"0..1", "participants' knowledge of rights added by the workshops", "assumed"});
      t.real("detection_prob", [](P& p) -> auto& { return p.detection_prob; }, 1.0, 0, 1,
             M{"probability", "a participant's hidden need is found at the health check", "assumed (field: finds hidden needs)"});
      t.real("follow_up_days", [](P& p) -> auto& { return p.follow_up_days; }, 21, 0, 365,
             M{"days", "health check to follow-up day and hand-over", "field: a pathway lasts about a month"});
      t.real("specialist_wait_days", [](P& p) -> auto& { return p.specialist_wait_days; }, 120, 0, 3650,
             M{"days", "wait for a specialist before a medical-component need is handed over",
               "assumed (field: 270 for an ophthalmologist, the longest quoted)"});
      t.real("staff_hours_per_pathway", [](P& p) -> auto& { return p.staff_hours_per_pathway; }, 70, 0, 10000,
             M{"h", "social-worker time per pathway (workshops, bus day, follow-up)", "assumed"});
      t.real("cost_per_pathway_eur", [](P& p) -> auto& { return p.cost_per_pathway_eur; }, 2500, 0, 1e8,
             M{"EUR", "bus and health-check day per pathway", "assumed"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "prevention_pathway.catchment"); }

  void setup(Replicate& r, std::uint32_t self) override {
    self_ = self;
    std::vector<std::uint8_t> in(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "prevention_pathway.catchment")) in[l] = 1;
    const auto& res = r.residents();
    for (std::uint32_t i = 0; i < res.size(); ++i)
      if (res.precarious(i) && in[res.locality[i]]) pool_.push_back(i);
    member_.assign(res.size(), 0);
    r.schedule_intervention(sim::weeks(p_.schedule.start_week), self_, kRegister);
  }

  void on_event(Replicate& r, std::uint32_t aux) override {
    const std::uint32_t c = aux / 4;
    switch (aux % 4) {
      case kRegister: return on_register(r);
      case kDepart: return on_depart(r, c);
      case kHandOver: return on_hand_over(r, c);
      default:
        for (const auto& f : cohorts_[c])
          if (f.medical) hand_over(r, f);
    }
  }

  void report(const Replicate&, std::vector<std::pair<std::string, double>>& summary) const override {
    const double nan = std::nan("");
    summary.emplace_back("prevention_registrations", registrations_);
    summary.emplace_back("prevention_departures", departures_);
    summary.emplace_back("prevention_pathways", pathways_);
    summary.emplace_back("prevention_needs_found", found_);
    summary.emplace_back("prevention_needs_handed_over", handed_over_);
    // Whole-run checks of the mechanism (warm-up included).
    summary.emplace_back("prevention_min_registered", min_registered_ > 0 ? min_registered_ : nan);
    summary.emplace_back("prevention_max_pathways_in_a_year",
                         per_year_.empty() ? 0.0 : *std::max_element(per_year_.begin(), per_year_.end()));
    summary.emplace_back("prevention_first_departure_week", first_departure_week_);
    summary.emplace_back("prevention_first_dropout", dropout_.empty() ? nan : dropout_.front());
    summary.emplace_back("prevention_last_dropout", dropout_.empty() ? nan : dropout_.back());
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"prevention_registrations", "residents"},
        {"prevention_departures", "residents"},
        {"prevention_pathways", "pathways"},
        {"prevention_needs_found", "needs"},
        {"prevention_needs_handed_over", "needs"},
        {"prevention_min_registered", "residents"},
        {"prevention_max_pathways_in_a_year", "pathways"},
        {"prevention_first_departure_week", "week"},
        {"prevention_first_dropout", "share"},
        {"prevention_last_dropout", "share"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  // Weekly registrations: Poisson with the pool's rate scaled by adoption.
  void on_register(Replicate& r) {
    r.schedule_intervention(r.now() + sim::kMinutesPerWeek, self_, kRegister);
    auto& rng = r.stream(self_);
    const double ramp = p_.schedule.ramp(r.now());
    const double adoption = p_.adoption_at_start + (1.0 - p_.adoption_at_start) * ramp;
    const double mean = p_.registration_rate * static_cast<double>(pool_.size()) * adoption * 7.0 / 365.25;
    int k = 0;  // Poisson(mean) by inversion
    for (double prod = rng.uniform(), lim = std::exp(-mean); prod > lim; prod *= rng.uniform()) ++k;
    for (; k > 0 && !pool_.empty(); --k) {
      const auto i = static_cast<std::size_t>(rng.below(pool_.size()));
      waiting_.push_back(pool_[i]);
      pool_[i] = pool_.back();
      pool_.pop_back();
      if (r.measuring()) registrations_ += 1;
    }
    fix_date(r);
  }

  // Enough registrations and no pathway under way: a date, in the first
  // 52-week window from the start that still has room.
  void fix_date(Replicate& r) {
    if (busy_ || waiting_.size() < static_cast<std::size_t>(p_.group_size)) return;
    const sim::Minute start = sim::weeks(p_.schedule.start_week), year = sim::weeks(52);
    sim::Minute t = r.now() + sim::days(p_.lead_days);
    auto w = static_cast<std::size_t>((t - start) / year);
    for (; w < per_year_.size() && per_year_[w] >= p_.pathways_per_year; ++w)
      t = std::max(t, start + static_cast<sim::Minute>(w + 1) * year);
    if (per_year_.size() <= w) per_year_.resize(w + 1, 0);
    per_year_[w] += 1;
    busy_ = true;
    r.schedule_intervention(t, self_, static_cast<std::uint32_t>(cohorts_.size()) * 4 + kDepart);
    cohorts_.emplace_back();
  }

  // The bus leaves: drop-out, workshops, then the health check.
  void on_depart(Replicate& r, std::uint32_t c) {
    auto& rng = r.stream(self_);
    const double drop = p_.dropout_at_start + (p_.dropout_adopted - p_.dropout_at_start) * p_.schedule.ramp(r.now());
    const std::size_t registered = std::min(waiting_.size(), static_cast<std::size_t>(p_.max_registered));
    std::vector<std::uint32_t> group;
    for (std::size_t i = 0; i < registered; ++i) {
      const std::uint32_t res = waiting_.front();
      waiting_.pop_front();
      if (rng.bernoulli(drop)) {
        pool_.push_back(res);  // may register again later
        continue;
      }
      group.push_back(res);
      member_[res] = 1;
      r.set_rights_knowledge(res, std::min(1.0, unit(r.residents().knowledge[res]) + p_.knowledge_gain));
    }
    const auto n_reg = static_cast<double>(registered);
    min_registered_ = min_registered_ > 0 ? std::min(min_registered_, n_reg) : n_reg;
    dropout_.push_back(1.0 - static_cast<double>(group.size()) / n_reg);
    if (std::isnan(first_departure_week_)) first_departure_week_ = sim::to_days(r.now()) / 7.0;
    r.add_cost(p_.cost_per_pathway_eur);
    if (r.measuring()) {
      pathways_ += 1;
      departures_ += static_cast<double>(group.size());
    }
    // Needs that exist now and nobody outside knows of.
    r.for_each_open_need([&](std::uint32_t n) {
      const Need& need = r.need(n);
      if (!member_[need.resident] || need.state != NeedState::Undisclosed) return;
      if (p_.detection_prob < 1.0 && r.draw(n, Purpose::Intervention) >= p_.detection_prob) return;
      cohorts_[c].push_back(Found{n, need.serial, need.medical});
      if (r.measuring()) found_ += 1;
    });
    for (auto res : group) member_[res] = 0;  // participants do not come back
    r.schedule_intervention(r.now() + sim::days(p_.follow_up_days), self_, c * 4 + kHandOver);
  }

  void on_hand_over(Replicate& r, std::uint32_t c) {
    r.worker_time(p_.staff_hours_per_pathway * 60.0);
    bool medical = false;
    for (const auto& f : cohorts_[c]) {
      if (!f.medical) hand_over(r, f);
      medical = medical || f.medical;
    }
    if (medical) r.schedule_intervention(r.now() + sim::days(p_.specialist_wait_days), self_, c * 4 + kSpecialist);
    busy_ = false;
    fix_date(r);
  }

  // To the usual social worker, unless the need has closed or found its way
  // in the meantime.
  void hand_over(Replicate& r, const Found& f) {
    const Need& need = r.need(f.need);
    if (need.serial != f.serial || need.epoch == 0) return;
    if (need.state != NeedState::Undisclosed && need.state != NeedState::WithGp) return;
    if (r.measuring()) handed_over_ += 1;
    r.interrupt(f.need);
    r.refer(f.need, r.right_service(need.theme, r.locality_of(f.need)), true, kNone, kNone);
  }

  std::uint32_t self_ = 0;
  std::vector<std::uint32_t> pool_;   // precarious residents of the catchment who may register
  std::deque<std::uint32_t> waiting_; // registered, waiting for a departure
  std::vector<std::uint8_t> member_;  // in the cohort at the health check
  std::vector<std::vector<Found>> cohorts_;
  std::vector<int> per_year_;         // pathways per 52-week window
  std::vector<double> dropout_;       // per cohort
  bool busy_ = false;
  double registrations_ = 0, departures_ = 0, pathways_ = 0, found_ = 0, handed_over_ = 0;
  double min_registered_ = 0, first_departure_week_ = std::nan("");
};

}  // namespace

void register_prevention_pathway(InterventionRegistry& r) {
  r.add(make_type<PreventionPathway, PathwayParams>(
      "prevention_pathway", "CCAS health-prevention cohorts: workshops, health check, hand-over"));
}

}  // namespace models
