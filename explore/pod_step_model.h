// Attention-FFN disaggregated decode as a step model for the serving
// simulation: each step of a batch is timed by estimate_pod
// (explore/pod_estimate.h) on the pod's attention GPUs and FFN LPUs, so that
// a pod can serve a request stream like any replica.
//
//   PodStepModel steps(input);   // input.workload is replaced step by step
//   StepResult r = steps.time_step(batch);
//
// The pod's estimate takes one context and one count of new tokens for the
// whole batch; a step's mixed batch is timed as its sequences at their mean
// context (rounded up to `context_bucket` tokens, which also lets steps of
// nearly equal batches share one estimate) with the mean new tokens each
// (rounded up). Decode attention reads every cached token once, so the mean
// keeps its bytes; what it loses is the imbalance between attention ranks.
// The rare prefill chunk (a preempted request recomputing its prompt on the
// pod) is timed as that many new tokens of a decode, through both pools.
// Breakdown: both sides' resource times and the crossings as scale-out.
#pragma once

#include <map>
#include <tuple>

#include "explore/pod_estimate.h"
#include "hw/analytical/step_model.h"

namespace tokenfab {

class PodStepModel : public StepModel {
 public:
  PodStepModel(PodInput input, std::int64_t context_bucket) : input_(std::move(input)), bucket_(context_bucket) {}
  StepResult time_step(const Batch& batch) override;
  // The whole pod's step for `workload` (the estimate, kept for reuse).
  const PodEstimate& estimate_for(const Workload& workload);

 private:
  PodInput input_;
  std::int64_t bucket_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, PodEstimate> done_;
};

}  // namespace tokenfab
