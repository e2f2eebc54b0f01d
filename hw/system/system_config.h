// A system of identical chips: an HGX node, an NVL72 rack, an LPU rack or
// deployment. Scale-up domains of `scale_up.domain` chips share a fabric
// (an NVSwitch plane or a chip-to-chip network); domains talk over the
// scale-out network through the chips' NICs.
//
//   tokenfab run --system configs/systems/gb200_nvl72.yaml ...
//
// A pod (pod_config.h) joins several systems, e.g. Vera Rubin NVL72 + LPX.
#pragma once

#include <optional>

#include "hw/chip/chip_config.h"
#include "hw/link/fabric_config.h"

namespace tokenfab {

struct SystemEconomics {
  Watts all_in_power_per_chip;  // chip share of host, network, cooling: what a MW buys
  std::optional<Watts> system_power;
  std::optional<Dollars> price;
  std::optional<DollarsPerSecond> tco_per_chip;  // total cost of ownership per chip-hour
};

struct SystemConfig {
  std::string name;
  ChipConfig chip;
  int chips = 1;
  FabricConfig scale_up;
  std::optional<FabricConfig> scale_out;
  SystemEconomics economics;
};

const Schema<SystemConfig>& system_schema();

}  // namespace tokenfab
