// A shared resource with a next-free time: an HBM's stacks, a link port, a
// compute engine. Work that overlaps in time queues behind what came first,
// so contention emerges rather than being assumed.
//
//   PortServer port;
//   Seconds start = port.reserve(ready, busy);   // at `ready`, or when free
#pragma once

#include "core/units.h"

namespace tokenfab {

class PortServer {
 public:
  // Occupies the port for `duration` from the first free moment at or after
  // `ready`; returns when it starts.
  Seconds reserve(Seconds ready, Seconds duration);
  Seconds next_free() const { return next_free_; }

 private:
  Seconds next_free_;
};

// A flow of `bytes` from port `from` to port `to`, cut through (the
// receiving port takes the bytes as they come; a flow ends with the slower
// port), ready at `ready`:
//   from.start = from.reserve(ready, bytes / from_bandwidth)
//   to.start   = to.reserve(from.start + latency, bytes / to_bandwidth)
//   delivered  = max(from.start + bytes / from_bandwidth + latency, to.start + bytes / to_bandwidth)
// Sets `start` to when it leaves and returns when it is delivered. The
// SystemC pod's crossings (hw/pod/crossing_engine.h) and the serving
// loop's KV transfers (serving/disaggregated.h) both go by it.
Seconds cut_through(PortServer& from, BytesPerSecond from_bandwidth, PortServer& to, BytesPerSecond to_bandwidth,
                    Seconds latency, Seconds ready, Bytes bytes, Seconds* start);

}  // namespace tokenfab
