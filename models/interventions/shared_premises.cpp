// `shared_premises`: chosen GPs and social services under one roof — an
// integrated social-health centre or a health house (BRIEF.md, "Brussels —
// integrated social-health centres"; the thesis on health houses).
// Under one roof, a GP and a worker who know each other meet in the
// corridor (no phone, no hours mismatch), and a structured shared care plan
// is the rule inside the structure. But "under one roof is no guarantee":
// only the intersectoral dynamic — joint days when all services close,
// "walk in my shoes" exchanges, a case-review group — makes them know each
// other, teaches the GPs what the house's services do, and lets them take
// on complex cases together. Without it the house is a polyclinic: only
// ties that already exist get the corridor. Access (footfall, stairs)
// shapes who comes to the house's locality services of their own accord.
#include <algorithm>
#include <numeric>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

enum class Public : std::uint8_t { All, Marginal };
enum Aux : std::uint32_t { kJointDay = 0, kReview = 1, kOpen = 2 };

struct HouseParams {
  Schedule schedule;
  std::string locality;
  int gps = 0;
  std::vector<std::string> services;
  bool dynamic = true;
  double joint_days_per_year = 2;
  double joint_day_minutes = 420;
  double joint_day_trust_gain = 0.15;
  double joint_day_learn_prob = 0.5;
  double reviews_per_year = 10;
  double review_minutes = 120;
  double review_attendance = 0.6;
  double review_trust_gain = 0.05;
  double complex_case_bonus = 0.05;
  double self_referral_factor = 1.3;
  Public audience = Public::All;
};

