#include "emulator/reference/kernel_io.h"

#include "emulator/isa/lanes.h"

namespace tokenfab::lpu {

void load(Chip& chip, const std::vector<Preload>& data) {
  for (const Preload& d : data) chip.write_vector(d.at.slice, d.at.address, d.bytes);
}

std::vector<double> read_lanes(const Chip& chip, const Vec& v) {
  if (v.planes.empty()) return {};
  std::vector<std::vector<std::uint8_t>> planes;
  std::vector<const std::vector<std::uint8_t>*> ptrs;
  planes.reserve(v.planes.size());
  ptrs.reserve(v.planes.size());
  for (const PlaneAt& a : v.planes) planes.push_back(chip.read_vector(a.slice, a.address));
  for (const auto& b : planes) ptrs.push_back(&b);
  const Lanes lanes = decode_lanes(ptrs, v.type, static_cast<int>(planes.front().size()));
  return {lanes.data(), lanes.data() + lanes.size()};
}

}  // namespace tokenfab::lpu
