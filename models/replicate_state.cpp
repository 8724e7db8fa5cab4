// A replicate's whole state as bytes and back (issue 15: saved states). The
// encoding lists every member the run changes; what the constructor builds
// and only interventions change (hours, nearest-door tables, the onset
// table) is rebuilt by the constructor on restore and checked against the
// saved build fingerprint instead. The identity "saved, restored and
// continued = uninterrupted" is tested by tests/models/test_replicate_state.cpp.
//
// Pending events are saved in push order, without their sequence numbers:
// pushed again in that order into an empty queue they come out in the same
// (time, push order), which is all the queue's order depends on.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "models/checkpoint.hpp"
#include "models/replicate.hpp"
#include "sim/byte_codec.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

constexpr std::uint32_t kStateMagic = 0x54535052;  // "RPST"

// Every member of these records is listed below. If one fires, the record
// changed: add the new member to the encoding, bump kStateFormat in
// replicate_state_file.hpp, then update the size here.
static_assert(sizeof(Need) == 104, "Need changed: update models/replicate_state.cpp");
static_assert(sizeof(Gp) == 24, "Gp changed: update models/replicate_state.cpp");
static_assert(sizeof(Worker) == 16, "Worker changed: update models/replicate_state.cpp");
static_assert(sizeof(Service) == 112, "Service changed: update models/replicate_state.cpp");
static_assert(sizeof(Residents) == 176, "Residents changed: update models/replicate_state.cpp");
static_assert(std::is_trivially_copyable_v<sim::Stream> && sizeof(sim::Stream) == 32);

void put_stream(sim::ByteWriter& w, const sim::Stream& s) {
  std::uint64_t words[4];
  std::memcpy(words, &s, sizeof words);
  for (std::uint64_t x : words) w.u64(x);
}
sim::Stream get_stream(sim::ByteReader& r) {
  std::uint64_t words[4];
  for (std::uint64_t& x : words) x = r.u64();
  sim::Stream s;
  std::memcpy(&s, words, sizeof words);
  return s;
}

void put_need(sim::ByteWriter& w, const Need& n) {
  for (sim::Minute t : {n.onset, n.retry_at, n.visit_from, n.referred_at, n.intake_at}) w.i64(t);
  for (std::uint32_t v : {n.serial, n.resident, n.epoch, n.service, n.worker, n.gp}) w.u32(v);
  for (std::uint8_t v : {static_cast<std::uint8_t>(n.theme), static_cast<std::uint8_t>(n.state), n.urgency, n.hops,
                         n.attempts, n.handler})
    w.u8(v);
  const unsigned flags = (n.medical ? 1u : 0u) | (n.non_demand ? 2u : 0u) | (n.disclosed ? 4u : 0u) |
                         (n.info_shared ? 8u : 0u) | (n.reassessed ? 16u : 0u) | (n.cohort ? 32u : 0u) |
                         (n.form_done ? 64u : 0u) | (n.shared_plan ? 128u : 0u);
  w.u8(static_cast<std::uint8_t>(flags));
  for (std::uint16_t d : n.draws) w.uint(d);
}
Need get_need(sim::ByteReader& r) {
  Need n;
  for (sim::Minute* t : {&n.onset, &n.retry_at, &n.visit_from, &n.referred_at, &n.intake_at}) *t = r.i64();
  for (std::uint32_t* v : {&n.serial, &n.resident, &n.epoch, &n.service, &n.worker, &n.gp}) *v = r.u32();
  const std::uint8_t theme = r.u8(), state = r.u8();
  if (theme >= kThemes || state > static_cast<std::uint8_t>(NeedState::Chronic)) r.fail("need theme or state out of range");
  n.theme = static_cast<Theme>(theme);
  n.state = static_cast<NeedState>(state);
  for (std::uint8_t* v : {&n.urgency, &n.hops, &n.attempts, &n.handler}) *v = r.u8();
  const std::uint8_t flags = r.u8();
  int bit = 0;
  for (bool* b : {&n.medical, &n.non_demand, &n.disclosed, &n.info_shared, &n.reassessed, &n.cohort, &n.form_done,
                  &n.shared_plan})
    *b = (flags >> bit++) & 1u;
  for (std::uint16_t& d : n.draws) d = r.uint<std::uint16_t>();
  return n;
}

template <class T>
void put_nested(sim::ByteWriter& w, const std::vector<std::vector<T>>& v) {
  w.u64(v.size());
  for (const auto& row : v) w.uints(row);
}
template <class T>
std::vector<std::vector<T>> get_nested(sim::ByteReader& r) {
  std::vector<std::vector<T>> v(r.count(8));
  for (auto& row : v) row = r.uints<T>();
  return v;
}

