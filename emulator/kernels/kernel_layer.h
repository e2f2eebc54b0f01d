// The kernel library's transformer layer: one decode step of the layer in
// layer_data.h (RMSNorm, Q/K/V projections, RoPE, cache append, per-head
// attention with softmax, output projection, RMSNorm, SwiGLU FFN, both
// residual adds) on one chip, scheduled by the kernel scheduler
// (schedule.h). The hidden state is d / width vectors (width = mxm_dim =
// lanes, 320 on tsp-v1, where 5 heads of 64 fit in each vector); every
// projection is tiled over whole MXM tiles, summing INT32 partials over the
// row tiles; a head never straddles two vectors, so attention runs vector by
// vector, each with its own K^T and V tiles.
//
// How the pieces map onto the chip (shared/reference/lpu.md §2):
//  - matrix products are MXM tiles (matvec), weights streamed at the
//    install rate; per-head attention masks the query per head, so one
//    installed K^T tile serves every head;
//  - the cache holds K transposed (row k = lane k of every position), which
//    the scores' product needs as weights; appending the token's key is a
//    transpose, done on the MXM: with every weight row the one-hot vector of
//    the token's position, the product of (k masked to lane i) puts k[i] in
//    that position's lane, and a VXM add merges it into row i;
//  - sums and maxima over lanes are shift trees (SXM shift, VXM add or max;
//    log2(lanes) levels each way), since the chip has no cross-lane
//    reduction (lpu.md §2.4);
//  - every constant (scales, 1/d, epsilon, masks, rotary angles, one-hot
//    rows) is a preloaded vector.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "emulator/kernels/layer_data.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

struct LayerKernel {
  Program program;
  std::vector<Preload> preloads;
  // Per vector of the hidden state (lanes v * width .. of d):
  std::vector<Vec> out;                  // x2, f32
  std::vector<Vec> v_row;                // the cache's new V row, i8
  std::vector<std::vector<Vec>> k_rows;  // K^T after the append, i8: lane `context` of row r is k[v * width + r]
  std::int64_t expected_cycles = 0;
  std::int64_t chain_bound = 0;      // longest dependency chain
  std::int64_t install_bound = 0;    // weight rows / install rate
  int lane_begin = 0, lane_end = 0;  // this chip's heads' lanes (of d)
  // Where the time goes: the cycle each stage's result is in SRAM, in order
  // (stages overlap where their inputs allow, such as weight installs).
  std::vector<std::pair<std::string, std::int64_t>> milestones;
  std::int64_t mxm_tiles = 0;
  std::int64_t vxm_ops = 0;
};

// Why a layer of this shape cannot run on `chips` chips of p (d not whole
// vectors; heads not of an even width of at least 8 lanes dividing the
// vector, or not splitting over the chips; an FFN not in whole tiles or not
// splitting over the chips; more than a vector wide on several chips; more
// positions than a tile of keys; weights and caches beyond the SRAM); empty
// when it can. Checked before any data is made.
std::string layer_shape_problem(const LpuParams& p, int d, int heads, int ffn, int context, int chips);

// Throws std::invalid_argument when layer_shape_problem finds one.
//
// With chips > 1 (a one-vector layer), chip `chip`'s part of the layer split tensor-parallel over
// a fully connected node (system.h fully_connected): each chip holds its
// heads (shard) and its share of the FFN tiles, and the two INT32 partial
// products (after Wo and after the down projection) are all-reduced over the
// C2C links before dequantisation, so every chip ends with the whole layer's
// output, equal to the one-chip result. The program is the same on every
// chip; only the preloaded data differ.
LayerKernel decode_layer(const LpuParams& p, const LayerData& data, int chips = 1, int chip = 0);

}  // namespace tokenfab::lpu
