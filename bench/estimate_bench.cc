// Speed of the level-1 path: one analytical configuration (trace generation
// plus timing) and its parts, reported in docs/performance.md. Run from the
// source root: ./build/bench/estimate_bench
#include <benchmark/benchmark.h>

#include "app/run_config.h"
#include "hw/analytical/estimate.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

const LoadedRun& default_run() {
  static const LoadedRun run = load_run("configs/runs/default.yaml", {});
  return run;
}

// Argument 0: the sweep path (sums only, identical layers timed once).
// Argument 1: the `tokenfab run` path (every op of every layer timed and kept).
void BM_EstimateDeepSeekR1Decode(benchmark::State& state) {
  const LoadedRun& run = default_run();
  const RunConfig& c = run.config;
  const bool per_op = state.range(0) != 0;
  for (auto _ : state) {
    Estimate e = estimate({c.system, run.model, c.precision, c.mapping, c.workload, nullptr, per_op, c.engine});
    benchmark::DoNotOptimize(e.step_time);
  }
}
BENCHMARK(BM_EstimateDeepSeekR1Decode)->Arg(0)->Arg(1);

void BM_DeviceTraceDeepSeekR1Decode(benchmark::State& state) {
  const LoadedRun& run = default_run();
  const RunConfig& c = run.config;
  for (auto _ : state) {
    DeviceTrace t = generate_device_trace(run.model, c.precision, c.mapping, c.workload, 0);
    benchmark::DoNotOptimize(t.ops.data());
  }
}
BENCHMARK(BM_DeviceTraceDeepSeekR1Decode);

void BM_LoadRunConfig(benchmark::State& state) {
  for (auto _ : state) {
    LoadedRun run = load_run("configs/runs/default.yaml", {});
    benchmark::DoNotOptimize(run.model.layers);
  }
}
BENCHMARK(BM_LoadRunConfig);

}  // namespace
}  // namespace tokenfab
