#include "emulator/kernels/kernel_matmul.h"

#include <stdexcept>

#include "emulator/isa/lanes.h"

namespace tokenfab::lpu {

MatmulData matmul_data(int m, int k, int n, std::uint32_t seed, ElemType type) {
  if (m < 1 || k < 1 || n < 1) throw std::invalid_argument("matmul: every dimension at least 1");
  if (type != ElemType::i8 && type != ElemType::f16) throw std::invalid_argument("matmul: i8 or f16");
  return {random_int8(m, k, 127, seed), random_int8(k, n, 127, seed + 1), type};
}

namespace {
// One vector of a matrix's values in the data's type, preloaded.
Vec input_row(Scheduler& s, const MatmulData& data, const std::vector<std::int8_t>& raw) {
  if (data.type == ElemType::i8) return s.input_i8(raw);
  Lanes values(static_cast<Eigen::Index>(raw.size()));
  for (std::size_t l = 0; l < raw.size(); ++l) values[static_cast<Eigen::Index>(l)] = data.value(raw[l]);
  return s.input(ElemType::f16, encode_lanes(values, ElemType::f16));
}
}  // namespace

MatmulKernel matmul(const LpuParams& p, const MatmulData& data) {
  if (p.mxm_dim != p.vector_bytes()) throw std::invalid_argument("matmul: the MXM must be one vector wide");
  const int dim = p.mxm_dim;
  const auto m = static_cast<int>(data.x.rows()), k = static_cast<int>(data.x.cols()),
             n = static_cast<int>(data.w.cols());
  if (data.w.rows() != k) throw std::invalid_argument("matmul: X is M x K and W K x N");
  const int k_tiles = (k + dim - 1) / dim, n_tiles = (n + dim - 1) / dim;
  auto at = [](const Int8Matrix& a, int r, int c) -> std::int8_t {
    return r < a.rows() && c < a.cols() ? a(r, c) : std::int8_t{0};
  };
  Scheduler s(p);
  // X row r's K-tile kt: one INT8 vector.
  std::vector<std::vector<Vec>> x(static_cast<std::size_t>(m));
  for (int r = 0; r < m; ++r) {
    for (int kt = 0; kt < k_tiles; ++kt) {
      std::vector<std::int8_t> v(static_cast<std::size_t>(dim));
      for (int l = 0; l < dim; ++l) v[static_cast<std::size_t>(l)] = at(data.x, r, kt * dim + l);
      x[static_cast<std::size_t>(r)].push_back(input_row(s, data, v));
    }
  }
  MatmulKernel out;
  out.y.assign(static_cast<std::size_t>(m), std::vector<Vec>(static_cast<std::size_t>(n_tiles)));
  for (int nt = 0; nt < n_tiles; ++nt) {
    for (int kt = 0; kt < k_tiles; ++kt) {
      std::vector<Vec> rows;
      for (int r = 0; r < dim; ++r) {
        std::vector<std::int8_t> v(static_cast<std::size_t>(dim));
        for (int c = 0; c < dim; ++c) v[static_cast<std::size_t>(c)] = at(data.w, kt * dim + r, nt * dim + c);
        rows.push_back(input_row(s, data, v));
      }
      std::vector<const Vec*> xs;
      xs.reserve(static_cast<std::size_t>(m));
      for (int r = 0; r < m; ++r) xs.push_back(&x[static_cast<std::size_t>(r)][static_cast<std::size_t>(kt)]);
      const std::vector<Vec> part = s.matvec(rows, xs);
      for (int r = 0; r < m; ++r) {
        Vec& acc = out.y[static_cast<std::size_t>(r)][static_cast<std::size_t>(nt)];
        const Vec& add = part[static_cast<std::size_t>(r)];
        acc = kt == 0 ? add : s.vxm(Opcode::add, add.type, {&acc, &add});
      }
    }
  }
  out.expected_cycles = s.cycles();
  out.chain_bound = s.chain_bound();
  out.install_bound = s.install_bound();
  out.preloads = s.preloads();
  out.program = s.take();
  return out;
}

}  // namespace tokenfab::lpu
