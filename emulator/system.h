// Several LPU chips joined by chip-to-chip links, run in one global time
// order: at every step the chip with the earliest pending event runs it, so a
// vector is in its receiver's inbox before the receiver can look for it
// (every hop takes at least the serialisation time). Chips share one clock
// and start aligned, as after a DESKEW.
//
//   LpuSystem sys(params, 2, Mode::functional, {{0, 0, 1, 0}});  // chip 0 link 0 <-> chip 1 link 0
//   auto results = sys.run({program0, program1});
#pragma once

#include <memory>
#include <vector>

#include "emulator/chip.h"

namespace tokenfab::lpu {

struct LinkSpec {
  int chip_a = 0, link_a = 0, chip_b = 1, link_b = 0;
};

// A fully connected node of N chips, N a power of two: link k of chip i
// reaches chip i XOR (k + 1) on that chip's link k, so both ends of a link
// have the same index and one program, sending and receiving on link k in
// the same cycles everywhere, serves every chip.
std::vector<LinkSpec> fully_connected(int chips);

class LpuSystem {
 public:
  // Throws std::invalid_argument for a link that names a missing chip or link.
  LpuSystem(const LpuParams& params, int chips, Mode mode, const std::vector<LinkSpec>& links);
  Chip& chip(int i) { return *chips_[static_cast<std::size_t>(i)]; }
  // One program per chip; results in chip order.
  std::vector<RunResult> run(const std::vector<Program>& programs);

 private:
  std::vector<std::unique_ptr<Chip>> chips_;
};

}  // namespace tokenfab::lpu
