// Several LPU chips joined by chip-to-chip links, run in one global time
// order: at every step the chip with the earliest pending event runs it, so a
// vector is in its receiver's inbox before the receiver can look for it
// (every hop takes at least the serialisation time). Chips share one clock
// and start aligned, as after a DESKEW. The system owns the links: each
// chip's C2cPorts (c2c_port.h) deliver its sends to the peer's receive().
//
//   LpuSystem sys(params, 2, Mode::functional, {{0, 0, 1, 0}});  // chip 0 link 0 <-> chip 1 link 0
//   auto results = sys.run({program0, program1});
#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "emulator/chip/chip.h"
#include "emulator/isa/topology.h"

namespace tokenfab::lpu {

class LpuSystem {
 public:
  // Throws std::invalid_argument for a link that names a missing chip or link.
  LpuSystem(const LpuParams& params, int chips, Mode mode, const std::vector<LinkSpec>& links);
  LpuSystem(const LpuSystem&) = delete;
  LpuSystem& operator=(const LpuSystem&) = delete;
  ~LpuSystem();
  Chip& chip(int i) { return *chips_[static_cast<std::size_t>(i)]; }
  // One program per chip; results in chip order.
  std::vector<RunResult> run(const std::vector<Program>& programs);

 private:
  // One chip's links: link -> (peer chip, peer link).
  class Ports;
  std::vector<std::unique_ptr<Chip>> chips_;
  std::vector<std::unique_ptr<Ports>> ports_;
};

}  // namespace tokenfab::lpu
