#include "hw/common/op_timing.h"

#include <algorithm>

namespace tokenfab {

Bytes memory_bytes(const Op& op) { return op.weight_bytes + op.activation_bytes + op.kv_read + op.kv_write; }

OpTiming fused_op(Seconds start) {
  OpTiming t;
  t.start = start;
  return t;
}

OpTiming charge_kernel(Seconds start, Seconds launch, Seconds compute, Seconds memory) {
  OpTiming t;
  t.start = start;
  t.compute = compute;
  t.memory = memory;
  t.bound = compute > memory ? Resource::compute : Resource::memory;
  t.charged[t.bound] = std::max(compute, memory);
  t.charged[Resource::launch] = launch;
  t.time = t.charged.total();
  return t;
}

OpTiming charge_collective(Seconds start, Resource link, Seconds sync, Seconds transfer) {
  OpTiming t;
  t.start = start;
  t.bound = link;
  t.charged[Resource::sync] = sync;
  t.charged[link] = transfer;
  t.time = sync + transfer;
  return t;
}

void StageAccumulator::add(const OpTiming& t, double repeat) {
  time += t.time * repeat;
  ResourceTimes charged = t.charged;
  for (auto& c : charged.by) c *= repeat;
  by_resource += charged;
}

}  // namespace tokenfab
