// A chip's weight memory (HBM stacks on a GPU, on-chip SRAM on an LPU) as a
// TLM-2.0 loosely-timed target: a thin sc_module over MemoryServer, bound to
// its socket directly (lt_sockets.h). A transaction carries an OpPayload with
// the bytes to move; the target adds to the annotated delay the time until
// the last byte is in.
#pragma once

#include <systemc>
#include <tlm>

#include "hw/tlm/lt_sockets.h"

#include "hw/memory/memory_server.h"

namespace tokenfab {

class MemoryModule : public sc_core::sc_module, public LtTarget {
 public:
  tlm::tlm_target_socket<> socket;
  MemoryModule(sc_core::sc_module_name name, const MemoryConfig& config);

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;

 private:
  MemoryServer server_;
};

}  // namespace tokenfab
