// `single_referent`: one number for GPs — a single social window or a
// network hotline (BRIEF.md, the thesis: "one interface, one call triggers
// the whole response, a medical or paramedical contact, and a written
// report back"; a single number for people over 75 exists too). The GP
// calls at a moment of their own hours; the line answers only within its
// own hours and not always. Once reached, the referent assesses, routes the
// need to the right service with the information the secrecy regime lets
// travel, and reports back in writing. Calls that fail cost the GP their
// minutes and leave the GP's usual pathway; so does a full week's quota.
#include <algorithm>
#include <unordered_map>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

enum class Scope : std::uint8_t { All, Seniors };

struct ReferentParams {
  Schedule schedule;
  Scope scope = Scope::All;
  std::string hours = "Mon-Fri 08:00-19:00";
  double reach_prob = 0.8;
  int max_calls = 2;
  double informed_prob = 0.5;
  double uptake = 0.7;
  double uptake_if_known = 0.4;
  double gp_call_minutes = 4;
  double assess_minutes = 45;
  double fte = 1.0;
  double referrals_per_fte_week = 15;
};

std::string check_hours(const std::string& s) {
  try {
    (void)sim::WeeklyHours::parse(s);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

class SingleReferent : public InterventionBase<SingleReferent, ReferentParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "single_referent"; }
  static double size(const ReferentParams& p) { return p.fte; }
  static const sim::ParamTable<ReferentParams>& table() {
    static const auto instance = [] {
      using P = ReferentParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 5000, 50000, "assumed (one referent's salary and a phone line, per FTE)", "FTE");
      t.choice("scope", [](P& p) -> auto& { return p.scope; }, Scope::All,
               {{"all", Scope::All}, {"seniors", Scope::Seniors}},
               M{"", "all themes, or only seniors (families & seniors, disability, or residents 75+)",
                 "field: thesis, 'for all themes or only seniors'"});
      t.text("hours", [](P& p) -> auto& { return p.hours; }, "Mon-Fri 08:00-19:00", check_hours,
             "'Mon-Fri HH:MM-HH:MM; Sat …'", M{"", "hours the line answers", "assumed (longer than office hours)"});
      t.real("reach_prob", [](P& p) -> auto& { return p.reach_prob; }, 0.8, 0, 1,
             M{"probability", "a call within the line's hours is answered", "assumed"});
      t.integer("max_calls", [](P& p) -> auto& { return p.max_calls; }, 2, 1, 20,
                M{"calls", "calls a GP makes before going the usual way", "assumed"});
      t.real("informed_prob", [](P& p) -> auto& { return p.informed_prob; }, 0.5, 0, 1,
             M{"probability", "the GP calls within the line's hours on purpose", "assumed (one number, its hours easy to know)"});
      t.real("uptake", [](P& p) -> auto& { return p.uptake; }, 0.7, 0, 1,
             M{"probability", "a GP calls the line for a consented need in scope, at full recognition", "assumed"});
      t.real("uptake_if_known", [](P& p) -> auto& { return p.uptake_if_known; }, 0.4, 0, 1,
             M{"probability", "the same when the GP already knows a service for the theme",
               "assumed (field: GPs fear it replaces local networks that work)"});
      t.real("gp_call_minutes", [](P& p) -> auto& { return p.gp_call_minutes; }, 4, 0, 120,
             M{"min", "one call to the line, answered or not", "assumed (one phone attempt)"});
      t.real("assess_minutes", [](P& p) -> auto& { return p.assess_minutes; }, 45, 0, 6000,
             M{"min", "the referent's assessment and routing per need", "assumed"});
      t.real("fte", [](P& p) -> auto& { return p.fte; }, 1.0, kMinFte, 1000,
             M{"FTE", "referents (the running cost is paid per FTE)", "assumed"});
      t.real("referrals_per_fte_week", [](P& p) -> auto& { return p.referrals_per_fte_week; }, 15, 0, 1000,
             M{"needs/week", "needs one FTE can assess and route per week", "assumed"});
      return t;
    }();
    return instance;
  }

  void setup(Replicate& r, std::uint32_t self) override {
    if (self >= kNoHandler) throw sim::InputError("", 0, 0, "single_referent: too many interventions in one scenario");
    self_ = self;
    line_ = sim::WeeklyHours::parse(p_.hours);
    gp_hours_ = sim::WeeklyHours::parse(r.params().calendar.gp_hours);
    overlap_ = gp_hours_.intersect(line_);
    quota_ = static_cast<std::uint32_t>(p_.fte * p_.referrals_per_fte_week + 1e-9);
  }

  bool take_over(Replicate& r, std::uint32_t n, std::uint32_t gp) override {
    if (!p_.schedule.started(r.now()) || quota_ == 0 || gp_hours_.empty()) return false;
    const Need& need = r.need(n);
    if (!in_scope(r, need)) return false;
    const std::uint32_t service = r.right_service(need.theme, r.locality_of(n));
    if (service == kNone) return false;
    const double uptake = r.knows(gp, need.theme) ? p_.uptake_if_known : p_.uptake;
    if (r.draw(n, Purpose::Intervention) >= uptake * p_.schedule.ramp(r.now())) return false;
    // The GP calls at a moment of their own hours, inside the line's on purpose only sometimes.
    sim::Minute t = r.now();
    for (int call = 0; call < p_.max_calls; ++call) {
      const bool informed = !overlap_.empty() && r.draw(n, Purpose::Intervention) < p_.informed_prob;
      const sim::WeeklyHours& when = informed ? overlap_ : gp_hours_;
      const auto k = static_cast<sim::Minute>(r.draw(n, Purpose::Intervention) * static_cast<double>(when.minutes_per_week()));
      t = sim::WeeklyHours::next_at_offset(t + 1, when.nth_open_minute(k));
      r.gp_minutes(n, GpTask::Phone, p_.gp_call_minutes);
      if (r.measuring()) ++calls_;
      if (!line_.is_open(t) || r.draw(n, Purpose::Intervention) >= p_.reach_prob) continue;
      // Answered; beyond the week's quota the referent cannot take it.
      auto& used = used_[sim::week_index(t)];
      if (used >= quota_) {
        if (r.measuring()) ++declined_full_;
        return false;
      }
      ++used;
      Need& nd = r.need(n);
      nd.handler = static_cast<std::uint8_t>(self_);
      nd.state = NeedState::Contacting;
      nd.gp = gp;
      pending_[n] = nd.serial;  // nothing else moves the need until the call
      r.schedule_intervention(t, self_, n);
      return true;
    }
    if (r.measuring()) ++unreached_;
    return false;
  }

  // The answered call: assess, route with information, report back later.
  void on_event(Replicate& r, std::uint32_t n) override {
    auto it = pending_.find(n);
    if (it == pending_.end()) return;
    Need& need = r.need(n);
    const bool live = need.serial == it->second && need.handler == self_;
    pending_.erase(it);
    if (!live) return;
    if (r.measuring()) ++routed_;
    r.worker_time(p_.assess_minutes);
    const std::uint32_t gp = need.gp;
    const bool info = shares_info(r, n, gp);
    need.shared_plan = true;  // a written report back, as networks give
    r.refer(n, r.right_service(need.theme, r.locality_of(n)), info, gp, kNone);
  }

  void report(const Replicate&, std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("referent_calls", calls_);
    out.emplace_back("referent_routed", routed_);
    out.emplace_back("referent_unreached", unreached_);
    out.emplace_back("referent_declined_full", declined_full_);
    out.emplace_back("referent_weekly_quota", quota_);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"referent_calls", "calls"},
        {"referent_routed", "needs"},
        {"referent_unreached", "calls"},
        {"referent_declined_full", "needs"},
        {"referent_weekly_quota", "needs/week"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  bool in_scope(const Replicate& r, const Need& need) const {
    if (p_.scope == Scope::All) return true;
    return need.theme == Theme::FamiliesSeniors || need.theme == Theme::Disability ||
           r.residents().age(need.resident) == AgeBand::Over75;
  }
  static bool shares_info(Replicate& r, std::uint32_t n, std::uint32_t gp) {
    if (!r.need(n).medical) return true;
    switch (r.secrecy_regime(gp, kNone)) {
      case SecrecyRegime::SharedPlan: return true;
      case SecrecyRegime::Strict: return false;
      case SecrecyRegime::Consent: break;
    }
    // Inside a network, sharing with consent is tolerated (thesis).
    return !r.gps()[gp].strict_stance && r.draw(n, Purpose::Intervention) < r.params().consent.share_info_prob;
  }

  std::uint32_t self_ = 0;
  sim::WeeklyHours line_, gp_hours_, overlap_;
  std::uint32_t quota_ = 0;
  std::unordered_map<int, std::uint32_t> used_;               // referrals taken per calendar week
  std::unordered_map<std::uint32_t, std::uint32_t> pending_;  // need slot -> serial, call answered later
  double calls_ = 0, routed_ = 0, unreached_ = 0, declined_full_ = 0;
};

}  // namespace

void register_single_referent(InterventionRegistry& r) {
  r.add(make_type<SingleReferent, ReferentParams>(
      "single_referent", "one number for GPs: the referent assesses, routes to the right service and reports back"));
}

}  // namespace models
