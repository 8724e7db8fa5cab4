// An intervention acts on the pathway through hooks, never on outcomes: who
// knows whom, who is reachable, what may be shared, who does the search,
// queues and ties. A scenario is the baseline plus a list of interventions.
//
// To add one: write models/interventions/<name>.cpp with a parameter struct
// (declared once in a sim::ParamTable), a class deriving from
// InterventionBase overriding the hooks it needs, and a register_<name>()
// function; list that function in interventions/registry.cpp. Nothing in
// sim/ changes.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/agents.hpp"
#include "models/setting.hpp"
#include "sim/clock.hpp"
#include "sim/params.hpp"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace models {

class Replicate;

// The smallest staffed size of a role (about two hours a week): an FTE of 0
// or below is an input error, not a free option (validation bound).
inline constexpr double kMinFte = 0.05;

// When an intervention starts, how long it takes to reach full effect, and
// what it costs (MODEL.md §5: start date, ramp-up, cost).
struct Schedule {
  double start_week = 0;
  double ramp_up_weeks = 0;
  double setup_cost_eur = 0;        // once, at start
  double running_cost_eur_per_year = 0;
  // What the running cost is per (FTE, sites): set by the intervention from
  // its own parameters (InterventionBase calls Derived::size(params) when it
  // has one), not read from the file. Running cost = per-unit cost x size.
  double size = 1;
  bool started(sim::Minute now) const { return now >= sim::weeks(start_week); }
  // 0 before the start, rising linearly to 1 over the ramp-up.
  double ramp(sim::Minute now) const;
  // Cost of [from, to): the running cost within it, plus the set-up cost if
  // the intervention started before `to` (paid even before the window).
  double cost(sim::Minute from, sim::Minute to) const;
};

class Intervention {
 public:
  virtual ~Intervention() = default;
  virtual std::string_view type() const = 0;
  virtual std::unique_ptr<Intervention> clone() const = 0;
  virtual const Schedule& schedule() const = 0;
  // Effective parameter values, for the results file.
  virtual std::vector<std::pair<std::string, std::string>> values() const = 0;

  // Scenario level, before any replicate: change the setting itself (e.g.
  // merge sector centres). Throws sim::InputError for names it cannot find.
  virtual void adapt_setting(Setting&) const {}
  // Whether adapt_setting changes anything: such a scenario cannot branch
  // from the baseline's warm-up (it runs in full).
  virtual bool adapts_setting() const { return false; }
  // Before anything runs (`validate`, and `run` before any output exists):
  // throws sim::InputError for every name in the parameters that the setting
  // does not have (localities, services), so that a typo is found at once
  // rather than in the first replicate.
  virtual void check(const Setting&) const {}
  // Replicate level, once the agents exist. `self` is this intervention's
  // index, used to schedule its own events.
  virtual void setup(Replicate&, std::uint32_t /*self*/) {}
  virtual void on_event(Replicate&, std::uint32_t /*aux*/) {}

  // ---- hooks of the pathway (defaults: no effect)
  // Extra rate (per year) at which an undisclosed need is found (alert,
  // outreach); on_alert() says what happens then, and returns false if it
  // did nothing (the need then goes on as before).
  virtual double alert_rate(const Replicate&, const Need&) const { return 0; }
  virtual bool on_alert(Replicate&, std::uint32_t /*need*/) { return false; }
  // Self-referral multiplier (e.g. an accessible, visible place).
  virtual double self_referral_factor(const Replicate&, const Need&) const { return 1; }
  // The GP hands the need over (coordinator, single referent): return true
  // if this intervention took it.
  virtual bool take_over(Replicate&, std::uint32_t /*need*/, std::uint32_t /*gp*/) { return false; }
  // The GP does not know where to send: a directory may tell them.
  virtual bool directory_lookup(Replicate&, std::uint32_t /*need*/, std::uint32_t /*gp*/) { return false; }
  // GP and worker meet in person (no phone, no hours mismatch).
  virtual bool in_person(const Replicate&, std::uint32_t /*gp*/, std::uint32_t /*worker*/) const { return false; }
  // GP and worker share a structured care plan (full information, report back).
  virtual bool shared_plan(const Replicate&, std::uint32_t /*gp*/, std::uint32_t /*worker*/) const { return false; }
  // The secrecy regime in force, if this intervention sets it.
  virtual std::optional<SecrecyRegime> regime(const Replicate&) const { return std::nullopt; }
  // The patient arrives at a door, before the drop-out is drawn: an
  // intervention may accompany them (and take them to the right door by
  // setting the need's service; health mediator). Non-const: it may spend
  // its own time.
  virtual void at_door(Replicate&, std::uint32_t /*need*/) {}
  // Multiplier of the drop-out on the way to a door.
  virtual double dropout_factor(const Replicate&, const Need&) const { return 1; }
  // Added to the resolution probability at the end of a case.
  virtual double resolution_bonus(const Replicate&, const Need&) const { return 0; }
  // A case closed (success or not): release capacity held for it.
  virtual void on_case_end(Replicate&, std::uint32_t /*need*/, bool /*success*/) {}
  // Extra summary fields (e.g. calibration figures), appended to the summary.
  virtual void report(const Replicate&, std::vector<std::pair<std::string, double>>& /*summary*/) const {}
  // The unit of each field report() adds ("" for a field it does not add),
  // written beside it in the results file.
  virtual std::string_view unit_of(std::string_view /*field*/) const { return {}; }
};

