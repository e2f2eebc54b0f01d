// Building blocks of the kernel library on one scheduler (schedule.h): FP32
// and integer vector arithmetic, preloaded constants, INT8 quantisation,
// reductions over lanes, RMSNorm, rotary embedding, softmax, SwiGLU, weight
// tiles, MXM products and the INT32 all-reduce over a node. Each call
// schedules its operations and returns the result's vector; the kernels
// (kernel_layer.h, kernel_vector.h) are sequences of these calls.
//
// Numerics as layer_data.h states them: FP32 elementwise, rounding once per
// operation; q8(v, s) = round-half-away(clamp(v / s, -127, 127)).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "emulator/kernels/layer_data.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

class KernelOps {
 public:
  explicit KernelOps(const LpuParams& p);
  Scheduler& s() { return s_; }
  int lanes() const { return n_; }
  std::int64_t vxm_ops() const { return vxm_ops_; }
  std::int64_t mxm_tiles() const { return mxm_tiles_; }

  // One VXM operation on FP32 vectors, or on `t` (with `into`: the result there).
  Vec f(Opcode op, const Vec& a);
  Vec f(Opcode op, const Vec& a, const Vec& b);
  Vec i(Opcode op, ElemType t, const Vec& a, const Vec& b, const Vec* into = nullptr);

  // A vector with `value` in every lane, preloaded once per value.
  const Vec& constant(float value);
  // Preloaded vectors from a function of the lane; integer ones on `side`
  // (the K and V caches sit by the MXM that reads them).
  template <class Fn>
  Vec lanes_f32(Fn fn) {
    std::vector<float> v(static_cast<std::size_t>(n_));
    for (int l = 0; l < n_; ++l) v[static_cast<std::size_t>(l)] = fn(l);
    return s_.input_f32(v);
  }
  template <class Fn>
  Vec lanes_int(ElemType t, Fn fn, Hemisphere side = Hemisphere::east) {
    std::vector<double> v(static_cast<std::size_t>(n_));
    for (int l = 0; l < n_; ++l) v[static_cast<std::size_t>(l)] = fn(l);
    return input_int(t, v, side);
  }

  // The rope() masks of a sine vector: -sin on even lanes, sin on odd ones.
  std::pair<Vec, Vec> sine_masks(const Eigen::ArrayXf& sin);
  // 0/1 masks of the lanes of heads first..first+count-1 of width hd, as INT8 and INT32.
  std::pair<std::vector<Vec>, std::vector<Vec>> head_masks(int first, int count, int hd);

  // q8(v, scale); with `into`, the INT8 result goes there.
  Vec quantize(const Vec& v, float scale, const Vec* into = nullptr);
  // An INT32 vector to FP32, times `scale`.
  Vec dequantize(const Vec& y, float scale);
  // Every lane gets op (add or max) over all lanes: shift trees north and
  // south (log2(lanes) levels each); a sum takes the lane's own value, counted
  // twice, off once. The maximum is at least 0: the shifts fill with zeros.
  Vec all_lanes(const Vec& v, Opcode op);
  // x / sqrt(mean(x^2) + eps) * gain over a vector, or over a hidden state
  // of several vectors (the squares summed across them, then over lanes).
  Vec rmsnorm(const Vec& x, const Vec& gain, float eps);
  std::vector<Vec> rmsnorm(const std::vector<Vec>& x, const std::vector<Vec>& gain, float eps);
  // Interleaved pairs (a, b) -> (a cos - b sin, b cos + a sin); sin_even is
  // -sin on even lanes and 0 on odd, sin_odd sin on odd lanes and 0 on even.
  Vec rope(const Vec& v, const Vec& cos, const Vec& sin_even, const Vec& sin_odd);
  // exp(s - max) / sum over lanes; `mask` adds -1e9 to lanes that take no part.
  Vec softmax(const Vec& scores, const Vec& mask);
  // silu(gate) * up = gate / (1 + exp(-gate)) * up.
  Vec swiglu(const Vec& gate, const Vec& up);

  // Decode attention: the INT8 query masked per head (head_i8, INT8 0/1
  // masks of each head's lanes) against one installed K^T tile (row i = lane
  // i of every position), each head's softmax (mask: -1e9 past the valid
  // positions) scaled by score_scale and quantised with p_scale, then all
  // heads' probabilities through one installed V tile (row j = position j);
  // returns the INT32 mix of each head's lanes (head_i32 masks).
  Vec attention(const Vec& q8, const std::vector<Vec>& key_rows, const std::vector<Vec>& value_rows,
                const std::vector<Vec>& head_i8, const std::vector<Vec>& head_i32, const Vec& mask, float score_scale,
                float p_scale);

  // Rows of the dim x dim tile (row_tile, col_tile) of w, preloaded on the
  // side of the MXM that is to take it: the one that could install a tile
  // first (each MXM has half the planes, schedule.h), so weight loads use
  // both hemispheres' streams.
  std::vector<Vec> tile(const Int8Matrix& w, int row_tile, int col_tile);
  // The side of the next tile: Scheduler::freer_mxm().
  Hemisphere next_tile_side() const { return s_.freer_mxm(); }
  std::vector<Vec> product(const std::vector<Vec>& rows, const std::vector<const Vec*>& xs,
                           const std::vector<const Vec*>& low_byte_into = {});
  // Column tile `col_tile` of x^T W for a hidden state x of several INT8
  // vectors, the row tiles of W from `first_row_tile` on: the tiles'
  // products summed in INT32.
  Vec column(const Int8Matrix& w, int col_tile, const std::vector<Vec>& x, int first_row_tile = 0);
  // The sum of an INT32 vector over a fully connected node of `chips`
  // (system.h fully_connected): exchanged with every peer at once, then added.
  Vec all_reduce(const Vec& v, int chips);

 private:
  Vec input_int(ElemType t, const std::vector<double>& lanes, Hemisphere side);
  Vec count(Vec v);
  const LpuParams p_;  // a copy, as the scheduler keeps
  Scheduler s_;
  int n_;
  std::int64_t vxm_ops_ = 0, mxm_tiles_ = 0;
  std::map<std::uint32_t, Vec> constants_;
};

}  // namespace tokenfab::lpu
