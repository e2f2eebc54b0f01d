// One model replica in SystemC: a device module per chip of the replica,
// each with its memory (HBM or SRAM) and compute engine on TLM sockets, and a
// collective engine over the scale-up and scale-out fabrics. It is built
// once and runs many steps: each step gives every simulated device its ops,
// starts the kernel and returns when all are done. A pod composes several.
//
//   ReplicaModule r("replica", system, mapping, engine);    // before sc_start
//   r.run_step(ops, representative);   // ops[d]: device d's ops, or nullptr
//   r.devices()[d]->finish()
//
// Build it before the first sc_start of the process: SystemC elaborates once.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "hw/collective/collective_engine.h"
#include "hw/compute/compute_engine.h"
#include "hw/device/device.h"
#include "hw/memory/memory_module.h"

namespace tokenfab {

class ReplicaModule : public sc_core::sc_module {
 public:
  // Builds the devices listed in `devices` (indices within the replica), or
  // every device of the mapping when none are listed.
  ReplicaModule(sc_core::sc_module_name name, const SystemConfig& system, const Mapping& mapping,
                const EngineConfig& engine, const std::vector<int>& devices = {});

  // Loads and starts one step without running the kernel, so that several
  // replicas (a pod's GPU and LPU racks) can run theirs in one sc_start.
  // `ops[d]` is what device d runs (it must have been built), or nullptr when
  // `representative[d]` stands for it. Returns the simulation time at which
  // the step begins.
  Seconds begin_step(const std::vector<const std::vector<Op>*>& ops, std::vector<int> representative);
  // begin_step, then runs the kernel until every device is done.
  Seconds run_step(const std::vector<const std::vector<Op>*>& ops, std::vector<int> representative);

  // Off: a device of a later pipeline stage starts with the step instead of
  // waiting for the previous stage's activations (a pod's FFN stages take
  // theirs from the other pool, layer by layer).
  void chain_stages(bool chained) { chained_stages_ = chained; }
  CollectiveEngine& collectives() { return collectives_; }

  // Built devices in index order; those that ran the last step are loaded().
  const std::vector<std::unique_ptr<DeviceModule>>& devices() const { return devices_; }
  const Mapping& mapping() const { return mapping_; }

 private:
  Mapping mapping_;
  CollectiveEngine collectives_;
  std::vector<std::unique_ptr<MemoryModule>> memories_;
  std::vector<std::unique_ptr<ComputeEngine>> compute_;
  std::vector<std::unique_ptr<DeviceModule>> devices_;
  std::vector<int> slot_;  // per device index: its place in devices_, or -1
  bool chained_stages_ = true;
};

// sc_time counts integer picoseconds; the replica checks the kernel's
// resolution before it elaborates.
void require_picosecond_resolution();

}  // namespace tokenfab
