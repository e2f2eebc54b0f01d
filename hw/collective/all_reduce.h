// The all-reduce algorithms a fabric can be configured with (`all_reduce:`
// in a fabric's YAML), in one registry: each algorithm's closed form, its
// simulation from port reservations, and whether equal members finish
// together. The closed forms (alpha: link latency, beta: sustained
// bandwidth, S: payload, g: members):
//
//   ring       2(g-1) alpha + 2(g-1)/g S/beta     reduce-scatter then all-gather
//   tree       2 ceil(log2 g) (alpha + S/beta)     binomial, reduce up and broadcast down
//   in_switch  2 alpha + S/beta                    NVLink SHARP: reduce in the switch, multicast back
//
//   const AllReduceRule& r = all_reduce_rule(fabric.all_reduce);
//   Seconds latency = link.latency * r.alphas(g);
#pragma once

#include <vector>

#include "hw/link/fabric_config.h"
#include "hw/link/fabric_timing.h"

namespace tokenfab {

using MemberTimes = std::vector<Seconds>;

struct AllReduceRule {
  AllReduceAlgorithm algorithm;
  double (*alphas)(double g);  // link traversals on the critical path
  double (*betas)(double g);   // payloads serialised on the critical path
  // When each member is done, given when each is ready and the payload.
  MemberTimes (*simulate)(FabricTiming& fabric, const std::vector<int>& members, const MemberTimes& ready,
                          Bytes payload);
  bool symmetric;  // equal members finish together, so one may stand for all
};

const AllReduceRule& all_reduce_rule(AllReduceAlgorithm algorithm);

// A ring of `steps` steps: in each, member i passes `chunk` to member i+1
// once it has finished the previous step and received its predecessor's
// chunk. All-gather and reduce-scatter are rings too.
MemberTimes ring_steps(FabricTiming& f, const std::vector<int>& members, MemberTimes t, int steps, Bytes chunk);

}  // namespace tokenfab
