// Where a collective's members sit on a system and which fabric joins them:
// inside one scale-up domain (NVLink, the LPU chip-to-chip network) or
// across domains over the scale-out network (the chips' NICs).
//
//   Route r = route_for(system, collective_span(*op.collective, mapping, device));
//   r.resource == Resource::scale_up   // all members in one NVL72 rack
#pragma once

#include "hw/common/resource.h"
#include "workloads/mapping.h"
#include "workloads/op.h"

namespace tokenfab {

// Which fabric and link a collective of a group of devices crosses.
struct Route {
  const LinkConfig* link = nullptr;
  const FabricConfig* fabric = nullptr;
  Resource resource = Resource::scale_up;
};

// The consecutive devices a collective's members stretch over.
struct DeviceSpan {
  int first = 0;
  int count = 1;
};

// For `device`'s collective: its tp group, its whole stage (ep), or itself and
// its peer one stage on (pp).
DeviceSpan collective_span(const Collective& c, const Mapping& mapping, int device);

// Scale-up when the span sits inside one scale-up domain, scale-out otherwise.
// Throws InputError when it must leave the domain of a system without a
// scale-out fabric.
Route route_for(const SystemConfig& system, DeviceSpan span);

}  // namespace tokenfab
