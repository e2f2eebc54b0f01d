#include "hw/memory/memory_module.h"

#include "hw/tlm/op_payload.h"

namespace tokenfab {

// NOLINTNEXTLINE(performance-unnecessary-value-param): SystemC names modules through a by-value sc_module_name
MemoryModule::MemoryModule(sc_core::sc_module_name name, const MemoryConfig& config)
    : sc_module(name), socket("socket"), server_(config) {
  socket.bind(*this);
}

void MemoryModule::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* payload = trans.get_extension<OpPayload>();
  const Seconds ready = from_sc(sc_core::sc_time_stamp() + delay);
  const Seconds done = server_.access(ready, payload ? payload->bytes : Bytes(0));
  delay += to_sc(done - ready);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace tokenfab
