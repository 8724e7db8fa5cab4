// `meetings`: "speed-dating" evenings where GPs and social workers meet at
// ten thematic stands, then talks in the GPs' peer groups (BRIEF.md, La
// Louvière / Manage; thesis: "meet — information days, speed dating").
// Every `interval_weeks` from the start, GPs of the catchment and the workers
// of its services are invited; each comes with a probability that falls with
// every evening held (invitation fatigue: after 3 years the field's group ran
// out of steam). At the stands, an attending GP meets an attending worker of
// each theme visited: the tie is created or strengthened and the GP learns
// where to send that theme. A GP who stayed away may still hear a talk about
// it in their peer group. Attendance costs GP and worker time; each evening
// costs money.
#include <array>
#include <cmath>
#include <numeric>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

struct MeetingsParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double interval_weeks = 26;
  long evenings = 0;
  double gp_attend_prob = 0.22;
  double worker_attend_prob = 0.59;
  double gp_fatigue = 0.75;
  double worker_fatigue = 0.9;
  long stands_per_gp = 4;
  double trust_gain = 0.1;
  double evening_minutes = 150;
  double peer_talk_prob = 0.25;
  double talk_minutes = 15;
  double cost_per_evening_eur = 1500;
};

class Meetings : public InterventionBase<Meetings, MeetingsParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "meetings"; }
  static const sim::ParamTable<MeetingsParams>& table() {
    static const auto instance = [] {
      using P = MeetingsParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 0, 0, "assumed (the costs are per evening: cost_per_evening_eur)");
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities whose GPs and services are invited", "assumed"});
      t.real("interval_weeks", [](P& p) -> auto& { return p.interval_weeks; }, 26, 1, 5200,
             M{"weeks", "time between two evenings (the first at start_week)", "assumed"});
      t.integer("evenings", [](P& p) -> auto& { return p.evenings; }, 0, 0, 10000,
                M{"evenings", "evenings held (0: until the end of the run)", "assumed"});
      t.real("gp_attend_prob", [](P& p) -> auto& { return p.gp_attend_prob; }, 0.22, 0, 1,
             M{"probability", "an invited GP comes to the first evening",
               "field: 22 GPs at the launch evening, of ~100 GPs in the two communes (number assumed)"});
      t.real("worker_attend_prob", [](P& p) -> auto& { return p.worker_attend_prob; }, 0.59, 0, 1,
             M{"probability", "an invited social worker comes to the first evening",
               "field: 39 social actors at the launch evening, of ~66 workers in the preset (number assumed)"});
      t.real("gp_fatigue", [](P& p) -> auto& { return p.gp_fatigue; }, 0.75, 0, 1,
             M{"x per evening", "GP attendance multiplier for each evening already held",
               "field: after 3 years an evening drew 4 GPs (22 x 0.75^6 = 3.9, an evening every 26 weeks)"});
      t.real("worker_fatigue", [](P& p) -> auto& { return p.worker_fatigue; }, 0.9, 0, 1,
             M{"x per evening", "worker attendance multiplier for each evening already held",
               "assumed (field: chronic absences, mostly of GPs)"});
      t.integer("stands_per_gp", [](P& p) -> auto& { return p.stands_per_gp; }, 4, 0, 10,
                M{"stands", "thematic stands an attending GP visits (of the ten themes)",
                  "assumed (field: speed dating at ten thematic stands)"});
      t.real("trust_gain", [](P& p) -> auto& { return p.trust_gain; }, 0.1, 0, 1,
             M{"trust", "added to the tie with the worker met at a stand", "assumed"});
      t.real("evening_minutes", [](P& p) -> auto& { return p.evening_minutes; }, 150, 0, 1440,
             M{"min", "time of one evening for each attending GP (task coordination) and worker", "assumed"});
      t.real("peer_talk_prob", [](P& p) -> auto& { return p.peer_talk_prob; }, 0.25, 0, 1,
             M{"probability", "an invited GP who stayed away hears a talk in their peer group (learns one theme)",
               "assumed (field: talks in GP peer groups, attended at least twice a year)"});
      t.real("talk_minutes", [](P& p) -> auto& { return p.talk_minutes; }, 15, 0, 600,
             M{"min", "GP time of one peer-group talk (task coordination)", "assumed"});
      t.real("cost_per_evening_eur", [](P& p) -> auto& { return p.cost_per_evening_eur; }, 1500, 0, 1e9,
             M{"EUR", "room, catering, material and organisation of one evening", "assumed"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "meetings.catchment"); }

  void setup(Replicate& r, std::uint32_t self) override {
    self_ = self;
    std::vector<std::uint8_t> in_loc(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "meetings.catchment")) in_loc[l] = 1;
    for (std::uint32_t g = 0; g < r.gps().size(); ++g)
      if (in_loc[r.gps()[g].locality]) gps_.push_back(g);
    for (std::uint32_t w = 0; w < r.workers().size(); ++w)
      if (in_loc[r.setting().services[r.workers()[w].service].locality]) workers_.push_back(w);
    r.schedule_intervention(sim::weeks(p_.schedule.start_week), self_, 0);
  }

  // Evening number k (0-based).
  void on_event(Replicate& r, std::uint32_t k) override {
    sim::Stream& rng = r.stream(self_);
    const double pg = p_.gp_attend_prob * std::pow(p_.gp_fatigue, k);
    const double pw = p_.worker_attend_prob * std::pow(p_.worker_fatigue, k);
    // Who comes: one draw per invited person, so that attendance
    // probabilities do not reshuffle the rest of the evening.
    std::array<std::vector<std::uint32_t>, kThemes> stand;  // attending workers per theme
    double workers_in = 0;
    for (std::uint32_t w : workers_) {
      if (rng.uniform() >= pw) continue;
      workers_in += 1;
      r.worker_time(p_.evening_minutes);
      for (std::size_t t = 0; t < kThemes; ++t)
        if (r.setting().services[r.workers()[w].service].themes.test(t)) stand[t].push_back(w);
    }
    double gps_in = 0;
    std::array<std::uint32_t, kThemes> order{};
    std::array<double, kThemes> pick{};
    const auto visits = static_cast<std::size_t>(p_.stands_per_gp);
    for (std::uint32_t g : gps_) {
      const bool comes = rng.uniform() < pg;
      // Stands in a random order (partial shuffle) and the worker met at
      // each, drawn whether or not the GP comes, to keep the draw count fixed.
      std::iota(order.begin(), order.end(), 0u);
      for (std::size_t i = 0; i < visits; ++i) {
        std::swap(order[i], order[i + rng.below(kThemes - i)]);
        pick[i] = rng.uniform();
      }
      const double u_talk = rng.uniform();
      const auto talk_theme = static_cast<Theme>(rng.below(kThemes));
      if (comes) {
        gps_in += 1;
        r.gp_time(GpTask::Coordination, p_.evening_minutes);
        for (std::size_t i = 0; i < visits; ++i) {
          const auto& at = stand[order[i]];
          if (at.empty()) continue;  // nobody at this stand: nothing to learn
          const std::uint32_t w = at[static_cast<std::size_t>(pick[i] * static_cast<double>(at.size()))];
          ties_touched_ += 1;
          r.strengthen_tie(g, w, p_.trust_gain);
          teach(r, g, static_cast<Theme>(order[i]));
        }
      } else if (workers_in > 0 && u_talk < p_.peer_talk_prob) {  // something to tell
        r.gp_time(GpTask::Coordination, p_.talk_minutes);
        teach(r, g, talk_theme);
      }
    }
    r.add_cost(p_.cost_per_evening_eur);
    if (k == 0) first_ = {gps_in, workers_in};
    last_gps_ = gps_in;
    held_ += 1;
    gp_attendances_ += gps_in;
    worker_attendances_ += workers_in;
    if (p_.evenings == 0 || k + 1 < static_cast<std::uint32_t>(p_.evenings))
      r.schedule_intervention(r.now() + sim::weeks(p_.interval_weeks), self_, k + 1);
  }

  void report(const Replicate&, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("meetings_first_gps", first_[0]);
    out.emplace_back("meetings_first_workers", first_[1]);
    out.emplace_back("meetings_last_gps", last_gps_);
    out.emplace_back("meetings_evenings", held_);
    out.emplace_back("meetings_gp_attendances", gp_attendances_);
    out.emplace_back("meetings_worker_attendances", worker_attendances_);
    out.emplace_back("meetings_ties_touched", ties_touched_);
    out.emplace_back("meetings_themes_learned", themes_learned_);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"meetings_first_gps", "GPs"},
        {"meetings_first_workers", "workers"},
        {"meetings_last_gps", "GPs"},
        {"meetings_evenings", "meetings"},
        {"meetings_gp_attendances", "attendances"},
        {"meetings_worker_attendances", "attendances"},
        {"meetings_ties_touched", "ties"},
        {"meetings_themes_learned", "themes"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  void teach(Replicate& r, std::uint32_t g, Theme t) {
    if (!(r.gps()[g].knows & (1u << idx(t)))) themes_learned_ += 1;
    r.learn(g, t);
  }

  std::uint32_t self_ = 0;
  std::vector<std::uint32_t> gps_, workers_;  // invited
  std::array<double, 2> first_ = {std::nan(""), std::nan("")};  // GPs, workers at the first evening
  double last_gps_ = std::nan("");
  double held_ = 0, gp_attendances_ = 0, worker_attendances_ = 0, ties_touched_ = 0, themes_learned_ = 0;
};

}  // namespace

void register_meetings(InterventionRegistry& r) {
  r.add(make_type<Meetings, MeetingsParams>(
      "meetings", "speed-dating evenings at thematic stands and peer-group talks: ties, knowledge, fatigue"));
}

}  // namespace models
