// Wall time of one decode step of the pod simulated in SystemC (the
// attention-FFN split of explore/pod_simulation.h), DeepSeek-R1 on the VR
// NVL72 + 8 LPX pod by default: 72 GPUs, the LPUs' distinct traces and
// every crossing's flows. Each repetition is a forked child (SystemC
// elaborates once per process). The LPUs' op times come from the emulator's
// cycle predictions, costed once per distinct shape per process: the parent
// costs them first through the analytical estimate of the same step (timed
// and reported apart), so each child's step is a step with its costs
// cached, as every step after a process's first is.
// Run from the source root: ./build/bench/pod_step_bench [repetitions] [pod_run.yaml]
#include <chrono>
#include <cstdio>
#include <string>

#include "app/pod_run.h"
#include "bench/forked_runs.h"
#include "explore/pod_estimate.h"
#include "explore/pod_simulation.h"

extern "C" int sc_main(int, char**) { return 0; }

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::stoi(argv[1]) : 7;
  const std::string file = argc > 2 ? argv[2] : "configs/runs/pod_afd_deepseek_r1.yaml";
  // Loading configs is not part of the step; done once before forking.
  const tokenfab::LoadedPod loaded = tokenfab::load_pod_run(file, {});
  const tokenfab::PodRun& r = loaded.run;
  const tokenfab::PodInput in{r.pod, loaded.model, r.precision, r.attention_mapping, r.ffn_mapping, r.workload, {}};
  const auto c0 = std::chrono::steady_clock::now();
  const tokenfab::PodEstimate first = tokenfab::estimate_pod(in);
  const double costing = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
  if (!(first.step.value() > 0)) return 1;
  const std::vector<double> times = forked_runs(reps, [&] {
    const auto t0 = std::chrono::steady_clock::now();
    const tokenfab::PodSimulation s = tokenfab::simulate_pod(in);
    const auto t1 = std::chrono::steady_clock::now();
    return s.estimate.step.value() > 0 ? std::chrono::duration<double>(t1 - t0).count() : -1.0;
  });
  if (times.empty()) return 1;
  std::printf(
      "systemc pod step of %s on %s (%d GPUs + %d LPUs): median %.2f ms, min %.2f ms over %d runs; "
      "the process's first analytical step, emulator costing included: %.2f ms\n",
      loaded.model.name.c_str(), r.pod.name.c_str(), r.attention_mapping.replica_devices(),
      r.ffn_mapping.replica_devices(), times[times.size() / 2] * 1e3, times.front() * 1e3, reps, costing * 1e3);
  return 0;
}
