// Google Benchmark suite: the event queue, whole replicate-years on three
// territories, and replicate-level parallelism. Figures are reported as
// counters (events/s, simulated years/s, bytes per resident, speed-up) and
// the performance targets (bench/README.md) as labels "target ...: met".
// Run with `make bench`; recorded figures and how to read them are in
// bench/README.md.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <new>
#include <string>
#include <thread>
#include <sstream>
#include <fstream>
#include <vector>

#include "models/experiment.hpp"
#include "models/replicate.hpp"
#include "models/run.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

// ---------------------------------------------------------------- heap accounting
// operator new/delete are replaced so that a replicate's memory is measured,
// not estimated: the peak of heap bytes in use during its construction and
// its simulated year, divided by the residents.
namespace {

// Counting is switched on only while a replicate-year is measured, so that
// the threads benchmark does not share one counter's cache line.
std::atomic<bool> g_counting{false};
std::atomic<std::int64_t> g_in_use{0};  // signed: a block allocated before counting may be freed during it
std::atomic<std::int64_t> g_peak{0};

std::int64_t usable(void* p) { return static_cast<std::int64_t>(malloc_usable_size(p)); }
void note_alloc(void* p) {
  if (!p || !g_counting.load(std::memory_order_relaxed)) return;
  const std::int64_t now = g_in_use.fetch_add(usable(p), std::memory_order_relaxed) + usable(p);
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}
void note_free(void* p) {
  if (p && g_counting.load(std::memory_order_relaxed)) g_in_use.fetch_sub(usable(p), std::memory_order_relaxed);
}
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  note_alloc(p);
  return p;
}
void* counted_aligned_alloc(std::size_t n, std::align_val_t al) {
  const auto a = static_cast<std::size_t>(al);
  void* p = std::aligned_alloc(a, (n + a - 1) / a * a);
  if (!p) throw std::bad_alloc();
  note_alloc(p);
  return p;
}
void counted_free(void* p) {
  note_free(p);
  std::free(p);
}

// The peak of heap bytes allocated and not yet freed since start_counting():
// everything the measured code allocates, including what it frees again.
std::size_t heap_peak() { return static_cast<std::size_t>(g_peak.load(std::memory_order_relaxed)); }
void start_counting() {
  g_in_use.store(0, std::memory_order_relaxed);
  g_peak.store(0, std::memory_order_relaxed);
  g_counting.store(true, std::memory_order_relaxed);
}
void stop_counting() { g_counting.store(false, std::memory_order_relaxed); }

}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

