#include "hw/collective/collective_timing_sim.h"

#include "hw/collective/all_reduce.h"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

using Times = MemberTimes;

// One flow per ordered pair of members: member i sends bytes[i] * w[j] / sum(w)
// to member j (its own part stays local). Each sender's egress sends its
// flows back to back in the rotated order of a pairwise exchange (round k:
// i sends to i+k mod g, so that each round every port sends one flow and
// receives one); the switch is non-blocking, so a flow's head reaches its
// receiver one traversal after it leaves, and each ingress then takes its
// flows in order of arrival, queueing those that converge on it. Uniform
// weights and payloads give the closed form alpha + (g-1)/g S/beta: every
// ingress takes one flow per round, just as it arrives. A member is done when
// its last incoming flow is in and the exchange's last byte, from whichever
// sender, is one traversal on: the exchange ends together for members that
// receive alike, whatever round brought them a slow sender's flow, which
// keeps equal members equal (device_classes.h lets one stand for the others).
// Only a member that receives more than the others' egress carries, the hot
// expert rank, ends later: by its ingress queue.
Times all_to_all(FabricTiming& f, const std::vector<int>& members, const Times& ready, const std::vector<Bytes>& bytes,
                 const std::vector<double>& weights) {
  struct Flow {
    Seconds head;  // when its first byte reaches the receiver's ingress
    Bytes bytes;
  };
  const std::size_t g = members.size();
  double total_weight = 0;
  for (double w : weights) total_weight += w;
  std::vector<std::vector<Flow>> incoming(g);
  Seconds last_byte = *std::max_element(ready.begin(), ready.end());
  for (std::size_t i = 0; i < g; ++i) {
    for (std::size_t k = 1; k < g; ++k) {
      const std::size_t j = (i + k) % g;
      const Bytes flow = bytes[i] * (weights[j] / total_weight);
      const Seconds first_byte = f.leave(members[i], flow, ready[i]);
      last_byte = std::max(last_byte, first_byte + f.serialise(flow));
      incoming[j].push_back({first_byte + f.link().latency, flow});
    }
  }
  Times done(g, last_byte + f.link().latency);
  for (std::size_t j = 0; j < g; ++j) {
    std::stable_sort(incoming[j].begin(), incoming[j].end(),
                     [](const Flow& a, const Flow& b) { return a.head < b.head; });
    for (const Flow& flow : incoming[j]) done[j] = std::max(done[j], f.enter(members[j], flow.bytes, flow.head));
  }
  return done;
}

}  // namespace

std::vector<Seconds> simulate_collective(FabricTiming& fabric, const FabricConfig& config, CollectiveKind kind,
                                         const std::vector<int>& members, const std::vector<Seconds>& ready,
                                         const std::vector<Bytes>& bytes, const std::vector<double>& inbound_weights) {
  const int g = static_cast<int>(members.size());
  if (g <= 1) return ready;
  // Ring and tree steps wait for everyone; the payload is the largest member's.
  Bytes payload;
  for (const Bytes& b : bytes) payload = std::max(payload, b);
  switch (kind) {
    case CollectiveKind::all_reduce:
      return all_reduce_rule(config.all_reduce).simulate(fabric, members, ready, payload);
    case CollectiveKind::all_gather:
      return ring_steps(fabric, members, ready, g - 1, payload);
    case CollectiveKind::reduce_scatter:
      return ring_steps(fabric, members, ready, g - 1, payload / g);
    case CollectiveKind::all_to_all:
      return all_to_all(fabric, members, ready, bytes,
                        inbound_weights.empty() ? std::vector<double>(members.size(), 1.0) : inbound_weights);
    case CollectiveKind::send_recv: {
      Times done = ready;
      done[1] = std::max(ready[1], fabric.send(members[0], members[1], bytes[0], ready[0]));
      return done;
    }
  }
  return ready;
}

}  // namespace tokenfab
