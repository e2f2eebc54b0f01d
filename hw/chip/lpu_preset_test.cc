// The Groq LPU v1 is described twice: as a system-level chip
// (configs/chips/groq_lpu_v1.yaml) and as the emulator's preset
// (configs/lpu/tsp_v1.yaml). The chip takes every figure they share from the
// preset (lpu_preset.h); these tests hold each one equal, fail when the chip
// restates one, and compare the figures both still state in their own words
// (published peaks, the links file) within the stated tolerances.
#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "core/config_node.h"
#include "emulator/isa/chip_params.h"
#include "hw/chip/chip_config.h"

namespace tokenfab {
namespace {

TEST_CASE("lpu v1: the chip's clock, SRAM and C2C figures are the emulator preset's") {
  const ChipConfig chip = load_config<ChipConfig>("configs/chips/groq_lpu_v1.yaml", chip_schema());
  const lpu::LpuParams tsp = lpu::load_lpu_params("configs/lpu/tsp_v1.yaml");
  REQUIRE(chip.sram);
  CHECK(chip.emulator_preset == "../lpu/tsp_v1.yaml");
  REQUIRE(chip.compute.clock);
  CHECK(chip.compute.clock->value() == doctest::Approx(900e6).epsilon(1e-15));
  CHECK(chip.compute.clock->value() == doctest::Approx(tsp.clock.value()).epsilon(1e-15));
  // 2 x 44 slices x 20 tiles x 2 banks x 4096 words x 16 B = 220 MiB.
  CHECK(chip.sram->capacity.value() == 220.0 * 1024 * 1024);
  CHECK(chip.sram->capacity.value() == tsp.sram_capacity().value());
  CHECK(chip.sram->stacks == 2 * tsp.mem_slices);
  // 88 slices x 320 B a cycle x 900 MHz = 25.344 TB/s.
  CHECK(chip.sram->bandwidth.value() == doctest::Approx(25.344e12).epsilon(1e-12));
  // Sustained weight streaming is the MXM's install rate: 10,240 B x 900 MHz.
  CHECK(chip.sram->sustained_bandwidth().value() == doctest::Approx(9.216e12).epsilon(1e-12));
  CHECK(chip.sram->sustained_bandwidth().value() == doctest::Approx(tsp.weight_install_rate().value()).epsilon(1e-12));
  // 16 links x 14 GB/s per direction; a hop of 450 cycles at 900 MHz = 0.5 us.
  CHECK(chip.scale_up.lanes == tsp.c2c_links);
  CHECK(chip.scale_up.sustained_bandwidth().value() == doctest::Approx(224e9).epsilon(1e-12));
  CHECK(chip.scale_up.latency.value() == doctest::Approx(0.5e-6).epsilon(1e-12));
  CHECK(chip.scale_up.latency.value() == doctest::Approx(tsp.c2c_hop_time().value()).epsilon(1e-12));
}

TEST_CASE("lpu v1: the published peaks the chip states match the preset's MXM within 2.5%") {
  const ChipConfig chip = load_config<ChipConfig>("configs/chips/groq_lpu_v1.yaml", chip_schema());
  const lpu::LpuParams tsp = lpu::load_lpu_params("configs/lpu/tsp_v1.yaml");
  REQUIRE(chip.compute.int8);
  // 4 planes x 320 x 320 MACs x 2 ops x 900 MHz = 737 TOPS (brief: 750);
  // FP16 one activation per plane every 4 cycles: 184 TFLOPS (brief: 188).
  const double int8 = 2.0 * tsp.mxm_planes * tsp.mxm_dim * tsp.mxm_dim * tsp.clock.value();
  CHECK(chip.compute.int8->value() == doctest::Approx(int8).epsilon(0.025));
  CHECK(chip.compute.bf16.value() == doctest::Approx(int8 / tsp.mxm_fp16_interval).epsilon(0.025));
}

TEST_CASE("lpu v1: the links file agrees with the preset's C2C links") {
  const LinkConfig link = load_config<LinkConfig>("configs/links/lpu_v1_c2c.yaml", link_schema());
  const lpu::LpuParams tsp = lpu::load_lpu_params("configs/lpu/tsp_v1.yaml");
  CHECK(link.lanes == tsp.c2c_links);
  CHECK(link.latency.value() == doctest::Approx(tsp.c2c_hop_time().value()).epsilon(1e-12));
  // 240 GB/s x 0.93 = 223.2 GB/s against 16 x 14 GB/s = 224: 0.93 rounds 28/30.
  CHECK(link.sustained_bandwidth().value() == doctest::Approx(tsp.c2c_bandwidth().value()).epsilon(0.005));
}

TEST_CASE("lp30: the chip's figures are the emulator preset's, near NVIDIA's 500 MB, 150 TB/s and 2.5 TB/s") {
  const ChipConfig chip = load_config<ChipConfig>("configs/chips/groq_lp30.yaml", chip_schema());
  const lpu::LpuParams lp30 = lpu::load_lpu_params("configs/lpu/lp30.yaml");
  REQUIRE(chip.sram);
  CHECK(chip.compute.emulator.ends_with("lp30.yaml"));
  REQUIRE(chip.compute.clock);
  CHECK(chip.compute.clock->value() == doctest::Approx(lp30.clock.value()).epsilon(1e-15));
  // 2 x 96 slices x 20 tiles x 2 banks x 4096 words x 16 B = 503.3 MB, the
  // published ~500 MB within 1%.
  CHECK(chip.sram->capacity.value() == lp30.sram_capacity().value());
  CHECK(chip.sram->capacity.value() == doctest::Approx(500e6).epsilon(0.01));
  // The read bandwidth is one bank of every slice a cycle; ISCA 2020 counts
  // both banks, and so counted it is NVIDIA's 150 TB/s (the clock is derived
  // from it): 2 x 192 x 320 B x 1.2207 GHz = 150.0 TB/s.
  CHECK(2 * chip.sram->bandwidth.value() == doctest::Approx(150e12).epsilon(1e-4));
  // Weights stream at the MXM's install rate: 20,480 B x 1.2207 GHz = 25 TB/s.
  CHECK(chip.sram->sustained_bandwidth().value() == doctest::Approx(lp30.weight_install_rate().value()).epsilon(1e-12));
  // 96 links x 13.02 GB/s = 1.25 TB/s a direction, half of NVIDIA's 2.5
  // TB/s both ways; a hop of 610 cycles at 1.2207 GHz = 0.5 us.
  CHECK(chip.scale_up.lanes == 96);
  CHECK(chip.scale_up.sustained_bandwidth().value() == doctest::Approx(1.25e12).epsilon(0.001));
  CHECK(chip.scale_up.latency.value() == doctest::Approx(0.5e-6).epsilon(0.001));
  // The links file describes the same links.
  const LinkConfig link = load_config<LinkConfig>("configs/links/lp30_c2c.yaml", link_schema());
  CHECK(link.lanes == lp30.c2c_links);
  CHECK(link.sustained_bandwidth().value() == doctest::Approx(lp30.c2c_bandwidth().value()).epsilon(0.001));
  CHECK(link.latency.value() == doctest::Approx(lp30.c2c_hop_time().value()).epsilon(0.001));
}

TEST_CASE("lpu: a chip that restates a figure its emulator preset gives is an error at that key") {
  const std::string text =
      "name: x\nkind: lpu\nemulator_preset: ../lpu/tsp_v1.yaml\nsram:\n  latency: 30 ns\n"
      "  capacity: 230 MB\ncompute:\n  int8: 750 TOPS\nscale_up:\n  name: c2c\n  kind: lpu_c2c\ntdp: 300 W\n";
  Diagnostics diags;
  const ConfigNode node = parse_config_text(text, "configs/chips/restated.yaml", diags);
  REQUIRE(diags.ok());
  BindContext ctx{diags, nullptr, "", ""};
  chip_schema().read(node, "", ctx);
  REQUIRE(!diags.ok());
  const std::string message = diags.errors().front().str();
  INFO(message);
  CHECK(message.find("configs/chips/restated.yaml:6:13: sram.capacity: derived from the emulator preset "
                     "configs/lpu/tsp_v1.yaml") != std::string::npos);
}

}  // namespace
}  // namespace tokenfab
