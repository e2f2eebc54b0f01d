// An INT8 all-reduce of one vector over a fully connected node of N chips
// (N a power of two, N - 1 links a chip, as in a GroqNode of 8): every chip
// sends its vector to the other N - 1 at once, receives theirs, and sums the
// N vectors in a tree of VXM adds, so the sum lands on every chip after one
// hop. The same program runs on every chip; the generator places each
// instruction from the chip's stream positions, delay table and link timing
// and states the cycle count it expects.
//
//   AllReduceKernel k = all_reduce(params, 8);
//   LpuSystem sys(params, 8, Mode::functional, k.links);
//   sys.run(std::vector<Program>(8, k.program));   // each: k.expected_cycles
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/isa/program.h"
#include "emulator/isa/topology.h"

namespace tokenfab::lpu {

struct AllReduceLayout {
  int input_slice = 0;  // east MEM slice holding the chip's vector
  std::int64_t input_address = 0;
  int output_slice = 5;  // east MEM slice the sum is written to
  std::int64_t output_address = 9;
};

struct AllReduceKernel {
  Program program;              // the same on every chip
  std::vector<LinkSpec> links;  // fully_connected(N): chip i's link k reaches chip i XOR (k + 1)
  std::int64_t expected_cycles = 0;
  std::int64_t hop_bound = 0;  // one vector's serialisation plus one hop: a lower bound
};

// Throws std::invalid_argument when N is not a power of two from 2 to
// c2c_links + 1, or the chip has too few VXM ALUs or streams for the tree.
AllReduceKernel all_reduce(const LpuParams& p, int chips, const AllReduceLayout& layout = {});

}  // namespace tokenfab::lpu
