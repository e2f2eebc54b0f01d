// Parameters of a memory a chip streams weights and KV cache from: HBM on a
// GPU, on-chip SRAM on an LPU.
//
// Peak figures come from datasheets; `efficiency` is the achievable fraction
// of peak bandwidth a streaming kernel sustains (Azure measured 7.35 of 8 TB/s
// on GB200, 92%: shared/reference/hardware.md §1a).
#pragma once

#include "core/schema.h"

namespace tokenfab {

struct MemoryConfig {
  Bytes capacity;
  BytesPerSecond bandwidth;  // peak, all stacks or banks together
  int stacks = 1;            // HBM stacks or SRAM slices sharing the bandwidth
  double efficiency = 1.0;   // sustained / peak for streaming reads
  Seconds latency;           // first-byte latency of an access

  BytesPerSecond sustained_bandwidth() const { return bandwidth * efficiency; }
};

const Schema<MemoryConfig>& memory_schema();

}  // namespace tokenfab
