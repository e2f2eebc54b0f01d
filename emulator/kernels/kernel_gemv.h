// The compiler side, first kernel: a statically scheduled INT8 GEMV of a
// dim x (tiles * dim) weight matrix on one MXM plane (y = x^T W, INT32 out),
// one column tile at a time with the next tile loading into the other weight
// buffer while this one computes. The
// generator places every instruction at the cycle its operand arrives, from
// the same stream positions and delay table the chip uses, and states the
// cycle count it expects; the chip then checks the schedule and the values.
//
//   GemvKernel k = gemv(params, {}, 4);   // a dim x 4*dim matrix
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

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

struct GemvLayout {
  int weight_slice = 0;                             // east MEM slice holding the dim weight rows at addresses 0..dim-1
  int activation_slice = 1;                         // east MEM slice holding x at address 0
  std::array<int, 4> output_slices = {3, 2, 1, 0};  // east slices writing byte planes 0..3
  int output_address = 40;                          // tile t's result at output_address + t
  int plane = 0;
};

struct GemvKernel {
  Program program;
  std::int64_t expected_cycles = 0;
  std::int64_t install_bound = 0;  // cycles the weight rows need on one stream: a lower bound
};

// Throws std::invalid_argument when the layout cannot be scheduled (a slice
// used twice in one cycle, or data that would have to leave before cycle 0).
GemvKernel gemv(const LpuParams& p, const GemvLayout& layout, int column_tiles = 1);

}  // namespace tokenfab::lpu
