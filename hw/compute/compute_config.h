// Parameters of a chip's matrix and vector engines.
//
// Peaks are dense (not 2:4 sparse) per format, from datasheets.
// `gemm_efficiency` is the sustained fraction of peak on large GEMMs (Azure
// measured 2,744 TFLOP/s FP8 on a 5 PFLOP/s GB200 GPU, 55%). Small-M decode
// GEMMs lose more to tile quantisation: a GEMM of m rows occupies
// ceil(m / tile_m) * tile_m rows of the engine. With `units` and `tile_n`
// set, a large GEMM's output tiles also run in waves of `units` tiles, and the
// last, partial wave idles the rest (wave quantisation).
#pragma once

#include <optional>
#include <string>

#include "core/schema.h"
#include "workloads/precision.h"

namespace tokenfab {

struct ComputeConfig {
  std::optional<FlopsPerSecond> fp4;
  std::optional<FlopsPerSecond> fp8;
  FlopsPerSecond bf16;
  std::optional<FlopsPerSecond> int8;
  FlopsPerSecond vector;         // non-tensor (elementwise, softmax) throughput
  double gemm_efficiency = 1.0;  // sustained / peak on large GEMMs
  int tile_m = 1;                // rows per MMA tile; small-M GEMMs round up to it
  std::optional<int> tile_n;     // columns per output tile (wave quantisation)
  std::optional<int> units;      // streaming multiprocessors: output tiles run in waves of this many
  Seconds launch_overhead;       // per kernel: launch and the gap to the next
  std::optional<Hertz> clock;
  // LPUs: the emulator preset (a configs/lpu/ path) that times matrix ops
  // (emulated_mxm.h), set from the chip's emulator_preset; empty: roofline.
  std::string emulator;
  std::string emulator_set;  // changes to that preset, "key=value;key=value"

  // Peak for a format; formats without their own unit run on the next wider one.
  FlopsPerSecond peak(Dtype d) const;
};

const Schema<ComputeConfig>& compute_schema();

}  // namespace tokenfab
