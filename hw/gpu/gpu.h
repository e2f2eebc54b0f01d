// One GPU as a SystemC module running its ops in order. A kernel op pays the
// launch overhead, then sends one transaction to its HBM and one to its
// compute engine, both starting together (the op's memory streams while it
// computes), and ends when both are done. Kernel ops run ahead in local time
// (temporal decoupling: HBM and compute are private to the GPU); the GPU
// meets the kernel only at collectives, where the CollectiveEngine matches it
// with its peers on the shared fabric. It is an SC_METHOD that re-arms itself
// on the collective's completion event: a method activation costs a fraction
// of a thread's context switch, which keeps a 72-GPU step to milliseconds.
#pragma once

#include <systemc>
#include <tlm>

#include "hw/analytical/engine_config.h"
#include "hw/analytical/estimate.h"
#include "hw/collective/collective_engine.h"
#include "hw/gpu/lt_sockets.h"
#include "hw/gpu/op_payload.h"

namespace tokenfab {

class GpuModule : public sc_core::sc_module, public LtInitiator {
 public:
  tlm::tlm_initiator_socket<> hbm_socket;
  tlm::tlm_initiator_socket<> compute_socket;

  GpuModule(sc_core::sc_module_name name, int device, int stage, const std::vector<Op>& ops, const ChipConfig& chip,
            const EngineConfig& engine, CollectiveEngine& collectives);
  ~GpuModule() override;

  // After the simulation: per-op timings (same shape as the analytical ones)
  // and the charge by resource, which adds up to finish - begin.
  const std::vector<OpTiming>& timings() const { return timings_; }
  const ResourceTimes& charged() const { return charged_; }
  Seconds begin() const { return begin_; }
  Seconds finish() const { return finish_; }
  int device() const { return device_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  void step();  // runs ops from next_ until a collective or the end
  void kernel(const Op& op);
  void resume_after_collective();

  int device_, stage_;
  const std::vector<Op>& ops_;
  const ChipConfig& chip_;
  EngineConfig engine_;
  CollectiveEngine& collectives_;
  std::vector<OpTiming> timings_;
  ResourceTimes charged_;
  Seconds begin_, finish_;
  std::size_t next_ = 0;  // next op to run
  Seconds local_;         // how far this GPU has run ahead of simulation time
  bool started_ = false;
  bool in_collective_ = false;
  CollectiveCharge charge_;
  tlm::tlm_generic_payload trans_;  // reused by every kernel: its set-up costs more than the timing
  OpPayload payload_;
};

}  // namespace tokenfab
