#include "emulator/reference/attention_check.h"

#include <algorithm>
#include <cmath>

#include "emulator/reference/kernel_io.h"

namespace tokenfab::lpu {

Eigen::MatrixXf attention_reference(const AttentionData& data) {
  const AttentionShape& a = data.shape;
  const int group = a.heads / a.kv_heads;
  Eigen::MatrixXf out(a.heads, a.value_dim);
  for (int h = 0; h < a.heads; ++h) {
    const int g = h / group;
    const Eigen::MatrixXi keys = data.k.middleCols(Eigen::Index{g} * a.key_dim, a.key_dim).cast<int>();
    const Eigen::MatrixXi values = data.v.middleCols(Eigen::Index{g} * a.value_dim, a.value_dim).cast<int>();
    const Eigen::VectorXi q = data.q.row(h).transpose().cast<int>();
    const Eigen::ArrayXf s = (keys * q).array().cast<float>() * data.score_scale;
    const float shifted = std::max(0.0f, s.maxCoeff()) - attention_weight_shift();
    const Eigen::ArrayXf e = (s - shifted).exp();
    Eigen::VectorXi w(e.size());
    for (Eigen::Index i = 0; i < e.size(); ++i) w[i] = static_cast<int>(std::lround(e[i]));
    const Eigen::VectorXi mix = values.transpose() * w;
    const float inverse = 1.0f / e.sum();
    out.row(h) = ((mix.array().cast<float>() * data.s_v) * inverse).matrix().transpose();
  }
  return out;
}

AttentionCheck check_attention(const LpuParams& p, const AttentionData& data, const AttentionKernel& kernel,
                               Mode mode) {
  Chip chip(p, mode);
  if (mode == Mode::functional) load(chip, kernel.preloads);
  AttentionCheck c;
  c.run = chip.run(kernel.program);
  if (!c.run.errors.empty() || mode != Mode::functional) return c;
  const AttentionShape& a = data.shape;
  const Eigen::MatrixXf want = attention_reference(data);
  const int dim = p.mxm_dim, group = a.heads / a.kv_heads;
  for (int h = 0; h < a.heads; ++h) {
    const auto& tiles = kernel.out[static_cast<std::size_t>(h)];
    std::vector<double> got;
    for (const Vec& v : tiles) {
      const std::vector<double> lanes = read_lanes(chip, v);
      got.insert(got.end(), lanes.begin(), lanes.end());
    }
    // The head's value lanes, counted from the first tile it has.
    const int offset = (h / group) * a.value_dim - kernel.out_first_tile[static_cast<std::size_t>(h)] * dim;
    for (int l = 0; l < a.value_dim; ++l) {
      const double ref = want(h, l), emulated = got[static_cast<std::size_t>(offset + l)];
      ++c.outputs;
      c.max_error = std::max(c.max_error, std::abs(emulated - ref));
      c.max_output = std::max(c.max_output, std::abs(ref));
    }
  }
  return c;
}

}  // namespace tokenfab::lpu
