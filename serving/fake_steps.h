// A step model with round numbers for the serving tests: 10 ms a step, 1 ms
// more per decode and 0.1 ms per prefill token, so that every time follows
// by hand.
#pragma once

#include "hw/analytical/step_model.h"

namespace tokenfab {

class FakeSteps : public StepModel {
 public:
  StepResult time_step(const Batch& batch) override {
    ++steps;
    double t = 0.010;
    for (const auto& s : batch.sequences)
      t += s.phase == Phase::decode ? 0.001 : 1e-4 * static_cast<double>(s.new_tokens);
    StepResult r;
    r.time = Seconds(t);
    return r;
  }
  int steps = 0;
};

}  // namespace tokenfab
