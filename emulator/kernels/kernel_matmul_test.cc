#include "emulator/kernels/kernel_matmul.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

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

// Both MXMs: on lp30 one hemisphere's 32 streams carry 10,240 B a cycle,
// half the assumed 20,480 B install rate, so the GEMV of issue 10 meets its
// target (1.5x the per-chip install bound: 910 cycles for 16.8 MB) only
// with tiles on both sides, each MXM's queues naming only its own planes
// (the first half east, the rest west).
TEST_CASE("kernels: a large GEMV feeds both MXMs, near the chip's install bound") {
  const LpuParams p = load_lpu_params("configs/lpu/lp30.yaml");
  const MatmulData data = matmul_data(1, 8192, 2048, 11);
  const MatmulKernel kernel = matmul(p, data);
  CHECK(kernel.install_bound == 910);  // 26 x 7 tiles x 102,400 B / 20,480 B
  CHECK(kernel.expected_cycles * 2 <= kernel.install_bound * 3);
  std::map<Hemisphere, std::set<std::int64_t>> planes;
  for (const QueueCode& q : kernel.program.queues) {
    if (q.id.unit != Unit::mxm) continue;
    for (const Instruction& ins : q.code)
      if (auto it = ins.operands.find(Field::plane); it != ins.operands.end())
        planes[q.id.hemisphere].insert(std::get<std::int64_t>(it->second));
  }
  CHECK(planes[Hemisphere::east] == std::set<std::int64_t>{0, 1});
  CHECK(planes[Hemisphere::west] == std::set<std::int64_t>{2, 3});
  const RunResult timing = check_matmul(p, data, kernel, Mode::timing_only).run;
  REQUIRE(timing.errors.empty());
  CHECK(timing.cycles == kernel.expected_cycles);
}

}  // namespace
}  // namespace tokenfab::lpu
