#include "emulator/reference/kernel_vector.h"

#include <cmath>
#include <stdexcept>

#include "emulator/kernels/kernel_ops.h"
#include "emulator/reference/kernel_io.h"
#include "emulator/reference/layer_reference.h"

namespace tokenfab::lpu {

namespace {

struct Built {
  Vec out;
  Eigen::ArrayXf reference;
  double tolerance;  // relative to the largest |reference| unless absolute
  bool absolute = false;
  std::string shape;
};

// The shapes: the default layer's (layer_data.h) with an FFN of d; data
// from the layer's generator.
LayerData data_for(const LpuParams& p) {
  const int d = p.vector_bytes();
  const LayerShape shape = default_layer_shape(d, d);
  return make_layer_data(d, shape.heads, d, shape.context, 3);
}

Built build(KernelOps& e, const LayerData& L, const std::string& name) {
  const int n = e.lanes();
  auto f32 = [&](const Eigen::ArrayXf& v) { return e.lanes_f32([&](int l) { return v[l]; }); };
  if (name == "rmsnorm") {
    return {e.rmsnorm(f32(L.x), f32(L.norm1), L.eps), rmsnorm_reference(L.x, L.norm1, L.eps), 1e-5, false,
            std::to_string(n) + " lanes"};
  }
  if (name == "softmax") {
    // Scores of spread about 3, the last fifth of the lanes masked off.
    const Eigen::ArrayXf s = L.x * 1.5f;
    const int valid = L.context + 1;
    const Vec mask = e.lanes_f32([&](int l) { return l < valid ? 0.0f : -1e9f; });
    Eigen::ArrayXf ref = Eigen::ArrayXf::Zero(n);
    const Eigen::ArrayXf ex = (s.head(valid) - s.head(valid).maxCoeff()).exp();
    ref.head(valid) = ex / ex.sum();
    return {e.softmax(f32(s), mask), ref, 1e-6, true, std::to_string(valid) + " of " + std::to_string(n) + " lanes"};
  }
  if (name == "rope") {
    const auto [sin_even, sin_odd] = e.sine_masks(L.sin);
    return {e.rope(f32(L.x), f32(L.cos), sin_even, sin_odd), rope_reference(L.x, L.cos, L.sin), 0, false,
            std::to_string(n / 2) + " lane pairs at position " + std::to_string(L.context)};
  }
  if (name == "swiglu") {
    const Eigen::ArrayXf up = L.norm1 * L.x.reverse();
    return {e.swiglu(f32(L.x), f32(up)), L.x * (1.0f + (-L.x).exp()).inverse() * up, 1e-6, false,
            std::to_string(n) + " lanes"};
  }
  if (name == "attention") {
    const int hd = L.head_dim(), positions = L.context;
    const Int8Vector q = q8_reference(L.x, L.s_q);
    const auto [head_i8, head_i32] = e.head_masks(0, L.heads, hd);
    std::vector<Vec> key_rows, value_rows;
    for (int r = 0; r < n; ++r) {
      key_rows.push_back(e.lanes_int(ElemType::i8, [&](int j) { return j < positions ? L.k_cache(j, r) : 0; }));
      value_rows.push_back(e.lanes_int(ElemType::i8, [&](int l) { return r < positions ? L.v_cache(r, l) : 0; }));
    }
    const Vec mask = e.lanes_f32([&](int l) { return l < positions ? 0.0f : -1e9f; });
    const Vec qv = e.lanes_int(ElemType::i8, [&](int l) { return q[l]; });
    const Vec mix = e.attention(qv, key_rows, value_rows, head_i8, head_i32, mask, L.score_scale(), L.s_p);
    const Eigen::ArrayXf ref =
        attention_mix_reference(q, L.k_cache, L.v_cache, L).array().cast<float>() * (L.s_v * L.s_p);
    return {e.dequantize(mix, L.s_v * L.s_p), ref, 1e-2, false,
            std::to_string(L.heads) + " heads of " + std::to_string(hd) + " over " + std::to_string(positions) +
                " INT8 cached positions"};
  }
  throw std::invalid_argument("unknown vector kernel '" + name + "'");
}

}  // namespace

const std::vector<std::string>& vector_kernel_names() {
  static const std::vector<std::string> names = {"rmsnorm", "softmax", "rope", "swiglu", "attention"};
  return names;
}

VectorKernelCheck run_vector_kernel(const LpuParams& p, const std::string& name, bool record_issues) {
  if (p.mxm_dim != p.vector_bytes()) throw std::invalid_argument("vector kernels: the MXM must be one vector wide");
  const LayerData data = data_for(p);
  KernelOps e(p);
  const Built b = build(e, data, name);
  VectorKernelCheck c;
  c.name = name;
  c.shape = b.shape;
  c.expected_cycles = e.s().cycles();
  c.chain_bound = e.s().chain_bound();
  Chip chip(p, Mode::functional);
  chip.record_issues(record_issues);
  load(chip, e.s().preloads());
  const Program program = e.s().take();
  c.issue = issue_bound(program);
  c.run = chip.run(program);
  if (!c.run.errors.empty()) return c;
  const std::vector<double> got = read_lanes(chip, b.out);
  for (std::size_t l = 0; l < got.size(); ++l) {
    ++c.outputs;
    c.exact += got[l] == b.reference[static_cast<Eigen::Index>(l)];
    c.max_error = std::max(c.max_error, std::abs(got[l] - b.reference[static_cast<Eigen::Index>(l)]));
    c.max_reference =
        std::max(c.max_reference, static_cast<double>(std::abs(b.reference[static_cast<Eigen::Index>(l)])));
  }
  c.tolerance = b.absolute ? b.tolerance : b.tolerance * c.max_reference;
  return c;
}

}  // namespace tokenfab::lpu
