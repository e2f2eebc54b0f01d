// Level 2 behind the step-model interface: one persistent SystemC replica
// that takes a new trace for every step within one elaboration. Each step
// places the batch, generates each distinct device trace once, lets one
// attention group stand for identical ones, and runs the kernel until every
// device is done; simulation time carries on from step to step.
//
//   SystemCStepModel model({system, model, precision, mapping, engine});   // one per process
//   for (const Batch& b : batches) total += model.time_step(b).time;
#pragma once

#include <map>
#include <memory>

#include "hw/common/device_classes.h"

#include "hw/analytical/step_model.h"
#include "hw/rack/replica.h"

namespace tokenfab {

class SystemCStepModel : public StepModel {
 public:
  // Elaborates the replica: construct before any other simulation of the process.
  explicit SystemCStepModel(StepModelConfig config);
  ~SystemCStepModel() override;
  StepResult time_step(const Batch& batch) override;
  // The replica, as the last step left it (for timelines).
  const ReplicaModule& replica() const { return *replica_; }
  Seconds last_begin() const { return last_begin_; }

 private:
  StepModelConfig config_;
  std::unique_ptr<ReplicaModule> replica_;
  std::map<TraceKey, std::vector<Op>> traces_;  // of the last step; devices point into them
  Seconds last_begin_;
};

}  // namespace tokenfab
