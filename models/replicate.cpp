// The event loop of one replicate, the global processes (onsets, weekly
// bookkeeping), the shared helpers of the pathway, and the final metrics.
#include "models/replicate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace models {

namespace {

// A private copy of the setting only when an intervention changes it.
std::unique_ptr<Setting> adapted(const Setting& s, const InterventionList& ivs) {
  std::unique_ptr<Setting> out;
  for (const auto& iv : ivs) {
    Setting probe = out ? *out : s;
    iv->adapt_setting(probe);
    out = std::make_unique<Setting>(std::move(probe));
  }
  return out;
}

}  // namespace

Replicate::Replicate(const Setting& setting, const ModelParams& params, const RunSpec& spec,
                     const InterventionList& interventions)
    : own_setting_(adapted(setting, interventions)),
      setting_(own_setting_ ? *own_setting_ : setting),
      p_(params),
      spec_(spec) {
  horizon_ = sim::weeks(spec.horizon_weeks);
  rec_.init(sim::weeks(spec.warmup_weeks), horizon_, setting_.territory.size(), setting_.services.size());
  for (std::size_t k = 0; k < kPurposes; ++k)
    purpose_keys_[k] = sim::derive_seed(spec.seed, 0x6e656564 /* "need" */, k);
  sim::Stream pop(spec.seed, 0, "population"), gps(spec.seed, 0, "gps"), ties(spec.seed, 0, "ties");
  onset_rng_ = sim::Stream(spec.seed, 0, "onset");
  build_residents(pop);
  build_gps(gps);
  register_patients(pop);
  build_services();
  build_ties(ties);
  build_onset_table();
  sim::Stream practices(spec.seed, 0, "practices");
  build_hosted_workers(practices);
  if (spec.attach_week > 0) pending_ = interventions;  // attached at the fork point (run())
  else attach(interventions);
}

void Replicate::attach(const InterventionList& interventions) {
  for (std::uint32_t i = 0; i < interventions.size(); ++i) {
    iv_.push_back(interventions[i]->clone());
    iv_streams_.emplace_back(spec_.seed, i, "intervention:" + std::string(iv_.back()->type()));
  }
  for (std::uint32_t i = 0; i < iv_.size(); ++i) iv_[i]->setup(*this, i);
}

Replicate::~Replicate() = default;

// ---------------------------------------------------------------- helpers

double Replicate::draw(std::uint32_t n, Purpose p) {
  Need& need = needs_[n];
  const auto k = static_cast<std::size_t>(p);
  return sim::counter_uniform(purpose_keys_[k], need.serial, need.draws[k]++);
}

double Replicate::draw_exp_days(std::uint32_t n, Purpose p, double mean_days) {
  if (mean_days <= 0) return 0;
  return -std::log1p(-draw(n, p)) * mean_days;
}

void Replicate::push(sim::Minute t, EventKind k, std::uint32_t n) {
  queue_.push(t, k, n, needs_[n].epoch);
}

int Replicate::rurality_of(std::uint32_t r) const {
  return static_cast<int>(setting_.territory.locality(residents_.locality[r]).rurality);
}

void Replicate::tally(const Need& need, Tally what, double v) {
  // Events count when they happen inside the window (as the summary's
  // counters do), the needs' fates by cohort (as the summary's needs do).
  if (is_event_tally(what) ? !rec_.measuring(now_) : !need.cohort) return;
  const std::uint32_t r = need.resident;
  rec_.tally(what, need.theme, residents_.precarious(r), rurality_of(r), residents_.locality[r], v);
}

void Replicate::gp_time(GpTask task, double minutes) {
  if (!rec_.measuring(now_)) return;
  rec_.gp_minutes[static_cast<std::size_t>(task)] += minutes;
  rec_.add_weekly(Weekly::GpSocialMinutes, now_, minutes);
}

void Replicate::worker_time(double minutes) {
  if (rec_.measuring(now_)) rec_.worker_minutes += minutes;
}

void Replicate::coordinator_time(double minutes) {
  if (rec_.measuring(now_)) rec_.coordinator_minutes += minutes;
}

void Replicate::learn(std::uint32_t gp, Theme t) {
  gps_[gp].knows = static_cast<std::uint16_t>(gps_[gp].knows | (1u << idx(t)));
}

void Replicate::schedule_intervention(sim::Minute t, std::uint32_t self, std::uint32_t aux) {
  queue_.push(std::max(t, now_), kIntervention, self, 0, aux);
}

