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

}  // namespace tokenfab
