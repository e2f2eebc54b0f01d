#include "hw/link/collective_timing.h"

#include "hw/collective/all_reduce.h"

namespace tokenfab {

CollectiveTime collective_time(const Collective& c, const LinkConfig& link, const FabricConfig& fabric) {
  CollectiveTime t;
  if (c.group_size <= 1) return t;
  const double g = c.group_size;
  const Seconds alpha = link.latency;
  const Seconds s_over_beta = c.bytes / link.sustained_bandwidth();
  t.overhead = fabric.collective_overhead;
  switch (c.kind) {
    case CollectiveKind::all_reduce: {
      if (fabric.all_reduce == AllReduceAlgorithm::direct) {
        const DirectAllReduce d = direct_all_reduce(g, c.bytes, link, *fabric.direct);
        t.latency = d.latency;
        t.transfer = d.transfer;
        break;
      }
      const AllReduceRule& rule = all_reduce_rule(fabric.all_reduce);
      t.latency = alpha * rule.alphas(g);
      t.transfer = s_over_beta * rule.betas(g);
      break;
    }
    case CollectiveKind::all_gather:
      t.latency = alpha * (g - 1);
      t.transfer = s_over_beta * (g - 1);
      break;
    case CollectiveKind::reduce_scatter:
      t.latency = alpha * (g - 1);
      t.transfer = s_over_beta * ((g - 1) / g);
      break;
    case CollectiveKind::all_to_all:
      t.latency = alpha;
      t.transfer = s_over_beta * ((g - 1) / g);
      break;
    case CollectiveKind::send_recv:
      t.latency = alpha;
      t.transfer = s_over_beta;
      break;
  }
  return t;
}

}  // namespace tokenfab
