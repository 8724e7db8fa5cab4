// One replicate of one scenario: builds the agents from the setting and the
// replicate's seed, runs the event loop to the horizon, returns its metrics.
// The pathway of a need (MODEL.md §4) is implemented in pathway_*.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/agents.hpp"
#include "models/intervention.hpp"
#include "models/parameters.hpp"
#include "models/recorder.hpp"
#include "models/setting.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"
#include "sim/slot_pool.hpp"

namespace models {

struct RunSpec {
  int replicate = 0;
  std::uint64_t seed = 0;        // the replicate's seed (same for every scenario)
  double horizon_weeks = 104;
  double warmup_weeks = 26;
  // > 0: the scenario's interventions are attached (cloned, set up) at this
  // week, the fork point, rather than at construction — so that the state
  // before it is the baseline's and can be shared (replicate_fork.cpp).
  double attach_week = 0;
};

enum EventKind : std::uint32_t {
  kOnset = 0,   // next need onset (global Poisson process)
  kStep,        // an undisclosed / waiting need: visit, self-referral, escalation, remission
  kAttempt,     // the GP phones a worker
  kCallback,    // the worker returns a missed call
  kDoor,        // the patient arrives at a door
  kCaseEnd,     // a case closes: resolution or failure
  kReturn,      // a failed need comes back
  kWeek,        // weekly bookkeeping
  kIntervention,  // an intervention's own event (target = its index)
  kBackgroundArrival,  // a case from outside the pathway arrives at a service (target = service)
  kBackgroundEnd,      // such a case closes (target = service, aux = worker)
};

using InterventionList = std::vector<std::shared_ptr<const Intervention>>;

struct ReplicateResult {
  std::vector<std::pair<std::string, double>> summary;  // in CONTRACTS.md order, then extras
  Recorder rec;
  std::uint64_t events = 0;
  std::uint64_t residents = 0;
  std::uint32_t gps = 0;
  double wall_seconds = 0;
  double summary_value(const std::string& name) const;
};

class Replicate {
 public:
  Replicate(const Setting& setting, const ModelParams& params, const RunSpec& spec,
            const InterventionList& interventions = {});
  ~Replicate();
  ReplicateResult run();

  // ---- forking from a shared warm-up (replicate_fork.cpp)
  // The replicate without interventions, run up to the fork point
  // spec.attach_week (events before it processed, none at or after it).
  static std::unique_ptr<Replicate> warm_up(const Setting& setting, const ModelParams& params, const RunSpec& spec);
  // A copy of a warm replicate continued to the horizon with `interventions`
  // attached at the fork point: the numbers of run() on a Replicate built
  // with those interventions and the same spec.
  static ReplicateResult run_forked(const Replicate& warm, const InterventionList& interventions);
  // Whether a scenario can branch from the shared warm-up at `fork_week`:
  // every intervention starts at or after it and none changes the setting.
  static bool forkable(const InterventionList& interventions, double fork_week);

  // ---- saved states (replicate_state.cpp; the file: replicate_state_file.hpp)
  // The replicate's whole state, encoded: agents, needs in flight, pending
  // events, ties, random streams, recorder, lazily built indexes, counters,
  // and a fingerprint of what the constructor built from the setting,
  // parameters and seed. Throws RunError when interventions are attached
  // (or pending): their own state is not part of it, so only states without
  // interventions (the shared warm-ups) can be saved.
  std::string save_state() const;
  // The replicate (setting, params, spec) builds, with its state replaced by
  // `bytes` from save_state(): continuing it gives the numbers the saved
  // replicate would have given. Throws InputError naming `what` when the
  // state was made from another setting, parameters, seed or spec, and when
  // the bytes are malformed.
  static std::unique_ptr<Replicate> restore_state(const Setting& setting, const ModelParams& params,
                                                  const RunSpec& spec, std::string_view bytes,
                                                  const std::string& what);
  // Content hash of what the constructor builds and the run never changes
  // without interventions (residents, GPs' places, services' places and
  // hours, the onset table): equal iff built from the same setting and seed.
  std::uint64_t build_fingerprint() const;

