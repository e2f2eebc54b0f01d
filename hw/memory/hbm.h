// HBM (or LPU SRAM) as a TLM-2.0 loosely-timed target: a thin sc_module over
// MemoryServer. A transaction carries an OpPayload with the bytes to move;
// the target adds to the annotated delay the time until the last byte is in.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "hw/memory/memory_server.h"

namespace tokenfab {

class HbmModule : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HbmModule> socket;
  HbmModule(sc_core::sc_module_name name, const MemoryConfig& config);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  MemoryServer server_;
};

}  // namespace tokenfab
