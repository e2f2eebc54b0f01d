// Collectives built from link transfers on a FabricTiming: given when each
// member is ready, returns when each member is done. The times emerge from
// port reservations, so uneven readiness and competing flows show up; in the
// uncontended case they reduce to the closed forms of collective_timing.h
// (tested both ways).
//
//   ring all-reduce    2(g-1) steps; each member passes S/g to its successor
//   tree all-reduce    binomial reduce up, broadcast down: 2 ceil(log2 g) steps of S
//   in-switch          every member sends S up; the switch reduces as the last
//                      member's data arrives and multicasts S down
//   all-gather (ring)  g-1 steps of S;  reduce-scatter (ring) g-1 steps of S/g
//   all-to-all         a flow per pair of members through the sender's egress and
//                      the receiver's ingress; member j receives the share w_j/sum(w)
//                      of every payload (1/g when the weights are equal); all end
//                      with the exchange's last byte, except a receiver whose ingress
//                      takes more than any egress sends: it ends when its queue drains
//   send/recv          one transfer from the first member to the second
#pragma once

#include <vector>

#include "hw/link/fabric_config.h"
#include "hw/link/fabric_timing.h"
#include "workloads/op.h"

namespace tokenfab {

// members[i] is a device index on the fabric; ready[i] when it may start
// (its arrival plus the collective's software overhead); bytes[i] its payload;
// inbound_weights[i] its Collective::inbound_weight (all-to-all only; empty: even).
// observed[i]: whether member i's done time is used (empty: every member's).
// An all-to-all leaves the ingress of the others untouched and gives them the
// exchange's end: members that another stands for (device_classes.h) only
// need their egress, which delays their own later flows.
std::vector<Seconds> simulate_collective(FabricTiming& fabric, const FabricConfig& config, CollectiveKind kind,
                                         const std::vector<int>& members, const std::vector<Seconds>& ready,
                                         const std::vector<Bytes>& bytes,
                                         const std::vector<double>& inbound_weights = {},
                                         const std::vector<bool>& observed = {});

}  // namespace tokenfab