  // ---- the interface interventions act through
  const Setting& setting() const { return setting_; }
  const ModelParams& params() const { return p_; }
  bool measuring() const { return rec_.measuring(now_); }
  Need& need(std::uint32_t n) { return needs_[n]; }
  const Need& need(std::uint32_t n) const { return needs_[n]; }
  // Calls f(index) for every need still in the pathway.
  template <class F>
  void for_each_open_need(F f) {
    for (std::uint32_t i = 0; i < needs_.capacity(); ++i)
      if (needs_.in_use(i) && needs_[i].state != NeedState::Chronic) f(i);
  }
  double draw(std::uint32_t n, Purpose p);
  sim::Stream& stream(std::uint32_t self) { return iv_streams_[self]; }
  void schedule_intervention(sim::Minute t, std::uint32_t self, std::uint32_t aux);
  void gp_minutes(std::uint32_t n, GpTask task, double minutes);
  void gp_time(GpTask task, double minutes);  // not tied to a need (meetings)
  void worker_time(double minutes);
  void coordinator_time(double minutes);
  bool knows(std::uint32_t gp, Theme t) const { return gp_knows(gp, t); }
  void learn(std::uint32_t gp, Theme t);
  void strengthen_tie(std::uint32_t gp, std::uint32_t worker, double delta) { touch_tie(gp, worker, delta); }
  std::uint32_t right_service(Theme t, std::uint32_t locality) const;
  std::uint32_t locality_of(std::uint32_t n) const { return residents_.locality[needs_[n].resident]; }
  // The need goes straight to `service` (intake or a correct redirect),
  // disclosed, with or without its medical information; `gp` and `worker`
  // get the report back (kNone: nobody).
  void refer(std::uint32_t n, std::uint32_t service, bool info_shared, std::uint32_t gp, std::uint32_t worker);
  // Back to waiting: the need's next step is drawn again.
  void reconsider(std::uint32_t n) { schedule_step(n); }
  // The secrecy regime in force for a referral from `gp` to `worker` (either
  // may be kNone: then only the scenario's regime, no shared-plan pairing),
  // for interventions that refer needs themselves (coordinator, referent).
  SecrecyRegime secrecy_regime(std::uint32_t gp, std::uint32_t worker) const {
    bool shared_plan = false;
    return regime_for(gp, worker, shared_plan);
  }
  // Acting on a need from an intervention's own event (not from a pathway
  // hook): its pending step becomes stale first, so that it does not fire on
  // a need that has moved on. Only for Undisclosed / WithGp needs.
  // The need is then away from the GP's step process: its medicalised
  // consultations run on (pathway_visits.cpp) until reconsider() or refer().
  void interrupt(std::uint32_t n) {
    needs_[n].epoch = next_epoch_++;
    away_from_gp(n);
  }
  // A resident's knowledge of rights, 0..1 (workshops, information sessions).
  void set_rights_knowledge(std::uint32_t resident, double k) { residents_.knowledge[resident] = quantise(k); }
  // Open cases a service carries at once (e.g. fewer when travel takes time).
  void set_capacity(std::uint32_t service, std::uint32_t cases) { services_[service].capacity = cases > 0 ? cases : 1; }
  // The service moves to `locality` from now on (an intervention's start:
  // shared premises): the right doors and the nearest-service indexes are
  // rebuilt; ties and cases already under way stay as they are.
  void relocate_service(std::uint32_t service, std::uint32_t locality);
  // A variable cost (e.g. per cohort) within the measurement window.
  void add_cost(double eur) {
    if (rec_.measuring(now_)) rec_.cost_eur += eur;
  }

  // The social worker hosted by (or employed in) GP g's practice, kNone if
  // none (MODEL.md §3: multi-professional practices and health houses only).
  std::uint32_t hosted_worker(std::uint32_t g) const { return practice_worker_[gps_[g].practice]; }

