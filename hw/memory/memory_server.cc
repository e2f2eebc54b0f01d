#include "hw/memory/memory_server.h"

namespace tokenfab {

MemoryServer::MemoryServer(const MemoryConfig& config) : config_(config) {}

Seconds MemoryServer::access(Seconds ready, Bytes bytes) {
  if (bytes.value() <= 0) return ready;
  const Seconds busy = bytes / config_.sustained_bandwidth();
  return stacks_.reserve(ready, busy) + busy + config_.latency;
}

}  // namespace tokenfab
