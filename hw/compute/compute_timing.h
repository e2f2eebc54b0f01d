// Time of the arithmetic of one op on a chip's engines, ignoring memory.
//
// A GEMM of m rows runs on tiles of tile_m rows, so a decode GEMM with m=8
// on 64-row tiles uses 1/8 of the engine: its time is that of m rounded up to
// the tile (tile quantisation), times peak at the sustained GEMM efficiency.
// Elementwise ops (norms, RoPE, activations, sampling) run on the vector units.
#pragma once

#include "hw/compute/compute_config.h"
#include "workloads/op.h"

namespace tokenfab {

// Fraction of the engine's rows an m-row GEMM fills: m / (ceil(m/tile) * tile).
double tile_utilization(std::int64_t m, int tile_m);
// Fraction of the machine the output tiles of `count` m x n GEMMs keep busy
// over their waves: tiles / (ceil(tiles / units) * units). GEMMs with fewer
// tiles than units are taken to split K across the machine (as cuBLAS and
// CUTLASS do for skinny GEMMs), so only the last of several waves idles units.
double wave_utilization(const ComputeConfig& compute, std::int64_t m, std::int64_t n, std::int64_t count);

// Engine time of `op`: GEMMs and attention on the tensor units at the op's
// format, the rest on the vector units. Collectives and lookups take none.
Seconds compute_time(const ComputeConfig& compute, const Op& op);

}  // namespace tokenfab
