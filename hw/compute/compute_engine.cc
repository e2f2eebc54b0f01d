#include "hw/compute/compute_engine.h"

#include "hw/compute/compute_timing.h"
#include "hw/tlm/op_payload.h"

namespace tokenfab {

// NOLINTNEXTLINE(performance-unnecessary-value-param): SystemC names modules through a by-value sc_module_name
ComputeEngine::ComputeEngine(sc_core::sc_module_name name, const ComputeConfig& config)
    : sc_module(name), socket("socket"), config_(config) {
  socket.bind(*this);
}

void ComputeEngine::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* payload = trans.get_extension<OpPayload>();
  const Seconds ready = from_sc(sc_core::sc_time_stamp() + delay);
  const Seconds busy =
      payload && payload->op ? compute_time(config_, *payload->op) / payload->compute_efficiency : Seconds(0);
  const Seconds start = engine_.reserve(ready, busy);
  delay += to_sc(start + busy - ready);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace tokenfab
