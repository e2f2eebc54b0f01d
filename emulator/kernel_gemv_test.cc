#include "emulator/kernel_gemv.h"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstring>

#include "emulator/assembler.h"
#include "emulator/chip.h"

namespace tokenfab::lpu {
namespace {

// Generates, checks against the assembler's rules, runs and compares with Eigen.
void check_gemv(const char* preset, int tiles, std::int64_t hand_derived_cycles, const GemvLayout& layout = {}) {
  const LpuParams p = load_lpu_params(std::string("configs/lpu/") + preset + ".yaml");
  const int dim = p.mxm_dim, n = tiles * dim;
  GemvKernel k = gemv(p, layout, tiles);
  // The generated program is one the assembler accepts as written.
  CHECK(assemble(disassemble(k.program), "gemv.s", p) == k.program);
  CHECK(k.expected_cycles == hand_derived_cycles);

  using Matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix w = Matrix::NullaryExpr(dim, n, [](Eigen::Index r, Eigen::Index c) {
    return static_cast<std::int8_t>((r * 37 + c * 11 + r * c) % 255 - 127);
  });
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1> x = Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>::NullaryExpr(
      dim, [](Eigen::Index i) { return static_cast<std::int8_t>((i * 29) % 255 - 127); });
  Chip chip(p, Mode::functional);
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

  RunResult r = chip.run(k.program);
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == k.expected_cycles);
  CHECK(k.install_bound <= r.cycles);
  MESSAGE(std::string(preset) << ": " << r.cycles << " cycles, install bound " << k.install_bound << " (ratio "
                              << static_cast<double>(r.cycles) / static_cast<double>(k.install_bound) << ")");

  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> y = w.cast<std::int32_t>().transpose() * x.cast<std::int32_t>();
  for (int j = 0; j < n; ++j) {
    const int t = j / dim, lane = j % dim;
    std::uint32_t raw = 0;
    for (int b = 0; b < 4; ++b) {
      raw |= static_cast<std::uint32_t>(
                 chip.read_vector({Hemisphere::east, layout.output_slices[static_cast<std::size_t>(b)]},
                                  layout.output_address + t)[static_cast<std::size_t>(lane)])
             << (8 * b);
    }
    REQUIRE(static_cast<std::int32_t>(raw) == y(j));
  }
}

// tiny: as chip_test's hand-written GEMV, 54 cycles.
TEST_CASE("kernels: generated GEMV tile on tiny matches Eigen in 54 cycles") { check_gemv("tiny", 1, 54); }

// tsp-v1: the MXM is at position 24, slices 0-3 at 13. Rows reach the MXM
// 3 + 11 = 14 cycles after their read: lw 14..333, iw 334, installed 336,
// abc 337 (x read at 323), product ready 337 + 22 = 359, acc emits at 362,
// the byte planes pass slices 0-3 at 362 + 11 = 373: 374 cycles, 1.17x the
// 320-cycle bound of streaming 320 rows through one stream.
TEST_CASE("kernels: generated 320x320 GEMV tile on tsp-v1 matches Eigen in 374 cycles") {
  check_gemv("tsp_v1", 1, 374);
}

// 320 x 1280: each further column tile loads while the previous one
// computes, so it adds exactly its 320 rows of weight streaming; the GEMV is
// install-bound, as batch-1 decode on the LPU is (lpu.md 2.5). The outputs go
// to slices 4-7 (position 14, one closer to the MXM than slices 0-3, and
// clear of slice 0's 1,280 cycles of weight reads): 374 - 1 + 3 x 320 =
// 1,333 cycles against a 1,280-cycle streaming bound (ratio 1.04).
TEST_CASE("kernels: a 320x1280 GEMV on tsp-v1 is within 5% of its install bound") {
  GemvLayout layout;
  layout.output_slices = {4, 5, 6, 7};
  check_gemv("tsp_v1", 4, 374 - 1 + 3 * 320, layout);
}

}  // namespace
}  // namespace tokenfab::lpu
