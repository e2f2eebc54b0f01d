#include "hw/compute/compute_timing.h"

#include "hw/compute/emulated_mxm.h"

namespace tokenfab {

double tile_utilization(std::int64_t m, int tile_m) {
  if (m <= 0) return 1.0;
  std::int64_t tiles = (m + tile_m - 1) / tile_m;
  return static_cast<double>(m) / static_cast<double>(tiles * tile_m);
}

double wave_utilization(const ComputeConfig& compute, std::int64_t m, std::int64_t n, std::int64_t count) {
  if (!compute.units || !compute.tile_n || m <= 0 || n <= 0) return 1.0;
  const std::int64_t tiles = ((m + compute.tile_m - 1) / compute.tile_m) *
                             ((n + *compute.tile_n - 1) / *compute.tile_n) * std::max<std::int64_t>(count, 1);
  const std::int64_t units = *compute.units;
  if (tiles <= units) return 1.0;
  const std::int64_t waves = (tiles + units - 1) / units;
  return static_cast<double>(tiles) / static_cast<double>(waves * units);
}

Seconds compute_time(const ComputeConfig& compute, const Op& op) {
  if (op.flops.value() <= 0) return Seconds(0);
  if (emulated(compute, op)) return emulated_time(compute, op);
  switch (op.kind) {
    case OpKind::gemm:
    case OpKind::grouped_gemm:
    case OpKind::router:
      return op.flops / (compute.peak(op.dtype) * compute.gemm_efficiency * tile_utilization(op.m, compute.tile_m) *
                         wave_utilization(compute, op.m, op.n, op.count));
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
