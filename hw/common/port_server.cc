#include "hw/common/port_server.h"

#include <algorithm>

namespace tokenfab {

Seconds PortServer::reserve(Seconds ready, Seconds duration) {
  Seconds start = std::max(ready, next_free_);
  next_free_ = start + duration;
  return start;
}

Seconds cut_through(PortServer& from, BytesPerSecond from_bandwidth, PortServer& to, BytesPerSecond to_bandwidth,
                    Seconds latency, Seconds ready, Bytes bytes, Seconds* start) {
  const Seconds out = bytes / from_bandwidth;
  const Seconds in = bytes / to_bandwidth;
  *start = from.reserve(ready, out);
  const Seconds taken = to.reserve(*start + latency, in);
  return std::max(*start + out + latency, taken + in);
}

}  // namespace tokenfab
