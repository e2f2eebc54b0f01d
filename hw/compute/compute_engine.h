// A chip's tensor and vector engines as a TLM-2.0 loosely-timed target: one
// server with a next-free time, so ops that overlap in time queue. The time of
// an op is compute_time() (tile quantisation, GEMM efficiency, vector rate).
#pragma once

#include <tlm>

#include <systemc>
#include "hw/tlm/lt_sockets.h"

#include "hw/common/port_server.h"
#include "hw/compute/compute_config.h"

namespace tokenfab {

class ComputeEngine : public sc_core::sc_module, public LtTarget {
 public:
  tlm::tlm_target_socket<> socket;
  ComputeEngine(sc_core::sc_module_name name, const ComputeConfig& config);

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;

 private:
  ComputeConfig config_;
  PortServer engine_;
};

}  // namespace tokenfab
