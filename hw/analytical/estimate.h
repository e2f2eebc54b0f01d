// Level-1 model: a roofline with latency terms, microseconds per configuration.
//
// Each op of the busiest device of each pipeline stage takes
//   max(compute time, memory time) + launch overhead          (kernels)
//   collective overhead + alpha terms + beta terms             (collectives)
// and ops run one after another, so a stage's time is their sum and the
// breakdown by resource adds up to it exactly. Overlap of communication with
// compute and contention between flows are the SystemC model's business; this
// estimate stays as its oracle in uncontended cases.
//
//   Estimate e = estimate({system, model, precision, mapping, workload});
//   e.tokens_per_second_per_user, e.bound, e.breakdown[Resource::scale_up]
#pragma once

#include <array>
#include <string>
#include <vector>

#include "hw/common/op_timing.h"
#include "hw/system/topology.h"
#include "serving/engine_config.h"
#include "workloads/footprint.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

struct StageEstimate {
  int stage = 0;
  int device = 0;  // the busiest device of the stage, whose ops are timed
  std::int64_t sequences = 0;
  std::vector<Op> ops;
  std::vector<OpTiming> timings;  // one per op
  Seconds time;
  ResourceTimes by_resource;
  Footprint footprint;
};

struct EstimateInput {
  const SystemConfig& system;
  const ModelSpec& model;
  Precision precision;
  Mapping mapping;
  Workload workload;
  const Trace* trace = nullptr;  // time this trace (made elsewhere) instead of generating one
  // false: sums only, identical layers timed once (fast path for sweeps);
  // stages then carry no ops or timings.
  bool per_op = true;
  EngineConfig engine;
};

struct Estimate {
  // Decode: time between a user's tokens. Prefill: time to the first token.
  Seconds step_time;
  TokensPerSecond tokens_per_second_per_user;  // decode only; 0 for a prefill
  TokensPerSecond tokens_per_second_per_replica;
  TokensPerSecond tokens_per_second_per_device;
  TokensPerSecond tokens_per_second_per_system;
  Resource bound = Resource::memory;
  ResourceTimes breakdown;  // of one pass through all stages
  std::vector<StageEstimate> stages;
  Bytes capacity;       // weight memory per chip
  Footprint footprint;  // the fullest device
  bool fits = true;
};

Estimate estimate(const EstimateInput& in);

// What the analytical engine needs besides the step's load.
struct StepContext {
  const SystemConfig& system;
  const ModelSpec& model;
  const Precision& precision;
  const Mapping& mapping;
  const EngineConfig& engine;
};

// One op of `device` starting at `start`, by the charge rules of op_timing.h:
// kernels from compute_time and stream_time, collectives from the closed
// forms over the fabric their group reaches.
OpTiming time_op(const StepContext& ctx, int device, const Op& op, Seconds start);

// The ops of `device`, whose attention rank computes `load` in a step sending
// `stage_tokens` through the stage, timed one after another. `per_op`: keep
// the ops and their timings; else time identical layers once (sums only).
StageEstimate time_device(const StepContext& ctx, const RankLoad& load, std::int64_t stage_tokens, int device,
                          bool per_op);

// One pass through every pipeline stage, stage by stage, as both engines
// report it: the pass ends at the latest stage end; the breakdown sums the
// stages' critical devices; the footprint is the fullest of them.
struct PassTiming {
  std::vector<StageEstimate> stages;
  ResourceTimes breakdown;
  Footprint footprint;
  Seconds time, slowest_stage;
  void add_stage(StageEstimate stage, Seconds stage_end);
};

// The workload of one pass: a pipelined decode keeps pp micro-batches of
// batch/pp sequences in flight; anything else passes the batch through once.
Workload pass_workload(const EstimateInput& in);

// The estimate of a finished pass (either engine's): its stages, breakdown
// and footprint, and from them the step time, throughputs, bound and
// capacity; a pipelined decode keeps pp micro-batches in flight.
Estimate finish_estimate(PassTiming pass, const EstimateInput& in);

}  // namespace tokenfab
