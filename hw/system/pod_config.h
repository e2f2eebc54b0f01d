// A pod: pools of systems joined by a scale-out interconnect, such as Vera
// Rubin NVL72 racks for prefill and attention with Groq 3 LPX racks for the
// FFN/expert layers of decode, joined by Spectrum-X Ethernet.
#pragma once

#include <vector>

#include "hw/system/system_config.h"

namespace tokenfab {

struct PoolConfig {
  std::string name;
  std::string role;  // what the pool serves: "prefill", "decode", "attention", "ffn"
  SystemConfig system;
  int systems = 1;
};

struct PodConfig {
  std::string name;
  std::vector<PoolConfig> pools;
  LinkConfig interconnect;    // the link a chip uses to reach another pool
  Seconds crossing_overhead;  // software cost of one crossing between pools
};

const Schema<PodConfig>& pod_schema();

}  // namespace tokenfab
