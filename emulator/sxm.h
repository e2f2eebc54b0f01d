// The switch unit's data movement on whole vectors (byte lanes):
//   shift      every lane moves `lanes` places toward higher lane numbers
//              (north; negative: south), across superlane boundaries, with
//              zeros filling in
//   transpose  n streams of n-lane superlane blocks in, n out: byte (i, j) of
//              each block becomes byte (j, i), n = lanes per superlane
// (shared/reference/lpu.md §2.6). Permute, distribute and rotate need their
// configured maps and are not modelled yet.
#pragma once

#include <cstdint>
#include <vector>

namespace tokenfab::lpu {

using Bytes8 = std::vector<std::uint8_t>;

Bytes8 sxm_shift(const Bytes8& in, std::int64_t lanes);
// `in` holds n streams of the same length; returns n streams.
std::vector<Bytes8> sxm_transpose(const std::vector<const Bytes8*>& in, int lanes_per_superlane);

}  // namespace tokenfab::lpu
