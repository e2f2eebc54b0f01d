#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "emulator/isa/chip_params.h"
#include "emulator/kernels/kernel_allreduce.h"
#include "hw/chip/chip_config.h"
#include "hw/collective/all_reduce.h"

namespace tokenfab {
namespace {

// Groq v1's chip-to-chip links, as the chip config takes them from its
// emulator preset: 16 links of 14 GB/s, one hop 450 cycles at 900 MHz = 0.5 us.
LinkConfig v1_links() { return load_config("configs/chips/groq_lpu_v1.yaml", chip_schema()).scale_up; }

TEST_CASE("direct all-reduce: the better of one shot and two phases inside a node") {
  const LinkConfig link = v1_links();
  REQUIRE(link.lanes == 16);
  const DirectLinks groq{.node = 8, .global_links = 4, .global_hops = 2};
  // 8 chips, S = 16,384 B (8,192 FP16 values), beta_l = 14 GB/s:
  //   one shot   0.5 us + 16384 / 14e9 = 0.5 + 1.1703 = 1.6703 us
  //   two phases 2 (0.5 us + 16384 / 8 / 14e9) = 1.0 + 0.2926 = 1.2926 us  <- taken
  const DirectAllReduce big = direct_all_reduce(8, Bytes(16384), link, groq);
  CHECK(big.latency.value() == doctest::Approx(1.0e-6));
  CHECK(big.transfer.value() == doctest::Approx(2 * 16384 / 8 / 14e9));
  // One 320-B vector: one shot, 0.5 us + 320 / 14e9 = 0.5229 us, beats 1.0057.
  const DirectAllReduce small = direct_all_reduce(8, Bytes(320), link, groq);
  CHECK(small.latency.value() == doctest::Approx(0.5e-6));
  CHECK(small.transfer.value() == doctest::Approx(320 / 14e9));
}

TEST_CASE("direct all-reduce: across nodes, the slices go over the global links") {
  const LinkConfig link = v1_links();
  const DirectLinks groq{.node = 8, .global_links = 4, .global_hops = 2};
  // 64 chips = 8 nodes of 8, S = 16,384 B. In the node: reduce-scatter and
  // all-gather, 2 (0.5 us + 2048 / 14e9) = 1.0 + 0.2926 us. Across: each chip's
  // 2,048-B slice among its 7 counterparts over 4 global links, 2 hops:
  //   one shot   2 x 0.5 us + 2048 x 7 / 4 / 14e9 = 1.0 + 0.2560 us  <- taken
  //   two phases 2 (1.0 us + 2048 x 7/8 / 4 / 14e9) = 2.0 + 0.0640 us
  const DirectAllReduce d = direct_all_reduce(64, Bytes(16384), link, groq);
  CHECK(d.latency.value() == doctest::Approx(2.0e-6));
  CHECK(d.transfer.value() == doctest::Approx(2 * 2048 / 14e9 + 2048 * 7.0 / 4 / 14e9));
}

TEST_CASE("direct all-reduce: the emulator's 8-chip all-reduce is the one-shot hop plus on-chip work") {
  // The kernel library's all-reduce of one INT8 vector over a fully
  // connected node of 8 tsp-v1 chips sends it to all 7 peers at once and adds
  // on each chip. The closed form's one shot (0.5229 us = 470.6 cycles) is
  // its link part: the emulator's cycles are no fewer, and the rest (the
  // vector unit's adds and stream moves) fits in the 0.2 us (180 cycles) of
  // collective_overhead that configs/systems/groq_v1_576.yaml assumes for it.
  const lpu::LpuParams p = lpu::load_lpu_params("configs/lpu/tsp_v1.yaml");
  const double emulated = static_cast<double>(lpu::all_reduce(p, 8).expected_cycles);
  const DirectAllReduce d = direct_all_reduce(8, Bytes(p.vector_bytes()), v1_links(), DirectLinks{.node = 8});
  const double model = (d.latency + d.transfer).value() * p.clock.value();
  CHECK(model == doctest::Approx(470.6).epsilon(1e-3));
  CHECK(emulated >= model);
  CHECK(emulated - model < 180.0);
}

}  // namespace
}  // namespace tokenfab