void Replicate::refer(std::uint32_t n, std::uint32_t service, bool info_shared, std::uint32_t gp,
                      std::uint32_t worker) {
  Need& need = needs_[n];
  need.disclosed = true;
  need.info_shared = info_shared || !need.medical;
  away_from_gp(n);
  note_referral(n);
  need.gp = gp;
  need.worker = worker;
  if (service == kNone) return close(n, NeedState::Chronic);
  need.service = service;
  if (covers(service, residents_.locality[need.resident])) return intake(n, service);
  navigate(n, right_service(need.theme, residents_.locality[need.resident]));
}

void Replicate::gp_minutes(std::uint32_t n, GpTask task, double minutes) { gp_minutes_at(n, task, minutes, now_); }

void Replicate::gp_minutes_at(std::uint32_t n, GpTask task, double minutes, sim::Minute t) {
  if (!rec_.measuring(t)) return;
  rec_.gp_minutes[static_cast<std::size_t>(task)] += minutes;
  rec_.add_weekly(Weekly::GpSocialMinutes, t, minutes);
  const std::uint32_t r = needs_[n].resident;
  rec_.tally(Tally::GpMinutes, needs_[n].theme, residents_.precarious(r), rurality_of(r), residents_.locality[r], minutes);
}

bool Replicate::handles(std::uint32_t s, Theme t) const { return setting_.services[s].themes.test(idx(t)); }
bool Replicate::covers(std::uint32_t s, std::uint32_t l) const { return setting_.services[s].covers[l] != 0; }
std::uint32_t Replicate::right_service(Theme t, std::uint32_t l) const { return right_service_[l][idx(t)]; }

// ---------------------------------------------------------------- ties

Replicate::Tie* Replicate::find_tie(std::uint32_t gp, std::uint32_t worker) {
  for (auto& t : ties_[gp])
    if (t.worker == worker) return &t;
  return nullptr;
}
const Replicate::Tie* Replicate::find_tie(std::uint32_t gp, std::uint32_t worker) const {
  for (const auto& t : ties_[gp])
    if (t.worker == worker) return &t;
  return nullptr;
}

double Replicate::decayed(const Tie& tie, sim::Minute t) const {
  const double days = sim::to_days(t - tie.last);
  return tie.trust * std::exp2(-days / p_.ties.half_life_days);
}

Relation Replicate::relation_of(double trust) const {
  if (trust >= p_.ties.collaboration_threshold) return Relation::Collaboration;
  if (trust >= p_.ties.cooperation_threshold) return Relation::Cooperation;
  if (trust >= p_.ties.instrumental_floor) return Relation::Instrumental;
  return Relation::Occulted;
}

Relation Replicate::relation(std::uint32_t gp, std::uint32_t worker) const {
  const Tie* t = find_tie(gp, worker);
  return t ? relation_of(decayed(*t, now_)) : Relation::Occulted;
}

double Replicate::trust(std::uint32_t gp, std::uint32_t worker) const {
  const Tie* t = find_tie(gp, worker);
  return t ? decayed(*t, now_) : 0.0;
}

// A contact: creates the tie (instrumental) or refreshes it, then applies
// the outcome's trust change. Decay restarts from the contact.
void Replicate::touch_tie(std::uint32_t gp, std::uint32_t worker, double delta) {
  Tie* t = find_tie(gp, worker);
  if (!t) {
    ties_[gp].push_back(Tie{worker, static_cast<float>(p_.ties.initial_trust), now_});
    t = &ties_[gp].back();
  } else {
    t->trust = static_cast<float>(std::max(decayed(*t, now_), p_.ties.instrumental_floor));
    t->last = now_;
  }
  t->trust = static_cast<float>(std::clamp(t->trust + delta, 0.0, 1.0));
}

std::size_t Replicate::tie_count(Relation at_least) const {
  std::size_t n = 0;
  for (const auto& v : ties_)
    for (const auto& t : v)
      if (relation_of(decayed(t, now_)) >= at_least) ++n;
  return n;
}

// ---------------------------------------------------------------- loop

