// How many KV-cache blocks a replica's engine has: the memory it lets a
// device fill (EngineConfig::memory_fraction of the chip's), less the weights
// and the activations of a step of `token_budget` new tokens, times the KV
// share (EngineConfig::kv_free_fraction), over one token's keys and values on
// that device; one pool per attention data-parallel rank, counted together
// (the simulation does not pin a request to a rank's pool).
//
//   std::int64_t blocks = kv_cache_blocks({system, model, precision, mapping, engine}, 16, 8192);
#pragma once

#include <cstdint>
#include <optional>

#include "hw/analytical/step_model.h"

namespace tokenfab {

struct KvCapacity {
  Bytes usable;             // per device, for the KV cache
  Bytes per_token;          // one token's keys and values on a device
  std::int64_t tokens = 0;  // the replica's, all ranks
  std::int64_t blocks = 0;
};

// Throws InputError when the weights and one step's activations leave no room.
// `resident`, when given, stands for the weights a device holds (a replica
// holding part of the model).
KvCapacity kv_cache_capacity(const StepModelConfig& c, std::int64_t block_tokens, std::int64_t token_budget,
                             std::optional<Bytes> resident = {});

}  // namespace tokenfab
