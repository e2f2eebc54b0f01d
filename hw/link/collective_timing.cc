#include "hw/link/collective_timing.h"

#include <cmath>

namespace tokenfab {

CollectiveTime collective_time(const Collective& c, const LinkConfig& link, const FabricConfig& fabric) {
  CollectiveTime t;
  if (c.group_size <= 1) return t;
  const double g = c.group_size;
  const Seconds alpha = link.latency;
  const Seconds s_over_beta = c.bytes / link.sustained_bandwidth();
  t.overhead = fabric.collective_overhead;
  switch (c.kind) {
    case CollectiveKind::all_reduce:
      switch (fabric.all_reduce) {
        case AllReduceAlgorithm::ring:
          t.latency = alpha * (2 * (g - 1));
          t.transfer = s_over_beta * (2 * (g - 1) / g);
          break;
        case AllReduceAlgorithm::tree:
          t.latency = alpha * (2 * std::ceil(std::log2(g)));
          t.transfer = s_over_beta * (2 * std::ceil(std::log2(g)));
          break;
        case AllReduceAlgorithm::in_switch:
          t.latency = alpha * 2;
          t.transfer = s_over_beta;
          break;
      }
      break;
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
