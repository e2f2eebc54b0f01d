#include "emulator/isa/topology.h"

#include <stdexcept>

namespace tokenfab::lpu {

std::vector<LinkSpec> fully_connected(int chips) {
  if (chips < 1 || (chips & (chips - 1)) != 0) throw std::invalid_argument("fully_connected: chips a power of two");
  std::vector<LinkSpec> links;
  for (int i = 0; i < chips; ++i) {
    for (int l = 0; l < chips - 1; ++l) {
      const int peer = i ^ (l + 1);
      if (i < peer) links.push_back({i, l, peer, l});
    }
  }
  return links;
}

}  // namespace tokenfab::lpu
