#include "emulator/kernels/kernel_ops.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "emulator/isa/lanes.h"

namespace tokenfab::lpu {

KernelOps::KernelOps(const LpuParams& p) : p_(p), s_(p), n_(p.vector_bytes()) {}

Vec KernelOps::count(Vec v) {
  ++vxm_ops_;
  return v;
}

Vec KernelOps::f(Opcode op, const Vec& a) { return count(s_.vxm(op, ElemType::f32, {&a})); }
Vec KernelOps::f(Opcode op, const Vec& a, const Vec& b) { return count(s_.vxm(op, ElemType::f32, {&a, &b})); }
Vec KernelOps::i(Opcode op, ElemType t, const Vec& a, const Vec& b, const Vec* into) {
  return count(s_.vxm(op, t, {&a, &b}, into));
}

const Vec& KernelOps::constant(float value) {
  std::uint32_t key = 0;
  std::memcpy(&key, &value, sizeof key);
  auto it = constants_.find(key);
  if (it == constants_.end()) it = constants_.emplace(key, lanes_f32([&](int) { return value; })).first;
  return it->second;
}

Vec KernelOps::input_int(ElemType t, const std::vector<double>& lanes, Hemisphere side) {
  const Lanes v = Eigen::Map<const Lanes>(lanes.data(), static_cast<Eigen::Index>(lanes.size()));
  return s_.input(t, encode_lanes(v, t), side);
}

std::pair<Vec, Vec> KernelOps::sine_masks(const Eigen::ArrayXf& sin) {
  return {lanes_f32([&](int l) { return l % 2 == 0 ? -sin[l] : 0.0f; }),
          lanes_f32([&](int l) { return l % 2 == 1 ? sin[l] : 0.0f; })};
}

std::pair<std::vector<Vec>, std::vector<Vec>> KernelOps::head_masks(int first, int count, int hd) {
  std::pair<std::vector<Vec>, std::vector<Vec>> masks;
  for (int h = first; h < first + count; ++h) {
    masks.first.push_back(lanes_int(ElemType::i8, [&](int l) { return l / hd == h ? 1 : 0; }));
    masks.second.push_back(lanes_int(ElemType::i32, [&](int l) { return l / hd == h ? 1 : 0; }));
  }
  return masks;
}

Vec KernelOps::quantize(const Vec& v, float scale, const Vec* into) {
  Vec a = f(Opcode::mul, v, constant(1.0f / scale));
  a = f(Opcode::max, a, constant(-127.0f));
  a = f(Opcode::min, a, constant(127.0f));
  return count(s_.vxm(Opcode::conv, ElemType::i8, {&a}, into));
}

Vec KernelOps::dequantize(const Vec& y, float scale) {
  return f(Opcode::mul, count(s_.conv(y, ElemType::f32)), constant(scale));
}

Vec KernelOps::all_lanes(const Vec& v, Opcode op) {
  Vec up = v, down = v;
  for (int step = 1; step < n_; step *= 2) {
    const Vec a = s_.shift(up, step), b = s_.shift(down, -step);
    up = f(op, up, a);
    down = f(op, down, b);
  }
  if (op == Opcode::max) return f(Opcode::max, up, down);
  return f(Opcode::sub, f(Opcode::add, up, down), v);
}

Vec KernelOps::rmsnorm(const Vec& x, const Vec& gain, float eps) {
  return rmsnorm(std::vector<Vec>{x}, {gain}, eps)[0];
}

std::vector<Vec> KernelOps::rmsnorm(const std::vector<Vec>& x, const std::vector<Vec>& gain, float eps) {
  Vec squares = f(Opcode::mul, x[0], x[0]);
  for (std::size_t v = 1; v < x.size(); ++v) squares = f(Opcode::add, squares, f(Opcode::mul, x[v], x[v]));
  const Vec total = all_lanes(squares, Opcode::add);
  const Vec mean = f(Opcode::mul, total, constant(1.0f / static_cast<float>(n_ * static_cast<int>(x.size()))));
  const Vec r = f(Opcode::rsqrt, f(Opcode::add, mean, constant(eps)));
  std::vector<Vec> out;
  for (std::size_t v = 0; v < x.size(); ++v) out.push_back(f(Opcode::mul, f(Opcode::mul, x[v], r), gain[v]));
  return out;
}

// The partner lane comes from a shift by one either way, masked by the sine
// vectors' zeros on the other parity.
Vec KernelOps::rope(const Vec& v, const Vec& cos, const Vec& sin_even, const Vec& sin_odd) {
  const Vec next = s_.shift(v, -1), prev = s_.shift(v, 1);
  const Vec t = f(Opcode::add, f(Opcode::mul, v, cos), f(Opcode::mul, next, sin_even));
  return f(Opcode::add, t, f(Opcode::mul, prev, sin_odd));
}

Vec KernelOps::softmax(const Vec& scores, const Vec& mask) {
  const Vec sc = f(Opcode::add, scores, mask);
  const Vec ex = f(Opcode::exp, f(Opcode::sub, sc, all_lanes(sc, Opcode::max)));
  return f(Opcode::mul, ex, f(Opcode::recip, all_lanes(ex, Opcode::add)));
}

Vec KernelOps::swiglu(const Vec& gate, const Vec& up) {
  const Vec sigmoid = f(Opcode::recip, f(Opcode::add, constant(1.0f), f(Opcode::exp, f(Opcode::neg, gate))));
  return f(Opcode::mul, f(Opcode::mul, gate, sigmoid), up);
}

Vec KernelOps::attention(const Vec& q8, const std::vector<Vec>& key_rows, const std::vector<Vec>& value_rows,
                         const std::vector<Vec>& head_i8, const std::vector<Vec>& head_i32, const Vec& mask,
                         float score_scale, float p_scale) {
  const std::size_t heads = head_i8.size();
  if (heads == 0 || head_i32.size() != heads)
    throw std::invalid_argument("attention: one INT8 and one INT32 mask per head");
  std::vector<Vec> q_heads, probs;
  std::vector<const Vec*> q_ptrs, p_ptrs;
  q_heads.reserve(heads);
  probs.reserve(heads);
  for (std::size_t h = 0; h < heads; ++h) {
    q_heads.push_back(i(Opcode::mul, ElemType::i8, q8, head_i8[h]));
    q_ptrs.push_back(&q_heads.back());
  }
  const std::vector<Vec> scores = product(key_rows, q_ptrs);
  for (std::size_t h = 0; h < heads; ++h) {
    probs.push_back(quantize(softmax(dequantize(scores[h], score_scale), mask), p_scale));
    p_ptrs.push_back(&probs.back());
  }
  const std::vector<Vec> mixed = product(value_rows, p_ptrs);
  Vec mix = i(Opcode::mul, ElemType::i32, mixed[0], head_i32[0]);
  for (std::size_t h = 1; h < heads; ++h)
    mix = i(Opcode::add, ElemType::i32, mix, i(Opcode::mul, ElemType::i32, mixed[h], head_i32[h]));
  return mix;
}

std::vector<Vec> KernelOps::tile(const Int8Matrix& w, int row_tile, int col_tile) {
  std::vector<Vec> rows;
  const int dim = p_.mxm_dim;
  const Hemisphere side = next_tile_side();
  for (int r = 0; r < dim; ++r) {
    std::vector<std::int8_t> row(static_cast<std::size_t>(dim));
    for (int c = 0; c < dim; ++c) row[static_cast<std::size_t>(c)] = w(row_tile * dim + r, col_tile * dim + c);
    rows.push_back(s_.input_i8(row, side));
  }
  return rows;
}

std::vector<Vec> KernelOps::product(const std::vector<Vec>& rows, const std::vector<const Vec*>& xs,
                                    const std::vector<const Vec*>& low_byte_into) {
  ++mxm_tiles_;
  return s_.matvec(rows, xs, low_byte_into);
}

Vec KernelOps::column(const Int8Matrix& w, int col_tile, const std::vector<Vec>& x, int first_row_tile) {
  Vec sum;
  for (std::size_t kt = 0; kt < x.size(); ++kt) {
    const Vec part = product(tile(w, first_row_tile + static_cast<int>(kt), col_tile), {&x[kt]})[0];
    sum = kt == 0 ? part : i(Opcode::add, ElemType::i32, sum, part);
  }
  return sum;
}

Vec KernelOps::all_reduce(const Vec& v, int chips) {
  std::vector<Vec> received;
  received.reserve(static_cast<std::size_t>(std::max(chips - 1, 0)));
  for (int link = 0; link < chips - 1; ++link) received.push_back(s_.exchange(v, link));
  Vec sum = v;
  for (const Vec& r : received) sum = i(Opcode::add, ElemType::i32, sum, r);
  return sum;
}

}  // namespace tokenfab::lpu
