// `health_mediator`: mediators accompany people to their appointments after
// a referral — fewer drop-outs on the way to a door, better adherence
// (BRIEF.md: CCAS levers, "health mediators"). Capacity: the people a
// mediator can follow at once; beyond it, needs go on unaccompanied.
#include <algorithm>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

struct MediatorParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double fte = 1.0;
  double people_per_fte = 40;
  double dropout_reduction = 0.6;
  double adherence_bonus = 0.05;
  bool precarious_only = true;
};

class HealthMediator : public InterventionBase<HealthMediator, MediatorParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "health_mediator"; }
  static const sim::ParamTable<MediatorParams>& table() {
    static const auto instance = [] {
      using P = MediatorParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 2000, 45000, "assumed (one mediator's salary and costs)");
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities served", "assumed"});
      t.real("fte", [](P& p) -> auto& { return p.fte; }, 1.0, 0.05, 1000, M{"FTE", "mediators", "assumed"});
      t.real("people_per_fte", [](P& p) -> auto& { return p.people_per_fte; }, 40, 1, 10000,
             M{"people", "people accompanied at once per FTE", "assumed"});
      t.real("dropout_reduction", [](P& p) -> auto& { return p.dropout_reduction; }, 0.6, 0, 1,
             M{"share", "fall of door drop-out when accompanied", "assumed (field: levers, health mediators)"});
      t.real("adherence_bonus", [](P& p) -> auto& { return p.adherence_bonus; }, 0.05, 0, 1,
             M{"probability", "added resolution when accompanied", "assumed"});
      t.boolean("precarious_only", [](P& p) -> auto& { return p.precarious_only; }, true,
                M{"", "only precarious residents are accompanied", "assumed"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "health_mediator.catchment"); }

  void setup(Replicate& r, std::uint32_t self) override {
    self_ = self;
    in_catchment_.assign(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "health_mediator.catchment")) in_catchment_[l] = 1;
    r.schedule_intervention(sim::weeks(p_.schedule.start_week), self_, 0);
  }
  double dropout_factor(const Replicate& r, const Need& need) const override {
    return accompanied(r, need) ? 1.0 - p_.dropout_reduction * p_.schedule.ramp(r.now()) : 1.0;
  }
  double resolution_bonus(const Replicate& r, const Need& need) const override {
    return accompanied(r, need) ? p_.adherence_bonus * p_.schedule.ramp(r.now()) : 0.0;
  }
  // Capacity: each week, count the eligible people with a referral under
  // way (the mediator's list); beyond capacity only a share is followed.
  void on_event(Replicate& r, std::uint32_t) override {
    std::size_t followed = 0;
    r.for_each_open_need([&](std::uint32_t n) {
      const Need& need = r.need(n);
      if ((need.state == NeedState::Navigating || need.state == NeedState::Queued || need.state == NeedState::InCase) &&
          eligible(r, need))
        ++followed;
    });
    load_ = static_cast<double>(followed) / std::max(1.0, p_.fte * p_.people_per_fte);
    r.schedule_intervention(r.now() + sim::kMinutesPerWeek, self_, 0);
  }

 private:
  bool eligible(const Replicate& r, const Need& need) const {
    if (!in_catchment_[r.residents().locality[need.resident]]) return false;
    return !p_.precarious_only || r.residents().precarious(need.resident);
  }
  bool accompanied(const Replicate& r, const Need& need) const {
    // Beyond capacity, only a share of the eligible are followed.
    return p_.schedule.started(r.now()) && eligible(r, need) && (load_ <= 1.0 || share_draw(need) < 1.0 / load_);
  }
  static double share_draw(const Need& need) {
    return static_cast<double>((need.serial * 2654435761u) % 1000u) / 1000.0;
  }
  std::uint32_t self_ = 0;
  std::vector<std::uint8_t> in_catchment_;
  double load_ = 0;
};

}  // namespace

void register_health_mediator(InterventionRegistry& r) {
  r.add(make_type<HealthMediator, MediatorParams>("health_mediator",
                                                  "mediators accompany people to appointments: fewer drop-outs"));
}

}  // namespace models
