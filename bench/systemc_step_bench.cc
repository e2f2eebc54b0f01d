// Wall time of one SystemC decode step, DeepSeek-R1 on a 72-GPU GB200 NVL72
// rack (the shipped default run). SystemC elaborates once per process, so
// each repetition is a forked child that simulates once and reports its time
// through a pipe; the parent never touches SystemC (toolchain.md §5).
// Run from the source root: ./build/bench/systemc_step_bench [repetitions] [run.yaml]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "app/run_config.h"
#include "bench/forked_runs.h"
#include "hw/rack/rack.h"

extern "C" int sc_main(int, char**) { return 0; }

namespace {

// Child: simulate once; returns seconds spent in simulate_step.
double one_step(const tokenfab::LoadedRun& run) {
  const auto& c = run.config;
  tokenfab::EstimateInput in{c.system, run.model, c.precision, c.mapping, c.workload, nullptr, true, c.engine};
  auto t0 = std::chrono::steady_clock::now();
  tokenfab::Estimate e = tokenfab::simulate_step(in);
  auto t1 = std::chrono::steady_clock::now();
  if (e.step_time.value() <= 0) return -1;
  return std::chrono::duration<double>(t1 - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::stoi(argv[1]) : 7;
  const std::string file = argc > 2 ? argv[2] : "configs/runs/default.yaml";
  // Loading configs is not part of the step; do it once before forking.
  tokenfab::LoadedRun run = tokenfab::load_run(file, {});
  const std::vector<double> times = forked_runs(reps, [&] { return one_step(run); });
  if (times.empty()) return 1;
  std::printf("systemc decode step of %s on %s (%d devices): median %.2f ms, min %.2f ms over %d runs\n",
              run.model.name.c_str(), run.config.system.name.c_str(), run.config.mapping.replica_devices(),
              times[times.size() / 2] * 1e3, times.front() * 1e3, reps);
  return 0;
}
