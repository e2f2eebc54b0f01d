// The all-reduce algorithms a fabric can be configured with (`all_reduce:`
// in a fabric's YAML), in one registry: each algorithm's closed form, its
// simulation from port reservations, and whether equal members finish
// together. The closed forms (alpha: link latency, beta: sustained
// bandwidth, S: payload, g: members):
//
//   ring       2(g-1) alpha + 2(g-1)/g S/beta     reduce-scatter then all-gather
//   tree       2 ceil(log2 g) (alpha + S/beta)     binomial, reduce up and broadcast down
//   in_switch  2 alpha + S/beta                    NVLink SHARP: reduce in the switch, multicast back
//   direct     chips as routers (direct_all_reduce below)
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
  MemberTimes (*simulate)(FabricTiming& fabric, const FabricConfig& config, const std::vector<int>& members,
                          const MemberTimes& ready, Bytes payload);
  bool symmetric;  // equal members finish together, so one may stand for all
};

const AllReduceRule& all_reduce_rule(AllReduceAlgorithm algorithm);

// An all-reduce over chips that are their own routers, as a compiler
// schedules it (no launch or handshake: hops and serialisation only). Each
// chip has a link to every peer of its node; beta_l = bandwidth / lanes is
// one link's. Within a node of n (g <= n members, g_n = g) the better of
//   one shot    alpha + S / beta_l            every chip sends S to each peer at once
//   two phases  2 (alpha + S / (g_n beta_l))  reduce-scatter, then all-gather
// Across m = ceil(g / n) nodes: reduce-scatter in the node, an all-reduce
// of the S/n slices among the m counterparts over the chip's global links
// (h = global_hops traversals; the better of one shot,
// h alpha + (S/n)(m-1) / (G beta_l), and two phases,
// 2 (h alpha + (S/n)(m-1)/m / (G beta_l)), G = global_links), then the
// all-gather in the node: 2 (alpha + S / (n beta_l)) + that.
struct DirectAllReduce {
  Seconds latency;   // hop terms
  Seconds transfer;  // serialisation terms
};
DirectAllReduce direct_all_reduce(double g, Bytes payload, const LinkConfig& link, const DirectLinks& direct);

// A ring of `steps` steps: in each, member i passes `chunk` to member i+1
// once it has finished the previous step and received its predecessor's
// chunk. All-gather and reduce-scatter are rings too.
MemberTimes ring_steps(FabricTiming& f, const std::vector<int>& members, MemberTimes t, int steps, Bytes chunk);

}  // namespace tokenfab
