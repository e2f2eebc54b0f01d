// Requests and the small engine the serving tests share, so that their
// times follow by hand with FakeSteps (serving/fake_steps.h).
#pragma once

#include "serving/simulator.h"

namespace tokenfab {

inline Request request(std::int64_t id, double arrival, std::int64_t input, std::int64_t output) {
  return {id, Seconds(arrival), input, output, {}};
}

// The small engine most tests run: 8 sequences, 100 blocks of 16 tokens.
inline Scheduler small_engine() { return {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100}; }

}  // namespace tokenfab