  // The service a GP sends need n to (MODEL.md §3: proximity, ties,
  // queues; own_sector_only: among those covering the need's locality
  // first). choose_partner searches indexes built on first use;
  // choose_partner_by_scan is the plain scan over every service that
  // defines it, kept for the tests that check the two agree.
  std::uint32_t choose_partner(std::uint32_t gp, std::uint32_t n, bool own_sector_only);
  std::uint32_t choose_partner_by_scan(std::uint32_t gp, std::uint32_t n, bool own_sector_only) const;
  // A door named without knowing where to send (a GP's guess, a worker's
  // "it's not us, it's…"): one of the `pool` services nearest locality l,
  // any theme, other than `exclude`, picked by the uniform draw u in [0, 1);
  // kNone if there is none.
  std::uint32_t nearby_service(std::uint32_t l, double pool, double u, std::uint32_t exclude = kNone);

  // Read access for tests and interventions.
  const Residents& residents() const { return residents_; }
  const std::vector<Gp>& gps() const { return gps_; }
  const std::vector<Service>& services() const { return services_; }
  const std::vector<Worker>& workers() const { return workers_; }
  const Recorder& recorder() const { return rec_; }
  sim::Minute now() const { return now_; }
  std::size_t open_needs() const { return needs_.alive(); }
  std::uint64_t events() const { return events_; }  // processed so far
  // Relation of a tie at the current time (Occulted if none).
  Relation relation(std::uint32_t gp, std::uint32_t worker) const;
  double trust(std::uint32_t gp, std::uint32_t worker) const;
  std::size_t tie_count(Relation at_least) const;

 private:
  struct Tie {
    std::uint32_t worker;
    float trust;
    sim::Minute last;
  };

  // building (replicate_build.cpp)
  void build_residents(sim::Stream& rng);
  void build_gps(sim::Stream& rng);
  void register_patients(sim::Stream& rng);
  void build_services();
  void build_ties(sim::Stream& rng);
  void build_onset_table();
  void build_right_doors();  // right_service_ from the services' places (replicate_relocate.cpp)
  void build_hosted_workers(sim::Stream& rng);

  // event loop and global processes (replicate.cpp)
  void dispatch(const sim::Event& e);
  void on_onset();
  void on_week();
  void snapshot_week(sim::Minute t);
  ReplicateResult finish(double wall_seconds);
  // run() in parts: the first events, the loop up to (not including) a
  // time, the interventions attached, the rest and the metrics.
  void begin();
  void advance(sim::Minute until);
  void attach(const InterventionList& interventions);
  ReplicateResult complete(double wall_before);
  Replicate(const Replicate& warm, const InterventionList& interventions);  // the fork

  // the pathway (pathway_*.cpp)
  // Rates (per year) of what can happen next to a need nobody works on.
  struct StepRates {
    double visit = 0, extra = 0, self = 0, escalate = 0, remit = 0, alert = 0;
    double total() const { return visit + self + escalate + remit + alert; }
  };
  StepRates step_rates(const Need& need) const;
  void schedule_step(std::uint32_t n);
  void on_step(std::uint32_t n);
  void gp_respond(std::uint32_t n);
  void schedule_attempt(std::uint32_t n);
  void on_attempt(std::uint32_t n);
  void on_callback(std::uint32_t n);
  void refer_by_contact(std::uint32_t n);
  void advise(std::uint32_t n, std::uint32_t service);
  void navigate(std::uint32_t n, std::uint32_t service);
  void on_door(std::uint32_t n);
  void intake(std::uint32_t n, std::uint32_t service);
  void start_case(std::uint32_t n);
  void on_case_end(std::uint32_t n);
  void on_return(std::uint32_t n);
  void close(std::uint32_t n, NeedState final_state);
  void take_from_queue(std::uint32_t s);
  void note_referral(std::uint32_t n) {
    if (needs_[n].referred_at < 0) needs_[n].referred_at = now_;
  }

  // cases from outside the simulated pathway (pathway_background.cpp)
  void start_background();
  void on_background_arrival(std::uint32_t s);
  void start_background_case(std::uint32_t s);
  void on_background_end(std::uint32_t s, std::uint32_t w);

  // medicalised consultations away from the GP (pathway_visits.cpp)
  void away_from_gp(std::uint32_t n) {
    if (needs_[n].visit_from < 0) needs_[n].visit_from = now_;
  }
  void draw_visits(std::uint32_t n, sim::Minute until);  // [visit_from, until), then stop
  void visits_after_close(std::uint32_t n);              // abandoned / chronic: until remission

