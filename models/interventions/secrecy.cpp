// `secrecy`: the professional-secrecy regime as a scenario axis, from a
// start date (MODEL.md §4.6, §5). Before the start the baseline regime holds.
#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

struct SecrecyParams {
  Schedule schedule;
  SecrecyRegime regime = SecrecyRegime::SharedPlan;
};

class SecrecyIntervention : public InterventionBase<SecrecyIntervention, SecrecyParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "secrecy"; }
  static const sim::ParamTable<SecrecyParams>& table() {
    static const auto instance = [] {
      sim::ParamTable<SecrecyParams> t;
      declare_schedule(t, 0, 0, "assumed (a rule change costs nothing directly)");
      t.choice("regime", [](SecrecyParams& p) -> auto& { return p.regime; }, SecrecyRegime::SharedPlan,
               {{"strict", SecrecyRegime::Strict}, {"consent", SecrecyRegime::Consent},
                {"shared-plan", SecrecyRegime::SharedPlan}},
               {"", "regime in force from the start", "field: thesis (law vs practice)"});
      return t;
    }();
    return instance;
  }
  std::optional<SecrecyRegime> regime(const Replicate& r) const override {
    if (!p_.schedule.started(r.now())) return std::nullopt;
    return p_.regime;
  }
};

}  // namespace

void register_secrecy(InterventionRegistry& r) {
  r.add(make_type<SecrecyIntervention, SecrecyParams>("secrecy", "the secrecy regime (strict, consent, shared-plan) from a start date"));
}

}  // namespace models
