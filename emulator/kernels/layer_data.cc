#include "emulator/kernels/layer_data.h"

#include <cmath>
#include <stdexcept>

namespace tokenfab::lpu {

namespace {

// A small deterministic generator (numerical recipes' LCG), so that the
// data and with it every checked number are the same on every machine.
struct Lcg {
  std::uint32_t state;
  std::uint32_t next() { return state = state * 1664525u + 1013904223u; }
  float uniform() { return static_cast<float>(next() >> 8) / 16777216.0f; }  // [0, 1)
  std::int8_t int8(int limit) {
    return static_cast<std::int8_t>(static_cast<int>(next() >> 16) % (2 * limit + 1) - limit);
  }
};

Int8Matrix random_int8(Lcg& g, int rows, int cols, int limit) {
  Int8Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = g.int8(limit);
  return m;
}

}  // namespace

LayerShape default_layer_shape(int d, int width) {
  return {d / width * (width % 64 == 0 ? width / 64 : 2), 2 * d, width * 4 / 5 - 1};
}

Int8Matrix random_int8(int rows, int cols, int limit, std::uint32_t seed) {
  Lcg g{seed};
  return random_int8(g, rows, cols, limit);
}

LayerData make_layer_data(int d, int heads, int ffn, int context, std::uint32_t seed) {
  if (heads < 1 || d % heads != 0 || (d / heads) % 2 != 0)
    throw std::invalid_argument("layer: heads must split d into even head dimensions");
  if (context < 0 || ffn < 1) throw std::invalid_argument("layer: negative context or an empty FFN");
  Lcg g{seed};
  LayerData L;
  L.d = d;
  L.heads = heads;
  L.ffn = ffn;
  L.context = context;
  auto vec = [&](int n, float lo, float hi) {
    Eigen::ArrayXf v(n);
    for (int i = 0; i < n; ++i) v[i] = lo + (hi - lo) * g.uniform();
    return v;
  };
  L.x = vec(d, -2.0f, 2.0f);
  L.norm1 = vec(d, 0.8f, 1.2f);
  L.norm2 = vec(d, 0.8f, 1.2f);
  // Rotary angles of the token at position `context`, base 10,000.
  L.cos.resize(d);
  L.sin.resize(d);
  const int hd = d / heads;
  for (int l = 0; l < d; l += 2) {
    const int pair = (l % hd) / 2;
    const double angle = context * std::pow(10000.0, -2.0 * pair / hd);
    L.cos[l] = L.cos[l + 1] = static_cast<float>(std::cos(angle));
    L.sin[l] = L.sin[l + 1] = static_cast<float>(std::sin(angle));
  }
  // Uniform INT8 weights of variance 127^2 / 3: a scale of sqrt(3) / (127
  // sqrt(K)) makes each output's variance about its input's.
  auto scale = [](int k) { return std::sqrt(3.0f) / (127.0f * std::sqrt(static_cast<float>(k))); };
  L.wq = random_int8(g, d, d, 127);
  L.wk = random_int8(g, d, d, 127);
  L.wv = random_int8(g, d, d, 127);
  L.wo = random_int8(g, d, d, 127);
  L.w_gate = random_int8(g, d, ffn, 127);
  L.w_up = random_int8(g, d, ffn, 127);
  L.w_down = random_int8(g, ffn, d, 127);
  L.s_wq = L.s_wk = L.s_wv = L.s_wo = L.s_wg = L.s_wu = scale(d);
  L.s_wd = scale(ffn);
  // Activations clip at 4 standard deviations; SwiGLU products are wider.
  L.s_h = L.s_q = L.s_k = L.s_v = L.s_a = 4.0f / 127.0f;
  L.s_f = 8.0f / 127.0f;
  L.s_p = 1.0f / 127.0f;
  L.k_cache = random_int8(g, context, d, 64);
  L.v_cache = random_int8(g, context, d, 64);
  return L;
}

LayerData shard(const LayerData& data, int chips, int chip) {
  if (chips < 1 || data.heads % chips != 0 || chip < 0 || chip >= chips)
    throw std::invalid_argument("layer: " + std::to_string(data.heads) + " heads do not split over " +
                                std::to_string(chips) + " chips");
  LayerData L = data;
  const int lanes = data.d / chips, begin = chip * lanes, end = begin + lanes;
  for (int l = 0; l < data.d; ++l) {
    if (l >= begin && l < end) continue;
    L.wq.col(l).setZero();
    L.wk.col(l).setZero();
    L.wv.col(l).setZero();
    L.wo.row(l).setZero();
    L.k_cache.col(l).setZero();
    L.v_cache.col(l).setZero();
  }
  return L;
}

}  // namespace tokenfab::lpu
