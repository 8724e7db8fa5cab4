// Google Benchmark suite: engine operations and whole replicate-years.
// Figures are reported as counters: events/s, simulated years/s, bytes per
// resident. Run with `make bench`.
#include <benchmark/benchmark.h>

#include "models/experiment.hpp"
#include "models/replicate.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace {

void BM_EventQueuePushPop(benchmark::State& state) {
  // A steady queue of `range` pending events: pop one, push one later.
  const auto pending = static_cast<std::size_t>(state.range(0));
  sim::EventQueue q;
  sim::Stream rng(42);
  for (std::size_t i = 0; i < pending; ++i) q.push(static_cast<sim::Minute>(rng.below(1'000'000)), 1, 0);
  for (auto _ : state) {
    const sim::Event e = q.pop();
    q.push(e.time + 1 + static_cast<sim::Minute>(rng.below(100'000)), e.kind, e.target);
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueuePushPop)->Arg(1'000)->Arg(100'000);

void BM_ReplicateYear(benchmark::State& state, const char* territory) {
  models::Experiment ex;
  ex.territory = territory;
  ex.file = "bench";
  const models::Setting setting = models::build_setting(ex);
  const models::ModelParams params = models::default_params();
  double events = 0;
  std::size_t residents = 0;
  for (auto _ : state) {
    models::Replicate rep(setting, params, models::RunSpec{0, 7, 52, 0});
    const auto r = rep.run();
    events += static_cast<double>(r.events);
    residents = r.residents;
  }
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["sim_years_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["residents"] = static_cast<double>(residents);
  state.counters["bytes_per_resident"] = static_cast<double>(models::Residents::bytes_per_resident());
}
BENCHMARK_CAPTURE(BM_ReplicateYear, herbasse, "herbasse")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplicateYear, grand_nancy, "grand-nancy")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
