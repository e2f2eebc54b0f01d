// One decode step of one transformer layer as numbers: the weights, the
// cached keys and values, the token's residual-stream vector and every
// quantisation scale; the kernels' input. The Eigen reference the emulated
// layer is checked against is reference/layer_reference.h.
//
// The numerics are W8A8 with FP32 in between, as an LPU serving 8-bit
// weights runs them (shared/reference/lpu.md §3: 8-bit weights with FP16/FP32
// compute): every matrix product is INT8 x INT8 -> INT32 with a per-tensor
// scale; normalisation, rotary embedding, softmax and SiLU are FP32; the KV
// cache is INT8. The layer (pre-norm, Llama-style, one query token at
// position `context`):
//
//   h  = rmsnorm(x) * g1;  q, k, v = h Wq, h Wk, h Wv;  rope(q), rope(k)
//   append k, v to the cache;  per head: p = softmax(q . K / sqrt(hd)); a = p V
//   x1 = x + a Wo;  h2 = rmsnorm(x1) * g2;  x2 = x1 + (silu(h2 Wg) * h2 Wu) Wd
//
// Quantisation: q8(v, s) = round-half-away(clamp(v / s, -127, 127)) (the
// division is a multiplication by 1/s); dequantisation multiplies the INT32
// product by the two scales' product.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <vector>

namespace tokenfab::lpu {

using Int8Matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Int8Vector = Eigen::Array<std::int8_t, Eigen::Dynamic, 1>;
using Int32Vector = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;

struct LayerData {
  int d = 0, heads = 0, ffn = 0, context = 0;  // context: cached positions; the token is at `context`
  float eps = 1e-5f;
  Eigen::ArrayXf x, norm1, norm2;  // d
  Eigen::ArrayXf cos, sin;         // d: rotary angle of lane pair (2i, 2i+1) at the token's position
  Int8Matrix wq, wk, wv, wo;       // d x d (y = x^T W)
  Int8Matrix w_gate, w_up;         // d x ffn
  Int8Matrix w_down;               // ffn x d
  float s_wq = 0, s_wk = 0, s_wv = 0, s_wo = 0, s_wg = 0, s_wu = 0, s_wd = 0;  // weight scales
  Int8Matrix k_cache, v_cache;  // context x d, quantised with s_k and s_v
  float s_h = 0;                // normalised hidden states (both norms)
  float s_q = 0, s_k = 0, s_v = 0;
  float s_p = 0;  // softmax probabilities
  float s_a = 0;  // attention output
  float s_f = 0;  // SwiGLU product
  int head_dim() const { return d / heads; }
  // Attention scores' scale: both INT8 scales over sqrt(head dimension).
  float score_scale() const { return s_q * s_k / std::sqrt(static_cast<float>(head_dim())); }
};

// Uniform INT8 values in [-limit, limit] from a fixed generator: the same
// matrix for the same seed on every machine.
Int8Matrix random_int8(int rows, int cols, int limit, std::uint32_t seed);

// The layer shape kernels and `tokenfab emulate` use when none is given, for
// a model width d of whole vectors of `width` lanes: in each vector, heads of
// 64 where they divide it (5 on tsp-v1), else 2; an FFN of 2d; 4/5 of a
// vector's lanes less one cached (the cache holds one tile of positions).
struct LayerShape {
  int heads, ffn, context;
};
LayerShape default_layer_shape(int d, int width);

// Deterministic data for a layer of the given shape: uniform INT8 weights
// with scales that keep activations near unit variance, gains near 1, and a
// cache of `context` positions.
LayerData make_layer_data(int d, int heads, int ffn, int context, std::uint32_t seed);

// What chip `chip` of a `chips`-way tensor-parallel split holds (Megatron
// style, by heads): the columns of Wq, Wk and Wv and the rows of Wo of its
// heads, and its heads' lanes of the caches; the rest is zero. The FFN
// weights stay whole (the kernel takes the chip's share of tiles).
LayerData shard(const LayerData& data, int chips, int chip);

}  // namespace tokenfab::lpu