// Checks that a decoded index lies below `n` (a corrupt file must not make
// the continued run index out of bounds).
void check_index(sim::ByteReader& r, std::uint64_t i, std::uint64_t n, const char* what) {
  if (i >= n) r.fail(std::string(what) + " " + std::to_string(i) + " out of range (" + std::to_string(n) + ")");
}

}  // namespace

std::uint64_t Replicate::build_fingerprint() const {
  sim::ByteWriter w;
  w.uints(residents_.locality);
  w.uints(residents_.cell);
  w.uints(residents_.gp);
  w.uints(residents_.stigma);
  w.uints(residents_.trust);
  for (std::uint32_t c : residents_.cell_start) w.u32(c);
  for (const Gp& g : gps_) {
    w.u32(g.locality);
    w.u32(g.practice);
    w.u8(static_cast<std::uint8_t>(g.profile));
    w.u8(static_cast<std::uint8_t>(g.form));
    w.u8(static_cast<std::uint8_t>(g.young + 2 * g.strict_stance));
    w.f32(g.activity);
    w.u32(g.patients);
  }
  for (const Service& s : services_) {
    w.u32(s.first_worker);
    w.u32(s.workers);
    w.u32(s.hours);
  }
  for (const auto& spec : setting_.services) {
    w.u32(spec.locality);
    w.uints(spec.covers);
    w.u64(spec.themes.to_ullong());
    w.f64(spec.fte);
  }
  w.u64(setting_.territory.size());
  for (const auto& row : right_service_)
    for (std::uint32_t s : row) w.u32(s);
  w.uints(practice_worker_);
  w.f64s(onset_weights_);
  for (double v : {onset_rate_per_minute_, registered_, mean_trust_}) w.f64(v);
  for (std::uint64_t k : purpose_keys_) w.u64(k);
  return content_hash(w.bytes());
}

std::string Replicate::save_state() const {
  if (!iv_.empty() || !pending_.empty())
    throw sim::RunError("a replicate with interventions attached cannot be saved: an intervention's own state is not "
                        "part of a saved state (save the shared warm-up, before the interventions start)");
  sim::ByteWriter w;
  w.u32(kStateMagic);
  w.u64(build_fingerprint());
  w.i64(spec_.replicate);
  w.u64(spec_.seed);
  for (double v : {spec_.horizon_weeks, spec_.warmup_weeks, spec_.attach_week}) w.f64(v);
  w.i64(now_);
  w.i64(horizon_);
  // agents
  w.uints(residents_.locality);
  w.uints(residents_.cell);
  w.uints(residents_.gp);
  w.uints(residents_.knowledge);
  w.uints(residents_.stigma);
  w.uints(residents_.trust);
  w.u64(gps_.size());
  for (const Gp& g : gps_) {
    w.uint(g.knows);
    w.f32(g.activity);
  }
  w.u64(services_.size());
  for (const Service& s : services_) {
    for (std::uint32_t v : {s.capacity, s.active}) w.u32(v);
    w.f64(s.background_rate);  // set when the run begins (pathway_background.cpp)
    w.u64(s.queue.size());
    for (std::uint32_t q : s.queue) w.u32(q);
  }
  w.u64(workers_.size());
  for (const Worker& k : workers_) {
    w.u32(k.active);
    w.f64(k.fte);
  }
  w.u64(ties_.size());
  for (const auto& row : ties_) {
    w.u64(row.size());
    for (const Tie& t : row) {
      w.u32(t.worker);
      w.f32(t.trust);
      w.i64(t.last);
    }
  }
  // lazily built search indexes (caches, saved so that the continued run
  // extends them exactly as the uninterrupted one would)
  put_nested(w, partner_order_);
  put_nested(w, covering_);
  w.uints(covering_built_);
  put_nested(w, nearby_);
  // random streams and the onset process
  w.u64(background_rng_.size());
  for (const auto& s : background_rng_) put_stream(w, s);
  put_stream(w, onset_rng_);
  w.f64(onset_clock_);
  // needs in flight: the whole pool (slot indices are kept: events and
  // queues name needs by slot)
  w.u64(needs_.capacity());
  for (std::uint32_t i = 0; i < needs_.capacity(); ++i) {
    w.u8(needs_.in_use(i) ? 1 : 0);
    if (needs_.in_use(i)) put_need(w, needs_[i]);
  }
  w.uints(needs_.free_slots());
  // pending events, in push order
  std::vector<sim::Event> events;
  events.reserve(queue_.size());
  for (sim::EventQueue q = queue_; !q.empty();) events.push_back(q.pop());
  std::sort(events.begin(), events.end(), [](const sim::Event& a, const sim::Event& b) { return a.seq < b.seq; });
  w.u64(events.size());
  for (const sim::Event& e : events) {
    w.i64(e.time);
    for (std::uint32_t v : {e.kind, e.target, e.tag, e.aux}) w.u32(v);
  }
  for (std::uint64_t v : {std::uint64_t{next_serial_}, std::uint64_t{next_epoch_}, events_, background_events_,
                          chronic_alive_})
    w.u64(v);
  put_recorder(w, rec_);
  return w.take();
}

