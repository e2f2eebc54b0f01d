#include "hw/chip/chip_config.h"

#include "hw/chip/lpu_preset.h"

namespace tokenfab {

const Schema<ChipConfig>& chip_schema() {
  static const Schema<ChipConfig> schema = [] {
    Schema<ChipConfig> s("an accelerator package");
    s.add("name", &ChipConfig::name, "display name");
    s.add("kind", &ChipConfig::kind, "gpu (weights in HBM) or lpu (weights in on-chip SRAM)");
    s.add("emulator_preset", &ChipConfig::emulator_preset,
          "lpu: emulator preset (configs/lpu/) whose clock, SRAM, install rate and C2C links the chip takes")
        .default_value("");
    s.prepare(derive_from_emulator_preset);
    s.section("hbm", &ChipConfig::hbm, memory_schema());
    s.section("sram", &ChipConfig::sram, memory_schema());
    s.section("compute", &ChipConfig::compute, compute_schema());
    s.section("scale_up", &ChipConfig::scale_up, link_schema());
    s.section("scale_out", &ChipConfig::scale_out, link_schema());
    s.add("tdp", &ChipConfig::tdp,
          "thermal design power of the package; informational: throughput per MW uses the system's all-in power")
        .positive();
    s.check([](const ChipConfig& c, Checker& k) {
      if (!c.hbm && !c.sram) k.fail("kind", "a chip needs an 'hbm' or an 'sram' section to hold weights");
      if (c.kind == ChipKind::gpu && !c.hbm) k.fail("kind", "a gpu needs an 'hbm' section");
      if (c.kind == ChipKind::lpu && !c.sram) k.fail("kind", "an lpu needs an 'sram' section");
      if (c.kind != ChipKind::lpu && !c.emulator_preset.empty())
        k.fail("emulator_preset", "only an lpu has an emulator preset");
    });
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
