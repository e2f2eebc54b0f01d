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
  // A pipelined decode: the longer of one pass and the slowest stage's work
  // for every micro-batch in flight (finish_estimate derives it).
  Seconds step_time;
  Seconds pass_time;                           // one micro-batch through every stage
  int micro_batches = 1;                       // in flight at once (a pipelined decode), else 1
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
// The footprint is the caller's: what a device holds depends on more than
// the pass it runs (see stage_footprint).
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

// The workload of one pass: a pipelined decode splits the batch into
// micro-batches of ceil(batch/pp) sequences, one per stage at a time;
// anything else passes the batch through once.
Workload pass_workload(const EstimateInput& in);

// The same step with the engine's deployment terms off (the hardware
// bound), routing uniform again: the skew rides on the mapping.
EstimateInput bound_input(const EstimateInput& in);

// How many micro-batches of pass_workload the batch makes: ceil(batch / its
// size), which is pp when the batch fills every stage and the batch itself
// (one sequence each) when it has fewer sequences than stages.
int micro_batches(const EstimateInput& in);

// The model the step runs through: with speculative decoding, the drafting
// model of drafting_model (serving/engine_config.h); a trace's own otherwise.
ModelSpec step_model(const EstimateInput& in);

// What `device` holds during the step through `model` (step_model(in)): its
// layers' weights, the activations of the one pass it runs at a time, and
// the KV cache of every sequence of the batch for its layers, since each
// micro-batch in flight keeps its cache on every stage between its passes.
Footprint stage_footprint(const EstimateInput& in, const ModelSpec& model, int device);

// The estimate of a finished pass (either engine's): its stages, breakdown
// and footprint, and from them the step time, throughputs, bound and
// capacity. A pipelined decode of k = micro_batches(in) micro-batches
// through stages of times t_s (pass time T, the stages and the transfers
// between them) repeats like a ring of k tokens: a micro-batch's next pass
// starts only after its last one ended (T), and each stage serves all k
// micro-batches once per round (k * t_s), so one user's tokens come every
//   max(T, k * max_s t_s),
// and the replica makes batch tokens in that time. With fewer sequences than
// stages k = batch: one user alone waits for nobody and gets a token per T.
Estimate finish_estimate(PassTiming pass, const EstimateInput& in);

}  // namespace tokenfab
