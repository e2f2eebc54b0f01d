#include "hw/compute/compute_config.h"

namespace tokenfab {

FlopsPerSecond ComputeConfig::peak(Dtype d) const {
  switch (d) {
    case Dtype::fp4:
    case Dtype::mxfp4:
      if (fp4) return *fp4;
      [[fallthrough]];
    case Dtype::fp8:
      if (fp8) return *fp8;
      [[fallthrough]];
    case Dtype::int8:
      if (int8) return *int8;
      [[fallthrough]];
    case Dtype::bf16:
    case Dtype::fp16:
    case Dtype::fp32:
      return bf16;
  }
  return bf16;
}

const Schema<ComputeConfig>& compute_schema() {
  static const Schema<ComputeConfig> schema = [] {
    Schema<ComputeConfig> s("matrix and vector engines");
    s.add("fp4", &ComputeConfig::fp4, "dense FP4 (NVFP4/MXFP4) tensor peak").positive();
    s.add("fp8", &ComputeConfig::fp8, "dense FP8 tensor peak").positive();
    s.add("bf16", &ComputeConfig::bf16, "dense BF16 tensor peak").positive();
    s.add("int8", &ComputeConfig::int8, "dense INT8 tensor peak").positive();
    s.add("vector", &ComputeConfig::vector, "vector (non-tensor) throughput for elementwise ops").positive();
    s.add("gemm_efficiency", &ComputeConfig::gemm_efficiency, "sustained fraction of peak on large GEMMs")
        .at_least(0.01)
        .at_most(1.0);
    s.add("tile_m", &ComputeConfig::tile_m, "GEMM rows per MMA tile; small M rounds up to it").at_least(1);
    s.add("tile_n", &ComputeConfig::tile_n, "GEMM columns per output tile, for wave quantisation").at_least(1);
    s.add("units", &ComputeConfig::units, "streaming multiprocessors that each run one output tile at a time")
        .at_least(1);
    s.add("launch_overhead", &ComputeConfig::launch_overhead, "time per kernel for launch and inter-kernel gap")
        .at_least(Seconds(0));
    s.add("clock", &ComputeConfig::clock, "core clock; informational for GPUs (peaks are given directly)").positive();
    s.add("emulator", &ComputeConfig::emulator,
          "lpu: the emulator preset its matrix ops are timed on (from the chip's emulator_preset)")
        .default_value("");
    s.add("emulator_set", &ComputeConfig::emulator_set,
          "lpu: changes to that preset, key=value;... (from the chip's emulator_set)")
        .default_value("");
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