std::unique_ptr<Replicate> Replicate::restore_state(const Setting& setting, const ModelParams& params,
                                                    const RunSpec& spec, std::string_view bytes,
                                                    const std::string& what) {
  auto rep = std::make_unique<Replicate>(setting, params, spec);
  Replicate& x = *rep;
  sim::ByteReader r(bytes, what);
  if (r.u32() != kStateMagic) r.fail("not a replicate state");
  if (r.u64() != x.build_fingerprint())
    throw sim::InputError(what, 0, 0,
                          "this state was made from another territory, population or parameters (the agents built "
                          "from this experiment differ from the saved ones)");
  const std::int64_t replicate = r.i64();
  const std::uint64_t seed = r.u64();
  const double horizon = r.f64(), warmup = r.f64(), attach = r.f64();
  if (replicate != spec.replicate || seed != spec.seed || horizon != spec.horizon_weeks ||
      warmup != spec.warmup_weeks || attach != spec.attach_week)
    throw sim::InputError(what, 0, 0,
                          "this state is replicate " + std::to_string(replicate) + " (seed " + std::to_string(seed) +
                              ") at week " + std::to_string(attach) + ", not replicate " +
                              std::to_string(spec.replicate) + " (seed " + std::to_string(spec.seed) + ") at week " +
                              std::to_string(spec.attach_week));
  x.now_ = r.i64();
  if (r.i64() != x.horizon_) r.fail("horizon differs");
  const std::size_t people = x.residents_.size();
  auto same_size = [&](std::size_t got, std::size_t want, const char* what_) {
    if (got != want) r.fail(std::string(what_) + ": " + std::to_string(got) + " saved, " + std::to_string(want) + " built");
  };
  // What the run never changes must be what this experiment builds (the
  // fingerprint says so already; checked in full so that no saved index can
  // point outside the territory); knowledge of rights is the residents' state.
  const bool same_residents = r.uints<std::uint16_t>() == x.residents_.locality &&
                              r.uints<std::uint8_t>() == x.residents_.cell &&
                              r.uints<std::uint32_t>() == x.residents_.gp;
  x.residents_.knowledge = r.uints<std::uint8_t>();
  same_size(x.residents_.knowledge.size(), people, "residents");
  if (!same_residents || r.uints<std::uint8_t>() != x.residents_.stigma ||
      r.uints<std::uint8_t>() != x.residents_.trust)
    r.fail("the residents differ from those this experiment builds");
  same_size(r.u64(), x.gps_.size(), "GPs");
  for (Gp& g : x.gps_) {
    g.knows = r.uint<std::uint16_t>();
    g.activity = r.f32();
  }
  same_size(r.u64(), x.services_.size(), "services");
  std::vector<std::vector<std::uint32_t>> queues(x.services_.size());
  for (std::size_t s = 0; s < x.services_.size(); ++s) {
    x.services_[s].capacity = r.u32();
    x.services_[s].active = r.u32();
    x.services_[s].background_rate = r.f64();
    queues[s].resize(r.count(4));
    for (std::uint32_t& q : queues[s]) q = r.u32();
  }
  same_size(r.u64(), x.workers_.size(), "workers");
  for (Worker& k : x.workers_) {
    k.active = r.u32();
    k.fte = r.f64();
  }
  same_size(r.u64(), x.ties_.size(), "GPs' ties");
  for (auto& row : x.ties_) {
    row.resize(r.count(16));
    for (Tie& t : row) {
      t.worker = r.u32();
      check_index(r, t.worker, x.workers_.size(), "tie worker");
      t.trust = r.f32();
      t.last = r.i64();
    }
  }
  // (sized by the constructor; entries are positions in by_theme_ for
  // partner_order_, service indices for the others)
  const std::size_t cells = x.partner_order_.size(), places = x.nearby_.size();
  x.partner_order_ = get_nested<std::uint32_t>(r);
  x.covering_ = get_nested<std::uint32_t>(r);
  x.covering_built_ = r.uints<std::uint8_t>();
  x.nearby_ = get_nested<std::uint32_t>(r);
  if (x.partner_order_.size() != cells || x.covering_.size() != cells || x.covering_built_.size() != cells ||
      x.nearby_.size() != places)
    r.fail("search indexes sized for another territory");
  for (std::size_t k = 0; k < cells; ++k)
    for (std::uint32_t i : x.partner_order_[k]) check_index(r, i, x.by_theme_[k % kThemes].size(), "partner position");
  for (const auto& cover : x.covering_)
    for (std::uint32_t i : cover) check_index(r, i, x.services_.size(), "covering service");
  for (const auto& near : x.nearby_)
    for (std::uint32_t i : near) check_index(r, i, x.services_.size(), "nearby service");
  // the streams of cases from outside the pathway: one per service, made
  // when the run begins
  x.background_rng_.resize(r.count(32));
  if (!x.background_rng_.empty()) same_size(x.background_rng_.size(), x.services_.size(), "background streams");
  for (auto& s : x.background_rng_) s = get_stream(r);
  x.onset_rng_ = get_stream(r);
  x.onset_clock_ = r.f64();
  // the needs' pool: every slot acquired, then the free ones released in order
  const std::size_t slots = r.count(1);
  x.needs_ = sim::SlotPool<Need>();
  x.needs_.reserve(slots);
  std::vector<std::uint8_t> used(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    const std::uint32_t k = x.needs_.acquire();
    used[i] = r.u8();
    if (used[i] > 1) r.fail("need slot flag out of range");
    if (used[i]) {
      x.needs_[k] = get_need(r);
      const Need& n = x.needs_[k];
      check_index(r, n.resident, people, "need resident");
      if (n.service != kNone) check_index(r, n.service, x.services_.size(), "need service");
      if (n.worker != kNone) check_index(r, n.worker, x.workers_.size(), "need worker");
      if (n.gp != kNone) check_index(r, n.gp, x.gps_.size(), "need GP");
      if (n.handler != kNoHandler) r.fail("a need taken over by an intervention (none is attached)");
    }
  }
  const auto free = r.uints<std::uint32_t>();
  std::size_t unused = 0;
  for (std::uint8_t u : used) unused += u == 0;
  if (free.size() != unused) r.fail("free need slots do not match the pool");
  for (std::uint32_t k : free) {
    check_index(r, k, slots, "free need slot");
    if (used[k]) r.fail("a free need slot is in use");
    used[k] = 2;  // released once
    x.needs_.release(k);
  }
  for (std::size_t s = 0; s < queues.size(); ++s) {
    for (std::uint32_t q : queues[s]) {
      if (q != kBackgroundCase) check_index(r, q, slots, "queued need");
      x.services_[s].queue.push_back(q);
    }
  }
  // pending events
  const std::size_t events = r.count(24);
  x.queue_.clear();
  x.queue_.reserve(std::max<std::size_t>(events, 1024));
  for (std::size_t i = 0; i < events; ++i) {
    const sim::Minute t = r.i64();
    const std::uint32_t kind = r.u32(), target = r.u32(), tag = r.u32(), aux = r.u32();
    if (kind > kBackgroundEnd || kind == kIntervention) r.fail("event kind out of range");
    if (t < x.now_) r.fail("event before the state's time");
    if (kind == kBackgroundArrival || kind == kBackgroundEnd) {
      check_index(r, target, x.services_.size(), "event service");
      if (kind == kBackgroundEnd) check_index(r, aux, x.workers_.size(), "event worker");
    } else if (kind != kOnset && kind != kWeek) {
      check_index(r, target, slots, "event need");
    }
    x.queue_.push(t, kind, target, tag, aux);
  }
  x.next_serial_ = static_cast<std::uint32_t>(r.u64());
  x.next_epoch_ = static_cast<std::uint32_t>(r.u64());
  x.events_ = r.u64();
  x.background_events_ = r.u64();
  x.chronic_alive_ = r.u64();
  const int built_weeks = x.rec_.weeks;
  get_recorder(r, x.rec_);
  const Recorder& rec = x.rec_;
  bool sized = rec.by_locality.size() == setting.territory.size() && rec.warmup_end == sim::weeks(spec.warmup_weeks) &&
               rec.horizon == x.horizon_ && rec.weeks == built_weeks;
  for (const auto* v : {&rec.service_occupancy, &rec.service_queue, &rec.service_wait_days,
                        &rec.service_first_appointments})
    sized = sized && v->size() == setting.services.size();
  for (const auto& series : rec.weekly) sized = sized && series.size() == static_cast<std::size_t>(rec.weeks);
  if (!sized) r.fail("recorder sized for another territory or horizon");
  if (!r.done()) r.fail("bytes left over after the state");
  return rep;
}

}  // namespace models
