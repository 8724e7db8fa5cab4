// `vade_mecum`: a printed directory of key local social institutions
// (BRIEF.md, La Louvière / Manage). Built over `build_weeks`, then launched:
// a launch evening and talks in GP peer groups make each GP aware, some keep
// a copy, some lose or forget it. When a GP does not know where to send a
// need (directory_lookup hook) and owns the directory, they may open it
// (rather than use their own network, or not think of it) and find the right
// contact — which teaches them the theme. It acts on nothing else: a GP who
// neither owns nor opens it follows the baseline pathway draw for draw.
//
// The field evaluation (18 months after launch, 27 GPs of two peer groups)
// is reproduced by a snapshot of every GP of the catchment at that date,
// taken by a scheduled event so that it does not depend on the horizon.
#include <array>
#include <cmath>
#include <limits>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

struct VadeMecumParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double build_weeks = 48;
  double p_aware = 0.96;
  double p_own = 0.94;
  double loss_per_year = 0.12;
  double p_use = 0.25;
  double p_find = 0.85;
  double lookup_minutes = 3;
  double evaluation_weeks_after_launch = 78;
  long knows_well_themes = 8;
};

constexpr sim::Minute kNever = std::numeric_limits<sim::Minute>::max();
constexpr double kMinutesPerYear = 365.25 * sim::kMinutesPerDay;

