#include "hw/collective/all_reduce.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tokenfab {

MemberTimes ring_steps(FabricTiming& f, const std::vector<int>& members, MemberTimes t, int steps, Bytes chunk) {
  const std::size_t g = members.size();
  for (int step = 0; step < steps; ++step) {
    MemberTimes next(g);
    for (std::size_t i = 0; i < g; ++i) {
      std::size_t to = (i + 1) % g;
      next[to] = std::max(t[to], f.send(members[i], members[to], chunk, t[i]));
    }
    t = std::move(next);
  }
  return t;
}

namespace {

MemberTimes ring(FabricTiming& f, const std::vector<int>& members, const MemberTimes& ready, Bytes payload) {
  const int g = static_cast<int>(members.size());
  return ring_steps(f, members, ready, 2 * (g - 1), payload / g);
}

// Binomial tree rooted at member 0: reduce up, then broadcast down, S each hop.
MemberTimes tree(FabricTiming& f, const std::vector<int>& members, const MemberTimes& ready, Bytes bytes) {
  MemberTimes t = ready;
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

MemberTimes in_switch(FabricTiming& f, const std::vector<int>& members, const MemberTimes& ready, Bytes bytes) {
  // The switch reduces chunk by chunk, so it can send results down once the
  // last member's first bytes are in: one traversal after the latest start.
  Seconds last_start;
  for (std::size_t i = 0; i < members.size(); ++i)
    last_start = std::max(last_start, f.leave(members[i], bytes, ready[i]));
  MemberTimes done(members.size());
  const Seconds down = last_start + f.link().latency * 2;
  for (std::size_t i = 0; i < members.size(); ++i) done[i] = f.enter(members[i], bytes, down);
  return done;
}

double log_steps(double g) { return 2 * std::ceil(std::log2(g)); }

const std::array<AllReduceRule, 3> kRules{{
    {AllReduceAlgorithm::ring, [](double g) { return 2 * (g - 1); }, [](double g) { return 2 * (g - 1) / g; }, ring,
     true},
    {AllReduceAlgorithm::tree, log_steps, log_steps, tree, false},
    {AllReduceAlgorithm::in_switch, [](double) { return 2.0; }, [](double) { return 1.0; }, in_switch, true},
}};

}  // namespace

const AllReduceRule& all_reduce_rule(AllReduceAlgorithm algorithm) {
  for (const auto& r : kRules) {
    if (r.algorithm == algorithm) return r;
  }
  throw std::logic_error("an all-reduce algorithm without a rule");
}

}  // namespace tokenfab
