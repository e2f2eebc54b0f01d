#include "hw/collective/collective_timing_sim.h"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

using Times = std::vector<Seconds>;

// Ring of `steps` steps: in each, member i passes `chunk` to member i+1 once
// it has finished the previous step and received its predecessor's chunk.
Times ring(FabricTiming& f, const std::vector<int>& members, Times t, int steps, Bytes chunk) {
  const std::size_t g = members.size();
  for (int step = 0; step < steps; ++step) {
    Times next(g);
    for (std::size_t i = 0; i < g; ++i) {
      std::size_t to = (i + 1) % g;
      next[to] = std::max(t[to], f.send(members[i], members[to], chunk, t[i]));
    }
    t = std::move(next);
  }
  return t;
}

// Binomial tree rooted at member 0: reduce up, then broadcast down, S each hop.
Times tree(FabricTiming& f, const std::vector<int>& members, Times t, Bytes bytes) {
  const std::size_t g = members.size();
  std::size_t span = 1;
  for (; span < g; span *= 2) {
    for (std::size_t i = span; i < g; i += 2 * span) {
      t[i - span] = std::max(t[i - span], f.send(members[i], members[i - span], bytes, t[i]));
    }
  }
  for (span /= 2; span >= 1; span /= 2) {
    for (std::size_t i = span; i < g; i += 2 * span) t[i] = f.send(members[i - span], members[i], bytes, t[i - span]);
  }
  return t;
}

Times in_switch(FabricTiming& f, const std::vector<int>& members, const Times& ready, Bytes bytes) {
  // The switch reduces chunk by chunk, so it can send results down once the
  // last member's first bytes are in: one traversal after the latest start.
  Seconds last_start;
  for (std::size_t i = 0; i < members.size(); ++i)
    last_start = std::max(last_start, f.leave(members[i], bytes, ready[i]));
  Times done(members.size());
  const Seconds down = last_start + f.link().latency * 2;
  for (std::size_t i = 0; i < members.size(); ++i) done[i] = f.enter(members[i], bytes, down);
  return done;
}

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
      switch (config.all_reduce) {
        case AllReduceAlgorithm::ring:
          return ring(fabric, members, ready, 2 * (g - 1), payload / g);
        case AllReduceAlgorithm::tree:
          return tree(fabric, members, ready, payload);
        case AllReduceAlgorithm::in_switch:
          return in_switch(fabric, members, ready, payload);
      }
      break;
    case CollectiveKind::all_gather:
      return ring(fabric, members, ready, g - 1, payload);
    case CollectiveKind::reduce_scatter:
      return ring(fabric, members, ready, g - 1, payload / g);
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