  // helpers
  double draw_exp_days(std::uint32_t n, Purpose p, double mean_days);
  void push(sim::Minute t, EventKind k, std::uint32_t n);
  void tally(const Need& need, Tally what, double v);
  void gp_minutes_at(std::uint32_t n, GpTask task, double minutes, sim::Minute t);
  bool handles(std::uint32_t service, Theme t) const;
  bool covers(std::uint32_t service, std::uint32_t locality) const;
  std::uint32_t pick_worker(std::uint32_t service, std::uint32_t gp) const;
  bool gp_knows(std::uint32_t gp, Theme t) const;
  double worker_busy(std::uint32_t worker, std::uint32_t gp) const;
  Tie* find_tie(std::uint32_t gp, std::uint32_t worker);
  const Tie* find_tie(std::uint32_t gp, std::uint32_t worker) const;
  double decayed(const Tie& tie, sim::Minute t) const;
  void touch_tie(std::uint32_t gp, std::uint32_t worker, double delta);
  Relation relation_of(double trust) const;
  int rurality_of(std::uint32_t resident) const;

  std::unique_ptr<Setting> own_setting_;  // set when an intervention changes the setting
  const Setting& setting_;
  const ModelParams p_;
  std::vector<std::unique_ptr<Intervention>> iv_;
  std::vector<sim::Stream> iv_streams_;
  InterventionList pending_;  // attached at spec_.attach_week (not copied by a fork)
  SecrecyRegime regime_for(std::uint32_t gp, std::uint32_t worker, bool& shared_plan) const;
  RunSpec spec_;
  sim::Minute horizon_ = 0;
  sim::Minute now_ = 0;
  std::array<std::uint64_t, kPurposes> purpose_keys_{};

  Residents residents_;
  std::vector<Gp> gps_;
  std::vector<Service> services_;
  std::vector<Worker> workers_;
  std::vector<std::vector<Tie>> ties_;  // per GP, few entries
  std::vector<sim::WeeklyHours> hours_;  // 0: GP, 1: worker, 2: network, 3+: service-specific
  std::vector<sim::WeeklyHours> overlap_;  // GP hours ∩ hours_[i]
  std::vector<std::array<std::uint32_t, kThemes>> right_service_;  // [locality][theme]
  std::array<std::vector<std::uint32_t>, kThemes> by_theme_;       // services handling each theme
  // choose_partner's indexes, built lazily per (locality x kThemes + theme):
  // the theme's services nearest the locality first (positions in
  // by_theme_, a prefix extended when a search reaches its end), and the
  // theme's services covering the locality (ascending).
  std::vector<std::vector<std::uint32_t>> partner_order_;
  std::vector<std::vector<std::uint32_t>> covering_;
  std::vector<std::uint8_t> covering_built_;
  // Every service nearest each locality first (a prefix long enough for the
  // guesses and redirects below), built on first use.
  std::vector<std::vector<std::uint32_t>> nearby_;
  const std::vector<std::uint32_t>& covering(std::uint32_t locality, std::size_t theme);
  double mean_trust_ = 0.7;
  std::vector<std::uint32_t> practice_worker_;  // per practice: hosted worker or kNone
  std::vector<sim::Stream> background_rng_;     // per service
  double registered_ = 0;                       // residents with a registered GP

  // onset process: weights per (cell, theme)
  std::vector<double> onset_weights_;
  double onset_rate_per_minute_ = 0;
  double onset_clock_ = 0;  // exact time of the next onset, in minutes (the queue holds its floor)
  sim::Stream onset_rng_;

  sim::EventQueue queue_;
  sim::SlotPool<Need> needs_;
  std::uint32_t next_serial_ = 0;
  std::uint32_t next_epoch_ = 1;
  std::uint64_t events_ = 0;
  std::uint64_t background_events_ = 0;  // of which cases from outside the pathway
  std::uint64_t chronic_alive_ = 0;  // closed as chronic: still open needs
  Recorder rec_;
};

}  // namespace models
