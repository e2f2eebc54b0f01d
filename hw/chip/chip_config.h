// One accelerator package: a GPU with HBM, or an LPU with on-chip SRAM.
//
//   configs/chips/b200_gb200.yaml -> ChipConfig
//
// Every number carries its source and status (spec, reported, projection,
// assumed) in the YAML; see memory_config.h, compute_config.h and
// link_config.h for what each block's parameters mean.
#pragma once

#include <optional>

#include "hw/compute/compute_config.h"
#include "hw/link/link_config.h"
#include "hw/memory/memory_config.h"

namespace tokenfab {

enum class ChipKind { gpu, lpu };

template <>
struct EnumNames<ChipKind> {
  static constexpr std::array<std::pair<ChipKind, std::string_view>, 2> table{
      {{ChipKind::gpu, "gpu"}, {ChipKind::lpu, "lpu"}}};
};

struct ChipConfig {
  std::string name;
  ChipKind kind = ChipKind::gpu;
  // LPUs: the emulator preset (configs/lpu/) their shared figures come from
  // (lpu_preset.h), relative to the chip file; empty: none.
  std::string emulator_preset;
  std::optional<MemoryConfig> hbm;   // off-chip stacked DRAM (GPUs)
  std::optional<MemoryConfig> sram;  // on-chip SRAM that holds weights (LPUs)
  ComputeConfig compute;
  LinkConfig scale_up;                  // NVLink or chip-to-chip links
  std::optional<LinkConfig> scale_out;  // NIC into the scale-out network
  Watts tdp;

  // The memory that holds weights and KV cache: HBM when present, else SRAM.
  const MemoryConfig& weight_memory() const { return hbm ? *hbm : *sram; }
  MemoryConfig& weight_memory() { return hbm ? *hbm : *sram; }
};

const Schema<ChipConfig>& chip_schema();

}  // namespace tokenfab
