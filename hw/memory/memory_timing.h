// Time to stream bytes through a memory at its sustained bandwidth.
//
//   stream_time(hbm, Bytes(7e9))  // 7 GB at 8 TB/s * 0.92 = 951 us, plus access latency
#pragma once

#include "hw/memory/memory_config.h"

namespace tokenfab {

// Zero bytes take no time; otherwise first-access latency plus transfer.
Seconds stream_time(const MemoryConfig& memory, Bytes bytes);

}  // namespace tokenfab
