#include "hw/memory/memory_config.h"

namespace tokenfab {

const Schema<MemoryConfig>& memory_schema() {
  static const Schema<MemoryConfig> schema = [] {
    Schema<MemoryConfig> s("a memory: HBM stacks or on-chip SRAM");
    s.add("capacity", &MemoryConfig::capacity, "usable capacity").positive();
    s.add("bandwidth", &MemoryConfig::bandwidth, "peak read bandwidth").positive();
    s.add("stacks", &MemoryConfig::stacks,
          "HBM stacks or SRAM slices sharing the bandwidth; informational: transfers interleave over all of them")
        .at_least(1);
    s.add("efficiency", &MemoryConfig::efficiency, "sustained fraction of peak bandwidth when streaming")
        .at_least(0.01)
        .at_most(1.0);
    s.add("latency", &MemoryConfig::latency, "first-byte access latency").at_least(Seconds(0));
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
