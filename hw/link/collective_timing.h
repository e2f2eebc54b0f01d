// Closed-form times of collectives over one fabric (the alpha-beta model):
// alpha is the link's traversal latency, beta its sustained per-direction
// bandwidth, S the payload of one device, g the group size.
//
//   ring all-reduce      2(g-1) alpha + 2(g-1)/g S/beta
//   tree all-reduce      2 ceil(log2 g) (alpha + S/beta)  (binomial, reduce up then broadcast down;
//                        exact for powers of two, an upper bound otherwise)
//   in-switch all-reduce 2 alpha + S/beta        (NVLink SHARP: reduce in the switch, multicast back)
//   all-gather (ring)    (g-1) alpha + (g-1) S/beta       (S: this device's share)
//   reduce-scatter       (g-1) alpha + (g-1)/g S/beta     (S: the whole buffer)
//   all-to-all           alpha + (g-1)/g S/beta           (S: all this device sends; switched fabric)
//   send/recv            alpha + S/beta
//
// Each adds the fabric's fixed collective overhead (synchronisation and launch).
// These are the oracle the SystemC collectives are tested against.
#pragma once

#include "hw/link/fabric_config.h"
#include "hw/link/link_config.h"
#include "workloads/op.h"

namespace tokenfab {

struct CollectiveTime {
  Seconds overhead;  // software and synchronisation
  Seconds latency;   // alpha terms
  Seconds transfer;  // beta terms
  Seconds total() const { return overhead + latency + transfer; }
};

CollectiveTime collective_time(const Collective& c, const LinkConfig& link, const FabricConfig& fabric);

}  // namespace tokenfab
