// Ports of a fabric as servers with a next-free time: each device has an
// egress and an ingress port of the link's bandwidth per direction; the
// switch between them is non-blocking (NVSwitch, a leaf-spine network) and
// adds the link's traversal latency. Two flows through one port share it by
// queueing behind each other, so contention emerges rather than being assumed.
//
//   FabricTiming f(link, 72);
//   Seconds arrival = f.send(0, 5, Bytes(1e6), ready);  // device 0 -> 5
//
// Plain C++: the SystemC collective engine drives it, tests call it directly.
#pragma once

#include <vector>

#include "hw/common/port_server.h"
#include "hw/link/link_config.h"

namespace tokenfab {

class FabricTiming {
 public:
  FabricTiming(const LinkConfig& link, int devices);
  // Occupies src's egress from `ready` (or when free); returns when the first
  // byte leaves. The last leaves one serialisation time later.
  Seconds leave(int src, Bytes bytes, Seconds ready);
  // Occupies dst's ingress from when the first byte arrives (or when free);
  // returns when the last byte is in.
  Seconds enter(int dst, Bytes bytes, Seconds first_byte);
  // One transfer src -> dst, cut-through: returns the arrival of the last byte.
  Seconds send(int src, int dst, Bytes bytes, Seconds ready);
  Seconds serialise(Bytes bytes) const { return bytes / link_.sustained_bandwidth(); }
  const LinkConfig& link() const { return link_; }

 private:
  LinkConfig link_;
  std::vector<PortServer> egress_, ingress_;
};

}  // namespace tokenfab