ReplicateResult Replicate::run() {
  const auto t0 = std::chrono::steady_clock::now();
  begin();
  if (spec_.attach_week > 0) {
    const sim::Minute fork = std::min(sim::weeks(spec_.attach_week), horizon_);
    advance(fork);
    now_ = fork;
    attach(pending_);
    pending_.clear();
  }
  return complete(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

void Replicate::begin() {
  queue_.reserve(1024);
  if (onset_rate_per_minute_ > 0) {
    onset_clock_ = onset_rng_.exponential(onset_rate_per_minute_);
    queue_.push(static_cast<sim::Minute>(onset_clock_), kOnset, 0);
  }
  queue_.push(sim::kMinutesPerWeek, kWeek, 0);
  start_background();
}

void Replicate::advance(sim::Minute until) {
  while (!queue_.empty() && queue_.top().time < until) {
    const sim::Event e = queue_.pop();
    now_ = e.time;
    ++events_;
    dispatch(e);
  }
}

ReplicateResult Replicate::complete(double wall_before) {
  const auto t0 = std::chrono::steady_clock::now();
  advance(horizon_);
  now_ = horizon_;
  // The week event at the horizon itself is never popped: take the last
  // week's snapshot here so that the final week is not left at zero.
  snapshot_week(horizon_ - 1);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return finish(wall_before + wall);
}

void Replicate::dispatch(const sim::Event& e) {
  if (e.kind == kOnset) return on_onset();
  if (e.kind == kWeek) return on_week();
  if (e.kind == kIntervention) return iv_[e.target]->on_event(*this, e.aux);
  if (e.kind == kBackgroundArrival || e.kind == kBackgroundEnd) {
    ++background_events_;
    if (e.kind == kBackgroundArrival) return on_background_arrival(e.target);
    return on_background_end(e.target, e.aux);
  }
  const std::uint32_t n = e.target;
  if (needs_[n].epoch != e.tag) return;  // the need moved on since: stale
  switch (e.kind) {
    case kStep: return on_step(n);
    case kAttempt: return on_attempt(n);
    case kCallback: return on_callback(n);
    case kDoor: return on_door(n);
    case kCaseEnd: return on_case_end(n);
    case kReturn: return on_return(n);
    default: return;
  }
}

void Replicate::on_onset() {
  // The next onset of the whole population, then who and which type.
  // The process runs on a continuous clock: at France scale several needs
  // arise within one minute, and rounding each gap up to a minute would cap
  // onsets at one a minute.
  onset_clock_ += onset_rng_.exponential(onset_rate_per_minute_);
  queue_.push(static_cast<sim::Minute>(onset_clock_), kOnset, 0);
  const std::size_t k = onset_rng_.discrete(onset_weights_);
  const std::size_t cell = k / kThemes;
  const std::uint32_t lo = residents_.cell_start[cell], hi = residents_.cell_start[cell + 1];
  if (hi == lo) return;
  const std::uint32_t r = lo + static_cast<std::uint32_t>(onset_rng_.below(hi - lo));

  const std::uint32_t n = needs_.acquire();
  Need& need = needs_[n];
  need.serial = next_serial_++;
  need.epoch = next_epoch_++;
  need.resident = r;
  need.onset = now_;
  need.theme = static_cast<Theme>(k % kThemes);
  need.cohort = rec_.measuring(now_);
  const auto t = idx(need.theme);
  need.medical = draw(n, Purpose::Profile) < p_.needs.medical_share[t];
  need.non_demand = draw(n, Purpose::Profile) < p_.needs.non_demand_prob[t];
  need.urgency = draw(n, Purpose::Profile) < p_.needs.urgent_share ? 2 : 1;
  if (need.cohort) {
    rec_.onset += 1;
    tally(need, Tally::Onset, 1);
    rec_.add_weekly(Weekly::NeedsOnset, now_, 1);
  }
  schedule_step(n);
}

void Replicate::on_week() {
  queue_.push(now_ + sim::kMinutesPerWeek, kWeek, 0);
  snapshot_week(now_ - 1);  // the week just finished
}

void Replicate::snapshot_week(sim::Minute t) {
  // Stock variables (queues, open needs, ties) as they stand at minute t,
  // recorded against the week that contains t.
  if (!rec_.measuring(t)) return;
  const int w = rec_.week_of(t);
  if (w < 0 || w >= rec_.weeks) return;
  const auto wi = static_cast<std::size_t>(w);
  double queued = 0, active = 0, places = 0;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const Service& sv = services_[s];
    queued += static_cast<double>(sv.queue.size());
    active += sv.active;
    places += sv.capacity;
    rec_.service_occupancy[s] += static_cast<double>(sv.active) / sv.capacity;
    rec_.service_queue[s] += static_cast<double>(sv.queue.size());
  }
  ++rec_.snapshots;
  rec_.weekly[static_cast<std::size_t>(Weekly::WorkerOccupancy)][wi] = places > 0 ? active / places : 0.0;
  rec_.weekly[static_cast<std::size_t>(Weekly::QueueLength)][wi] = queued;
  rec_.weekly[static_cast<std::size_t>(Weekly::NeedsOpen)][wi] = static_cast<double>(needs_.alive() + chronic_alive_);
  rec_.weekly[static_cast<std::size_t>(Weekly::CollaborationTies)][wi] =
      static_cast<double>(tie_count(Relation::Collaboration));
}

}  // namespace models
