// How one op's time is charged to resources: the one rule both engines
// follow, so that the analytical estimate and the SystemC replica differ only
// where the simulation sees something the closed forms cannot (queueing,
// waiting for peers).
//
//   kernel      launch, then its memory streams and its arithmetic together:
//               launch + max(compute, memory), the longer of the two the bound
//   collective  software overhead and waiting (sync), then the link's alpha
//               and beta terms, charged to the fabric it crosses
//
//   OpTiming t = charge_kernel(start, chip.compute.launch_overhead, compute, memory);
//   StageAccumulator stage;  stage.add(t);   // stage.time == Σ charged
#pragma once

#include "hw/common/resource.h"
#include "workloads/op.h"

namespace tokenfab {

struct OpTiming {
  Seconds start;
  Seconds time;
  Seconds compute;  // engine time alone
  Seconds memory;   // memory time alone
  Resource bound = Resource::compute;
  ResourceTimes charged;  // adds up to `time`
};

// Bytes a kernel moves through its chip's memory.
Bytes memory_bytes(const Op& op);

// An op the engine runs inside a neighbouring kernel (fused_away): it takes
// no time of its own.
OpTiming fused_op(Seconds start);

// A kernel starting at `start`, launched in `launch`, whose arithmetic alone
// takes `compute` and whose memory traffic alone takes `memory`.
OpTiming charge_kernel(Seconds start, Seconds launch, Seconds compute, Seconds memory);

// A collective starting at `start` on `link` (scale-up or scale-out): `sync`
// of software overhead and waiting, then `transfer` on the link.
OpTiming charge_collective(Seconds start, Resource link, Seconds sync, Seconds transfer);

// Sums the ops of one device's stage, each `repeat` times (identical layers
// timed once).
struct StageAccumulator {
  Seconds time;
  ResourceTimes by_resource;
  void add(const OpTiming& t, double repeat = 1.0);
};

}  // namespace tokenfab
