// A step model with round numbers for the serving tests: 10 ms a step, 1 ms
// more per decode and 0.1 ms per prefill token, so that every time follows
// by hand.
#pragma once

#include <vector>

#include "hw/analytical/step_model.h"

namespace tokenfab {

class FakeSteps : public StepModel {
 public:
  StepResult time_step(const Batch& batch) override {
    ++steps;
    std::vector<int>& on = ranks.emplace_back();
    for (const auto& s : batch.sequences) on.push_back(s.rank);
    double t = 0.010;
    for (const auto& s : batch.sequences)
      t += s.phase == Phase::decode ? 0.001 : 1e-4 * static_cast<double>(s.new_tokens);
    StepResult r;
    r.time = Seconds(t);
    return r;
  }
  int steps = 0;
  std::vector<std::vector<int>> ranks;  // each step's sequences' ranks (-1: placed by the step model)
};

}  // namespace tokenfab
