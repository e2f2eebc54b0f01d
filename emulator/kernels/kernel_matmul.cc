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
Vec input_row(Scheduler& s, const MatmulData& data, const std::vector<std::int8_t>& raw, Hemisphere side) {
  if (data.type == ElemType::i8) return s.input_i8(raw, side);
  Lanes values(static_cast<Eigen::Index>(raw.size()));
  for (std::size_t l = 0; l < raw.size(); ++l) values[static_cast<Eigen::Index>(l)] = data.value(raw[l]);
  return s.input(ElemType::f16, encode_lanes(values, ElemType::f16), side);
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
  // Each tile goes to the MXM that could install it first (when the chip has
  // planes on both sides), stored on that MXM's side, so both hemispheres'
  // streams feed weights at once.
  std::vector<Hemisphere> sides{Hemisphere::east};
  if (s.has_mxm(Hemisphere::west)) sides.push_back(Hemisphere::west);
  // X row r's K-tile kt on side h: one vector, preloaded on every side used
  // (activations are small; a copy on each side keeps them off the other's streams).
  std::vector<std::vector<std::vector<Vec>>> x(sides.size(),
                                               std::vector<std::vector<Vec>>(static_cast<std::size_t>(m)));
  for (std::size_t h = 0; h < sides.size(); ++h) {
    for (int r = 0; r < m; ++r) {
      for (int kt = 0; kt < k_tiles; ++kt) {
        std::vector<std::int8_t> v(static_cast<std::size_t>(dim));
        for (int l = 0; l < dim; ++l) v[static_cast<std::size_t>(l)] = at(data.x, r, kt * dim + l);
        x[h][static_cast<std::size_t>(r)].push_back(input_row(s, data, v, sides[h]));
      }
    }
  }
  MatmulKernel out;
  out.y.assign(static_cast<std::size_t>(m), std::vector<Vec>(static_cast<std::size_t>(n_tiles)));
  for (int nt = 0; nt < n_tiles; ++nt) {
    for (int kt = 0; kt < k_tiles; ++kt) {
      const std::size_t h = sides.size() > 1 && s.freer_mxm() == Hemisphere::west ? 1 : 0;
      std::vector<Vec> rows;
      for (int r = 0; r < dim; ++r) {
        std::vector<std::int8_t> v(static_cast<std::size_t>(dim));
        for (int c = 0; c < dim; ++c) v[static_cast<std::size_t>(c)] = at(data.w, kt * dim + r, nt * dim + c);
        rows.push_back(input_row(s, data, v, sides[h]));
      }
      std::vector<const Vec*> xs;
      xs.reserve(static_cast<std::size_t>(m));
      for (int r = 0; r < m; ++r) xs.push_back(&x[h][static_cast<std::size_t>(r)][static_cast<std::size_t>(kt)]);
      const std::vector<Vec> part = s.matvec(rows, xs);
      for (int r = 0; r < m; ++r) {
        Vec& acc = out.y[static_cast<std::size_t>(r)][static_cast<std::size_t>(nt)];
        const Vec& add = part[static_cast<std::size_t>(r)];
        acc = kt == 0 ? add : s.vxm(Opcode::add, add.type, {&acc, &add});
      }
    }
  }
  finish(s, out);
  return out;
}

}  // namespace tokenfab::lpu
