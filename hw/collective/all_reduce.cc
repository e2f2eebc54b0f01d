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

MemberTimes ring(FabricTiming& f, const FabricConfig&, const std::vector<int>& members, const MemberTimes& ready,
                 Bytes payload) {
  const int g = static_cast<int>(members.size());
  return ring_steps(f, members, ready, 2 * (g - 1), payload / g);
}

// Binomial tree rooted at member 0: reduce up, then broadcast down, S each hop.
MemberTimes tree(FabricTiming& f, const FabricConfig&, const std::vector<int>& members, const MemberTimes& ready,
                 Bytes bytes) {
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

MemberTimes in_switch(FabricTiming& f, const FabricConfig&, const std::vector<int>& members, const MemberTimes& ready,
                      Bytes bytes) {
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

// Private links carry only this collective's traffic (the compiler schedules
// every transfer), so the closed form is the simulation: all members finish
// together once the last is ready.
MemberTimes direct(FabricTiming& f, const FabricConfig& config, const std::vector<int>& members,
                   const MemberTimes& ready, Bytes bytes) {
  const DirectAllReduce t = direct_all_reduce(static_cast<double>(members.size()), bytes, f.link(), *config.direct);
  const Seconds start = *std::max_element(ready.begin(), ready.end());
  return MemberTimes(members.size(), start + t.latency + t.transfer);
}

double log_steps(double g) { return 2 * std::ceil(std::log2(g)); }
double no_steps(double) { return 0.0; }

const std::array<AllReduceRule, 4> kRules{{
    {AllReduceAlgorithm::ring, [](double g) { return 2 * (g - 1); }, [](double g) { return 2 * (g - 1) / g; }, ring,
     true},
    {AllReduceAlgorithm::tree, log_steps, log_steps, tree, false},
    {AllReduceAlgorithm::in_switch, [](double) { return 2.0; }, [](double) { return 1.0; }, in_switch, true},
    // Not a multiple of alpha and S/beta alone: collective_time asks direct_all_reduce.
    {AllReduceAlgorithm::direct, no_steps, no_steps, direct, true},
}};

}  // namespace

DirectAllReduce direct_all_reduce(double g, Bytes payload, const LinkConfig& link, const DirectLinks& direct) {
  const BytesPerSecond per_link = link.sustained_bandwidth() / static_cast<double>(link.lanes);
  const Seconds alpha = link.latency;
  const Seconds s_link = payload / per_link;  // S / beta_l
  // The better of one shot and two phases, as hop and byte terms.
  auto better = [](DirectAllReduce a, DirectAllReduce b) {
    return a.latency + a.transfer <= b.latency + b.transfer ? a : b;
  };
  const double n = std::min<double>(g, direct.node);
  if (g <= direct.node) return better({alpha, s_link}, {alpha * 2.0, s_link * (2.0 / n)});
  const double m = std::ceil(g / n);
  const double h = direct.global_hops, links = direct.global_links;
  const Seconds slice = s_link / n;  // (S/n) / beta_l
  const DirectAllReduce across =
      better({alpha * h, slice * ((m - 1) / links)}, {alpha * (2.0 * h), slice * (2.0 * (m - 1) / m / links)});
  return {alpha * 2.0 + across.latency, slice * 2.0 + across.transfer};
}

const AllReduceRule& all_reduce_rule(AllReduceAlgorithm algorithm) {
  for (const auto& r : kRules) {
    if (r.algorithm == algorithm) return r;
  }
  throw std::logic_error("an all-reduce algorithm without a rule");
}

}  // namespace tokenfab
