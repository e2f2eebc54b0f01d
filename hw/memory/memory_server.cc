#include "hw/memory/memory_server.h"

#include <algorithm>

namespace tokenfab {

MemoryServer::MemoryServer(const MemoryConfig& config)
    : config_(config), stacks_(static_cast<std::size_t>(config.stacks)) {}

Seconds MemoryServer::access(Seconds ready, Bytes bytes) {
  if (bytes.value() <= 0) return ready;
  const double n = static_cast<double>(stacks_.size());
  // Each stack moves its share at its share of the sustained bandwidth.
  const Seconds per_stack = (bytes / n) / (config_.sustained_bandwidth() / n);
  Seconds done = ready;
  for (auto& stack : stacks_) done = std::max(done, stack.reserve(ready, per_stack) + per_stack);
  return done + config_.latency;
}

}  // namespace tokenfab
