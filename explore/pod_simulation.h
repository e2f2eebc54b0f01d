// Attention-FFN disaggregated decode on a pod as one SystemC simulation: the
// attention pool's GPUs and the FFN pool's LPUs as two replicas in one
// kernel, joined by the pod's interconnect (hw/pod/crossing_engine.h).
//
// Each GPU runs its trace without the FFN ops; where a layer's FFN began it
// sends its hidden states and waits for the output. Each LPU runs the FFN
// ops of its stage's layers, each layer between a receive and a send; the
// stages do not hand activations to one another (the GPUs do, layer by
// layer). The LPUs' program has no launches or host steps (the engine's
// hardware bound), as in the analytical estimate (pod_estimate.h).
//
// The step is the GPUs' last finish. It is split like PodEstimate:
//   attention  the latest GPU's own ops (crossings left out)
//   ffn        per FFN stage, its slowest LPU's own ops, summed over stages
//   crossings  the rest of the step: the flows and their queueing
// Memory is not simulated: the sides' weights, footprints and fits are the
// analytical estimate's.
//
//   PodSimulation s = simulate_pod(input, {.timeline = "out/pod/timeline.json"});
#pragma once

#include <filesystem>
#include <optional>

#include "explore/pod_estimate.h"
#include "hw/pod/crossing_engine.h"

namespace tokenfab {

struct PodSimulationOptions {
  // Perfetto trace-event JSON: a process per simulated GPU and LPU (a track
  // per resource) and one for the interconnect (a track per port used).
  std::optional<std::filesystem::path> timeline;
};

struct PodSimulation {
  PodEstimate estimate;             // times from the simulation, memory from the analytical estimate
  std::vector<CrossingFlow> flows;  // every flow of the step
};

PodSimulation simulate_pod(const PodInput& in, const PodSimulationOptions& options = {});

// The other style in one simulation: the GPUs' prefill replica, the LPUs'
// decoding replica and the GPUs-alone decoding replica in one SystemC
// kernel, one step each, time running on: the prefill step, the prompt's KV
// cache over the interconnect (transfer_kv: one flow per prefill GPU and
// decoding NIC), the LPUs' decode step, then the GPUs' own. The requests'
// latencies follow estimate_disaggregated's rule from the simulated times;
// the footprints are the analytical estimate's.
struct DisaggregatedSimulation {
  DisaggregatedEstimate estimate;
  std::vector<CrossingFlow> kv_flows;
};
DisaggregatedSimulation simulate_prefill_decode(const RequestInput& in);

// Both styles in one elaboration (every module built first), style (a)'s
// step then style (b)'s. Each of the three functions may run once per
// process: SystemC elaborates once.
struct PodStyles {
  PodSimulation attention_ffn;
  DisaggregatedSimulation prefill_decode;
};
PodStyles simulate_pod_styles(const PodInput& split, const RequestInput& phases,
                              const PodSimulationOptions& options = {});

}  // namespace tokenfab
