// A point-to-point or switched link as one device sees it: NVLink ports to
// the NVSwitch, a NIC into Ethernet/InfiniBand, a chip-to-chip SerDes bundle.
//
// Bandwidth belongs to the port (per direction, per device); latency belongs
// to the link (one traversal, including switch hops for switched fabrics).
#pragma once

#include "core/schema.h"

namespace tokenfab {

enum class LinkKind { nvlink, nvlink_c2c, ethernet, infiniband, pcie, lpu_c2c };

template <>
struct EnumNames<LinkKind> {
  static constexpr std::array<std::pair<LinkKind, std::string_view>, 6> table{{{LinkKind::nvlink, "nvlink"},
                                                                               {LinkKind::nvlink_c2c, "nvlink_c2c"},
                                                                               {LinkKind::ethernet, "ethernet"},
                                                                               {LinkKind::infiniband, "infiniband"},
                                                                               {LinkKind::pcie, "pcie"},
                                                                               {LinkKind::lpu_c2c, "lpu_c2c"}}};
};

struct LinkConfig {
  std::string name;
  LinkKind kind = LinkKind::nvlink;
  BytesPerSecond bandwidth;  // per direction, per device
  int lanes = 1;             // links or ports making up the bandwidth
  double efficiency = 1.0;   // achievable fraction of bandwidth for large transfers
  Seconds latency;           // one traversal device to device

  BytesPerSecond sustained_bandwidth() const { return bandwidth * efficiency; }
};

const Schema<LinkConfig>& link_schema();

}  // namespace tokenfab
