#include "serving/kv_capacity.h"

#include <cmath>
#include <string>

#include "core/diagnostics.h"
#include "workloads/footprint.h"

namespace tokenfab {

KvCapacity kv_cache_capacity(const StepModelConfig& c, std::int64_t block_tokens, std::int64_t token_budget,
                             std::optional<Bytes> resident) {
  // One sequence of a known length on device 0 (stage 0, rank 0): its KV
  // bytes over its tokens is one token's share on a device.
  constexpr std::int64_t kProbe = 4096;
  const Footprint one = device_footprint(c.model, c.precision, c.mapping, Workload{Phase::decode, 1, 1, kProbe - 1}, 0);
  const Footprint step =
      device_footprint(c.model, c.precision, c.mapping, Workload{Phase::prefill, 1, token_budget, 0}, 0);
  KvCapacity k;
  k.per_token = one.kv_cache / static_cast<double>(kProbe);
  const Bytes weights = resident.value_or(step.weights);
  const Bytes left = usable_memory(c.engine, c.system.chip.weight_memory().capacity) - weights - step.activations;
  if (left.value() <= 0 || k.per_token.value() <= 0) {
    throw InputError({c.system.name}, c.model.name + ": the weights (" + to_string(weights) +
                                          ") and one step's activations leave no memory for a KV cache on " +
                                          c.system.name);
  }
  k.usable = left * c.engine.kv_free_fraction;
  const double per_device = std::floor(k.usable.value() / k.per_token.value());
  k.tokens = static_cast<std::int64_t>(per_device) * c.mapping.attn_dp;
  k.blocks = k.tokens / block_tokens;
  return k;
}

}  // namespace tokenfab