namespace {

// CPU seconds of the calling thread (the replicate-year target is per core).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string verdict(bool met) { return met ? "met" : "NOT MET"; }

// ---------------------------------------------------------------- event queue

// The classic "hold" model: a steady queue of `range` pending events; each
// iteration pops the earliest and schedules one later (up to 100,000 minutes,
// ~10 weeks), as the model's handlers do. One iteration = one event.
// Target: 1e7 events per second per core at a département's queue size
// (~45,000 pending needs: the 30,000 and 100,000 rows bracket it).
// BM_EventQueueHold is the queue the model uses (a calendar of minute
// buckets with a far heap); BM_EventHeapHold, its former implementation (the
// 4-ary heap alone), is kept as the reference for the ratio.
struct HeapOnly {  // sim::EventHeap behind EventQueue's push signature
  sim::EventHeap heap;
  std::uint64_t seq = 0;
  void push(sim::Minute t, std::uint32_t kind, std::uint32_t target, std::uint32_t tag = 0) {
    heap.push(sim::Event{t, seq++, kind, target, tag, 0});
  }
  sim::Event pop() { return heap.pop(); }
};

template <class Queue>
void hold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Queue q;
  sim::Stream rng(42);
  for (std::size_t i = 0; i < pending; ++i)
    q.push(static_cast<sim::Minute>(rng.below(1'000'000)), 1, static_cast<std::uint32_t>(i));
  for (auto _ : state) {
    const sim::Event e = q.pop();
    q.push(e.time + 1 + static_cast<sim::Minute>(rng.below(100'000)), e.kind, e.target, e.tag);
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(pending);
}
void BM_EventQueueHold(benchmark::State& state) { hold<sim::EventQueue>(state); }
void BM_EventHeapHold(benchmark::State& state) { hold<HeapOnly>(state); }
BENCHMARK(BM_EventQueueHold)->Arg(1'000)->Arg(30'000)->Arg(100'000)->Arg(1'000'000);
BENCHMARK(BM_EventHeapHold)->Arg(1'000)->Arg(30'000)->Arg(100'000)->Arg(1'000'000);

// Filling then draining: N pushes at random times, then N pops.
void BM_EventQueueFillDrain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  sim::EventQueue q;
  q.reserve(n);
  sim::Stream rng(7);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) q.push(static_cast<sim::Minute>(rng.below(1'000'000)), 0, static_cast<std::uint32_t>(i));
    std::uint64_t sum = 0;
    while (!q.empty()) sum += q.pop().target;
    benchmark::DoNotOptimize(sum);
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueueFillDrain)->Arg(100'000);

// Engine target check on its own row: the hold model at 45,000 pending
// events (a département's steady queue), with the verdict as the label.
void BM_EngineTarget(benchmark::State& state) {
  constexpr std::size_t kPending = 45'000;
  sim::EventQueue q;
  sim::Stream rng(42);
  for (std::size_t i = 0; i < kPending; ++i) q.push(static_cast<sim::Minute>(rng.below(1'000'000)), 1, 0);
  const double cpu0 = thread_cpu_seconds();
  for (auto _ : state) {
    const sim::Event e = q.pop();
    q.push(e.time + 1 + static_cast<sim::Minute>(rng.below(100'000)), e.kind, e.target);
  }
  const double rate = static_cast<double>(state.iterations()) / (thread_cpu_seconds() - cpu0);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel("target >= 1e7 events/s/core: " + verdict(rate >= 1e7));
}
BENCHMARK(BM_EngineTarget);

// ---------------------------------------------------------------- replicate-years

const models::Setting& setting_of(const char* territory) {
  // Built once per territory; a replicate only reads it.
  static std::map<std::string, models::Setting> cache;
  auto it = cache.find(territory);
  if (it == cache.end()) {
    models::Experiment ex;
    ex.territory = territory;
    ex.file = "bench";
    it = cache.emplace(territory, models::build_setting(ex)).first;
  }
  return it->second;
}

// One replicate-year (52 weeks, no warm-up), construction included: the
// residents, GPs, services and ties are built from the seed, then the year
// is simulated. Counters: events/s and simulated years/s (per CPU second),
// residents, peak heap bytes per resident (construction + year, every
// allocation of the replicate), and the residents' own arrays per resident.
void BM_ReplicateYear(benchmark::State& state, const char* territory, double target_seconds) {
  const models::Setting& setting = setting_of(territory);
  const models::ModelParams params = models::default_params();
  double events = 0, cpu = 0;
  std::size_t residents = 0, peak = 0;
  for (auto _ : state) {
    start_counting();
    const double cpu0 = thread_cpu_seconds();
    {
      models::Replicate rep(setting, params, models::RunSpec{0, 7, 52, 0});
      const auto r = rep.run();
      events += static_cast<double>(r.events);
      residents = r.residents;
    }
    cpu += thread_cpu_seconds() - cpu0;
    stop_counting();
    peak = std::max(peak, heap_peak());
  }
  const double per_year = cpu / static_cast<double>(state.iterations());
  const double bytes = static_cast<double>(peak) / static_cast<double>(residents);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["sim_years_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["residents"] = static_cast<double>(residents);
  state.counters["bytes_per_resident"] = bytes;
  state.counters["soa_bytes_per_resident"] = static_cast<double>(models::Residents::bytes_per_resident());
  state.counters["cpu_s_per_year"] = per_year;
  std::string label = "target < 100 B/resident: " + verdict(bytes < 100);
  if (target_seconds > 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; target < %.0f s/replicate-year/core: %s", target_seconds,
                  verdict(per_year < target_seconds).c_str());
    label += buf;
  }
  state.SetLabel(label);
}
BENCHMARK_CAPTURE(BM_ReplicateYear, herbasse, "herbasse", 0.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplicateYear, grand_nancy, "grand-nancy", 0.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplicateYear, departement, "departement", 1.0)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------- threads

// Replicate-level parallelism: models::run_experiment with 4 replicate-years
// of Grand Nancy on 1 then 2 threads (wall time; results are identical
// whatever the thread count, tests/models/test_reproducibility.cpp). The
// 2-thread row reports the speed-up over the 1-thread row.
double g_one_thread_seconds = 0;

void BM_ExperimentThreads(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  static const models::Experiment ex = models::parse_experiment(
      "[experiment]\nname = \"bench-threads\"\nterritory = \"grand-nancy\"\nreplicates = 4\n"
      "horizon_weeks = 52\nwarmup_weeks = 0\nseed = 20261124\n[[scenario]]\nname = \"baseline\"\n",
      "bench-threads.toml");
  const models::Setting& setting = setting_of("grand-nancy");
  models::RunOptions opt;
  opt.threads = threads;
  double wall = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = models::run_experiment(ex, setting, opt);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(res.completed);
  }
  const double per_run = wall / static_cast<double>(state.iterations());
  state.counters["sim_years_per_s"] = benchmark::Counter(4.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
  if (threads == 1) g_one_thread_seconds = per_run;
  if (threads > 1 && g_one_thread_seconds > 0) state.counters["speedup"] = g_one_thread_seconds / per_run;
}
BENCHMARK(BM_ExperimentThreads)->Arg(1)->Arg(2)->UseRealTime()->MinTime(2.0)->Unit(benchmark::kMillisecond);


// ---------------------------------------------------------------- forking

// One warm-up per replicate shared by the scenarios (issue 15): the
// default experiment (4 scenarios, 26-week warm-up of a 104-week horizon)
// with 4 replicates on one thread, in full (arg 0) then forked (arg 1). The
// forked row reports the speed-up and the share of events it did not have
// to simulate (each forked scenario copies the warm-up's events).
// The warm-up events a forked run copies instead of simulating: per warm-up
// group and replicate, every member but one takes the shared state, whose
// events (simulated once) its count includes.
std::uint64_t events_copied_by_forking(const models::Experiment& ex, const models::Setting& setting) {
  const auto plan = models::fork_plan(ex);
  std::uint64_t copied = 0;
  for (std::size_t g = 0; g < plan.groups; ++g) {
    std::size_t members = 0, first = 0;
    for (std::size_t s = ex.scenarios.size(); s-- > 0;)
      if (plan.group[s] == static_cast<int>(g)) ++members, first = s;
    for (int r = 0; r < ex.replicates; ++r) {
      const models::RunSpec spec{r, models::replicate_seed(ex.seed, r), ex.horizon_weeks, ex.warmup_weeks, plan.week};
      copied += (members - 1) * models::Replicate::warm_up(setting, ex.scenarios[first].params, spec)->events();
    }
  }
  return copied;
}

double g_full_seconds = 0;

void BM_DefaultExperimentFork(benchmark::State& state) {
  const bool fork = state.range(0) != 0;
  static const models::Experiment ex = [] {
    models::Experiment e = models::load_experiment(std::string(PASSERELLE_SOURCE_DIR) + "/experiments/default.toml");
    e.replicates = 4;
    return e;
  }();
  static const models::Setting setting = models::build_setting(ex);
  models::RunOptions opt;
  opt.threads = 1;
  opt.fork = fork;
  double wall = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = models::run_experiment(ex, setting, opt);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    events = 0;
    for (const auto& sc : res.scenarios)
      for (const auto& r : sc.replicates) events += r.events;
    benchmark::DoNotOptimize(res.completed);
  }
  if (fork)
    state.counters["events_saved_share"] =
        static_cast<double>(events_copied_by_forking(ex, setting)) / static_cast<double>(events);
  const double per_run = wall / static_cast<double>(state.iterations());
  if (!fork) g_full_seconds = per_run;
  if (fork && g_full_seconds > 0) state.counters["speedup"] = g_full_seconds / per_run;
}
BENCHMARK(BM_DefaultExperimentFork)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same for the uncertainty analysis (experiments/default-uncertainty.toml,
// reduced to its first 4 parameter draws of the 4 options, 2 replicates):
// each draw has its own model parameters, so its own warm-up group; the
// shared-premises option changes the setting and runs in full. Reports the
// speed-up, the events simulated in each mode and the share saved.
double g_uncertainty_full_seconds = 0;
std::uint64_t g_uncertainty_full_events = 0;

void BM_UncertaintyFork(benchmark::State& state) {
  const bool fork = state.range(0) != 0;
  static const models::Experiment ex = [] {
    models::Experiment e =
        models::load_experiment(std::string(PASSERELLE_SOURCE_DIR) + "/experiments/default-uncertainty.toml");
    std::vector<models::ScenarioSpec> kept;
    for (auto& sc : e.scenarios)
      for (int k = 0; k < 4; ++k)
        if (sc.name.size() > 3 && sc.name.ends_with("@d" + std::to_string(k))) kept.push_back(sc);
    e.scenarios = std::move(kept);
    return e;
  }();
  static const models::Setting setting = models::build_setting(ex);
  models::RunOptions opt;
  opt.threads = 1;
  opt.fork = fork;
  double wall = 0;
  std::uint64_t events = 0;  // simulated: each replicate's own, less what forked ones copied
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = models::run_experiment(ex, setting, opt);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    events = 0;
    for (const auto& sc : res.scenarios)
      for (const auto& r : sc.replicates) events += r.events;
    benchmark::DoNotOptimize(res.completed);
  }
  if (fork) events -= events_copied_by_forking(ex, setting);  // simulated, not copied
  const double per_run = wall / static_cast<double>(state.iterations());
  state.counters["scenarios"] = static_cast<double>(ex.scenarios.size());
  state.counters["events_simulated"] = static_cast<double>(events);
  state.counters["wall_s"] = per_run;
  if (!fork) {
    g_uncertainty_full_seconds = per_run;
    g_uncertainty_full_events = events;
  } else if (g_uncertainty_full_seconds > 0) {
    state.counters["speedup"] = g_uncertainty_full_seconds / per_run;
    state.counters["events_saved_share"] =
        1.0 - static_cast<double>(events) / static_cast<double>(g_uncertainty_full_events);
  }
}
BENCHMARK(BM_UncertaintyFork)->Arg(0)->Arg(1)->UseRealTime()->MinTime(2.0)->Unit(benchmark::kMillisecond);

// Issue 14's speed check: the default experiment's uncertainty analysis at
// 500 parameter draws (experiments/default-uncertainty.toml with draws = 500:
// 4 options x 500 draws + 4 = 2,004 scenarios x 2 replicates, forked), on
// every core. Simulation only: writing /uncertainty and the report are
// timed through the binary (experiments/README.md). One iteration.
void BM_Uncertainty500Draws(benchmark::State& state) {
  static const models::Experiment ex = [] {
    const std::string path = std::string(PASSERELLE_SOURCE_DIR) + "/experiments/default-uncertainty.toml";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string toml = text.str();
    const auto at = toml.find("\ndraws = 50\n");
    if (at != std::string::npos) toml.replace(at, 12, "\ndraws = 500\n");
    return models::parse_experiment(toml, path);
  }();
  static const models::Setting setting = models::build_setting(ex);
  models::RunOptions opt;
  opt.threads = std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t events = 0, runs = 0;
  for (auto _ : state) {
    const auto res = models::run_experiment(ex, setting, opt);
    events = runs = 0;
    for (const auto& sc : res.scenarios)
      for (const auto& r : sc.replicates) events += r.events, ++runs;
    benchmark::DoNotOptimize(res.completed);
  }
  state.counters["scenarios"] = static_cast<double>(ex.scenarios.size());
  state.counters["replicate_runs"] = static_cast<double>(runs);
  state.counters["threads"] = static_cast<double>(opt.threads);
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Uncertainty500Draws)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

// A saved state's size (run --save-state, models/replicate_state.cpp): the
// default experiment's replicate at the end of its warm-up, encoded, in
// bytes per resident, the time to save and to restore it (build included),
// and the time the warm-up itself took (build included, one run).
void BM_SavedStateSize(benchmark::State& state) {
  static const models::Experiment ex =
      models::load_experiment(std::string(PASSERELLE_SOURCE_DIR) + "/experiments/default.toml");
  static const models::Setting setting = models::build_setting(ex);
  const models::RunSpec spec{0, models::replicate_seed(ex.seed, 0), ex.horizon_weeks, ex.warmup_weeks,
                             ex.warmup_weeks};
  auto t0 = std::chrono::steady_clock::now();
  const auto warm = models::Replicate::warm_up(setting, ex.scenarios[0].params, spec);
  const double warm_up_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t bytes = 0;
  double save_s = 0, restore_s = 0;
  for (auto _ : state) {
    t0 = std::chrono::steady_clock::now();
    const std::string saved = warm->save_state();
    const auto t1 = std::chrono::steady_clock::now();
    const auto back = models::Replicate::restore_state(setting, ex.scenarios[0].params, spec, saved, "bench");
    save_s += std::chrono::duration<double>(t1 - t0).count();
    restore_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    bytes = saved.size();
    benchmark::DoNotOptimize(back->events());
  }
  const double n = static_cast<double>(state.iterations());
  // Restoring builds the replicate (as a warm-up does) then decodes: it
  // saves time only where the weeks before the fork point cost more than
  // the decoding.
  state.counters["save_ms"] = 1e3 * save_s / n;
  state.counters["restore_ms"] = 1e3 * restore_s / n;
  state.counters["warm_up_ms"] = 1e3 * warm_up_s;
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["residents"] = static_cast<double>(warm->residents().size());
  state.counters["bytes_per_resident"] = static_cast<double>(bytes) / static_cast<double>(warm->residents().size());
  state.counters["open_needs"] = static_cast<double>(warm->open_needs());
}
BENCHMARK(BM_SavedStateSize)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
