// Loosely-timed TLM-2.0 ends without the convenience sockets' machinery.
// tlm_utils::simple_*_socket route every b_transport through a process
// wrapper that costs more than the timing it carries; a module that
// implements the transport interface itself takes one virtual call. Only
// b_transport is used: non-blocking, DMI and debug transport are refused.
#pragma once

#include <tlm>

namespace tokenfab {

// Base of a target that only answers b_transport.
class LtTarget : public tlm::tlm_fw_transport_if<> {
 public:
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase&, sc_core::sc_time&) override {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
  unsigned int transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
};

// Base of an initiator that only calls b_transport.
class LtInitiator : public tlm::tlm_bw_transport_if<> {
 public:
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
    return tlm::TLM_COMPLETED;
  }
  void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}
};

}  // namespace tokenfab
