#include "emulator/kernels/kernel_layer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

#include "emulator/kernels/kernel_ops.h"

namespace tokenfab::lpu {

namespace {

// Copies of the new key for the transposed append (see there).
constexpr int kKeyCopies = 8;

}  // namespace

std::string layer_shape_problem(const LpuParams& p, int d, int heads, int ffn, int context, int chips) {
  const int width = p.mxm_dim;
  if (width != p.vector_bytes()) return "layer: the MXM must be one vector wide";
  if (d < width || d % width != 0)
    return "layer: d must be a whole number of " + std::to_string(width) + "-lane vectors on " + p.name + ", got " +
           std::to_string(d);
  if (heads < 1 || d % heads != 0 || (d / heads) % 2 != 0 || width % (d / heads) != 0)
    return "layer: heads must split d into even head dimensions that divide the " + std::to_string(width) +
           "-lane vector";
  if (chips > 1 && d != width) return "layer: a layer wider than one vector runs on one chip";
  if (ffn < p.mxm_dim || ffn % p.mxm_dim != 0)
    return "layer: the FFN width must be a whole number of " + std::to_string(p.mxm_dim) + "-wide tiles, got " +
           std::to_string(ffn);
  if (d / heads < 8) return "layer: heads of at least 8 lanes, got " + std::to_string(d / heads);
  // Everything lives in the east hemisphere's SRAM. Bytes: weights 4 d^2 +
  // 3 d ffn; K^T and V caches d x width each; the one-hot rows width^2;
  // the K append's masked and placed rows 2 d x width (the rest is small).
  const double need = 4.0 * d * d + 3.0 * d * ffn + 4.0 * d * width + 1.0 * width * width;
  const double have = static_cast<double>(p.mem_slices) * p.banks * p.words_per_bank * p.vector_bytes();
  if (need > 0.9 * have) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "layer: the weights, caches and rows (%.1f MB) do not fit in 90%% of a hemisphere's SRAM (%.1f MB)",
                  need / 1e6, 0.9 * have / 1e6);
    return text;
  }
  if (context < 0 || context >= p.vector_bytes())
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
  const int n = p.vector_bytes(), vectors = L.d / n, hd = L.head_dim(), pos = L.context;
  // Heads within each vector; on several chips (one vector) this chip's share.
  const int heads = n / hd / chips, first_head = chip * heads;
  k.lane_begin = vectors == 1 ? first_head * hd : 0;
  k.lane_end = vectors == 1 ? k.lane_begin + heads * hd : L.d;

  // Inputs and constants.
  // Per vector of the hidden state.
  auto per_vector = [&](const Eigen::ArrayXf& a) {
    std::vector<Vec> out;
    out.reserve(static_cast<std::size_t>(vectors));
    for (int v = 0; v < vectors; ++v) out.push_back(e.lanes_f32([&](int l) { return a[v * n + l]; }));
    return out;
  };
  const std::vector<Vec> x = per_vector(L.x), g1 = per_vector(L.norm1), g2 = per_vector(L.norm2),
                         cos = per_vector(L.cos);
  std::vector<std::pair<Vec, Vec>> sines;
  sines.reserve(static_cast<std::size_t>(vectors));
  for (int v = 0; v < vectors; ++v) sines.push_back(e.sine_masks(L.sin.segment(Eigen::Index{v} * n, n)));
  // Scores of positions past the token add -1e9: exp() makes them 0.
  const Vec position_mask = e.lanes_f32([&](int l) { return l <= pos ? 0.0f : -1e9f; });
  // Every chip allocates the same vectors in the same order (its heads'
  // masks, the same number on every chip, then the rows), so that the
  // scheduler places the same program on every chip and only the preloaded
  // data differ. Head masks are of lanes within a vector.
  const auto [head_i8, head_i32] = e.head_masks(first_head, heads, hd);
  std::vector<Vec> lane_hot;
  const Vec position_hot = e.lanes_int(ElemType::i8, [&](int l) { return l == pos ? 1 : 0; });
  // A copy on the west, for the K append's tiles on the west MXM.
  const Vec position_hot_west = e.lanes_int(
      ElemType::i8, [&](int l) { return l == pos ? 1 : 0; }, Hemisphere::west);
  lane_hot.reserve(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) lane_hot.push_back(e.lanes_int(ElemType::i8, [&](int l) { return l == r ? 1 : 0; }));
  // The caches, per vector: K^T rows (lane j of row r = key j's element
  // v n + r) and V rows, zero past the cached positions; the token's V row
  // is written by the kernel. Vectors alternate between the hemispheres, so
  // that their attention tiles feed both MXMs.
  k.k_rows.resize(static_cast<std::size_t>(vectors));
  std::vector<std::vector<Vec>> v_rows(static_cast<std::size_t>(vectors));
  for (int v = 0; v < vectors; ++v) {
    const Hemisphere side = v % 2 == 1 && s.has_mxm(Hemisphere::west) ? Hemisphere::west : Hemisphere::east;
    auto& keys = k.k_rows[static_cast<std::size_t>(v)];
    for (int r = 0; r < n; ++r) {
      keys.push_back(e.lanes_int(
          ElemType::i8, [&](int j) { return j < pos ? static_cast<int>(L.k_cache(j, v * n + r)) : 0; }, side));
    }
    for (int j = 0; j < n; ++j) {
      if (j == pos) {
        v_rows[static_cast<std::size_t>(v)].push_back(s.reserve(ElemType::i8, side));
      } else {
        v_rows[static_cast<std::size_t>(v)].push_back(e.lanes_int(
            ElemType::i8, [&](int l) { return j < pos ? static_cast<int>(L.v_cache(j, v * n + l)) : 0; }, side));
      }
    }
  }

  // Attention.
  auto done = [&](const char* stage, std::int64_t ready) { k.milestones.emplace_back(stage, ready); };
  auto latest = [](const std::vector<Vec>& vs) {
    std::int64_t at = 0;
    for (const Vec& v : vs) at = std::max(at, v.ready);
    return at;
  };
  std::vector<Vec> h1;
  for (const Vec& h : e.rmsnorm(x, g1, L.eps)) h1.push_back(e.quantize(h, L.s_h));
  done("RMSNorm and quantisation (attention input)", latest(h1));
  std::vector<Vec> qq, kq;
  for (int v = 0; v < vectors; ++v) {
    const auto& [sin_even, sin_odd] = sines[static_cast<std::size_t>(v)];
    const Vec& c = cos[static_cast<std::size_t>(v)];
    const Vec q = e.rope(e.dequantize(e.column(L.wq, v, h1), L.s_h * L.s_wq), c, sin_even, sin_odd);
    const Vec kv = e.rope(e.dequantize(e.column(L.wk, v, h1), L.s_h * L.s_wk), c, sin_even, sin_odd);
    const Vec value = e.dequantize(e.column(L.wv, v, h1), L.s_h * L.s_wv);
    qq.push_back(e.quantize(q, L.s_q));
    kq.push_back(e.quantize(kv, L.s_k));
    Vec& row = v_rows[static_cast<std::size_t>(v)][static_cast<std::size_t>(pos)];
    row = e.quantize(value, L.s_v, &row);
    k.v_row.push_back(row);
  }
  done("Q, K, V projections, RoPE, quantisation, V append", std::max({latest(qq), latest(kq), latest(k.v_row)}));

  // Append k to K^T, per vector: lane r of k to lane `pos` of row r.
  std::int64_t appended = 0;
  for (int v = 0; v < vectors; ++v) {
    // The tile on each side, rows on the side of the MXM they feed.
    const std::vector<Vec> to_position_east(static_cast<std::size_t>(n), position_hot),
        to_position_west(static_cast<std::size_t>(n), position_hot_west);
    const Vec& key0 = kq[static_cast<std::size_t>(v)];
    // k is masked once per row: copies of it in several slices let the
    // masks read it in parallel (a slice reads one word a cycle).
    std::vector<Vec> k_copies{key0};
    for (int c = 1; c < kKeyCopies; ++c) k_copies.push_back(s.conv(key0, ElemType::i8));
    // Every row, also those of other chips' heads (which gain a zero): the
    // rows a chip touches then do not depend on the chip, nor its program.
    // The rows' products spread over the MXM planes, each with the tile
    // installed, each group on the MXM that frees first, its masked and
    // moved rows stored on that side.
    std::vector<Vec> masked, moved, placed;
    masked.reserve(static_cast<std::size_t>(n));
    moved.reserve(static_cast<std::size_t>(n));
    const int planes = p.mxm_planes, per_plane = (n + planes - 1) / planes;
    for (int first = 0; first < n; first += per_plane) {
      const Hemisphere side = s.freer_mxm();
      const int last = std::min(n, first + per_plane);
      std::vector<const Vec*> xs, into;
      for (int r = first; r < last; ++r) {
        const Vec& key = k_copies[static_cast<std::size_t>(r % kKeyCopies)];
        const Vec there = s.reserve(ElemType::i8, side);
        masked.push_back(e.i(Opcode::mul, ElemType::i8, key, lane_hot[static_cast<std::size_t>(r)], &there));
        moved.push_back(s.reserve(ElemType::i8, side));
      }
      for (int r = first; r < last; ++r) {
        xs.push_back(&masked[static_cast<std::size_t>(r)]);
        into.push_back(&moved[static_cast<std::size_t>(r)]);
      }
      const std::vector<Vec>& tile = side == Hemisphere::west ? to_position_west : to_position_east;
      for (Vec& row : e.product(tile, xs, into)) placed.push_back(std::move(row));
    }
    auto& keys = k.k_rows[static_cast<std::size_t>(v)];
    for (int r = 0; r < n; ++r) {
      Vec& row = keys[static_cast<std::size_t>(r)];
      row = e.i(Opcode::add, ElemType::i8, row, placed[static_cast<std::size_t>(r)], &row);
    }
    appended = std::max(appended, latest(keys));
  }
  done("K append (transposed on the MXM)", appended);

  // Per vector, scores for its heads from one installed K^T tile, softmax
  // per head, then the heads' probabilities through one installed V tile.
  std::vector<Vec> aq;
  for (int v = 0; v < vectors; ++v) {
    const Vec attn =
        e.attention(qq[static_cast<std::size_t>(v)], k.k_rows[static_cast<std::size_t>(v)],
                    v_rows[static_cast<std::size_t>(v)], head_i8, head_i32, position_mask, L.score_scale(), L.s_p);
    aq.push_back(e.quantize(e.dequantize(attn, L.s_v * L.s_p), L.s_a));
  }
  done("attention: scores, softmax, P V", latest(aq));
  std::vector<Vec> x1;
  for (int v = 0; v < vectors; ++v) {
    const Vec o = e.dequantize(e.all_reduce(e.column(L.wo, v, aq), chips), L.s_a * L.s_wo);
    x1.push_back(e.f(Opcode::add, x[static_cast<std::size_t>(v)], o));
  }
  done(chips > 1 ? "output projection, all-reduce, residual" : "output projection, residual", latest(x1));

  // SwiGLU FFN over ffn / width tiles; the down projection sums INT32
  // partials over this chip's tiles.
  std::vector<Vec> h2;
  for (const Vec& h : e.rmsnorm(x1, g2, L.eps)) h2.push_back(e.quantize(h, L.s_h));
  done("RMSNorm and quantisation (FFN input)", latest(h2));
  const int tiles = L.ffn / n / chips, first_tile = chip * tiles;
  std::vector<Vec> act;
  for (int t = first_tile; t < first_tile + tiles; ++t) {
    const Vec gate = e.dequantize(e.column(L.w_gate, t, h2), L.s_h * L.s_wg);
    const Vec up = e.dequantize(e.column(L.w_up, t, h2), L.s_h * L.s_wu);
    act.push_back(e.quantize(e.swiglu(gate, up), L.s_f));
  }
  std::vector<Vec> ffn;
  ffn.reserve(static_cast<std::size_t>(vectors));
  for (int v = 0; v < vectors; ++v) ffn.push_back(e.all_reduce(e.column(L.w_down, v, act, first_tile), chips));
  done(chips > 1 ? "SwiGLU FFN, all-reduce" : "SwiGLU FFN", latest(ffn));
  for (int v = 0; v < vectors; ++v) {
    k.out.push_back(e.f(Opcode::add, x1[static_cast<std::size_t>(v)],
                        e.dequantize(ffn[static_cast<std::size_t>(v)], L.s_f * L.s_wd)));
  }
  done("dequantisation, residual", latest(k.out));

  k.mxm_tiles = e.mxm_tiles();
  k.vxm_ops = e.vxm_ops();
  finish(s, k);
  return k;
}

}  // namespace tokenfab::lpu
