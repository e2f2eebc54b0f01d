// One accelerator (a GPU, or an LPU costed the same way until it has its own
// module) as a SystemC module that runs the ops of a step in order. A kernel
// op pays the launch overhead, then sends one transaction to its memory and
// one to its compute engine, both starting together (the op's memory streams
// while it computes), and ends when both are done (op_timing.h's rule).
// Kernel ops run ahead in local time (temporal decoupling: memory and
// compute are private to the device); the device meets the kernel only at
// collectives, where the CollectiveEngine matches it with its peers on the
// shared fabric. It is an SC_METHOD that re-arms itself on the collective's
// completion event: a method activation costs a fraction of a thread's
// context switch, which keeps a 72-device step to milliseconds.
//
// The module lives for many steps: `load` gives it the next step's ops and
// `start` lets it run them once the replica starts the kernel.
#pragma once

#include <systemc>
#include <tlm>

#include "hw/collective/collective_engine.h"
#include "hw/common/op_timing.h"
#include "hw/tlm/lt_sockets.h"
#include "hw/tlm/op_payload.h"
#include "serving/engine_config.h"

namespace tokenfab {

class DeviceModule : public sc_core::sc_module, public LtInitiator {
 public:
  tlm::tlm_initiator_socket<> memory_socket;
  tlm::tlm_initiator_socket<> compute_socket;

  DeviceModule(sc_core::sc_module_name name, int device, const ChipConfig& chip, const EngineConfig& engine,
               CollectiveEngine& collectives);
  ~DeviceModule() override;

  // The next step: run `ops` (which must outlive it) as a device of `stage`.
  void load(const std::vector<Op>& ops, int stage);
  // Lets a loaded device run in the next delta cycle.
  void start();
  // Takes no part in the next step.
  void unload() { ops_ = nullptr; }

  // After a step: per-op timings and the charge by resource, which adds up to
  // finish - begin.
  const std::vector<OpTiming>& timings() const { return timings_; }
  const ResourceTimes& charged() const { return stage_.by_resource; }
  Seconds begin() const { return begin_; }
  Seconds finish() const { return finish_; }
  int device() const { return device_; }
  const std::vector<Op>& ops() const { return *ops_; }
  bool loaded() const { return ops_ != nullptr; }

 private:
  void step();  // runs ops from next_ until a collective or the end
  void kernel(const Op& op);
  void resume_after_collective();

  int device_, device_stage_ = 0;
  const std::vector<Op>* ops_ = nullptr;
  const ChipConfig& chip_;
  EngineConfig engine_;
  CollectiveEngine& collectives_;
  sc_core::sc_event kick_;
  std::vector<OpTiming> timings_;
  StageAccumulator stage_;
  Seconds begin_, finish_;
  std::size_t next_ = 0;  // next op to run
  Seconds local_;         // how far this device has run ahead of simulation time
  bool started_ = false, begun_ = false, in_collective_ = false, finished_ = false;
  CollectiveCharge charge_;
  tlm::tlm_generic_payload trans_;  // reused by every kernel: its set-up costs more than the timing
  OpPayload payload_;
};

}  // namespace tokenfab
