#include "serving/replica_setup.h"

#include "serving/kv_capacity.h"

namespace tokenfab {

ReplicaSetup::ReplicaSetup(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                           const Mapping& mapping, const EngineConfig& engine, const SchedulerLimits& limits,
                           std::optional<Bytes> resident)
    : system_(system),
      stepped_(drafting_model(model, engine)),
      precision_(precision),
      mapping_(mapping),
      engine_(engine) {
  const int drafts = draft_tokens(engine, model);
  const KvCapacity kv = kv_cache_capacity(config(), limits.block_tokens, limits.token_budget, resident);
  kv_tokens = kv.tokens;
  scheduler = {.max_batch = limits.max_batch.value_or(engine.max_batch.value_or(256)),
               .token_budget = limits.token_budget,
               .block_tokens = limits.block_tokens,
               .kv_blocks = kv.blocks,
               .ranks = mapping.attn_dp,
               .draft_tokens = drafts,
               .tokens_per_step = drafts > 0 ? engine.speculative.tokens_per_step() : 1.0,
               .batch_wait_steps = limits.batch_wait_steps,
               .batch_wait_tokens_ratio = limits.batch_wait_tokens_ratio,
               .reserve_output = limits.reserve_output,
               .request_overhead = engine.request_overhead,
               .prefix_block_tokens = 0,
               .prefill_apart = limits.prefill_apart,
               .chunked_prefill = limits.chunked_prefill,
               .receive_interval = limits.receive_interval,
               .balance_timeout_steps = limits.balance_timeout_steps,
               .balance_batching_steps = limits.balance_batching_steps,
               .overlap = limits.overlap};
}

}  // namespace tokenfab
