// How the chips of a node are wired: which link of which chip reaches which
// link of which other. Both the kernel compiler (a kernel's program depends
// on where its links lead) and the multi-chip system (chip/system.h, which
// delivers the vectors) read it.
//
//   std::vector<LinkSpec> node = fully_connected(8);   // a GroqNode's 28 links
#pragma once

#include <vector>

namespace tokenfab::lpu {

struct LinkSpec {
  int chip_a = 0, link_a = 0, chip_b = 1, link_b = 0;
};

// A fully connected node of N chips, N a power of two: link k of chip i
// reaches chip i XOR (k + 1) on that chip's link k, so both ends of a link
// have the same index and one program, sending and receiving on link k in
// the same cycles everywhere, serves every chip. Throws
// std::invalid_argument for another N.
std::vector<LinkSpec> fully_connected(int chips);

}  // namespace tokenfab::lpu