// unit_of() helper: the unit paired with `field` in a static table, or "".
template <std::size_t N>
std::string_view lookup_unit(const std::pair<std::string_view, std::string_view> (&table)[N], std::string_view field) {
  for (const auto& [name, unit] : table)
    if (name == field) return unit;
  return {};
}

// Most interventions: parameters in a struct P with a `Schedule schedule`.
template <class Derived, class P>
class InterventionBase : public Intervention {
 public:
  explicit InterventionBase(P p) : p_(std::move(p)) {
    if constexpr (requires(const P& q) { Derived::size(q); }) p_.schedule.size = Derived::size(p_);
  }
  std::unique_ptr<Intervention> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  const Schedule& schedule() const override { return p_.schedule; }
  std::vector<std::pair<std::string, std::string>> values() const override { return Derived::table().values(p_); }
  const P& params() const { return p_; }

 protected:
  P p_;
};

// Declares the Schedule fields of a parameter struct with its cost source.
// `per` names the unit the running cost is paid per ("FTE": then the
// intervention defines a static size(params) returning its FTE), "" for a
// flat running cost.
template <class P>
void declare_schedule(sim::ParamTable<P>& t, double setup_cost, double running_cost, const std::string& cost_source,
                      const std::string& per = "") {
  using M = typename sim::ParamTable<P>::Meta;
  t.real("start_week", [](P& p) -> auto& { return p.schedule.start_week; }, 0, 0, 5200,
         M{"weeks", "start, counted from the beginning of the run", "assumed"});
  t.real("ramp_up_weeks", [](P& p) -> auto& { return p.schedule.ramp_up_weeks; }, 0, 0, 5200,
         M{"weeks", "time to reach full effect after the start", "assumed"});
  t.real("setup_cost_eur", [](P& p) -> auto& { return p.schedule.setup_cost_eur; }, setup_cost, 0, 1e10,
         M{"EUR", "one-off cost at the start", cost_source});
  t.real("running_cost_eur_per_year", [](P& p) -> auto& { return p.schedule.running_cost_eur_per_year; },
         running_cost, 0, 1e10,
         M{per.empty() ? "EUR/year" : "EUR/year/" + per, per.empty() ? "running cost" : "running cost per " + per,
           cost_source});
}

struct InterventionType {
  std::string name;
  std::string description;
  // Builds a prototype from its TOML table (keys other than "type").
  std::function<std::shared_ptr<const Intervention>(const toml::table&, const std::string& file)> parse;
  std::function<std::vector<sim::ParamInfo>()> params;
};

// Helper for register_<name>(): T has `static const sim::ParamTable<P>& table()`
// and a constructor from P.
template <class T, class P>
InterventionType make_type(std::string name, std::string description);

class InterventionRegistry {
 public:
  void add(InterventionType t);
  const InterventionType* find(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<InterventionType>& all() const { return types_; }

 private:
  std::vector<InterventionType> types_;
};

// The registry with every built-in intervention (explicit registration: see
// interventions/registry.cpp).
const InterventionRegistry& interventions();

// Validators shared by interventions: locality names of a territory are
// checked at setup, since the territory is not known when parsing.
std::vector<std::uint32_t> resolve_localities(const Setting& s, const std::vector<std::string>& names,
                                              const std::string& what);

}  // namespace models

#include "models/intervention_impl.hpp"
