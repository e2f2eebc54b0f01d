// A pod: pools of systems joined by a scale-out interconnect, such as Vera
// Rubin NVL72 racks for prefill and attention with Groq 3 LPX racks for the
// FFN/expert layers of decode, joined by Spectrum-X Ethernet.
#pragma once

#include <optional>
#include <vector>

#include "hw/system/system_config.h"
#include "workloads/op.h"

namespace tokenfab {

// How a pool's chips reach the pod's interconnect when they do not each
// have a port of it: `chips_per_nic` consecutive chips share one NIC (an
// LPX tray's FPGA bridges).
struct PoolNic {
  LinkConfig link;
  int chips_per_nic = 1;
};

struct PoolConfig {
  std::string name;
  std::string role;  // what the pool serves: "prefill", "decode", "attention", "ffn"
  SystemConfig system;
  int systems = 1;
  std::optional<PoolNic> nic;  // absent: each chip has a port of the pod's interconnect
};

struct PodConfig {
  std::string name;
  std::vector<PoolConfig> pools;
  LinkConfig interconnect;    // the link a chip uses to reach another pool
  Seconds crossing_overhead;  // software cost of one crossing between pools
};

const Schema<PoolConfig>& pool_schema();
const Schema<PodConfig>& pod_schema();

const PoolConfig& pool_with_role(const PodConfig& pod, const std::string& role);
// The FFN pool as one system: its systems' chips together, in one
// chip-to-chip domain.
SystemConfig ffn_system(const PodConfig& pod);
// A pool's systems as one: their chips in one chip-to-chip domain (as LPU
// racks' links join them), price and power summed.
SystemConfig pool_as_one_system(const PoolConfig& pool);
// A pool's port onto the interconnect: its NIC link, or the interconnect's
// own per chip when it has no `nic`.
BytesPerSecond port_bandwidth(const PodConfig& pod, const PoolConfig& pool);
// Ports that `devices` consecutive chips of the pool use.
int ports_for(const PoolConfig& pool, int devices);
// NIC to NIC between the pools: the interconnect's latency and both pools'
// NIC links'.
Seconds crossing_latency(const PodConfig& pod);
// True for an op the FFN pool runs under attention-FFN disaggregation.
bool ffn_op(const Op& op);

}  // namespace tokenfab
