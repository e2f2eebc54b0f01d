// The compiler side, first kernel: a statically scheduled INT8 GEMV of one
// dim x dim weight tile on one MXM plane (y = x^T W, INT32 out). The
// generator places every instruction at the cycle its operand arrives, from
// the same stream positions and delay table the chip uses, and states the
// cycle count it expects; the chip then checks the schedule and the values.
//
//   GemvKernel k = gemv_tile(params, {});
//   Chip chip(params, Mode::functional);  // load k.layout's slices first
//   chip.run(k.program).cycles == k.expected_cycles
//
// Schedule (east hemisphere): weight row r leaves its slice at r + d(read)
// on an eastward stream and reaches the MXM at r + latency; lw takes one row
// a cycle (repeat), iw installs, the activation is read so that it reaches
// the MXM the cycle after the install, abc multiplies, acc emits the INT32
// result as four westward byte planes, each written by the output slice it
// passes.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "emulator/program.h"

namespace tokenfab::lpu {

struct GemvLayout {
  int weight_slice = 0;                             // east MEM slice holding the dim weight rows at addresses 0..dim-1
  int activation_slice = 1;                         // east MEM slice holding x at address 0
  std::array<int, 4> output_slices = {3, 2, 1, 0};  // east slices writing byte planes 0..3
  int output_address = 40;
  int plane = 0;
};

struct GemvKernel {
  Program program;
  std::int64_t expected_cycles = 0;
  std::int64_t install_bound = 0;  // cycles the weight rows need on one stream: a lower bound
};

// Throws std::invalid_argument when the layout cannot be scheduled (a slice
// used twice, or data that would have to leave before cycle 0).
GemvKernel gemv_tile(const LpuParams& p, const GemvLayout& layout);

}  // namespace tokenfab::lpu
