// A memory as a shared resource with a next-free time. Addresses interleave
// over all stacks (or SRAM slices), so every transfer spreads evenly and all
// stacks are always equally busy: one server at the sustained bandwidth of
// them all is exactly equivalent, and costs one reservation instead of one per
// stack. Two streams that overlap in time queue behind each other; alone, a
// transfer takes exactly stream_time() (memory_timing.h).
#pragma once

#include "hw/common/port_server.h"
#include "hw/memory/memory_config.h"

namespace tokenfab {

class MemoryServer {
 public:
  explicit MemoryServer(const MemoryConfig& config);
  // Returns when the last byte of `bytes`, requested at `ready`, is delivered.
  Seconds access(Seconds ready, Bytes bytes);

 private:
  MemoryConfig config_;
  PortServer stacks_;
};

}  // namespace tokenfab
