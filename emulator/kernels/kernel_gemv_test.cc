#include "emulator/kernels/kernel_gemv.h"

#include <doctest/doctest.h>

#include "emulator/isa/assembler.h"
#include "emulator/reference/kernel_check.h"

namespace tokenfab::lpu {
namespace {

// Generates, checks against the assembler's rules, runs and compares with Eigen.
void check_kernel(const char* preset, int tiles, std::int64_t hand_derived_cycles, const GemvLayout& layout = {}) {
  const LpuParams p = load_lpu_params(std::string("configs/lpu/") + preset + ".yaml");
  const int n = tiles * p.mxm_dim;
  GemvKernel k = gemv(p, layout, tiles);
  // The generated program is one the assembler accepts as written.
  CHECK(assemble(disassemble(k.program), "gemv.s", p) == k.program);
  CHECK(k.expected_cycles == hand_derived_cycles);

  KernelCheck c = check_gemv(p, layout, k, tiles);
  REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
  CHECK(c.run.cycles == k.expected_cycles);
  CHECK(k.install_bound <= c.run.cycles);
  CHECK(c.run.dataflow_bound <= c.run.cycles);
  CHECK(c.outputs == n);
  CHECK(c.mismatches == 0);
  // Timing only runs the same program: the same cycles, nothing compared.
  const KernelCheck t = check_gemv(p, layout, k, tiles, false, Mode::timing_only);
  CHECK(t.run.errors.empty());
  CHECK(t.run.cycles == c.run.cycles);
  CHECK(t.outputs == 0);
}

// tiny: as chip_test's hand-written GEMV, 54 cycles.
TEST_CASE("kernels: generated GEMV tile on tiny matches Eigen in 54 cycles") { check_kernel("tiny", 1, 54); }

// tsp-v1: the MXM is at position 24, slices 0-3 at 13. Rows reach the MXM
// 3 + 11 = 14 cycles after their read: lw 14..333, iw 334, installed 336,
// abc 337 (x read at 323), product ready 337 + 22 = 359, acc emits at 362,
// the byte planes pass slices 0-3 at 362 + 11 = 373: 374 cycles, 1.17x the
// 320-cycle bound of streaming 320 rows through one stream.
TEST_CASE("kernels: generated 320x320 GEMV tile on tsp-v1 matches Eigen in 374 cycles") {
  check_kernel("tsp_v1", 1, 374);
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
  check_kernel("tsp_v1", 4, 374 - 1 + 3 * 320, layout);
}

}  // namespace
}  // namespace tokenfab::lpu
