#include "emulator/kernels/kernel_attention.h"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>

#include "emulator/kernels/kernel_ops.h"

namespace tokenfab::lpu {

namespace {

int tiles_of(int size, int dim) { return (size + dim - 1) / dim; }

// The tiles [first, last] that a KV head's `width` lanes touch.
std::pair<int, int> tile_span(int kv_head, int width, int dim) {
  return {kv_head * width / dim, ((kv_head + 1) * width - 1) / dim};
}

// Values arriving one by one folded into a balanced tree (a binary counter
// of partial results): log2(n) operations deep instead of n, so that a
// running maximum or sum over many tiles does not wait on a chain of them.
class TreeFold {
 public:
  template <class Combine>
  void add(Vec v, Combine combine) {
    std::size_t level = 0;
    for (; level < partial_.size() && partial_[level]; ++level) {
      v = combine(*partial_[level], v);
      partial_[level].reset();
    }
    if (level == partial_.size()) partial_.emplace_back();
    partial_[level] = std::move(v);
  }
  template <class Combine>
  Vec result(Combine combine) const {
    std::optional<Vec> out;
    for (const std::optional<Vec>& p : partial_)
      if (p) out = out ? combine(*p, *out) : *p;
    return *out;
  }

 private:
  std::vector<std::optional<Vec>> partial_;
};

}  // namespace

AttentionData attention_data(const AttentionShape& a, std::uint32_t seed, bool values_only_timing) {
  if (a.heads < 1 || a.kv_heads < 1 || a.heads % a.kv_heads != 0)
    throw std::invalid_argument("attention: kv_heads must divide heads");
  if (a.key_dim < 1 || a.value_dim < 1 || a.context < 1)
    throw std::invalid_argument("attention: key_dim, value_dim and context at least 1");
  if (a.latent && a.value_dim > a.key_dim) throw std::invalid_argument("attention: latent values are key lanes");
  AttentionData d;
  d.shape = a;
  const int key_lanes = a.kv_heads * a.key_dim, value_lanes = a.kv_heads * a.value_dim;
  if (values_only_timing) {
    d.q = Int8Matrix::Zero(a.heads, a.key_dim);
    d.k = Int8Matrix::Zero(a.context, key_lanes);
    d.v = Int8Matrix::Zero(a.context, value_lanes);
  } else {
    d.q = random_int8(a.heads, a.key_dim, 127, seed);
    d.k = random_int8(a.context, key_lanes, 127, seed + 1);
    d.v = a.latent ? Int8Matrix(a.context, value_lanes) : random_int8(a.context, value_lanes, 127, seed + 2);
    for (int g = 0; a.latent && g < a.kv_heads; ++g)
      d.v.middleCols(Eigen::Index{g} * a.value_dim, a.value_dim) =
          d.k.middleCols(Eigen::Index{g} * a.key_dim, a.value_dim);
  }
  // Uniform INT8 has variance 127^2 / 3; a score sums key_dim products.
  const double score_sd = 127.0 * 127.0 / 3.0 * std::sqrt(static_cast<double>(a.key_dim));
  d.score_scale = static_cast<float>(0.5 / score_sd);
  d.s_v = 1.0f / 127.0f;
  return d;
}

AttentionKernel decode_attention(const LpuParams& p, const AttentionData& data) {
  if (p.mxm_dim != p.vector_bytes()) throw std::invalid_argument("attention: the MXM must be one vector wide");
  const AttentionShape& a = data.shape;
  const int dim = p.mxm_dim, group = a.heads / a.kv_heads;
  const int positions = tiles_of(a.context, dim);
  const int key_tiles = tiles_of(a.kv_heads * a.key_dim, dim), value_tiles = tiles_of(a.kv_heads * a.value_dim, dim);
  const auto heads = static_cast<std::size_t>(a.heads);
  KernelOps e(p);
  Scheduler& s = e.s();
  std::vector<Hemisphere> sides{Hemisphere::east};
  if (s.has_mxm(Hemisphere::west)) sides.push_back(Hemisphere::west);
  auto side_index = [&](Hemisphere h) { return sides.size() > 1 && h == Hemisphere::west ? 1U : 0U; };

  // queries[side][head][key tile - first]: the head's query in its KV head's
  // lanes of the key row space, one vector a key tile it touches, on every
  // side (a tile's activations come from its own hemisphere's streams).
  std::vector<std::vector<std::vector<Vec>>> queries(sides.size(), std::vector<std::vector<Vec>>(heads));
  for (std::size_t side = 0; side < sides.size(); ++side) {
    for (int h = 0; h < a.heads; ++h) {
      const int g = h / group, first_lane = g * a.key_dim;
      const auto [first, last] = tile_span(g, a.key_dim, dim);
      for (int rt = first; rt <= last; ++rt) {
        queries[side][static_cast<std::size_t>(h)].push_back(e.lanes_int(
            ElemType::i8,
            [&](int l) {
              const int lane = rt * dim + l - first_lane;
              return lane >= 0 && lane < a.key_dim ? data.q(h, lane) : 0;
            },
            sides[side]));
      }
    }
  }
  // A dim x dim tile of cached data, stored on the side whose MXM frees first.
  auto cache_tile = [&](auto at) {
    const Hemisphere side = e.next_tile_side();
    std::vector<Vec> rows;
    for (int r = 0; r < dim; ++r) {
      std::vector<std::int8_t> row(static_cast<std::size_t>(dim));
      for (int c = 0; c < dim; ++c) row[static_cast<std::size_t>(c)] = at(r, c);
      rows.push_back(s.input_i8(row, side));
    }
    return std::make_pair(side, rows);
  };
  auto accumulate = [&](Vec& sum, bool first, const Vec& part) {
    sum = first ? part : e.i(Opcode::add, ElemType::i32, sum, part);
  };
  // The products through a tile's `rows` of the heads whose KV head's
  // `width` lanes touch tile `tile`: (head, its KV head's first tile) and
  // product, in head order; `activation(head, first)` is the head's vector.
  auto through = [&](const std::vector<Vec>& rows, int width, int tile, auto activation) {
    std::vector<std::pair<std::size_t, int>> takers;
    std::vector<const Vec*> xs;
    for (int h = 0; h < a.heads; ++h) {
      const auto [first, last] = tile_span(h / group, width, dim);
      if (tile < first || tile > last) continue;
      takers.emplace_back(static_cast<std::size_t>(h), first);
      xs.push_back(activation(static_cast<std::size_t>(h), first));
    }
    return std::make_pair(takers, e.product(rows, xs));
  };
  const Vec mask = e.lanes_f32([&](int l) { return (positions - 1) * dim + l < a.context ? 0.0f : -1e9f; });

  // Pass 1: scores and their running maximum, lane by lane.
  std::vector<std::vector<Vec>> scores(heads);
  std::vector<TreeFold> running(heads);
  auto max = [&](const Vec& x, const Vec& y) { return e.f(Opcode::max, x, y); };
  auto add = [&](const Vec& x, const Vec& y) { return e.f(Opcode::add, x, y); };
  auto add_i32 = [&](const Vec& x, const Vec& y) { return e.i(Opcode::add, ElemType::i32, x, y); };
  for (int t = 0; t < positions; ++t) {
    std::vector<Vec> score(heads);
    for (int rt = 0; rt < key_tiles; ++rt) {
      const auto [side, rows] = cache_tile([&](int r, int c) -> std::int8_t {
        const int pos = t * dim + c, lane = rt * dim + r;
        return pos < a.context && lane < data.k.cols() ? data.k(pos, lane) : std::int8_t{0};
      });
      const std::size_t from = side_index(side);
      const auto [takers, parts] = through(rows, a.key_dim, rt, [&](std::size_t h, int first) {
        return &queries[from][h][static_cast<std::size_t>(rt - first)];
      });
      for (std::size_t i = 0; i < takers.size(); ++i)
        accumulate(score[takers[i].first], rt == takers[i].second, parts[i]);
    }
    for (std::size_t h = 0; h < heads; ++h) {
      Vec sc = e.dequantize(score[h], data.score_scale);
      if (t == positions - 1) sc = e.f(Opcode::add, sc, mask);
      running[h].add(sc, max);
      scores[h].push_back(sc);
    }
  }
  // M - ln 127 per head: exp(s - that) is the weight already scaled to INT8.
  std::vector<Vec> shifted;
  for (std::size_t h = 0; h < heads; ++h)
    shifted.push_back(
        e.f(Opcode::sub, e.all_lanes(running[h].result(max), Opcode::max), e.constant(attention_weight_shift())));

  // Pass 2: weights, their running sum, and the weights through V.
  std::vector<TreeFold> sums(heads);
  std::vector<std::vector<TreeFold>> mix(heads);
  for (int t = 0; t < positions; ++t) {
    std::vector<Vec> weights;
    for (std::size_t h = 0; h < heads; ++h) {
      const Vec ex = e.f(Opcode::exp, e.f(Opcode::sub, scores[h][static_cast<std::size_t>(t)], shifted[h]));
      sums[h].add(ex, add);
      // In [0, 127] by construction: rounding is the whole quantisation.
      weights.push_back(s.vxm(Opcode::conv, ElemType::i8, {&ex}));
    }
    for (int ct = 0; ct < value_tiles; ++ct) {
      const std::vector<Vec> rows =
          cache_tile([&](int r, int c) -> std::int8_t {
            const int pos = t * dim + r, lane = ct * dim + c;
            return pos < a.context && lane < data.v.cols() ? data.v(pos, lane) : std::int8_t{0};
          }).second;
      const auto [takers, parts] = through(rows, a.value_dim, ct, [&](std::size_t h, int) { return &weights[h]; });
      for (std::size_t i = 0; i < takers.size(); ++i) {
        const auto [h, first] = takers[i];
        if (t == 0) mix[h].emplace_back();
        mix[h][static_cast<std::size_t>(ct - first)].add(parts[i], add_i32);
      }
    }
  }

  AttentionKernel out;
  out.out.resize(heads);
  for (std::size_t h = 0; h < heads; ++h) {
    const Vec inverse = e.f(Opcode::recip, e.all_lanes(sums[h].result(add), Opcode::add));
    for (const TreeFold& m : mix[h])
      out.out[h].push_back(e.f(Opcode::mul, e.dequantize(m.result(add_i32), data.s_v), inverse));
    out.out_first_tile.push_back(tile_span(static_cast<int>(h) / group, a.value_dim, dim).first);
  }
  finish(s, out);
  return out;
}

}  // namespace tokenfab::lpu
