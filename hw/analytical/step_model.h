// The time of one step of any batch, step after step: the interface the
// serving simulation drives, with one implementation per engine (the
// analytical estimate here, the SystemC replica in hw/rack). Each step may
// mix prefill chunks and decodes, every sequence at its own context.
//
//   AnalyticalStepModel model({system, model, precision, mapping, engine});
//   StepResult r = model.time_step(Batch{{{Phase::decode, 1, 8000}, {Phase::prefill, 512, 0}}});
//   r.time, r.bound, r.breakdown[Resource::memory], r.rank_of[1]
//
// A step passes its whole batch once through every pipeline stage, one stage
// after the other (keeping stages busy with several micro-batches is the
// scheduler's business, not the step's).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "hw/analytical/estimate.h"
#include "workloads/batch.h"

namespace tokenfab {

struct StepResult {
  Seconds time;  // from the step's start to the last stage's end
  Resource bound = Resource::memory;
  ResourceTimes breakdown;            // of each stage's critical device, summed
  std::vector<StageEstimate> stages;  // per stage: its critical device
  Footprint footprint;                // the fullest device
  Bytes capacity;                     // weight memory per chip
  bool fits = true;
  std::vector<int> rank_of;  // per sequence: the attention data-parallel rank that held it
};

class StepModel {
 public:
  virtual ~StepModel() = default;
  virtual StepResult time_step(const Batch& batch) = 0;
};

// What a step model times: the system, the model and how it is laid out.
struct StepModelConfig {
  const SystemConfig& system;
  const ModelSpec& model;
  Precision precision;
  Mapping mapping;
  EngineConfig engine;
  bool per_op = false;  // keep every op's timing in the stages (slower)
  // Decodes are timed at their context rounded up to a multiple of this
  // (1: exact). Rounded, a rank's load repeats from step to step until a
  // sequence crosses a boundary or the batch changes, and a repeated load is
  // timed once (AnalyticalStepModel keeps what it timed): a long serving run
  // goes several times faster for attention charged at most bucket - 1
  // tokens more per sequence (docs/performance.md measures the difference).
  std::int64_t context_bucket = 1;
};

// Level 1: every distinct device of each stage timed by the closed forms;
// the slowest is the stage's critical device.
class AnalyticalStepModel : public StepModel {
 public:
  explicit AnalyticalStepModel(StepModelConfig config);
  StepResult time_step(const Batch& batch) override;

 private:
  StepModelConfig config_;
  // Each device load timed so far: its stage, experts, stage tokens and the
  // rank's sequence groups, flattened; its timing and footprint.
  std::map<std::vector<std::int64_t>, std::pair<StageEstimate, Footprint>> timed_;
};

// Fills time, bound, capacity and fit from a finished pass, the engine's
// host time for a step over `sequences` (which follows the pass: the next
// step is scheduled after this one's results are back) and its memory share.
StepResult finish_step(PassTiming pass, const SystemConfig& system, const EngineConfig& engine, std::int64_t sequences,
                       std::vector<int> rank_of);

}  // namespace tokenfab
