// Which devices of a replica run the same trace in a step, so that each
// distinct trace is generated and timed once. A device's trace depends only
// on its pipeline stage, what its attention rank computes, how many routed
// experts it holds and whether its expert rank is the hot one; devices that
// agree on those four run identical ops.
//
//   std::vector<TraceKey> keys = trace_keys(model, mapping, load);
//   keys[d] == keys[e]   // d and e run the same ops in this step
#pragma once

#include <compare>
#include <vector>

#include "hw/system/system_config.h"
#include "workloads/batch.h"
#include "workloads/mapping.h"
#include "workloads/model.h"

namespace tokenfab {

struct TraceKey {
  int stage = 0;
  int rank = 0;              // the first attention rank whose load equals this device's rank's
  std::int64_t experts = 0;  // routed experts held (0 for dense models)
  bool hot_experts = false;  // the hot expert rank under uneven routing (Mapping::expert_imbalance)
  auto operator<=>(const TraceKey&) const = default;
};

// Per device of the replica.
std::vector<TraceKey> trace_keys(const ModelSpec& model, const Mapping& mapping, const StepLoad& load);

// Each device's representative for the SystemC engine: the device at the
// same position of the first attention group of its stage whose members
// have, position by position, the same keys. Inside a group whose members
// all share one key, the first member stands for all of them when the
// group's collectives are symmetric (in-switch or ring all-reduce, ring
// all-gather: equal members finish together; a tree does not). `share`
// false: every device stands for itself.
std::vector<int> representatives(const Mapping& mapping, const SystemConfig& system, const std::vector<TraceKey>& keys,
                                 bool share);

}  // namespace tokenfab
