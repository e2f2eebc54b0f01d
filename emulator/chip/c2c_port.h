// The chip-to-chip boundary: a chip hands what it sends on a link to its
// C2cPorts and takes what arrives through Chip::receive. Whoever wires chips
// together (LpuSystem, system.h) owns the ports and decides where each link
// leads, so a chip never reaches into another's internals and a different
// system (a SystemC adapter, a switch) can stand behind the same links.
//
//   class MyPorts : public C2cPorts { ... };   // deliver to peers
//   chip.attach(&ports);                       // before start()
#pragma once

#include <cstdint>
#include <string>

#include "emulator/chip/stream_fabric.h"

namespace tokenfab::lpu {

// One vector on a link: the cycle it lands in the receiver's inbox, its
// bytes (null in timing-only mode) and its arrival's dataflow bound.
struct C2cVector {
  std::int64_t arrival = 0;
  Payload value;
  std::int64_t bound = 0;
};

class C2cPorts {
 public:
  virtual ~C2cPorts() = default;
  // Whether `link` of the chip leads anywhere.
  virtual bool connected(int link) const = 0;
  // Delivers a vector sent on `link` to the far end; an error message when
  // it cannot be taken there (no chip running), else empty.
  virtual std::string send(int link, const C2cVector& vector) = 0;
};

}  // namespace tokenfab::lpu
