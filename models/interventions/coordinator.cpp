// `coordinator`: a micro-local health coordinator (BRIEF.md, "Herbasse
// valley"). She is not a care provider: she finds, with the person, the
// service they need and makes the actors work together. Two doors lead to
// her, both only for residents of her catchment:
//  - requests from residents, officials, neighbours and the hospital: an
//    alert function that finds needs nobody has disclosed;
//  - requests from local professionals: a GP hands a need over (take_over);
//    the GP's search and phoning become one short call, hers the search,
//    contact and mobilisation.
// She routes to the right service with the information the secrecy regime
// lets travel, convenes a collective case meeting for complex situations
// (a better chance of resolution, a time cost for everyone around the
// table) and reports back to the GP. Recognition "as normal practice takes
// time": both doors ramp up. Capacity binds twice: she follows a bounded
// number of needs at once (FTE x caseload), and her working week is FTE x
// hours: a request whose handling (and case meeting) does not fit in what
// is left of the week is not taken — a GP's hand-over is turned away (the
// GP goes the usual way), a signalled need waits hidden until it is
// signalled again — both counted. A GP comes to a case meeting only with a
// probability (GPs are paid per act, not to meet); each participant's
// minutes are counted.
#include <algorithm>
#include <unordered_set>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

struct CoordinatorParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double fte = 1.0;
  double caseload_per_fte = 40;
  double alert_rate_per_year = 1.0;
  double handover_prob = 0.8;
  double gp_call_minutes = 4;
  double handling_minutes = 120;
  double alert_minutes = 45;
  int meeting_min_urgency = 2;
  bool meeting_medical_only = true;
  double meeting_minutes = 60;
  double meeting_prep_minutes = 60;
  double meeting_workers = 3;
  double meeting_bonus = 0.15;
  double meeting_gp_attend_prob = 0.4;
  double hours_per_week = 35;
};

