// Decode attention over a long context: one new token's queries against
// `context` cached positions, in tiles of mxm_dim positions, grouped-query
// (GQA: `heads` query heads share `kv_heads` KV heads, heads / kv_heads
// each) or MLA in its absorbed form (one latent "KV head" of key_dim =
// kv_lora_rank + rope lanes whose first value_dim lanes are the values).
//
// Dataflow (INT8 cache, INT32 products, FP32 between, as layer_data.h):
//   pass 1, per position tile t: each head's INT8 query through the
//     installed K^T tiles (row = key lane, column = position), the INT32
//     scores summed over key tiles, s = f32(score) * score_scale, -1e9 added
//     past the context on the last tile; a running maximum, lane by lane
//     (running values over tiles are balanced trees, not chains).
//   per head: M = max over lanes of the running maximum (one shift tree).
//   pass 2, per tile: e = exp(s - (M - ln 127)), in [0, 127]; a running
//     sum, lane by lane; p = round(e) to INT8 (no clamp: e cannot leave the
//     range); p through the installed V tiles (row = position, column =
//     value lane), INT32 sums over tiles.
//   per head: out = f32(sum of p V) * s_v / (sum over lanes of e).
// A two-pass softmax, not an online one: the chip has no cross-lane
// reduction, each maximum or sum over lanes is a 9-level shift tree, so the
// kernel keeps every tile's scores in SRAM and reduces across tiles lane by
// lane (one VXM op a tile), leaving two trees per head for the whole
// context. Normalising once at the end gives the largest weight (at M) all
// of INT8's range however long the context, and folding the scale 127 into
// the exponent leaves the weights one conversion each: 8 vector operations
// a head and tile (3 in pass 1, 4 in pass 2, the INT32 sum of the mix).
//
// Padding: the K^T row space is the kv heads' keys side by side (kv_heads x
// key_dim lanes), the V column space their values (kv_heads x value_dim),
// each padded with zeros to whole vectors; positions are padded to whole
// tiles, the padded ones masked. A head's query is placed in its KV head's
// lanes and multiplies only the key tiles those lanes touch; its output is
// its KV head's value lanes. So cycles depend on the tile counts only:
// ceil(context / dim), ceil(kv_heads x key_dim / dim), ceil(kv_heads x
// value_dim / dim). The cache is kept in both layouts (K transposed for the
// scores, V by position for the mix); an MLA latent is stored twice.
//
//   AttentionData d = attention_data({.heads = 8, .kv_heads = 1, .key_dim = 128,
//                                     .value_dim = 128, .context = 4096}, seed);
//   AttentionKernel k = decode_attention(params, d);   // k.expected_cycles
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "emulator/kernels/layer_data.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

struct AttentionShape {
  int heads = 1, kv_heads = 1;
  int key_dim = 0, value_dim = 0;  // per KV head
  int context = 0;                 // positions attended, the new token's included
  bool latent = false;             // MLA: values are the keys' first value_dim lanes
};

// INT8 queries (heads x key_dim), keys (context x kv_heads key_dim) and
// values (context x kv_heads value_dim), with the scales that make them reals.
struct AttentionData {
  AttentionShape shape;
  Int8Matrix q, k, v;
  float score_scale = 0;  // a score's INT32 to its real: s_q s_k / sqrt(key_dim)
  float s_v = 0;
};
// Uniform INT8 data, scaled so that scores spread about 0.5 (the softmax
// weights do not all round to zero in INT8). `values_only_timing`: zeros,
// for costing (cycles do not depend on values), without drawing random data.
AttentionData attention_data(const AttentionShape& shape, std::uint32_t seed, bool values_only_timing = false);

struct AttentionKernel {
  Program program;
  std::vector<Preload> preloads;
  // FP32 output of each head: its value-tile vectors (head h's values are
  // lanes [g value_dim, (g + 1) value_dim) of the concatenation, g its KV head).
  std::vector<std::vector<Vec>> out;
  std::vector<int> out_first_tile;  // per head: the value tile out[h][0] is
  std::int64_t expected_cycles = 0;
  std::int64_t chain_bound = 0;
  std::int64_t install_bound = 0;
};

AttentionKernel decode_attention(const LpuParams& p, const AttentionData& data);

// ln 127 in FP32: exp(s - M + this) is 127 at the maximum.
inline float attention_weight_shift() { return std::log(127.0f); }

}  // namespace tokenfab::lpu
