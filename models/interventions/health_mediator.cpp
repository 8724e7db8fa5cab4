// `health_mediator`: mediators accompany people to their appointments after
// a referral (BRIEF.md: CCAS levers, "health mediators"; "people rarely book
// follow-up appointments themselves; nobody knows whether they go"). When
// an eligible patient of the catchment sets off to a door, a mediator with
// room takes them on (a first meeting) and then goes with them to each door:
// at the door they drop out less, and a mediator who knows the services
// takes them to the right one instead of the one they were told. The effect
// is the pathway's own: fewer abandoned needs and fewer wrong-door hops, for
// the needs accompanied only. Capacity binds twice: people followed at once
// (FTE x caseload) and working time (FTE x hours a week): a patient met when
// the list or the week is full goes alone, counted. Her minutes are counted.
#include <algorithm>
#include <unordered_map>

#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"
#include "models/replicate.hpp"

namespace models {
namespace {

struct MediatorParams {
  Schedule schedule;
  std::vector<std::string> catchment;
  double fte = 1.0;
  double hours_per_week = 35;
  double people_per_fte = 40;
  double take_on_minutes = 60;
  double door_minutes = 150;
  double dropout_reduction = 0.6;
  double right_door_prob = 0.9;
  bool precarious_only = true;
};

class HealthMediator : public InterventionBase<HealthMediator, MediatorParams> {
 public:
  using InterventionBase::InterventionBase;
  std::string_view type() const override { return "health_mediator"; }
  static double size(const MediatorParams& p) { return p.fte; }
  static const sim::ParamTable<MediatorParams>& table() {
    static const auto instance = [] {
      using P = MediatorParams;
      using M = sim::ParamTable<P>::Meta;
      sim::ParamTable<P> t;
      declare_schedule(t, 2000, 45000, "assumed (one mediator's salary and costs, per FTE)", "FTE");
      t.strings("catchment", [](P& p) -> auto& { return p.catchment; }, {"all"}, nullptr,
                "locality names or \"all\"", M{"", "localities served", "assumed"});
      t.real("fte", [](P& p) -> auto& { return p.fte; }, 1.0, kMinFte, 1000,
             M{"FTE", "mediators (the running cost is paid per FTE)", "assumed"});
      t.real("hours_per_week", [](P& p) -> auto& { return p.hours_per_week; }, 35, 1, 80,
             M{"h/week", "working time of one FTE: the week's accompaniments fit in it", "assumed (French 35-hour week)"});
      t.real("people_per_fte", [](P& p) -> auto& { return p.people_per_fte; }, 40, 1, 10000,
             M{"people", "people followed at once per FTE", "assumed"});
      t.real("take_on_minutes", [](P& p) -> auto& { return p.take_on_minutes; }, 60, 0, 6000,
             M{"min", "first meeting with a person taken on", "assumed"});
      t.real("door_minutes", [](P& p) -> auto& { return p.door_minutes; }, 150, 0, 6000,
             M{"min", "accompanying a person to one door (travel, waiting, the appointment)", "assumed"});
      t.real("dropout_reduction", [](P& p) -> auto& { return p.dropout_reduction; }, 0.6, 0, 1,
             M{"share", "fall of the drop-out at a door when accompanied", "assumed (field: levers, health mediators)"});
      t.real("right_door_prob", [](P& p) -> auto& { return p.right_door_prob; }, 0.9, 0, 1,
             M{"probability", "an accompanied person is taken to the right door when sent to a wrong one",
               "assumed (the mediator knows the local services)"});
      t.boolean("precarious_only", [](P& p) -> auto& { return p.precarious_only; }, true,
                M{"", "only precarious residents are accompanied", "assumed"});
      return t;
    }();
    return instance;
  }

  void check(const Setting& s) const override { resolve_localities(s, p_.catchment, "health_mediator.catchment"); }

  void setup(Replicate& r, std::uint32_t) override {
    in_catchment_.assign(r.setting().territory.size(), 0);
    for (auto l : resolve_localities(r.setting(), p_.catchment, "health_mediator.catchment")) in_catchment_[l] = 1;
    list_size_ = static_cast<std::size_t>(p_.fte * p_.people_per_fte + 1e-9);
    week_minutes_ = p_.fte * p_.hours_per_week * 60.0;
  }

