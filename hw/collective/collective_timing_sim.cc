#include "hw/collective/collective_timing_sim.h"

#include "hw/collective/all_reduce.h"

#include <algorithm>
#include <cmath>
#include <numeric>

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
                 const std::vector<double>& weights, const std::vector<bool>& observed) {
  struct Flow {
    Seconds head;  // when its first byte reaches the receiver's ingress
    Bytes bytes;
  };
  const std::size_t g = members.size();
  // Weights summed cyclically: the flows member i sends before its round-k
  // flow go to members i+1 .. i+k-1 and weigh cumulative[i+k] - cumulative[i+1].
  std::vector<double> cumulative(2 * g + 1, 0.0);
  for (std::size_t n = 0; n < 2 * g; ++n) cumulative[n + 1] = cumulative[n] + weights[n % g];
  const double total_weight = cumulative[g];
  // The sender's flows leave back to back: one reservation of its egress for
  // all of them gives each the start it would get on its own.
  Times first_byte(g), per_weight(g);
  Seconds last_byte = *std::max_element(ready.begin(), ready.end());
  for (std::size_t i = 0; i < g; ++i) {
    per_weight[i] = f.serialise(bytes[i]) / total_weight;
    first_byte[i] = f.leave(members[i], bytes[i] * (1.0 - weights[i] / total_weight), ready[i]);
    last_byte = std::max(last_byte, first_byte[i] + per_weight[i] * (total_weight - weights[i]));
  }
  Times done(g, last_byte + f.link().latency);
  // Senders by when their egress starts, in runs that start together; in a
  // run, a receiver hears first from the sender whose round for it comes
  // first (j-1, j-2, ... wrapping). Flows so listed arrive in order when the
  // members start together; otherwise they are sorted by arrival.
  std::vector<std::size_t> by_start(g);
  std::iota(by_start.begin(), by_start.end(), std::size_t{0});
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](std::size_t a, std::size_t b) { return first_byte[a] < first_byte[b]; });
  std::vector<Flow> into;
  into.reserve(g - 1);
  for (std::size_t j = 0; j < g; ++j) {
    if (!observed.empty() && !observed[j]) continue;
    const double share = weights[j] / total_weight;
    into.clear();
    auto add = [&](std::size_t i) {
      if (i == j) return;
      const std::size_t k = i < j ? j - i : j + g - i;
      const Seconds head = first_byte[i] + f.link().latency + per_weight[i] * (cumulative[i + k] - cumulative[i + 1]);
      into.push_back({head, bytes[i] * share});
    };
    for (auto run = by_start.begin(); run != by_start.end();) {
      const auto end =
          std::find_if(run, by_start.end(), [&](std::size_t i) { return first_byte[i] != first_byte[*run]; });
      const auto split = std::lower_bound(run, end, j);
      for (auto it = split; it != run;) add(*--it);
      for (auto it = end; it != split;) add(*--it);
      run = end;
    }
    // Ties keep the listed order (the rounds' order), as a FIFO port would.
    if (!std::is_sorted(into.begin(), into.end(), [](const Flow& a, const Flow& b) { return a.head < b.head; })) {
      std::stable_sort(into.begin(), into.end(), [](const Flow& a, const Flow& b) { return a.head < b.head; });
    }
    for (const Flow& flow : into) {
      // An empty flow takes no port time and cannot end after the exchange's last byte.
      if (flow.bytes.value() > 0) done[j] = std::max(done[j], f.enter(members[j], flow.bytes, flow.head));
    }
  }
  return done;
}

}  // namespace

std::vector<Seconds> simulate_collective(FabricTiming& fabric, const FabricConfig& config, CollectiveKind kind,
                                         const std::vector<int>& members, const std::vector<Seconds>& ready,
                                         const std::vector<Bytes>& bytes, const std::vector<double>& inbound_weights,
                                         const std::vector<bool>& observed) {
  const int g = static_cast<int>(members.size());
  if (g <= 1) return ready;
  // Ring and tree steps wait for everyone; the payload is the largest member's.
  Bytes payload;
  for (const Bytes& b : bytes) payload = std::max(payload, b);
  switch (kind) {
    case CollectiveKind::all_reduce:
      return all_reduce_rule(config.all_reduce).simulate(fabric, config, members, ready, payload);
    case CollectiveKind::all_gather:
      return ring_steps(fabric, members, ready, g - 1, payload);
    case CollectiveKind::reduce_scatter:
      return ring_steps(fabric, members, ready, g - 1, payload / g);
    case CollectiveKind::all_to_all:
      return all_to_all(fabric, members, ready, bytes,
                        inbound_weights.empty() ? std::vector<double>(members.size(), 1.0) : inbound_weights, observed);
    case CollectiveKind::send_recv: {
      Times done = ready;
      done[1] = std::max(ready[1], fabric.send(members[0], members[1], bytes[0], ready[0]));
      return done;
    }
  }
  return ready;
}

}  // namespace tokenfab
