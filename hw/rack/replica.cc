#include "hw/rack/replica.h"

#include <stdexcept>
#include <string>

namespace tokenfab {

void require_picosecond_resolution() {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time::from_value(1) ||
      sc_core::sc_time(1, sc_core::SC_PS).value() != 1) {
    throw std::logic_error("the SystemC time resolution must be 1 ps");
  }
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): SystemC names modules through a by-value sc_module_name
ReplicaModule::ReplicaModule(sc_core::sc_module_name name, const SystemConfig& system, const Mapping& mapping,
                             const EngineConfig& engine, const std::vector<int>& devices)
    : sc_module(name), mapping_(mapping), collectives_(system, mapping) {
  require_picosecond_resolution();
  std::vector<int> build = devices;
  if (build.empty()) {
    for (int d = 0; d < mapping.replica_devices(); ++d) build.push_back(d);
  }
  slot_.assign(static_cast<std::size_t>(mapping.replica_devices()), -1);
  const ChipConfig& chip = system.chip;
  for (int d : build) {
    const std::string id = std::to_string(d);
    slot_[static_cast<std::size_t>(d)] = static_cast<int>(devices_.size());
    memories_.push_back(std::make_unique<MemoryModule>(("memory" + id).c_str(), chip.weight_memory()));
    compute_.push_back(std::make_unique<ComputeEngine>(("compute" + id).c_str(), chip.compute));
    devices_.push_back(std::make_unique<DeviceModule>(("device" + id).c_str(), d, chip, engine, collectives_));
    devices_.back()->memory_socket.bind(memories_.back()->socket);
    devices_.back()->compute_socket.bind(compute_.back()->socket);
  }
}

Seconds ReplicaModule::begin_step(const std::vector<const std::vector<Op>*>& ops, std::vector<int> representative) {
  collectives_.begin_step(std::move(representative));
  for (auto& device : devices_) device->unload();
  for (int d = 0; d < mapping_.replica_devices(); ++d) {
    const std::vector<Op>* list = ops[static_cast<std::size_t>(d)];
    if (!list) continue;
    const int slot = slot_[static_cast<std::size_t>(d)];
    if (slot < 0) throw std::logic_error("device " + std::to_string(d) + " of the replica was not built");
    DeviceModule& device = *devices_[static_cast<std::size_t>(slot)];
    device.load(*list, chained_stages_ ? mapping_.coords(d).stage : 0);
    device.start();
  }
  return from_sc(sc_core::sc_time_stamp());
}

Seconds ReplicaModule::run_step(const std::vector<const std::vector<Op>*>& ops, std::vector<int> representative) {
  const Seconds begin = begin_step(ops, std::move(representative));
  sc_core::sc_start();
  return begin;
}

}  // namespace tokenfab
