// What a serving replica of one mapping needs, built once for `tokenfab
// serve`, deployments and the benchmark alike: the model its steps run
// through (with the draft layers when the engine drafts) and its scheduler
// (the engine's batch limit, its drafts, the KV cache the chip's memory
// leaves).
//
//   ReplicaSetup r(system, model, precision, mapping, engine, {.token_budget = 8192});
//   AnalyticalStepModel steps(r.config());
//   simulate(steps, r.scheduler, load);
#pragma once

#include <optional>

#include "hw/analytical/step_model.h"
#include "serving/simulator.h"

namespace tokenfab {

struct SchedulerLimits {
  std::optional<std::int64_t> max_batch;  // absent: the engine's, else 256
  std::int64_t token_budget = 8192;
  std::int64_t block_tokens = 16;
  std::int64_t batch_wait_steps = 0;
  double batch_wait_tokens_ratio = 0;
  bool reserve_output = false;                                         // Scheduler::reserve_output
  bool prefill_apart = false;                                          // Scheduler::prefill_apart
  bool chunked_prefill = true;                                         // Scheduler::chunked_prefill
  std::int64_t receive_interval = 1;                                   // Scheduler::receive_interval
  std::int64_t balance_timeout_steps = 0, balance_batching_steps = 0;  // Scheduler's
  bool overlap = false;                                                // Scheduler::overlap
  bool operator==(const SchedulerLimits&) const = default;
};

class ReplicaSetup {
 public:
  // `resident` replaces the weights the KV cache is sized around when the
  // replica holds only part of the model (an attention-FFN pod's GPUs).
  ReplicaSetup(const SystemConfig& system, const ModelSpec& model, const Precision& precision, const Mapping& mapping,
               const EngineConfig& engine, const SchedulerLimits& limits, std::optional<Bytes> resident = {});
  // The step model's configuration; decodes timed at contexts rounded up to
  // `context_bucket` (StepModelConfig::context_bucket).
  StepModelConfig config(std::int64_t context_bucket = 1) const {
    return {system_, stepped_, precision_, mapping_, engine_, false, context_bucket};
  }
  Scheduler scheduler;
  std::int64_t kv_tokens = 0;  // the KV cache's tokens, all ranks

 private:
  SystemConfig system_;
  ModelSpec stepped_;
  Precision precision_;
  Mapping mapping_;
  EngineConfig engine_;
};

}  // namespace tokenfab