  void at_door(Replicate& r, std::uint32_t n) override {
    if (!p_.schedule.started(r.now())) return;
    Need& need = r.need(n);
    if (!eligible(r, need)) return;
    auto it = followed_.find(n);
    if (it != followed_.end() && it->second != need.serial) {  // the slot holds another need now
      followed_.erase(it);
      it = followed_.end();
    }
    if (it == followed_.end()) {
      // Recognition ramps up: partners send people to her more and more.
      if (r.draw(n, Purpose::Intervention) >= p_.schedule.ramp(r.now())) return;
      if (followed_.size() >= list_size_) release_finished(r);
      if (followed_.size() >= list_size_) return decline(r, declined_list_);
      if (!spend(r, p_.take_on_minutes + p_.door_minutes)) return decline(r, declined_week_);
      followed_.emplace(n, need.serial);
      if (r.measuring()) ++taken_on_;
    } else if (!spend(r, p_.door_minutes)) {
      return decline(r, declined_week_);  // no time this week: alone to this door
    }
    if (r.measuring()) ++doors_;
    accompanied_now_ = need.serial;
    accompanied_at_ = r.now();
    // She knows where the need belongs: the right door, most of the time.
    const std::uint32_t right = r.right_service(need.theme, r.locality_of(n));
    if (right != kNone && need.service != right && r.draw(n, Purpose::Intervention) < p_.right_door_prob) {
      need.service = right;
      if (r.measuring()) ++redirected_;
    }
  }

  double dropout_factor(const Replicate& r, const Need& need) const override {
    return need.serial == accompanied_now_ && r.now() == accompanied_at_ ? 1.0 - p_.dropout_reduction : 1.0;
  }

  void on_case_end(Replicate& r, std::uint32_t n, bool) override {
    if (auto it = followed_.find(n); it != followed_.end() && it->second == r.need(n).serial) followed_.erase(it);
  }

  void report(const Replicate& r, std::vector<std::pair<std::string, double>>& out) const override {
    const double available = week_minutes_ * r.recorder().weeks;
    out.emplace_back("mediator_people_taken_on", taken_on_);
    out.emplace_back("mediator_doors_accompanied", doors_);
    out.emplace_back("mediator_right_door_redirects", redirected_);
    out.emplace_back("mediator_declined_list_full", declined_list_);
    out.emplace_back("mediator_declined_week_full", declined_week_);
    out.emplace_back("mediator_minutes", minutes_);
    out.emplace_back("mediator_utilisation", available > 0 ? minutes_ / available : 0.0);
  }

  std::string_view unit_of(std::string_view field) const override {
    static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"mediator_people_taken_on", "needs"},
        {"mediator_doors_accompanied", "doors"},
        {"mediator_right_door_redirects", "doors"},
        {"mediator_declined_list_full", "doors"},
        {"mediator_declined_week_full", "doors"},
        {"mediator_minutes", "min"},
        {"mediator_utilisation", "share"},
    };
    return lookup_unit(kUnits, field);
  }

 private:
  bool eligible(const Replicate& r, const Need& need) const {
    if (!in_catchment_[r.residents().locality[need.resident]]) return false;
    return !p_.precarious_only || r.residents().precarious(need.resident);
  }
  // The week's working time binds: an accompaniment fits whole or not at all.
  bool spend(Replicate& r, double minutes) {
    const int week = sim::week_index(r.now());
    if (week != week_) {
      week_ = week;
      used_ = 0;
    }
    if (used_ + minutes > week_minutes_ + 1e-9) return false;
    used_ += minutes;
    if (r.measuring()) minutes_ += minutes;
    return true;
  }
  void decline(const Replicate& r, double& counter) {
    if (r.measuring()) ++counter;
  }
  // People who left the pathway (abandoned, chronic, resolved) free their place.
  void release_finished(const Replicate& r) {
    std::erase_if(followed_, [&](const auto& kv) {
      const Need& need = r.need(kv.first);
      return need.serial != kv.second ||
             (need.state != NeedState::Navigating && need.state != NeedState::Queued && need.state != NeedState::InCase);
    });
  }

  std::vector<std::uint8_t> in_catchment_;
  std::size_t list_size_ = 0;
  double week_minutes_ = 0;
  std::unordered_map<std::uint32_t, std::uint32_t> followed_;  // need slot -> serial
  std::uint32_t accompanied_now_ = kNone;  // serial of the need at the door right now
  sim::Minute accompanied_at_ = -1;
  int week_ = -1;
  double used_ = 0;
  double minutes_ = 0, taken_on_ = 0, doors_ = 0, redirected_ = 0, declined_list_ = 0, declined_week_ = 0;
};

}  // namespace

void register_health_mediator(InterventionRegistry& r) {
  r.add(make_type<HealthMediator, MediatorParams>(
      "health_mediator", "mediators accompany people to their doors: fewer drop-outs and wrong doors, within their hours"));
}

}  // namespace models
