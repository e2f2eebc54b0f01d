// How much faster than real time the serving simulation runs (issue 14's
// target: 100x for a rack serving 1,000 concurrent users with the analytical
// step model): the default run (DeepSeek-R1 on GB200 NVL72, attention-DP 72,
// EP 72, the deployed engine with its MTP drafts), a closed-loop client of
// 1,000 users sending 2,000 requests of 1,024 + 256 nominal tokens (lengths
// uniform in [0.8, 1] x nominal). Reported, not asserted: the counter
// `faster_than_real_time` is simulated seconds over wall seconds.
// Run from the source root: ./build/bench/serve_bench
#include <benchmark/benchmark.h>

#include <chrono>

#include "app/run_config.h"
#include "serving/metrics.h"
#include "serving/replica_setup.h"
#include "serving/simulator.h"

namespace {

void BM_ServeThousandUsers(benchmark::State& state) {
  const tokenfab::LoadedRun run = tokenfab::load_run("configs/runs/default.yaml", {});
  const auto& c = run.config;
  const tokenfab::ReplicaSetup setup(c.system, run.model, c.precision, c.mapping, c.engine, {});
  tokenfab::StepModelConfig config = setup.config();
  config.context_bucket = state.range(0);
  const tokenfab::Scheduler& scheduler = setup.scheduler;
  const tokenfab::ClosedLoop client{.concurrency = 1000, .requests = 2000, .input = {819, 1024}, .output = {205, 256}};
  double simulated = 0, wall = 0, tpot = 0;
  std::size_t steps = 0;
  for (auto _ : state) {
    tokenfab::AnalyticalStepModel model(config);
    const auto t0 = std::chrono::steady_clock::now();
    const tokenfab::ServingRun served = tokenfab::simulate(model, scheduler, client);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double last = 0;
    for (const auto& r : served.requests) last = std::max(last, r.finished.value());
    simulated += last;
    steps += served.steps.size();
    tpot = tokenfab::serving_metrics(served, {}, 1, 1).tpot.p50.value();
  }
  state.counters["faster_than_real_time"] = simulated / wall;
  state.counters["steps"] = static_cast<double>(steps) / static_cast<double>(state.iterations());
  state.counters["wall_per_step_us"] = 1e6 * wall / static_cast<double>(steps);
  state.counters["tpot_p50_ms"] = 1e3 * tpot;
}
// The argument: StepModelConfig::context_bucket (1: every context exact).
BENCHMARK(BM_ServeThousandUsers)->Arg(1)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
