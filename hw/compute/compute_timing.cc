#include "hw/compute/compute_timing.h"

namespace tokenfab {

double tile_utilization(std::int64_t m, int tile_m) {
  if (m <= 0) return 1.0;
  std::int64_t tiles = (m + tile_m - 1) / tile_m;
  return static_cast<double>(m) / static_cast<double>(tiles * tile_m);
}

Seconds compute_time(const ComputeConfig& compute, const Op& op) {
  if (op.flops.value() <= 0) return Seconds(0);
  switch (op.kind) {
    case OpKind::gemm:
    case OpKind::grouped_gemm:
    case OpKind::router:
      return op.flops / (compute.peak(op.dtype) * compute.gemm_efficiency * tile_utilization(op.m, compute.tile_m));
    case OpKind::attention:
      // Attention tiles run over the context, which fills the engine; its
      // rows are the query heads of a token, so no tile penalty is applied.
      return op.flops / (compute.peak(op.dtype) * compute.gemm_efficiency);
    case OpKind::norm:
    case OpKind::rope:
    case OpKind::activation:
    case OpKind::sampling:
      return op.flops / compute.vector;
    case OpKind::embedding:
    case OpKind::collective:
      return Seconds(0);
  }
  return Seconds(0);
}

}  // namespace tokenfab