class SharedPremises : public InterventionBase<SharedPremises, HouseParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "shared_premises"; }
  static const sim::ParamTable<HouseParams>& table() {
    static const auto instance = [] {
      using P = HouseParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 250000, 60000, "assumed (fitting out premises; rent and running of the common structure)");
      t.text("locality", [](P& p) -> auto& { return p.locality; }, "",
             [](const std::string& s) { return s.empty() ? std::string("expected a locality name") : std::string(); },
             "a locality name", M{"", "where the house stands (default: the most populous locality)", "field: Brussels, the neighbourhood is the right scale"});
      t.integer("gps", [](P& p) -> auto& { return p.gps; }, 0, 0, 100000,
                M{"GPs", "GPs in the house: 0 = those practising in the locality, else that many nearest", "assumed"});
      t.strings("services", [](P& p) -> auto& { return p.services; }, {}, nullptr, "service names",
                M{"", "services moving in (empty: those located in the locality)", "field: Brussels, 4-5 partner services"});
      t.boolean("dynamic", [](P& p) -> auto& { return p.dynamic; }, true,
                M{"", "intersectoral dynamic: joint days and a case-review group", "field: Brussels, what works is an intersectoral dynamic"});
      t.real("joint_days_per_year", [](P& p) -> auto& { return p.joint_days_per_year; }, 2, 0, 52,
             M{"1/year", "days when all services close to spend the day together", "field: Brussels, two days a year"});
      t.real("joint_day_minutes", [](P& p) -> auto& { return p.joint_day_minutes; }, 420, 0, 1440,
             M{"min", "time of a joint day, per participant", "assumed (a working day)"});
      t.real("joint_day_trust_gain", [](P& p) -> auto& { return p.joint_day_trust_gain; }, 0.15, 0, 1,
             M{"0-1", "trust gained by each house GP-worker pair on a joint day", "assumed"});
      t.real("joint_day_learn_prob", [](P& p) -> auto& { return p.joint_day_learn_prob; }, 0.5, 0, 1,
             M{"probability", "a GP learns, per theme of the house's services, where to send on a joint day",
               "assumed (field: 'walk in my shoes' exchange days)"});
      t.real("reviews_per_year", [](P& p) -> auto& { return p.reviews_per_year; }, 10, 0, 365,
             M{"1/year", "meetings of the case-based 'trajectories' group", "assumed (field: a case-based working group)"});
      t.real("review_minutes", [](P& p) -> auto& { return p.review_minutes; }, 120, 0, 1440,
             M{"min", "one case-review meeting, per participant", "assumed"});
      t.real("review_attendance", [](P& p) -> auto& { return p.review_attendance; }, 0.6, 0, 1,
             M{"probability", "a house GP or worker attends a case review", "assumed"});
      t.real("review_trust_gain", [](P& p) -> auto& { return p.review_trust_gain; }, 0.05, 0, 1,
             M{"0-1", "trust gained by each attending GP-worker pair at a case review", "assumed"});
      t.real("complex_case_bonus", [](P& p) -> auto& { return p.complex_case_bonus; }, 0.05, 0, 1,
             M{"probability", "added resolution of a medico-social case between a house GP and a house worker, with the dynamic",
               "assumed (field: they take on complex cases they would not dare alone)"});
      t.real("self_referral_factor", [](P& p) -> auto& { return p.self_referral_factor; }, 1.3, 0, 10,
             M{"x", "self-referral multiplier for the house's public in its locality (< 1: a hard-to-reach place)",
               "assumed (field: a street with little footfall, stairs to the reception)"});
      t.choice("public", [](P& p) -> auto& { return p.audience; }, Public::All,
               {{"all", Public::All}, {"marginal", Public::Marginal}},
               M{"", "who the house draws: everyone, or only the most marginal (the factor then applies to precarious residents only)",
                 "field: Brussels, the centre drew only the most marginal public"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override {
    (void)home_locality(s);  // the locality
    std::vector<std::string> names;
    for (const auto& sp : s.services) names.push_back(sp.name);
    for (const auto& want : p_.services)
      if (std::find(names.begin(), names.end(), want) == names.end())
        throw sim::InputError("", 0, 0, "shared_premises.services: " + sim::unknown_key_message("service", want, names));
  }

  void setup(Replicate& r, std::uint32_t self) override {
    self_ = self;
    home_ = home_locality(r.setting());
    choose_gps(r);
    choose_workers(r);
    if (house_gps_.empty() || house_workers_.empty())
      throw sim::InputError("", 0, 0, "shared_premises at '" + p_.locality + "': no GP or no worker moves in (set gps or services)");
    const sim::Minute start = sim::weeks(p_.schedule.start_week);
    r.schedule_intervention(start, self_, kOpen);
    if (!p_.dynamic) return;
    if (p_.joint_days_per_year > 0) r.schedule_intervention(start, self_, kJointDay);  // an opening day
    if (p_.reviews_per_year > 0) r.schedule_intervention(start + period(p_.reviews_per_year), self_, kReview);
  }

  // The intersectoral dynamic: joint days for all, case reviews for those who come.
  void on_event(Replicate& r, std::uint32_t aux) override {
    if (aux == kOpen) return open(r);
    sim::Stream& rng = r.stream(self_);
    const bool joint = aux == kJointDay;
    const double minutes = joint ? p_.joint_day_minutes : p_.review_minutes;
    std::vector<std::uint32_t> gps, workers;
    for (auto g : house_gps_)
      if (joint || rng.uniform() < p_.review_attendance) gps.push_back(g);
    for (auto w : house_workers_)
      if (joint || rng.uniform() < p_.review_attendance) workers.push_back(w);
    for (auto g : gps) {
      r.gp_time(GpTask::Coordination, minutes);
      for (auto w : workers) r.strengthen_tie(g, w, joint ? p_.joint_day_trust_gain : p_.review_trust_gain);
      if (joint)
        for (std::size_t t = 0; t < kThemes; ++t)
          if (themes_.test(t) && rng.uniform() < p_.joint_day_learn_prob) r.learn(g, static_cast<Theme>(t));
    }
    r.worker_time(minutes * static_cast<double>(workers.size()));
    if (r.measuring()) ++(joint ? joint_days_ : reviews_);
    r.schedule_intervention(r.now() + period(joint ? p_.joint_days_per_year : p_.reviews_per_year), self_, aux);
  }

  // The corridor: only between people who know each other.
  bool in_person(const Replicate& r, std::uint32_t gp, std::uint32_t worker) const override {
    if (!inside(r, gp, worker) || r.relation(gp, worker) == Relation::Occulted) return false;
    if (r.measuring()) ++in_person_;
    return true;
  }
  bool shared_plan(const Replicate& r, std::uint32_t gp, std::uint32_t worker) const override {
    return inside(r, gp, worker);
  }
  double resolution_bonus(const Replicate& r, const Need& need) const override {
    if (!p_.dynamic || !need.medical || need.gp == kNone || need.worker == kNone) return 0;
    return inside(r, need.gp, need.worker) ? p_.complex_case_bonus : 0.0;
  }
  double self_referral_factor(const Replicate& r, const Need& need) const override {
    if (!p_.schedule.started(r.now()) || r.residents().locality[need.resident] != home_) return 1;
    if (p_.audience == Public::Marginal && !r.residents().precarious(need.resident)) return 1;
    return 1.0 + (p_.self_referral_factor - 1.0) * p_.schedule.ramp(r.now());  // word gets around
  }

  void report(const Replicate& r, std::vector<std::pair<std::string, double>>& out) const override {
    double known = 0, cooperating = 0;
    for (auto g : house_gps_)
      for (auto w : house_workers_) {
        const Relation rel = r.relation(g, w);
        known += rel != Relation::Occulted ? 1 : 0;
        cooperating += rel >= Relation::Cooperation ? 1 : 0;
      }
    out.emplace_back("house_gps", static_cast<double>(house_gps_.size()));
    out.emplace_back("house_workers", static_cast<double>(house_workers_.size()));
    out.emplace_back("house_pairs_known", known);
    out.emplace_back("house_pairs_cooperation", cooperating);
    out.emplace_back("house_in_person_contacts", in_person_);
    out.emplace_back("house_joint_days", joint_days_);
    out.emplace_back("house_case_reviews", reviews_);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"house_gps", "GPs"},
        {"house_workers", "workers"},
        {"house_pairs_known", "pairs"},
        {"house_pairs_cooperation", "pairs"},
        {"house_in_person_contacts", "contacts"},
        {"house_joint_days", "days"},
        {"house_case_reviews", "reviews"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  // The opening: the partner services move in. From now on they stand in the
  // house's locality (nearest door for its residents, nearest partner for
  // its GPs); before it they are where the territory puts them.
  void open(Replicate& r) {
    const auto& specs = r.setting().services;
    for (std::uint32_t s = 0; s < specs.size(); ++s)
      if (specs[s].locality != home_ &&
          std::find(p_.services.begin(), p_.services.end(), specs[s].name) != p_.services.end())
        r.relocate_service(s, home_);
  }
  // Unnamed, the house stands where most people live.
  std::uint32_t home_locality(const Setting& s) const {
    if (p_.locality == "all") throw sim::InputError("", 0, 0, "shared_premises.locality: give one locality, not \"all\"");
    if (!p_.locality.empty()) return resolve_localities(s, {p_.locality}, "shared_premises.locality").front();
    std::uint32_t best = 0;
    for (std::uint32_t l = 1; l < s.territory.size(); ++l)
      if (s.territory.locality(l).population > s.territory.locality(best).population) best = l;
    return best;
  }
  static sim::Minute period(double per_year) { return std::max<sim::Minute>(1, sim::days(365.25 / per_year)); }
  bool inside(const Replicate& r, std::uint32_t gp, std::uint32_t worker) const {
    return p_.schedule.started(r.now()) && gp < in_gp_.size() && worker < in_worker_.size() && in_gp_[gp] && in_worker_[worker];
  }
  void choose_gps(const Replicate& r) {
    const auto& gps = r.gps();
    const auto& terr = r.setting().territory;
    std::vector<std::uint32_t> order(gps.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return terr.travel_minutes(gps[a].locality, home_) < terr.travel_minutes(gps[b].locality, home_);
    });
    in_gp_.assign(gps.size(), 0);
    for (std::size_t i = 0; i < order.size(); ++i) {
      const bool in = p_.gps > 0 ? i < static_cast<std::size_t>(p_.gps) : gps[order[i]].locality == home_;
      if (!in) continue;
      in_gp_[order[i]] = 1;
      house_gps_.push_back(order[i]);
    }
  }
  void choose_workers(const Replicate& r) {
    const auto& specs = r.setting().services;
    std::vector<std::uint8_t> in_service(specs.size(), 0);
    if (p_.services.empty()) {
      for (std::size_t s = 0; s < specs.size(); ++s) in_service[s] = specs[s].locality == home_;
    } else {
      std::vector<std::string> names;
      for (const auto& sp : specs) names.push_back(sp.name);
      for (const auto& want : p_.services) {
        const auto it = std::find(names.begin(), names.end(), want);
        if (it == names.end())
          throw sim::InputError("", 0, 0, "shared_premises.services: " + sim::unknown_key_message("service", want, names));
        in_service[static_cast<std::size_t>(it - names.begin())] = 1;
      }
    }
    for (std::size_t s = 0; s < specs.size(); ++s)
      if (in_service[s]) themes_ |= specs[s].themes;
    const auto& workers = r.workers();
    in_worker_.assign(workers.size(), 0);
    for (std::uint32_t w = 0; w < workers.size(); ++w)
      if (in_service[workers[w].service]) {
        in_worker_[w] = 1;
        house_workers_.push_back(w);
      }
  }

  std::uint32_t self_ = 0;
  std::uint32_t home_ = 0;
  std::vector<std::uint8_t> in_gp_, in_worker_;
  std::vector<std::uint32_t> house_gps_, house_workers_;
  std::bitset<kThemes> themes_;
  mutable double in_person_ = 0;  // counted where the pathway asks (a const hook)
  double joint_days_ = 0, reviews_ = 0;
};

}  // namespace

void register_shared_premises(InterventionRegistry& r) {
  r.add(make_type<SharedPremises, HouseParams>(
      "shared_premises", "GPs and services under one roof; ties grow only with an intersectoral dynamic"));
}

}  // namespace models
