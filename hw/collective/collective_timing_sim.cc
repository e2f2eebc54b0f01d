#include "hw/collective/collective_timing_sim.h"

#include "hw/collective/all_reduce.h"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

using Times = MemberTimes;

Times all_to_all(FabricTiming& f, const std::vector<int>& members, const Times& ready,
                 const std::vector<Bytes>& bytes) {
  const std::size_t g = members.size();
  const double share = static_cast<double>(g - 1) / static_cast<double>(g);
  Times first_out(g), last_out(g);
  Seconds earliest = Seconds(1e30), latest;
  for (std::size_t i = 0; i < g; ++i) {
    first_out[i] = f.leave(members[i], bytes[i] * share, ready[i]);
    last_out[i] = first_out[i] + f.serialise(bytes[i] * share);
    earliest = std::min(earliest, first_out[i]);
    latest = std::max(latest, last_out[i]);
  }
  // Each member receives 1/g of every other member's payload.
  Bytes all;
  for (const Bytes& b : bytes) all += b;
  Times done(g);
  for (std::size_t j = 0; j < g; ++j) {
    const Bytes incoming = (all - bytes[j]) / static_cast<double>(g);
    Seconds in = f.enter(members[j], incoming, earliest + f.link().latency);
    done[j] = std::max(in, latest + f.link().latency);
  }
  return done;
}

}  // namespace

std::vector<Seconds> simulate_collective(FabricTiming& fabric, const FabricConfig& config, CollectiveKind kind,
                                         const std::vector<int>& members, const std::vector<Seconds>& ready,
                                         const std::vector<Bytes>& bytes) {
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
      return all_to_all(fabric, members, ready, bytes);
    case CollectiveKind::send_recv: {
      Times done = ready;
      done[1] = std::max(ready[1], fabric.send(members[0], members[1], bytes[0], ready[0]));
      return done;
    }
  }
  return ready;
}

}  // namespace tokenfab
