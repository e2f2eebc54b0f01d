#include "emulator/reference/kernel_check.h"
#include "emulator/chip/system.h"
#include "emulator/reference/kernel_io.h"
#include "emulator/reference/layer_reference.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace tokenfab::lpu {

KernelCheck check_gemv(const LpuParams& p, const GemvLayout& layout, const GemvKernel& kernel, int tiles,
                       bool record_issues, Mode mode) {
  const int dim = p.mxm_dim, n = tiles * dim;
  using Matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Matrix w = Matrix::NullaryExpr(dim, n, [](Eigen::Index r, Eigen::Index c) {
    return static_cast<std::int8_t>((r * 37 + c * 11 + r * c) % 255 - 127);
  });
  const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1> x = Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>::NullaryExpr(
      dim, [](Eigen::Index i) { return static_cast<std::int8_t>((i * 29) % 255 - 127); });
  Chip chip(p, mode);
  chip.record_issues(record_issues);
  KernelCheck out;
  if (mode != Mode::functional) {
    out.run = chip.run(kernel.program);
    out.chips = {out.run};
    return out;
  }
  // Tile t's row r (columns t*dim ..) at address t*dim + r.
  for (int t = 0; t < tiles; ++t) {
    for (int r = 0; r < dim; ++r) {
      std::vector<std::uint8_t> row(static_cast<std::size_t>(dim));
      for (int c = 0; c < dim; ++c) row[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(w(r, t * dim + c));
      chip.write_vector({Hemisphere::east, layout.weight_slice}, t * dim + r, row);
    }
  }
  std::vector<std::uint8_t> xv(static_cast<std::size_t>(dim));
  std::memcpy(xv.data(), x.data(), static_cast<std::size_t>(dim));
  chip.write_vector({Hemisphere::east, layout.activation_slice}, 0, xv);

  out.run = chip.run(kernel.program);
  out.chips = {out.run};
  if (!out.run.errors.empty()) return out;
  const Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> y = w.cast<std::int32_t>().transpose() * x.cast<std::int32_t>();
  for (int j = 0; j < n; ++j) {
    const int t = j / dim, lane = j % dim;
    std::uint32_t raw = 0;
    for (int b = 0; b < 4; ++b) {
      const auto plane = chip.read_vector({Hemisphere::east, layout.output_slices[static_cast<std::size_t>(b)]},
                                          layout.output_address + t);
      raw |= static_cast<std::uint32_t>(plane[static_cast<std::size_t>(lane)]) << (8 * b);
    }
    ++out.outputs;
    if (static_cast<std::int32_t>(raw) != y(j)) ++out.mismatches;
    out.max_error = std::max(out.max_error, std::abs(static_cast<double>(static_cast<std::int32_t>(raw)) - y(j)));
  }
  return out;
}

KernelCheck check_all_reduce(const LpuParams& p, const AllReduceLayout& layout, const AllReduceKernel& kernel,
                             int chips, bool record_issues) {
  LpuSystem sys(p, chips, Mode::functional, kernel.links);
  for (int i = 0; i < chips; ++i) sys.chip(i).record_issues(record_issues);
  const auto lanes = static_cast<std::size_t>(p.vector_bytes());
  std::vector<std::int8_t> sum(lanes, 0);
  for (int i = 0; i < chips; ++i) {
    std::vector<std::uint8_t> v(lanes);
    for (std::size_t l = 0; l < lanes; ++l) {
      v[l] = static_cast<std::uint8_t>((l * static_cast<std::size_t>(i + 3) + static_cast<std::size_t>(i) * 41) % 256);
      // INT8 adds wrap at every level of the tree; the wrapped total is the same.
      sum[l] = static_cast<std::int8_t>(static_cast<std::uint8_t>(sum[l]) + v[l]);
    }
    sys.chip(i).write_vector({Hemisphere::east, layout.input_slice}, layout.input_address, v);
  }
  const std::vector<RunResult> runs = sys.run(std::vector<Program>(static_cast<std::size_t>(chips), kernel.program));
  KernelCheck c;
  c.run = runs.front();
  c.chips = runs;
  for (int i = 0; i < chips; ++i) {
    if (!runs[static_cast<std::size_t>(i)].errors.empty()) {
      c.run = runs[static_cast<std::size_t>(i)];
      return c;
    }
    const auto got = sys.chip(i).read_vector({Hemisphere::east, layout.output_slice}, layout.output_address);
    for (std::size_t l = 0; l < lanes; ++l) {
      ++c.outputs;
      c.mismatches += static_cast<std::int8_t>(got[l]) != sum[l];
      c.max_error = std::max(c.max_error, std::abs(static_cast<double>(static_cast<std::int8_t>(got[l])) - sum[l]));
    }
  }
  return c;
}

LayerCheck check_layer(const LpuParams& p, const LayerData& data, const std::vector<LayerKernel>& kernels,
                       bool record_issues) {
  const int chips = static_cast<int>(kernels.size());
  LpuSystem sys(p, chips, Mode::functional, fully_connected(chips));
  std::vector<Program> programs;
  for (int i = 0; i < chips; ++i) {
    sys.chip(i).record_issues(record_issues);
    load(sys.chip(i), kernels[static_cast<std::size_t>(i)].preloads);
    programs.push_back(kernels[static_cast<std::size_t>(i)].program);
  }
  const std::vector<RunResult> runs = sys.run(programs);
  LayerCheck c;
  c.run = runs.front();
  c.chips = runs;
  for (const RunResult& r : runs) {
    if (r.errors.empty()) continue;
    c.run = r;
    return c;
  }
  const LayerReference ref = layer_reference(data);
  for (int i = 0; i < chips; ++i) {
    const LayerKernel& k = kernels[static_cast<std::size_t>(i)];
    const int width = p.vector_bytes();
    for (std::size_t v = 0; v < k.out.size(); ++v) {
      const std::vector<double> out = read_lanes(sys.chip(i), k.out[v]);
      for (int l = 0; l < width; ++l) {
        const auto g = static_cast<Eigen::Index>(v) * width + l;
        ++c.outputs;
        c.output_exact += out[static_cast<std::size_t>(l)] == ref.out[g];
        c.max_error = std::max(c.max_error, std::abs(out[static_cast<std::size_t>(l)] - ref.out[g]));
        c.max_output = std::max(c.max_output, static_cast<double>(std::abs(ref.out[g])));
      }
    }
    // The cache rows a chip holds: its heads' lanes.
    std::vector<std::vector<double>> v_rows;
    for (const Vec& row : k.v_row) v_rows.push_back(read_lanes(sys.chip(i), row));
    for (int g = k.lane_begin; g < k.lane_end; ++g) {
      const auto v = static_cast<std::size_t>(g / width), l = static_cast<std::size_t>(g % width);
      ++c.cache_elements;
      c.cache_mismatches += v_rows[v][l] != ref.v_new[g];
      const std::vector<double> k_row = read_lanes(sys.chip(i), k.k_rows[v][l]);
      c.cache_mismatches += k_row[static_cast<std::size_t>(data.context)] != ref.k_new[g];
    }
  }
  c.cache_elements *= 2;
  return c;
}

LayerCheck check_layer(const LpuParams& p, const LayerData& data, const LayerKernel& kernel, bool record_issues) {
  return check_layer(p, data, std::vector<LayerKernel>{kernel}, record_issues);
}

KernelCheck check_matmul(const LpuParams& p, const MatmulData& data, const MatmulKernel& kernel, Mode mode,
                         bool record_issues) {
  Chip chip(p, mode);
  chip.record_issues(record_issues);
  if (mode == Mode::functional) load(chip, kernel.preloads);
  KernelCheck c;
  c.run = chip.run(kernel.program);
  c.chips = {c.run};
  if (!c.run.errors.empty() || mode != Mode::functional) return c;
  Eigen::MatrixXd want;
  if (data.type == ElemType::i8) {
    want = (data.x.cast<std::int32_t>() * data.w.cast<std::int32_t>()).cast<double>();
  } else {
    // Per K tile: the dot product in double, rounded once to FP32; the
    // tiles' partials added in FP32 in order.
    const Eigen::MatrixXd x = data.x.cast<double>() / 16.0, w = data.w.cast<double>() / 16.0;
    Eigen::MatrixXf sum = Eigen::MatrixXf::Zero(x.rows(), w.cols());
    for (Eigen::Index k0 = 0; k0 < x.cols(); k0 += p.mxm_dim) {
      const Eigen::Index span = std::min<Eigen::Index>(p.mxm_dim, x.cols() - k0);
      const Eigen::MatrixXf part = (x.middleCols(k0, span) * w.middleRows(k0, span)).cast<float>();
      sum = k0 == 0 ? part : Eigen::MatrixXf(sum + part);
    }
    want = sum.cast<double>();
  }
  for (Eigen::Index r = 0; r < want.rows(); ++r) {
    for (std::size_t t = 0; t < kernel.y[static_cast<std::size_t>(r)].size(); ++t) {
      const std::vector<double> got = read_lanes(chip, kernel.y[static_cast<std::size_t>(r)][t]);
      for (std::size_t l = 0; l < got.size(); ++l) {
        const auto col = static_cast<Eigen::Index>(t * got.size() + l);
        if (col >= want.cols()) break;
        ++c.outputs;
        c.mismatches += got[l] != want(r, col);
        c.max_error = std::max(c.max_error, std::abs(got[l] - want(r, col)));
      }
    }
  }
  return c;
}

}  // namespace tokenfab::lpu
