#include "emulator/system.h"

#include <stdexcept>
#include <string>

namespace tokenfab::lpu {

LpuSystem::LpuSystem(const LpuParams& params, int chips, Mode mode, const std::vector<LinkSpec>& links) {
  for (int i = 0; i < chips; ++i) chips_.push_back(std::make_unique<Chip>(params, mode));
  for (const auto& l : links) {
    const bool ok = l.chip_a >= 0 && l.chip_a < chips && l.chip_b >= 0 && l.chip_b < chips && l.link_a >= 0 &&
                    l.link_a < params.c2c_links && l.link_b >= 0 && l.link_b < params.c2c_links;
    if (!ok) throw std::invalid_argument("link names a chip or port that does not exist");
    chip(l.chip_a).connect(l.link_a, chip(l.chip_b), l.link_b);
    chip(l.chip_b).connect(l.link_b, chip(l.chip_a), l.link_a);
  }
}

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

std::vector<RunResult> LpuSystem::run(const std::vector<Program>& programs) {
  if (programs.size() != chips_.size()) throw std::invalid_argument("one program per chip");
  bool runnable = true;
  for (std::size_t i = 0; i < chips_.size(); ++i) runnable = chips_[i]->start(programs[i]) && runnable;
  while (runnable) {
    Chip* earliest = nullptr;
    std::int64_t when = 0;
    for (auto& c : chips_) {
      if (auto next = c->next_cycle(); next && (!earliest || *next < when)) {
        earliest = c.get();
        when = *next;
      }
    }
    if (!earliest) break;
    earliest->step();
  }
  std::vector<RunResult> out;
  for (auto& c : chips_) out.push_back(c->result());
  return out;
}

}  // namespace tokenfab::lpu
