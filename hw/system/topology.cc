#include "hw/system/topology.h"

#include <string>

namespace tokenfab {

DeviceSpan collective_span(const Collective& c, const Mapping& mapping, int device) {
  switch (c.group) {
    case CollectiveGroup::pp:
      return {device, mapping.stage_devices() + 1};
    case CollectiveGroup::tp:
      return {device - device % mapping.tp, mapping.tp};
    case CollectiveGroup::ep:
      return {device - device % mapping.stage_devices(), mapping.stage_devices()};
    case CollectiveGroup::pod:  // leaves the system: the pod's interconnect carries it
      break;
  }
  return {device, 1};
}

Route route_for(const SystemConfig& system, DeviceSpan span) {
  const int domain = system.scale_up.domain;
  if (span.first / domain == (span.first + span.count - 1) / domain) {
    return {&system.chip.scale_up, &system.scale_up, Resource::scale_up};
  }
  if (!system.scale_out || !system.chip.scale_out) {
    throw InputError({system.name}, "a collective over " + std::to_string(span.count) + " chips leaves the " +
                                        std::to_string(domain) +
                                        "-chip scale-up domain, and the system has no scale_out fabric");
  }
  return {&*system.chip.scale_out, &*system.scale_out, Resource::scale_out};
}

}  // namespace tokenfab
