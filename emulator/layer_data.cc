#include "emulator/layer_data.h"

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

using IntVec = Int32Vector;
using Int8Vec = Int8Vector;

Int8Vec q8(const Eigen::ArrayXf& v, float scale) {
  const Eigen::ArrayXf a = (v * (1.0f / scale)).max(-127.0f).min(127.0f);
  Int8Vec out(a.size());
  for (Eigen::Index i = 0; i < a.size(); ++i) out[i] = static_cast<std::int8_t>(std::lround(a[i]));
  return out;
}

IntVec product(const Int8Vec& x, const Int8Matrix& w) {
  return w.cast<std::int32_t>().transpose() * x.matrix().cast<std::int32_t>();
}

Eigen::ArrayXf dequant(const IntVec& y, float scale) { return y.array().cast<float>() * scale; }

}  // namespace

Int8Vector q8_reference(const Eigen::ArrayXf& v, float scale) { return q8(v, scale); }

Eigen::ArrayXf rmsnorm_reference(const Eigen::ArrayXf& x, const Eigen::ArrayXf& g, float eps) {
  const float total = (x * x).sum();
  const float r = 1.0f / std::sqrt(total * (1.0f / static_cast<float>(x.size())) + eps);
  return x * r * g;
}

// Interleaved pairs: (a, b) -> (a cos - b sin, b cos + a sin).
Eigen::ArrayXf rope_reference(const Eigen::ArrayXf& v, const Eigen::ArrayXf& cos, const Eigen::ArrayXf& sin) {
  Eigen::ArrayXf out(v.size());
  for (Eigen::Index i = 0; i + 1 < v.size(); i += 2) {
    out[i] = v[i] * cos[i] + v[i + 1] * -sin[i];
    out[i + 1] = v[i + 1] * cos[i + 1] + v[i] * sin[i + 1];
  }
  return out;
}

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

Int32Vector attention_mix_reference(const Int8Vector& qq, const Int8Matrix& keys, const Int8Matrix& values,
                                    const LayerData& L) {
  const int d = L.d, hd = L.head_dim();
  IntVec attn = IntVec::Zero(d);
  const float score_scale = L.score_scale();
  for (int head = 0; head < L.heads; ++head) {
    Int8Vec qh = Int8Vec::Zero(d);
    qh.segment(head * hd, hd) = qq.segment(head * hd, hd);
    const Eigen::ArrayXf s = dequant(keys.cast<std::int32_t>() * qh.matrix().cast<std::int32_t>(), score_scale);
    const float m = std::max(0.0f, s.maxCoeff());
    const Eigen::ArrayXf e = (s - m).exp();
    const Eigen::ArrayXf p = e * (1.0f / e.sum());
    const IntVec y = product(q8(p, L.s_p), values);
    attn.segment(head * hd, hd) = y.segment(head * hd, hd);
  }
  return attn;
}

LayerReference layer_reference(const LayerData& L) {
  const int d = L.d, n = L.context + 1;
  const Int8Vec h = q8(rmsnorm_reference(L.x, L.norm1, L.eps), L.s_h);
  const Eigen::ArrayXf q = rope_reference(dequant(product(h, L.wq), L.s_h * L.s_wq), L.cos, L.sin);
  const Eigen::ArrayXf k = rope_reference(dequant(product(h, L.wk), L.s_h * L.s_wk), L.cos, L.sin);
  const Eigen::ArrayXf v = dequant(product(h, L.wv), L.s_h * L.s_wv);
  LayerReference ref;
  const Int8Vec qq = q8(q, L.s_q);
  ref.k_new = q8(k, L.s_k);
  ref.v_new = q8(v, L.s_v);
  Int8Matrix keys(n, d), values(n, d);
  keys << L.k_cache, ref.k_new.matrix().transpose();
  values << L.v_cache, ref.v_new.matrix().transpose();

  const IntVec attn = attention_mix_reference(qq, keys, values, L);
  const Eigen::ArrayXf a = dequant(attn, L.s_v * L.s_p);
  const Eigen::ArrayXf x1 = L.x + dequant(product(q8(a, L.s_a), L.wo), L.s_a * L.s_wo);

  const Int8Vec h2 = q8(rmsnorm_reference(x1, L.norm2, L.eps), L.s_h);
  const Eigen::ArrayXf gate = dequant(product(h2, L.w_gate), L.s_h * L.s_wg);
  const Eigen::ArrayXf up = dequant(product(h2, L.w_up), L.s_h * L.s_wu);
  const Eigen::ArrayXf act = gate * (1.0f + (-gate).exp()).inverse() * up;
  ref.out = x1 + dequant(product(q8(act, L.s_f), L.w_down), L.s_f * L.s_wd);
  return ref;
}

}  // namespace tokenfab::lpu
