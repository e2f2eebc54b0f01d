#include "emulator/kernel_layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "emulator/kernel_ops.h"

namespace tokenfab::lpu {

namespace {

// Copies of the new key for the transposed append (see there).
constexpr int kKeyCopies = 8;

}  // namespace

std::string layer_shape_problem(const LpuParams& p, int d, int heads, int ffn, int context, int chips) {
  if (d != p.mxm_dim || p.mxm_dim != p.vector_bytes())
    return "layer: d must be the MXM size and the vector width (" + std::to_string(p.mxm_dim) + " on " + p.name +
           "), got " + std::to_string(d);
  if (heads < 1 || d % heads != 0 || (d / heads) % 2 != 0) return "layer: heads must split d into even head dimensions";
  if (ffn < p.mxm_dim || ffn % p.mxm_dim != 0)
    return "layer: the FFN width must be a whole number of " + std::to_string(p.mxm_dim) + "-wide tiles, got " +
           std::to_string(ffn);
  // Everything lives in the east hemisphere's SRAM: the weights and caches
  // are most of it (4 d^2 + 3 d ffn bytes, and 2 d^2 for the caches).
  const double need = 6.0 * d * d + 3.0 * d * ffn;
  const double have = static_cast<double>(p.mem_slices) * p.banks * p.words_per_bank * p.vector_bytes();
  if (need > have)
    return "layer: the weights and caches (" + std::to_string(static_cast<long long>(need / 1e6)) +
           " MB) do not fit in a hemisphere's SRAM (" + std::to_string(static_cast<long long>(have / 1e6)) + " MB)";
  if (context < 0 || context + 1 > p.vector_bytes())
    return "layer: at most " + std::to_string(p.vector_bytes() - 1) + " cached positions (one tile of keys), got " +
           std::to_string(context);
  if (chips < 1 || chips - 1 > p.c2c_links || (chips & (chips - 1)) != 0)
    return "layer: a power of two from 1 to " + std::to_string(p.c2c_links + 1) + " chips (" +
           std::to_string(p.c2c_links) + " links each), got " + std::to_string(chips);
  if (heads % chips != 0 || (ffn / p.mxm_dim) % chips != 0)
    return "layer: " + std::to_string(chips) + " chips must divide the " + std::to_string(heads) + " heads and the " +
           std::to_string(ffn / p.mxm_dim) + " FFN tiles";
  return "";
}

LayerKernel decode_layer(const LpuParams& p, const LayerData& data, int chips, int chip) {
  if (std::string why = layer_shape_problem(p, data.d, data.heads, data.ffn, data.context, chips); !why.empty())
    throw std::invalid_argument(why);
  const LayerData L = chips > 1 ? shard(data, chips, chip) : data;
  LayerKernel k;
  KernelOps e(p);
  Scheduler& s = e.s();
  const int n = p.vector_bytes(), hd = L.head_dim(), pos = L.context;
  const int heads = L.heads / chips, first_head = chip * heads;
  k.lane_begin = first_head * hd;
  k.lane_end = k.lane_begin + heads * hd;

  // Inputs and constants.
  const Vec x = e.lanes_f32([&](int l) { return L.x[l]; });
  const Vec g1 = e.lanes_f32([&](int l) { return L.norm1[l]; });
  const Vec g2 = e.lanes_f32([&](int l) { return L.norm2[l]; });
  const Vec cos = e.lanes_f32([&](int l) { return L.cos[l]; });
  const auto [sin_even, sin_odd] = e.sine_masks(L.sin);
  // Scores of positions past the token add -1e9: exp() makes them 0.
  const Vec position_mask = e.lanes_f32([&](int l) { return l <= pos ? 0.0f : -1e9f; });
  // Every chip allocates the same vectors in the same order, its own lanes
  // first, so that the scheduler places the same program on every chip and
  // only the preloaded data differ.
  const auto [head_i8, head_i32] = e.head_masks(first_head, heads, hd);
  std::vector<Vec> lane_hot;
  const Vec position_hot = e.lanes_int(ElemType::i8, [&](int l) { return l == pos ? 1 : 0; });
  for (int r = 0; r < n; ++r) lane_hot.push_back(e.lanes_int(ElemType::i8, [&](int l) { return l == r ? 1 : 0; }));
  // The caches: K^T rows (lane j of row i = key j's element i) and V rows,
  // zero past the cached positions; the token's V row is written by the kernel.
  for (int r = 0; r < n; ++r) {
    k.k_rows.push_back(
        e.lanes_int(ElemType::i8, [&](int j) { return j < pos ? static_cast<int>(L.k_cache(j, r)) : 0; }));
  }
  std::vector<Vec> v_rows;
  for (int j = 0; j < n; ++j) {
    if (j == pos) {
      v_rows.push_back(s.reserve(ElemType::i8));
    } else {
      v_rows.push_back(
          e.lanes_int(ElemType::i8, [&](int l) { return j < pos ? static_cast<int>(L.v_cache(j, l)) : 0; }));
    }
  }

  // Attention.
  auto done = [&](const char* stage, std::int64_t ready) { k.milestones.emplace_back(stage, ready); };
  const Vec h1 = e.quantize(e.rmsnorm(x, g1, L.eps), L.s_h);
  done("RMSNorm and quantisation (attention input)", h1.ready);
  const Vec q = e.rope(e.dequantize(e.product(e.tile(L.wq, 0, 0), {&h1})[0], L.s_h * L.s_wq), cos, sin_even, sin_odd);
  const Vec kv = e.rope(e.dequantize(e.product(e.tile(L.wk, 0, 0), {&h1})[0], L.s_h * L.s_wk), cos, sin_even, sin_odd);
  const Vec v = e.dequantize(e.product(e.tile(L.wv, 0, 0), {&h1})[0], L.s_h * L.s_wv);
  const Vec qq = e.quantize(q, L.s_q);
  const Vec kq = e.quantize(kv, L.s_k);
  v_rows[static_cast<std::size_t>(pos)] = e.quantize(v, L.s_v, &v_rows[static_cast<std::size_t>(pos)]);
  k.v_row = v_rows[static_cast<std::size_t>(pos)];
  done("Q, K, V projections, RoPE, quantisation, V append", std::max({qq.ready, kq.ready, k.v_row.ready}));

  // Append k to K^T: lane i of k to lane `pos` of row i.
  {
    const std::vector<Vec> to_position(static_cast<std::size_t>(n), position_hot);
    // k is masked once per row: copies of it in several slices let the
    // masks read it in parallel (a slice reads one word a cycle).
    std::vector<Vec> k_copies{kq};
    for (int c = 1; c < kKeyCopies; ++c) k_copies.push_back(s.conv(kq, ElemType::i8));
    std::vector<Vec> masked, moved;
    masked.reserve(static_cast<std::size_t>(n));
    moved.reserve(static_cast<std::size_t>(n));
    // Every row, also those of other chips' heads (which gain a zero): the
    // rows a chip touches then do not depend on the chip, nor its program.
    for (int r = 0; r < n; ++r) {
      const Vec& key = k_copies[static_cast<std::size_t>(r % kKeyCopies)];
      masked.push_back(e.i(Opcode::mul, ElemType::i8, key, lane_hot[static_cast<std::size_t>(r)]));
      moved.push_back(s.reserve(ElemType::i8));
    }
    // The rows' products spread over the MXM planes, each with the tile installed.
    std::vector<Vec> placed;
    const int planes = p.mxm_planes, per_plane = (n + planes - 1) / planes;
    for (int first = 0; first < n; first += per_plane) {
      std::vector<const Vec*> xs, into;
      for (int r = first; r < std::min(n, first + per_plane); ++r) {
        xs.push_back(&masked[static_cast<std::size_t>(r)]);
        into.push_back(&moved[static_cast<std::size_t>(r)]);
      }
      for (Vec& row : e.product(to_position, xs, into)) placed.push_back(std::move(row));
    }
    for (int r = 0; r < n; ++r) {
      Vec& row = k.k_rows[static_cast<std::size_t>(r)];
      row = e.i(Opcode::add, ElemType::i8, row, placed[static_cast<std::size_t>(r)], &row);
    }
    std::int64_t appended = 0;
    for (const Vec& row : k.k_rows) appended = std::max(appended, row.ready);
    done("K append (transposed on the MXM)", appended);
  }

  // Scores for every head from one installed K^T tile, softmax per head,
  // then every head's probabilities through one installed V tile.
  const Vec attn = e.attention(qq, k.k_rows, v_rows, head_i8, head_i32, position_mask, L.score_scale(), L.s_p);
  done("attention: scores, softmax, P V", attn.ready);
  const Vec aq = e.quantize(e.dequantize(attn, L.s_v * L.s_p), L.s_a);
  const Vec o = e.dequantize(e.all_reduce(e.product(e.tile(L.wo, 0, 0), {&aq})[0], chips), L.s_a * L.s_wo);
  const Vec x1 = e.f(Opcode::add, x, o);
  done(chips > 1 ? "output projection, all-reduce, residual" : "output projection, residual", x1.ready);

  // SwiGLU FFN over ffn / dim tiles; the down projection sums INT32 partials.
  const Vec h2 = e.quantize(e.rmsnorm(x1, g2, L.eps), L.s_h);
  done("RMSNorm and quantisation (FFN input)", h2.ready);
  const int tiles = L.ffn / p.mxm_dim / chips, first_tile = chip * tiles;
  Vec down;
  for (int t = first_tile; t < first_tile + tiles; ++t) {
    const Vec gate = e.dequantize(e.product(e.tile(L.w_gate, 0, t), {&h2})[0], L.s_h * L.s_wg);
    const Vec up = e.dequantize(e.product(e.tile(L.w_up, 0, t), {&h2})[0], L.s_h * L.s_wu);
    const Vec act = e.quantize(e.swiglu(gate, up), L.s_f);
    const Vec part = e.product(e.tile(L.w_down, t, 0), {&act})[0];
    down = t == first_tile ? part : e.i(Opcode::add, ElemType::i32, down, part);
  }
  const Vec ffn = e.all_reduce(down, chips);
  done(chips > 1 ? "SwiGLU FFN, all-reduce" : "SwiGLU FFN", ffn.ready);
  k.out = e.f(Opcode::add, x1, e.dequantize(ffn, L.s_f * L.s_wd));
  done("dequantisation, residual", k.out.ready);

  k.expected_cycles = s.cycles();
  k.chain_bound = s.chain_bound();
  k.install_bound = s.install_bound();
  k.mxm_tiles = e.mxm_tiles();
  k.vxm_ops = e.vxm_ops();
  k.preloads = s.preloads();
  k.program = s.take();
  return k;
}

}  // namespace tokenfab::lpu
