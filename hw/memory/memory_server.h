// A memory as a shared resource: its stacks (or SRAM slices) are servers with
// a next-free time; a transfer spreads evenly over them (address
// interleaving), so two streams that overlap in time share the bandwidth.
// Alone, a transfer takes exactly stream_time() (memory_timing.h).
#pragma once

#include <vector>

#include "hw/link/fabric_timing.h"
#include "hw/memory/memory_config.h"

namespace tokenfab {

class MemoryServer {
 public:
  explicit MemoryServer(const MemoryConfig& config);
  // Returns when the last byte of `bytes`, requested at `ready`, is delivered.
  Seconds access(Seconds ready, Bytes bytes);

 private:
  MemoryConfig config_;
  std::vector<PortServer> stacks_;
};

}  // namespace tokenfab
