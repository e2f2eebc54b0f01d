#include "hw/common/resource.h"

namespace tokenfab {

Seconds ResourceTimes::total() const {
  Seconds t;
  for (const auto& s : by) t += s;
  return t;
}

Resource ResourceTimes::largest() const {
  Resource best = Resource::memory;
  for (Resource r : kResources) {
    if ((*this)[r] > (*this)[best]) best = r;
  }
  return best;
}

ResourceTimes& ResourceTimes::operator+=(const ResourceTimes& o) {
  for (std::size_t i = 0; i < by.size(); ++i) by[i] += o.by[i];
  return *this;
}

std::string resource_key(Resource r, const SystemConfig& system) {
  switch (r) {
    case Resource::memory:
      return system.chip.hbm ? "hbm" : "sram";
    case Resource::compute:
      return "compute";
    case Resource::scale_up:
      return std::string(enum_name(system.chip.scale_up.kind));
    case Resource::scale_out:
      return system.chip.scale_out ? std::string(enum_name(system.chip.scale_out->kind)) : "scale_out";
    case Resource::launch:
      return "launch";
    case Resource::sync:
      return "sync";
    case Resource::host:
      return "host";
  }
  return "?";
}

}  // namespace tokenfab
