// Between a generated kernel and the chip that runs it: the kernel compiler
// (kernels/) knows nothing of the executor, so putting a program's preloaded
// data into a chip's SRAM and reading its result vectors back happen here,
// in the code that runs kernels.
//
//   Chip chip(params, Mode::functional);
//   load(chip, kernel.preloads);
//   chip.run(kernel.program);
//   std::vector<double> y = read_lanes(chip, kernel.out);
#pragma once

#include <vector>

#include "emulator/chip/chip.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

// Puts a program's preloads into a chip's SRAM.
void load(Chip& chip, const std::vector<Preload>& data);
// A vector's lanes as the chip holds them, widened to double.
std::vector<double> read_lanes(const Chip& chip, const Vec& v);

}  // namespace tokenfab::lpu
