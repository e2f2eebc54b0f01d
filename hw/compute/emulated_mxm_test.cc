#include "hw/compute/emulated_mxm.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/config_loader.h"
#include "emulator/isa/chip_params.h"
#include "emulator/kernels/kernel_matmul.h"
#include "hw/chip/chip_config.h"
#include "hw/common/op_timing.h"
#include "hw/compute/compute_timing.h"

namespace tokenfab {
namespace {

const char* kPreset = "configs/lpu/tsp_v1.yaml";

std::int64_t scheduled(std::int64_t m, std::int64_t k, std::int64_t n) {
  static const lpu::LpuParams p = lpu::load_lpu_params(kPreset);
  return lpu::matmul(
             p, lpu::matmul_data(static_cast<int>(m), static_cast<int>(k), static_cast<int>(n), 7, lpu::ElemType::i8))
      .expected_cycles;
}

Op gemm(std::int64_t m, std::int64_t k, std::int64_t n, std::int64_t count, Dtype dtype) {
  Op op;
  op.kind = OpKind::gemm;
  op.name = "test.gemm";
  op.m = m;
  op.k = k;
  op.n = n;
  op.count = count;
  op.dtype = dtype;
  op.flops = Flops(2.0 * static_cast<double>(m * k * n * count));
  op.weight_bytes = Bytes(static_cast<double>(k * n * count));
  op.activation_bytes = Bytes(static_cast<double>((m * k + m * n) * count));
  return op;
}

TEST_CASE("emulated MXM: shapes of at most 64 tiles are the scheduler's own cycles") {
  // 1 x 8192 x 640: 26 x 2 = 52 tiles of 320 x 320; 4 x 1000 x 700: K and
  // N padded to 4 and 3 tiles. Both are costed by the scheduler itself.
  CHECK(mxm_cycles(kPreset, "", 1, 8192, 640, true) == scheduled(1, 8192, 640));
  CHECK(mxm_cycles(kPreset, "", 4, 1000, 700, true) == scheduled(4, 1000, 700));
}

TEST_CASE("emulated MXM: larger shapes follow the line through 4 x 4 and 8 x 8 tiles, within 4%") {
  // The rule: c(T) = c(64) + (c(64) - c(16)) / 48 x (T - 64) for T tiles at
  // the same M. Llama-2-70B's decode GEMMs at TP8 on one chip (K x N):
  // Q/K/V 8192 x 1280 (26 x 4 = 104 tiles), the FFN's down projection
  // 3584 x 8192 (12 x 26 = 312), the attention output 1024 x 8192 (4 x 26 = 104).
  const std::int64_t c16 = scheduled(1, 1280, 1280), c64 = scheduled(1, 2560, 2560);
  const double slope = static_cast<double>(c64 - c16) / 48.0;
  CHECK(mxm_cycles(kPreset, "", 1, 8192, 1280, true) == c64 + std::llround(slope * 40));
  for (const auto& [k, n] : {std::pair{8192, 1280}, std::pair{3584, 8192}, std::pair{1024, 8192}}) {
    const double exact = static_cast<double>(scheduled(1, k, n));
    const double ruled = static_cast<double>(mxm_cycles(kPreset, "", 1, k, n, true));
    CAPTURE(k);
    CAPTURE(n);
    CHECK(std::fabs(ruled / exact - 1.0) < 0.04);
  }
}

TEST_CASE("emulated MXM: row counts between the buckets within 10% of the scheduler's cycles") {
  // Up to 8 rows and at 12, 16, 24, 32, 48 and 64 the scheduler's own count;
  // 10, 20 and 40 rows on the line through the buckets around them.
  CHECK(mxm_cycles(kPreset, "", 7, 2560, 1920, true) == scheduled(7, 2560, 1920));
  CHECK(mxm_cycles(kPreset, "", 24, 2560, 1920, true) == scheduled(24, 2560, 1920));
  for (const int m : {10, 20, 40}) {
    for (const auto [k, n] : {std::pair{2560, 1920}, std::pair{7168, 640}}) {
      const double exact = static_cast<double>(scheduled(m, k, n));
      const double ruled = static_cast<double>(mxm_cycles(kPreset, "", m, k, n, true));
      CAPTURE(m);
      CAPTURE(k);
      CAPTURE(exact);
      CAPTURE(ruled);
      CHECK(std::fabs(ruled / exact - 1.0) < 0.10);
    }
  }
}

TEST_CASE("emulated MXM: an LPU's matrix ops are timed by its emulator preset, weights inside the kernel") {
  // Groq v1 names configs/lpu/tsp_v1.yaml; its compute section takes the
  // preset's path from it. A grouped product of 3 x (2 x 8192 x 640) INT8
  // takes 3 x cycles(2, 8192, 640) at 900 MHz, and its memory charge is its
  // activations only: the cycles include streaming the weights from SRAM.
  const ChipConfig chip = load_config("configs/chips/groq_lpu_v1.yaml", chip_schema());
  REQUIRE(chip.compute.emulator.ends_with("tsp_v1.yaml"));
  const Op op = gemm(2, 8192, 640, 3, Dtype::int8);
  REQUIRE(emulated(chip.compute, op));
  const double cycles = 3.0 * static_cast<double>(scheduled(2, 8192, 640));
  CHECK(compute_time(chip.compute, op).value() == doctest::Approx(cycles / 900e6).epsilon(1e-12));
  CHECK(kernel_bytes(chip.compute, op).value() == doctest::Approx(op.activation_bytes.value()));
  // Not the roofline: 2 x 2 x 8192 x 640 x 3 FLOPs at the chip's INT8 rate
  // would take 0.04 us, the emulator's schedule several microseconds.
  CHECK(compute_time(chip.compute, op).value() > 10 * op.flops.value() / chip.compute.peak(Dtype::int8).value());
  // A GPU keeps the roofline and its weights in the memory charge.
  const ChipConfig gpu = load_config("configs/chips/b200_gb200.yaml", chip_schema());
  CHECK_FALSE(emulated(gpu.compute, op));
  CHECK(kernel_bytes(gpu.compute, op).value() == doctest::Approx(memory_bytes(op).value()));
}

TEST_CASE("emulated MXM: the LP30 of the LPX rack is timed by its own preset too") {
  // configs/chips/groq_lp30.yaml names configs/lpu/lp30.yaml: an FP8 product
  // runs as the 8-bit MXM type, cycles(1, 2560, 1920) of that preset (48
  // tiles: the scheduler's own count) at its 1.2207 GHz clock, and leaves
  // its weights out of the memory charge.
  const ChipConfig chip = load_config("configs/chips/groq_lp30.yaml", chip_schema());
  REQUIRE(chip.compute.emulator.ends_with("lp30.yaml"));
  const Op op = gemm(1, 2560, 1920, 1, Dtype::fp8);
  REQUIRE(emulated(chip.compute, op));
  const lpu::LpuParams lp30 = lpu::load_lpu_params("configs/lpu/lp30.yaml");
  const auto cycles = lpu::matmul(lp30, lpu::matmul_data(1, 2560, 1920, 7, lpu::ElemType::i8)).expected_cycles;
  CHECK(compute_time(chip.compute, op).value() ==
        doctest::Approx(static_cast<double>(cycles) / lp30.clock.value()).epsilon(1e-12));
  CHECK(kernel_bytes(chip.compute, op).value() == doctest::Approx(op.activation_bytes.value()));
}

TEST_CASE("emulated MXM: the chip's emulator_set changes the preset everything is derived from") {
  // Twice the hop (900 cycles at 900 MHz = 1 us) reaches the C2C link; half
  // the install rate (5,120 B a cycle) reaches the MXM's cycles.
  const ChipConfig chip =
      load_config("configs/chips/groq_lpu_v1.yaml", chip_schema(),
                  {"emulator_set.c2c_hop_latency=900", "emulator_set.mxm_install_per_cycle=5120 B"});
  CHECK(chip.scale_up.latency.value() == doctest::Approx(1e-6));
  CHECK(chip.compute.emulator_set == "c2c_hop_latency=900;mxm_install_per_cycle=5120 B");
  lpu::LpuParams slow = lpu::load_lpu_params(kPreset, {"mxm_install_per_cycle=5120 B"});
  const Op op = gemm(1, 8192, 640, 1, Dtype::int8);
  const auto expected = lpu::matmul(slow, lpu::matmul_data(1, 8192, 640, 7, lpu::ElemType::i8)).expected_cycles;
  CHECK(compute_time(chip.compute, op).value() == doctest::Approx(static_cast<double>(expected) / 900e6));
  CHECK(expected != scheduled(1, 8192, 640));
}

TEST_CASE("emulated MXM: stating the emulator in the compute section is refused") {
  // It is the chip's emulator_preset that names it; a second source would disagree.
  CHECK_THROWS_WITH_AS(
      load_config("configs/chips/groq_lpu_v1.yaml", chip_schema(), {"compute.emulator=configs/lpu/lp30.yaml"}),
      doctest::Contains("remove it here"), InputError);
}

}  // namespace
}  // namespace tokenfab
