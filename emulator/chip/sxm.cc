#include "emulator/chip/sxm.h"

namespace tokenfab::lpu {

Bytes8 sxm_shift(const Bytes8& in, std::int64_t lanes) {
  const auto n = static_cast<std::int64_t>(in.size());
  Bytes8 out(in.size(), 0);
  for (std::int64_t l = 0; l < n; ++l) {
    const std::int64_t from = l - lanes;
    if (from >= 0 && from < n) out[static_cast<std::size_t>(l)] = in[static_cast<std::size_t>(from)];
  }
  return out;
}

Bytes8 sxm_rotate(const Bytes8& in, std::int64_t lanes) {
  const auto n = static_cast<std::int64_t>(in.size());
  Bytes8 out(in.size());
  for (std::int64_t l = 0; l < n; ++l)
    out[static_cast<std::size_t>(((l + lanes) % n + n) % n)] = in[static_cast<std::size_t>(l)];
  return out;
}

Bytes8 sxm_permute(const Bytes8& in, const std::vector<int>& map) {
  Bytes8 out(in.size());
  for (std::size_t l = 0; l < out.size(); ++l) out[l] = in[static_cast<std::size_t>(map[l])];
  return out;
}

Bytes8 sxm_distribute(const Bytes8& in, const std::vector<int>& map) {
  const std::size_t n = map.size();
  Bytes8 out(in.size(), 0);
  for (std::size_t base = 0; base + n <= in.size(); base += n) {
    for (std::size_t j = 0; j < n; ++j) {
      if (map[j] >= 0) out[base + j] = in[base + static_cast<std::size_t>(map[j])];
    }
  }
  return out;
}

std::vector<Bytes8> sxm_transpose(const std::vector<const Bytes8*>& in, int lanes_per_superlane) {
  const auto n = static_cast<std::size_t>(lanes_per_superlane);
  const std::size_t width = in.front()->size();
  std::vector<Bytes8> out(n, Bytes8(width));
  for (std::size_t base = 0; base < width; base += n) {  // one n x n block per superlane
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) out[i][base + j] = (*in[j])[base + i];
    }
  }
  return out;
}

}  // namespace tokenfab::lpu