class VadeMecum : public InterventionBase<VadeMecum, VadeMecumParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "vade_mecum"; }
  static const sim::ParamTable<VadeMecumParams>& table() {
    static const auto instance = [] {
      using P = VadeMecumParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      // Set-up: ~0.25 FTE for the building year (~12,000), printing ~150
      // copies (~2,000), launch evening (~3,000); upkeep: a yearly update.
      declare_schedule(t, 17000, 3000,
                       "assumed (production, printing and launch evening; yearly update of the entries)");
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities whose GPs receive the directory", "assumed"});
      t.real("build_weeks", [](P& p) -> auto& { return p.build_weeks; }, 48, 0, 5200,
             M{"weeks", "building the directory; launched at start_week + build_weeks",
               "field: building took just under a year"});
      t.real("p_aware", [](P& p) -> auto& { return p.p_aware; }, 0.96, 0, 1,
             M{"probability", "a GP of the catchment hears of it (launch evening, peer-group talks)",
               "field: 26 of 27 GPs know it 18 months later"});
      t.real("p_own", [](P& p) -> auto& { return p.p_own; }, 0.94, 0, 1,
             M{"probability", "an aware GP is given / keeps a copy",
               "field: 21 of 27 GPs own it 18 months later (calibrated, with p_aware and loss_per_year)"});
      t.real("loss_per_year", [](P& p) -> auto& { return p.loss_per_year; }, 0.12, 0, 100,
             M{"1/year", "rate at which an owner loses or forgets the copy",
               "assumed (field: some non-users 'lost it')"});
      t.real("p_use", [](P& p) -> auto& { return p.p_use; }, 0.25, 0, 1,
             M{"probability", "an owner who does not know where to send opens it (else own network, "
               "or did not think of it)", "field: 8 of 27 GPs used it more than once in 18 months (calibrated)"});
      t.real("p_find", [](P& p) -> auto& { return p.p_find; }, 0.85, 0, 1,
             M{"probability", "opening it finds the right contact",
               "field: 7 of 8 GPs who used it more than once found the right contact (calibrated: the "
               "per-GP figure runs above this per-use chance, a failed look-up being tried again)"});
      t.real("lookup_minutes", [](P& p) -> auto& { return p.lookup_minutes; }, 3, 0, 600,
             M{"min", "GP time to look a service up in the directory (task search)", "assumed"});
      t.real("evaluation_weeks_after_launch", [](P& p) -> auto& { return p.evaluation_weeks_after_launch; }, 78,
             0, 5200, M{"weeks", "date of the evaluation snapshot after the launch", "field: evaluation 18 months later"});
      t.integer("knows_well_themes", [](P& p) -> auto& { return p.knows_well_themes; }, 8, 0, 10,
                M{"themes", "a GP 'knows the services well' when knowing where to send for this many of the "
                  "10 themes (read at set-up, before the directory)",
                  "assumed (reading of the 87.5 % 'moderately or insufficiently' figure; calibrated)"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "vade_mecum.catchment"); }

  void setup(Replicate& r, std::uint32_t self) override {
    const auto& gps = r.gps();
    std::vector<std::uint8_t> in_loc(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "vade_mecum.catchment")) in_loc[l] = 1;
    const sim::Minute launch = sim::weeks(p_.schedule.start_week + p_.build_weeks);
    const double spread = static_cast<double>(sim::weeks(p_.schedule.ramp_up_weeks));
    gp_.assign(gps.size(), GpState{});
    sim::Stream& rng = r.stream(self);
    double not_well = 0;
    for (std::uint32_t g = 0; g < gps.size(); ++g) {
      // Four draws per GP whatever the parameters, so that changing one
      // probability does not reshuffle the others.
      const double u_aware = rng.uniform(), u_own = rng.uniform(), u_when = rng.uniform();
      const double u_keep = rng.uniform();
      const double years_kept = p_.loss_per_year > 0 ? -std::log1p(-u_keep) / p_.loss_per_year : 1e9;
      GpState& s = gp_[g];
      s.catchment = in_loc[gps[g].locality] != 0;
      if (!s.catchment) continue;
      ++evaluated_;
      // Baseline knowledge, before anything changes it (calibration: 87.5 %).
      int known = 0;
      for (std::size_t t = 0; t < kThemes; ++t) known += r.knows(g, static_cast<Theme>(t)) ? 1 : 0;
      not_well += known < p_.knows_well_themes ? 1 : 0;
      if (u_aware >= p_.p_aware) continue;
      // Peer-group talks spread awareness over the ramp-up after the launch.
      s.aware_at = launch + static_cast<sim::Minute>(u_when * spread);
      if (u_own >= p_.p_own) continue;
      s.owner = true;
      const double lost = static_cast<double>(s.aware_at) + years_kept * kMinutesPerYear;
      s.lost_at = lost >= static_cast<double>(kNever) ? kNever : static_cast<sim::Minute>(lost);
    }
    not_well_share_ = evaluated_ > 0 ? not_well / evaluated_ : std::nan("");
    r.schedule_intervention(launch + sim::weeks(p_.evaluation_weeks_after_launch), self, 0);
  }

  bool directory_lookup(Replicate& r, std::uint32_t n, std::uint32_t g) override {
    if (!owns(g, r.now())) return false;
    if (r.draw(n, Purpose::Intervention) >= p_.p_use) return false;  // own network, or did not think of it
    r.gp_minutes(n, GpTask::Search, p_.lookup_minutes);
    GpState& s = gp_[g];
    ++s.uses;
    s.last_found = r.draw(n, Purpose::Intervention) < p_.p_find;
    if (r.measuring()) {
      uses_ += 1;
      found_ += s.last_found ? 1 : 0;
    }
    if (!s.last_found) return false;
    r.learn(g, r.need(n).theme);  // the entry is remembered next time
    return true;
  }

  // The evaluation snapshot (field: 18 months after the launch).
  void on_event(Replicate& r, std::uint32_t) override {
    double aware = 0, own = 0, used = 0, found = 0;
    for (std::uint32_t g = 0; g < gp_.size(); ++g) {
      const GpState& s = gp_[g];
      if (!s.catchment) continue;
      aware += s.aware_at <= r.now() ? 1 : 0;
      own += owns(g, r.now()) ? 1 : 0;
      if (s.uses >= 2) {  // field: "used it more than once"; "7 of those" found the right contact
        used += 1;
        found += s.last_found ? 1 : 0;  // read as the GP's latest experience of it
      }
    }
    const double n = evaluated_;
    eval_ = {aware / n, own / n, used / n, used > 0 ? found / used : std::nan("")};
  }

  void report(const Replicate&, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("vade_mecum_aware_share", eval_[0]);
    out.emplace_back("vade_mecum_own_share", eval_[1]);
    out.emplace_back("vade_mecum_used_more_than_once_share", eval_[2]);
    out.emplace_back("vade_mecum_found_contact_share", eval_[3]);
    out.emplace_back("vade_mecum_gps_evaluated", evaluated_);
    out.emplace_back("vade_mecum_uses", uses_);
    out.emplace_back("vade_mecum_contacts_found", found_);
    out.emplace_back("gps_not_knowing_well_share", not_well_share_);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"vade_mecum_aware_share", "share"},
        {"vade_mecum_own_share", "share"},
        {"vade_mecum_used_more_than_once_share", "share"},
        {"vade_mecum_found_contact_share", "share"},
        {"vade_mecum_gps_evaluated", "GPs"},
        {"vade_mecum_uses", "uses"},
        {"vade_mecum_contacts_found", "contacts"},
        {"gps_not_knowing_well_share", "share"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  struct GpState {
    sim::Minute aware_at = kNever;
    sim::Minute lost_at = kNever;
    std::uint32_t uses = 0;
    bool catchment = false;
    bool owner = false;
    bool last_found = false;
  };
  bool owns(std::uint32_t g, sim::Minute now) const {
    const GpState& s = gp_[g];
    return s.owner && s.aware_at <= now && now < s.lost_at;
  }

  std::vector<GpState> gp_;
  double evaluated_ = 0;
  double not_well_share_ = std::nan("");
  double uses_ = 0, found_ = 0;  // within the measured window
  // aware, own, used more than once, found the contact; NaN until evaluated
  std::array<double, 4> eval_ = {std::nan(""), std::nan(""), std::nan(""), std::nan("")};
};

}  // namespace

void register_vade_mecum(InterventionRegistry& r) {
  r.add(make_type<VadeMecum, VadeMecumParams>(
      "vade_mecum", "a directory of local social services handed to GPs: awareness, ownership, use, right contact"));
}

}  // namespace models
