#include "emulator/kernels/kernel_matmul.h"

#include <doctest/doctest.h>

#include "emulator/reference/kernel_check.h"

namespace tokenfab::lpu {
namespace {

KernelCheck run(const char* preset, int m, int k, int n, ElemType type = ElemType::i8) {
  const LpuParams p = load_lpu_params(std::string("configs/lpu/") + preset + ".yaml");
  const MatmulData data = matmul_data(m, k, n, 11, type);
  const MatmulKernel kernel = matmul(p, data);
  KernelCheck c = check_matmul(p, data, kernel, Mode::functional);
  REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
  CHECK(c.run.cycles == kernel.expected_cycles);
  CHECK(kernel.chain_bound <= c.run.cycles);
  CHECK(kernel.install_bound <= c.run.cycles);
  CHECK(c.run.dataflow_bound <= c.run.cycles);
  CHECK(c.outputs == static_cast<std::int64_t>(m) * n);
  CHECK(c.mismatches == 0);
  return c;
}

// Ragged edges (zero-padded), K tiling with INT32 partial sums, several
// activation rows per installed tile.
TEST_CASE("kernels: matmul of ragged shapes matches Eigen exactly") {
  run("small", 1, 40, 20);  // a GEMV, 3 x 2 tiles
  run("small", 3, 33, 50);  // a GEMM, 3 x 4 tiles
  run("tsp_v1", 2, 700, 400);
}

// FP16: each tile's 320-element dot product rounded once to FP32, partials
// over K tiles added in FP32 in order, as the reference does: exact.
TEST_CASE("kernels: FP16 matmul of ragged shapes matches the once-rounded reference") {
  run("small", 2, 40, 20, ElemType::f16);
  run("tsp_v1", 3, 700, 400, ElemType::f16);
}

// Timing-only moves no payloads and runs repeated reads ahead (chip.h): the
// same scheduled GEMV takes the same cycles, issues and bound as it does
// with real values.
TEST_CASE("kernels: a timing-only matmul run counts what the functional run counts") {
  const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  const MatmulData data = matmul_data(1, 700, 400, 11);
  const MatmulKernel kernel = matmul(p, data);
  const RunResult functional = check_matmul(p, data, kernel, Mode::functional).run;
  const RunResult timing = check_matmul(p, data, kernel, Mode::timing_only).run;
  REQUIRE(functional.errors.empty());
  REQUIRE(timing.errors.empty());
  CHECK(timing.cycles == kernel.expected_cycles);
  CHECK(timing.cycles == functional.cycles);
  CHECK(timing.dataflow_bound == functional.dataflow_bound);
  CHECK(timing.instructions == functional.instructions);
  CHECK(timing.issued == functional.issued);
}

}  // namespace
}  // namespace tokenfab::lpu
