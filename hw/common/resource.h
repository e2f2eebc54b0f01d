// The resources a step's time is charged to, and a breakdown over them that
// adds up to the time of what it describes. Both engines (the analytical
// estimate and the SystemC replica) charge every op to these, so their
// breakdowns compare line by line.
//
//   ResourceTimes t;
//   t[Resource::memory] += Seconds(2e-3);
//   t.largest()   // the bound: the resource with the most time
#pragma once

#include <array>
#include <string>

#include "core/units.h"
#include "hw/system/system_config.h"

namespace tokenfab {

// `launch`: kernel launch and inter-kernel gaps; `sync`: the fixed software
// and synchronisation cost of each collective, and waiting for slower peers;
// `host`: the serving engine's host work per step (scheduling, sampling),
// zero in the hardware bound.
enum class Resource { memory, compute, scale_up, scale_out, launch, sync, host };
inline constexpr std::array kResources = {Resource::memory, Resource::compute, Resource::scale_up, Resource::scale_out,
                                          Resource::launch, Resource::sync,    Resource::host};

// Time charged to each resource; adds up to the time of what it describes.
struct ResourceTimes {
  std::array<Seconds, kResources.size()> by{};
  Seconds& operator[](Resource r) { return by[static_cast<std::size_t>(r)]; }
  Seconds operator[](Resource r) const { return by[static_cast<std::size_t>(r)]; }
  Seconds total() const;
  Resource largest() const;
  ResourceTimes& operator+=(const ResourceTimes& o);
};

// Name of a resource on this system: "hbm"/"sram", "compute", the scale-up
// and scale-out link kinds ("nvlink", "ethernet"), "launch", "sync".
std::string resource_key(Resource r, const SystemConfig& system);

}  // namespace tokenfab
