#include "emulator/chip/system.h"

#include <stdexcept>
#include <string>

namespace tokenfab::lpu {

class LpuSystem::Ports : public C2cPorts {
 public:
  explicit Ports(std::vector<std::unique_ptr<Chip>>& chips) : chips_(chips) {}
  void wire(int link, int peer, int peer_link) { far_end_[link] = {peer, peer_link}; }
  bool connected(int link) const override { return far_end_.contains(link); }
  std::string send(int link, const C2cVector& vector) override {
    const auto [peer, peer_link] = far_end_.at(link);
    if (!chips_[static_cast<std::size_t>(peer)]->receive(peer_link, vector))
      return "the chip on link " + std::to_string(link) + " is not running";
    return "";
  }

 private:
  std::vector<std::unique_ptr<Chip>>& chips_;
  std::map<int, std::pair<int, int>> far_end_;
};

LpuSystem::LpuSystem(const LpuParams& params, int chips, Mode mode, const std::vector<LinkSpec>& links) {
  for (int i = 0; i < chips; ++i) {
    chips_.push_back(std::make_unique<Chip>(params, mode));
    ports_.push_back(std::make_unique<Ports>(chips_));
    chips_.back()->attach(ports_.back().get());
  }
  for (const auto& l : links) {
    const bool ok = l.chip_a >= 0 && l.chip_a < chips && l.chip_b >= 0 && l.chip_b < chips && l.link_a >= 0 &&
                    l.link_a < params.c2c_links && l.link_b >= 0 && l.link_b < params.c2c_links;
    if (!ok) throw std::invalid_argument("link names a chip or port that does not exist");
    ports_[static_cast<std::size_t>(l.chip_a)]->wire(l.link_a, l.chip_b, l.link_b);
    ports_[static_cast<std::size_t>(l.chip_b)]->wire(l.link_b, l.chip_a, l.link_a);
  }
}

LpuSystem::~LpuSystem() = default;

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
