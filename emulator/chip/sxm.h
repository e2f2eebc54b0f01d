// The switch unit's data movement on whole vectors (byte lanes):
//   shift      every lane moves `lanes` places toward higher lane numbers
//              (north; negative: south), across superlane boundaries, with
//              zeros filling in
//   transpose  n streams of n-lane superlane blocks in, n out: byte (i, j) of
//              each block becomes byte (j, i), n = lanes per superlane
//   permute    lane i takes input lane map[i] (map a permutation of the lanes)
//   distribute lane j of each superlane takes lane map[j] of the same
//              superlane, or zero where map[j] is -1 (replication allowed)
//   rotate     every lane moves `lanes` places north, wrapping around (our
//              reading of the published "rotate": a cyclic shift)
// (shared/reference/lpu.md §2.6). Maps come with the program (program.h).
#pragma once

#include <cstdint>
#include <vector>

namespace tokenfab::lpu {

using Bytes8 = std::vector<std::uint8_t>;

Bytes8 sxm_shift(const Bytes8& in, std::int64_t lanes);
Bytes8 sxm_rotate(const Bytes8& in, std::int64_t lanes);
Bytes8 sxm_permute(const Bytes8& in, const std::vector<int>& map);
Bytes8 sxm_distribute(const Bytes8& in, const std::vector<int>& map);
// `in` holds n streams of the same length; returns n streams.
std::vector<Bytes8> sxm_transpose(const std::vector<const Bytes8*>& in, int lanes_per_superlane);

}  // namespace tokenfab::lpu
