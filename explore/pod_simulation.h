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
// Once per process: SystemC elaborates once.
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

}  // namespace tokenfab