class Coordinator : public InterventionBase<Coordinator, CoordinatorParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "coordinator"; }
  static double size(const CoordinatorParams& p) { return p.fte; }
  static const sim::ParamTable<CoordinatorParams>& table() {
    static const auto instance = [] {
      using P = CoordinatorParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 3000, 55000, "assumed (one coordinator's salary and costs, per FTE; field: funded by the regional health agency)", "FTE");
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities whose residents she serves", "field: Herbasse, 7 communes"});
      t.real("fte", [](P& p) -> auto& { return p.fte; }, 1.0, kMinFte, 100,
             M{"FTE", "coordinators (the running cost is paid per FTE)", "field: Herbasse, 1 person"});
      t.real("caseload_per_fte", [](P& p) -> auto& { return p.caseload_per_fte; }, 40, 0, 10000,
             M{"needs", "open needs followed at once per FTE", "assumed (order of a French gerontology case manager's 40 situations)"});
      t.real("alert_rate_per_year", [](P& p) -> auto& { return p.alert_rate_per_year; }, 1.0, 0, 100,
             M{"1/year", "rate at which residents, officials, neighbours or the hospital signal an undisclosed need in the catchment, at full recognition",
               "assumed (field: requests come from people, officials, neighbours, the hospital)"});
      t.real("handover_prob", [](P& p) -> auto& { return p.handover_prob; }, 0.8, 0, 1,
             M{"probability", "a GP hands a consented need of a catchment resident over, at full recognition", "assumed"});
      t.real("gp_call_minutes", [](P& p) -> auto& { return p.gp_call_minutes; }, 4, 0, 120,
             M{"min", "the GP's one short call to hand a need over (advisers send the patient: no call)", "assumed (one phone attempt)"});
      t.real("handling_minutes", [](P& p) -> auto& { return p.handling_minutes; }, 120, 0, 6000,
             M{"min", "her search, contacts and mobilisation per need", "assumed"});
      t.real("alert_minutes", [](P& p) -> auto& { return p.alert_minutes; }, 45, 0, 6000,
             M{"min", "receiving an alert and meeting the person", "assumed"});
      t.integer("meeting_min_urgency", [](P& p) -> auto& { return p.meeting_min_urgency; }, 2, 1, 4,
                M{"level", "urgency from which a situation is complex enough for a collective case meeting (4: never)", "assumed"});
      t.boolean("meeting_medical_only", [](P& p) -> auto& { return p.meeting_medical_only; }, true,
                M{"", "only medico-social needs get a case meeting", "assumed (field: complex situations are medical and social at once)"});
      t.real("meeting_minutes", [](P& p) -> auto& { return p.meeting_minutes; }, 60, 0, 6000,
             M{"min", "a collective case meeting around one person, per participant", "assumed"});
      t.real("meeting_prep_minutes", [](P& p) -> auto& { return p.meeting_prep_minutes; }, 60, 0, 6000,
             M{"min", "her preparation of a case meeting", "assumed"});
      t.real("meeting_workers", [](P& p) -> auto& { return p.meeting_workers; }, 3, 0, 50,
             M{"workers", "social and care workers around the table besides the GP", "assumed (field: guardian, social worker, nurse, home help, …)"});
      t.real("meeting_bonus", [](P& p) -> auto& { return p.meeting_bonus; }, 0.15, 0, 1,
             M{"probability", "added chance of resolution after a case meeting", "assumed (field: seven detox cures, then one meeting of everyone)"});
      t.real("meeting_gp_attend_prob", [](P& p) -> auto& { return p.meeting_gp_attend_prob; }, 0.4, 0, 1,
             M{"probability", "the patient's GP comes to a case meeting",
               "assumed (field: GPs are 'paid per act and not paid to meet territory actors')"});
      t.real("hours_per_week", [](P& p) -> auto& { return p.hours_per_week; }, 35, 1, 80,
             M{"h/week", "working time of one FTE: a week's requests fit in FTE x hours or wait / are turned away",
               "assumed (French 35-hour week)"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "coordinator.catchment"); }

  void setup(Replicate& r, std::uint32_t self) override {
    if (self >= kNoHandler) throw sim::InputError("", 0, 0, "coordinator: too many interventions in one scenario");
    self_ = static_cast<std::uint8_t>(self);
    in_catchment_.assign(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "coordinator.catchment")) in_catchment_[l] = 1;
    capacity_ = static_cast<std::uint32_t>(p_.fte * p_.caseload_per_fte + 1e-9);
    week_minutes_ = p_.fte * p_.hours_per_week * 60.0;
  }

  // A coordinator who can follow nobody has nothing to alert to.
  double alert_rate(const Replicate& r, const Need& need) const override {
    if (capacity_ == 0 || !in_catchment_[r.residents().locality[need.resident]]) return 0;
    return p_.alert_rate_per_year * p_.schedule.ramp(r.now());
  }

  bool on_alert(Replicate& r, std::uint32_t n) override {
    if (!has_room(r)) return false;
    const Need& need = r.need(n);
    const std::uint32_t service = r.right_service(need.theme, r.locality_of(n));
    if (service == kNone) return false;
    if (!fits(r, p_.alert_minutes + handling_minutes(need))) {  // the week is full: the signal waits
      if (r.measuring()) ++alerts_waiting_;
      return false;
    }
    // Nothing moves without the person's consent; a refusal leaves the need hidden.
    if (r.draw(n, Purpose::Intervention) < r.params().consent.refusal_prob[idx(need.theme)]) {
      if (r.measuring()) ++alert_refusals_;
      return false;
    }
    spend(r, p_.alert_minutes);
    const std::uint32_t gp = r.residents().gp[need.resident];
    // The medical side of the situation is the GP's: she calls them.
    if (gp != kNone && need.medical) r.gp_minutes(n, GpTask::Phone, p_.gp_call_minutes);
    if (r.measuring()) ++alerts_;
    handle(r, n, service, gp);
    return true;
  }

  bool take_over(Replicate& r, std::uint32_t n, std::uint32_t gp) override {
    if (!p_.schedule.started(r.now()) || !in_catchment_[r.locality_of(n)]) return false;
    const Need& need = r.need(n);
    const std::uint32_t service = r.right_service(need.theme, r.locality_of(n));
    if (service == kNone) return false;
    if (r.draw(n, Purpose::Intervention) >= p_.handover_prob * p_.schedule.ramp(r.now()) || !has_room(r)) return false;
    if (!fits(r, handling_minutes(need))) {  // the week is full: turned away, the GP goes the usual way
      if (r.measuring()) ++turned_away_week_;
      return false;
    }
    // The adviser names her as the door and lets the patient go; the others call her.
    if (r.gps()[gp].profile != GpProfile::Adviser) r.gp_minutes(n, GpTask::Phone, p_.gp_call_minutes);
    if (r.measuring()) ++takeovers_;
    handle(r, n, service, gp);
    return true;
  }

  double resolution_bonus(const Replicate&, const Need& need) const override {
    return need.handler == self_ && meetings_.count(need.serial) ? p_.meeting_bonus : 0.0;
  }

  void on_case_end(Replicate& r, std::uint32_t n, bool) override {
    const Need& need = r.need(n);
    if (need.handler != self_) return;
    --active_;  // success or failure, she stops following it (a failure may come back)
    meetings_.erase(need.serial);
  }

  void report(const Replicate& r, std::vector<std::pair<std::string, double>>& out) const override {
    const double available = p_.fte * p_.hours_per_week * 60.0 * r.recorder().weeks;
    out.emplace_back("coordinator_capacity", capacity_);
    out.emplace_back("coordinator_max_concurrent", max_active_);
    out.emplace_back("coordinator_takeovers", takeovers_);
    out.emplace_back("coordinator_alerts", alerts_);
    out.emplace_back("coordinator_alert_refusals", alert_refusals_);
    out.emplace_back("coordinator_case_meetings", meetings_held_);
    out.emplace_back("coordinator_declined_full", declined_full_);
    out.emplace_back("coordinator_turned_away_week_full", turned_away_week_);
    out.emplace_back("coordinator_alerts_waiting_week_full", alerts_waiting_);
    out.emplace_back("coordinator_meeting_gp_attended", meeting_gp_attended_);
    out.emplace_back("coordinator_meeting_gp_minutes", meeting_gp_minutes_);
    out.emplace_back("coordinator_meeting_worker_minutes", meeting_worker_minutes_);
    out.emplace_back("coordinator_meeting_coordinator_minutes", meeting_own_minutes_);
    out.emplace_back("coordinator_own_minutes", minutes_);
    out.emplace_back("coordinator_available_minutes", available);
    out.emplace_back("coordinator_utilisation", available > 0 ? minutes_ / available : 0.0);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"coordinator_capacity", "cases"},
        {"coordinator_max_concurrent", "cases"},
        {"coordinator_takeovers", "needs"},
        {"coordinator_alerts", "needs"},
        {"coordinator_alert_refusals", "needs"},
        {"coordinator_case_meetings", "meetings"},
        {"coordinator_declined_full", "needs"},
        {"coordinator_turned_away_week_full", "needs"},
        {"coordinator_alerts_waiting_week_full", "needs"},
        {"coordinator_meeting_gp_attended", "meetings"},
        {"coordinator_meeting_gp_minutes", "min"},
        {"coordinator_meeting_worker_minutes", "min"},
        {"coordinator_meeting_coordinator_minutes", "min"},
        {"coordinator_own_minutes", "min"},
        {"coordinator_available_minutes", "min"},
        {"coordinator_utilisation", "share"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  bool complex(const Need& need) const {
    return need.urgency >= p_.meeting_min_urgency && (need.medical || !p_.meeting_medical_only);
  }
  // Her time for one need: search, contacts, mobilisation, and a case meeting if complex.
  double handling_minutes(const Need& need) const {
    return p_.handling_minutes + (complex(need) ? p_.meeting_minutes + p_.meeting_prep_minutes : 0.0);
  }
  // Whether `minutes` fit in what is left of this week (FTE x hours); the
  // week's account starts afresh each calendar week.
  bool fits(const Replicate& r, double minutes) {
    const int week = sim::week_index(r.now());
    if (week != week_) {
      week_ = week;
      used_ = 0;
    }
    return used_ + minutes <= week_minutes_ + 1e-9;
  }
  bool has_room(const Replicate& r) {
    if (active_ < capacity_) return true;
    if (capacity_ > 0 && r.measuring()) ++declined_full_;
    return false;
  }
  void spend(Replicate& r, double minutes) {
    used_ += minutes;  // fits() was asked first, in the same week
    r.coordinator_time(minutes);
    if (r.measuring()) minutes_ += minutes;
  }
  // Medical information travels as the regime allows; with no GP, she has none.
  static bool shares_info(Replicate& r, std::uint32_t n, std::uint32_t gp) {
    if (!r.need(n).medical) return true;
    if (gp == kNone) return false;
    switch (r.secrecy_regime(gp, kNone)) {
      case SecrecyRegime::SharedPlan: return true;
      case SecrecyRegime::Strict: return false;
      case SecrecyRegime::Consent: break;
    }
    return !r.gps()[gp].strict_stance && r.draw(n, Purpose::Intervention) < r.params().consent.share_info_prob;
  }
  void handle(Replicate& r, std::uint32_t n, std::uint32_t service, std::uint32_t gp) {
    Need& need = r.need(n);
    need.handler = self_;
    max_active_ = std::max(max_active_, ++active_);
    spend(r, p_.handling_minutes);
    const bool info = shares_info(r, n, gp);
    if (complex(need)) {
      meetings_.insert(need.serial);
      spend(r, p_.meeting_minutes + p_.meeting_prep_minutes);
      // The GP comes only sometimes: paid per act, not to meet.
      const bool gp_comes = gp != kNone && r.draw(n, Purpose::Intervention) < p_.meeting_gp_attend_prob;
      if (gp_comes) r.gp_minutes(n, GpTask::Coordination, p_.meeting_minutes);
      r.worker_time(p_.meeting_minutes * p_.meeting_workers);
      if (r.measuring()) {
        ++meetings_held_;
        meeting_gp_attended_ += gp_comes ? 1 : 0;
        meeting_gp_minutes_ += gp_comes ? p_.meeting_minutes : 0.0;
        meeting_worker_minutes_ += p_.meeting_minutes * p_.meeting_workers;
        meeting_own_minutes_ += p_.meeting_minutes + p_.meeting_prep_minutes;
      }
    }
    need.shared_plan = true;  // she follows the care project and reports back to the GP
    r.refer(n, service, info, gp, kNone);
  }

  std::uint8_t self_ = kNoHandler;
  std::vector<std::uint8_t> in_catchment_;
  std::uint32_t capacity_ = 0, active_ = 0, max_active_ = 0;
  std::unordered_set<std::uint32_t> meetings_;  // serials of followed needs that had a case meeting
  double week_minutes_ = 0, used_ = 0;  // her working week, and what this week has used
  int week_ = -1;
  double minutes_ = 0, takeovers_ = 0, alerts_ = 0, alert_refusals_ = 0, meetings_held_ = 0, declined_full_ = 0;
  double turned_away_week_ = 0, alerts_waiting_ = 0, meeting_gp_attended_ = 0, meeting_gp_minutes_ = 0;
  double meeting_worker_minutes_ = 0, meeting_own_minutes_ = 0;
};

}  // namespace

void register_coordinator(InterventionRegistry& r) {
  r.add(make_type<Coordinator, CoordinatorParams>(
      "coordinator", "a micro-local coordinator: alerts, GP hand-overs, routing, case meetings; capacity-limited"));
}

}  // namespace models
