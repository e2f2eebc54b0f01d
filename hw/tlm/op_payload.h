// The TLM extension that tells a memory or compute target which op a
// transaction belongs to. Transfers are whole ops (chunks of megabytes), not
// cache lines, so a decode step of a 1T-parameter model stays cheap; the
// generic payload's 32-bit data length cannot hold them, hence `bytes`.
#pragma once

#include <cmath>
#include <tlm>

#include "core/units.h"
#include "workloads/op.h"

namespace tokenfab {

struct OpPayload : tlm::tlm_extension<OpPayload> {
  const Op* op = nullptr;
  Bytes bytes;                      // as the memory sees them: the op's bytes over its kernel's bandwidth efficiency
  double compute_efficiency = 1.0;  // the engine's share of the compute rate (compute_efficiency())

  tlm::tlm_extension_base* clone() const override { return new OpPayload(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const OpPayload&>(other); }
};

// sc_time and Seconds convert at the kernel's default 1 ps resolution, by
// integer picoseconds (sc_time's double conversions cost more than the op;
// rack.cc checks the resolution before elaborating).
inline sc_core::sc_time to_sc(Seconds s) {
  return sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(std::llround(s.value() * 1e12)));
}
inline Seconds from_sc(const sc_core::sc_time& t) { return Seconds(static_cast<double>(t.value()) * 1e-12); }

}  // namespace tokenfab
