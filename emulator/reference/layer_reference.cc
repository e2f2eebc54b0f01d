#include "emulator/reference/layer_reference.h"

#include <algorithm>
#include <cmath>

namespace tokenfab::lpu {

namespace {

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

Int32Vector attention_mix_reference(const Int8Vector& qq, const Int8Matrix& keys, const Int8Matrix& values,
                                    const LayerData& L) {
  const int d = L.d, hd = L.head_dim();
  IntVec attn = IntVec::Zero(d);
  const float score_scale = L.score_scale();
  for (int head = 0; head < L.heads; ++head) {
    Int8Vec qh = Int8Vec::Zero(d);
    const Eigen::Index head_lanes = Eigen::Index{head} * hd;
    qh.segment(head_lanes, hd) = qq.segment(head_lanes, hd);
    const Eigen::ArrayXf s = dequant(keys.cast<std::int32_t>() * qh.matrix().cast<std::int32_t>(), score_scale);
    const float m = std::max(0.0f, s.maxCoeff());
    const Eigen::ArrayXf e = (s - m).exp();
    const Eigen::ArrayXf p = e * (1.0f / e.sum());
    const IntVec y = product(q8(p, L.s_p), values);
    attn.segment(head_lanes, hd) = y.segment(head_lanes, hd);
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
