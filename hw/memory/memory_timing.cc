#include "hw/memory/memory_timing.h"

namespace tokenfab {

Seconds stream_time(const MemoryConfig& memory, Bytes bytes) {
  if (bytes.value() <= 0) return Seconds(0);
  return memory.latency + bytes / memory.sustained_bandwidth();
}

}  // namespace tokenfab
